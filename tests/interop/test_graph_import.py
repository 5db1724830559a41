"""GEXF and GraphML in: networks drawn in Gephi or kept in igraph/R become claims; hostile XML is refused."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from andiwali.errors import InteropError
from andiwali.interop import IMPORTERS, ExportFilter, export, import_file, import_formats
from andiwali.store import KnowledgeBase

import_formats()

GEPHI = b"""<?xml version="1.0" encoding="UTF-8"?>
<gexf xmlns="http://www.gexf.net/1.2draft" version="1.2">
  <graph mode="dynamic" defaultedgetype="directed" timeformat="date">
    <attributes class="node"><attribute id="0" title="Kind" type="string"/></attributes>
    <nodes>
      <node id="n1" label="Taliban"/>
      <node id="n2" label="al-Qaida"/>
      <node id="n3" label="Example Militia"><attvalues><attvalue for="0" value="organization"/></attvalues></node>
      <node id="n4" label="Kabul"/>
    </nodes>
    <edges>
      <edge id="e1" source="n1" target="n2" label="hosts"><spells><spell start="2021-08-15"/></spells></edge>
      <edge id="e2" source="n3" target="n1" label="pledged allegiance" start="2019" end="2021"/>
      <edge id="e3" source="n3" target="n4" label="active in"/>
      <edge id="e4" source="n3" target="n2" label="likes"/>
      <edge id="e5" source="n3" target="n9" label="funds"/>
    </edges>
  </graph>
</gexf>"""


def ties(kb):
    names = {e.id: e.name for e in kb.entities()}
    return {(names[c.subject], c.predicate, names[c.object], c.polarity, c.valid_from, c.valid_to, c.reported_at)
            for c in kb.claims() if c.extractor.startswith("import:")}


@pytest.mark.parametrize("fmt", ["gexf", "graphml"])
def test_graph_export_imports_back_as_the_same_ties(rich_kb, fresh_kb, tmp_path, fmt):
    out = tmp_path / f"g.{fmt}"
    export(rich_kb, fmt, out, ExportFilter.make(layers="all", actors_only=False))
    rep = import_file(fresh_kb, fmt, out)
    assert rep.skipped == [] and rep.unmapped == []
    names = {e.id: e.name for e in rich_kb.entities()}
    expected = {(names[c.subject], c.predicate, names[c.object], c.polarity, c.valid_from, c.valid_to,
                 c.reported_at if c.undated else None)
                for c in rich_kb.claims() if c.polarity == "asserted"}
    assert ties(fresh_kb) == expected
    # node ids are entity ids, so the entities come back with their ids and kinds
    assert {e.id: e.kind for e in fresh_kb.entities()} == {i: rich_kb.entity(i).kind for i in
                                                           {e.id for e in fresh_kb.entities()}}


def test_gephi_gexf_with_labels_and_spells(kb):
    rep = import_file(kb, "gexf", GEPHI)
    assert [u["value"] for u in rep.unmapped] == ["likes"]
    assert [s["where"] for s in rep.skipped] == ["edge e5"]
    got = ties(kb)
    assert ("Taliban", "shelters", "al-Qaeda", "asserted", "2021-08-15", None, None) in got
    assert ("Example Militia", "pledged_allegiance_to", "Taliban", "asserted", "2019", "2021", None) in got
    assert ("Example Militia", "operates_in", "Kabul", "asserted", None, None, None) in got
    assert [e["name"] for e in rep.entities_created] == ["Example Militia"]


def test_xml_with_a_doctype_or_entities_is_refused(kb):
    laughs = (b'<?xml version="1.0"?><!DOCTYPE gexf [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
              b'<gexf><graph><nodes><node id="x" label="&b;"/></nodes></graph></gexf>')
    with pytest.raises(InteropError, match="DOCTYPE"):
        import_file(kb, "gexf", laughs)
    external = b'<?xml version="1.0"?><!DOCTYPE g SYSTEM "http://example.invalid/x.dtd"><graphml/>'
    with pytest.raises(InteropError, match="DOCTYPE"):
        import_file(kb, "graphml", external)
    with pytest.raises(InteropError, match="not <graphml>"):
        import_file(kb, "graphml", GEPHI)


SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                             HealthCheck.too_slow])
tags = st.sampled_from(["gexf", "graphml", "graph", "nodes", "node", "edges", "edge", "attvalues", "attvalue",
                        "attributes", "attribute", "spells", "spell", "key", "data"])
attr_names = st.sampled_from(["id", "label", "source", "target", "kind", "start", "end", "for", "value", "key",
                              "attr.name", "title", "class"])
attr_values = st.text(max_size=12) | st.sampled_from(["n1", "n2", "funds", "hosts", "2021", "2021-13-01", "d0",
                                                      "ent_0123456789abcdef", "predicate", "node", "edge", "true"])


@st.composite
def xmlish(draw, depth=0):
    tag = draw(tags)
    attrs = draw(st.dictionaries(attr_names, attr_values, max_size=4))
    body = "".join(draw(st.lists(xmlish(depth + 1), max_size=3))) if depth < 4 else ""
    text = draw(st.text(alphabet="abc <&>", max_size=5))
    from xml.sax.saxutils import escape, quoteattr

    a = "".join(f" {k}={quoteattr(v)}" for k, v in attrs.items())
    return f"<{tag}{a}>{escape(text)}{body}</{tag}>"


@pytest.fixture(scope="module")
def xml_kb(tmp_path_factory):
    kb = KnowledgeBase.create(tmp_path_factory.mktemp("xml") / "kb", with_reference=False)
    yield kb
    kb.close()


@SETTINGS
@given(data=st.binary(max_size=300) | xmlish().map(str.encode))
def test_random_xml_never_crashes_the_graph_importers(xml_kb, data):
    for fmt in ("gexf", "graphml"):
        for blob in (data, f"<{fmt}>".encode() + data + f"</{fmt}>".encode()):
            try:
                IMPORTERS[fmt].func(xml_kb, blob)
            except InteropError as exc:
                assert exc.code.startswith("E5")

import json

from typer.testing import CliRunner

from andiwali.model.reference import bundled_gazetteer
from andiwali.resolve import FUZZY_THRESHOLD, Resolver, resolve_name


def test_resolve_exact_alias_and_canonical():
    r = resolve_name("Tehreek-e-Taliban Pakistan")
    assert r.entity.name == "Tehrik-e-Taliban Pakistan"
    assert r.candidates[0].score == 1.0
    r = resolve_name("ISKP")
    assert r.entity.name == "Islamic State Khorasan Province" and r.candidates[0].matched_alias == "ISKP"


def test_resolve_acronym_written_otherwise():
    r = resolve_name("ISK")
    assert r.entity.name == "Islamic State Khorasan Province"


def test_resolve_fuzzy_misspelling_above_threshold():
    r = resolve_name("Lashkar-e-Tayiba")
    assert r.entity.name == "Lashkar-e-Taiba"
    r = resolve_name("Haqqani Netwrok")
    assert r.entity.name == "Haqqani Network"
    assert not r.candidates[0].exact and FUZZY_THRESHOLD <= r.candidates[0].score < 0.95


def test_unknown_name_resolves_to_nothing():
    r = resolve_name("Guatemalan National Revolutionary Unity")
    assert r.entity is None
    assert resolve_name("xyzzy").candidates == []


def test_ambiguous_alias_shared_by_two_entities_needs_context():
    r = resolve_name("Soldiers of God")
    assert r.entity is None
    assert {c.entity.name for c in r.candidates} >= {"Ansar al-Islam", "Jundallah"}
    assert all(c.score == 0.70 for c in r.candidates[:2])


def test_ambiguous_alias_of_one_entity_resolves_with_a_low_score():
    r = resolve_name("IS")
    assert r.entity.name == "Islamic State" and r.candidates[0].score == 0.70


def test_non_ambiguous_alias_beats_an_ambiguous_one():
    r = resolve_name("Ansar Allah")
    assert r.entity.name == "Ansarallah"
    assert [c.entity.name for c in r.candidates][:2] == ["Ansarallah", "Hezbollah"]


def test_kind_filter():
    assert resolve_name("Pakistani", kind="state").entity.name == "Pakistan"
    assert resolve_name("Pakistani", kind="person").entity is None


def test_resolution_json_shape():
    d = resolve_name("AQAP").to_dict()
    assert set(d) == {"query", "entity", "candidates"}
    assert set(d["entity"]) == {"id", "name", "kind", "aliases"}
    assert set(d["candidates"][0]) == {"id", "name", "score", "matched_alias"}


def test_resolver_over_a_gazetteer_object():
    gaz = bundled_gazetteer()
    assert Resolver(gaz).resolve("al Qaida").entity.name == "al-Qaeda"
    assert resolve_name("al Qaida", gaz).entity.name == "al-Qaeda"


def test_cli_resolve_json_one_line_per_name_in_order(tmp_path, monkeypatch):
    from andiwali.cli import _load_commands, app

    _load_commands()
    monkeypatch.chdir(tmp_path)  # no ./kb here: the bundled reference data is used
    res = CliRunner().invoke(app, ["entities", "resolve", "AQIS", "nobody at all", "Hizballah", "--json"])
    assert res.exit_code == 0, res.output
    lines = [json.loads(x) for x in res.stdout.strip().splitlines()]
    assert [x["query"] for x in lines] == ["AQIS", "nobody at all", "Hizballah"]
    assert lines[0]["entity"]["name"] == "al-Qaeda in the Indian Subcontinent"
    assert lines[1]["entity"] is None
    assert lines[2]["entity"]["name"] == "Hezbollah"


def test_current_follows_former_names_and_reports_the_path():
    r = resolve_name("GSPC", current=True)
    assert r.entity.name == "al-Qaeda in the Islamic Maghreb"
    assert r.via == [{"id": r.candidates[0].entity.id, "name": "Salafist Group for Preaching and Combat", "predicate": "succeeded_by"}]
    assert resolve_name("GSPC").entity.name == "Salafist Group for Preaching and Combat"  # the default: historical
    assert "via" not in resolve_name("GSPC").to_dict()
    r = resolve_name("al-Zarqawi Network", current=True)
    assert r.entity.name == "Islamic State"
    assert [v["name"] for v in r.via] == ["Jama'at al-Tawhid wal-Jihad", "al-Qaeda in Iraq", "Islamic State of Iraq"]
    assert resolve_name("Egyptian Islamic Jihad", current=True).via[0]["predicate"] == "merged_into"


def test_current_does_not_follow_a_group_that_lives_on_in_a_coalition():
    # al-Mourabitoun merged into JNIM (2017) but has no end date: still its own group
    for name in ("al-Mourabitoun", "Ansar al-Dine"):
        r = resolve_name(name, current=True)
        assert r.entity.name == name and r.via == []
    # al-Mulathamun Battalion ended in 2013 when it merged into al-Mourabitoun: followed, and no further
    r = resolve_name("al-Mulathamun Battalion", current=True)
    assert r.entity.name == "al-Mourabitoun" and [v["predicate"] for v in r.via] == ["merged_into"]


def test_cli_resolve_follows_former_names(tmp_path, monkeypatch):
    from andiwali.cli import _load_commands, app

    _load_commands()
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(app, ["entities", "resolve", "Jabhat al-Nusrah", "AQAP", "--json"])
    assert res.exit_code == 0, res.output
    nusra, aqap = [json.loads(x) for x in res.stdout.strip().splitlines()]
    assert nusra["entity"]["name"] == "Hay'at Tahrir al-Sham"
    # renamed Jabhat Fath al-Sham (2016), which merged into HTS (2017): the path names both steps
    assert nusra["via"][0] == {"id": nusra["candidates"][0]["id"], "name": "al-Nusrah Front", "predicate": "succeeded_by"}
    assert [(v["name"], v["predicate"]) for v in nusra["via"][1:]] == [("Jabhat Fath al-Sham", "merged_into")]
    assert nusra["candidates"][0]["name"] == "al-Nusrah Front"  # the historical entity stays a candidate
    assert set(aqap) == {"query", "entity", "candidates"}  # "via" only for a former name
    res = CliRunner().invoke(app, ["entities", "resolve", "Jabhat al-Nusrah", "--historical", "--json"])
    assert json.loads(res.stdout)["entity"]["name"] == "al-Nusrah Front"


def test_current_over_a_knowledge_base(kb):
    r = resolve_name("GSPC", kb, current=True)
    assert r.entity.name == "al-Qaeda in the Islamic Maghreb" and r.via[0]["predicate"] == "succeeded_by"
    assert resolve_name("GSPC", kb).entity.name == "Salafist Group for Preaching and Combat"

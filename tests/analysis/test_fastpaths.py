"""The fast paths for large graphs give the reference paths' numbers on small graphs."""

from __future__ import annotations

import pytest

from andiwali import analysis as A
from andiwali.analysis import temporal
from andiwali.analysis.records import ClaimRecord, DocInfo, EntityInfo
from andiwali.model.ontology import ontology

KINDS = ["organization"] * 5 + ["person"] * 3 + ["state", "place", "platform"]


def random_dataset(n_entities: int = 150, n_claims: int = 3000, seed: int = 3) -> A.Dataset:
    """A random knowledge base in memory: hubs (popularity ~ 1/rank), every predicate, partial dates, negations,
    copies of documents, parents (networks) and some entities merged into others."""
    import random

    rng = random.Random(seed)
    onto = ontology()
    ents: dict[str, EntityInfo] = {}
    by_kind: dict[str, list[str]] = {}
    for i in range(n_entities):
        k = KINDS[i % len(KINDS)]
        eid = f"ent_{i:04d}"
        parent = None
        if k == "organization" and i > 20 and rng.random() < 0.3:
            parent = rng.choice(by_kind["organization"][:10])
        attrs = {"region": rng.choice(["a", "b", "c"])} if k == "organization" else {}
        if i > 30 and rng.random() < 0.03:
            attrs["_merged_into"] = rng.choice(by_kind[k][:5])
        ents[eid] = EntityInfo(eid, f"{k} {i:04d}", k, parent, attrs)
        by_kind.setdefault(k, []).append(eid)
    docs = {}
    for i in range(200):
        key = f"hash:{i % 150}"  # some documents are copies of others
        docs[f"doc_{i}"] = DocInfo(f"doc_{i}", "ABCDEF"[i % 6], "123456"[(i * 5) % 6], key, f"src {i % 20}",
                                   None, f"20{10 + i % 15}-0{1 + i % 9}")
    preds = sorted(onto.predicates)
    claims = []
    while len(claims) < n_claims:
        pred = onto.predicates[rng.choice(preds)]
        sk, ok = rng.choice(sorted(pred.subject_kinds)), rng.choice(sorted(pred.object_kinds))
        if sk not in by_kind or ok not in by_kind:
            continue
        pool_s, pool_o = by_kind[sk], by_kind[ok]
        s = pool_s[min(int(rng.paretovariate(0.8)) - 1, len(pool_s) - 1)]
        o = pool_o[min(int(rng.paretovariate(0.8)) - 1, len(pool_o) - 1) if rng.random() < 0.7
                   else rng.randrange(len(pool_o))]
        if s == o:
            continue
        vf = vt = None
        if rng.random() < 0.7:
            y = rng.randint(1998, 2024)
            vf = str(y) if rng.random() < 0.5 else f"{y}-{rng.randint(1, 12):02d}"
            if rng.random() < 0.6:
                vt = str(min(2024, y + rng.randint(0, 6)))
        rep = f"{rng.randint(2005, 2024)}-{rng.randint(1, 12):02d}" if rng.random() < 0.9 else None
        dids = tuple(rng.sample(sorted(docs), rng.choice([0, 1, 1, 1, 2])))
        claims.append(ClaimRecord(
            f"clm_{len(claims):05d}", s, pred.name, o, "negated" if rng.random() < 0.05 else "asserted",
            rng.choice(["fact", "fact", "reported", "alleged", "hypothetical"]) if rng.random() < 0.3 else "fact",
            "ent_0001" if rng.random() < 0.05 else None, vf, vt, rep, round(rng.uniform(0.3, 1.0), 2),
            rng.choice(["pending", "pending", "accepted", "rejected"]), "rules:test", dids))
    return A.Dataset(claims, ents, docs)


@pytest.fixture(scope="module")
def dataset():
    return random_dataset()


def test_snapshots_match_rebuild(dataset):
    years = list(range(1995, 2026))
    fast = A.snapshots(dataset, years=years)
    ref = temporal._snapshots_rebuild(dataset, years=years)
    assert len(fast) == len(ref)
    for f, r in zip(fast, ref, strict=True):
        assert {k: v for k, v in f.items() if k not in ("density", "top")} == \
            {k: v for k, v in r.items() if k not in ("density", "top")}
        assert f["density"] == pytest.approx(r["density"])
        assert [t["id"] for t in f["top"]] == [t["id"] for t in r["top"]]
        assert [t["pagerank"] for t in f["top"]] == pytest.approx([t["pagerank"] for t in r["top"]])


def test_snapshots_match_rebuild_all_layers(dataset):
    years = list(range(2000, 2026))
    fast = A.snapshots(dataset, years=years, layers="all", min_confidence=0.5)
    ref = temporal._snapshots_rebuild(dataset, years=years, layers="all", min_confidence=0.5)
    assert [(r["nodes"], r["ties"], r["claims"], r["components"], r["hostile_ties"]) for r in fast] == \
        [(r["nodes"], r["ties"], r["claims"], r["components"], r["hostile_ties"]) for r in ref]


def test_gould_fernandez_counting_matches_walk(dataset):
    G = dataset.graph()
    for attribute, missing in (("network", "skip"), ("region", "own"), ("kind", "skip")):
        walk = A.gould_fernandez(G, attribute=attribute, missing=missing, walk_max=10**12)
        count = A.gould_fernandez(G, attribute=attribute, missing=missing, walk_max=0)
        assert count == walk
    top = A.gould_fernandez(G, walk_max=0, examples_top=3)
    assert [r["examples"] for r in top[:3]] == [r["examples"] for r in A.gould_fernandez(G)[:3]]


def test_structural_holes_sparse_matches_networkx(dataset, monkeypatch):
    from andiwali.analysis import brokerage

    G = dataset.graph(layers="all")
    monkeypatch.setattr(brokerage, "ALL_NODES_MAX", 0)
    nodes = sorted(G.nodes())[:40]
    for weighted in (False, True):
        ref = A.structural_holes(G, nodes=nodes, weighted=weighted, sparse=False)
        fast = A.structural_holes(G, nodes=nodes, weighted=weighted)
        assert ref.keys() == fast.keys()
        for n in ref:
            for k in ("constraint", "effective_size"):
                a, b = ref[n][k], fast[n][k]
                if a is None or a != a:
                    assert b is None or b != b
                else:
                    assert b == pytest.approx(a, rel=1e-9, abs=1e-12)


def test_key_players_and_components_match_networkx(dataset, monkeypatch):
    import importlib

    import networkx as nx

    W = importlib.import_module("andiwali.analysis.whatif")

    G = dataset.graph(layers=A.COOPERATIVE_LAYERS)
    for limit in (10**6, 20):
        monkeypatch.setattr(W, "KEYPLAYER_ALL_MAX", limit)
        assert W.key_players(G, top=15) == W._key_players_nx(G, top=15)
    U = A.undirected(G)
    sizes = sorted(W._Undirected(G).component_sizes().tolist(), reverse=True)
    assert sizes == sorted((len(c) for c in nx.connected_components(U)), reverse=True)
    assert W._fragmentation_of_sizes(sizes, G.number_of_nodes()) == W.fragmentation(U)


def test_overlap_sparse_matches_pairs(dataset):
    for top in (3, 10, 500):
        assert A.overlap(dataset, top=top, sparse=True) == A.overlap(dataset, top=top, sparse=False)
    assert A.overlap(dataset, top=5, sparse=True)["pairs_total"] > 5


def test_core_numbers_igraph_matches_networkx(dataset):
    for G in (dataset.graph(), dataset.graph(layers="all", actors_only=False)):
        assert A.core_numbers(G, backend="igraph") == A.core_numbers(G, backend="networkx")


def test_frustration_upper_bound_is_its_frustrated_ties(dataset, monkeypatch):
    from andiwali.analysis import signed

    monkeypatch.setattr(signed, "EXACT_MAX_NODES", 3)
    S, _amb = A.signed_graph(dataset.graph(layers="all"))
    fr = signed.frustration(S)
    assert not fr["exact"]
    assert fr["lower"] <= fr["upper"] == len(fr["frustrated_edges"])
    assert len(set(map(frozenset, fr["frustrated_edges"]))) == fr["upper"]


def test_simple_digraph_without_claims_has_the_same_weights(dataset):
    G = dataset.graph(layers="all")
    full, light = A.simple_digraph(G), A.simple_digraph(G, claims=False)
    assert list(full.edges()) == list(light.edges())
    for u, v, d in full.edges(data=True):
        e = light[u][v]
        assert (e["weight"], e["sign"], e["predicates"], e["claims"]) == (d["weight"], d["sign"], d["predicates"], [])
    assert A.pagerank(G) == A.pagerank(full)


def test_strongest_top_is_the_head_of_the_full_ranking(dataset):
    G = dataset.graph(layers="all")
    assert A.strongest(G, None, top=7) == A.strongest(G, None, top=None)[:7]


def test_contested_two_pass_matches_brute_force(dataset):
    from andiwali.analysis.graph import _resolver
    from andiwali.analysis.timeutil import claim_interval, overlaps

    onto = ontology()
    resolve = _resolver(dataset.entities)

    def key(c):
        s, o = resolve(c.subject), resolve(c.object)
        if onto.predicates[c.predicate].symmetric and o < s:
            s, o = o, s
        return s, c.predicate, o

    ok = [c for c in dataset.claims if c.status != "rejected" and c.modality != "hypothetical"]
    negated = {}
    for n in ok:
        if n.polarity == "negated":
            negated.setdefault(key(n), []).append(n)
    expected = set()
    for a in ok:
        if a.polarity == "negated":
            continue
        for n in negated.get(key(a), ()):
            ia = claim_interval(a.valid_from, a.valid_to, a.reported_at)[0]
            ib = claim_interval(n.valid_from, n.valid_to, n.reported_at)[0]
            if ia is None or ib is None or overlaps(ia, ib):
                expected.add((a.id, n.id))
    rows = A.contested(dataset)
    assert expected and {(r["asserted"]["id"], r["negated"]["id"]) for r in rows} == expected
    assert len(rows) == len(expected)


def test_leiden_modularity_igraph_matches_networkx(dataset, monkeypatch):
    import importlib

    C = importlib.import_module("andiwali.analysis.communities")
    G = dataset.graph()
    ref = A.communities(G)
    monkeypatch.setattr(C, "MODULARITY_IGRAPH_FROM", 0)
    fast = A.communities(G)
    assert fast["communities"] == ref["communities"]
    assert fast["modularity"] == pytest.approx(ref["modularity"], rel=1e-9)

from andiwali.analysis import diff, roles, snapshots


def test_roles_show_the_dependency_reversal_with_claims(toy, toy_data):
    r = roles(toy_data, "Taliban", "2021-08")
    assert r["entity"] == "Taliban" and r["entity_id"] == toy.ids["Taliban"]
    # before: support received from al-Qaeda (and its copy, counted once), AQIS, TTP, TIP, Pakistan
    assert r["before"]["received"] == {"supports": 5}
    assert r["before"]["given"] == {}
    assert r["after"]["given"]["shelters"] == 3
    assert r["after"]["given"]["trades_with"] == 1 and r["after"]["received"]["trades_with"] == 1
    assert r["summary"]["reversal"]
    ids = {c["id"] for c in r["claims"]["after"]["given"]}
    assert {toy.claims["shelters_aq"], toy.claims["shelters_ttp"], toy.claims["shelters_tip"]} <= ids
    aq = [c for c in r["claims"]["before"]["received"] if c["id"] == toy.claims["aq_supports"]][0]
    assert aq["copies"] == [toy.claims["aq_supports_copy"]]
    assert aq["evidence"][0]["quote"].startswith("Al-Qaeda supported")
    # per layer
    assert r["before"]["by_layer"]["cooperation"]["received"] == 5
    assert r["after"]["by_layer"]["financial"] == {"given": 1, "received": 1}


def test_roles_split_edges_and_layers(toy, toy_data):
    # fights with the government and the US end in the split month (before only); fights with ISKP run
    # from 2021 (before and after); with Pakistan from 2023 (after)
    r = roles(toy_data, toy.ids["Taliban"], "2021-08", layers="hostility")
    assert r["before"]["given"]["fights"] == 3
    assert r["after"]["given"]["fights"] == 2
    assert r["after"]["received"]["fights"] == 1
    # rejected claims never count
    r = roles(toy_data, "ISKP", "2021", layers="all")
    assert "supports" not in r["after"]["given"]


def test_diff_gains_losses_sign_changes_and_movers(toy, toy_data):
    d = diff(toy_data, "2019", "2023")
    gained = {(t["subject"], t["predicate"], t["object"]) for t in d["gained"]}
    lost = {(t["subject"], t["predicate"], t["object"]) for t in d["lost"]}
    assert ("Taliban", "shelters", "al-Qaeda") in gained
    assert ("al-Qaeda", "supports", "Taliban") in lost
    assert any({c["a"], c["b"]} == {"Taliban", "Pakistan"} and c["sign_from"] == 1 and c["sign_to"] == -1
               for c in d["sign_changed"])
    assert all(t["claims"] for t in d["gained"] + d["lost"])
    assert d["rank_movers"] and all(m["moved"] is not None for m in d["rank_movers"])


def test_yearly_snapshots(toy, toy_data):
    rows = snapshots(toy_data, years=[2019, 2022, 2023])
    assert [r["year"] for r in rows] == [2019, 2022, 2023]
    r19 = rows[0]
    G19 = toy_data.graph(at="2019")
    assert r19["nodes"] == G19.number_of_nodes()
    assert r19["ties"] == sum(1 for *_e, d in G19.edges(data=True) if not d["mirror"])
    assert r19["top"][0]["name"] == "Taliban"
    assert rows == snapshots(toy_data, years=[2019, 2022, 2023])

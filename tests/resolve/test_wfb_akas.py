"""Every "aka" of the 77 CIA World Factbook profiles resolves to the profile's entity.

Resolution here is the public answer (``current=True``, what ``andiwali entities
resolve`` prints): a former name (``succeeded_by``, ``merged_into`` of a group that
ended) is followed to the current identity, so "GSPC" answers al-Qaeda in the
Islamic Maghreb and "al-Qaida in Iraq" the Islamic State, while the reference data
keeps the historical entities the extractor and the gold need.

Every aka that does not resolve to the profile's entity is listed below and
reviewed by hand, in one of two lists:

- COLLISIONS: a name other groups share (resolves to nothing, or to another group);
- DISTINCT: a name of a branch, component, front, media outlet or parent the
  reference data keeps as its own entity on purpose (its own designation, its own
  claims in the gold, or an umbrella of several groups); it must be linked to the
  profile's entity by a reference claim (branch_of, merged_into, splinter_of,
  succeeded_by, pledged_allegiance_to; three hops at most).
"""

from collections import defaultdict

from wfb_akas import parse_profile

from andiwali.model.reference import bundled_gazetteer
from andiwali.resolve import resolve_name

PROFILE_ENTITY = {
    1: "Abdallah Azzam Brigades", 2: "Abu Sayyaf Group", 3: "Al-Aqsa Martyrs Brigade", 4: "al-Ashtar Brigades", 5: "al-Mourabitoun",
    6: "al-Qaeda", 7: "al-Qaeda in the Arabian Peninsula", 8: "al-Qaeda in the Indian Subcontinent", 9: "al-Qaeda in the Islamic Maghreb",
    10: "al-Shabaab", 11: "Ansar al-Dine", 12: "Ansar al-Islam", 13: "Ansar al-Sharia in Libya", 14: "Ansar al-Sharia in Tunisia",
    15: "Ansarallah", 16: "Army of Islam", 17: "Asa'ib Ahl al-Haqq", 18: "Asbat al-Ansar", 19: "Boko Haram",
    20: "Communist Party of the Philippines", 21: "Continuity Irish Republican Army", 22: "Gulf Cartel", 23: "Hamas",
    24: "Haqqani Network", 25: "Harakat Sawa'd Misr", 26: "Harakat ul-Jihad-i-Islami", 27: "Harakat ul-Jihad-i-Islami/Bangladesh",
    28: "Harakat ul-Mujahidin", 29: "Hay'at Tahrir al-Sham", 30: "Hezbollah", 31: "Hizbul Mujahideen", 32: "Hurras al-Din",
    33: "Indian Mujahideen", 34: "Islamic Jihad Union", 35: "Islamic Movement of Uzbekistan", 36: "Islamic Revolutionary Guard Corps",
    37: "Islamic State Central Africa Province", 38: "Islamic State East Asia Province", 39: "Islamic State Mozambique Province",
    40: "Islamic State Sinai Province", 41: "Islamic State West Africa Province", 42: "Islamic State Bangladesh", 43: "Islamic State Libya Province",
    44: "Islamic State Sahel Province", 45: "Islamic State", 47: "Islamic State Khorasan Province", 48: "Jaish-e-Mohammed",
    49: "Jama'at Nusrat al-Islam wal-Muslimin", 50: "Ansaru", 51: "Jaysh al-Adl", 52: "Jaysh Rijal al-Tariq al-Naqshabandi",
    53: "Jemaah Islamiyah", 54: "Kata'ib Hizballah", 55: "Kurdistan Workers' Party", 56: "La Mara Salvatrucha", 57: "Lashkar-e-Jhangvi",
    58: "Lashkar-e-Taiba", 59: "Liberation Tigers of Tamil Eelam", 60: "National Liberation Army (Colombia)", 61: "New Generation Jalisco Cartel",
    62: "Northeast Cartel", 63: "Palestine Islamic Jihad", 64: "Palestine Liberation Front - Abu Abbas Faction",
    65: "Popular Front for the Liberation of Palestine - General Command", 66: "Popular Front for the Liberation of Palestine",
    67: "Real Irish Republican Army", 68: "Revolutionary Armed Forces of Colombia - People's Army", 69: "Revolutionary People's Liberation Party/Front",
    70: "Revolutionary Struggle", 71: "Segunda Marquetalia", 72: "Shining Path", 73: "Sinaloa Cartel", 74: "Tehrik-e-Taliban Pakistan",
    75: "The New Michoacana Family", 76: "Tren de Aragua", 77: "United Cartels",
}  # 46 lists self-proclaimed ISIS provinces, not one organization


# (profile, aka) -> what it resolves to instead (a name other groups share), and why (reviewed by hand)
COLLISIONS = {
    (6, "The Base"): (None, "also the neo-Nazi network; no context"),
    (7, "Ansar al-Shari’a"): (None, "also the Libyan and Tunisian groups (profiles 13, 14)"),
    (12, "Ansar al-Sunna"): (None, "also ISIS-Mozambique (profile 39)"),
    (12, "Soldiers of God"): (None, "also Jaysh al-Adl (profile 51)"),
    (13, "Ansar al-Sharia"): (None, "also the Tunisian group (profile 14)"),
    (13, "Ansar al-Shariah"): (None, "also the Tunisian group (profile 14)"),
    (13, "Supporters of Islamic Law"): ("Ansar al-Sharia in Tunisia", "the translation of both groups' name"),
    (14, "Ansar al-Shari’ah"): (None, "also the Libyan groups (profile 13)"),
    (14, "Ansar al-Sharia"): (None, "also the Libyan groups (profile 13)"),
    (28, "JUA"): ("Jamaat-ul-Ahrar", "JuA is Jamaat-ul-Ahrar's acronym"),
    (30, "Ansar Allah"): ("Ansarallah", "the Houthis' name (profile 15)"),
    (39, "Ansar al-Sunna"): (None, "also Ansar al-Islam (profile 12)"),
    (39, "ASWJ"): (None, "also Sipah-e-Sahaba Pakistan (Ahle Sunnat Wal Jamaat)"),
    (51, "Soldiers of God"): (None, "also Ansar al-Islam (profile 12)"),
}

# (profile, aka) -> the distinct entity it resolves to, and why it stays distinct (reviewed by hand)
DISTINCT = {
    (2, "Islamic State in the Philippines"): ("Islamic State East Asia Province", "ISIS-EA's Philippine branch, formed in 2016 by an ASG faction; ASG itself lives on"),
    (20, "New People’s Army"): ("New People's Army", "the CPP's armed wing (branch_of); the profile and the US listing name party and army together"),
    (20, "NPA"): ("New People's Army", "the CPP's armed wing (branch_of)"),
    (20, "Bagong Hukbong Bayan"): ("New People's Army", "the CPP's armed wing (branch_of)"),
    (20, "BHB"): ("New People's Army", "the CPP's armed wing (branch_of)"),
    (8, "Qaedat al-Jihad"): ("al-Qaeda", "al-Qaeda's own formal name; AQIS's is Qaedat al-Jihad in the Indian Subcontinent"),
    (13, "AAS-B"): ("Ansar al-Sharia in Benghazi", "component with its own UN listing (QDe.146)"),
    (13, "Ansar al-Shari'a in Benghazi"): ("Ansar al-Sharia in Benghazi", "component with its own UN listing (QDe.146)"),
    (13, "Katibat Ansar al-Sharia in Benghazi"): ("Ansar al-Sharia in Benghazi", "component with its own UN listing (QDe.146)"),
    (13, "Ansar al-Shariah-Benghazi"): ("Ansar al-Sharia in Benghazi", "component with its own UN listing (QDe.146)"),
    (13, "AAS-D"): ("Ansar al-Sharia in Darnah", "component with its own UN listing (QDe.145)"),
    (13, "Ansar al-Sharia in Darnah"): ("Ansar al-Sharia in Darnah", "component with its own UN listing (QDe.145)"),
    (13, "Supporters of Islamic Law in Darnah"): ("Ansar al-Sharia in Darnah", "component with its own UN listing (QDe.145)"),
    (13, "Ansar al-Sharia Brigade in Darnah"): ("Ansar al-Sharia in Darnah", "component with its own UN listing (QDe.145)"),
    (13, "Ansar al-Sharia in Derna"): ("Ansar al-Sharia in Darnah", "component with its own UN listing (QDe.145)"),
    (23, "Izz al-Din al Qassam Battalions"): ("Izz ad-Din al-Qassam Brigades", "Hamas's armed wing (branch_of); 'X, the armed wing of Hamas' must not be a self-loop"),
    (23, "Izz al-Din al Qassam Brigades"): ("Izz ad-Din al-Qassam Brigades", "Hamas's armed wing (branch_of)"),
    (23, "Izz al-Din al Qassam Forces"): ("Izz ad-Din al-Qassam Brigades", "Hamas's armed wing (branch_of)"),
    (23, "Students of Ayyash"): ("Izz ad-Din al-Qassam Brigades", "Qassam cells named after its bomb-maker Yahya Ayyash"),
    (23, "Student of the Engineer"): ("Izz ad-Din al-Qassam Brigades", "Qassam cells named after Yahya Ayyash, 'the Engineer'"),
    (23, "Yahya Ayyash Units"): ("Izz ad-Din al-Qassam Brigades", "Qassam cells named after Yahya Ayyash"),
    (27, "Harakat ul Jihad al Islami"): ("Harakat ul-Jihad-i-Islami", "the parent group's name (UN QDe.130); the Bangladeshi branch is its own entity"),
    (27, "Harkat ul Jihad al Islami"): ("Harakat ul-Jihad-i-Islami", "the parent group's name (UN QDe.130)"),
    (27, "Harkat-ul-Jehad-al-Islami"): ("Harakat ul-Jihad-i-Islami", "the parent group's name (UN QDe.130)"),
    (36, "Quds Force"): ("IRGC-Qods Force", "the IRGC's external branch, its own designation and support claims"),
    (39, "Islamic State Central Africa province"): ("Islamic State Central Africa Province", "the former parent province (until 2022), still active in the DRC"),
    (39, "Wilayah Central Africa"): ("Islamic State Central Africa Province", "the former parent province (until 2022)"),
    (42, "Jammat-ul Mujahadeen-Bangladesh"): ("Jamaat-ul-Mujahideen Bangladesh", "the older group ISIS-Bangladesh split from (splinter_of); it lives on"),
    (42, "JMB"): ("Jamaat-ul-Mujahideen Bangladesh", "the older group ISIS-Bangladesh split from"),
    (45, "Al-Furqan Establishment for Media Production"): ("al-Furqan Media", "media outlet (branch_of Islamic State), as tests/gold/wfb/ENTITIES.md advises"),
    (45, "Amaq News Agency"): ("Amaq News Agency", "media outlet (branch_of Islamic State)"),
    (45, "Al Hayat Media Center"): ("al-Hayat Media Center", "media outlet (branch_of Islamic State)"),
    (45, "Al-Hayat Media Center"): ("al-Hayat Media Center", "media outlet (branch_of Islamic State)"),
    (47, "IS"): ("Islamic State", "the parent's name (ambiguous alias)"),
    (54, "Islamic Resistance in Iraq"): ("Islamic Resistance in Iraq", "umbrella of several militias (Kata'ib Hizballah, Nujaba, ...)"),
    (58, "Milli Muslim League"): ("Milli Muslim League", "LeT's political front; the gold needs 'Milli Muslim League branch_of LeT'"),
    (58, "Milli Muslim League Pakistan"): ("Milli Muslim League", "LeT's political front (gold)"),
    (58, "MML"): ("Milli Muslim League", "LeT's political front (gold)"),
    (63, "Al-Quds Squads"): ("al-Quds Brigades", "PIJ's armed wing (branch_of); 'PIJ ... its armed wing, the al-Quds Brigades' must not be a self-loop"),
    (63, "Al-Quds Brigades"): ("al-Quds Brigades", "PIJ's armed wing (branch_of)"),
    (63, "Saraya al-Quds"): ("al-Quds Brigades", "PIJ's armed wing (branch_of)"),
}
# profile -> the distinct entity its own (double) name resolves to
OWN_DISTINCT = {36: "IRGC-Qods Force"}  # "Islamic Revolutionary Guard Corps/Qods Force"

# measured with current=True: 670 of 725 (92.4%); the 55 others are COLLISIONS + DISTINCT (13 of them the armed
# wings split from Hamas, PIJ and the CPP, which are linked entities now)
STRICT_FLOOR = 0.92

LINEAGE = {"branch_of", "merged_into", "splinter_of", "succeeded_by", "pledged_allegiance_to"}


def _links():
    gaz = bundled_gazetteer()
    nb = defaultdict(set)
    for c in gaz.claims:
        if c.predicate in LINEAGE:
            nb[c.subject].add(c.object)
            nb[c.object].add(c.subject)
    for e in gaz.entities.values():
        if e.parent:
            nb[e.id].add(e.parent)
            nb[e.parent].add(e.id)
    return nb


def _linked(nb, a, b, hops=3):
    frontier, seen = {a}, {a}
    for _ in range(hops):
        frontier = {n for f in frontier for n in nb[f]} - seen
        if b in frontier:
            return True
        seen |= frontier
    return False


def _profiles(shared_dir):
    for path in sorted((shared_dir / "corpus" / "wfb").glob("[0-9]*.txt")):
        num = int(path.name.split("_", 1)[0])
        if num in PROFILE_ENTITY:
            yield num, parse_profile(path.read_text(encoding="utf-8"))


def test_every_wfb_aka_resolves_to_the_profile_entity(shared_dir):
    gaz = bundled_gazetteer()
    nb = _links()
    strict = total = 0
    problems, distinct, collisions = [], {}, {}
    for num, prof in _profiles(shared_dir):
        want = gaz.by_name(PROFILE_ENTITY[num])
        own = resolve_name(prof["name"], current=True).entity
        assert own is not None, (num, prof["name"])
        assert own.name == OWN_DISTINCT.get(num, want.name), (num, prof["name"], own.name)
        for aka in prof["akas"]:
            total += 1
            got = resolve_name(aka, current=True).entity
            if got is not None and got.id == want.id:
                strict += 1
            elif (num, aka) in DISTINCT:
                distinct[(num, aka)] = got.name if got else None
                assert got is not None and _linked(nb, got.id, want.id), (num, aka, got and got.name)
            elif (num, aka) in COLLISIONS:
                collisions[(num, aka)] = got.name if got else None
            else:
                problems.append((num, aka, got.name if got else None))
    assert problems == []
    assert collisions == {k: v[0] for k, v in COLLISIONS.items()}
    assert distinct == {k: v[0] for k, v in DISTINCT.items()}
    assert total > 700
    assert strict == total - len(COLLISIONS) - len(DISTINCT)
    assert strict / total >= STRICT_FLOOR
    print(f"WFB akas: {total}, strict (current identity) {strict} ({strict / total:.1%}), "
          f"distinct branches/components {len(distinct)}, reviewed collisions {len(collisions)}")


def test_former_names_resolve_to_the_historical_entity_by_default(shared_dir):
    """The extractor's view: without current=True a predecessor's name keeps its own entity."""
    gaz = bundled_gazetteer()
    for aka, historical, current in [
        ("GSPC", "Salafist Group for Preaching and Combat", "al-Qaeda in the Islamic Maghreb"),
        ("al-Qa’ida in Iraq", "al-Qaeda in Iraq", "Islamic State"),
        ("Islamic State of Iraq", "Islamic State of Iraq", "Islamic State"),
        ("Egyptian al-Jihad", "Egyptian Islamic Jihad", "al-Qaeda"),
        ("Jabhat Fath al-Sham", "Jabhat Fath al-Sham", "Hay'at Tahrir al-Sham"),
        ("Ansar Bayt al-Maqdis", "Ansar Bayt al-Maqdis", "Islamic State Sinai Province"),
        ("Signed-in-Blood Battalion", "Al Mouakaoune Biddam", "al-Mourabitoun"),
    ]:
        assert resolve_name(aka).entity.name == historical
        res = resolve_name(aka, current=True)
        assert res.entity.name == current and res.via[0]["name"] == historical
        assert res.candidates[0].entity.name == historical  # candidates list the historical entity
    assert gaz.by_name("Salafist Group for Preaching and Combat") is not None

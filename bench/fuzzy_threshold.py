"""Measure the fuzzy-matching threshold of andiwali.resolve on name variants and distractors.

Positives: (1) misspellings made from organization names of the bundled reference
data (one random deletion, transposition, substitution or doubled letter, seeded),
(2) hand-written variants not in the data (transliterations, truncations, typos).
Distractors: organization names that are not in the data: MUC-4 perpetrator
organizations (../shared/eval/muc4/dev.jsonl, when present) and a hand-written list
of near misses and unrelated bodies.

For each threshold t, a query is resolved when its best candidate scores >= t.
precision = correct resolutions / resolutions; recall = correct resolutions / positives.
Prints a table and writes bench/results/fuzzy_threshold.json.
Usage: .venv/bin/python bench/fuzzy_threshold.py [--shared ../shared]
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

from andiwali.model.names import is_acronym, normalize_name
from andiwali.model.reference import bundled_gazetteer
from andiwali.resolve import Resolver

ROOT = Path(__file__).resolve().parents[1]

# hand-written variants the data does not contain -> the canonical name they denote
VARIANTS = {
    "Tehreek-i-Taleban Pakistan": "Tehrik-e-Taliban Pakistan", "Tehrik e Talibaan Pakistan": "Tehrik-e-Taliban Pakistan",
    "Lashkar-e-Tayeba": "Lashkar-e-Taiba", "Lashkar-e-Taibah": "Lashkar-e-Taiba", "Lashkar-e-Jhangavi": "Lashkar-e-Jhangvi",
    "Jaish-e-Mohamed": "Jaish-e-Mohammed", "Jaish-e-Muhamad": "Jaish-e-Mohammed", "Haqani Netwrok": "Haqqani Network",
    "Hezbolah": "Hezbollah", "Hizbulla": "Hezbollah", "Al-Shabab al-Mujahideen": "al-Shabaab", "Harakat al-Shabab al-Mujahidin": "al-Shabaab",
    "Boko Harram": "Boko Haram", "Islamic State Khorasaan Province": "Islamic State Khorasan Province",
    "Islamic State Korasan Provence": "Islamic State Khorasan Province", "Islamic State West Afica Province": "Islamic State West Africa Province",
    "Islamic State in West Africa Province": "Islamic State West Africa Province", "Hayat Tahrir al-Shaam": "Hay'at Tahrir al-Sham",
    "Hayaat Tahrir al Sham": "Hay'at Tahrir al-Sham", "Jamaat Nusrat al-Islam wal Muslimeen": "Jama'at Nusrat al-Islam wal-Muslimin",
    "Jama'a Nusrat al-Islam wa al-Muslimin": "Jama'at Nusrat al-Islam wal-Muslimin", "Ansar al-Deen": "Ansar al-Dine",
    "Al-Qaeda in the Arab Peninsula": "al-Qaeda in the Arabian Peninsula", "al-Qaeda in the Indian Sub-continent": "al-Qaeda in the Indian Subcontinent",
    "al-Qaida in the Islamic Magreb": "al-Qaeda in the Islamic Maghreb", "Hurras al-Dine": "Hurras al-Din", "Huras al-Din": "Hurras al-Din",
    "Turkistan Islamic Partiya": "Turkestan Islamic Party", "Islamic Movement of Uzbekstan": "Islamic Movement of Uzbekistan",
    "Jemaah Islamiyya": "Jemaah Islamiyah", "Abu Sayaf Group": "Abu Sayyaf Group", "Kurdistan Worker's Party": "Kurdistan Workers' Party",
    "Liberation Tigers of Tamil Ealam": "Liberation Tigers of Tamil Eelam", "Shining Paths": "Shining Path", "Sendero Luminosa": "Shining Path",
    "Revolutionary Armed Forces of Columbia": "Revolutionary Armed Forces of Colombia - People's Army", "Hizbul Mujahedin": "Hizbul Mujahideen",
    "Asaib Ahl al-Haq": "Asa'ib Ahl al-Haqq", "Kataib Hizbullah": "Kata'ib Hizballah", "Palestinian Islamic Jihaad": "Palestine Islamic Jihad",
    "Islamic Revolutionary Guards Corps": "Islamic Revolutionary Guard Corps", "Jaish al-Adel": "Jaysh al-Adl",
    "Balochistan Liberation Armie": "Balochistan Liberation Army", "Tahreek-e-Labaik Pakistan": "Tehreek-e-Labbaik Pakistan",
    "Caucasus Emirates": "Caucasus Emirate", "Ansarul Islaam": "Ansarul Islam", "Katiba Macena": "Katiba Macina",
}
DISTRACTORS = [
    "Fatah al-Islam", "Jund al-Sham", "Liwa al-Tawhid", "Nour al-Din al-Zenki Movement", "Jaysh al-Fatah", "Islamic Front (Syria)",
    "Faylaq al-Sham", "Jaysh al-Izza", "Ansar al-Furqan", "Jund Allah Brigade", "Ahrar al-Sharqiya", "Saraya Awliya al-Dam",
    "Islamic Relief Worldwide", "International Committee of the Red Cross", "World Health Organization", "Doctors Without Borders",
    "Human Rights Watch", "Amnesty International", "European Commission", "World Food Programme", "Norwegian Refugee Council",
    "Islamic Cooperation Youth Forum", "Pakistan Muslim League", "Pakistan Peoples Party", "Awami League", "Bangladesh Nationalist Party",
    "Jamaat-e-Islami Pakistan", "Jamiat Ulema-e-Islam", "Awami National Party", "Muttahida Qaumi Movement", "Pashtun Tahafuz Movement",
    "Islamic Salvation Front", "Ennahda Movement", "Justice and Development Party", "National Congress Party", "Sudan Liberation Movement",
    "Justice and Equality Movement", "Oromo Liberation Army", "Tigray Defense Forces", "Fano militia", "Mai-Mai militia", "Anti-balaka",
    "Seleka", "Ambazonia Defence Forces", "Niger Delta Avengers", "Movement for the Emancipation of the Niger Delta",
    "Zapatista Army of National Liberation", "Tupac Amaru Revolutionary Movement", "Popular Revolutionary Army", "Los Rastrojos",
    "Clan del Golfo", "Irish National Liberation Army", "Ulster Volunteer Force", "Ulster Defence Association", "Corsican National Liberation Front",
    "Red Army Japan", "Japanese Red Army", "17 November", "Conspiracy of Fire Nuclei", "Informal Anarchist Federation",
    "Sons of Iraq", "Mahdi Scouts", "Houthi Scouts", "Islamic State Scholars Council", "Lashkar-e-Omar", "Jaish-e-Adl Kashmir", "Ansar Ghazwat-ul-Hind",
    "Al-Badr Mujahideen", "Tehreek-ul-Mujahideen", "Harkat-ul-Ansar al-Hind", "Islamic State Hijaz Province", "Islamic State Turkey Province",
]


def typo(rng: random.Random, s: str) -> str:
    i = rng.randrange(1, len(s) - 1)
    op = rng.choice("dtsx")
    if op == "d":
        return s[:i] + s[i + 1:]
    if op == "t":
        return s[:i] + s[i + 1] + s[i] + s[i + 2:]
    if op == "s":
        return s[:i] + rng.choice("aeioulnrst") + s[i + 1:]
    return s[:i] + s[i] + s[i:]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--n", type=int, default=600)
    args = ap.parse_args()
    gaz = bundled_gazetteer()
    res = Resolver(gaz)
    rng = random.Random(4)
    orgs = [e for e in gaz.entities.values() if e.kind == "organization"]
    positives: list[tuple[str, str]] = []
    while len(positives) < args.n:
        e = rng.choice(orgs)
        name = rng.choice([e.name] + [a.name for a in e.aliases if not a.ambiguous])
        if is_acronym(name) or len(name) < 8 or not name.isascii():
            continue
        q = typo(rng, name)
        if res.exact.get(normalize_name(q)):  # the typo made another known name: not a fuzzy case
            continue
        positives.append((q, e.id))
    held_out = [(q, gaz.by_name(c).id) for q, c in VARIANTS.items() if not res.exact.get(normalize_name(q))]
    distract = list(DISTRACTORS)
    muc = Path(args.shared) / "eval" / "muc4" / "dev.jsonl"
    if muc.exists():
        for line in muc.read_text(encoding="utf-8").splitlines():
            for t in json.loads(line).get("templates", []):
                for group in t.get("PerpOrg", []):
                    for name, _off in group:
                        distract.append(name)
    distract = sorted({d for d in distract if not res.exact.get(normalize_name(d)) and not is_acronym(d) and len(d) >= 5})

    def best(q: str):
        c = res.candidates(q, limit=1, min_fuzzy=0.5)
        return (c[0].entity.id, c[0].score) if c else (None, 0.0)

    pos = [(best(q), gold) for q, gold in positives + held_out]
    neg = [best(q) for q in distract]
    table = []
    for t100 in range(60, 91):
        t = t100 / 100
        tp = sum(1 for (eid, sc), gold in pos if sc >= t and eid == gold)
        fp = sum(1 for (eid, sc), gold in pos if sc >= t and eid != gold) + sum(1 for eid, sc in neg if sc >= t)
        p = tp / (tp + fp) if tp + fp else 1.0
        r = tp / len(pos)
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        table.append({"threshold": t, "precision": round(p, 4), "recall": round(r, 4), "f1": round(f1, 4), "tp": tp, "fp": fp})
    # the chosen threshold: the lowest with precision >= 0.99 (a wrong match costs more than a miss), else best F1
    ok = [row for row in table if row["precision"] >= 0.99]
    chosen = min(ok, key=lambda row: row["threshold"]) if ok else max(table, key=lambda row: row["f1"])
    held = [(best(q), gold) for q, gold in held_out]
    held_r = sum(1 for (eid, sc), gold in held if sc >= chosen["threshold"] and eid == gold) / max(1, len(held))
    print(f"positives: {len(positives)} synthetic typos + {len(held_out)} hand-written variants; distractors: {len(distract)}")
    print("threshold  precision  recall  f1")
    for row in table:
        print(f"  {row['threshold']:.2f}     {row['precision']:.3f}    {row['recall']:.3f}  {row['f1']:.3f}")
    print(f"chosen: {chosen}; recall on the hand-written variants alone: {held_r:.3f}")
    out = ROOT / "bench" / "results" / "fuzzy_threshold.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"chosen": chosen, "held_out_recall": held_r, "table": table, "n_positives": len(pos),
                               "n_distractors": len(distract)}, indent=1))


if __name__ == "__main__":
    main()

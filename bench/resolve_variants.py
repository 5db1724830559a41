"""Resolution measured on name variants the reference data does not contain.

A seeded generator writes realistic variants of the canonical names and aliases of
the bundled gazetteer's organizations and people (Latin script, not marked
ambiguous, not shared by two entities) and resolves each with
``andiwali.resolve.resolve_name`` (the default, historical resolution). A variant is
kept when it is written differently from every name of the data and its
normalized key is no other entity's name (else the right answer is unknowable).
A variant whose key is a name of its own entity ("seen key": normalization
alone handles it) is reported apart from one with a new key.

Kinds of variant (one per query, chosen at random among those that apply):

==============  ===============================================================
translit        a transliteration variant of one word: Qaeda/Qaida/Qa'ida,
                Tehrik/Tehreek, Mohammed/Muhammad, Lashkar-e/-i, Jaish/Jaysh,
                ou/u, ee/i, doubled letters, q/k, kh/k, ph/f, y/i, -iyah/-iya
article         "al-" dropped, added, or written el-/Al /ul-; "the" dropped or added
hyphen          hyphens to spaces, spaces to hyphens, particles joined
                (Lashkar-e-Taiba -> Lashkare Taiba, Harakat ul -> Harakatul)
diacritics      accents added (a -> á/ā, i -> ī, u -> ū) or apostrophes changed
case            upper, lower or title case
typo            one deletion, transposition, substitution or doubled letter
                (not the first letter) in a word of 5+ letters
acronym-dots    an acronym written with dots or spaces ("A.Q.A.P.", "I S K P")
combined        two or three of translit, article, hyphen, diacritics, case and
                typo one after the other ("Tehreek i Taleban-Pakistan")
==============  ===============================================================

Outcomes: correct (the entity the name belongs to), abstained (no entity),
wrong (another entity). Also: the right entity among the candidates (recall@5).
Distractors (organizations not in the data, from bench/fuzzy_threshold.py) give
the false-resolution rate. Prints a table and writes
bench/results/resolve_variants.json.

Usage: .venv/bin/python bench/resolve_variants.py [--n 3000] [--seed 7] [--errors]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

from andiwali.model.names import is_acronym, normalize_name
from andiwali.model.reference import Gazetteer, bundled_gazetteer
from andiwali.resolve import Resolver, resolver_for

ROOT = Path(__file__).resolve().parents[1]
KINDS = ("organization", "person")
GENERATORS = ("translit", "article", "hyphen", "diacritics", "case", "typo", "acronym-dots", "combined")

# word-level transliteration swaps (either direction, case kept)
_WORD_SWAPS = [
    ("qaeda", "qaida"), ("qaeda", "qa'ida"), ("qaida", "qa'ida"), ("qaida", "qaeda"), ("tehrik", "tehreek"),
    ("tehreek", "tehrik"), ("tahrik", "tehreek"), ("mohammed", "muhammad"), ("muhammad", "mohammed"),
    ("mohammad", "muhammad"), ("mohammed", "mohamed"), ("jaish", "jaysh"), ("jaysh", "jaish"), ("taiba", "tayyiba"),
    ("tayyiba", "taiba"), ("taiba", "toiba"), ("mujahideen", "mujahidin"), ("mujahidin", "mujahideen"),
    ("hizballah", "hezbollah"), ("hezbollah", "hizbullah"), ("khorasan", "khurasan"), ("shabaab", "shabab"),
    ("jamaat", "jama'at"), ("jama'at", "jamaat"), ("jemaah", "jamaah"), ("islamiyah", "islamiyya"),
    ("islamiyya", "islamiyah"), ("sharia", "shariah"), ("shariah", "sharia"), ("ansar", "ansaar"), ("din", "deen"),
    ("dine", "deen"), ("nusrah", "nusra"), ("nusra", "nusrah"), ("tawhid", "tawheed"), ("harakat", "harkat"),
    ("harkat", "harakat"), ("jihad", "jehad"), ("osama", "usama"), ("usama", "osama"), ("abdullah", "abdallah"),
    ("abu", "abou"), ("hussein", "husayn"), ("yusuf", "yousef"), ("omar", "umar"), ("umar", "omar"),
]
# character-level transliteration rules inside one word (regex, replacement)
_CHAR_RULES = [
    (r"ou", "u"), (r"(?<![aeiou])u(?=[bcdfghjklmnpqrstvwxz])", "ou"), (r"ee", "i"), (r"i(?=[bcdfghjklmnpqrstvwxz])", "ee"),
    (r"([bcdfgjklmnpqrstvz])\1", r"\1"), (r"(?<=[aeiou])([bdfklmnrst])(?=[aeiou])", r"\1\1"), (r"q", "k"), (r"kh", "k"),
    (r"ph", "f"), (r"y(?=[aeiou])", "i"), (r"(?<=[aeiou])i(?=[aeiou])", "y"), (r"iyah\b", "iya"), (r"iya\b", "iyah"),
    (r"ah\b", "a"), (r"(?<=[^aeiou])a\b", "ah"), (r"aa", "a"), (r"(?<=[bcdfghjklmnpqrstvwxz])e(?=[bcdfghjklmnpqrstvwxz])", "a"),
    (r"w", "ou"), (r"dh", "z"), (r"th", "s"),
]
_ACCENTS = {"a": ("á", "ā", "à"), "i": ("í", "ī"), "u": ("ú", "ū"), "e": ("é", "è"), "o": ("ó", "ô"), "c": ("ç",), "s": ("ş",)}
_APOSTROPHES = ("'", "’", "ʿ", "`", "")


def _latin(name: str) -> bool:
    return all(not c.isalpha() or unicodedata.name(c, "").startswith("LATIN") for c in name)


def _swap_case(src: str, new: str) -> str:
    if src.isupper():
        return new.upper()
    if src[:1].isupper():
        return new[:1].upper() + new[1:]
    return new


def _words(name: str) -> list[tuple[int, int]]:
    """Spans of the words of ``name``, acronyms left out (a typo or transliteration of "ISKP" is not realistic)."""
    return [(m.start(), m.end()) for m in re.finditer(r"[A-Za-z'’]+", name) if not is_acronym(m.group())]


def _real_acronym(name: str) -> bool:
    """An acronym such as AQAP, FARC-EP, IS-K (not a short word in capitals such as "SALAH" or "SANOVIRA")."""
    parts = [p for p in re.split(r"[-\s.]+", name) if p]
    return is_acronym(name) and all(len(p) <= 5 for p in parts) and sum(len(p) for p in parts) <= 7 \
        and not any(re.search(r"[aeiou]{2}|[^aeiou]{0}[aeiou][^aeiou][aeiou][^aeiou]?$", p.lower()) and len(p) >= 5 for p in parts)


def gen_translit(name: str, rng: random.Random) -> str | None:
    spans = _words(name)
    options = []
    for s, e in spans:
        w = name[s:e]
        lw = w.lower()
        for a, b in _WORD_SWAPS:
            if lw == a:
                options.append((s, e, _swap_case(w, b)))
        if len(lw) >= 4:
            for pat, rep in _CHAR_RULES:
                for m in re.finditer(pat, lw):
                    if m.start() == 0 and pat in ("q", "w"):
                        continue
                    nw = lw[: m.start()] + m.expand(rep) + lw[m.end():]
                    if nw != lw:
                        options.append((s, e, _swap_case(w, nw)))
    if not options:
        return None
    s, e, nw = rng.choice(options)
    return name[:s] + nw + name[e:]


def gen_article(name: str, rng: random.Random) -> str | None:
    options = []
    for m in re.finditer(r"\b([Aa]l|[Ee]l)[- ](?=\w)", name):
        options += [name[: m.start()] + name[m.end():], name[: m.start()] + "el-" + name[m.end():],
                    name[: m.start()] + "Al " + name[m.end():]]
        if m.start() > 0:  # inside a name the article is also written ul- ("Harakat ul-Mujahidin")
            options.append(name[: m.start()] + "ul-" + name[m.end():])
    for m in re.finditer(r"\b[Tt]he ", name):
        options.append(name[: m.start()] + name[m.end():])
    words = name.split()
    if len(words) >= 2 and not re.match(r"(?i)(al|el|the)\b", name):
        options += ["al-" + name, "the " + name, "The " + name]
    for i, w in enumerate(words[1:], 1):
        if w[:1].isupper() and w.lower() not in {"of", "and", "in", "for"} and not re.match(r"(?i)(al|el)-", w) \
                and words[i - 1].lower() not in {"al", "el", "the"}:
            options.append(" ".join(words[:i] + ["al-" + w] + words[i + 1:]))
    options = [o for o in options if o.strip() and o != name]
    return rng.choice(options).strip() if options else None


def gen_hyphen(name: str, rng: random.Random) -> str | None:
    options = []
    if "-" in name:
        options.append(name.replace("-", " "))
        options.append(name.replace("-", ""))
        m = re.search(r"-(e|i|ul|ud|ur|al|el)-", name)
        if m:  # Lashkar-e-Taiba -> Lashkare Taiba, Harakat-ul-Mujahidin -> Harakatul Mujahidin
            options.append(name[: m.start()] + m.group(1) + " " + name[m.end():])
            options.append(name[: m.start()] + " " + m.group(1) + "-" + name[m.end():])
    if " " in name:
        options.append(name.replace(" ", "-"))
        m = re.search(r" (e|i|ul|ud|ur|ul-|e-|i-)(?= )", name)
        if m:
            options.append(name[: m.start()] + m.group(1).rstrip("-") + name[m.end():])
    if "'" in name or "’" in name:
        options.append(re.sub(r"['’]", "", name))
    options = [o for o in options if o != name]
    return rng.choice(options) if options else None


def gen_diacritics(name: str, rng: random.Random) -> str | None:
    options = []
    idx = [i for i, c in enumerate(name) if c.lower() in _ACCENTS and i > 0]
    if idx:
        out = list(name)
        for i in rng.sample(idx, min(len(idx), rng.randint(1, 3))):
            acc = rng.choice(_ACCENTS[name[i].lower()])
            out[i] = acc.upper() if name[i].isupper() else acc
        options.append("".join(out))
    if re.search(r"['’ʿ`]", name):
        options.append(re.sub(r"['’ʿ`]", lambda m: rng.choice(_APOSTROPHES), name))
    stripped = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    if stripped != name:
        options.append(stripped)
    options = [o for o in options if o != name]
    return rng.choice(options) if options else None


def gen_case(name: str, rng: random.Random) -> str | None:
    options = [name.upper(), name.lower(), name.title()]
    options = [o for o in options if o != name]
    return rng.choice(options) if options else None


def gen_typo(name: str, rng: random.Random) -> str | None:
    spans = [(s, e) for s, e in _words(name) if e - s >= 5 and name[s:e].isalpha()]
    if not spans:
        return None
    s, e = rng.choice(spans)
    w = name[s:e]
    i = rng.randrange(1, len(w))
    op = rng.choice(("delete", "transpose", "substitute", "double"))
    if op == "delete":
        nw = w[:i] + w[i + 1:]
    elif op == "transpose" and i < len(w) - 1:
        nw = w[:i] + w[i + 1] + w[i] + w[i + 2:]
    elif op == "substitute":
        nw = w[:i] + rng.choice("aeioulnrst".replace(w[i].lower(), "")) + w[i + 1:]
    else:
        nw = w[:i] + w[i] + w[i:]
    return name[:s] + nw + name[e:] if nw != w else None


def gen_acronym_dots(name: str, rng: random.Random) -> str | None:
    if not _real_acronym(name):
        return None
    letters = [c for c in name if c.isalpha()]
    options = [".".join(letters) + ".", ".".join(letters), " ".join(letters), ".".join(letters).lower() + "."]
    if "-" in name:
        options.append(name.replace("-", ""))
        options.append(name.replace("-", " "))
    else:
        options.append(name.lower())
    options = [o for o in options if o != name]
    return rng.choice(options) if options else None


def gen_combined(name: str, rng: random.Random) -> str | None:
    out, applied = name, 0
    for g in rng.sample(("translit", "article", "hyphen", "diacritics", "case", "typo"), rng.randint(2, 3)):
        nxt = GEN[g](out, rng)
        if nxt:
            out, applied = nxt, applied + 1
    return out if applied >= 2 else None


GEN = {"combined": gen_combined, "translit": gen_translit, "article": gen_article, "hyphen": gen_hyphen, "diacritics": gen_diacritics,
       "case": gen_case, "typo": gen_typo, "acronym-dots": gen_acronym_dots}


def source_names(gaz: Gazetteer) -> list[tuple[str, str]]:
    """(name, entity id) of the names variants are made from: Latin script, unambiguous, one entity."""
    out = []
    for e in sorted(gaz.entities.values(), key=lambda x: x.id):
        if e.kind not in KINDS:
            continue
        amb = {normalize_name(a.name) for a in e.aliases if a.ambiguous}
        for n in [e.name] + [a.name for a in e.aliases if not a.ambiguous]:
            key = normalize_name(n)
            if not key or key in amb or not _latin(n) or len(gaz.index.get(key, [])) != 1 or len(n) < 2:
                continue
            out.append((n, e.id))
    return out


def make_variants(gaz: Gazetteer, n: int, seed: int) -> list[dict]:
    """``n`` variants (at most), seeded: [{"variant", "source", "entity", "generator"}]."""
    rng = random.Random(seed)
    names = source_names(gaz)
    acronyms = [x for x in names if _real_acronym(x[0])]
    written = {n for e in gaz.entities.values() for n in e.all_names()}
    out, seen = [], set()
    tries = 0
    while len(out) < n and tries < n * 20:
        tries += 1
        gname = GENERATORS[len(out) % len(GENERATORS)]  # balanced over the kinds of variant
        pool = acronyms if gname == "acronym-dots" else names
        name, eid = rng.choice(pool)
        var = GEN[gname](name, rng)
        if not var or var in seen:
            continue
        key = normalize_name(var)
        if not key or var in written or any(e != eid for e, _ in gaz.index.get(key, [])):
            continue  # written as in the data, or another entity's name
        seen.add(var)
        out.append({"variant": var, "source": name, "entity": eid, "generator": gname, "new_key": key not in gaz.index})
    return out


def evaluate(variants: list[dict], resolver: Resolver, gaz: Gazetteer) -> dict:
    by_gen: dict[str, Counter] = defaultdict(Counter)
    new_keys: Counter = Counter()
    errors = []
    for v in variants:
        res = resolver.resolve(v["variant"])
        c = by_gen[v["generator"]]
        c["n"] += 1
        if res.entity is None:
            c["abstained"] += 1
            outcome = "abstained"
        elif res.entity.id == v["entity"]:
            c["correct"] += 1
            outcome = "correct"
        else:
            c["wrong"] += 1
            outcome = "wrong"
        if any(x.entity.id == v["entity"] for x in res.candidates):
            c["in_candidates"] += 1
        if v["new_key"]:
            new_keys["n"] += 1
            new_keys[outcome if outcome != "abstained" else "abstained"] += 1
            if any(x.entity.id == v["entity"] for x in res.candidates):
                new_keys["in_candidates"] += 1
        if outcome != "correct":
            errors.append(v | {"outcome": outcome, "got": res.entity.name if res.entity else None,
                               "want": gaz.entities[v["entity"]].name,
                               "top": [(x.entity.name, round(x.score, 3)) for x in res.candidates[:2]]})
    total: Counter = Counter()
    for c in by_gen.values():
        total.update(c)

    def rates(c: Counter) -> dict:
        n = max(c["n"], 1)
        return {"n": c["n"], "accuracy@1": round(c["correct"] / n, 4), "abstention": round(c["abstained"] / n, 4),
                "wrong": round(c["wrong"] / n, 4), "recall@5": round(c["in_candidates"] / n, 4)}

    return {"all": rates(total), "new_keys": rates(new_keys), "by_generator": {g: rates(by_gen[g]) for g in GENERATORS if g in by_gen}, "errors": errors}


def distractor_rate(resolver: Resolver, gaz: Gazetteer) -> dict:
    """Organizations the data does not have (bench/fuzzy_threshold.py's list, less those added since)."""
    sys.path.insert(0, str(Path(__file__).parent))
    from fuzzy_threshold import DISTRACTORS  # noqa: PLC0415

    names = [d for d in DISTRACTORS if normalize_name(d) not in gaz.index]
    resolved = [(d, r.entity.name) for d in names if (r := resolver.resolve(d)).entity is not None]
    return {"n": len(names), "resolved": len(resolved), "rate": round(len(resolved) / max(len(names), 1), 4),
            "examples": resolved[:20]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--errors", action="store_true", help="print the variants not resolved correctly")
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "resolve_variants.json"))
    args = ap.parse_args()
    gaz = bundled_gazetteer()
    resolver = resolver_for(None)
    variants = make_variants(gaz, args.n, args.seed)
    t0 = time.perf_counter()
    result = evaluate(variants, resolver, gaz)
    secs = time.perf_counter() - t0
    result["distractors"] = distractor_rate(resolver, gaz)
    result["config"] = {"n": len(variants), "seed": args.seed, "source_names": len(source_names(gaz)),
                        "seconds": round(secs, 2)}
    print(f"{len(variants)} variants (seed {args.seed}) of {result['config']['source_names']} names; "
          f"{secs:.1f} s ({1000 * secs / max(len(variants), 1):.2f} ms per name)")
    print(f"{'variant':14s} {'n':>5s} {'acc@1':>7s} {'abstain':>8s} {'wrong':>7s} {'recall@5':>9s}")
    for g, r in list(result["by_generator"].items()) + [("ALL", result["all"]), ("new keys", result["new_keys"])]:
        print(f"{g:14s} {r['n']:5d} {r['accuracy@1']:7.3f} {r['abstention']:8.3f} {r['wrong']:7.3f} {r['recall@5']:9.3f}")
    d = result["distractors"]
    print(f"distractors resolved to an entity: {d['resolved']}/{d['n']} ({d['rate']:.3f})")
    if args.errors:
        for e in result["errors"]:
            print(f"  [{e['generator']}] {e['outcome']:9s} {e['variant']!r} (from {e['source']!r}) -> {e['got']!r}; "
                  f"want {e['want']!r}; top {e['top']}")
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()

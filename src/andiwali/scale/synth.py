"""Synthetic data for benchmarks and scale tests: fictional groups, generated reports, bulk claims.

Every name here is invented (syllables put together), so nothing generated can
be mistaken for a statement about a real group. Output depends only on the seed.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from andiwali.model import Alias, Claim, Document, Entity, Evidence, Source
from andiwali.model.names import normalize_name
from andiwali.model.reference import Gazetteer

_SYL = ["kar", "zan", "mir", "tal", "bar", "dun", "sha", "qor", "vel", "nah", "rud", "jal", "fer", "gul", "haz",
        "lom", "pur", "sin", "tav", "wak", "yar", "zor", "bal", "dar", "kesh", "mun", "ras", "tor", "ul", "zem"]
_KIND = ["Front", "Brigade", "Movement", "Battalion", "Council", "Legion", "Network", "Army", "Union", "Guard"]
_PREFIX = ["Jamaat", "Harakat", "Lashkar", "Ansar", "Jaish", "Tanzim", "Katibat", "Saraya", "Liwa", "Majlis"]
_PLACES = ["Vardak Hills", "Korin Valley", "Salmar Plain", "Tesh Delta", "Ubran Ridge", "Mosra Basin",
           "Qalen Coast", "Dirva Steppe", "Hunar Gorge", "Zaleb Uplands"]
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"]
_SOURCES = ["a regional monitor", "local officials", "a defector", "the group's own channel", "a UN panel",
            "press reports", "a security official", "researchers"]

# sentences about two groups (a, b) with optional time and attribution; varied on purpose
_TEMPLATES = [
    "{a} pledged allegiance to {b} in {month} {year}.",
    "In {year}, {a} announced its loyalty to {b}.",
    "{a} has sheltered fighters of {b} in the {place} since {year}.",
    "According to {src}, {a} provided weapons and money to {b}.",
    "{a} did not cooperate with {b} during the offensive of {year}.",
    "Members of {a} were trained by instructors from {b} in {month} {year}.",
    "{a} split from {b} after a dispute over leadership in {year}.",
    "Fighting between {a} and {b} continued near the {place} throughout {year}.",
    "{src} reported that {a} and {b} formed an alliance in {month} {year}.",
    "{a} is a branch of {b} operating in the {place}.",
    "{a} denounced {b} in a statement released in {month} {year}.",
    "Between {year} and {year2}, {a} financed operations carried out by {b}.",
    "{a} allegedly negotiated with {b} over control of the {place}.",
    "{a} merged into {b} in {year}, officials said.",
    "The commanders of {a} met representatives of {b} twice in {year}.",
]
_FILLER = [
    "Markets in the area reopened after several weeks of closure.",
    "Road traffic between the two towns remained limited.",
    "Humanitarian agencies reported shortages of fuel and medicine.",
    "The statement could not be independently verified.",
    "Observers noted a sharp rise in recruitment posts online.",
    "Weather conditions delayed the movement of supplies.",
    "Local elders called for talks to end the violence.",
    "Several checkpoints were moved closer to the main road.",
]


def group_names(n: int, seed: int = 7) -> list[str]:
    """``n`` distinct invented group names."""
    rng = random.Random(seed)
    out: list[str] = []
    seen: set[str] = set()
    while len(out) < n:
        word = "".join(rng.choice(_SYL) for _ in range(rng.choice((2, 2, 3)))).capitalize()
        shape = rng.random()
        if shape < 0.4:
            name = f"{rng.choice(_PREFIX)} {word}"
        elif shape < 0.8:
            name = f"{word} {rng.choice(_KIND)}"
        else:
            name = f"{rng.choice(_PREFIX)}-e-{word}"
        key = normalize_name(name)
        if key not in seen:
            seen.add(key)
            out.append(name)
    return out


def synthetic_gazetteer(n_groups: int = 400, seed: int = 7, base: Gazetteer | None = None) -> Gazetteer:
    """A gazetteer of invented organizations (with an acronym alias for some), added to ``base`` if given."""
    gaz = base if base is not None else Gazetteer()
    for i, name in enumerate(group_names(n_groups, seed)):
        aliases = []
        if i % 3 == 0:
            acro = "".join(w[0] for w in re.split(r"[\s-]+", name) if w).upper() + str(i % 97)
            aliases.append(Alias(acro, acronym=True, source="synthetic"))
        gaz.add(Entity(kind="organization", name=name, aliases=aliases, origin="reference", references=["synthetic"]))
    return gaz


def _sentence(rng: random.Random, groups: list[str]) -> str:
    a, b = rng.sample(groups, 2)
    year = rng.randint(1995, 2024)
    return rng.choice(_TEMPLATES).format(
        a=a, b=b, year=year, year2=year + rng.randint(1, 5), month=rng.choice(_MONTHS), place=rng.choice(_PLACES),
        src=rng.choice(_SOURCES),
    )


def synthetic_documents(n_words: int, *, seed: int = 11, n_groups: int = 400, doc_words: tuple[int, int] = (150, 700),
                        key_prefix: str = "synthetic") -> Iterator[Document]:
    """Reports of roughly ``n_words`` words in all, each of ``doc_words`` words, about ``n_groups`` groups."""
    rng = random.Random(seed)
    groups = group_names(n_groups)
    source = Source("synthetic monitor", reliability="C", credibility="3")
    total = 0
    i = 0
    while total < n_words:
        target = min(rng.randint(*doc_words), max(n_words - total, 20))
        sents: list[str] = []
        words = 0
        while words < target:
            s = _sentence(rng, groups) if rng.random() < 0.7 else rng.choice(_FILLER)
            sents.append(s)
            words += len(s.split())
        paras = []
        while sents:
            k = rng.randint(2, 5)
            paras.append(" ".join(sents[:k]))
            sents = sents[k:]
        text = "\n\n".join(paras) + "\n"
        total += words
        year = rng.randint(2000, 2024)
        yield Document(text=text, key=f"{key_prefix}/{i:07d}.txt", title=f"Report {i}", format="txt", source=source,
                       published=f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}")
        i += 1


def count_words(docs: list[Document]) -> int:
    return sum(len(d.text.split()) for d in docs)


# ---- a small deterministic extractor for testing the pipeline machinery -----------------
@dataclass
class SimpleResult:
    """The shape of ``andiwali.extract.ExtractionResult`` that the store and the scale code use."""

    claims: list[Claim] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    mentions: list[tuple[str, int, int, str]] = field(default_factory=list)


_SENT = re.compile(r"[^.!?\n]+[.!?]?")


def cooccurrence_extract(doc: Document, gazetteer: Gazetteer, backend: str = "cooccurrence", **_: object) -> SimpleResult:
    """Gazetteer names found by exact match; one ``allied_with`` claim per pair of groups in a sentence.

    Not a real extractor: a pure, fast, deterministic stand-in used to test that
    parallel and distributed runs give exactly what one worker gives, and by the
    crash tests. Raises nothing on any Unicode input.
    """
    names = _name_index(gazetteer)
    out = SimpleResult()
    for m in _SENT.finditer(doc.text):
        sent = m.group(0)
        found: list[tuple[int, int, str]] = []
        for name, eid in names:
            start = sent.find(name)
            if start >= 0:
                found.append((m.start() + start, m.start() + start + len(name), eid))
        for s, e, eid in found:
            out.mentions.append((eid, s, e, doc.text[s:e]))
        ids = sorted({eid for _, _, eid in found})
        for i in range(len(ids)):
            for j in range(i + 1, len(ids)):
                ev = Evidence(doc.id, m.start(), m.end(), sent)
                out.claims.append(Claim(subject=ids[i], predicate="allied_with", object=ids[j], evidence=[ev],
                                        reported_at=doc.published, extractor="rules:cooccurrence", confidence=0.3,
                                        modality="reported"))
    return out


def flaky_extract(doc: Document, gazetteer: Gazetteer, backend: str = "cooccurrence", **kw: object) -> SimpleResult:
    """``cooccurrence_extract`` that fails (a plain RuntimeError) on documents whose id ends in 0-3: for error tests."""
    if doc.id[-1] in "0123":
        raise RuntimeError(f"boom on {doc.key}")
    return cooccurrence_extract(doc, gazetteer, backend)


_NAME_CACHE: dict[int, list[tuple[str, str]]] = {}


def _name_index(gaz: Gazetteer) -> list[tuple[str, str]]:
    key = id(gaz)
    if key not in _NAME_CACHE:
        pairs = [(e.name, e.id) for e in gaz.entities.values() if e.kind == "organization" and len(e.name) > 3]
        _NAME_CACHE.clear()
        _NAME_CACHE[key] = sorted(pairs)
    return _NAME_CACHE[key]


# ---- a large knowledge base for API and analysis benchmarks -----------------------------
ORG_PREDICATES = ["allied_with", "supports", "shelters", "finances", "trains", "fights", "rival_of", "splinter_of",
                  "pledged_allegiance_to", "branch_of", "denounces", "negotiates_with", "merged_into", "endorses"]


def build_claims_kb(kb, n_claims: int, *, n_groups: int = 5000, claims_per_doc: int = 10, seed: int = 5,
                    progress=None) -> dict:
    """Fill an empty knowledge base with ``n_claims`` claims (one evidence sentence each) about ``n_groups``
    invented groups, in documents of ``claims_per_doc`` sentences, through the bulk loader (no audit rows)."""
    from datetime import UTC, datetime

    from andiwali.model import ids
    from andiwali.store.bulk import analyze, bulk_insert

    rng = random.Random(seed)
    ts = datetime.now(UTC).isoformat(timespec="seconds")
    names = group_names(n_groups, seed)
    ents = [(ids.entity_id("organization", n), n) for n in names]
    bulk_insert(kb, "entities", ["id", "kind", "name", "attributes", "refs", "origin", "status"],
                ({"id": e, "kind": "organization", "name": n, "attributes": "{}", "refs": '["synthetic"]',
                  "origin": "reference", "status": "curated"} for e, n in ents))
    bulk_insert(kb, "aliases", ["entity_id", "name", "norm", "source", "acronym", "ambiguous"],
                ({"entity_id": e, "name": n, "norm": normalize_name(n), "source": "synthetic", "acronym": 0,
                  "ambiguous": 0} for e, n in ents))
    sources = [Source(f"monitor {i}", reliability="ABCDEF"[i % 6], credibility="123456"[i % 5]) for i in range(40)]
    bulk_insert(kb, "sources", ["id", "name", "kind", "reliability", "credibility"],
                ({"id": s.id, "name": s.name, "kind": "publisher", "reliability": s.reliability,
                  "credibility": s.credibility} for s in sources))
    # popular groups get more claims (a skewed graph, like real monitoring data)
    weights = [1.0 / (1 + i) ** 0.8 for i in range(n_groups)]
    n_docs = (n_claims + claims_per_doc - 1) // claims_per_doc
    docs: list[dict] = []
    claims: list[dict] = []
    evidence: list[dict] = []
    made = 0

    def flush() -> None:
        bulk_insert(kb, "documents", ["id", "doc_key", "version", "content_hash", "title", "published", "format",
                                      "source_id", "text", "meta", "ingested_at", "extracted_at"], docs)
        bulk_insert(kb, "claims", ["id", "subject_id", "predicate", "object_id", "polarity", "modality", "valid_from",
                                   "valid_to", "reported_at", "undated", "doc_id", "extractor", "confidence", "status",
                                   "qualifiers", "created_at", "updated_at"], claims)
        bulk_insert(kb, "evidence", ["claim_id", "doc_id", "start_char", "end_char", "quote"], evidence)
        docs.clear()
        claims.clear()
        evidence.clear()

    for d in range(n_docs):
        year = rng.randint(2000, 2024)
        published = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        parts: list[str] = []
        spans: list[tuple[int, int, str, str, str]] = []
        pos = 0
        for _ in range(min(claims_per_doc, n_claims - made)):
            a, b = rng.choices(range(n_groups), weights, k=2)
            if a == b:
                b = (a + 1) % n_groups
            pred = rng.choice(ORG_PREDICATES)
            sent = f"{names[a]} and {names[b]}: {pred.replace('_', ' ')} reported in {year}."
            spans.append((pos, pos + len(sent), ents[a][0], pred, ents[b][0]))
            parts.append(sent)
            pos += len(sent) + 1
            made += 1
        text_ = " ".join(parts) + "\n"
        did = ids.document_id(f"bench/{d:07d}.txt", ids.content_hash(text_))
        src = sources[d % len(sources)]
        docs.append({"id": did, "doc_key": f"bench/{d:07d}.txt", "version": 1, "content_hash": ids.content_hash(text_),
                     "title": f"Bench report {d}", "published": published, "format": "txt", "source_id": src.id,
                     "text": text_, "meta": "{}", "ingested_at": ts, "extracted_at": ts})
        for s, e, sub, pred, obj in spans:
            neg = rng.random() < 0.08
            dated = rng.random() < 0.6
            vf = str(year - rng.randint(0, 3)) if dated else None
            vt = str(year) if dated and rng.random() < 0.5 else None
            cid = ids.claim_id(did, s, e, sub, pred, obj, "negated" if neg else "asserted", None, vf, vt,
                               symmetric=pred in ("allied_with", "rival_of", "fights", "negotiates_with"))
            r = rng.random()
            status = "pending" if r < 0.7 else ("accepted" if r < 0.92 else "rejected")
            claims.append({"id": cid, "subject_id": sub, "predicate": pred, "object_id": obj,
                           "polarity": "negated" if neg else "asserted", "modality": "reported", "valid_from": vf,
                           "valid_to": vt, "reported_at": published, "undated": 0 if dated else 1, "doc_id": did,
                           "extractor": "rules:bench", "confidence": round(rng.random(), 3), "status": status,
                           "qualifiers": "{}", "created_at": ts, "updated_at": ts})
            evidence.append({"claim_id": cid, "doc_id": did, "start_char": s, "end_char": e, "quote": text_[s:e]})
        if len(claims) >= 20000:
            flush()
            if progress:
                progress(made, n_claims)
    flush()
    analyze(kb)
    return {"claims": made, "documents": n_docs, "entities": n_groups}

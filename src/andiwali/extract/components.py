"""The pipeline components of the rules backend, registered by name.

Each is Doc in, Doc out; ``reads``/``writes`` name what it uses and adds
(``ctx.*`` lives on ``doc._.andiwali``, the rest are spaCy annotations).
"""

from __future__ import annotations

import bisect
import re
from typing import Any

from spacy.attrs import IDX, ORTH
from spacy.language import Language
from spacy.tokens import Doc

from andiwali.extract import mentions as M
from andiwali.extract.discovery import finditer_at, is_caseless
from andiwali.extract.people import cue_persons
from andiwali.extract.pipeline import ExtractContext, paragraphs
from andiwali.extract.registry import component
from andiwali.model.core import Alias, Entity
from andiwali.model.ids import entity_id

if not Doc.has_extension("andiwali"):
    Doc.set_extension("andiwali", default=None)

# measured on misspelled variants of gazetteer names (bench/extract_fuzzy.py: ratio >= 90 gave precision 0.973, recall 0.993 on one-edit misspellings)
FUZZY_THRESHOLD = 90.0

_TOPIC_RE = re.compile(r"^(?:ORGANI[SZ]ATION|GROUP|NAME)\s*:\s*(.+?)\s*$", re.M)
_AKA_RE = re.compile(r"^\s*(?:aka|a\.k\.a\.|also known as)\s*[–—:-]\s*(.+)$", re.M | re.I)


def _ctx(doc: Doc) -> ExtractContext:
    ctx = doc._.andiwali
    if ctx is None:
        raise ValueError("andiwali components need doc._.andiwali (an ExtractContext); use extract_document()")
    return ctx


def _add_entity(ctx: ExtractContext, name: str, kind: str, alias: str | None = None, how: str = "discovered") -> str:
    eid = entity_id(kind, name)
    if eid in ctx.gazetteer.entities:
        return eid
    ent = ctx.entities.get(eid)
    if ent is None:
        ent = Entity(kind=kind, name=name, origin="discovered", references=[f"document {ctx.doc_id}"],
                     attributes={"discovered_by": how})
        ctx.entities[eid] = ent
    if alias and alias != name and all(a.name != alias for a in ent.aliases):
        ent.aliases.append(Alias(name=alias, source=f"document {ctx.doc_id}", acronym=M.is_acr(alias)))
    return eid


@component("andiwali_mentions", reads=("doc.text", "ctx.gazetteer"), writes=("ctx.mentions", "ctx.entities", "ctx.doc_aliases", "ctx.topic"))
class MentionFinder:
    """Gazetteer matches, acronym definitions, document aliases, fuzzy matches and discovery."""

    def __call__(self, doc: Doc) -> Doc:
        ctx = _ctx(doc)
        text = _ctx(doc).document.text
        ctx.paragraphs = paragraphs(text)
        idx = M.build_index(ctx.gazetteer)
        words = M.Words.of(text)
        local = M.NameIndex()  # names learned from this document

        # a profile's subject line ("ORGANIZATION: al-Qa'ida (AQ)") and its "aka" line name the topic
        topic_id = None
        tm = _TOPIC_RE.search(text[:2000])
        if tm:
            name = re.sub(r"\s*\([^)]*\)\s*$", "", tm.group(1)).strip()
            hits = ctx.gazetteer.lookup(name)
            if hits:
                topic_id = hits[0].id
            elif name:
                topic_id = _add_entity(ctx, name, "organization", how="topic line")
        # acronym definitions: "Turkestan Islamic Party (TIP)"
        first_pass = M.match_gazetteer(text, words, idx)
        by_end = {m.end: m for m, amb in first_pass if not amb}
        for acr, ls, le, as_, _ae in M.acronym_definitions(text):
            target = None
            # the mention right before the parenthesis, when it is the long form the initials point to
            for end in range(as_ - 1, max(0, as_ - 4), -1):
                m = by_end.get(end)
                if m is not None and (ls < 0 or m.start <= ls or M.is_acr(m.text)):
                    target = m.entity_id
                    break
            if target is None and ls >= 0:
                name = text[ls:le]
                known = [e for e in ctx.gazetteer.lookup(acr) if e.kind == "organization"]
                if name and len(known) == 1:
                    # a known acronym defined with another spelling of the long name: learn the spelling
                    target = known[0].id
                    local.add(name, known[0], Alias(name))
                elif name and not known:
                    target = _add_entity(ctx, name, "organization", alias=acr, how="acronym definition")
                    local.add(name, ctx.entities[target], None, canonical=True)
            if target is None:
                continue
            if acr not in ctx.doc_aliases:
                ctx.doc_aliases[acr] = target
                ent = ctx.entity(target)
                if ent is not None:
                    local.add(acr, ent, Alias(acr, acronym=True))
        if topic_id:
            ent = ctx.entity(topic_id)
            for am in _AKA_RE.finditer(text[:5000]):
                for part in re.split(r";", am.group(1)):
                    part = re.sub(r"\([^)]*\)", "", part).strip()
                    part = re.sub(r"^(?:formerly|previously)\s+", "", part, flags=re.I).strip()
                    if 2 <= len(part) <= 80:
                        local.add(part, ent, Alias(part, acronym=M.is_acr(part)))
                # acronyms in parentheses inside the aka line name the topic too ("Islamic State Khurasan (IS, ISK)")
                for par in re.findall(r"\(([^)]*)\)", am.group(1)):
                    for a in par.split(","):
                        a = a.strip()
                        if M.is_acr(a) and a != "IS":
                            local.add(a, ent, Alias(a, acronym=True))
        matched = first_pass
        if local.entries:
            # names learned from this document: a small second pass, merged (longer match wins)
            extra = M.match_gazetteer(text, words, local)
            if extra:
                spans = sorted((m.start, m.end) for m, _ in extra)
                kept = [(m, a) for m, a in first_pass if not _overlaps(spans, m.start, m.end)
                        or not any(not (m.end <= s or m.start >= e) and (e - s) >= (m.end - m.start) for s, e in spans)]
                kept_spans = sorted((m.start, m.end) for m, _ in kept)
                extra = [(m, a) for m, a in extra if not _overlaps(kept_spans, m.start, m.end)]
                matched = sorted(kept + extra, key=lambda x: x[0].start)
        accepted: list[M.Mention] = []
        pending: list[M.Mention] = []
        for m, amb in matched:
            (pending if amb else accepted).append(m)
        # an ambiguous name counts when the document defines it or when it stands in a list of names of its kind;
        # the neighbours are the accepted names (sorted by start) within reach, and the ambiguous ones accepted so far
        n_sorted = len(accepted)
        acc_starts = [m.start for m in accepted]
        longest = max((m.end - m.start for m in accepted), default=0)
        for m in pending:
            lo = bisect.bisect_left(acc_starts, m.start - 12 - longest)
            hi = bisect.bisect_right(acc_starts, m.end + 12)
            if m.text in ctx.doc_aliases or _same_kind_neighbour(text, m, accepted[lo:hi] + accepted[n_sorted:], gap=3) \
                    or _specific_name(ctx, m):
                accepted.append(m)
        accepted.sort(key=lambda m: m.start)
        taken = [(m.start, m.end) for m in accepted]
        # fuzzy matches of misspelled names (multi-word capitalized runs)
        runs = M.capitalized_runs(text, words)
        if ctx.options.get("fuzzy", True) and runs:
            for s, e, entry, _score in M.fuzzy_candidates(text, words, runs, idx, taken, FUZZY_THRESHOLD):
                if any(m.start < s < m.end or m.start < e < m.end for m in accepted):
                    continue
                for m in [m for m in accepted if s <= m.start and m.end <= e]:
                    accepted.remove(m)
                accepted.append(M.Mention(s, e, text[s:e], (entry.entity_id,), entry.kind, "fuzzy"))
                taken = [(m.start, m.end) for m in accepted]
        # discovery of groups and people not in the gazetteer
        if ctx.options.get("discover", True):
            for s, e, name, kind in M.discover(text, words, taken, runs):
                # a discovered name that contains known mentions replaces them
                inner = [m for m in accepted if s <= m.start and m.end <= e]
                if any(m.start < s < m.end or m.start < e < m.end for m in accepted):
                    continue
                if inner:
                    # the group noun must lie outside the known names it contains ("X Brigade", not "Fighters of X")
                    outside = text[s:e]
                    for m in sorted(inner, key=lambda m: -m.start):
                        outside = outside[: m.start - s] + " " + outside[m.end - s :]
                    if kind != "organization" or not any(M.word_key(w) in M.GROUP_NOUNS for w, _, _ in M.iter_words(outside)):
                        continue
                eid = _add_entity(ctx, name, kind)
                for m in inner:
                    accepted.remove(m)
                accepted.append(M.Mention(s, e, name, (eid,), kind, "discovered"))
                taken.append((s, e))
            for s, e, acr in M.bare_acronyms(text, words, taken):
                if acr in ctx.doc_aliases:
                    eid = ctx.doc_aliases[acr]
                    ent = ctx.entity(eid)
                    accepted.append(M.Mention(s, e, acr, (eid,), ent.kind if ent else "organization", "acronym"))
                else:
                    eid = _add_entity(ctx, acr, "organization", how="bare acronym")
                    accepted.append(M.Mention(s, e, acr, (eid,), "organization", "discovered"))
                taken.append((s, e))
            if not is_caseless(text):
                for s, e, name in cue_persons(text, taken):
                    eid = _add_entity(ctx, name, "person", how="leadership cue")
                    accepted.append(M.Mention(s, e, name, (eid,), "person", "discovered"))
                    taken.append((s, e))
            if ctx.options.get("_parsed") and doc.has_annotation("ENT_IOB"):
                _ner_organizations(doc, ctx, text, accepted, taken)
        accepted.sort(key=lambda m: (m.start, -m.end))
        # drop overlaps (keep the earlier, longer one)
        out: list[M.Mention] = []
        last_end = -1
        for m in accepted:
            if m.start >= last_end:
                out.append(m)
                last_end = m.end
        out = _governments(ctx, text, out)
        ctx.mentions = out
        if topic_id:
            first = next((m for m in out if m.entity_id == topic_id), None)
            ent = ctx.entity(topic_id)
            if first is None and tm:
                first = M.Mention(tm.start(1), tm.end(1), text[tm.start(1):tm.end(1)], (topic_id,),
                                  ent.kind if ent else "organization", "topic")
            ctx.topic = first
        return doc


_GOV_WORDS = re.compile(r"[\s'’s-]*(?:government|regime|administration|forces|troops|army|military)\b", re.I)
_STATE_LEADERS: dict[int, dict[str, str]] = {}


def _governments(ctx, text: str, mentions: list) -> list:
    """"the Assad government", "Assad's forces": a head of state's name before a government noun names the state."""
    led = _STATE_LEADERS.get(id(ctx.gazetteer))
    if led is None:
        ents = ctx.gazetteer.entities
        led = {c.subject: c.object for c in ctx.gazetteer.claims
               if c.predicate == "leads" and c.object in ents and ents[c.object].kind == "state"}
        _STATE_LEADERS.clear()
        _STATE_LEADERS[id(ctx.gazetteer)] = led
    if not led:
        return mentions
    out = []
    for m in mentions:
        state = led.get(m.entity_ids[0]) if m.kind == "person" and len(m.entity_ids) == 1 else None
        g = _GOV_WORDS.match(text, m.end) if state else None
        if g:
            m = M.Mention(m.start, m.end + g.end() - m.end, text[m.start:g.end()], (state,), "state", m.how)
        out.append(m)
    return out


_NER_SKIP = frozenset(
    "un united nations reuters ap afp bbc cnn security council european union eu nato african union au "
    "state department pentagon congress parliament government army police interpol".split()
)


_PARTICLES = frozenset("al el bin ibn bint abu abd ag ould wuld ul ud ur".split())


def _ner_person(doc: Doc, ctx, text: str, ent, accepted: list, taken: list) -> None:
    """A person the tagger marks: two or more capitalized words ("Malik Ishaq"), not overlapping any mention."""
    toks = [t for t in ent if t.text not in ("'s", "’s")]
    if len(toks) < 2 or len(toks) > 6:
        return
    for t in toks:
        w = t.text
        parts = [p for p in w.replace("’", "'").split("-") if p]
        if not parts or not all(p[:1].isupper() or p.lower() in _PARTICLES for p in parts) or not t.is_alpha and "-" not in w and "'" not in w:
            return
    s, e = toks[0].idx, toks[-1].idx + len(toks[-1].text)
    name = text[s:e]
    if "\n" in name or any(not (e <= a or s >= b) for a, b in taken):
        return
    words = {w.lower() for w in name.replace("-", " ").split()}
    if words & M.GROUP_NOUNS:
        return  # a group name the tagger took for a person ("Kataib Hezbollah")
    if ctx.gazetteer.lookup(name):
        return
    eid = _add_entity(ctx, name, "person", how="tagger")
    accepted.append(M.Mention(s, e, name, (eid,), "person", "discovered"))
    taken.append((s, e))


def _ner_organizations(doc: Doc, ctx, text: str, accepted: list, taken: list) -> None:
    """Organizations the statistical tagger marks (parser path only) that no gazetteer entry or pattern found.

    Proposed as discovered candidates like the pattern-based ones: "Libya Dawn", "Raia Mutomboki".
    """
    for ent in doc.ents:
        if ent.label_ == "PERSON":
            _ner_person(doc, ctx, text, ent, accepted, taken)
            continue
        if ent.label_ != "ORG":
            continue
        toks = [t for t in ent if not (t.i == ent.start and t.lower_ in ("the", "a", "an"))]
        while toks and toks[-1].text in ("'s", "’s", "'", ",", "."):
            toks = toks[:-1]
        if not toks:
            continue
        s, e = toks[0].idx, toks[-1].idx + len(toks[-1].text)
        if text[e:e + 3] in ("'s ", "’s ") and any(m.start == e + 3 and m.kind == "organization" for m in accepted):
            continue  # "Jamal Maarouf's Syrian Revolutionaries Front": the tagger's possessor is as often a person
        name = text[s:e]
        prev = doc[toks[0].i - 1] if toks[0].i > 0 else None
        acronym = name.isupper() and 3 <= len(name) <= 6 and not (prev is not None and prev.text[:1].isupper() and prev.is_alpha)
        if (len(toks) < 2 and not acronym) or len(toks) > 6:
            continue  # one capitalized word alone is as often a person or a place
        if len(name) < 3 or not name[:1].isupper() or any(ch.isdigit() for ch in name) or "\n" in name:
            continue
        if name.lower() in _NER_SKIP or any(w.lower() in ("government", "forces", "army", "police", "ministry") for w in name.split()):
            continue
        inner = [m for m in accepted if s <= m.start and m.end <= e]
        if any(not (e <= m.start or s >= m.end) for m in accepted if m not in inner):
            continue
        if inner and (any(m.kind not in ("state", "place") for m in inner)
                      or sum(m.end - m.start for m in inner) >= len(name.replace(" ", "")) - 2):
            continue  # "Libya Dawn" names a group; "Syria" alone, or a group already found, stays as it is
        if ctx.gazetteer.lookup(name):
            continue  # a known name the matcher left out on purpose (an ambiguous acronym, a place)
        eid = _add_entity(ctx, name, "organization", how="tagger")
        for m in inner:
            accepted.remove(m)
        accepted.append(M.Mention(s, e, name, (eid,), "organization", "discovered"))
        taken.append((s, e))


def _overlaps(spans: list[tuple[int, int]], s: int, e: int) -> bool:
    """Whether [s, e) overlaps any of the sorted, non-overlapping spans."""
    i = bisect.bisect_left(spans, (e, e))
    return i > 0 and spans[i - 1][1] > s


def _specific_name(ctx: ExtractContext, m: M.Mention) -> bool:
    """An ambiguous alias written as a name of two or more capitalized words ("National Unity Government",
    "Los Lobos") that only one entity has: specific enough without context."""
    words = [w for w in re.split(r"[\s-]+", m.text) if w]
    if len(words) < 2 or not all(w[:1].isupper() or w.lower() in M.CONNECTORS for w in words) \
            or not words[0][:1].isupper() or not words[-1][:1].isupper():
        return False
    return len({e.id for e in ctx.gazetteer.lookup(m.text)}) == 1


def _same_kind_neighbour(text: str, m: M.Mention, others: list[M.Mention], gap: int) -> bool:
    """An ambiguous name counts when it is listed next to a name of the same kind ("Telegram, Element, Hoop")."""
    for o in others:
        if o.kind != m.kind or o.start > m.end + 12 or o.end < m.start - 12:
            continue
        between = text[o.end : m.start] if o.end <= m.start else text[m.end : o.start] if m.end <= o.start else None
        if between is None:
            continue
        b = between.strip().lower()
        if b == "" and between.strip(" ") == "":
            continue  # "Jabhat Ansar al-Din": two names side by side are one longer name, not a list
        if len(between) <= 12 and b in ("", ",", "and", ", and", "or", ", or", "&", "/") or re.fullmatch(r",?\s*(and|or)?\s*", b):
            return True
    return False


Language.component("andiwali_mentions")(lambda doc: MentionFinder()(doc))


_ABBREV = frozenset("dr mr mrs ms lt gen col st no vs jan feb mar apr jun jul aug sep sept oct nov dec mt ft fig al "
                    "inc ltd co corp prof sgt capt maj gov sen rep".split())
# sentence-final punctuation (and closing quotes/brackets) before a capital or a digit, or a line break; the
# same matches as r"[.!?]+[\"”’')\]]*(?=...)|\n", written with a leading character class (fast to scan for)
_SENT_END = re.compile(r"[\n.!?](?:(?<=\n)|[.!?]*[\"”’')\]]*(?=\s+[\"“‘'(\[•\-–]?\s*[A-Z0-9]))")


# ORTH hash -> token text and lower-cased text. A hash names the same string in every vocabulary, so the
# caches serve all pipelines; each distinct token text is decoded and lower-cased once.
_ORTH_TEXT: dict[int, str] = {}
_ORTH_LOWER: dict[int, str] = {}


def _token_texts(orths: list[int], strings: Any) -> tuple[list[str], list[str]]:
    """The texts and lower-cased texts of tokens given by their ORTH hashes (``strings``: the StringStore)."""
    try:
        return list(map(_ORTH_TEXT.__getitem__, orths)), list(map(_ORTH_LOWER.__getitem__, orths))
    except KeyError:
        if len(_ORTH_TEXT) > 500_000:  # bounded: start over
            _ORTH_TEXT.clear()
            _ORTH_LOWER.clear()
        for orth in set(orths).difference(_ORTH_TEXT):
            text = strings[orth]
            _ORTH_TEXT[orth] = text
            _ORTH_LOWER[orth] = text.lower()
        return list(map(_ORTH_TEXT.__getitem__, orths)), list(map(_ORTH_LOWER.__getitem__, orths))


@component("andiwali_sentences", reads=("doc.text",), writes=("ctx.sentences", "ctx.token_arrays"))
class SentenceSplitter:
    """Fast sentence boundaries for the parser-free pipeline: sentence-final punctuation before a capital,
    and every line break; abbreviations (Dr., Lt., U.S.) do not end a sentence."""

    def __call__(self, doc: Doc) -> Doc:
        ctx = _ctx(doc)
        text = ctx.document.text
        # token offsets and texts from the Doc's arrays: no Token objects, and each distinct text once
        arr = doc.to_array([IDX, ORTH])
        idx = arr[:, 0].tolist()
        orths = arr[:, 1].tolist()
        words, lower = _token_texts(orths, doc.vocab.strings)
        ctx._arrays = {"n": len(doc), "idx": idx, "text": words, "lower": lower}
        cuts = []
        for m in _SENT_END.finditer(text):
            if m.group(0) != "\n":
                before = text[max(0, m.start() - 6) : m.start()]
                word = re.split(r"[\s(\"“]", before)[-1].lower()
                if word in _ABBREV or (len(word) == 1 and word.isalpha()) or re.fullmatch(r"(?:[a-z]\.)+[a-z]", word):
                    continue
            cuts.append(m.end())
        ranges = []
        start = 0
        n = len(doc)
        for c in cuts:
            i = bisect.bisect_left(idx, c)
            # skip whitespace-only tokens at the start of a sentence
            if i > start:
                ranges.append((start, i))
                start = i
        if start < n:
            ranges.append((start, n))
        out = []
        for a, b in ranges:
            while a < b and not words[a].strip():
                a += 1
            while b > a and not words[b - 1].strip():
                b -= 1
            if b > a:
                out.append((a, b))
        ctx._sent_ranges = out
        return doc


Language.component("andiwali_sentences")(lambda doc: SentenceSplitter()(doc))


def sentence_ranges(doc: Doc) -> list[tuple[int, int]]:
    """Token ranges of sentences; a line break always ends a sentence (computed once per document)."""
    ctx = doc._.andiwali
    if ctx is not None and getattr(ctx, "_sent_ranges", None) is not None:
        return ctx._sent_ranges
    out = _sentence_ranges(doc)
    if ctx is not None:
        ctx._sent_ranges = out
    return out


def _sentence_ranges(doc: Doc) -> list[tuple[int, int]]:
    out = []
    for sent in doc.sents:
        start = sent.start
        for tok in sent:
            if "\n" in tok.text:
                if tok.i > start:
                    out.append((start, tok.i))
                start = tok.i + 1
            elif (tok.text in ("etc.", "e.g.", "i.e.") or tok.text == "." and tok.i > 0 and doc[tok.i - 1].lower_ == "etc") \
                    and tok.i + 1 < sent.end and tok.i > start:
                nxt = doc[tok.i + 1]
                if nxt.text[:1].isupper() and nxt.is_alpha:
                    out.append((start, tok.i + 1))
                    start = tok.i + 1
        if sent.end > start:
            out.append((start, sent.end))
    return out


_ADJ = r"(?:(?:militant|jihadist|jihadi|terrorist|extremist|armed|insurgent|islamist|militant\s+islamist|terror|rebel)\s+)?"
_ANA_ORG = re.compile(rf"\b(?:the|this|that)\s+{_ADJ}(?:group|organization|organisation|movement|outfit)\b(?!\s+of\b)", re.I)
# any one or two words may describe the list ("the two Shiite movements", "both rival factions")
_ANA_LIST = re.compile(r"\b(?P<det>these|those|the\s+two|both|all\s+three|the\s+three)\s+(?:[A-Za-z'’-]+\s+){0,2}?"
                       r"(?P<noun>groups|organizations|organisations|movements|affiliates|branches|factions|allies|"
                       r"militias|wings|outfits|insurgencies|parties|armies|cartels)\b", re.I)
_ANA_PRON = re.compile(r"\b(?P<p>it|its|they|their|them|he|his|him|she|her)\b(?P<after>\s+\w+)?", re.I)
_ANA_COUNTRY = re.compile(r"\bthe\s+country\b", re.I)
# every match of the four patterns above starts with a whole word of this pattern (same flags): the patterns
# are tried only at those words (finditer_at), which finds the same matches as scanning the whole text
_ANA_START = re.compile(r"\b(?:th(?:e(?:se|y|ir|m)?|is|at|ose)|its?|h(?:e|is|im|er)|she|both|all)\b", re.I)
# the first words each pattern can start with; a word that is not plain ASCII (case-insensitive matching also
# takes "ſ" for "s") is tried with every pattern
_ANA_FIRST = (
    (_ANA_ORG, frozenset(("the", "this", "that"))),
    (_ANA_LIST, frozenset(("these", "those", "the", "both", "all"))),
    (_ANA_PRON, frozenset(("it", "its", "they", "their", "them", "he", "his", "him", "she", "her"))),
    (_ANA_COUNTRY, frozenset(("the",))),
)
_EXPLETIVE_AFTER = frozenset("is was 's seems seemed appears appeared would will should may might can could has had remains".split())
_INTRO_LIST = re.compile(r"^\W*(?:such\s+as|including|like|namely|e\.g\.|:|,\s*such\s+as)", re.I)


@component("andiwali_coref", reads=("ctx.mentions", "doc.sents", "ctx.topic"), writes=("ctx.mentions", "ctx.sentences"))
class Coreference:
    """Resolves "the group", "it/its/they", "these affiliates", "the two groups", "the country"."""

    def __call__(self, doc: Doc) -> Doc:
        ctx = _ctx(doc)
        text = _ctx(doc).document.text
        sents = sentence_ranges(doc)
        arr = getattr(ctx, "_arrays", None)
        if arr is not None and arr["n"] == len(doc):  # the token arrays of the sentence splitter
            idx, words = arr["idx"], arr["text"]
            ctx.sentences = [(idx[s], idx[e - 1] + len(words[e - 1])) for s, e in sents]
        else:
            ctx.sentences = [(doc[s].idx, doc[e - 1].idx + len(doc[e - 1].text)) for s, e in sents]
        mentions = ctx.mentions
        starts = [m.start for m in mentions]
        taken = [(m.start, m.end) for m in mentions]
        new: list[M.Mention] = []
        topic = ctx.topic
        state_counts: dict[str, int] = {}
        for m in mentions:
            if m.kind == "state":
                # a country named as a place ("in Afghanistan") counts more than one named as an actor
                loc = text[max(0, m.start - 4) : m.start].lower().endswith(("in ", "to ", "of "))
                state_counts[m.entity_id] = state_counts.get(m.entity_id, 0) + (3 if loc else 1)

        sent_starts = [s for s, _ in ctx.sentences]
        by_kind: dict[str, tuple[list[M.Mention], list[int]]] = {}
        for m in mentions:
            lst = by_kind.setdefault(m.kind, ([], []))
            lst[0].append(m)
            lst[1].append(m.start)

        def sent_index(pos: int) -> int:
            lo = bisect.bisect_right(sent_starts, pos) - 1
            return max(lo, 0)

        def before(pos: int, kinds: tuple[str, ...]) -> list[M.Mention]:
            if len(kinds) == 1:
                ms, ss = by_kind.get(kinds[0], ([], []))
                i = bisect.bisect_left(ss, pos)
                return [m for m in ms[:i] if m.end <= pos]
            i = bisect.bisect_left(starts, pos)
            return [m for m in mentions[:i] if m.kind in kinds and m.end <= pos]

        def resolve_org(pos: int) -> tuple[str, ...] | None:
            if topic is not None:
                return topic.entity_ids
            si = sent_index(pos)
            s_start = ctx.sentences[si][0]
            prev = before(pos, ("organization",))
            same = [m for m in prev if m.start >= s_start]
            if same:
                return same[-1].entity_ids
            for k in range(si - 1, max(-1, si - 4), -1):
                a, b = ctx.sentences[k]
                ins = [m for m in prev if a <= m.start < b]
                if ins:
                    return ins[0].entity_ids
            return None

        def resolve_list(pos: int, noun: str, det: str) -> tuple[str, ...] | None:
            prev = before(pos, ("organization",))
            if det.startswith(("the two", "both")) or det.startswith("the three") or det.startswith("all three"):
                want = 3 if "three" in det else 2
                out: list[str] = []
                for m in reversed(prev):
                    for e in m.entity_ids:
                        if e not in out:
                            out.append(e)
                    if len(out) >= want:
                        break
                return tuple(out[:want]) if len(out) >= want else None
            si = sent_index(pos)
            if noun in ("affiliates", "branches", "factions", "allies"):
                # the nearest explicit enumeration introduced by that noun
                for k in range(si, max(-1, si - 6), -1):
                    a, b = ctx.sentences[k]
                    b = min(b, pos)
                    seg = text[a:b]
                    found: list[str] = []
                    for nm in re.finditer(rf"\b{noun}\b", seg, re.I):
                        after = seg[nm.end():]
                        if not _INTRO_LIST.match(after):
                            continue
                        p0 = a + nm.end()
                        lst = [m for m in prev if m.start >= p0]
                        # the enumeration: consecutive mentions separated by commas/and/or
                        last = p0
                        for m in lst:
                            gap = text[last:m.start]
                            if last != p0 and not re.fullmatch(r"[\s,()]*(?:(?:and|or|as well as)\s+)?(?:the\s+)?", gap):
                                break
                            if last == p0 and len(gap) > 16:
                                break
                            for e in m.entity_ids:
                                if e not in found:
                                    found.append(e)
                            last = m.end
                    if len(found) >= 2:
                        return tuple(found)
            for k in range(si, max(-1, si - 3), -1):
                a, b = ctx.sentences[k]
                ids: list[str] = []
                for m in prev:
                    if a <= m.start < b:
                        for e in m.entity_ids:
                            if e not in ids:
                                ids.append(e)
                if len(ids) >= 2:
                    return tuple(ids)
            return None

        taken_sorted = sorted(taken)

        def free(s: int, e: int) -> bool:
            return not _overlaps(taken_sorted, s, e)

        first_words = [(m.start(), m.group(0)) for m in _ANA_START.finditer(text)]
        org_m, list_m, pron_m, country_m = (
            finditer_at(pattern, text, [p for p, w in first_words if not w.isascii() or w.lower() in firsts])
            for pattern, firsts in _ANA_FIRST)
        for rm in org_m:
            if free(rm.start(), rm.end()):
                ids = resolve_org(rm.start())
                if ids:
                    new.append(M.Mention(rm.start(), rm.end(), rm.group(0), ids, "organization", "coref"))
        for rm in list_m:
            if free(rm.start(), rm.end()):
                ids = resolve_list(rm.start(), rm.group("noun").lower(), " ".join(rm.group("det").lower().split()))
                if ids:
                    new.append(M.Mention(rm.start(), rm.end(), rm.group(0), ids, "organization", "coref", plural=True))
        for rm in pron_m:
            p = rm.group("p").lower()
            s, e = rm.start("p"), rm.end("p")
            if not free(s, e):
                continue
            after = (rm.group("after") or "").strip().lower()
            if p == "it" and after in _EXPLETIVE_AFTER:
                continue
            if p in ("he", "his", "him", "she", "her"):
                prev = before(s, ("person",))
                if prev and sent_index(prev[-1].start) >= sent_index(s) - 2:
                    new.append(M.Mention(s, e, text[s:e], prev[-1].entity_ids, "person", "coref"))
                continue
            if p == "it" and topic is None:
                # a subject pronoun continues the sentence's subject (its first group), else the last sentence's
                si = sent_index(s)
                a = ctx.sentences[si][0]
                same = [m for m in before(s, ("organization",)) if m.start >= a]
                ids = same[0].entity_ids if same else resolve_org(s)
                if ids:
                    new.append(M.Mention(s, e, text[s:e], ids, "organization", "coref"))
                continue
            if p in ("they", "their", "them"):
                si = sent_index(s)
                a = ctx.sentences[si][0]
                prev = [m for m in before(s, ("organization",)) if m.start >= a]
                if topic is not None:
                    ids = topic.entity_ids
                elif prev:
                    ids = prev[-1].entity_ids
                else:
                    ids = resolve_org(s)
                if ids:
                    new.append(M.Mention(s, e, text[s:e], ids, "organization", "coref", plural=True))
                continue
            ids = resolve_org(s)
            if ids:
                new.append(M.Mention(s, e, text[s:e], ids, "organization", "coref"))
        for rm in country_m:
            if not free(rm.start(), rm.end()):
                continue
            prev = before(rm.start(), ("state",))
            para = next((p for p in ctx.paragraphs if p.start <= rm.start() < p.end), None)
            cand = [m for m in prev if para and m.start >= para.start and text[max(0, m.start - 4) : m.start].lower().endswith(("in ", "to ", "of "))]
            if cand:
                ids = cand[-1].entity_ids
            elif state_counts:
                ids = (max(state_counts, key=lambda k: state_counts[k]),)
            else:
                continue
            new.append(M.Mention(rm.start(), rm.end(), rm.group(0), ids, "state", "coref"))
        if new:
            ctx.mentions = sorted(mentions + new, key=lambda m: m.start)
        return doc


Language.component("andiwali_coref")(lambda doc: Coreference()(doc))

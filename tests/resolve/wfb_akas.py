"""Parse a CIA World Factbook terrorist-organization profile: its name, acronyms and "aka" names.

Used by the WFB alias test and by scripts/build_reference.py (one parser for both).
"""

from __future__ import annotations

import re

from andiwali.model.names import is_acronym

_QUOTES = "\"“”„«»"


def _split_top(text: str, seps: str = ";,") -> list[str]:
    """Split on separators outside parentheses."""
    out, buf, depth = [], [], 0
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        if ch in seps and depth == 0:
            out.append("".join(buf))
            buf = []
        else:
            buf.append(ch)
    out.append("".join(buf))
    return [p.strip() for p in out]


def _acronymish(s: str) -> bool:
    core = s.strip()
    return bool(core) and (is_acronym(core) or bool(re.fullmatch(r"[A-Z][A-Za-z0-9\-/ ]{0,12}", core) and sum(c.isupper() for c in core) >= 2
                                                    and len(core.split()) <= 2 and not re.search(r"[a-z]{4}", core)))


def _piece(raw: str) -> list[str]:
    """One aka piece -> the names it gives."""
    s = raw.strip().strip(".").strip()
    if not s or s.lower().startswith("note"):
        return []
    s = re.sub(r"^(formerly|and)\s+", "", s, flags=re.I)
    m = re.match(r"^(.*?)\s+is the acronym for\s+(.*)$", s, flags=re.I)
    if m:
        return _piece(m.group(1)) + _piece(m.group(2))
    names: list[str] = []
    # parentheticals: acronyms and translations become names of their own; "(or X)" variants and single words are dropped
    for inner in re.findall(r"\(([^()]*)\)", s):
        inner_s = inner.strip().strip(_QUOTES).strip()
        if inner_s.lower().startswith("or ") or inner_s.lower().startswith("var"):
            continue
        for part in _split_top(inner_s, ";,"):
            part = part.strip().strip(_QUOTES).strip()
            part = re.sub(r"^(aka|the)\s+(?=[A-Z])", lambda m_: "" if m_.group(1) == "aka" else m_.group(0), part)
            if not part or part.lower() in {"splinter group"}:
                continue
            subs = re.split(r"\s+[–-]\s+", part) if "–" in part else [part]
            subs = [x for sub in subs for x in re.split(r"\s+or\s+", sub)]
            for sub in subs:
                sub = sub.strip()
                if _acronymish(sub):
                    names.extend(x.strip() for x in sub.split(",") if x.strip())
                elif len(sub.split()) >= 2:
                    names.append(sub)
    base = re.sub(r"\s*\([^()]*\)", "", s).strip()
    base = base.replace("  ", " ")
    alternatives = re.split(r"\s+or\s+", base) if re.search(r"\s+or\s+", base) else [base]
    for alt in alternatives:
        alt = alt.strip().strip(_QUOTES).strip()
        alt = re.sub(r"[" + _QUOTES + "]", "", alt).strip()
        if alt:
            names.append(alt)
    return [n for n in names if n and not n.lower().startswith("note")]


def parse_profile(text: str) -> dict:
    """{"name", "acronyms", "akas"} of a profile's text (first line the source header, second the name)."""
    lines = text.splitlines()
    name_line = next(ln for ln in lines if ln.startswith("ORGANIZATION:"))
    full = name_line.split(":", 1)[1].strip()
    acronyms: list[str] = []
    akas: list[str] = []
    for inner in re.findall(r"\(([^()]*)\)", full):
        for part in _split_top(inner, ","):
            if _acronymish(part):
                acronyms.append(part)
            elif part:
                akas.append(part)
    name = re.sub(r"\s*\([^()]*\)", "", full).strip()
    name = re.sub(r"\s*/\s*", "/", name)
    name = re.sub(r":\s*self-proclaimed.*$", "", name)
    aka_line = next((ln for ln in lines if re.match(r"^aka\s*[–\-:]", ln)), None)
    if aka_line:
        body = re.sub(r"^aka\s*[–\-:]\s*", "", aka_line)
        body = re.split(r"[;,]?\s*note\s*[–\-:]", body)[0]  # a trailing note is not a name
        for piece in _split_top(body, ";,"):
            akas.extend(_piece(piece))
    seen: set[str] = set()
    uniq = []
    for a in akas:
        a = a.strip().rstrip(",").strip()
        if a and a not in seen:
            seen.add(a)
            uniq.append(a)
    return {"name": name, "acronyms": acronyms, "akas": uniq}

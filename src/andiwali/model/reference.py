"""The bundled reference data (gazetteer): entities with aliases, and reference claims.

Files live in ``data/reference/*.yaml``; each is a mapping with ``entities`` (a
list) and optionally ``relations`` (a list). Entry format::

    entities:
      - name: al-Qaeda                  # canonical name (unique per kind)
        kind: organization
        aliases:                        # a string, or a mapping with details
          - al-Qaida
          - {name: AQ, acronym: true}
          - {name: "القاعدة", lang: ar, script: Arab, source: "UN list QDe.004"}
        parent: null                    # canonical name of the parent entity
        start: "1988"
        end: null
        attributes: {subtype: armed group, designations: [{list: UN, number: QDe.004, date: "2001-10-06"}]}
        references: ["UN list QDe.004", "CIA World Factbook 2025"]
    relations:
      - {subject: Ayman al-Zawahiri, predicate: leads, object: al-Qaeda, valid_from: "2011-06", valid_to: "2022-07", source: "..."}

An alias given as a plain string takes the entry's first reference as its
source. Loading validates every entry and names the bad one on failure.

A file may also have ``extensions``: entries that add aliases, attributes and
references to an entity defined in another file (the generated list files use
them to add what the UN and US lists say about a curated entity)::

    extensions:
      - extends: al-Qaeda               # canonical name of an entity defined elsewhere
        kind: organization
        aliases: [{name: "Al Qaeda", source: "UN list QDe.004"}]
        attributes: {designations: [{list: UN 1267, number: QDe.004, date: "2001-10-06"}]}
        references: ["UN list QDe.004"]

Lists in ``attributes`` are extended (without duplicates), mappings merged and
scalars set only when absent; an alias whose normalized form the entity
already has is skipped.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from andiwali.errors import ReferenceDataError
from andiwali.model.core import Alias, Claim, Entity, ModelError, check_date
from andiwali.model.names import is_acronym, normalize_name
from andiwali.model.ontology import OntologyError, ontology

_ENTITY_KEYS = {"name", "kind", "aliases", "parent", "start", "end", "attributes", "references", "id"}
_REL_KEYS = {"subject", "predicate", "object", "valid_from", "valid_to", "source", "polarity", "qualifiers"}
_EXT_KEYS = {"extends", "kind", "aliases", "attributes", "references", "parent", "start", "end"}
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class Gazetteer:
    """Entities by id, an index from normalized names to entity ids, and reference claims."""

    entities: dict[str, Entity] = field(default_factory=dict)
    claims: list[Claim] = field(default_factory=list)
    index: dict[str, list[tuple[str, Alias | None]]] = field(default_factory=lambda: defaultdict(list))

    def add(self, entity: Entity) -> None:
        self.entities[entity.id] = entity
        self._index_name(entity.name, entity.id, None)
        for a in entity.aliases:
            self._index_name(a.name, entity.id, a)

    def add_alias(self, entity: Entity, alias: Alias) -> bool:
        """Add ``alias`` to an entity already in the gazetteer (False when it normalizes like a name it has)."""
        key = normalize_name(alias.name)
        if not key or key == normalize_name(entity.name) or any(normalize_name(a.name) == key for a in entity.aliases):
            return False
        entity.aliases.append(alias)
        self._index_name(alias.name, entity.id, alias)
        return True

    def prominence(self, entity_id: str) -> int:
        """A tie-breaker between entities sharing a name: designations, references and names known."""
        e = self.entities[entity_id]
        return 3 * len(e.attributes.get("designations") or []) + len(e.references) + len(e.aliases)

    def _index_name(self, name: str, eid: str, alias: Alias | None) -> None:
        key = normalize_name(name)
        if not key:
            return
        if all(e != eid for e, _ in self.index[key]):
            self.index[key].append((eid, alias))

    def lookup(self, name: str) -> list[Entity]:
        """Entities whose name or an alias normalizes like ``name``."""
        return [self.entities[e] for e, _ in self.index.get(normalize_name(name), [])]

    def by_name(self, name: str, kind: str | None = None) -> Entity | None:
        """The entity named ``name`` (canonical names first, then aliases)."""
        hits = self.lookup(name)
        if kind:
            hits = [e for e in hits if e.kind == kind]
        if not hits:
            return None
        key = normalize_name(name)
        for e in hits:
            if normalize_name(e.name) == key:
                return e
        if len(hits) > 1:
            # an alias shared by several entities: prefer one where it is not marked ambiguous, then prominence
            amb = {e: bool(a is not None and a.ambiguous) for e, a in self.index.get(key, [])}
            hits = sorted(hits, key=lambda e: (amb.get(e.id, False), -self.prominence(e.id)))
        return hits[0]

    def collisions(self) -> dict[str, list[str]]:
        """Normalized names shared by more than one entity: name -> canonical names."""
        return {k: [self.entities[e].name for e, _ in v] for k, v in self.index.items() if len(v) > 1}


def _alias(raw: Any, default_source: str | None, where: str) -> Alias:
    if isinstance(raw, str):
        return Alias(name=raw, source=default_source, acronym=is_acronym(raw))
    if isinstance(raw, dict) and "name" in raw:
        extra = set(raw) - {"name", "lang", "script", "source", "acronym", "ambiguous"}
        if extra:
            raise ReferenceDataError(f"{where}: unknown alias keys {sorted(extra)}")
        return Alias(
            name=str(raw["name"]),
            lang=raw.get("lang"),
            script=raw.get("script"),
            source=raw.get("source", default_source),
            acronym=bool(raw.get("acronym", is_acronym(str(raw["name"])))),
            ambiguous=bool(raw.get("ambiguous", False)),
        )
    raise ReferenceDataError(f"{where}: an alias must be a string or a mapping with a name")


def _parse_entity(raw: Any, where: str) -> tuple[Entity, str | None]:
    if not isinstance(raw, dict):
        raise ReferenceDataError(f"{where}: must be a mapping")
    extra = set(raw) - _ENTITY_KEYS
    if extra:
        raise ReferenceDataError(f"{where}: unknown keys {sorted(extra)}")
    if not raw.get("name") or not raw.get("kind"):
        raise ReferenceDataError(f"{where}: needs a name and a kind")
    where = f"{where} ({raw['name']})"
    refs = raw.get("references") or []
    if isinstance(refs, str):
        refs = [refs]
    default_source = refs[0] if refs else None
    aliases: list[Alias] = []
    canon_key = normalize_name(str(raw["name"]))
    seen: set[str] = set()
    for i, a in enumerate(raw.get("aliases") or []):
        alias = _alias(a, default_source, f"{where}.aliases[{i}]")
        key = normalize_name(alias.name)
        # one alias per matching key (the first spelling given wins); the canonical name itself
        # is repeated as an alias only to flag it (ambiguous: true)
        if key and key not in seen and (key != canon_key or alias.ambiguous):
            seen.add(key)
            aliases.append(alias)
    try:
        ent = Entity(
            kind=raw["kind"],
            name=str(raw["name"]),
            aliases=aliases,
            start=None if raw.get("start") is None else str(raw["start"]),
            end=None if raw.get("end") is None else str(raw["end"]),
            attributes=dict(raw.get("attributes") or {}),
            references=[str(r) for r in refs],
            origin="reference",
            id=raw.get("id") or "",
        )
    except ModelError as exc:
        raise ReferenceDataError(f"{where}: {exc}") from None
    return ent, raw.get("parent")


def _merge_attributes(target: dict[str, Any], extra: dict[str, Any]) -> None:
    for k, v in extra.items():
        if k not in target or target[k] in (None, "", [], {}):
            target[k] = v
        elif isinstance(target[k], list) and isinstance(v, list):
            for item in v:
                if item not in target[k]:
                    target[k].append(item)
        elif isinstance(target[k], dict) and isinstance(v, dict):
            _merge_attributes(target[k], v)


def _apply_extension(gaz: Gazetteer, canon: dict, ext: Any, where: str) -> str | None:
    """Add an extension entry's aliases, attributes and references to its entity; returns a parent name."""
    if not isinstance(ext, dict) or not ext.get("extends"):
        raise ReferenceDataError(f"{where}: an extension must be a mapping with 'extends'")
    name = str(ext["extends"])
    where = f"{where} ({name})"
    extra = set(ext) - _EXT_KEYS
    if extra:
        raise ReferenceDataError(f"{where}: unknown keys {sorted(extra)}")
    kind = ext.get("kind")
    ent = None
    for k in ([kind] if kind else ontology().entity_kinds):
        if (k, normalize_name(name)) in canon:
            ent = next((e for e in gaz.lookup(name) if e.kind == k and normalize_name(e.name) == normalize_name(name)), None)
            if ent is not None:
                break
    if ent is None:
        raise ReferenceDataError(f"{where}: extends unknown entity {name!r} (use its canonical name)")
    refs = ext.get("references") or []
    if isinstance(refs, str):
        refs = [refs]
    default_source = refs[0] if refs else None
    for i, raw in enumerate(ext.get("aliases") or []):
        gaz.add_alias(ent, _alias(raw, default_source, f"{where}.aliases[{i}]"))
    for r in refs:
        if str(r) not in ent.references:
            ent.references.append(str(r))
    if ext.get("attributes"):
        if not isinstance(ext["attributes"], dict):
            raise ReferenceDataError(f"{where}: attributes must be a mapping")
        _merge_attributes(ent.attributes, ext["attributes"])
    try:
        if ext.get("start") and not ent.start:
            ent.start = check_date(str(ext["start"]), f"{name}: start")
        if ext.get("end") and not ent.end:
            ent.end = check_date(str(ext["end"]), f"{name}: end")
    except ModelError as exc:
        raise ReferenceDataError(f"{where}: {exc}") from None
    return str(ext["parent"]) if ext.get("parent") and ent.parent is None else None


def load_reference(paths: Iterable[Path]) -> Gazetteer:
    """Load and validate reference files into a Gazetteer."""
    gaz = Gazetteer()
    parents: list[tuple[Entity, str, str]] = []
    relations: list[tuple[dict, str]] = []
    extensions: list[tuple[Any, str]] = []
    canon: dict[tuple[str, str], str] = {}
    onto = ontology()
    for path in sorted(paths):
        try:
            data = yaml.load(Path(path).read_text(encoding="utf-8"), Loader=_Loader) or {}
        except yaml.YAMLError as exc:
            raise ReferenceDataError(f"{path}: not valid YAML: {exc}") from None
        if not isinstance(data, dict):
            raise ReferenceDataError(f"{path}: top level must be a mapping with 'entities'")
        for i, raw in enumerate(data.get("entities") or []):
            where = f"{Path(path).name}: entities[{i}]"
            ent, parent = _parse_entity(raw, where)
            key = (ent.kind, normalize_name(ent.name))
            if key in canon or ent.id in gaz.entities:
                raise ReferenceDataError(f"{where}: duplicate {ent.kind} {ent.name!r} (also in {canon.get(key)})")
            canon[key] = where
            gaz.add(ent)
            if parent:
                parents.append((ent, str(parent), where))
        for i, rel in enumerate(data.get("relations") or []):
            relations.append((rel, f"{Path(path).name}: relations[{i}]"))
        for i, ext in enumerate(data.get("extensions") or []):
            extensions.append((ext, f"{Path(path).name}: extensions[{i}]"))
        extra_keys = set(data) - {"entities", "relations", "extensions"}
        if extra_keys:
            raise ReferenceDataError(f"{path}: unknown top-level keys {sorted(extra_keys)}")

    def resolve(name: str, where: str) -> Entity:
        ent = gaz.by_name(name)
        if ent is None:
            raise ReferenceDataError(f"{where}: unknown entity {name!r}")
        return ent

    for ext, where in extensions:
        parent = _apply_extension(gaz, canon, ext, where)
        if parent:
            ent = gaz.by_name(str(ext["extends"]), ext.get("kind"))
            if ent is not None and not any(p[0] is ent for p in parents):
                parents.append((ent, parent, where))
    for ent, parent, where in parents:
        ent.parent = resolve(parent, f"{where}.parent").id
    for rel, where in relations:
        if not isinstance(rel, dict):
            raise ReferenceDataError(f"{where}: must be a mapping")
        extra = set(rel) - _REL_KEYS
        if extra:
            raise ReferenceDataError(f"{where}: unknown keys {sorted(extra)}")
        try:
            pred = onto.predicate(str(rel.get("predicate")))
        except OntologyError as exc:
            raise ReferenceDataError(f"{where}: {exc}") from None
        subj = resolve(str(rel.get("subject")), f"{where}.subject")
        obj = resolve(str(rel.get("object")), f"{where}.object")
        if not pred.allows(subj.kind, obj.kind):
            raise ReferenceDataError(
                f"{where}: {pred.name} does not allow {subj.kind} {subj.name!r} -> {obj.kind} {obj.name!r}"
            )
        try:
            claim = Claim(
                subject=subj.id,
                predicate=pred.name,
                object=obj.id,
                polarity=rel.get("polarity", "asserted"),
                valid_from=check_date(None if rel.get("valid_from") is None else str(rel["valid_from"])),
                valid_to=check_date(None if rel.get("valid_to") is None else str(rel["valid_to"])),
                extractor="reference",
                confidence=1.0,
                status="accepted",
                qualifiers={"source": rel["source"]} if rel.get("source") else {},
            )
        except ModelError as exc:
            raise ReferenceDataError(f"{where}: {exc}") from None
        gaz.claims.append(claim)
    # parent links are reference claims too (branch_of), unless already stated
    stated = {(c.subject, c.predicate, c.object) for c in gaz.claims}
    for ent, _parent, _where in parents:
        if ent.kind == "organization" and gaz.entities[ent.parent].kind == "organization":
            if (ent.id, "branch_of", ent.parent) not in stated:
                gaz.claims.append(
                    Claim(subject=ent.id, predicate="branch_of", object=ent.parent, extractor="reference",
                          confidence=1.0, status="accepted", valid_from=ent.start,
                          qualifiers={"source": ent.references[0]} if ent.references else {})
                )
    return gaz


def reference_files() -> list[Path]:
    root = resources.files("andiwali.model") / "data" / "reference"
    return sorted(Path(str(root)).glob("*.yaml"))


@lru_cache(maxsize=1)
def bundled_gazetteer() -> Gazetteer:
    """The gazetteer shipped with the package (cached)."""
    return load_reference(reference_files())

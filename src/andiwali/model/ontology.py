"""The ontology (entity kinds, predicates, layers) loaded from data and validated.

The data lives in ``data/ontology.yaml``; a bad entry fails loudly with an
``OntologyError`` naming the entry and what is wrong with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from andiwali.errors import AndiwaliError


class OntologyError(AndiwaliError):
    code = "E101"


@dataclass(frozen=True, slots=True)
class Predicate:
    name: str
    symmetric: bool
    sign: int
    layer: str
    subject_kinds: frozenset[str]
    object_kinds: frozenset[str]
    meaning: str

    def allows(self, subject_kind: str, object_kind: str) -> bool:
        return subject_kind in self.subject_kinds and object_kind in self.object_kinds


@dataclass(frozen=True)
class Ontology:
    version: int
    entity_kinds: dict[str, str]
    layers: dict[str, str]
    predicates: dict[str, Predicate]
    modalities: tuple[str, ...]
    polarities: tuple[str, ...]
    review_statuses: tuple[str, ...]
    qualifiers: dict[str, str]

    def predicate(self, name: str) -> Predicate:
        try:
            return self.predicates[name]
        except KeyError:
            raise OntologyError(f"unknown predicate {name!r}; known: {', '.join(sorted(self.predicates))}") from None

    def layer_of(self, predicate: str) -> str:
        return self.predicate(predicate).layer

    def predicates_in_layers(self, layers: set[str] | None) -> list[str]:
        return [p.name for p in self.predicates.values() if layers is None or p.layer in layers]


_REQUIRED_PRED_KEYS = {"symmetric", "sign", "layer", "subject", "object", "meaning"}


def _kinds(value: Any, groups: dict[str, list[str]], kinds: dict[str, str], where: str) -> frozenset[str]:
    if isinstance(value, str):
        if value not in groups:
            raise OntologyError(f"{where}: unknown kind group {value!r}")
        value = groups[value]
    if not isinstance(value, list) or not value:
        raise OntologyError(f"{where}: must be a non-empty list of entity kinds or a kind group")
    for k in value:
        if k not in kinds:
            raise OntologyError(f"{where}: unknown entity kind {k!r}")
    return frozenset(value)


def parse_ontology(data: Any, origin: str = "<ontology>") -> Ontology:
    """Validate the raw YAML structure and build an Ontology."""
    if not isinstance(data, dict):
        raise OntologyError(f"{origin}: top level must be a mapping")
    for key in ("version", "entity_kinds", "layers", "predicates", "modalities", "polarities", "review_statuses"):
        if key not in data:
            raise OntologyError(f"{origin}: missing top-level key {key!r}")
    kinds = data["entity_kinds"]
    if not isinstance(kinds, dict) or not kinds:
        raise OntologyError(f"{origin}: entity_kinds must be a non-empty mapping")
    groups = data.get("kind_groups") or {}
    for gname, members in groups.items():
        for k in members:
            if k not in kinds:
                raise OntologyError(f"{origin}: kind_groups.{gname}: unknown entity kind {k!r}")
    layers = data["layers"]
    preds: dict[str, Predicate] = {}
    raw_preds = data["predicates"]
    if not isinstance(raw_preds, dict) or not raw_preds:
        raise OntologyError(f"{origin}: predicates must be a non-empty mapping")
    for name, spec in raw_preds.items():
        where = f"{origin}: predicates.{name}"
        if not isinstance(spec, dict):
            raise OntologyError(f"{where}: must be a mapping")
        missing = _REQUIRED_PRED_KEYS - set(spec)
        if missing:
            raise OntologyError(f"{where}: missing {', '.join(sorted(missing))}")
        extra = set(spec) - _REQUIRED_PRED_KEYS
        if extra:
            raise OntologyError(f"{where}: unknown keys {', '.join(sorted(extra))}")
        if not isinstance(spec["symmetric"], bool):
            raise OntologyError(f"{where}.symmetric: must be true or false")
        if spec["sign"] not in (-1, 0, 1):
            raise OntologyError(f"{where}.sign: must be -1, 0 or 1, got {spec['sign']!r}")
        if spec["layer"] not in layers:
            raise OntologyError(f"{where}.layer: unknown layer {spec['layer']!r}")
        subj = _kinds(spec["subject"], groups, kinds, f"{where}.subject")
        obj = _kinds(spec["object"], groups, kinds, f"{where}.object")
        if spec["symmetric"] and subj != obj:
            raise OntologyError(f"{where}: a symmetric predicate needs the same subject and object kinds")
        preds[name] = Predicate(name, spec["symmetric"], spec["sign"], spec["layer"], subj, obj, str(spec["meaning"]))
    return Ontology(
        version=int(data["version"]),
        entity_kinds=dict(kinds),
        layers=dict(layers),
        predicates=preds,
        modalities=tuple(data["modalities"]),
        polarities=tuple(data["polarities"]),
        review_statuses=tuple(data["review_statuses"]),
        qualifiers=dict(data.get("qualifiers") or {}),
    )


def load_ontology_file(path: str | Path) -> Ontology:
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise OntologyError(f"{path}: not valid YAML: {exc}") from None
    return parse_ontology(data, str(path))


@lru_cache(maxsize=1)
def ontology() -> Ontology:
    """The bundled ontology (cached)."""
    ref = resources.files("andiwali.model") / "data" / "ontology.yaml"
    with resources.as_file(ref) as p:
        return load_ontology_file(p)

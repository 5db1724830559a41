"""The typed core: every stage speaks these classes."""

from andiwali.model.core import (
    DEFAULT_GRADE,
    Alias,
    Claim,
    Document,
    Entity,
    Evidence,
    ModelError,
    Source,
    Span,
    check_date,
    date_precision,
    parse_grade,
)
from andiwali.model.ontology import Ontology, OntologyError, Predicate, ontology

__all__ = [
    "DEFAULT_GRADE",
    "Alias",
    "Claim",
    "Document",
    "Entity",
    "Evidence",
    "ModelError",
    "Ontology",
    "OntologyError",
    "Predicate",
    "Source",
    "Span",
    "check_date",
    "date_precision",
    "ontology",
    "parse_grade",
]

"""Tie strength: independent reports, source grades and claim confidences in one number.

For one tie (subject, predicate, object) over the claims that count in a view:

1. Group the claims' evidence documents into **independent reports**: documents with
   the same independence key (a duplicate, the same text, a forward or syndicated copy
   of one original; see ``records.independence_key``) are one report. A claim without
   a document (reference data, hand-entered) is its own report.
2. Each report gets a weight ``w = max over its claims of confidence x modality x
   attribution`` times ``reliability(R) x credibility(C)`` of the report's best-graded
   document (tables below).
3. ``strength = 1 - prod(1 - w)`` over the reports (noisy-OR): one A1 fact at
   confidence 1 gives 1.0; two independent F6 reports at confidence 0.8 give
   1 - (1 - 0.2)^2 = 0.36; a copy of a report adds nothing.

The tables are data (edit them here; docs/analysis.md mirrors them).
"""

from __future__ import annotations

from collections.abc import Iterable

# NATO Admiralty code. F and 6 mean "cannot be judged": placed between C/3 and D/4
RELIABILITY = {"A": 1.0, "B": 0.8, "C": 0.6, "D": 0.4, "E": 0.2, "F": 0.5}
CREDIBILITY = {"1": 1.0, "2": 0.8, "3": 0.6, "4": 0.4, "5": 0.2, "6": 0.5}
# how far a claim's wording commits its source (hypothetical claims never enter the graph)
MODALITY = {"fact": 1.0, "reported": 0.8, "estimated": 0.7, "alleged": 0.6, "claimed": 0.6, "hypothetical": 0.0}
# a claim the text attributes to someone (their statement) rather than asserts itself
ATTRIBUTED = 0.7
# grade of claims with no document: bundled/curated reference data, or anything else
REFERENCE_GRADE = ("B", "2")
NO_DOCUMENT_GRADE = ("F", "6")


def grade_factor(reliability: str | None, credibility: str | None) -> float:
    return RELIABILITY.get(reliability or "F", 0.5) * CREDIBILITY.get(credibility or "6", 0.5)


def claim_factor(confidence: float, modality: str, attributed: bool) -> float:
    return float(confidence) * MODALITY.get(modality, 1.0) * (ATTRIBUTED if attributed else 1.0)


def combine(weights: Iterable[float]) -> float:
    """Noisy-OR of independent report weights."""
    p = 1.0
    for w in weights:
        p *= 1.0 - max(0.0, min(1.0, w))
    return 1.0 - p

"""Fixtures for the extraction tests: a small gazetteer of our own and helpers."""

from __future__ import annotations

from pathlib import Path

import pytest

from andiwali.model import Document
from andiwali.model.reference import load_reference

HERE = Path(__file__).parent
FIXTURES = HERE / "fixtures"


@pytest.fixture(scope="session")
def gaz():
    return load_reference([FIXTURES / "gazetteer.yaml"])


@pytest.fixture(scope="session")
def extract(gaz):
    """extract(text, parser=False, **opts) -> list of (subject, predicate, object, claim) with names."""
    from andiwali.extract import extract_document

    def run(text: str, parser: bool = False, published: str | None = None, **opts):
        doc = Document(text=text, key="test", published=published)
        res = extract_document(doc, gaz, parser=parser, **opts)
        ents = res.entity_names(gaz)
        out = []
        for c in res.claims:
            out.append((ents[c.subject].name, c.predicate, ents[c.object].name, c))
        run.last = res
        return out

    return run


def triples(rows, polarity: str | None = None) -> set[tuple[str, str, str]]:
    return {(s, p, o) for s, p, o, c in rows if polarity is None or c.polarity == polarity}

"""Golden outputs: the contract objects (without confidence) of each fixture brief, as sorted JSON lines.

Regenerate after a reviewed change with ``ANDIWALI_UPDATE_GOLDEN=1 pytest tests/extract/test_golden.py``.
"""

from __future__ import annotations

import json
import os

import pytest

from andiwali.extract import claim_json, extract_document
from andiwali.model import Document
from conftest import FIXTURES, HERE

BRIEFS = sorted(p.name for p in FIXTURES.glob("brief_*.txt"))


def golden_lines(gaz, name: str) -> list[str]:
    text = (FIXTURES / name).read_bytes().decode("utf-8")
    res = extract_document(Document(text=text, key=name), gaz, parser=False)
    out = []
    for c in res.claims:
        obj = claim_json(c, res, gaz, name, text)
        obj.pop("confidence")
        for side in ("subject", "object"):
            obj[side].pop("id")
        out.append(json.dumps(obj, ensure_ascii=False, sort_keys=True))
    return sorted(out)


@pytest.mark.parametrize("name", BRIEFS)
def test_golden(gaz, name):
    path = HERE / "golden" / (name.rsplit(".", 1)[0] + ".jsonl")
    lines = golden_lines(gaz, name)
    if os.environ.get("ANDIWALI_UPDATE_GOLDEN") or not path.exists():
        path.write_text("".join(x + "\n" for x in lines), encoding="utf-8")
    assert lines == path.read_text(encoding="utf-8").splitlines()

"""JSON with a nesting limit checked before parsing, without recursion.

``json.loads`` recurses once per nesting level; a 10,000-level document would
hit the interpreter's recursion limit. ``max_depth`` scans the bytes first
(strings removed by a regex, brackets counted with C-level itertools), so a
hostile file is refused before the parser sees it.
"""

from __future__ import annotations

import json
import re
from array import array
from itertools import accumulate
from typing import Any

_STRING = re.compile(rb'"(?:[^"\\]++|\\.)*+(?:"|\\?\Z)', re.DOTALL)
_KEEP = b"[]{}"
_DELETE = bytes(b for b in range(256) if b not in _KEEP)
# '[' '{' -> +1 ; ']' '}' -> -1 (0xff read as a signed byte)
_SIGN = bytes.maketrans(b"[{]}", b"\x01\x01\xff\xff")


def max_depth(data: bytes) -> int:
    """Deepest bracket nesting in a JSON text (outside strings); never recurses."""
    brackets = _STRING.sub(b"", data).translate(None, _DELETE)
    if not brackets:
        return 0
    steps = array("b", brackets.translate(_SIGN))
    return max(accumulate(steps))


class DepthError(ValueError):
    def __init__(self, depth: int, limit: int):
        super().__init__(f"JSON nested {depth} levels deep (limit {limit})")
        self.depth = depth


def loads(data: bytes | str, limit: int) -> Any:
    """Parse JSON after checking its depth. Raises DepthError or ValueError (json.JSONDecodeError)."""
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    depth = max_depth(raw)
    if depth > limit:
        raise DepthError(depth, limit)
    return json.loads(data)

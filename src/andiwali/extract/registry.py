"""Plain registries filled by decorators (datasette's default plugins pattern).

``COMPONENTS`` maps a name to a pipeline component class: Doc in, Doc out, with
declared ``reads`` and ``writes``. ``BACKENDS`` maps a backend name ("rules",
"llm") to a callable ``(doc, gazetteer, **options) -> ExtractionResult``. The
built-ins register themselves through the same decorators a plug-in would use.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

COMPONENTS: dict[str, type] = {}
BACKENDS: dict[str, Callable[..., Any]] = {}


def component(name: str, *, reads: tuple[str, ...] = (), writes: tuple[str, ...] = ()) -> Callable[[type], type]:
    """Register a pipeline component class under ``name`` with what it reads and writes."""

    def deco(cls: type) -> type:
        cls.component_name = name
        cls.reads = tuple(reads)
        cls.writes = tuple(writes)
        COMPONENTS[name] = cls
        return cls

    return deco


def backend(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register an extraction backend under ``name``."""

    def deco(fn: Callable[..., Any]) -> Callable[..., Any]:
        BACKENDS[name] = fn
        return fn

    return deco

"""Extraction on many cores (processes) or many machines (a dask.distributed scheduler).

Extraction of one document is a pure function of (document, gazetteer, backend),
so the work is split into chunks of documents, extracted by workers that each
load the gazetteer and the models once, and the results come back **in input
order**: the claims are exactly those of a one-worker run. Only the calling
process writes to the knowledge base (one ``save_extraction`` transaction per
document), so a crash leaves whole claim sets and a re-run finishes the rest.

Two entry points:

* ``extract_parallel(doc_ids_or_documents, kb, workers=N, dask_address=None)``:
  extract and save into the knowledge base (the ``andiwali extract`` form);
* ``iter_extract(documents, gazetteer, workers=N, dask_address=None)``: yield
  ``Outcome(document, result, error)`` in input order without a knowledge base
  (the ``andiwali extract FILE... --jsonl`` form).
"""

from __future__ import annotations

import importlib
import multiprocessing
import os
import pickle
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any

from andiwali.errors import AndiwaliError, ExtractError
from andiwali.model import Document
from andiwali.model.reference import Gazetteer

DEFAULT_EXTRACTOR = "andiwali.extract:extract_document"
CHUNK_CHARS = 60_000  # about 10k words per task: big enough to amortize the transfer, small enough to balance
CHUNK_DOCS = 64
Extractor = Callable[..., Any]


@dataclass
class Outcome:
    """One document's extraction: ``result`` (an ExtractionResult) or ``error`` (a message with its code)."""

    document: Document
    result: Any = None
    error: str | None = None
    code: str | None = None

    @property
    def doc_id(self) -> str:
        return self.document.id


@dataclass
class Summary:
    documents: int = 0
    extracted: int = 0
    failed: int = 0
    claims: int = 0
    added: int = 0
    removed: int = 0
    words: int = 0
    seconds: float = 0.0
    errors: list[tuple[str, str]] = field(default_factory=list)  # (document key, message)

    def as_dict(self) -> dict:
        return {k: getattr(self, k) for k in ("documents", "extracted", "failed", "claims", "added", "removed",
                                              "words", "seconds", "errors")}


# ---- worker side ------------------------------------------------------------------------
def resolve_extractor(ref: str | Extractor | None) -> Extractor:
    """``"module:function"`` (default: ``andiwali.extract:extract_document``) or a callable."""
    if ref is None:
        ref = DEFAULT_EXTRACTOR
    if callable(ref):
        return ref
    module, _, name = str(ref).partition(":")
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError) as exc:
        raise ExtractError(f"extractor {ref!r} cannot be loaded: {exc}") from None


# per worker process: set once by _init_worker (process pool) or on first use (dask)
_WORKER: dict[str, Any] = {}


def _init_worker(gaz_blob: bytes, backend: str, extractor: str | Extractor | None, options: dict) -> None:
    _WORKER["gazetteer"] = pickle.loads(gaz_blob)
    _WORKER["backend"] = backend
    _WORKER["extractor"] = resolve_extractor(extractor)
    _WORKER["options"] = options
    _warm_up()


def _warm_up() -> None:
    """Load models before the first real document (errors surface on the first chunk instead)."""
    try:
        _WORKER["extractor"](Document(text="Warm-up.", key="warm-up"), _WORKER["gazetteer"], backend=_WORKER["backend"],
                             **_WORKER["options"])
    except Exception:  # noqa: BLE001 - reported for the real documents
        pass


def _extract_one(fn: Extractor, doc: Document, gaz: Gazetteer, backend: str, options: dict
                 ) -> tuple[Any, str | None, str | None]:
    try:
        return fn(doc, gaz, backend=backend, **options), None, None
    except AndiwaliError as exc:
        return None, str(exc), exc.code
    except Exception as exc:  # noqa: BLE001 - a bug in an extractor must not stop the batch; reported with E400
        return None, f"E400: extractor failed on {doc.key}: {type(exc).__name__}: {exc}", "E400"


def _run_chunk(docs: list[Document]) -> list[tuple[Any, str | None, str | None]]:
    fn, gaz, backend, options = _WORKER["extractor"], _WORKER["gazetteer"], _WORKER["backend"], _WORKER["options"]
    return [_extract_one(fn, d, gaz, backend, options) for d in docs]


def _dask_chunk(docs: list[Document], gaz: Gazetteer, backend: str, extractor: str | Extractor | None,
                options: dict) -> list[tuple[Any, str | None, str | None]]:
    """A task on a dask worker: the extractor is resolved (and its models loaded) once per worker process."""
    key = (backend, extractor if isinstance(extractor, str) else id(extractor))
    fn = _WORKER.get(("dask", key))
    if fn is None:
        fn = _WORKER[("dask", key)] = resolve_extractor(extractor)
    return [_extract_one(fn, d, gaz, backend, options) for d in docs]


# ---- caller side ------------------------------------------------------------------------
def _chunks(docs: Iterable[Document], max_chars: int, max_docs: int) -> Iterator[list[Document]]:
    chunk: list[Document] = []
    size = 0
    for d in docs:
        chunk.append(d)
        size += len(d.text)
        if size >= max_chars or len(chunk) >= max_docs:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


def _ordered(submit: Callable[[list[Document]], Future], chunks: Iterator[list[Document]], in_flight: int
             ) -> Iterator[Outcome]:
    """Submit chunks with at most ``in_flight`` outstanding; yield outcomes in input order."""
    pending: deque[tuple[list[Document], Any]] = deque()
    exhausted = False
    while True:
        while not exhausted and len(pending) < in_flight:
            try:
                chunk = next(chunks)
            except StopIteration:
                exhausted = True
                break
            pending.append((chunk, submit(chunk)))
        if not pending:
            return
        chunk, fut = pending.popleft()
        try:
            results = fut.result()
        except Exception as exc:  # a worker died (killed, out of memory): the whole chunk is reported
            msg = f"E400: worker failed: {type(exc).__name__}: {exc}"
            results = [(None, msg, "E400")] * len(chunk)
        for doc, (res, err, code) in zip(chunk, results, strict=True):
            yield Outcome(doc, res, err, code)


def iter_extract(
    documents: Iterable[Document],
    gazetteer: Gazetteer,
    *,
    backend: str = "rules",
    workers: int = 1,
    dask_address: str | Any | None = None,
    extractor: str | Extractor | None = None,
    chunk_chars: int = CHUNK_CHARS,
    chunk_docs: int = CHUNK_DOCS,
    options: dict | None = None,
) -> Iterator[Outcome]:
    """Extract ``documents`` (any iterable, read lazily) and yield an ``Outcome`` per document, in input order.

    ``workers=1`` without ``dask_address`` runs in this process. ``workers>1`` starts
    a spawn-safe process pool whose workers each load the gazetteer and models once.
    ``dask_address`` ("tcp://host:8786", or a ``distributed.Client``) sends chunks to
    a running dask.distributed scheduler; the gazetteer is scattered to every worker once.
    ``options`` are passed to the extractor (``extract_document(doc, gaz, backend=..., **options)``).
    """
    options = dict(options or {})
    if workers < 1:
        raise ExtractError(f"--workers must be at least 1, got {workers}")
    chunks = _chunks(documents, chunk_chars, chunk_docs)
    if dask_address is not None:
        yield from _iter_dask(chunks, gazetteer, backend, extractor, dask_address, options)
        return
    if workers == 1:
        fn = resolve_extractor(extractor)
        for chunk in chunks:
            for doc in chunk:
                res, err, code = _extract_one(fn, doc, gazetteer, backend, options)
                yield Outcome(doc, res, err, code)
        return
    resolve_extractor(extractor)  # fail fast here rather than in every worker
    ctx = multiprocessing.get_context("spawn")
    blob = pickle.dumps(gazetteer, protocol=pickle.HIGHEST_PROTOCOL)
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_init_worker,
                             initargs=(blob, backend, extractor, options)) as pool:
        try:
            yield from _ordered(lambda c: pool.submit(_run_chunk, c), chunks, in_flight=workers * 3)
        except BrokenProcessPool:
            raise ExtractError("an extraction worker died (killed, or out of memory); the documents done so far are "
                               "kept: run the extraction again to finish") from None


def _iter_dask(chunks: Iterator[list[Document]], gazetteer: Gazetteer, backend: str,
               extractor: str | Extractor | None, address: str | Any, options: dict) -> Iterator[Outcome]:
    try:
        from distributed import Client
    except ImportError:  # pragma: no cover - dask is a dependency
        raise ExtractError("--dask needs the `distributed` package") from None
    own = isinstance(address, str)
    try:
        client = Client(address, timeout="20s") if own else address
    except (OSError, TimeoutError) as exc:
        raise ExtractError(f"cannot reach the dask scheduler at {address}: {exc}") from None
    try:
        n_threads = max(1, sum(client.nthreads().values()))
        gaz_future = client.scatter(gazetteer, broadcast=True)
        yield from _ordered(
            lambda c: client.submit(_dask_chunk, c, gaz_future, backend, extractor, options, pure=False),
            chunks, in_flight=n_threads * 3,
        )
    finally:
        if own:
            client.close()


def extract_parallel(
    doc_ids_or_documents: Iterable[str | Document] | None = None,
    kb: Any = None,
    *,
    gazetteer: Gazetteer | None = None,
    backend: str = "rules",
    workers: int = 1,
    dask_address: str | Any | None = None,
    extractor: str | Extractor | None = None,
    actor: str = "extractor",
    progress: Callable[[int, Outcome], None] | None = None,
    chunk_chars: int = CHUNK_CHARS,
    options: dict | None = None,
) -> Summary:
    """Extract documents and save each one's claims into ``kb`` (one transaction per document).

    ``doc_ids_or_documents``: document ids (loaded from ``kb`` lazily), ``Document``
    objects (stored first when missing), or None for every pending document.
    The gazetteer defaults to ``kb.gazetteer()``. Documents whose extraction fails
    stay pending and are listed in ``Summary.errors``; the others are saved in input order.
    """
    if kb is None:
        raise ExtractError("extract_parallel needs a knowledge base (use iter_extract without one)")
    items = kb.pending_documents() if doc_ids_or_documents is None else doc_ids_or_documents
    gaz = gazetteer if gazetteer is not None else kb.gazetteer()
    summary = Summary()
    t0 = time.perf_counter()

    def docs() -> Iterator[Document]:
        for item in items:
            if isinstance(item, Document):
                if kb.document(item.id) is None:
                    kb.add_document(item)
                yield item
            else:
                yield kb.load_document(str(item))

    for outcome in iter_extract(docs(), gaz, backend=backend, workers=workers, dask_address=dask_address,
                                extractor=extractor, chunk_chars=chunk_chars, options=options):
        summary.documents += 1
        summary.words += len(outcome.document.text.split())
        if outcome.error is not None:
            summary.failed += 1
            summary.errors.append((outcome.document.key, outcome.error))
        else:
            r = outcome.result
            try:
                saved = kb.save_extraction(outcome.doc_id, list(r.claims), entities=list(getattr(r, "entities", []) or []),
                                           mentions=list(getattr(r, "mentions", []) or []), actor=actor)
            except AndiwaliError as exc:
                summary.failed += 1
                summary.errors.append((outcome.document.key, str(exc)))
            else:
                summary.extracted += 1
                summary.claims += saved["total"]
                summary.added += saved["added"]
                summary.removed += saved["removed"]
        if progress is not None:
            progress(summary.documents, outcome)
    summary.seconds = time.perf_counter() - t0
    return summary


def default_workers() -> int:
    """The CPUs this process may use (a sensible ``--workers`` upper bound)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1

"""`andiwali extract`: files -> JSON lines (the extraction contract), or a knowledge base's pending documents.

    andiwali extract FILE... --jsonl [--min-confidence 0.5] [--backend rules|llm] [--llm-url URL]
    andiwali --kb KB extract [--backend ...] [--min-confidence ...]

With files, no knowledge base is opened: each file is read (UTF-8 text as is, so
offsets point into the file's content), extracted with the bundled reference
data, and every claim at or above ``--min-confidence`` is printed as one JSON
object per line on stdout. Exit 0; 3 when a file could not be read (named on
stderr); 2 on usage errors.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from andiwali.cli import app, open_kb
from andiwali.errors import AndiwaliError, ExtractError

TEXT_SUFFIXES = {".txt", ".md", ".text", ".markdown", ""}


def _usage(message: str) -> typer.Exit:
    typer.echo(f"usage error: {message}", err=True)
    return typer.Exit(2)


def read_text_file(path: Path) -> str:
    """A text file's content exactly as stored (UTF-8, no newline translation)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise AndiwaliError("file not found", code="E201", path=str(path)) from None
    except IsADirectoryError:
        raise AndiwaliError("is a directory", code="E201", path=str(path)) from None
    except OSError as exc:
        raise AndiwaliError(f"cannot read file ({exc.strerror})", code="E201", path=str(path)) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise AndiwaliError(f"file is not valid UTF-8 (byte {exc.start})", code="E205", path=str(path)) from None


def documents_of(arg: str):
    """(name, Document) pairs for one command-line path; directories give their text files."""
    from andiwali.model import Document

    p = Path(arg)
    if p.is_dir():
        files = sorted(x for x in p.rglob("*") if x.is_file() and x.suffix.lower() in TEXT_SUFFIXES - {""})
        for f in files:
            yield from documents_of(str(f))
        return
    if p.suffix.lower() in TEXT_SUFFIXES or not p.exists():
        text = read_text_file(p)
        yield arg, Document(text=text, key=arg, title=p.stem, format="md" if p.suffix.lower() in (".md", ".markdown") else "txt")
        return
    try:
        from andiwali.ingest import read_documents  # other formats, when the ingest package offers them
    except ImportError:
        read_documents = None
    if read_documents is None:
        text = read_text_file(p)
        yield arg, Document(text=text, key=arg, title=p.stem)
        return
    for doc in read_documents(p):
        yield arg, doc


@app.command()
def extract(
    files: list[str] = typer.Argument(None, help="Files (or folders of .txt/.md files) to extract from, without a knowledge base."),
    jsonl: bool = typer.Option(False, "--jsonl", help="Print one JSON object per claim (the extraction contract)."),
    min_confidence: float = typer.Option(0.5, "--min-confidence", min=0.0, max=1.0, help="Only claims at or above this confidence."),
    backend: str = typer.Option("rules", "--backend", help="Extraction backend: rules (default) or llm."),
    llm_url: str = typer.Option(None, "--llm-url", envvar="ANDIWALI_LLM_URL", help="OpenAI-compatible endpoint for --backend llm."),
    llm_model: str = typer.Option(None, "--llm-model", envvar="ANDIWALI_LLM_MODEL", help="Model name for --backend llm."),
    parser: bool = typer.Option(None, "--parser/--no-parser", help="Use the English dependency parser (default: when installed)."),
    workers: int = typer.Option(1, "--workers", min=1, help="Extraction processes (results identical to one worker)."),
    dask: str = typer.Option(None, "--dask", help="Address of a running dask.distributed scheduler (tcp://host:8786)."),
) -> None:
    """Extract claims: from FILEs as JSON lines (no knowledge base), or from the knowledge base's pending documents."""
    from andiwali.extract import BACKENDS, claim_json
    from andiwali.extract import llm as _llm  # noqa: F401  (registers the backends)
    from andiwali.extract import rules as _rules  # noqa: F401

    if backend not in BACKENDS:
        raise _usage(f"unknown backend {backend!r}; choose one of {', '.join(sorted(BACKENDS))}")
    if backend == "llm" and not llm_url:
        raise _usage("--backend llm needs --llm-url URL (an OpenAI-compatible endpoint)")
    if jsonl and not files:
        raise _usage("--jsonl needs at least one FILE")
    options: dict = {}
    if backend == "llm":
        options.update(llm_url=llm_url, llm_model=llm_model)
    elif parser is not None:
        options["parser"] = parser

    if files:
        from andiwali.model.reference import bundled_gazetteer
        from andiwali.scale import iter_extract

        gaz = bundled_gazetteer()
        failed = 0
        out = sys.stdout
        names: dict[str, str] = {}

        def documents():
            nonlocal failed
            for arg in files:
                try:
                    for name, doc in documents_of(arg):
                        names[doc.id] = name
                        yield doc
                except AndiwaliError as exc:
                    typer.echo(f"error: {exc}: {arg}" if isinstance(exc, ExtractError) else f"error: {exc}", err=True)
                    failed += 1

        for outcome in iter_extract(documents(), gaz, backend=backend, workers=workers, dask_address=dask, options=options):
            name = names.get(outcome.document.id, outcome.document.key)
            if outcome.error:
                typer.echo(f"error: {name}: {outcome.error}", err=True)
                failed += 1
                continue
            result = outcome.result
            doc = outcome.document
            for c in result.claims:
                if c.confidence < min_confidence:
                    continue
                obj = claim_json(c, result, gaz, name, doc.text)
                if jsonl:
                    out.write(json.dumps(obj, ensure_ascii=False) + "\n")
                else:
                    out.write(
                        f"{name}\t{obj['subject']['name']}\t{obj['predicate']}\t{obj['object']['name']}\t"
                        f"{obj['polarity']}\t{obj['confidence']}\t{obj['evidence']['quote'][:80]!r}\n"
                    )
            out.flush()
        raise typer.Exit(3 if failed else 0)

    kb = open_kb()
    try:
        gaz = kb.gazetteer()
        pending = kb.pending_documents()
        n_claims = n_docs = n_failed = 0
        from andiwali.scale import iter_extract

        docs = (kb.load_document(doc_id) for doc_id in pending)
        for outcome in iter_extract(docs, gaz, backend=backend, workers=workers, dask_address=dask, options=options):
            if outcome.error:
                typer.echo(f"error: {outcome.document.key}: {outcome.error}", err=True)
                n_failed += 1
                continue
            result = outcome.result
            claims = [c for c in result.claims if c.confidence >= min_confidence]
            keep = {c.subject for c in claims} | {c.object for c in claims} | {c.attributed_to for c in claims if c.attributed_to}
            entities = [e for e in result.entities if e.id in keep]
            known = set(gaz.entities) | {e.id for e in entities}
            mentions = [m for m in result.mention_tuples() if m[0] in known]
            kb.save_extraction(outcome.document.id, claims, entities=entities, mentions=mentions)
            n_docs += 1
            n_claims += len(claims)
        typer.echo(f"extracted {n_docs} document(s): {n_claims} claim(s) at confidence >= {min_confidence} ({backend})"
                   + (f"; {n_failed} failed (still pending)" if n_failed else ""))
        if n_failed:
            raise typer.Exit(3)
    finally:
        kb.close()

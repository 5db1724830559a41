"""roles, contested and brokers on a knowledge base built from the seeds and corpus/wfb by the real pipeline.

Skips (with the reason) while the ingest and extract packages or the `extract` command are not there yet,
or when the pipeline itself fails on this checkout (that is the pipeline's test to catch, not this one's).
"""

import json

import pytest
from typer.testing import CliRunner

import andiwali.cli as cli

runner = CliRunner()


def _run(kb, *args):
    return runner.invoke(cli.app, ["--kb", str(kb), *args])


@pytest.fixture(scope="module")
def seeds_kb(shared_dir, tmp_path_factory):
    try:
        import andiwali.extract  # noqa: F401
        import andiwali.ingest  # noqa: F401
    except ImportError as exc:
        pytest.skip(f"the ingest/extract packages are not importable yet: {exc}")
    cli._load_commands()
    names = {c.name or c.callback.__name__ for c in cli.app.registered_commands}
    for needed in ("init", "ingest", "extract"):
        if needed not in names:
            pytest.skip(f"the `{needed}` command is not registered yet")
    kb = tmp_path_factory.mktemp("seeds") / "kb"
    files = sorted(str(p) for p in (shared_dir / "seeds").glob("*.txt"))
    files += sorted(str(p) for p in (shared_dir / "corpus" / "wfb").glob("*.txt"))
    for step in (("init",), ("ingest", *files), ("extract",)):
        res = _run(kb, *step)
        if res.exit_code not in (0, 3):
            pytest.skip(f"`andiwali {step[0]}` failed on this checkout (exit {res.exit_code}): {res.output[-300:]}")
    return kb


def test_roles_taliban_lists_counts_with_their_claims(seeds_kb):
    res = _run(seeds_kb, "analyze", "roles", "Taliban", "--split", "2021-08", "--json")
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert out["entity"] == "Taliban"
    for per in ("before", "after"):
        for d in ("given", "received"):
            assert sum(out[per][d].values()) == len(out["claims"][per][d])
            for c in out["claims"][per][d]:
                assert c["predicate"] in out[per][d]
    print(json.dumps({k: out[k] for k in ("before", "after", "summary")}, indent=1))


def test_contested_lists_al_qaeda_in_afghanistan_when_both_claims_exist(seeds_kb):
    from andiwali.analysis import load
    from andiwali.store import KnowledgeBase

    res = _run(seeds_kb, "analyze", "contested", "--json")
    assert res.exit_code == 0, res.output
    pairs = json.loads(res.output)
    with KnowledgeBase.open(seeds_kb) as kb:
        data = load(kb)
        aq = [e.id for e in kb.find_entities("al-Qaeda")]
        afg = [e.id for e in kb.find_entities("Afghanistan")]
    pols = {c.polarity for c in data.claims
            if c.predicate == "operates_in" and c.subject in aq and c.object in afg}
    listed = [p for p in pairs if p["predicate"] == "operates_in" and p["subject_id"] in aq and p["object_id"] in afg]
    if pols >= {"asserted", "negated"}:
        assert listed, "both polarities were extracted but no contradiction was listed"
    else:
        pytest.skip(f"extraction gave al-Qaeda operates_in Afghanistan only as {sorted(pols)}")


def test_brokers_are_named_with_role_counts(seeds_kb):
    res = _run(seeds_kb, "analyze", "brokers", "--json")
    assert res.exit_code == 0, res.output
    rows = json.loads(res.output)
    for r in rows:
        assert r["name"] and r["total"] == sum(r[k] for k in ("coordinator", "itinerant", "gatekeeper",
                                                               "representative", "liaison"))

"""A throwaway PostgreSQL server for the tests, started by the test session itself.

Import the fixtures into your own ``conftest.py``::

    from conftest_pg import pg_server, pg_url  # noqa: F401

``pg_server`` (session scope) runs ``initdb`` into a temporary directory and starts
``postgres`` directly as a child process on a free loopback port (fsync off; as the
``postgres`` user via ``runuser`` when the tests run as root). ``pg_url`` gives each
test a fresh, empty database and drops it afterwards. When no PostgreSQL binaries
are found (``make setup`` installs them through scripts/system-deps.sh) the
fixtures skip with the reason.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest


def find_pg_bin() -> Path | None:
    """The newest ``/usr/lib/postgresql/<v>/bin`` holding initdb, or initdb on PATH."""
    env = os.environ.get("ANDIWALI_PG_BIN")
    if env and (Path(env) / "initdb").exists():
        return Path(env)
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    if found:
        return Path(found[-1]).parent
    which = shutil.which("initdb")
    return Path(which).parent if which else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresServer:
    """initdb + postgres as a child process; ``url(dbname)`` for SQLAlchemy, ``stop()`` at the end."""

    user = "app"

    def __init__(self, bin_dir: Path):
        self.bin_dir = bin_dir
        self.root = Path(tempfile.mkdtemp(prefix="andiwali-pg-"))
        self.data = self.root / "data"
        self.port = _free_port()
        self.proc: subprocess.Popen | None = None
        self._as_root = os.geteuid() == 0
        self._counter = itertools.count(1)

    def _cmd(self, *args: str) -> list[str]:
        return (["runuser", "-u", "postgres", "--"] if self._as_root else []) + list(args)

    def start(self, timeout: float = 60.0) -> None:
        if self._as_root:
            shutil.chown(self.root, "postgres", "postgres")
        os.chmod(self.root, 0o700)
        subprocess.run(
            self._cmd(str(self.bin_dir / "initdb"), "-D", str(self.data), "-U", self.user, "--auth=trust",
                      "-E", "UTF8", "--locale=C", "--no-sync"),
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
        self.log = open(self.root / "postgres.log", "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            self._cmd(str(self.bin_dir / "postgres"), "-D", str(self.data), "-c", "listen_addresses=127.0.0.1",
                      "-p", str(self.port), "-k", str(self.root), "-c", "fsync=off", "-c", "synchronous_commit=off",
                      "-c", "full_page_writes=off", "-c", "max_connections=200", "-c", "shared_buffers=32MB"),
            stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        import psycopg

        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"postgres exited: {(self.root / 'postgres.log').read_text(errors='replace')[-2000:]}")
            try:
                with psycopg.connect(self.dsn("postgres"), connect_timeout=2):
                    return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def dsn(self, dbname: str) -> str:
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{dbname}"

    def url(self, dbname: str) -> str:
        """A SQLAlchemy URL (psycopg 3 driver)."""
        return f"postgresql+psycopg://{self.user}@127.0.0.1:{self.port}/{dbname}"

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.dsn("postgres"), autocommit=True) as conn:
            conn.execute(sql)

    def create_database(self, name: str | None = None) -> str:
        name = name or f"t{os.getpid()}_{next(self._counter)}"
        self._admin(f'CREATE DATABASE "{name}"')
        return name

    def drop_database(self, name: str) -> None:
        self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            # fast shutdown; the server runs in its own session, so signal the group (runuser + postgres)
            try:
                os.killpg(self.proc.pid, signal.SIGINT)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        if getattr(self, "log", None):
            self.log.close()
        shutil.rmtree(self.root, ignore_errors=True)


_SERVER: PostgresServer | None = None


@pytest.fixture(scope="session")
def pg_server():
    """A running throwaway PostgreSQL server (skips when PostgreSQL is not installed)."""
    bin_dir = find_pg_bin()
    if bin_dir is None:
        pytest.skip("PostgreSQL binaries not found (run `make setup`, which installs the postgresql package)")
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        pytest.skip("running as root without runuser: cannot start postgres as an unprivileged user")
    server = PostgresServer(bin_dir)
    try:
        server.start()
    except Exception:
        server.stop()
        raise
    yield server
    server.stop()


@pytest.fixture
def pg_url(pg_server):
    """A fresh empty database on the session's server, as a SQLAlchemy URL; dropped after the test."""
    name = pg_server.create_database()
    yield pg_server.url(name)
    pg_server.drop_database(name)

"""A throwaway PostgreSQL server for the tests: ``initdb`` into a temporary folder, ``pg_ctl``
on a free loopback port, as a non-root user, stopped by its pid at the end.

Debian's server binaries live in /usr/lib/postgresql/<version>/bin (``make test`` installs the
``postgresql`` package where they are missing). PostgreSQL refuses to run as root: as root,
the server runs as the ``postgres`` user the package creates.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["Server", "caught_up", "replica", "server"]


def _bin_dir() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    raise RuntimeError("no PostgreSQL server binaries: apt-get install postgresql (make test)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """A running server: its URL for a database, and a way to make databases."""

    def __init__(self, folder: Path, port: int) -> None:
        self.folder, self.port = folder, port

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://bgsearch@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')  # a test's own, constant-shaped name
        return self.url(name)

    @property
    def pid(self) -> int:
        return int((self.folder / "data" / "postmaster.pid").read_text().split()[0])


def _server_user() -> pwd.struct_passwd:
    """The user the server runs as, when the tests run as root: the package's ``postgres``,
    made if missing (server binaries installed some other way)."""
    try:
        return pwd.getpwnam("postgres")
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", "postgres"], check=True)
        return pwd.getpwnam("postgres")


def _tool(name: str, *args: str) -> None:
    """Run one of the server's programs as the server user; its output kept for errors."""
    subprocess.run(
        _as_server_user([str(_bin_dir() / name), *args]), check=True, capture_output=True
    )


def _as_server_user(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", _server_user().pw_name, "--", *command]


def _new_folder() -> Path:
    """A temporary folder of the server user's (pytest's own folders are root's alone)."""
    folder = Path(tempfile.mkdtemp(prefix="bgsearch-pg-"))
    if os.geteuid() == 0:
        user = _server_user()
        os.chown(folder, user.pw_uid, user.pw_gid)
    return folder


@contextmanager
def server() -> Iterator[Server]:
    """A new cluster in a new temporary folder, running until the block ends, then removed."""
    folder = _new_folder()
    _tool(
        *("initdb", "-D", str(folder / "data"), "-A", "trust", "-U", "bgsearch"),
        *("-E", "UTF8", "--locale=C.UTF-8", "--no-sync"),
    )
    with _running(folder) as running:
        yield running


@contextmanager
def replica(primary: Server) -> Iterator[Server]:
    """A streaming replica of ``primary`` (``pg_basebackup -R``), read-only, on a port of its
    own, running until the block ends."""
    folder = _new_folder()
    _tool(
        *("pg_basebackup", "-h", "127.0.0.1", "-p", str(primary.port), "-U", "bgsearch"),
        *("-D", str(folder / "data"), "-R", "-X", "stream", "-c", "fast"),
    )
    with _running(folder) as running:
        yield running


def caught_up(primary: Server, standby: Server, timeout: float = 30.0) -> None:
    """Wait until ``standby`` has replayed everything ``primary`` has written so far."""
    import psycopg

    with psycopg.connect(primary.url(), autocommit=True) as conn:
        row = conn.execute("SELECT pg_current_wal_lsn()").fetchone()
    assert row is not None
    deadline = time.monotonic() + timeout
    with psycopg.connect(standby.url(), autocommit=True) as conn:
        while True:
            done = conn.execute(
                "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", (row[0],)
            ).fetchone()
            if done and done[0]:
                return
            if time.monotonic() > deadline:
                raise TimeoutError("the replica did not catch up")
            time.sleep(0.05)


@contextmanager
def _running(folder: Path) -> Iterator[Server]:
    """The cluster in ``folder`` started on a free port; stopped by its pid, then removed."""
    data = folder / "data"
    port = _free_port()
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"
    _tool("pg_ctl", "-D", str(data), "-o", options, "-l", str(folder / "log"), "-w", "start")
    running = Server(folder, port)
    pid = running.pid
    try:
        yield running
    finally:
        os.kill(pid, signal.SIGINT)  # "fast" shutdown: end sessions, stop cleanly
        for _ in range(300):
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.05)
        else:
            os.kill(pid, signal.SIGKILL)
        shutil.rmtree(folder, ignore_errors=True)

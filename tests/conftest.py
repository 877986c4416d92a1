"""Shared fixtures: every test runs in its own folder with no index settings from outside."""

from __future__ import annotations

import itertools
import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings
from typer.testing import CliRunner

from bgsearch.cli import app
from tests.pgserver import Server, server

# No per-example deadline: a loaded CI machine must not turn slowness into failures.
settings.register_profile("bgsearch", deadline=None)
settings.load_profile("bgsearch")

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"


@dataclass(frozen=True)
class Run:
    """A finished CLI run, stdout and stderr apart."""

    exit_code: int
    stdout: str
    stderr: str

    @property
    def records(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.stdout.splitlines()]

    @property
    def ids(self) -> list[str]:
        return [r["id"] for r in self.records if r["type"] == "hit"]


def bgsearch(*args: str, input: str | bytes | None = None) -> Run:
    """Run the real CLI in-process, as a user would from a shell."""
    result = CliRunner().invoke(app, list(args), input=input, catch_exceptions=False)
    return Run(result.exit_code, result.stdout, result.stderr)


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run in an empty folder, so the default ./index is the test's own."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("BGSEARCH_INDEX", raising=False)
    monkeypatch.delenv("BGSEARCH_DEBUG", raising=False)
    monkeypatch.setenv("COLUMNS", "100")


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeds indexed once for the whole session, through the CLI; tests only read it."""
    folder = tmp_path_factory.mktemp("seed-index")
    seeds = folder / "seeds"
    shutil.copytree(SEEDS, seeds)
    index = folder / "index"
    run = bgsearch("index", str(seeds), "--index", str(index))
    assert run.exit_code == 0, run.stderr
    return index


def write_articles(folder: Path, articles: dict[str, str]) -> Path:
    """Make a folder of article files (name -> text) for a test."""
    for name, text in articles.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="session")
def pg_server() -> Iterator[Server]:
    """One real PostgreSQL server for the session (see tests/pgserver.py)."""
    with server() as running:
        yield running


_DATABASES = itertools.count(1)


@pytest.fixture
def pg_url(pg_server: Server) -> str:
    """The URL of a new, empty database of its own for one test."""
    return pg_server.create_database(f"test{next(_DATABASES)}")

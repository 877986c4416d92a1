"""An index in PostgreSQL (``--index postgresql://...``), against a real server the tests start
(tests/pgserver.py): the same hits as a folder index, incremental runs, writers at once, and
errors in one line."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SEEDS, bgsearch, write_articles
from tests.pgserver import Server, caught_up, replica, server

# The seed must-shows of the foundation and ranking issues, and every kind of query.
QUERIES = [
    "tuần tra chung",
    "tuan tra chung",
    "dang uy",
    "Công an",
    "chúng",
    "chung",
    "biên giới",
    '"biên giới" -Trùng',
    '"đồn biên phòng"',
    "tuần OR xã",
    "bien*",
    "tuần~",
    "title:biên",
    "Bộ đội Biên phòng tỉnh phối hợp với lực lượng công an tuần tra bảo vệ biên giới",
]


def _hits(*args: str) -> list[tuple[str, float, list[str]]]:
    run = bgsearch("query", "--json", "-n", "20", *args)
    assert run.exit_code in (0, 1), run.stderr
    return [(r["id"], r["score"], r["copies"]) for r in run.records if r["type"] == "hit"]


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    return Path(shutil.copytree(SEEDS, tmp_path / "seeds"))


def test_the_seeds_rank_the_same_in_postgresql_as_in_a_folder(seeds: Path, pg_url: str) -> None:
    assert bgsearch("index", str(seeds), "--index", "folder").exit_code == 0
    run = bgsearch("index", str(seeds), "--index", pg_url)
    assert run.exit_code == 0, run.stderr
    assert "indexed 5 files into postgresql://" in run.stderr
    for query in QUERIES:
        folder = _hits(query, "--index", "folder")
        assert folder, query
        assert _hits(query, "--index", pg_url) == folder, query
    assert _hits("tuần tra chung", "--index", pg_url)[0][0] == "003_e1e0cd69ceee4c10.txt"


def test_people_show_and_similar_read_the_same_articles(seeds: Path, pg_url: str) -> None:
    assert bgsearch("index", str(seeds), "--index", "folder").exit_code == 0
    assert bgsearch("index", str(seeds), "--index", pg_url).exit_code == 0
    for args in (
        ["query", "Công an", "-n", "2"],
        ["show", "003_e1e0cd69ceee4c10.txt"],
        ["show", "003_e1e0cd69ceee4c10"],  # the id without its extension
        ["similar", "003_e1e0cd69ceee4c10.txt", "--json"],
        ["similar", "000_be02ca9d750bc506.txt"],
    ):
        folder = bgsearch(*args, "--index", "folder")
        database = bgsearch(*args, "--index", pg_url)
        assert database.exit_code == 0, database.stderr
        assert database.stdout == folder.stdout
    missing = bgsearch("show", "003_e1e0cd69ceee4c1.txt", "--index", pg_url)
    assert missing.exit_code == 1
    assert "no article with id '003_e1e0cd69ceee4c1.txt'" in missing.stderr
    assert "closest: 003_e1e0cd69ceee4c10.txt" in missing.stderr


def test_did_you_mean_reads_the_database_as_a_folder(seeds: Path, pg_url: str) -> None:
    assert bgsearch("index", str(seeds), "--index", "folder").exit_code == 0
    assert bgsearch("index", str(seeds), "--index", pg_url).exit_code == 0
    suggested = 0
    for text in ("tuan tra chung", "Cong AN bien", "tuần tră", "gias vangf", "bien phong", "xyz"):
        folder = bgsearch("query", text, "-n", "1", "--index", "folder")
        database = bgsearch("query", text, "-n", "1", "--index", pg_url)
        assert (database.stdout, database.stderr) == (folder.stdout, folder.stderr), text
        suggested += "Did you mean" in folder.stderr
    assert suggested >= 3


def test_re_runs_follow_the_files(tmp_path: Path, pg_url: str) -> None:
    docs = write_articles(
        tmp_path / "docs",
        {"a.txt": "Tuần tra\nTuần tra biên giới.", "b.txt": "Chợ\nGiá rau tăng.", "c.txt": "X\nY"},
    )
    assert "indexed 3 files" in bgsearch("index", str(docs), "--index", pg_url).stderr
    again = bgsearch("index", str(docs), "--index", pg_url)
    assert "indexed 0 files (3 unchanged, 0 removed)" in again.stderr
    (docs / "b.txt").write_text("Chợ\nTuần tra chợ đêm.", encoding="utf-8")
    (docs / "c.txt").unlink()
    changed = bgsearch("index", str(docs), "--index", pg_url)
    assert "indexed 1 file (1 unchanged, 1 removed)" in changed.stderr
    assert sorted(h[0] for h in _hits("tuần tra", "--index", pg_url)) == ["a.txt", "b.txt"]
    assert _hits("rau", "--index", pg_url) == []
    assert _hits("y", "--index", pg_url) == []


def test_two_runs_at_once_both_land_with_nothing_lost_or_twice(tmp_path: Path, pg_url: str) -> None:
    shared = {f"shared/{i:03}.txt": f"Tin {i}\nTuần tra biên giới số {i}." for i in range(60)}
    own = {f"own/{i:03}.txt": f"Tin riêng {i}\nChợ phiên số {i}." for i in range(60)}
    write_articles(tmp_path / "one", shared | {k: v for k, v in own.items() if k < "own/030"})
    write_articles(tmp_path / "two", shared | {k: v for k, v in own.items() if k >= "own/030"})
    _at_once(pg_url, tmp_path / "one", tmp_path / "two")
    import psycopg

    with psycopg.connect(pg_url) as conn:
        ids = [i for (i,) in conn.execute("SELECT id FROM bgsearch_documents")]
        files = conn.execute("SELECT count(*) FROM bgsearch_files").fetchone()
        postings = conn.execute(
            "SELECT count(*), count(DISTINCT (field, term, docnum)) FROM bgsearch_postings"
        ).fetchone()
    # the second folder's ids carry its name: 60 + 60 shared files, 30 + 30 own
    assert len(ids) == len(set(ids)) == 180
    assert files == (180,)
    assert postings is not None
    assert postings[0] == postings[1]  # no posting written twice
    assert len(_hits("tuần tra", "--index", pg_url, "--all", "-n", "500")) == 120


def test_one_folder_indexed_twice_at_once_is_indexed_once(tmp_path: Path, pg_url: str) -> None:
    docs = write_articles(
        tmp_path / "docs",
        {f"{i:03}.txt": f"Tin {i}\nTuần tra biên giới số {i}." for i in range(80)},
    )
    _at_once(pg_url, docs, docs)
    found = _hits("tuần tra", "--index", pg_url, "--all", "-n", "500")
    assert sorted(h[0] for h in found) == [f"{i:03}.txt" for i in range(80)]


def _at_once(url: str, *folders: Path) -> None:
    """``bgsearch index`` of each folder, in processes of their own started together."""
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "bgsearch", "index", str(folder), "--index", url],
            stderr=subprocess.PIPE,
            text=True,
        )
        for folder in folders
    ]
    for run in runs:
        _, err = run.communicate(timeout=120)
        assert run.returncode == 0, err


def test_a_password_is_never_printed(pg_url: str) -> None:
    url = pg_url.replace("bgsearch@", "bgsearch:s3cret@").replace("127.0.0.1:", "127.0.0.1:1")
    run = bgsearch("query", "x", "--index", url)
    assert run.exit_code == 2
    assert "s3cret" not in run.stderr + run.stdout
    assert run.stderr.startswith("bgsearch: error: cannot connect to postgresql://bgsearch:***@")
    assert len(run.stderr.splitlines()) == 1


def test_a_database_without_an_index_says_so(pg_url: str) -> None:
    run = bgsearch("query", "x", "--index", pg_url)
    assert run.exit_code == 2
    assert run.stderr == (
        "bgsearch: error: no bgsearch index in this database "
        "(run 'bgsearch index DIR --index URL' first)\n"
    )


def test_an_older_schema_is_read_then_upgraded_in_place_by_the_next_index_run(
    seeds: Path, pg_url: str
) -> None:
    import psycopg

    assert bgsearch("index", str(seeds), "--index", pg_url).exit_code == 0
    expected = _hits("tuần tra chung", "--index", pg_url)
    with psycopg.connect(pg_url, autocommit=True) as conn:  # the index as schema 1 left it
        conn.execute("DROP INDEX bgsearch_documents_date")
        conn.execute("UPDATE bgsearch_meta SET value = '1' WHERE key = 'schema'")
    assert _hits("tuần tra chung", "--index", pg_url) == expected  # read as it is
    run = bgsearch("index", str(seeds), "--index", pg_url)
    assert run.exit_code == 0, run.stderr
    assert "bgsearch: note: upgraded the index in postgresql://" in run.stderr
    assert "from schema 1 to 2" in run.stderr
    with psycopg.connect(pg_url) as conn:
        assert conn.execute("SELECT to_regclass('bgsearch_documents_date')").fetchone() != (None,)
        assert conn.execute("SELECT value FROM bgsearch_meta").fetchall() == [("2",)]
    assert _hits("tuần tra chung", "--index", pg_url) == expected
    again = bgsearch("index", str(seeds), "--index", pg_url)
    assert "upgraded" not in again.stderr


def test_an_index_newer_than_this_bgsearch_is_refused(seeds: Path, pg_url: str) -> None:
    import psycopg

    assert bgsearch("index", str(seeds), "--index", pg_url).exit_code == 0
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("UPDATE bgsearch_meta SET value = '9' WHERE key = 'schema'")
    for command in (("query", "tuần tra"), ("index", str(seeds))):
        run = bgsearch(*command, "--index", pg_url)
        assert run.exit_code == 2
        assert run.stderr == (
            "bgsearch: error: the index in this database has schema 9, newer than this"
            " bgsearch reads (2): upgrade bgsearch\n"
        )


def test_filters_date_order_facets_and_stats_match_the_folder(seeds: Path, pg_url: str) -> None:
    assert bgsearch("index", str(seeds), "--index", "folder").exit_code == 0
    assert bgsearch("index", str(seeds), "--index", pg_url).exit_code == 0
    for args in (
        ["query", "biên", "--since", "2020", "--until", "2023-12"],
        ["query", "biên", "--source", "cao bang"],
        ["query", "biên giới", "--sort", "-date"],
        ["query", "biên giới", "--sort", "date", "--source", "biên phòng"],
        ["query", "biên", "--facet", "year"],
        ["query", "tuần tra", "--facet", "source"],
        ["query", "biên", "--source", "nowhere"],
    ):
        folder = bgsearch(*args, "--json", "--index", "folder")
        database = bgsearch(*args, "--json", "--index", pg_url)
        assert (database.exit_code, database.stdout) == (folder.exit_code, folder.stdout), args
        assert database.stderr == folder.stderr, args
    folder_stats = bgsearch("stats", "--json", "--index", "folder").records[0]
    stats = bgsearch("stats", "--json", "--index", pg_url).records[0]
    assert stats.pop("size_bytes") > 0
    folder_stats.pop("size_bytes")
    assert stats == folder_stats


def test_rebuild_replaces_the_index_whole_or_not_at_all(
    tmp_path: Path, seeds: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bgsearch import pgwrite

    extra = write_articles(tmp_path / "extra", {"x.txt": "Tin\nTuần tra chung ngoài khơi."})
    assert bgsearch("index", str(seeds), str(extra), "--index", pg_url).exit_code == 0
    before = _hits("tuần tra chung", "--index", pg_url)
    assert "extra/x.txt" in [h[0] for h in before]
    # interrupted on the third file: undone, the old index answers as before
    real = pgwrite._index_one
    calls = []

    def interrupted(*args: object) -> object:
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(pgwrite, "_index_one", interrupted)
    stopped = bgsearch("index", str(seeds), "--rebuild", "--index", pg_url)
    assert stopped.exit_code == 130
    assert "the rebuild is undone" in stopped.stderr
    assert _hits("tuần tra chung", "--index", pg_url) == before
    monkeypatch.setattr(pgwrite, "_index_one", real)
    # from nothing, nothing is replaced
    empty = tmp_path / "empty"
    empty.mkdir()
    refused = bgsearch("index", str(empty), "--rebuild", "--index", pg_url)
    assert refused.exit_code == 2
    assert "is unchanged" in refused.stderr
    # done: only the seeds, with the ids a first run gives them
    done = bgsearch("index", str(seeds), "--rebuild", "--index", pg_url)
    assert "indexed 5 files" in done.stderr
    assert bgsearch("index", str(seeds), "--index", "folder").exit_code == 0
    for query in QUERIES[:6]:
        assert _hits(query, "--index", pg_url) == _hits(query, "--index", "folder"), query


def test_bgsearch_index_env_names_a_database(
    seeds: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BGSEARCH_INDEX", pg_url)
    assert bgsearch("index", str(seeds)).exit_code == 0
    assert not Path("index").exists()
    assert _hits("tuần tra chung")[0][0] == "003_e1e0cd69ceee4c10.txt"


def test_a_streaming_replica_answers_as_the_primary_does(
    seeds: Path, pg_server: Server, pg_url: str
) -> None:
    database = pg_url.rsplit("/", 1)[1]
    assert bgsearch("index", str(seeds), "--index", pg_url).exit_code == 0
    with replica(pg_server) as standby:
        caught_up(pg_server, standby)
        # libpq's multi-host URL: the first server that is a standby
        hosts = f"127.0.0.1:{pg_server.port},127.0.0.1:{standby.port}"
        reading = f"postgresql://bgsearch@{hosts}/{database}?target_session_attrs=standby"
        import psycopg

        with psycopg.connect(reading) as conn:
            assert conn.execute("SELECT pg_is_in_recovery()").fetchone() == (True,)
        for query in QUERIES:
            assert _hits(query, "--index", reading) == _hits(query, "--index", pg_url), query
        # a new file on the primary reaches the replica's readers
        (seeds / "new.txt").write_text("Tin mới\nTuần tra chung trên sông.", encoding="utf-8")
        assert bgsearch("index", str(seeds), "--index", pg_url).exit_code == 0
        caught_up(pg_server, standby)
        assert "new.txt" in [h[0] for h in _hits("tuần tra chung", "--index", reading)]
        # writing to a replica is refused in one line
        refused = bgsearch("index", str(seeds), "--index", standby.url(database))
        assert refused.exit_code == 2
        assert refused.stderr.startswith("bgsearch: error: PostgreSQL: ")
        assert "read-only" in refused.stderr
        assert len(refused.stderr.splitlines()) == 1


def test_a_url_of_another_kind_is_refused_not_taken_for_a_folder() -> None:
    for url in ("postgressql://me@host/db", "http://host/index"):
        run = bgsearch("query", "x", "--index", url)
        assert run.exit_code == 2
        assert run.stderr.startswith("bgsearch: error: --index takes a folder or a postgresql://")
    assert not Path("postgressql:").exists()


def test_without_the_driver_the_extra_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)  # import psycopg now fails
    run = bgsearch("query", "x", "--index", "postgresql://me@127.0.0.1:1/news")
    assert run.exit_code == 2
    assert run.stderr == (
        "bgsearch: error: an index in PostgreSQL needs the psycopg driver: "
        "pip install 'bgsearch[postgres]'\n"
    )


def test_postings_sharded_over_two_servers_rank_as_one_index(seeds: Path, pg_url: str) -> None:
    assert bgsearch("index", str(seeds), "--index", "folder").exit_code == 0
    with server() as one, server() as two:
        # the postings (nearly all of an index) hash-sharded over two servers by postgres_fdw;
        # the coordinator keeps the documents and the manifest
        # a shard's URL mistyped: one line, exit 2, and nothing created anywhere
        typo = [
            sys.executable,
            "-m",
            "bgsearch.pgshard",
            pg_url,
            one.url(),
            "postgresql://me:secret@127.0.0.1:1/x",
        ]
        done = subprocess.run(typo, capture_output=True, text=True, check=False)
        assert (done.returncode, done.stderr.count("\n")) == (2, 1), done.stderr
        assert "cannot connect to postgresql://me:***@127.0.0.1:1/x" in done.stderr
        import psycopg

        for url in (pg_url, one.url()):
            with psycopg.connect(url) as conn:
                found = conn.execute("SELECT to_regclass('bgsearch_postings')").fetchone()
                assert found == (None,), url
        command = [sys.executable, "-m", "bgsearch.pgshard", pg_url, one.url(), two.url()]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr
        assert "hash-sharded over 2 servers" in done.stdout
        # the command again: one line, exit 2, nothing changed
        again = subprocess.run(command, capture_output=True, text=True, check=False)
        assert (again.returncode, again.stderr.count("\n")) == (2, 1), again.stderr
        assert "already holds" in again.stderr
        run = bgsearch("index", str(seeds), "--index", pg_url)
        assert run.exit_code == 0, run.stderr
        held = []
        for shard in (one, two):
            with psycopg.connect(shard.url()) as conn:
                row = conn.execute("SELECT count(*) FROM bgsearch_postings").fetchone()
                held.append(row[0] if row else 0)
        assert min(held) > 0.3 * sum(held)  # both shards hold a fair share
        # term statistics are read through the coordinator: global, so the same ranking
        for query in QUERIES:
            assert _hits(query, "--index", pg_url) == _hits(query, "--index", "folder"), query
        # re-runs delete and write through the shards too; a deleted document leaves the
        # statistics at once (a folder index counts it until Whoosh merges its segment: the
        # same ranking as a folder built afresh)
        (seeds / "003_e1e0cd69ceee4c10.txt").unlink()
        assert "1 removed" in bgsearch("index", str(seeds), "--index", pg_url).stderr
        assert bgsearch("index", str(seeds), "--index", "folder", "--rebuild").exit_code == 0
        assert _hits("tuần tra chung", "--index", pg_url) == _hits(
            "tuần tra chung", "--index", "folder"
        )


def test_ctrl_c_keeps_the_files_done(
    tmp_path: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bgsearch import pgwrite

    docs = write_articles(tmp_path / "docs", {f"{i}.txt": f"Tin {i}\nTuần tra." for i in range(5)})
    real = pgwrite._index_one
    calls = []

    def interrupted(*args: object) -> object:
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt  # Ctrl-C while the third file is written
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(pgwrite, "_index_one", interrupted)
    run = bgsearch("index", str(docs), "--index", pg_url)
    assert run.exit_code == 130
    assert run.stderr.startswith("bgsearch: interrupted: 2 of 5 files done and kept in ")
    monkeypatch.setattr(pgwrite, "_index_one", real)
    again = bgsearch("index", str(docs), "--index", pg_url)
    assert "indexed 3 files (2 unchanged, 0 removed)" in again.stderr

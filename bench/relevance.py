"""Ranking quality on human questions, against SQLite FTS5 and tantivy built in the same run.

    python bench/relevance.py --eval ../shared/eval --corpus ../shared/corpus/vi-news-38k.tar.gz

Two sets, described in the eval folder's README:

* ``vicov``: long conversational questions (UIT-ViCoV19QA) over 4,439 answer texts;
* ``known-item``: two-to-four-word news queries over 5,000 corpus articles.

Every query runs twice, as typed (``query``) and without diacritics (``query_ascii``), and is
scored by MRR@10, Recall@10 and nDCG@10. The baselines:

* SQLite FTS5, ``unicode61 remove_diacritics 2`` (``đ`` folded to ``d`` beforehand on both sides,
  since FTS5 never folds it), the question's tokens joined by OR, ranked by ``bm25()``;
* tantivy-py, simple tokenizer + lowercase + ascii folding, the tokens joined by OR, BM25;
* ``two-field``: the strongest simple baseline a search engineer would set up, in tantivy:
  BM25 over an exact-syllable field and a folded-syllable field (title and body together,
  terms from bgsearch's own analysis), scores summed, the exact field queried only when the
  query has accents.
* ``bgsearch-postgres`` (with ``--postgres URL``): bgsearch with its index in PostgreSQL, each
  set loaded into a new database on that server: it must rank as the folder index does.

The table has a row per set, kind and typing (accents / no accents) and a column per engine.

The data is read from the folders given; nothing of it is stored in the repository.
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import random
import re
import shutil
import sqlite3
import sys
import tarfile
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from bgsearch.documents import Document, Skip, discover, read_document
from bgsearch.index import build_index
from bgsearch.ranking import RANKING, Ranking
from bgsearch.search import Searcher

K = 10
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Question:
    qid: str
    text: str
    ascii: str
    relevant: frozenset[str]
    kind: str


# --- data --------------------------------------------------------------------------------------


def unpack(archive: Path, into: Path, members: set[str] | None = None) -> Path:
    """Extract a .tar.gz (all of it, or only ``members`` by file stem) and return its top folder."""
    with tarfile.open(archive) as tar:
        chosen = [
            m
            for m in tar.getmembers()
            if m.isfile() and (members is None or Path(m.name).stem in members)
        ]
        tar.extractall(into, members=chosen, filter="data")
    tops = {Path(m.name).parts[0] for m in chosen}
    return into / tops.pop()


def link_subset(source: Path, ids: Iterable[str], into: Path) -> Path:
    """A folder of links to ``source/<id>.txt``: exactly the documents a set indexes."""
    into.mkdir(parents=True, exist_ok=True)
    for doc_id in ids:
        (into / f"{doc_id}.txt").symlink_to((source / f"{doc_id}.txt").resolve())
    return into


def load_questions(path: Path) -> list[Question]:
    questions = []
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        questions.append(
            Question(
                row["qid"],
                row["query"],
                row["query_ascii"],
                frozenset(row["relevant"]),
                row.get("kind", "all"),
            )
        )
    return questions


def documents(folder: Path) -> list[Document]:
    sources, _ = discover([folder], follow_links=True)  # a set is a folder of links
    return [d for d in map(read_document, sources) if not isinstance(d, Skip)]


# --- engines -----------------------------------------------------------------------------------

Ranker = Callable[[str], list[str]]


def bgsearch_engine(folder: Path, work: Path, ranking: Ranking) -> Ranker:
    index_dir = work / "bgsearch-index"
    if not index_dir.exists():
        build_index([folder], index_dir, follow_links=True)  # the set is a folder of links
    searcher = Searcher(index_dir, ranking)

    def rank(query: str) -> list[str]:
        hits = searcher.search(query, K, snippets=False, suggest=False, collapse=False)
        return [Path(h.id).stem for h in hits]

    return rank


def postgres_engine(folder: Path, name: str, server: str, ranking: Ranking) -> Ranker:
    """bgsearch with its index in PostgreSQL: a new database on ``server`` (a URL of a
    database there, such as ``postgresql://me@127.0.0.1:5433/postgres``), loaded afresh."""
    import psycopg
    from psycopg import sql

    from bgsearch.pgsearch import PgSearcher
    from bgsearch.pgwrite import build_pg_index

    database = f"bgsearch_relevance_{name.replace('-', '_')}"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(database)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
    url = f"{server.rsplit('/', 1)[0]}/{database}"
    started = time.perf_counter()
    build_pg_index([folder], url, follow_links=True)  # the set is a folder of links
    print(f"  {name}/bgsearch-postgres: loaded in {time.perf_counter() - started:.0f} s")
    searcher = PgSearcher(url, ranking)

    def rank(query: str) -> list[str]:
        hits = searcher.search(query, K, snippets=False, suggest=False, collapse=False)
        return [Path(h.id).stem for h in hits]

    return rank


def _fts_fold(text: str) -> str:
    return text.replace("đ", "d").replace("Đ", "D")


def fts5_engine(docs: Sequence[Document], work: Path) -> Ranker:
    db = sqlite3.connect(work / "fts5.db")
    db.execute(
        "CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, body,"
        " tokenize = 'unicode61 remove_diacritics 2')"
    )
    db.executemany(
        "INSERT INTO docs VALUES (?, ?, ?)",
        ((Path(d.doc_id).stem, _fts_fold(d.title), _fts_fold(d.body)) for d in docs),
    )
    db.commit()

    def rank(query: str) -> list[str]:
        tokens = _WORD.findall(_fts_fold(query))
        if not tokens:
            return []
        match = " OR ".join(f'"{t}"' for t in tokens)
        rows = db.execute(
            "SELECT id FROM docs WHERE docs MATCH ? ORDER BY bm25(docs) LIMIT ?", (match, K)
        )
        return [r[0] for r in rows]

    return rank


def tantivy_engine(docs: Sequence[Document], work: Path) -> Ranker:
    import tantivy

    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw")
    builder.add_text_field("title", tokenizer_name="fold")
    builder.add_text_field("body", tokenizer_name="fold")
    (work / "tantivy").mkdir()
    index = tantivy.Index(builder.build(), path=str(work / "tantivy"))
    analyzer = (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(40))
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.ascii_fold())
        .build()
    )
    index.register_tokenizer("fold", analyzer)
    writer = index.writer(heap_size=200_000_000)
    for d in docs:
        writer.add_document(tantivy.Document(id=Path(d.doc_id).stem, title=d.title, body=d.body))
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    searcher = index.searcher()

    def rank(query: str) -> list[str]:
        tokens = _WORD.findall(query)
        if not tokens:
            return []
        parsed = index.parse_query(" ".join(tokens), ["title", "body"])
        return [searcher.doc(address)["id"][0] for _, address in searcher.search(parsed, K).hits]

    return rank


def two_field_engine(docs: Sequence[Document], work: Path) -> Ranker:
    import tantivy

    from bgsearch.text import analyze, normalize

    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw")
    builder.add_text_field("exact", tokenizer_name="whitespace")
    builder.add_text_field("folded", tokenizer_name="whitespace")
    schema = builder.build()
    (work / "two-field").mkdir()
    index = tantivy.Index(schema, path=str(work / "two-field"))
    writer = index.writer(heap_size=200_000_000)
    for d in docs:
        terms = analyze(normalize(f"{d.title}\n{d.body}"))
        writer.add_document(
            tantivy.Document(
                id=Path(d.doc_id).stem, exact=" ".join(terms.exact), folded=" ".join(terms.folded)
            )
        )
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    searcher = index.searcher()

    def rank(query: str) -> list[str]:
        terms = analyze(normalize(query))
        clauses = [("folded", t) for t in terms.folded]
        if terms.exact != terms.folded:  # typed with accents
            clauses += [("exact", t) for t in terms.exact]
        if not clauses:
            return []
        parsed = tantivy.Query.boolean_query(
            [(tantivy.Occur.Should, tantivy.Query.term_query(schema, f, t)) for f, t in clauses]
        )
        return [searcher.doc(address)["id"][0] for _, address in searcher.search(parsed, K).hits]

    return rank


# --- metrics -----------------------------------------------------------------------------------


def scores(ranked: list[str], relevant: frozenset[str]) -> tuple[float, float, float]:
    """MRR@K, Recall@K and nDCG@K (binary relevance) of one ranking."""
    top = ranked[:K]
    first = next((i for i, d in enumerate(top, 1) if d in relevant), None)
    mrr = 1 / first if first else 0.0
    recall = len(relevant.intersection(top)) / len(relevant)
    dcg = sum(1 / math.log2(i + 1) for i, d in enumerate(top, 1) if d in relevant)
    ideal = sum(1 / math.log2(i + 1) for i in range(1, min(len(relevant), K) + 1))
    return mrr, recall, dcg / ideal


def evaluate(
    rank: Ranker, questions: Sequence[Question], field: str
) -> dict[str, tuple[float, float, float]]:
    """Mean scores by question kind (and "all")."""
    sums: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0, 0.0])
    for q in questions:
        result = scores(rank(q.text if field == "query" else q.ascii), q.relevant)
        for kind in {"all", q.kind}:
            bucket = sums[kind]
            for i, value in enumerate(result):
                bucket[i] += value
            bucket[3] += 1
    return {k: (v[0] / v[3], v[1] / v[3], v[2] / v[3]) for k, v in sums.items()}


# --- the run -----------------------------------------------------------------------------------


def make_engine(
    engine: str,
    folder: Path,
    docs: Sequence[Document],
    work: Path,
    ranking: Ranking,
    *,
    postgres: str | None = None,
) -> Ranker:
    work.mkdir(parents=True, exist_ok=True)
    if engine == "bgsearch":
        return bgsearch_engine(folder, work, ranking)
    if engine == "bgsearch-postgres":
        if not postgres:
            raise SystemExit("bgsearch-postgres needs --postgres URL (a server to load into)")
        return postgres_engine(folder, work.parent.name, postgres, ranking)
    shutil.rmtree(work, ignore_errors=True)  # the baselines are always built afresh
    work.mkdir(parents=True)
    if engine == "fts5":
        return fts5_engine(docs, work)
    if engine == "two-field":
        return two_field_engine(docs, work)
    return tantivy_engine(docs, work)


def run_set(
    name: str,
    folder: Path,
    questions: list[Question],
    *,
    work: Path,
    engines: list[str],
    ranking: Ranking,
    postgres: str | None = None,
) -> list[str]:
    """A table of MRR@10 for one set: a row per kind and typing, a column per engine; then
    Recall@10 and nDCG@10 over all its questions."""
    docs = documents(folder)
    kinds = ["all", *sorted({q.kind for q in questions} - {"all"})]
    if len(kinds) == 2:
        kinds = ["all"]
    results: dict[tuple[str, str], dict[str, tuple[float, float, float]]] = {}
    for engine in engines:
        started = time.perf_counter()
        rank = make_engine(engine, folder, docs, work / engine, ranking, postgres=postgres)
        for field in ("query", "query_ascii"):
            results[engine, field] = evaluate(rank, questions, field)
        print(f"  {name}/{engine}: {time.perf_counter() - started:.0f} s", file=sys.stderr)
    lines = [
        f"### {name}: {len(questions):,} questions, {len(docs):,} documents, MRR@10",
        "",
        "| kind | typed as | questions | " + " | ".join(engines) + " |",
        "|---|---|---|" + "---|" * len(engines),
    ]
    counts = {k: sum(1 for q in questions if k in ("all", q.kind)) for k in kinds}
    for kind in kinds:
        for field in ("query", "query_ascii"):
            typed = "accents" if field == "query" else "no accents"
            cells = " | ".join(f"{results[e, field][kind][0]:.3f}" for e in engines)
            lines.append(f"| {kind} | {typed} | {counts[kind]} | {cells} |")
    lines += ["", "| engine | typed as | Recall@10 | nDCG@10 |", "|---|---|---|---|"]
    for engine in engines:
        for field in ("query", "query_ascii"):
            _, recall, ndcg = results[engine, field]["all"]
            typed = "accents" if field == "query" else "no accents"
            lines.append(f"| {engine} | {typed} | {recall:.3f} | {ndcg:.3f} |")
    return [*lines, ""]


def prepare_set(name: str, eval_dir: Path, corpus: Path, work: Path) -> tuple[Path, list[Question]]:
    """The folder of documents a set indexes (made once under ``work``) and its questions."""
    data = work / f"{name}-docs"
    if name == "vicov":
        questions = load_questions(eval_dir / "vicov19qa-dev.jsonl")
        if data.exists():
            return next(data.iterdir()), questions
        return unpack(eval_dir / "vicov19qa-docs.tar.gz", data), questions
    questions = load_questions(eval_dir / "known-item-dev.jsonl")
    if not data.exists():
        ids = (eval_dir / "known-item-docs.txt").read_text(encoding="utf-8").split()
        if corpus.is_file():
            corpus = unpack(corpus, work / "corpus", set(ids))
        link_subset(corpus, ids, data)
    return data, questions


def knob(current: float, text: str) -> float:
    """A knob's value from the command line, of the type the knob already has."""
    if isinstance(current, bool):  # bool("0") is True
        return text.lower() in ("1", "true", "yes")
    return type(current)(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--eval", type=Path, required=True, help="the eval folder")
    parser.add_argument(
        "--corpus", type=Path, required=True, help="vi-news-38k.tar.gz or its unpacked folder"
    )
    parser.add_argument("--sets", default="vicov,known-item")
    parser.add_argument("--engines", default="bgsearch,two-field,fts5,tantivy")
    parser.add_argument("--sample", type=int, default=0, help="score N random questions per set")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KNOB=VALUE",
        help="override a ranking knob (bgsearch/ranking.py) for this run",
    )
    parser.add_argument(
        "--work", type=Path, help="keep data and bgsearch indexes here between runs (tuning)"
    )
    parser.add_argument(
        "--postgres",
        metavar="URL",
        help="for the bgsearch-postgres engine: a database on a server where sets are loaded "
        "into databases of their own (postgresql://me@127.0.0.1:5433/postgres)",
    )
    args = parser.parse_args()
    overrides: dict[str, Any] = {
        k: knob(getattr(RANKING, k), v) for k, v in (s.split("=") for s in args.set)
    }
    ranking = replace(RANKING, **overrides)

    out = [
        f"## Relevance, {time.strftime('%Y-%m-%d')}",
        "",
        f"`python bench/relevance.py` on {platform.machine()}, Python {platform.python_version()}"
        f"{f', a seeded sample of {args.sample} questions per set' if args.sample else ''}"
        f"{f', with {overrides}' if overrides else ''}.",
        "",
    ]
    engines = args.engines.split(",")
    with tempfile.TemporaryDirectory(prefix="bgsearch-relevance-") as tmp:
        work = args.work or Path(tmp)
        for name in args.sets.split(","):
            folder, questions = prepare_set(name, args.eval, args.corpus, work)
            if args.sample:
                questions = random.Random(13).sample(questions, min(args.sample, len(questions)))
            out += run_set(
                name,
                folder,
                questions,
                work=work / name,
                engines=engines,
                ranking=ranking,
                postgres=args.postgres,
            )
    print("\n".join(out))


if __name__ == "__main__":
    main()

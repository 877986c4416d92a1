"""Index article files into PostgreSQL: the same files, documents and terms as a folder index.

The manifest rules are :mod:`bgsearch.index`'s (a file whose size and modification time are
unchanged is not read; one whose content is unchanged is not re-indexed; documents of files
gone from the folders given are removed), with one difference that PostgreSQL makes possible:
each file is written in a transaction of its own, its documents, postings and manifest row
together, under a lock on the file's id. So any number of runs may write at once (their files
never half-written, never twice), and a run that is killed keeps every file it finished.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bgsearch.errors import InterruptedRunError, NothingToIndexError
from bgsearch.index import IndexReport, Progress, document_fields, read_bytes, unreadable
from bgsearch.manifest import Entry, Manifest, file_hash
from bgsearch.pgstore import (
    FIELD_CODES,
    POSITIONAL,
    SCHEMA_VERSION,
    connect,
    ensure_schema,
    redacted,
)
from bgsearch.store import BODY_FOLDED, TITLE_FOLDED

if TYPE_CHECKING:
    import psycopg

    from bgsearch.documents import Document, Skip, Source

__all__ = ["build_pg_index"]

# What a rebuild empties first (statements written out: nothing is formatted into SQL).
_EMPTY = {
    "postings": "DELETE FROM bgsearch_postings",
    "documents": "DELETE FROM bgsearch_documents",
    "files": "DELETE FROM bgsearch_files",
    "roots": "DELETE FROM bgsearch_roots",
}


def build_pg_index(
    paths: Sequence[Path],
    url: str,
    *,
    rebuild: bool = False,
    encoding: str | None = None,
    progress: Progress | None = None,
    follow_links: bool = False,
) -> IndexReport:
    """Index every article file under ``paths`` into the database at ``url``.

    With ``rebuild``, the index is replaced whole in one transaction: readers see the old one
    until the new one is committed, and an interrupted rebuild leaves the old one as it was.
    """
    with connect(url) as conn:
        before = ensure_schema(conn, create=True)
        if not rebuild:
            report = _run(conn, paths, url, encoding, progress, follow_links, rebuild=False)
        else:
            with conn.transaction():
                try:
                    report = _run(conn, paths, url, encoding, progress, follow_links, rebuild=True)
                except InterruptedRunError:
                    raise InterruptedRunError(
                        f"interrupted: the rebuild is undone; {redacted(url)} is unchanged"
                    ) from None
    if before != SCHEMA_VERSION:
        report = replace(report, upgraded=(before, SCHEMA_VERSION))
    return report


def _run(  # noqa: PLR0917 - the run's settings, passed on as they came
    conn: psycopg.Connection[Any],
    paths: Sequence[Path],
    url: str,
    encoding: str | None,
    progress: Progress | None,
    follow_links: bool,
    *,
    rebuild: bool,
) -> IndexReport:
    from bgsearch.documents import Document, discover

    started = time.monotonic()
    progress = progress or Progress()
    passed: Counter[str] = Counter()
    if rebuild:
        sources, _ = discover(paths, follow_links=follow_links)
        if not sources:  # from nothing, a rebuild would only empty the index
            raise NothingToIndexError(
                "nothing to index in "
                + ", ".join(str(p) for p in paths)
                + f"; {redacted(url)} is unchanged"
            )
        for table in ("postings", "documents", "files", "roots"):
            conn.execute(_EMPTY[table])
    with conn.transaction():
        # each folder's id prefix is chosen once: runs at once take turns choosing
        conn.execute("SELECT pg_advisory_xact_lock(hashtext('bgsearch roots'))")
        known = _manifest(conn)
        sources, skipped = discover(
            paths, follow_links=follow_links, prefix=known.prefix, passed=passed
        )
        _save_roots(conn, known.roots)
    roots = {s.root for s in sources} | {str(p.resolve()) for p in paths if p.is_dir()}
    pending = [s for s in sources if not _unchanged(s, known)]
    unchanged = len(sources) - len(pending)
    indexed = documents = removed = 0
    truncated: list[str] = []
    progress.start(len(pending))
    for done, source in enumerate(pending):
        try:
            outcome = _index_one(conn, source, known, encoding)
        except KeyboardInterrupt:  # the file at hand rolls back; those before it stay
            raise InterruptedRunError(
                f"interrupted: {done:,} of {len(pending):,} files done and kept in "
                f"{redacted(url)}; run the same command again to index the rest"
            ) from None
        if isinstance(outcome, tuple):
            written, parts = outcome
            indexed += bool(written)
            unchanged += not written
            documents += written
            for part in parts:
                if isinstance(part, Document):
                    truncated += [part.path] if part.truncated else []
                else:
                    skipped.append(part)
        else:
            skipped.append(outcome)
        progress.advance()
    present = {s.doc_id for s in sources}
    for file_id in known.gone(roots, present):
        removed += _remove_file(conn, file_id)
    progress.finishing()
    return IndexReport(
        redacted(url),
        indexed,
        skipped,
        time.monotonic() - started,
        unchanged=unchanged,
        removed=removed,
        documents=documents,
        truncated=truncated,
        passed_over=dict(passed),
    )


def _manifest(conn: psycopg.Connection[Any]) -> Manifest:
    entries = {
        file_id: Entry(root, size, mtime_ns, sha256, tuple(docs))
        for file_id, root, size, mtime_ns, sha256, docs in conn.execute(
            "SELECT file_id, root, size, mtime_ns, sha256, docs FROM bgsearch_files"
        )
    }
    roots = dict(conn.execute("SELECT root, prefix FROM bgsearch_roots").fetchall())
    return Manifest(entries, roots)


def _save_roots(conn: psycopg.Connection[Any], roots: dict[str, str]) -> None:
    with conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO bgsearch_roots VALUES (%s, %s) ON CONFLICT (root) DO NOTHING",
            sorted(roots.items()),
        )


def _unchanged(source: Source, known: Manifest) -> bool:
    try:
        return known.unchanged(source.doc_id, source.root, source.path.stat())
    except OSError:
        return False


def _index_one(
    conn: psycopg.Connection[Any], source: Source, known: Manifest, encoding: str | None
) -> tuple[int, list[Document | Skip]] | Skip:
    """Write one file: (documents written, the file's parts), or why it was skipped."""
    from bgsearch.documents import RECORD_FILES, Document, Skip, decode_file, text_path

    file_id = source.doc_id
    try:
        stat = source.path.stat()
        records = source.path.suffix.lower() in RECORD_FILES
        if problem := unreadable(stat, records):
            return Skip(text_path(source.path), problem)
        raw = read_bytes(source.path, whole=records)
    except OSError as error:
        return Skip(text_path(source.path), error.strerror or type(error).__name__)
    digest = file_hash(raw)
    if known.same_content(file_id, source.root, digest):
        conn.execute(
            "UPDATE bgsearch_files SET size = %s, mtime_ns = %s WHERE file_id = %s",
            (stat.st_size, stat.st_mtime_ns, file_id),
        )
        return 0, []
    parts = decode_file(source, raw, encoding)
    found = [p for p in parts if isinstance(p, Document)]
    if not found:
        _remove_file(conn, file_id)
        first = parts[0]
        assert isinstance(first, Skip)
        return first
    new_ids = [d.doc_id for d in found]
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (file_id,))
        old = conn.execute(
            "SELECT docs FROM bgsearch_files WHERE file_id = %s", (file_id,)
        ).fetchone()
        stale = set(old[0] or [file_id]) if old else set()
        _delete_documents(conn, stale | set(new_ids))
        for document in found:
            _insert(conn, document_fields(document))
        conn.execute(
            """INSERT INTO bgsearch_files VALUES (%s, %s, %s, %s, %s, %s)
               ON CONFLICT (file_id) DO UPDATE SET root = EXCLUDED.root, size = EXCLUDED.size,
               mtime_ns = EXCLUDED.mtime_ns, sha256 = EXCLUDED.sha256, docs = EXCLUDED.docs""",
            (
                file_id,
                source.root,
                stat.st_size,
                stat.st_mtime_ns,
                digest,
                new_ids if new_ids != [file_id] else [],
            ),
        )
    return len(found), parts


def _remove_file(conn: psycopg.Connection[Any], file_id: str) -> int:
    """Remove a file's documents and its manifest row; how many documents went."""
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (file_id,))
        row = conn.execute(
            "DELETE FROM bgsearch_files WHERE file_id = %s RETURNING docs", (file_id,)
        ).fetchone()
        if row is None:
            return 0
        return _delete_documents(conn, set(row[0] or [file_id]))


def _delete_documents(conn: psycopg.Connection[Any], ids: Iterable[str]) -> int:
    gone = [
        d
        for (d,) in conn.execute(
            "DELETE FROM bgsearch_documents WHERE id = ANY(%s) RETURNING docnum", (sorted(ids),)
        )
    ]
    if gone:
        conn.execute("DELETE FROM bgsearch_postings WHERE docnum = ANY(%s)", (gone,))
    return len(gone)


def _insert(conn: psycopg.Connection[Any], fields: dict[str, str | None]) -> None:
    """One document: its stored fields, lengths and postings (positions for folded fields)."""
    title_terms = (fields[TITLE_FOLDED] or "").split()
    body_terms = (fields[BODY_FOLDED] or "").split()
    (docnum,) = conn.execute(  # type: ignore[misc]
        """INSERT INTO bgsearch_documents VALUES (nextval('bgsearch_docnum'),
           %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING docnum""",
        (
            fields["id"],
            fields["path"],
            fields["title"],
            fields["body"],
            fields["date"],
            fields["source"],
            fields["url"],
            fields["copies"],
            len(title_terms),
            len(body_terms),
        ),
    ).fetchone()
    # one statement of arrays: on a sharded index, postgres_fdw sends the rows of an INSERT
    # to each shard in batches (``batch_size``), where a COPY would send them one by one
    codes: list[int] = []
    terms_of: list[str] = []
    counts: list[float] = []
    spots_of: list[str] = []
    for name, code in FIELD_CODES.items():
        terms = (fields[name] or "").split()
        if name in POSITIONAL:
            places: dict[str, list[int]] = {}
            for position, term in enumerate(terms):
                places.setdefault(term, []).append(position)
            for term, spots in places.items():
                codes.append(code)
                terms_of.append(term)
                counts.append(float(len(spots)))
                spots_of.append('"{' + ",".join(map(str, spots)) + '}"')
        else:
            for term, count in Counter(terms).items():
                codes.append(code)
                terms_of.append(term)
                counts.append(float(count))
                spots_of.append("NULL")
    conn.execute(
        """INSERT INTO bgsearch_postings (field, term, docnum, frequency, positions)
           SELECT f, t, %s, n, p::integer[]
           FROM unnest(%s::smallint[], %s::text[], %s::real[], %s::text[]) AS u(f, t, n, p)""",
        (
            docnum,
            # the arrays as literals: psycopg adapts a list element by element in Python
            # (about 7 ms a document here); a string is passed as it is
            "{" + ",".join(map(str, codes)) + "}",
            "{" + ",".join(map(_quoted, terms_of)) + "}",
            "{" + ",".join(map(str, counts)) + "}",
            "{" + ",".join(spots_of) + "}",
        ),
    )


def _quoted(term: str) -> str:
    """``term`` as an element of an array literal (any character is safe quoted so)."""
    return '"' + term.replace("\\", "\\\\").replace('"', '\\"') + '"'

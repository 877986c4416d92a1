"""An index in PostgreSQL: connecting, the schema and its version, and the table of term fields.

The same index as a folder's, in tables: every document's stored fields and field lengths, and
a row per (field, term, document) posting, the terms made by bgsearch's own analysis (never a
PostgreSQL dictionary), so that both backends rank alike (see :mod:`bgsearch.pgread`). The
manifest (what each file was when indexed) is a table too, written in the same transaction as
the file's documents: a file is indexed whole or not at all, and writers never disagree with
it. Many ``bgsearch index`` runs may write at once; each file is locked while it is written.

Imported only when ``--index`` is a ``postgresql://`` URL: psycopg is an extra
(``pip install 'bgsearch[postgres]'``). Every value is passed as a parameter; every statement
runs under a timeout; a password is never printed.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from bgsearch.errors import BgsearchError

if TYPE_CHECKING:
    import psycopg

__all__ = [
    "FIELD_CODES",
    "MIGRATIONS",
    "POSTINGS_COLUMNS",
    "POSTINGS_INDEXES",
    "READABLE",
    "SCHEMA_VERSION",
    "connect",
    "ensure_schema",
    "redacted",
]

# The schema: a new database gets the latest (SCHEMA), an older one is brought up to it by
# its writer, step by step (MIGRATIONS[n] takes n to n + 1, in the same transaction); readers
# read the versions in READABLE as they are (a migration that only adds an index keeps the
# old one readable).
SCHEMA_VERSION = 2
READABLE = frozenset({1, 2})
MIGRATIONS: dict[int, tuple[str, ...]] = {
    # 1 -> 2: date filters and date order read an index of dates
    1: ("CREATE INDEX IF NOT EXISTS bgsearch_documents_date ON bgsearch_documents (date)",),
}
STATEMENT_TIMEOUT_MS = 120_000  # a statement that runs longer is cancelled
CONNECT_TIMEOUT_S = 10

# Term fields as small numbers in the postings table (their names are store.py's).
FIELD_CODES = {
    "title_exact": 1,
    "title_folded": 2,
    "body_exact": 3,
    "body_folded": 4,
    "title_pairs": 5,
    "body_pairs": 6,
    "copies": 7,
}
POSITIONAL = frozenset({"title_folded", "body_folded"})  # phrases read their positions

# The postings table, here and on the shards of a sharded index (see :mod:`bgsearch.pgshard`).
POSTINGS_COLUMNS = (
    "field smallint NOT NULL, term text NOT NULL, docnum integer NOT NULL,"
    " frequency real NOT NULL, positions integer[]"
)
POSTINGS_INDEXES = (
    "CREATE INDEX IF NOT EXISTS bgsearch_postings_term"
    " ON bgsearch_postings (field, term) INCLUDE (docnum, frequency)",
    "CREATE INDEX IF NOT EXISTS bgsearch_postings_docnum ON bgsearch_postings (docnum)",
)

SCHEMA = [
    """CREATE TABLE IF NOT EXISTS bgsearch_meta (key text PRIMARY KEY, value text NOT NULL)""",
    """CREATE SEQUENCE IF NOT EXISTS bgsearch_docnum MINVALUE 0 START 0""",
    """CREATE TABLE IF NOT EXISTS bgsearch_documents (
        docnum integer PRIMARY KEY,
        id text NOT NULL UNIQUE,
        path text NOT NULL,
        title text NOT NULL,
        body text NOT NULL,
        date text,
        source text,
        url text,
        copies text,
        title_length integer NOT NULL,
        body_length integer NOT NULL
    )""",
    f"CREATE TABLE IF NOT EXISTS bgsearch_postings ({POSTINGS_COLUMNS})",
    *POSTINGS_INDEXES,
    """CREATE INDEX IF NOT EXISTS bgsearch_documents_date ON bgsearch_documents (date)""",
    """CREATE TABLE IF NOT EXISTS bgsearch_files (
        file_id text PRIMARY KEY,
        root text NOT NULL,
        size bigint NOT NULL,
        mtime_ns bigint NOT NULL,
        sha256 text NOT NULL,
        docs text[] NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS bgsearch_roots (root text PRIMARY KEY, prefix text NOT NULL)""",
]


_PASSWORD = re.compile(r"(://[^:/@]*):[^@/]*@")


def redacted(url: str) -> str:
    """``url`` with any password replaced by ``***``: what messages show."""
    return _PASSWORD.sub(r"\1:***@", url)


def connect(url: str) -> psycopg.Connection[Any]:
    """A connection to ``url`` (libpq's: multi-host, ``target_session_attrs``, ``PGPASSWORD``
    and ``.pgpass`` work), every statement under a timeout; or one clear error."""
    try:
        import psycopg
    except ImportError as error:
        raise BgsearchError(
            "an index in PostgreSQL needs the psycopg driver: pip install 'bgsearch[postgres]'"
        ) from error
    try:
        return psycopg.connect(
            url,
            connect_timeout=CONNECT_TIMEOUT_S,
            options=f"-c statement_timeout={STATEMENT_TIMEOUT_MS}",
            autocommit=True,
        )
    except psycopg.Error as error:
        lines = [line.strip() for line in str(error).splitlines() if line.strip()]
        reason = lines[0].removeprefix("connection failed: ") if lines else type(error).__name__
        raise BgsearchError(f"cannot connect to {redacted(url)}: {redacted(reason)}") from error


def ensure_schema(conn: psycopg.Connection[Any], create: bool) -> int:
    """Check the database holds a bgsearch index this version reads; with ``create`` (a
    writer), make one where there is none and bring an older one up to date in place
    (:data:`MIGRATIONS`, one transaction). Returns the schema version found before. A newer
    index, or one a reader cannot read, is refused with what to do."""
    import psycopg

    try:
        found = _version(conn)
    except psycopg.errors.UndefinedTable:
        found = None
    if found is None:
        if not create:
            raise BgsearchError(
                "no bgsearch index in this database (run 'bgsearch index DIR --index URL' first)"
            )
    elif found > SCHEMA_VERSION:
        raise BgsearchError(
            f"the index in this database has schema {found}, newer than this bgsearch reads"
            f" ({SCHEMA_VERSION}): upgrade bgsearch"
        )
    elif found == SCHEMA_VERSION or (not create and found in READABLE):
        return found
    elif not create:
        raise BgsearchError(
            f"the index in this database has schema {found}; run 'bgsearch index DIR"
            f" --index URL' once to upgrade it to {SCHEMA_VERSION} in place"
        )
    with conn.transaction():
        # one creator or upgrader at a time: two first runs at once would race on CREATE
        conn.execute("SELECT pg_advisory_xact_lock(hashtext('bgsearch schema'))")
        try:
            with conn.transaction():
                now = _version(conn)
        except psycopg.errors.UndefinedTable:
            now = None
        if now is None:
            for statement in SCHEMA:
                conn.execute(statement)  # constant text
            conn.execute("INSERT INTO bgsearch_meta VALUES ('schema', %s)", (str(SCHEMA_VERSION),))
        else:
            for version in range(now, SCHEMA_VERSION):
                for statement in MIGRATIONS[version]:
                    conn.execute(statement)  # constant text
            conn.execute(
                "UPDATE bgsearch_meta SET value = %s WHERE key = 'schema'", (str(SCHEMA_VERSION),)
            )
    return found if found is not None else SCHEMA_VERSION


def _version(conn: psycopg.Connection[Any]) -> int | None:
    row = conn.execute("SELECT value FROM bgsearch_meta WHERE key = 'schema'").fetchone()
    if row is None:
        return None
    try:
        return int(row[0])
    except ValueError:
        raise BgsearchError(
            f"this database's bgsearch_meta says schema {row[0]!r}: not a bgsearch index"
        ) from None

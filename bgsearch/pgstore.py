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
    "POSTINGS_COLUMNS",
    "POSTINGS_INDEXES",
    "SCHEMA_VERSION",
    "connect",
    "ensure_schema",
    "redacted",
]

SCHEMA_VERSION = 1
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


def ensure_schema(conn: psycopg.Connection[Any], create: bool) -> None:
    """Check the database holds a bgsearch index of this version; with ``create``, make one
    where there is none. Another version is refused with what to do."""
    import psycopg

    try:
        found = conn.execute("SELECT value FROM bgsearch_meta WHERE key = 'schema'").fetchone()
    except psycopg.errors.UndefinedTable:
        found = None
    if found is None:
        if not create:
            raise BgsearchError(
                "no bgsearch index in this database (run 'bgsearch index DIR --index URL' first)"
            )
        with conn.transaction():
            # one creator at a time: two first runs at once would race on CREATE
            conn.execute("SELECT pg_advisory_xact_lock(hashtext('bgsearch schema'))")
            for statement in SCHEMA:
                conn.execute(statement)  # constant text
            conn.execute(
                "INSERT INTO bgsearch_meta VALUES ('schema', %s) ON CONFLICT (key) DO NOTHING",
                (str(SCHEMA_VERSION),),
            )
        return
    if found[0] != str(SCHEMA_VERSION):
        raise BgsearchError(
            f"the index in this database has schema {found[0]}; this version of bgsearch "
            f"reads {SCHEMA_VERSION} (re-index into a new database, or drop the bgsearch_ "
            "tables and run 'bgsearch index' again)"
        )

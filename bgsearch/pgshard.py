"""Hash-shard an index's postings over several PostgreSQL servers with ``postgres_fdw``.

The postings are nearly all of an index. Before the first ``bgsearch index`` into it, the
coordinator's database gets ``bgsearch_postings`` as a table partitioned by hash of the
document number, each partition a foreign table on one shard; the coordinator keeps the
documents and the manifest. Ranking reads term statistics through the coordinator, so a
sharded index ranks as one server does (as Elasticsearch's DFS query-then-fetch). The README
shows the same statements, to run by hand, and the command::

    python -m bgsearch.pgshard postgresql://me@coordinator/news postgresql://me@shard0/news ...
"""

from __future__ import annotations

from typing import Any

from bgsearch.errors import BgsearchError
from bgsearch.pgstore import POSTINGS_COLUMNS, POSTINGS_INDEXES, connect, redacted

__all__ = ["main", "shard_postings"]

BATCH_SIZE = 1000


def shard_postings(coordinator: str, shards: list[str]) -> None:
    """Make ``coordinator``'s (empty) database keep its postings on ``shards`` (libpq URLs of
    one database on each server, reached from the coordinator's server as written)."""
    from psycopg import conninfo, sql

    if len(shards) < 2:
        raise BgsearchError("sharding needs at least two shard servers")
    with connect(coordinator) as conn:
        found = conn.execute("SELECT to_regclass('bgsearch_postings')").fetchone()
        if found and found[0] is not None:
            raise BgsearchError(
                f"{redacted(coordinator)} already holds an index: shard an empty database"
            )
    # every shard reachable and empty before anything is created, so a typo changes nothing
    ready = set()  # an empty postings table left by an earlier attempt is used as it is
    for url in shards:
        with connect(url) as conn:
            found = conn.execute("SELECT to_regclass('bgsearch_postings')").fetchone()
            if found and found[0] is not None:
                rows = conn.execute("SELECT EXISTS (SELECT FROM bgsearch_postings)").fetchone()
                if rows and rows[0]:
                    raise BgsearchError(
                        f"{redacted(url)} already holds postings: use an empty database"
                    )
                ready.add(url)
    for url in shards:
        if url in ready:
            continue
        with connect(url) as conn, conn.transaction():
            conn.execute(sql.SQL(f"CREATE TABLE bgsearch_postings ({POSTINGS_COLUMNS})"))
            for statement in POSTINGS_INDEXES:
                conn.execute(sql.SQL(statement))
    with connect(coordinator) as conn, conn.transaction():
        conn.execute("CREATE EXTENSION IF NOT EXISTS postgres_fdw")
        conn.execute(
            sql.SQL(
                f"CREATE TABLE bgsearch_postings ({POSTINGS_COLUMNS}) PARTITION BY HASH (docnum)"
            )
        )
        for n, url in enumerate(shards):
            info: dict[str, Any] = conninfo.conninfo_to_dict(url)
            server = sql.Identifier(f"bgsearch_shard{n}")
            options = {k: str(info[k]) for k in ("host", "port", "dbname") if info.get(k)}
            options["batch_size"] = str(BATCH_SIZE)  # a document's postings in a few trips
            conn.execute(
                sql.SQL("CREATE SERVER {} FOREIGN DATA WRAPPER postgres_fdw OPTIONS ({})").format(
                    server,
                    sql.SQL(", ").join(
                        sql.SQL("{} {}").format(sql.Identifier(k), sql.Literal(v))
                        for k, v in options.items()
                    ),
                )
            )
            mapping = {k: str(info[k]) for k in ("user", "password") if info.get(k)}
            conn.execute(
                sql.SQL("CREATE USER MAPPING FOR CURRENT_USER SERVER {}{}").format(
                    server,
                    sql.SQL(" OPTIONS ({})").format(
                        sql.SQL(", ").join(
                            sql.SQL("{} {}").format(sql.Identifier(k), sql.Literal(v))
                            for k, v in mapping.items()
                        )
                    )
                    if mapping
                    else sql.SQL(""),
                )
            )
            conn.execute(
                sql.SQL(
                    "CREATE FOREIGN TABLE {} PARTITION OF bgsearch_postings FOR VALUES WITH"
                    " (MODULUS {}, REMAINDER {}) SERVER {} OPTIONS (table_name 'bgsearch_postings')"
                ).format(
                    sql.Identifier(f"bgsearch_postings_{n}"),
                    sql.Literal(len(shards)),
                    sql.Literal(n),
                    server,
                )
            )
        # each shard reached from the coordinator's server, as it will be (or nothing is made)
        conn.execute("SELECT count(*) FROM bgsearch_postings")


USAGE = "usage: python -m bgsearch.pgshard COORDINATOR_URL SHARD_URL SHARD_URL [SHARD_URL ...]"


def main(argv: list[str] | None = None) -> int:
    """The command: shard, then say what was done in one line; an error is one line, exit 2."""
    import sys

    args = sys.argv[1:] if argv is None else argv
    if args[:1] in (["-h"], ["--help"]):
        print(USAGE)
        print("Hash-shard the postings of a new index in COORDINATOR_URL over the shards'")
        print("databases (postgres_fdw), before the first `bgsearch index` into it.")
        return 0
    if len(args) < 3 or any(a.startswith("-") for a in args):
        print(USAGE, file=sys.stderr)
        print(
            "bgsearch: error: give the coordinator's URL, then two or more shards' URLs",
            file=sys.stderr,
        )
        return 2
    try:
        shard_postings(args[0], args[1:])
    except BgsearchError as error:
        print(f"bgsearch: error: {error}", file=sys.stderr)
        return 2
    except Exception as error:  # a server refusing a statement: one line, not a traceback
        if not type(error).__module__.startswith("psycopg"):
            raise
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        print(f"bgsearch: error: sharding failed: {redacted(reason)}", file=sys.stderr)
        return 2
    print(
        f"bgsearch: the postings of {redacted(args[0])} are hash-sharded over"
        f" {len(args) - 1} servers; now run bgsearch index into it"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Hash-shard an index's postings over several PostgreSQL servers with ``postgres_fdw``.

The postings are nearly all of an index. Before the first ``bgsearch index`` into it, the
coordinator's database gets ``bgsearch_postings`` as a table partitioned by hash of the
document number, each partition a foreign table on one shard; the coordinator keeps the
documents and the manifest. Ranking reads term statistics through the coordinator, so a
sharded index ranks as one server does (as Elasticsearch's DFS query-then-fetch). The README
shows the same statements, to run by hand.
"""

from __future__ import annotations

from typing import Any

from bgsearch.errors import BgsearchError
from bgsearch.pgstore import POSTINGS_COLUMNS, POSTINGS_INDEXES, connect

__all__ = ["shard_postings"]

BATCH_SIZE = 1000


def shard_postings(coordinator: str, shards: list[str]) -> None:
    """Make ``coordinator``'s (empty) database keep its postings on ``shards`` (libpq URLs of
    one database on each server, reached from the coordinator's server as written)."""
    from psycopg import conninfo, sql

    with connect(coordinator) as conn:
        found = conn.execute("SELECT to_regclass('bgsearch_postings')").fetchone()
        if found and found[0] is not None:
            raise BgsearchError("this database already holds postings: shard an empty one")
    for url in shards:
        with connect(url) as conn:
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

"""The command line: parse arguments, call the core, pick a renderer, map errors to exit codes.

Start-up matters for a tool run once per query: this module imports neither Whoosh nor Rich at
module level (ruff's TID253 keeps it so), and ``--help``, ``--version`` and completion never
load them. Its annotations are objects, not strings (no ``from __future__ import
annotations``): Typer reads every command's signature on each run, and evaluating 160 strings
took 3 ms of the 10 that ``--help`` takes after the imports. Results go to stdout; progress,
summaries, warnings and errors go to stderr.
"""

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from bgsearch import notices
from bgsearch.errors import BgsearchError, ExitStatus, InterruptedRunError, NothingToIndexError
from bgsearch.notices import PROG
from bgsearch.options import (
    AllCopies,
    AsJson,
    DocId,
    IndexDir,
    Limit,
    Since,
    SourceName,
    Until,
    filters,
    location,
    open_searcher,
    queries,
)
from bgsearch.usage import OneLineErrors, PlainUsage, plain_completion_help

if TYPE_CHECKING:
    from bgsearch.search import Hit

DEFAULT_INDEX = "index"

app = typer.Typer(
    name=PROG,
    cls=OneLineErrors,
    no_args_is_help=True,
    rich_markup_mode=None,  # Typer would import Rich for every --help otherwise
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        sys.stdout.write(f"{PROG} {version(PROG)}\n")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    """Full-text search for Vietnamese news articles, typed with or without diacritics.

    Index a folder once (bgsearch index DIR), then query it (bgsearch query "tuần tra").
    Exit status: 0 hits found, 1 no hits, 2 error.
    """


def _run(action: Callable[[], ExitStatus]) -> None:
    """Run a command's core, turning every failure into one line on stderr and a status."""
    try:
        status = action()
    except InterruptedRunError as error:
        sys.stderr.write(f"{PROG}: {error}\n")
        status = ExitStatus.INTERRUPTED
    except BgsearchError as error:
        notices.error(str(error))
        status = ExitStatus.ERROR
    except KeyboardInterrupt:
        sys.stderr.write(f"{PROG}: interrupted\n")
        status = ExitStatus.INTERRUPTED
    except BrokenPipeError:
        # The reader went away (| head): stop quietly, as grep does.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        status = ExitStatus.HITS
    except OSError as error:
        where = f"{error.filename}: " if error.filename else ""
        notices.error(f"{where}{error.strerror or error}")
        status = ExitStatus.ERROR
    except Exception as error:  # the last line of defence: never a traceback
        if os.environ.get("BGSEARCH_DEBUG"):
            raise
        if type(error).__module__.startswith("psycopg"):  # the server said no: its words
            notices.error(f"PostgreSQL: {notices.first_line(error)}")
            raise typer.Exit(int(ExitStatus.ERROR)) from None
        notices.error(
            f"unexpected {type(error).__name__}: {error} (set BGSEARCH_DEBUG=1 for details)"
        )
        status = ExitStatus.ERROR
    raise typer.Exit(int(status))


@app.command("index", cls=PlainUsage)
def index_command(  # noqa: PLR0917 - one parameter per option, as Typer declares them
    paths: Annotated[
        list[Path],
        typer.Argument(
            metavar="PATH...",
            help="Files and folders to index (.txt, .md, .html, .json, .jsonl; recursively).",
        ),
    ],
    index: IndexDir = DEFAULT_INDEX,
    rebuild: Annotated[
        bool, typer.Option("--rebuild", help="Replace the whole index with these files.")
    ] = False,
    encoding: Annotated[
        str | None,
        typer.Option(
            "--encoding",
            metavar="NAME",
            help="Read every file in this encoding (default: UTF-8, UTF-16 by BOM, then "
            "whichever of Windows-1258, VISCII, TCVN3 and VNI reads as Vietnamese).",
        ),
    ] = None,
    wait: Annotated[
        float,
        typer.Option(
            "--wait",
            metavar="SECONDS",
            min=0,
            help="If another bgsearch run is writing the index, wait this long for it.",
        ),
    ] = 0,
    commit_every: Annotated[
        int,
        typer.Option(
            "--commit-every",
            metavar="N",
            min=1,
            help="Also commit every N files: what a killed run keeps (not with --rebuild).",
        ),
    ] = 50_000,  # index.COMMIT_EVERY (not imported: --help stays fast without Whoosh)
    follow_symlinks: Annotated[
        bool,
        typer.Option(
            "--follow-symlinks", help="Follow symlinks, also those that lead out of the folder."
        ),
    ] = False,
) -> None:
    """Index article files; re-running updates articles already in the index."""

    def action() -> ExitStatus:
        from bgsearch.encodings import check_encoding
        from bgsearch.index import Progress, build_index
        from bgsearch.progress import RichProgress, print_report
        from bgsearch.render import stderr_console

        try:
            codec = check_encoding(encoding) if encoding else None
        except ValueError as error:
            raise BgsearchError(
                f"{error}; give cp1258, viscii, tcvn3, vni or another Python codec name"
            ) from error

        progress: Progress = Progress()
        if sys.stderr.isatty():
            progress = RichProgress(stderr_console())
        where = location(index)
        try:
            if isinstance(where, str):
                from bgsearch.pgwrite import build_pg_index

                report = build_pg_index(
                    paths,
                    where,
                    rebuild=rebuild,
                    encoding=codec,
                    progress=progress,
                    follow_links=follow_symlinks,
                )
            else:
                report = build_index(
                    paths,
                    where,
                    rebuild=rebuild,
                    encoding=codec,
                    progress=progress,
                    wait=wait,
                    commit_every=commit_every,
                    follow_links=follow_symlinks,
                )
        finally:
            if isinstance(progress, RichProgress):
                progress.stop()
        if not (report.indexed or report.unchanged or report.removed):
            if report.skipped:  # their reasons are the cause
                print_report(report)
            raise NothingToIndexError(notices.nothing_indexed(paths, report))
        print_report(report)
        return ExitStatus.HITS

    _run(action)


@app.command("query", cls=PlainUsage)
def query_command(  # noqa: PLR0917 - one parameter per option, as Typer declares them
    query: Annotated[
        str,
        typer.Argument(
            metavar="QUERY",
            help='Words, "exact phrases", -excluded, a OR b, title:word, prefix* (two letters'
            " or more), typo~ or typo~2 (one or two typing edits). '-' reads one query per"
            " line from stdin.",
        ),
    ],
    index: IndexDir = DEFAULT_INDEX,
    limit: Limit = 10,
    as_json: AsJson = False,
    since: Since = None,
    until: Until = None,
    source: SourceName = None,
    sort: Annotated[
        str,
        typer.Option(
            "--sort",
            metavar="ORDER",
            autocompletion=lambda: ["relevance", "date", "-date"],
            help="relevance (default), date (oldest first) or -date (newest first).",
        ),
    ] = "relevance",
    facet: Annotated[
        str | None,
        typer.Option(
            "--facet",
            metavar="FACET",
            autocompletion=lambda: ["source", "year", "month"],
            help="Also count the matching articles by source, year or month.",
        ),
    ] = None,
    every_copy: AllCopies = False,
    as_typed: Annotated[
        bool,
        typer.Option(
            "--as-typed",
            help="Search the words as typed, even when they read as Telex or VNI"
            " ('gias vangf' is otherwise searched as 'giá vàng' when that finds more).",
        ),
    ] = False,
) -> None:
    """Search the index; hits are ranked best first."""

    def action() -> ExitStatus:
        from bgsearch.search import FACETS, SORTS

        if sort not in SORTS:
            raise BgsearchError(f"--sort takes {', '.join(SORTS)}, not {sort!r}")
        if facet is not None and facet not in FACETS:
            raise BgsearchError(f"--facet takes {', '.join(FACETS)}, not {facet!r}")
        chosen = filters(since, until, source)
        found_any = False
        with open_searcher(index) as searcher:
            notices.say_if_building(location(index), searcher.documents)
            notices.check_source(searcher, source)
            batch = query == "-"
            for text in queries(query):

                def search(words: str) -> "list[Hit]":
                    return searcher.search(
                        words, limit, filters=chosen, sort=sort, collapse=not every_copy
                    )

                hits = search(text)
                if not as_typed:
                    hits = notices.decoded_instead(text, hits, searcher.decoded(text), search)
                found_any = found_any or bool(hits)
                for note in searcher.notes:
                    sys.stderr.write(f"{PROG}: note: {note}\n")
                buckets = searcher.facets(text, facet, chosen) if facet else None
                suggestion = hits[0].suggestion if hits else searcher.suggest(text)
                if as_json:
                    from bgsearch.jsonl import write_facets, write_jsonl, write_record

                    write_jsonl(hits)
                    if not hits and (batch or suggestion):  # a batch: a record per query
                        write_record({"type": "no_hits", "query": text, "suggestion": suggestion})
                    if facet and buckets:
                        write_facets(text, facet, buckets)
                else:
                    if suggestion:  # before the hits, where a reader looks first
                        from bgsearch.render import printable

                        sys.stdout.flush()
                        sys.stderr.write(f"Did you mean: {printable(suggestion)}?\n")
                    notices.print_people(text, hits, heading=batch)
                    if facet and buckets:
                        from bgsearch.render import print_facets, stdout_console

                        print_facets(facet, buckets, stdout_console())
            if as_json:
                sys.stdout.flush()
        return ExitStatus.HITS if found_any else ExitStatus.NO_HITS

    _run(action)


@app.command("similar", cls=PlainUsage)
def similar_command(  # noqa: PLR0917 - one parameter per option, as Typer declares them
    doc_id: DocId,
    index: IndexDir = DEFAULT_INDEX,
    limit: Limit = 10,
    as_json: AsJson = False,
    since: Since = None,
    until: Until = None,
    source: SourceName = None,
    every_copy: AllCopies = False,
) -> None:
    """Articles most like the one with this ID (not it, nor its copies)."""

    def action() -> ExitStatus:
        with open_searcher(index) as searcher:
            notices.check_source(searcher, source)
            found = searcher.resolve(doc_id)
            hits = None
            if not isinstance(found, list):
                hits = searcher.similar(
                    found, limit, filters=filters(since, until, source), collapse=not every_copy
                )
        if hits is None:
            return notices.no_article(doc_id, index, found if isinstance(found, list) else [])
        if as_json:
            from bgsearch.jsonl import write_jsonl

            write_jsonl(hits)
        elif hits:
            from bgsearch.render import print_hits, stdout_console

            print_hits(hits, stdout_console(), heading=f"like {doc_id}: {hits[0].query}")
        else:
            from bgsearch.render import printable

            sys.stderr.write(f"{PROG}: no article like {printable(doc_id)!r}\n")
        return ExitStatus.HITS if hits else ExitStatus.NO_HITS

    _run(action)


@app.command("show", cls=PlainUsage)
def show_command(
    doc_id: DocId,
    index: IndexDir = DEFAULT_INDEX,
    as_json: AsJson = False,
    highlight: Annotated[
        str | None,
        typer.Option("--highlight", metavar="QUERY", help="Mark the words of QUERY."),
    ] = None,
) -> None:
    """Print one article, whole, with its metadata."""

    def action() -> ExitStatus:
        with open_searcher(index) as searcher:
            found = searcher.resolve(doc_id)
            article = None if isinstance(found, list) else searcher.article(found, highlight)
        if article is None:
            return notices.no_article(doc_id, index, found if isinstance(found, list) else [])
        if as_json:
            from bgsearch.jsonl import article_record, write_record

            write_record(article_record(article))
        else:
            from bgsearch.render import print_article, stdout_console

            print_article(article, stdout_console())
        return ExitStatus.HITS

    _run(action)


@app.command("stats", cls=PlainUsage)
def stats_command(index: IndexDir = DEFAULT_INDEX, as_json: AsJson = False) -> None:
    """What the index holds: articles, sources, dates, vocabulary, size on disk."""

    def action() -> ExitStatus:
        with open_searcher(index) as searcher:
            notices.say_if_building(location(index), searcher.documents)
            stats = searcher.stats()
        if as_json:
            from bgsearch.jsonl import stats_record, write_record

            write_record(stats_record(stats))
        else:
            from bgsearch.pgstore import redacted
            from bgsearch.render import print_stats, stdout_console

            where = location(index)
            shown = where if isinstance(where, Path) else redacted(where)
            print_stats(stats, shown, stdout_console())
        return ExitStatus.HITS

    _run(action)


def main() -> None:
    """The ``bgsearch`` console script."""
    if f"_{PROG.upper()}_COMPLETE" in os.environ:
        plain_completion_help()
    app(prog_name=PROG)

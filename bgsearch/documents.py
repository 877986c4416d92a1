"""Files to documents: find article files, read and decode them, find their parts.

Everything here is plain Python; the index module decides how documents are stored.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from bgsearch.article import is_boilerplate, parse_article, parse_date
from bgsearch.encodings import decode
from bgsearch.htmltext import parse_html
from bgsearch.mdtext import parse_markdown
from bgsearch.records import RecordError, parse_records
from bgsearch.text import normalize

__all__ = [
    "Document",
    "Skip",
    "Source",
    "decode_document",
    "decode_file",
    "discover",
    "read_document",
]

SUFFIXES = frozenset({".txt", ".md", ".markdown", ".html", ".htm", ".xhtml", ".json", ".jsonl"})
_HTML = frozenset({".html", ".htm", ".xhtml"})
_MARKDOWN = frozenset({".md", ".markdown"})
# Files holding many articles, one document per record: ids are "file.jsonl#7".
RECORD_FILES = frozenset({".json", ".jsonl"})
RECORD_MARK = "#"


@dataclass(frozen=True, slots=True)
class Source:
    """A file to index and its document id: the path relative to the root it was found under."""

    path: Path
    doc_id: str
    root: str  # the folder or file given, resolved: its files' entries are replaced together


@dataclass(frozen=True, slots=True)
class Skip:
    """A file that was not indexed, and why, in words for the user."""

    path: str
    reason: str


@dataclass(frozen=True, slots=True)
class Document:
    """One article, text normalised to NFC: what gets indexed and shown."""

    doc_id: str
    path: str
    title: str
    body: str
    date: str | None = None  # ISO 8601
    source: str | None = None
    url: str | None = None
    truncated: bool = False  # the body was cut at MAX_CHARS


# News articles are at most some 100,000 characters; a bigger "article" is a dump or junk,
# and indexing all of it would only cost memory and time (a 50 MB line takes minutes).
MAX_CHARS = 2_000_000


def _capped(document: Document) -> Document:
    if len(document.body) <= MAX_CHARS:
        return document
    return replace(document, body=document.body[:MAX_CHARS], truncated=True)


def text_path(path: Path | str) -> str:
    """A path as valid text: bytes a file name holds that are not UTF-8 become ``\\xNN``.

    Python keeps such bytes as lone surrogates, which no UTF-8 output (the index, JSON, the
    terminal) can carry.
    """
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def _from_markdown(source: Source, markup: str, truncated: bool) -> Document | Skip:
    """A Markdown note: its front matter's metadata, and its text without markup."""
    note = parse_markdown(markup)
    return _with_metadata(
        source,
        note.text,
        title=note.title,
        date=parse_date(note.date),
        site=note.source,
        url=note.url,
        empty="empty",
        truncated=truncated,
    )


def _from_html(source: Source, markup: str) -> Document | Skip:
    """A web page: trafilatura's article and metadata (see htmltext.py)."""
    page = parse_html(markup)
    return _with_metadata(
        source,
        page.text,
        title=page.title,
        date=page.date,
        site=page.source,
        url=page.url,
        empty="no visible text",
    )


def _with_metadata(
    source: Source,
    text: str,
    *,
    title: str | None,
    date: str | None,
    site: str | None,
    url: str | None,
    empty: str,
    truncated: bool = False,
) -> Document | Skip:
    """A document whose markup named some of its metadata, the rest found by bgsearch's
    Vietnamese rules on its text: boilerplate lines, a dateline, a "Nguồn …: URL" line. The
    title, when named, is not body text again."""
    lines = [line for line in text.split("\n") if not is_boilerplate(line)]
    if lines and title and lines[0] == title:
        del lines[0]
    body = "\n".join(lines)
    found = parse_article(f"{title}\n{body}" if title else body)
    title = title or found.title
    if found.title == title:  # the title stood first: the body as the rules left it
        body = found.body
    if not (title or body):
        return Skip(text_path(source.path), empty)
    return Document(
        source.doc_id,
        text_path(source.path.resolve()),
        title,
        body,
        date or found.date,
        site or found.source,
        url or found.url,
        truncated=truncated,
    )


def discover(
    paths: Sequence[Path],
    exclude: Path | None = None,
    follow_links: bool = False,
    prefix: Callable[[str], str] = lambda root: "",
    passed: Counter[str] | None = None,
) -> tuple[list[Source], list[Skip]]:
    """Find the article files under ``paths`` (files or folders, searched recursively).

    Hidden files and folders are passed over, as ripgrep does, and so is ``exclude`` (the index
    folder, when it sits inside an indexed tree). Symlinks that lead out of the folder given
    are not followed unless ``follow_links``; symlinked folders are followed only then, each
    real folder once, so a link loop cannot trap the walk. A document's id is its path from
    the folder given, after ``prefix(resolved folder)``. Returns the sources sorted by id, and
    the paths that were given but could not be used; files of other types are counted by
    extension in ``passed``.
    """
    sources: dict[str, Source] = {}
    skips: list[Skip] = []
    excluded = exclude.resolve() if exclude else None
    for root in paths:
        if not root.exists():
            skips.append(Skip(text_path(root), "no such file or folder"))
            continue
        if root.is_file():
            found: Iterable[tuple[Path, str]] = [(root, text_path(root.name))]
        else:
            found = _walk(root, excluded, follow_links)
        resolved = str(root.resolve())
        before = prefix(resolved)
        for path, relative in found:
            doc_id = before + relative
            if path.suffix.lower() not in SUFFIXES:
                if passed is not None:
                    passed[path.suffix.lower() or "(no extension)"] += 1
                continue
            if not follow_links and path.is_symlink() and not _inside(path, root):
                skips.append(
                    Skip(text_path(path), "a link out of the folder (--follow-symlinks follows it)")
                )
                continue
            if doc_id in sources:
                skips.append(Skip(text_path(path), f"same id as {text_path(sources[doc_id].path)}"))
                continue
            sources[doc_id] = Source(path, doc_id, resolved)
    return [sources[k] for k in sorted(sources)], skips


def _inside(path: Path, root: Path) -> bool:
    try:
        return path.resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError):  # a link loop: reading it will say so
        return True


def _walk(root: Path, excluded: Path | None, follow_links: bool) -> Iterator[tuple[Path, str]]:
    seen: set[Path] = set()  # real folders already walked: link loops end here
    for dirpath, dirnames, filenames in os.walk(root, followlinks=follow_links):
        here = Path(dirpath)
        real = here.resolve()
        if real in seen:
            dirnames[:] = []
            continue
        seen.add(real)
        dirnames[:] = sorted(
            d
            for d in dirnames
            if not d.startswith(".") and (excluded is None or (here / d).resolve() != excluded)
        )
        for name in sorted(filenames):
            if not name.startswith("."):
                path = here / name
                yield path, text_path(path.relative_to(root).as_posix())


def read_document(source: Source, encoding: str | None = None) -> Document | Skip:
    """Read one file into a :class:`Document`, or say why it cannot be indexed."""
    try:
        raw = source.path.read_bytes()
    except OSError as error:
        return Skip(text_path(source.path), error.strerror or type(error).__name__)
    return decode_document(source, raw, encoding)


def decode_file(source: Source, raw: bytes, encoding: str | None = None) -> list[Document | Skip]:
    """The documents in a file's bytes (one, or one per JSON record), and the parts skipped."""
    suffix = source.path.suffix.lower()
    if suffix not in RECORD_FILES:
        return [decode_document(source, raw, encoding)]
    try:
        records = parse_records(normalize(decode(raw, encoding)), lines=suffix == ".jsonl")
    except ValueError as error:
        return [Skip(text_path(source.path), str(error))]
    if not records:
        return [Skip(text_path(source.path), "no records")]
    out: list[Document | Skip] = []
    for record in records:
        doc_id = f"{source.doc_id}{RECORD_MARK}{record.number}"
        if isinstance(record, RecordError):
            out.append(Skip(f"{text_path(source.path)}{RECORD_MARK}{record.number}", record.reason))
            continue
        body = record.body
        if body.lstrip().startswith("<") and "</" in body:  # HTML kept in a JSON string
            body = parse_html(body).text
        path = f"{text_path(source.path.resolve())}{RECORD_MARK}{record.number}"
        out.append(
            _capped(
                Document(doc_id, path, record.title, body, record.date, record.source, record.url)
            )
        )
    return out


def decode_document(source: Source, raw: bytes, encoding: str | None = None) -> Document | Skip:
    """Turn a file's bytes into a :class:`Document`, or say why they cannot be indexed."""
    try:
        decoded = decode(raw, encoding)
    except ValueError as error:
        return Skip(text_path(source.path), str(error))
    text = normalize(decoded[:MAX_CHARS])
    if source.path.suffix.lower() in _HTML:
        return _from_html(source, text)
    if not text.strip():
        return Skip(text_path(source.path), "empty")
    if source.path.suffix.lower() in _MARKDOWN:
        return _from_markdown(source, text, truncated=len(decoded) > MAX_CHARS)
    article = parse_article(text)
    return Document(
        source.doc_id,
        text_path(source.path.resolve()),
        article.title,
        article.body,
        article.date,
        article.source,
        article.url,
        truncated=len(decoded) > MAX_CHARS,
    )

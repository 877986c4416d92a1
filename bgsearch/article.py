"""Article text to article parts: title, body, publication date, source, URL.

Pure functions over normalised text. Real article files carry page furniture (mastheads,
share buttons, weather widgets), datelines in several forms and a source line at the end; this
module finds the parts a reader would name and leaves the rest out of the index.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from functools import cache
from importlib.resources import files
from urllib.parse import urlsplit

__all__ = ["Article", "is_boilerplate", "parse_article", "parse_date"]

# A first line longer than this is a paragraph that happens to come first (seed 000).
MAX_TITLE_CHARS = 160
TITLE_FROM_SENTENCE_CHARS = 120
# The headline sits at most this many lines above the dateline.
HEADER_LINES = 8


@dataclass(frozen=True, slots=True)
class Article:
    """The parts of one article. ``date`` is ISO 8601 (``YYYY-MM-DD``) or None."""

    title: str
    body: str
    date: str | None = None
    source: str | None = None
    url: str | None = None


@cache
def _boilerplate() -> tuple[frozenset[str], re.Pattern[str] | None]:
    exact: set[str] = set()
    patterns: list[str] = []
    text = files("bgsearch").joinpath("boilerplate.txt").read_text(encoding="utf-8")
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("re:"):
            patterns.append(f"(?:{line[3:]})")
        else:
            exact.add(" ".join(line.casefold().split()))
    pattern = re.compile("|".join(patterns), re.IGNORECASE) if patterns else None
    return frozenset(exact), pattern


def is_boilerplate(line: str) -> bool:
    """True for a line of page furniture listed in ``boilerplate.txt``."""
    exact, pattern = _boilerplate()
    flat = " ".join(line.casefold().split())
    return bool(flat) and (flat in exact or bool(pattern and pattern.fullmatch(flat)))


# --- dates ---------------------------------------------------------------------------------

_DAY = r"(?P<d>\d{1,2})"
_MONTH = r"(?P<m>\d{1,2})"
_YEAR = r"(?P<y>(?:19|20)\d{2})"
# A whole line that only gives the date: "Ngày 01/10/2020", "Ngày 27 tháng 06 năm 2020",
# "23:26, 18/04/2024", "Thứ Hai, 18/04/2024 - 23:26".
_DATELINE = re.compile(
    r"(?:(?:thứ \w+|chủ nhật),?\s*)?(?:ngày\s*)?(?:\d{1,2}:\d{2}\s*,?\s*)?"
    rf"(?:{_DAY}\s*[/.-]\s*{_MONTH}\s*[/.-]\s*{_YEAR}"
    r"|(?P<d2>\d{1,2})\s+tháng\s+(?P<m2>\d{1,2})\s+năm\s+(?P<y2>(?:19|20)\d{2}))"
    r"(?:\s*[-,|]?\s*\d{1,2}:\d{2}(?:\s*\(?GMT[+\d:]*\)?)?)?",
    re.IGNORECASE,
)
# A day and month without year early in the text: "Ngày 19.2,", "Chiều ngày 14/2,".
_DAY_MONTH = re.compile(
    rf"\b(?:sáng|chiều|tối|trưa|đêm)?\s*ngày\s+{_DAY}\s*[/.]\s*{_MONTH}(?![\d/.]*\d)",
    re.IGNORECASE,
)
# "date 2020-02" before the text (seed 000): the year and month the page was filed under.
_FILED = re.compile(rf"^\s*date\s+{_YEAR}-{_MONTH}\b\s*", re.IGNORECASE)
# A date in a URL's path: "/2024/02/14/", "/2024-02/", "-20240214-" (eight digits exactly).
_URL_DATE = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d{2})(?:(?P<sep>[/-])(?P<m>0?[1-9]|1[0-2])(?:(?P=sep)(?P<d>\d{1,2}))?"
    r"|(?P<m2>0[1-9]|1[0-2])(?P<d2>[0-3]\d))(?!\d)"
)


def _iso(year: str | int, month: str | int, day: str | int) -> str | None:
    try:
        return date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None


_ISO = re.compile(rf"{_YEAR}-{_MONTH}-{_DAY}")


# Vietnam's time (UTC+7, no daylight saving): a timestamp's date is the day it was there.
VIETNAM = timezone(timedelta(hours=7), "ICT")
# Epoch numbers taken as dates: 1990 to 2100, in seconds or milliseconds.
_EPOCH_SECONDS = (631_152_000, 4_102_444_800)


def parse_date(value: object) -> str | None:
    """A date field's value as ISO 8601, or None: "2020-06-27T08:00:00+07:00",
    "27/06/2020", "Ngày 27 tháng 06 năm 2020", "23:26, 18/04/2024"; epoch seconds or
    milliseconds (a number, or digits); a date or datetime (YAML front matter). A timestamp
    with a time zone is dated in Vietnam's time: "2024-01-02T23:30:00Z" is 2024-01-03."""
    if isinstance(value, str):
        return _from_text(value.strip())
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return _epoch(float(value))
    if isinstance(value, datetime):
        moment = value.astimezone(VIETNAM) if value.tzinfo else value
        return moment.date().isoformat()
    return value.isoformat() if isinstance(value, date) else None


def _from_text(value: str) -> str | None:
    if value.isdigit():
        return _epoch(float(value))
    if "T" in value or " " in value[10:11]:
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            moment = None
        if moment is not None and moment.tzinfo is not None:
            return moment.astimezone(VIETNAM).date().isoformat()
    if match := _ISO.match(value):
        return _iso(match.group("y"), match.group("m"), match.group("d"))
    if match := _DATELINE.fullmatch(value):
        return _iso(
            match.group("y") or match.group("y2"),
            match.group("m") or match.group("m2"),
            match.group("d") or match.group("d2"),
        )
    return None


def _epoch(number: float) -> str | None:
    low, high = _EPOCH_SECONDS
    for seconds in (number, number / 1000):
        if low <= seconds < high:
            return datetime.fromtimestamp(seconds, VIETNAM).date().isoformat()
    return None


# --- source --------------------------------------------------------------------------------

# "Nguồn: https://…", "Nguồn Cao Bằng: https://…", "Nguồn Biên Phòng: https://…"
_SOURCE = re.compile(r"nguồn\s*(?P<name>[^:]{0,60}?)\s*:\s*(?P<url>https?://\S+)", re.IGNORECASE)
# Agency code and dateline at the start of a lead paragraph: "BHG - Ngày 19.2, ".
_LEAD = re.compile(
    r"^(?:[A-ZĐ]{2,8}\s*[-–]\s*)?(?:(?:sáng|chiều|tối|trưa)?\s*ngày\s+\d{1,2}[./]\d{1,2},\s*)?",
    re.IGNORECASE,
)


def _source(url: str, name: str) -> str:
    if name:
        return name
    host = urlsplit(url).hostname or url
    return host.removeprefix("www.")


# --- the article ---------------------------------------------------------------------------


def parse_article(text: str) -> Article:
    """Find title, body, date, source and URL in normalised article text.

    The title is the headline above a dateline when there is one (skipping mastheads and
    widgets above it), else the first line; a first line that is a whole paragraph gives the
    start of its first sentence. A date without year takes the year of a "date YYYY-MM" line
    or of a date in the URL, in the same month; otherwise there is no date, never a guess.
    """
    lines = [line for line in text.split("\n") if not is_boilerplate(line)]
    filed: tuple[str, str] | None = None
    if lines and (found := _FILED.match(lines[0])):
        filed = (found.group("y"), found.group("m"))
        lines[0] = lines[0][found.end() :]

    source = url = None
    content = [i for i, line in enumerate(lines) if line.strip()]
    for i in reversed(content[-4:]):
        if match := _SOURCE.fullmatch(lines[i].strip()):
            url = match.group("url")
            source = _source(url, match.group("name").strip())
            del lines[i]
            break
    content = [i for i, line in enumerate(lines) if line.strip()]
    if not content:
        return Article("", "", source=source, url=url)

    published = None
    start = content[0]  # where the title is
    for position, i in enumerate(content[:HEADER_LINES]):
        if match := _DATELINE.fullmatch(lines[i].strip()):
            published = _iso(
                match.group("y") or match.group("y2"),
                match.group("m") or match.group("m2"),
                match.group("d") or match.group("d2"),
            )
            if position:
                start = content[position - 1]
            lines[i] = ""
            break

    first = " ".join(lines[start].split())
    if len(first) <= MAX_TITLE_CHARS:
        title = first
        body = "\n".join(lines[start + 1 :]).strip()
    else:
        title = _title_from_lead(first)
        body = "\n".join(lines[start:]).strip()

    if published is None:
        opening = "\n".join(lines[start:])[:400]  # a short lead can be the title line
        published = _undated(opening, filed, url)
    return Article(title, body, published, source, url)


def _title_from_lead(paragraph: str) -> str:
    """The start of a lead paragraph's first sentence, cut on a word boundary."""
    lead = _LEAD.sub("", paragraph, count=1)
    sentence = re.split(r"(?<=[.!?])\s", lead, maxsplit=1)[0]
    if len(sentence) <= TITLE_FROM_SENTENCE_CHARS:
        return sentence.rstrip(".")
    cut = sentence.rfind(" ", 0, TITLE_FROM_SENTENCE_CHARS)
    return sentence[: cut if cut > 0 else TITLE_FROM_SENTENCE_CHARS].rstrip(",;:") + "…"


def _undated(opening: str, filed: tuple[str, str] | None, url: str | None) -> str | None:
    """A date from "ngày 14/2" in the opening, or None.

    The year comes only from where it is the article's own: a "date YYYY-MM" line or a date
    in its URL, either of the same month. A year the text merely mentions is not enough:
    in the corpus, whose baomoi.com articles are all from 2017, "the only year the article
    mentions" dated 1,870 of them and got 2017 for 620 (the rest were years under review,
    anniversaries, targets such as "năm 2050", even a barge numbered 2043).
    """
    match = _DAY_MONTH.search(opening)
    if not match:
        return None
    day, month = int(match.group("d")), int(match.group("m"))
    years = []
    if filed is not None and int(filed[1]) == month:
        years.append(filed[0])
    path = urlsplit(url).path if url else ""
    for found in _URL_DATE.finditer(path):
        found_month, found_day = (
            found.group("m") or found.group("m2"),
            found.group("d") or found.group("d2"),
        )
        if int(found_month) == month and (found_day is None or int(found_day) == day):
            years.append(found.group("y"))
    if len(set(years)) != 1:
        return None
    return _iso(years[0], month, day)

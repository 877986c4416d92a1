"""Pure Vietnamese text functions: normalise, tokenize, fold, canonicalise tone placement.

Nothing here knows about Whoosh, files or the terminal, so every rule can be tested on its own.
Both sides of the search use these functions: ingestion turns article text into terms, and the
query side turns what the user typed into the same terms.

Terms come in two forms, each indexed in its own field:

* the *exact* form keeps every mark but is lowercased and has its tone mark moved to one
  canonical vowel, so that ``hoà``/``hòa`` and ``thuỷ``/``thủy`` are the same exact term;
* the *folded* form has every mark removed and ``đ`` turned into ``d``, so that a query typed
  without accents finds every accented spelling.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from typing import NamedTuple

__all__ = [
    "MARKS",
    "VIETNAMESE_LETTERS",
    "VOWELS",
    "Analysis",
    "Token",
    "accent_variants",
    "analyze",
    "canonical_tone",
    "edit_distance",
    "exact_form",
    "fold",
    "folded_form",
    "is_accented",
    "is_plain_syllable",
    "is_syllable",
    "normalize",
    "pair",
    "syllables",
    "term_forms",
    "tokenize",
]

# The 67 precomposed Vietnamese letters outside ASCII, lower case; with their upper case forms
# these are the 134 letters folding must handle.
VIETNAMESE_LETTERS = "àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ"

# Invisible characters that only break words apart or glue them wrongly: zero-width space,
# non-joiner, joiner, word joiner, byte-order mark, soft hyphen.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
# Every other control and separator character becomes a plain space (newline and tab are kept):
# no-break spaces, C0/C1 controls (an ESC reaching a terminal could rewrite the screen), line
# and paragraph separators.
_SPACES = {
    **{c: " " for c in range(0x00, 0x20) if chr(c) not in "\n\t"},
    **dict.fromkeys(range(0x7F, 0xA0), " "),
    0x00A0: " ",
    0x2007: " ",
    0x202F: " ",
    0x2028: "\n",
    0x2029: "\n",
}
_CLEAN = {**_SPACES, **_INVISIBLE}
_CR = re.compile(r"\r\n?")


def normalize(text: str) -> str:
    """Return ``text`` in NFC with invisible characters removed and odd spaces made plain.

    Zero-width characters and soft hyphens are deleted; no-break spaces, control characters
    (other than newline and tab) become spaces; CR and CRLF line ends become LF. The result's
    offsets are the ones every other function here reports.
    """
    text = _CR.sub("\n", text).translate(_CLEAN)
    return unicodedata.normalize("NFC", text)


class Token(NamedTuple):
    """A syllable of the text and where it stands: ``text[start:end] == token.text``. A
    named tuple: snippets make one per word of a passage for every hit, and a tuple is made
    in about two thirds of a frozen dataclass's time."""

    text: str
    start: int
    end: int


# A syllable is a run of letters and digits of any script, including any combining marks that
# NFC could not compose (Python's \w alone would split "Vie\u0302\u0323t" inside the word).
MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
_TOKEN = re.compile(rf"[^\W_]+(?:[{MARKS}]+[^\W_]*)*")
# Longer runs are hashes, base64 or glued junk, never words: they would only bloat the index.
MAX_TOKEN_CHARS = 64


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    """Split normalised ``text`` (or ``text[start:end]``) into syllables, keeping their
    character offsets in ``text``.

    There is no stop list and no minimum length: "an" (an ninh), "ở" and "Ủy" are words.
    """
    tokens = []
    for m in _TOKEN.finditer(text, start, len(text) if end is None else end):
        at, to = m.span()
        if to - at <= MAX_TOKEN_CHARS:
            tokens.append(Token(m.group(), at, to))
    return tokens


def syllables(text: str) -> list[str]:
    """The syllables of normalised ``text`` as written, without offsets: :func:`tokenize`'s,
    the same way :func:`analyze` reads them (a run too long to be a word included)."""
    return _TOKEN.findall(text)


# --- folding -------------------------------------------------------------------------------

_STRIP_MARKS = {
    ord(ch): unicodedata.normalize("NFD", ch)[0]
    for ch in VIETNAMESE_LETTERS + VIETNAMESE_LETTERS.upper()
    if ch not in "đĐ"
}
_STRIP_MARKS[ord("đ")] = "d"
_STRIP_MARKS[ord("Đ")] = "D"
# U+00D0/U+00F0 (Icelandic eth) look exactly like Đ/đ and are often typed in their place.
_STRIP_MARKS[ord("Ð")] = "D"
_STRIP_MARKS[ord("ð")] = "d"


def fold(text: str) -> str:
    """Remove every tone and vowel mark and turn ``đ``/``Đ`` into ``d``/``D``; keep case.

    Vietnamese letters fold through a table; anything else that is not ASCII afterwards
    (other Latin letters with marks, other scripts) is transliterated by Unidecode.
    """
    folded = text.translate(_STRIP_MARKS)
    if folded.isascii():
        return folded
    stripped = "".join(
        ch for ch in unicodedata.normalize("NFD", folded) if not unicodedata.combining(ch)
    )
    if stripped.isascii():
        return stripped
    from unidecode import unidecode  # only for scripts the table does not cover

    return unidecode(unicodedata.normalize("NFC", stripped))


# --- tone placement ---------------------------------------------------------------------------

_TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")  # huyền, sắc, ngã, hỏi, nặng
VOWELS = frozenset("aeiouy")


@lru_cache(maxsize=65536)
def canonical_tone(syllable: str) -> str:  # noqa: PLR0912 - the rules, in order
    """Move the tone mark of a lowercase syllable to its canonical vowel.

    Convention: the traditional placement, the one 99.9% of the corpus uses (``hòa``,
    ``thủy``, ``khỏe``): a vowel with a diacritic (ă â ê ô ơ ư; the last one, as in ``ươ``)
    takes the tone; otherwise the last vowel of a closed syllable (``hoàng``); otherwise the
    first of two vowels (``hòa``, ``mùa``) or the middle of three (``ngoài``, ``khuỷu``).
    ``qu`` and ``gi`` before another vowel are onsets (``quý``, ``già``). The newer placement
    (``hoà``, ``thuỷ``, ``khoẻ``) only differs for open ``oa``, ``oe`` and ``uy``.

    Anything that is not one Vietnamese syllable with one tone is returned unchanged.
    """
    decomposed = unicodedata.normalize("NFD", syllable)
    tone = ""
    letters: list[list[str]] = []  # [base letter, its vowel diacritics]
    for ch in decomposed:
        if ch in _TONES:
            if tone and tone != ch:
                return syllable
            tone = ch
        elif unicodedata.combining(ch):
            if not letters:
                return syllable
            letters[-1][1] += ch
        else:
            letters.append([ch, ""])
    if not tone:
        return syllable
    vowels = [i for i, (base, _) in enumerate(letters) if base in VOWELS]
    if not vowels or vowels[-1] - vowels[0] + 1 != len(vowels):
        return syllable  # no vowel, or two vowel groups: a loanword, not one syllable
    first, last = vowels[0], vowels[-1]
    if first < last and first > 0 and not letters[first][1]:
        onset = letters[first - 1][0] + letters[first][0]
        if onset in ("qu", "gi"):
            first += 1
    nucleus = range(first, last + 1)
    marked = [i for i in nucleus if letters[i][1]]
    if marked:
        target = marked[-1]
    elif last < len(letters) - 1:
        target = last
    elif len(nucleus) == 3:
        target = first + 1
    else:
        target = first
    letters[target][1] += tone
    return unicodedata.normalize("NFC", "".join(base + marks for base, marks in letters))


# --- terms -------------------------------------------------------------------------------------

_NOT_TERM = re.compile(r"[^0-9a-z]+")


@lru_cache(maxsize=262144)
def term_forms(token: str) -> tuple[str, str]:
    """Return the (exact, folded) index terms of one token, both lowercase.

    Cached: a corpus has far fewer distinct syllables than syllables, so indexing pays for
    each distinct one once.
    """
    lower = token.lower()
    exact = canonical_tone(lower)
    folded = fold(lower)
    if not folded.isascii() or not folded.isalnum():
        folded = _NOT_TERM.sub("", folded.lower()) or lower
    return exact, folded


def exact_form(token: str) -> str:
    """The exact term: lowercase, marks kept, tone on its canonical vowel."""
    return term_forms(token)[0]


def folded_form(token: str) -> str:
    """The folded term: lowercase ASCII letters and digits where the script allows."""
    return term_forms(token)[1]


def is_accented(token: str) -> bool:
    """True when folding changes the token: the user typed at least one mark or ``đ``."""
    exact, folded = term_forms(token)
    return exact != folded


# The shape of a written syllable, tones aside: onset, vowel nucleus, final consonant or glide.
_NUCLEI = "a ă â e ê i y o ô ơ u ư ia iê ya yê ua uô uơ ưa ươ oa oă oe oo uâ uê uy uyê uya"
_SYLLABLE = re.compile(
    "(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx])?"
    f"(?:{'|'.join(sorted(_NUCLEI.split(), key=len, reverse=True))})"
    "(?:ch|ng|nh|[cikmnptyou])?"  # k: Đắk Lắk, Krông Pắk
)


_SYLLABLE_FOLDED = re.compile(
    "(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?"
    f"(?:{'|'.join(sorted({fold(n) for n in _NUCLEI.split()}, key=len, reverse=True))})"
    "(?:ch|ng|nh|[cikmnptyou])?"
)


def is_syllable(word: str) -> bool:
    """Whether ``word`` is spelled like a Vietnamese syllable: letters, at most one tone, an
    onset-nucleus-final shape, and no capital inside ("Bieân" and "BiĂªn", mojibake, are not).
    """
    word = unicodedata.normalize("NFC", word)
    if not word.isalpha() or not (word.islower() or word.isupper() or word[1:].islower()):
        return False
    parts = unicodedata.normalize("NFD", word.lower())
    if sum(ch in _TONES for ch in parts) > 1:
        return False
    toneless = unicodedata.normalize("NFC", "".join(ch for ch in parts if ch not in _TONES))
    return _SYLLABLE.fullmatch(toneless) is not None


def is_plain_syllable(word: str) -> bool:
    """Whether lowercase ASCII ``word`` spells a Vietnamese syllable typed without marks."""
    return _SYLLABLE_FOLDED.fullmatch(word) is not None


# Each base letter and the Vietnamese letters that fold to it ("đ" only starts a syllable).
_SPELLINGS = {"a": "aăâ", "e": "eê", "o": "oôơ", "u": "uư", "d": "dđ"}
_TONE_CHOICES = ("", *sorted(_TONES))
MAX_SPELLINGS = 216


def accent_variants(folded: str) -> list[str]:
    """Every exact syllable that folds to ``folded``, tone on its canonical vowel.

    ``"tuan"`` gives ``tuan, tuân, tuấn, tuần, …, tưan, …``: the candidates among which a
    search restores the accents a user left out. Not a syllable (digits, over 7 letters, no
    vowel): an empty list.
    """
    if not (folded.isascii() and folded.isalpha() and folded.islower()) or len(folded) > 7:
        return []
    if not any(ch in VOWELS for ch in folded):
        return []
    options = [_SPELLINGS.get(ch, ch) if ch != "d" or i == 0 else ch for i, ch in enumerate(folded)]
    first_vowel = next(i for i, ch in enumerate(folded) if ch in VOWELS)
    bases = [""]
    for choice in options:
        bases = [b + ch for b in bases for ch in choice]
        if len(bases) * len(_TONE_CHOICES) > MAX_SPELLINGS:
            return []
    variants = {
        canonical_tone(
            unicodedata.normalize("NFC", base[: first_vowel + 1] + tone + base[first_vowel + 1 :])
        )
        for base in bases
        for tone in _TONE_CHOICES
    }
    return sorted(variants)


PAIR_JOINER = "_"  # never inside a term: tokens exclude "_"
# Neighbouring syllables across one of these and a space are not a multi-syllable word; with
# no space ("4.000", "TP.HCM") the punctuation is inside one.
_BREAK = re.compile(r"[.!?;:\n\u2026]")


@dataclass(frozen=True, slots=True)
class Analysis:
    """The terms of a text: exact and folded forms position for position, and folded pairs."""

    exact: list[str]
    folded: list[str]
    pairs: list[str]


def pair(left: str, right: str) -> str:
    """The term for two syllables side by side ("tuần" + "tra" -> "tuần_tra")."""
    return left + PAIR_JOINER + right


def analyze(text: str) -> Analysis:
    """The terms of normalised ``text``.

    ``pairs`` holds the folded pair of each two neighbouring syllables within a sentence:
    multi-syllable words ("biên giới" -> "bien_gioi") as single terms, so adjacency needs no
    positions. Exact pairs were measured and added nothing (see ranking.py).
    """
    words = _TOKEN.findall(text)
    if max(map(len, words), default=0) > MAX_TOKEN_CHARS:  # rare: tokenize drops those
        tokens = tokenize(text)
        words = [token.text for token in tokens]
        gaps = [text[a.end : b.start] for a, b in pairwise(tokens)]
    else:
        gaps = _TOKEN.split(text)[1:-1]  # the text between each two syllables
    forms = list(map(term_forms, words))  # the building's hot loop: no Token objects
    exact = [e for e, _ in forms]
    folded = [f for _, f in forms]
    search = _BREAK.search
    pairs = [
        left + PAIR_JOINER + right  # pair(left, right), inlined: a call per pair costs more
        for (left, right), gap in zip(pairwise(folded), gaps, strict=True)
        if gap == " " or not (search(gap) and any(c.isspace() for c in gap))
    ]
    return Analysis(exact, folded, pairs)


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance: the fewest one-letter insertions, deletions and substitutions
    that turn ``a`` into ``b``."""
    previous = list(range(len(b) + 1))
    for i, left in enumerate(a, start=1):
        current = [i]
        for j, right in enumerate(b, start=1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (left != right))
            )
        previous = current
    return previous[-1]

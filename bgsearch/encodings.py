"""Bytes to text: the encodings Vietnamese articles come in.

UTF-8 (with or without BOM) and UTF-16 with BOM are read as they say. Other bytes are tried in
the legacy Vietnamese encodings Python knows (Windows-1258), and a decoding is accepted only if
the text reads as Vietnamese: a wrong single-byte decoding yields letters no Vietnamese text
has ("Ã¡", "Ä'"), so guessing is never needed.
"""

from __future__ import annotations

import codecs
import unicodedata

from bgsearch.text import VIETNAMESE_LETTERS, tokenize

__all__ = ["FALLBACKS", "check_encoding", "decode", "vietnamese_share"]

FALLBACKS = ("cp1258",)
# Share of words that must read as Vietnamese for a fallback decoding to be trusted.
MIN_SHARE = 0.9
_LETTERS = frozenset(VIETNAMESE_LETTERS + VIETNAMESE_LETTERS.upper())
_TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def check_encoding(name: str) -> str:
    """The codec's canonical name, or ValueError for a name Python does not know."""
    try:
        return codecs.lookup(name).name
    except LookupError as error:
        raise ValueError(f"unknown encoding {name!r}") from error


def _syllable_like(word: str) -> bool:
    if not all(ch.isascii() or ch in _LETTERS for ch in word):
        return False
    if not (word.islower() or word.isupper() or word[1:].islower()):
        return False  # a capital inside a word: "BiĂªn" is mojibake of "Biên"
    tones = sum(ch in _TONES for ch in unicodedata.normalize("NFD", word))
    return tones <= 1


def vietnamese_share(text: str) -> float:
    """The share of non-ASCII words in ``text`` that could be Vietnamese syllables.

    A word counts when all its letters are in the Vietnamese alphabet, it has no capital
    inside, and at most one tone mark. Text decoded with the wrong code page fails on most
    words ("tuáº§n", "BiĂªn"), right text passes on nearly all.
    """
    words = [
        t.text
        for t in tokenize(unicodedata.normalize("NFC", text))
        if t.text.isalpha() and not t.text.isascii()  # ASCII words read alike in any decoding
    ]
    if not words:
        return 0.0
    return sum(map(_syllable_like, words)) / len(words)


def decode(raw: bytes, forced: str | None = None) -> str:
    """Decode article bytes, or raise ValueError saying why they cannot be read."""
    if forced:
        try:
            return raw.decode(forced)
        except UnicodeDecodeError as error:
            raise ValueError(f"not {forced} text (byte {error.start})") from error
    for bom, codec in _BOMS:
        if raw.startswith(bom):
            try:
                return raw.decode(codec)
            except UnicodeDecodeError as error:
                raise ValueError(
                    f"not {codec} text despite its BOM (byte {error.start})"
                ) from error
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        first_error = error.start
    for codec in FALLBACKS:
        try:
            text = raw.decode(codec)
        except UnicodeDecodeError:
            continue
        if vietnamese_share(text) >= MIN_SHARE:
            return text
    raise ValueError(
        f"not UTF-8 text (byte {first_error}) nor Vietnamese in {', '.join(FALLBACKS)}; "
        "try --encoding"
    )

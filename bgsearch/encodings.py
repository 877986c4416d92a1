"""Bytes to text: the encodings Vietnamese articles come in.

UTF-8 (with or without BOM) and UTF-16 with BOM are read as they say. Other bytes are decoded
in each legacy Vietnamese encoding (Windows-1258, VISCII, TCVN3, VNI), and the decoding whose
words read best as Vietnamese syllables wins, if nearly all of them do: a wrong decoding
yields words no Vietnamese text has ("Ã¡", "Bieân", "tu\u00c7n"), so guessing is never needed.
"""

from __future__ import annotations

import codecs
import unicodedata

from bgsearch import legacy  # noqa: F401 - registers the viscii, tcvn3 and vni codecs
from bgsearch.text import is_syllable, tokenize

__all__ = ["FALLBACKS", "check_encoding", "decode", "vietnamese_share"]

FALLBACKS = ("cp1258", "viscii", "tcvn3", "vni")
# Share of words that must read as Vietnamese for a fallback decoding to be trusted.
MIN_SHARE = 0.9
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


def vietnamese_share(text: str) -> float:
    """The share of non-ASCII words in ``text`` that could be Vietnamese syllables.

    A word counts when it is spelled like a syllable (:func:`bgsearch.text.is_syllable`).
    Text decoded with the wrong code page fails on many words ("tuáº§n", "BiĂªn"), right
    text passes on nearly all.
    """
    words = [
        t.text
        for t in tokenize(unicodedata.normalize("NFC", text))
        # ASCII words read alike in any decoding; capitals are often acronyms ("BĐS", "HĐQT")
        if t.text.isalpha() and not t.text.isascii() and not t.text.isupper()
    ]
    if not words:
        return 0.0
    return sum(map(is_syllable, words)) / len(words)


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
    best, best_share = None, 0.0
    for codec in FALLBACKS:
        try:
            text = raw.decode(codec)
        except UnicodeDecodeError:
            continue
        share = vietnamese_share(text)
        if share > best_share:  # ties go to the more common encoding, listed first
            best, best_share = text, share
    if best is not None and best_share >= MIN_SHARE:
        return best
    raise ValueError(
        f"not UTF-8 text (byte {first_error}) nor Vietnamese in {', '.join(FALLBACKS)}; "
        "try --encoding"
    )

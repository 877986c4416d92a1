"""Vietnamese typed without an input method: Telex ("tuaanf") and VNI ("tua62n") decoded.

Pure, apart from Whoosh: :mod:`bgsearch.suggest` offers the decoded words as "Showing results
for".
"""

from __future__ import annotations

import unicodedata

from bgsearch.text import VOWELS, canonical_tone, fold, is_plain_syllable, is_syllable

__all__ = ["decode_typing"]

_TELEX_TONES = {"s": "\u0301", "f": "\u0300", "r": "\u0309", "x": "\u0303", "j": "\u0323"}
_TELEX_LETTERS = (
    ("uow", "ươ"), ("dd", "đ"), ("aa", "â"), ("ee", "ê"), ("oo", "ô"),
    ("aw", "ă"), ("ow", "ơ"), ("uw", "ư"), ("w", "ư"),
)  # fmt: skip
_VNI_TONES = {"1": "\u0301", "2": "\u0300", "3": "\u0309", "4": "\u0303", "5": "\u0323"}
_VNI_MARKS = {"6": {"a": "â", "e": "ê", "o": "ô"}, "7": {"o": "ơ", "u": "ư"}, "8": {"a": "ă"}}


def _with_tone(letters: str, tone: str) -> str:
    """Put ``tone`` on the syllable ``letters`` where the spelling rules place it."""
    if not tone:
        return letters
    first = next((i for i, ch in enumerate(letters) if fold(ch) in VOWELS), None)
    if first is None:
        return letters
    marked = unicodedata.normalize("NFC", letters[: first + 1] + tone + letters[first + 1 :])
    return canonical_tone(marked)


def _telex(word: str) -> str | None:
    tone = ""
    # The tone key comes anywhere after the first vowel ("hooij", "hooji"): s, f, r, x and j
    # never stand there in a Vietnamese spelling (r, s and x only begin one).
    first = next((i for i, ch in enumerate(word) if ch in VOWELS), len(word))
    spots = [i for i in range(first + 1, len(word)) if word[i] in _TELEX_TONES]
    if spots:
        tone = _TELEX_TONES[word[spots[-1]]]
        word = word[: spots[-1]] + word[spots[-1] + 1 :]
    marked = word
    for keys, letter in _TELEX_LETTERS:
        marked = marked.replace(keys, letter)
    if marked == word and not tone:
        return None
    return _with_tone(marked, tone)


def _vni(word: str) -> str | None:
    if word.isdigit() or not any(ch.isdigit() for ch in word):
        return None
    letters: list[str] = []
    tone = ""
    for ch in word:
        if ch in _VNI_TONES:
            tone = _VNI_TONES[ch]
        elif ch == "9" and "d" in letters:
            letters[letters.index("d")] = "đ"
        elif ch in _VNI_MARKS:
            marks = _VNI_MARKS[ch]
            spots = [i for i, letter in enumerate(letters) if letter in marks]
            if not spots:
                return None
            # "uo7" marks both (ươ); otherwise the last vowel that takes the mark
            for i in spots if ch == "7" and "".join(letters[-3:]).find("uo") >= 0 else spots[-1:]:
                letters[i] = marks[letters[i]]
        elif ch.isdigit():
            return None
        else:
            letters.append(ch)
    return _with_tone("".join(letters), tone)


def decode_typing(words: list[str]) -> list[str] | None:
    """``words`` typed in Telex or VNI without an input method, as Vietnamese syllables.

    ``["tuaanf", "tra", "chung"]`` gives ``["tuần", "tra", "chung"]``; ``["tua62n", "tra"]``
    gives ``["tuần", "tra"]``. None unless at least one word was typed that way and every
    word then spells a Vietnamese syllable: English ("status", "show") is left alone.
    """
    decoded = []
    changed = False
    for word in words:
        lower = word.lower()
        if not lower.isascii():
            return None
        candidate = (_vni(lower) or _telex(lower)) if len(lower) > 1 else None
        if candidate and candidate != lower and is_syllable(candidate):
            decoded.append(candidate)
            changed = True
        elif is_plain_syllable(lower):  # typed without marks: "tra", "bien"
            decoded.append(lower)
        else:
            return None
    return decoded if changed else None

"""Codecs for the legacy Vietnamese encodings Python lacks: VISCII, TCVN3 (ABC) and VNI.

Registered with :mod:`codecs` on import, under the names ``viscii``, ``tcvn3`` and ``vni``
(aliases: ``tcvn``, ``abc``, ``vni-windows``), so ``bytes.decode("vni")`` and ``--encoding
vni`` work like any built-in codec.

- VISCII (RFC 1456) and TCVN3 are single-byte: one table each, made from glibc's iconv by
  ``bench/legacy_tables.py`` and checked against it by the tests. TCVN3 keeps ASCII control
  bytes as they are (its VN1 form puts capitals there, which plain text files do not use).
- VNI is a font encoding: a letter is a Windows-1252 base letter, then a second character
  for its marks ("Bo\u00e4" is "Bộ"). Its table is built below from the marks' rule.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing_extensions import Buffer

__all__ = ["CODECS", "vni_decode", "vni_encode"]

# fmt: off
_VISCII_HIGH = (
    "\u1ea0\u1eae\u1eb0\u1eb6\u1ea4\u1ea6\u1ea8\u1eac"  # 0x80
    "\u1ebc\u1eb8\u1ebe\u1ec0\u1ec2\u1ec4\u1ec6\u1ed0"  # 0x88
    "\u1ed2\u1ed4\u1ed6\u1ed8\u1ee2\u1eda\u1edc\u1ede"  # 0x90
    "\u1eca\u1ece\u1ecc\u1ec8\u1ee6\u0168\u1ee4\u1ef2"  # 0x98
    "\xd5\u1eaf\u1eb1\u1eb7\u1ea5\u1ea7\u1ea9\u1ead"  # 0xA0
    "\u1ebd\u1eb9\u1ebf\u1ec1\u1ec3\u1ec5\u1ec7\u1ed1"  # 0xA8
    "\u1ed3\u1ed5\u1ed7\u1ee0\u01a0\u1ed9\u1edd\u1edf"  # 0xB0
    "\u1ecb\u1ef0\u1ee8\u1eea\u1eec\u01a1\u1edb\u01af"  # 0xB8
    "\xc0\xc1\xc2\xc3\u1ea2\u0102\u1eb3\u1eb5"  # 0xC0
    "\xc8\xc9\xca\u1eba\xcc\xcd\u0128\u1ef3"  # 0xC8
    "\u0110\u1ee9\xd2\xd3\xd4\u1ea1\u1ef7\u1eeb"  # 0xD0
    "\u1eed\xd9\xda\u1ef9\u1ef5\xdd\u1ee1\u01b0"  # 0xD8
    "\xe0\xe1\xe2\xe3\u1ea3\u0103\u1eef\u1eab"  # 0xE0
    "\xe8\xe9\xea\u1ebb\xec\xed\u0129\u1ec9"  # 0xE8
    "\u0111\u1ef1\xf2\xf3\xf4\xf5\u1ecf\u1ecd"  # 0xF0
    "\u1ee5\xf9\xfa\u0169\u1ee7\xfd\u1ee3\u1eee"  # 0xF8
)
_TCVN3_HIGH = (
    "\xc0\u1ea2\xc3\xc1\u1ea0\u1eb6\u1eac\xc8"  # 0x80
    "\u1eba\u1ebc\xc9\u1eb8\u1ec6\xcc\u1ec8\u0128"  # 0x88
    "\xcd\u1eca\xd2\u1ece\xd5\xd3\u1ecc\u1ed8"  # 0x90
    "\u1edc\u1ede\u1ee0\u1eda\u1ee2\xd9\u1ee6\u0168"  # 0x98
    "\xa0\u0102\xc2\xca\xd4\u01a0\u01af\u0110"  # 0xA0
    "\u0103\xe2\xea\xf4\u01a1\u01b0\u0111\u1eb0"  # 0xA8
    "\u0300\u0309\u0303\u0301\u0323\xe0\u1ea3\xe3"  # 0xB0
    "\xe1\u1ea1\u1eb2\u1eb1\u1eb3\u1eb5\u1eaf\u1eb4"  # 0xB8
    "\u1eae\u1ea6\u1ea8\u1eaa\u1ea4\u1ec0\u1eb7\u1ea7"  # 0xC0
    "\u1ea9\u1eab\u1ea5\u1ead\xe8\u1ec2\u1ebb\u1ebd"  # 0xC8
    "\xe9\u1eb9\u1ec1\u1ec3\u1ec5\u1ebf\u1ec7\xec"  # 0xD0
    "\u1ec9\u1ec4\u1ebe\u1ed2\u0129\xed\u1ecb\xf2"  # 0xD8
    "\u1ed4\u1ecf\xf5\xf3\u1ecd\u1ed3\u1ed5\u1ed7"  # 0xE0
    "\u1ed1\u1ed9\u1edd\u1edf\u1ee1\u1edb\u1ee3\xf9"  # 0xE8
    "\u1ed6\u1ee7\u0169\xfa\u1ee5\u1eeb\u1eed\u1eef"  # 0xF0
    "\u1ee9\u1ef1\u1ef3\u1ef7\u1ef9\xfd\u1ef5\u1ed0"  # 0xF8
)
# fmt: on
# VISCII also puts six capitals among the C0 controls (RFC 1456).
_VISCII_LOW = {
    0x02: "\u1eb2",
    0x05: "\u1eb4",
    0x06: "\u1eaa",
    0x14: "\u1ef6",
    0x19: "\u1ef8",
    0x1E: "\u1ef4",
}


def _table(high: str, low: dict[int, str] | None = None) -> str:
    assert len(high) == 128
    table = [chr(b) for b in range(128)]
    for byte, char in (low or {}).items():
        table[byte] = char
    return "".join(table) + high


VISCII_TABLE = _table(_VISCII_HIGH, _VISCII_LOW)
TCVN3_TABLE = _table(_TCVN3_HIGH)

# VNI marks, written after the base letter: tones alone, or a vowel's hat and its tone.
_TONES = {
    "\u00f9": "\u0301",
    "\u00f8": "\u0300",
    "\u00fb": "\u0309",
    "\u00f5": "\u0303",
    "\u00ef": "\u0323",
}
_HAT = {
    "\u00e2": "",
    "\u00e1": "\u0301",
    "\u00e0": "\u0300",
    "\u00e5": "\u0309",
    "\u00e3": "\u0303",
    "\u00e4": "\u0323",
}
_BREVE = {
    "\u00ea": "",
    "\u00e9": "\u0301",
    "\u00e8": "\u0300",
    "\u00fa": "\u0309",
    "\u00fc": "\u0303",
    "\u00eb": "\u0323",
}
# Letters VNI writes as one character: ơ ư đ, i with each tone, and ỵ.
_SINGLE = {
    "\u01a1": "\u00f4",
    "\u01b0": "\u00f6",
    "\u0111": "\u00f1",
    "\u00ed": "\u00ed",
    "\u00ec": "\u00ec",
    "\u1ec9": "\u00e6",
    "\u0129": "\u00f3",
    "\u1ecb": "\u00f2",
    "\u1ef5": "\u00ee",
}


def _vni_letters() -> dict[str, str]:
    """Each Vietnamese letter, lower and upper case, and how VNI writes it."""
    lower: dict[str, str] = {}
    for base in "aeouy\u01a1\u01b0":
        for mark, tone in _TONES.items():
            if not (base == "y" and tone == "\u0323"):  # ỵ is a single character
                lower[unicodedata.normalize("NFC", base + tone)] = _SINGLE.get(base, base) + mark
    for base in "aeo":
        for mark, tone in _HAT.items():
            lower[unicodedata.normalize("NFC", base + "\u0302" + tone)] = base + mark
    for mark, tone in _BREVE.items():
        lower[unicodedata.normalize("NFC", "a\u0306" + tone)] = "a" + mark
    lower.update(_SINGLE)
    return lower | {letter.upper(): code.upper() for letter, code in lower.items()}


_VNI_ENCODE = _vni_letters()
# Decoding also accepts a capital base with a small mark ("Ño\u00e0n" for "Đoàn" is all
# small marks already; "BO\u00e4" is a capital and a small mark, as mixed fonts leave it).
_VNI_DECODE = {code: letter for letter, code in _VNI_ENCODE.items()} | {
    code[0] + code[1].lower(): letter
    for letter, code in _VNI_ENCODE.items()
    if len(code) == 2 and code[0].isupper()
}
_VNI_PATTERN = re.compile("|".join(sorted(map(re.escape, _VNI_DECODE), key=len, reverse=True)))
# VNI fonts draw on Windows-1252 code points; its five unassigned bytes read as Latin-1.
_CP1252 = "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in range(256))


def vni_decode(raw: bytes) -> str:
    """VNI bytes to text (NFC)."""
    text = raw.decode("latin-1").translate(dict(enumerate(_CP1252)))
    return _VNI_PATTERN.sub(lambda m: _VNI_DECODE[m.group()], text)


def vni_encode(text: str, errors: str = "strict") -> bytes:
    """Text to VNI bytes: what a VNI-Windows font editor saves."""
    nfc = unicodedata.normalize("NFC", text)
    return "".join(_VNI_ENCODE.get(ch, ch) for ch in nfc).encode("cp1252", errors)


def _charmap_info(name: str, table: str) -> codecs.CodecInfo:
    encoding_map = codecs.charmap_build(table)

    def encode(text: str, errors: str = "strict") -> tuple[bytes, int]:
        return codecs.charmap_encode(unicodedata.normalize("NFC", text), errors, encoding_map)

    def decode(data: Buffer, errors: str = "strict", /) -> tuple[str, int]:
        return codecs.charmap_decode(bytes(data), errors, table)

    return codecs.CodecInfo(encode, decode, name=name)


def _vni_info() -> codecs.CodecInfo:
    def encode(text: str, errors: str = "strict") -> tuple[bytes, int]:
        return vni_encode(text, errors), len(text)

    def decode(data: Buffer, errors: str = "strict", /) -> tuple[str, int]:
        raw = bytes(data)
        return vni_decode(raw), len(raw)

    return codecs.CodecInfo(encode, decode, name="vni")


CODECS = {
    "viscii": _charmap_info("viscii", VISCII_TABLE),
    "tcvn3": _charmap_info("tcvn3", TCVN3_TABLE),
    "vni": _vni_info(),
}
_ALIASES = {"tcvn": "tcvn3", "abc": "tcvn3", "vni_windows": "vni"}


def _search(name: str) -> codecs.CodecInfo | None:
    name = name.replace("-", "_")
    return CODECS.get(_ALIASES.get(name, name))


codecs.register(_search)

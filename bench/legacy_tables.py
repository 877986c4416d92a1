"""Print the VISCII and TCVN3 decoding tables of bgsearch/legacy.py from glibc's iconv.

    python bench/legacy_tables.py      # needs the `iconv` command (glibc)

The tables in bgsearch/legacy.py were made with this script; tests/test_encodings.py checks
them against iconv again wherever iconv is installed. glibc names TCVN3 "TCVN5712-1"; its
C0 letters (TCVN 5712 VN1) are left out, since files use those bytes as control characters.
"""

from __future__ import annotations

import subprocess


def iconv_table(charset: str) -> list[str | None]:
    """What each byte decodes to under ``charset``, or None when iconv refuses it."""
    table: list[str | None] = []
    for byte in range(256):
        run = subprocess.run(
            ["iconv", "-f", charset, "-t", "UTF-8"],
            input=bytes([byte]),
            capture_output=True,
            check=False,
        )
        table.append(run.stdout.decode("utf-8") if run.returncode == 0 else None)
    return table


def main() -> None:
    for name, charset in (("VISCII", "VISCII"), ("TCVN3", "TCVN5712-1")):
        table = iconv_table(charset)
        high = "".join(ch or "\ufffd" for ch in table[0x80:])
        low = {hex(b): ch for b, ch in enumerate(table[:0x80]) if ch != chr(b)}
        print(f"{name} 0x80-0xFF: {high.encode('unicode_escape').decode()}")
        print(f"{name} below 0x80, where not ASCII: {low}")


if __name__ == "__main__":
    main()

"""What the index holds, file by file, so that a re-run reads only what changed.

The manifest is a JSON file in the index folder: for each document id, the file's root, size,
modification time and SHA-256. It is written after the index commits (atomically, by rename):
if a run dies between the two, the next run finds files missing from the manifest or with an
old hash and indexes them again, which is always safe.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

__all__ = ["Entry", "Manifest", "file_hash"]

NAME = "manifest.json"


@dataclass(frozen=True, slots=True)
class Entry:
    """One indexed file as it was when indexed."""

    root: str
    size: int
    mtime_ns: int
    sha256: str
    # The ids of the documents a JSON file held ("a.jsonl#1", ...); empty: the file's own id.
    docs: tuple[str, ...] = ()

    def doc_ids(self, file_id: str) -> tuple[str, ...]:
        return self.docs or (file_id,)


def file_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Manifest:
    """The files of an index, by file id (their path from the root), and their state."""

    def __init__(
        self, entries: dict[str, Entry] | None = None, roots: dict[str, str] | None = None
    ) -> None:
        self.entries: dict[str, Entry] = entries or {}
        # each folder (or file) given, resolved -> the prefix of its ids: "" for the first
        # one an index holds, its name for the others, so that ids never collide
        self.roots: dict[str, str] = roots if roots is not None else {}
        for entry in self.entries.values():
            self.roots.setdefault(entry.root, "")  # manifests before roots: plain ids

    @classmethod
    def load(cls, index_dir: Path) -> Manifest:
        """The manifest of ``index_dir``; empty when there is none or it cannot be read."""
        try:
            raw = json.loads((index_dir / NAME).read_text(encoding="utf-8"))
            return cls(
                {
                    file_id: Entry(**(entry | {"docs": tuple(entry.get("docs", ()))}))
                    for file_id, entry in raw["documents"].items()
                },
                dict(raw.get("roots", {})),
            )
        except (OSError, ValueError, KeyError, TypeError):
            return cls()

    def save(self, index_dir: Path) -> None:
        """Write atomically: a reader sees the old manifest or the new one, never half."""
        target = index_dir / NAME
        temporary = target.with_suffix(".tmp")
        data = {
            "roots": dict(sorted(self.roots.items())),
            "documents": {k: _compact(v) for k, v in sorted(self.entries.items())},
        }
        with open(temporary, "w", encoding="utf-8") as out:
            json.dump(data, out, ensure_ascii=False, separators=(",", ":"))
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)

    def prefix(self, root: str) -> str:
        """The prefix of the ids of files under ``root``, chosen once: none for an index's
        first folder, the folder's name (then name~2, ...) for each folder after it."""
        if root not in self.roots:
            taken = set(self.roots.values())
            if not taken:
                self.roots[root] = ""
            else:
                folder = Path(root)
                base = (folder.name if not folder.suffix else folder.parent.name) or "root"
                name, n = f"{base}/", 2
                while name in taken:
                    name, n = f"{base}~{n}/", n + 1
                self.roots[root] = name
        return self.roots[root]

    def unchanged(self, doc_id: str, root: str, stat: os.stat_result) -> bool:
        """True when the file has the size and mtime it had when indexed (no need to read)."""
        entry = self.entries.get(doc_id)
        return (
            entry is not None
            and entry.root == root
            and entry.size == stat.st_size
            and entry.mtime_ns == stat.st_mtime_ns
        )

    def same_content(self, doc_id: str, root: str, sha256: str) -> bool:
        entry = self.entries.get(doc_id)
        return entry is not None and entry.root == root and entry.sha256 == sha256

    def gone(self, roots: set[str], present: set[str]) -> list[str]:
        """Ids indexed from one of ``roots`` whose files are no longer there."""
        return sorted(k for k, e in self.entries.items() if e.root in roots and k not in present)


def _compact(entry: Entry) -> dict[str, object]:
    data = asdict(entry)
    if not entry.docs:
        del data["docs"]
    return data

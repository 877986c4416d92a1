"""What making commits durable costs: time spent in fsync during a real build.

    python bench/fsync_cost.py FOLDER [--commit-every N]

Builds an index of FOLDER in a temporary folder with the real build_index, timing every call
of ``sync_dir`` (fsync of each index file and of the folder, after each commit).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import bgsearch.index as index_module
import bgsearch.writer as writer_module


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--commit-every", type=int, default=writer_module.COMMIT_EVERY)
    args = parser.parse_args()
    spent: list[float] = []
    real_sync = writer_module.sync_dir

    def timed_sync(folder: Path) -> None:
        started = time.perf_counter()
        real_sync(folder)
        spent.append(time.perf_counter() - started)

    writer_module.sync_dir = timed_sync
    with tempfile.TemporaryDirectory() as work:
        started = time.perf_counter()
        report = index_module.build_index(
            [args.folder], Path(work) / "ix", commit_every=args.commit_every
        )
        total = time.perf_counter() - started
    print(
        f"{report.indexed:,} files, {len(spent)} commits: build {total:.1f} s, "
        f"fsync {sum(spent):.2f} s ({100 * sum(spent) / total:.1f}%), "
        f"per commit {1000 * max(spent):.0f} ms at most"
    )


if __name__ == "__main__":
    main()

"""Indexing on every core: worker processes, each writing a segment of its own with a
:class:`~bgsearch.segwriter.DirectWriter`, fed batches of documents through a queue; the
indexing process holds the lock, deletes replaced documents and commits every segment in one
table of contents, as Whoosh's multi-segment ``MpWriter`` does (whose workers used Whoosh's
own writer, and waited forever when the indexing process was killed)."""

from __future__ import annotations

import multiprocessing
import os
import queue
import threading
import time
from typing import Any

from bgsearch.segwriter import DirectWriter

__all__ = ["ParallelWriter"]


def _orphaned(parent: int) -> None:
    """A worker's watch: when the indexing process is gone (killed: it did not commit), end
    at once, wherever the worker is (it may wait for a batch the parent was killed sending,
    forever: the queue's pipe stays open in the workers). What it wrote is no part of the
    index (the table of contents never named it); the next commit removes it."""
    while True:
        time.sleep(0.5)
        if os.getppid() != parent:
            os._exit(1)


def _work(ix: Any, kwargs: dict[str, Any], jobs: Any, results: Any) -> None:
    """A worker process: index the batches of documents it takes into a segment of its own,
    then hand the segment back (None when it got no document)."""
    threading.Thread(target=_orphaned, args=(os.getppid(),), daemon=True).start()
    writer = DirectWriter(ix, _lk=False, **kwargs)
    try:
        for batch in iter(jobs.get, None):
            for fields in batch:
                writer.add_document(**fields)
        if writer._added:
            segment = writer._finalize_segment()
        else:
            writer._close_segment()
            segment = None
        # not writer._finish(): the temporary folder is shared, the parent removes it
        results.put((True, segment))
    except BaseException as error:  # the parent reports it; this process only ends
        results.put((False, f"{type(error).__name__}: {error}"))


class ParallelWriter(DirectWriter):
    """Documents indexed by ``procs`` worker processes, each a :class:`DirectWriter` writing
    a segment of its own, handed to them in batches through a queue (whichever is free takes
    the next); this writer holds the lock, deletes replaced documents from the existing
    segments and commits them all in one table of contents, as Whoosh's multi-segment
    ``MpWriter`` does (the segments are left unmerged: merging costs more than the build)."""

    def __init__(self, ix: Any, procs: int, batchsize: int = 64, **kwargs: Any) -> None:
        super().__init__(ix, **kwargs)
        context = multiprocessing.get_context("fork")
        self._jobs = context.Queue(maxsize=procs * 4)  # bounded: the reader waits for workers
        self._results = context.Queue()
        sub = {key: value for key, value in kwargs.items() if key != "timeout"}
        self.tasks = [
            context.Process(target=_work, args=(ix, sub, self._jobs, self._results), daemon=True)
            for _ in range(procs)
        ]
        for task in self.tasks:
            task.start()
        self._batch: list[dict[str, Any]] = []
        self._batchsize = batchsize

    def add_document(self, **fields: Any) -> None:
        self._check_state()
        self._batch.append(fields)
        if len(self._batch) >= self._batchsize:
            self._send()

    def _send(self) -> None:
        while True:
            try:
                self._jobs.put(self._batch, timeout=1.0)
                break
            except queue.Full:
                self._check_workers()
        self._batch = []

    def _check_workers(self) -> None:
        if not all(task.is_alive() for task in self.tasks):
            raise RuntimeError("an indexing worker process ended unexpectedly")

    def _segments(self) -> list[Any]:
        if self._batch:
            self._send()
        for _ in self.tasks:
            self._jobs.put(None)
        segments = []
        for _ in self.tasks:
            while True:
                try:
                    done, found = self._results.get(timeout=1.0)
                    break
                except queue.Empty:
                    if not any(task.is_alive() for task in self.tasks):
                        raise RuntimeError("indexing worker processes ended unexpectedly") from None
            if not done:
                raise RuntimeError(f"an indexing worker failed: {found}")
            if found is not None:
                segments.append(found)
        for task in self.tasks:
            task.join()
        return segments

    def commit(self, mergetype: Any = None, optimize: Any = None, merge: Any = None) -> None:
        self._check_state()
        try:
            finalsegments = self._merge_segments(mergetype, optimize, merge)
            finalsegments += self._segments()
            if self._added:  # documents of merged segments (Whoosh's merge policy)
                finalsegments.append(self._finalize_segment())
            else:
                self._close_segment()
            self._commit_toc(finalsegments)
        except BaseException:
            self._stop()
            raise
        self._finish()

    def cancel(self) -> None:
        self._stop()
        super().cancel()
        self._results.close()
        self._jobs.close()
        self._jobs.cancel_join_thread()  # batches no worker will take: not waited for

    def _stop(self) -> None:
        for task in self.tasks:
            if task.is_alive():
                task.terminate()
            task.join()

"""A long-lived pool of daemon worker threads for federated reads.

Not :class:`concurrent.futures.ThreadPoolExecutor`: its workers are joined when the interpreter
exits, so one source hanging past its timeout would hold up the process's exit, and a fixed
``max_workers`` would let a few hung sources starve every later read. Here workers are daemons,
a task that finds no idle worker starts one (so a hung source never blocks the next read), and
workers beyond ``core`` leave after ``idle_s`` without work.

>>> pool = WorkerPool(name="example")
>>> pool.submit(lambda: 6 * 7).result(timeout=5)
42
>>> pool.shutdown()
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

__all__ = ["WorkerPool"]

T = TypeVar("T")

_Task = tuple[Future[Any], Callable[[], Any]]


class WorkerPool:
    """Runs callables on reused daemon threads; never queues a task behind a busy worker."""

    def __init__(self, *, name: str, core: int = 8, idle_s: float = 60.0) -> None:
        self.name = name
        self.core = core
        self.idle_s = idle_s
        self._queue: queue.SimpleQueue[_Task | None] = queue.SimpleQueue()
        self._lock = threading.Lock()
        #: Workers waiting for a task that no submitted task has claimed yet.
        self._idle = 0
        self._threads = 0
        self._closed = False

    def submit(self, task: Callable[[], T]) -> Future[T]:
        """Run ``task`` on a worker; its result or exception arrives in the future."""
        future: Future[T] = Future()
        with self._lock:
            if self._closed:
                raise RuntimeError(f"worker pool {self.name!r} is closed")
            if self._idle:
                self._idle -= 1  # an idle worker will take it
            else:
                self._threads += 1
                threading.Thread(
                    target=self._work, name=f"{self.name}-{self._threads}", daemon=True
                ).start()
            # Queued under the lock, so a shutdown cannot put its stop markers ahead of it.
            self._queue.put((future, task))
        return future

    def shutdown(self) -> None:
        """Stop taking tasks; idle workers leave now, busy ones when their task ends."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            threads = self._threads
        for _ in range(threads):
            self._queue.put(None)

    def _work(self) -> None:
        while True:
            try:
                item = self._queue.get(timeout=self.idle_s)
            except queue.Empty:
                with self._lock:
                    # Leave only while another waiting worker is unclaimed: every queued task
                    # still finds one.
                    if self._idle and self._threads > self.core:
                        self._idle -= 1
                        self._threads -= 1
                        return
                continue
            if item is None:
                return
            future, task = item
            result: Any = None
            error: BaseException | None = None
            running = future.set_running_or_notify_cancel()
            if running:
                try:
                    result = task()
                except BaseException as exc:  # the caller sees it through the future
                    error = exc
            # Idle before the caller hears back, so its next task reuses this worker.
            with self._lock:
                self._idle += 1
            if running:
                if error is None:
                    future.set_result(result)
                else:
                    future.set_exception(error)
            del future, task, item, result, error  # drop the result before waiting again

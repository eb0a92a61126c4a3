"""The one concurrency module: independent tasks (Markdown conversion, page rendering) spread over
the machine's cores, or run in this process; the same results, in the same order, either way.

How the workers start, chosen for each pool by :func:`start_method`:

- ``fork`` when the platform has it and this process runs a single thread (a command-line build).
  The workers begin with a copy of the parent's memory, so the state they read (the site model, the
  Jinja environment and its compiled templates) costs nothing to hand over and need not be
  picklable. Forking is unsafe while other threads run (a lock one of them holds stays locked
  forever in the child), hence the thread count check.
- ``forkserver`` (POSIX) or ``spawn`` otherwise (the live preview, whose server threads are running).
  The workers start clean: each imports the package (the forkserver imports the task's module once,
  and forks the workers from there) and receives the state pickled, through the pool's initializer.
  That costs some tenths of a second per pool and works only for state that pickles; a stage whose
  state does not (``portable=False``: the Jinja environment) runs in this process instead.

Two more kinds of concurrency:

- :class:`Alongside`, work in a thread of this process that mostly waits on another program (the
  search indexer) while the workers render. It starts once the workers are forked (the pool's
  ``meanwhile``), so no fork ever copies a process with that thread running.
- :func:`ahead`, one forked process doing work of the kernel's (listing the previous output and the
  spare tree, tens of thousands of folders) while this process computes (the plan's fingerprints);
  its value comes back through a pipe. No thread is started, so the pools forked later still fork.
  Where forking is unsafe it is not started, and the caller does the work when it needs it. With a
  :class:`Meet`, the two share a list from both ends, so neither waits for the other.

The work goes out in contiguous slices (:func:`chunks`) that shrink towards the end, so no core idles
long while another finishes a big slice; results are put back in item order as they arrive, and a
caller's ``each`` runs on each slice (its items and their results) here meanwhile. A pool that cannot start or breaks (no memory
for a process, a worker killed) leaves what is left to this process.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from typing import TYPE_CHECKING, Any, Callable, Generic, Iterator, Sequence, TypeVar

from ..output import system

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

S = TypeVar("S")
T = TypeVar("T")
R = TypeVar("R")

Each = Callable[[Sequence[T], list[R]], list[R]]

_handover: Any = None  # in this process, only while a forking pool starts: the state its workers take
_state: Any = None  # in a worker: its state, set once by the pool's initializer


def start_method() -> str:
    """How this process would start workers now (see the module's docstring)."""
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return "fork"
    return "forkserver" if "forkserver" in methods else "spawn"


class _Job(Generic[S, T, R]):
    """``func(state, slice)`` for each slice of the items, giving one result per item; ``each``
    applied here to each slice and its results as they arrive; ``progress`` told how many items are done."""

    def __init__(self, func: Callable[[S, Sequence[T]], list[R]], slices: list[Sequence[T]], state: S,
                 each: Each[T, R] | None, progress: Callable[[int], None] | None):
        self.func, self.slices, self.state = func, slices, state
        self.each = each
        self.progress = progress
        self.results: list[list[R] | None] = [None] * len(slices)

    def settle(self, index: int, result: list[R]) -> None:
        self.results[index] = self.each(self.slices[index], result) if self.each is not None else result
        if self.progress is not None:
            self.progress(len(result))

    def rest_here(self) -> list[R]:
        """Every slice not done yet, in this process; then all results in item order."""
        for index, part in enumerate(self.slices):
            if self.results[index] is None:
                self.settle(index, self.func(self.state, part))
        return [result for part in self.results for result in part or ()]


def run(func: Callable[[S, Sequence[T]], list[R]], items: Sequence[T], state: S, jobs: int, *,
        portable: bool = True, each: Each[T, R] | None = None,
        progress: Callable[[int], None] | None = None,
        meanwhile: Callable[[], None] | None = None, largest: int | None = None) -> list[R]:
    """``func(state, slice)`` for slices of ``items`` (see :func:`chunks`), each giving a list of one
    result per item; all results in item order. Over up to ``jobs`` worker processes, or in this
    process for one job or a single slice. ``func`` must be a module-level function; items and
    results must pickle, and so must ``state`` unless the workers are forked (``portable=False``:
    it does not, so without fork the work is done here). ``each(slice, results)``: done here to each
    slice's results as they come in, overlapping with the workers still running (e.g. writing them
    out, so that they are not all held at once); ``progress``: told how
    many items each slice held. ``meanwhile``: other work for this process, done once meanwhile.
    ``largest``: at most this many items a slice, for items that take long each (a picture takes a
    second): an interrupt waits for the slices the workers are on, and progress moves with each."""
    slices = chunks(items, jobs, largest=largest)
    job = _Job(func, slices, state, each, progress)
    method = start_method()
    if jobs > 1 and len(slices) > 1 and (portable or method == "fork"):
        try:
            _in_pool(job, min(jobs, len(slices)), method, meanwhile)
            meanwhile = None
        except _NoPool as failed:
            if failed.meanwhile_done:
                meanwhile = None
    if meanwhile is not None:
        meanwhile()
    return job.rest_here()


class Alongside(Generic[R]):
    """``func()`` in a thread of this process, from :meth:`start` (call it once the workers of the
    stage it overlaps are forked) to :meth:`result`, which returns its value or raises its exception.
    ``stop``: called from another thread to end it early (the build failed or was interrupted)."""

    def __init__(self, func: Callable[[], R], stop: Callable[[], None]):
        self._func, self._stop = func, stop
        self._thread: threading.Thread | None = None
        self._outcome: tuple[bool, Any] = (False, None)

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="alongside", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        try:
            self._outcome = (True, self._func())
        except BaseException as exc:  # handed to the caller of result()
            self._outcome = (False, exc)

    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def result(self) -> R:
        """Its value (run here if it was never started), or its exception raised here."""
        if self._thread is None:
            return self._func()
        self._thread.join()
        done, value = self._outcome
        if not done:
            raise value
        return value  # type: ignore[no-any-return]

    def cancel(self) -> None:
        """Stop it and wait for it to end; its result, if any, is dropped."""
        if self._thread is not None:
            self._stop()
            self._thread.join()


def ahead(func: Callable[[], R]) -> Ahead[R] | None:
    """``func()`` started now in a forked process, for :meth:`Ahead.taken`; None where forking is
    unsafe (threads are running: the live preview) or fails, for the caller to do the work itself."""
    if start_method() != "fork":
        return None
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_run_ahead, args=(func, send, os.getpid()), daemon=True)
    try:
        with system.signals_held():  # as for a pool's workers: an interrupt is taken right after
            process.start()
    except OSError:
        receive.close()
        return None
    finally:
        send.close()
    return Ahead(process, receive)


class Ahead(Generic[R]):
    """Work of the kernel's (reading big folders) on the core this process leaves idle while it
    computes; its value comes back pickled, so it must be plain data, and not None."""

    def __init__(self, process: Any, receive: Any):
        self._process, self._receive = process, receive

    def taken(self) -> R | None:
        """Its value, or None if the process failed (killed, out of memory): then the caller does
        the work itself, with the same result."""
        try:
            done, value = self._receive.recv()
        except (EOFError, OSError):
            done, value = False, None
        self.cancel()
        return value if done else None  # type: ignore[no-any-return]

    def cancel(self) -> None:
        """End it (at once, if it is still working) and let it go."""
        if self._process is not None:
            self._receive.close()
            if self._process.is_alive():
                self._process.terminate()
            self._process.join()
            self._process = None


class Meet:
    """``count`` items worked through by this process from the front and by one :func:`ahead` forked
    after this is made (its bounds are shared memory) from the back, a chunk at a time, until the
    two meet: however long each had other work first, neither waits long for the other."""

    def __init__(self, count: int, chunk: int = 64):
        forks = "fork" in multiprocessing.get_all_start_methods()
        self._bounds = multiprocessing.get_context("fork" if forks else None).Array("q", [0, count])  # front, back
        self._chunk = chunk

    def _take(self, front: bool) -> slice | None:
        with self._bounds.get_lock():
            low, high = self._bounds[0], self._bounds[1]
            if low >= high:
                return None
            size = min(self._chunk, high - low)
            self._bounds[0 if front else 1] = low + size if front else high - size
        return slice(low, low + size) if front else slice(high - size, high)

    def front(self) -> Iterator[slice]:
        while (taken := self._take(True)) is not None:
            yield taken

    def back(self) -> Iterator[slice]:
        """In the other process: the chunks from the back, the last first."""
        while (taken := self._take(False)) is not None:
            yield taken

    def met(self) -> int:
        """Where the part taken from the back starts (once both are done, or the other never started)."""
        return int(self._bounds[1])


def _run_ahead(func: Callable[[], R], send: Any, parent: int) -> None:
    system.settle_worker(parent)
    try:
        value = func()
    except Exception:  # the caller does the work itself, and meets the error there
        send.send((False, None))
    else:
        send.send((True, value))


class _NoPool(Exception):
    """The pool could not start, or broke: this process does what is left."""

    def __init__(self, meanwhile_done: bool):
        super().__init__()
        self.meanwhile_done = meanwhile_done


def _in_pool(job: _Job[Any, Any, Any], workers: int, method: str, meanwhile: Callable[[], None] | None) -> None:
    """Every task of ``job`` by a pool of ``workers``; raises :class:`_NoPool` if the pool fails."""
    global _handover
    from concurrent.futures import as_completed  # here: a build that finds nothing changed needs no pool
    from concurrent.futures.process import BrokenProcessPool
    try:
        pool = _make_pool(workers, method, job)
    except OSError:
        raise _NoPool(False) from None
    stage = "starting"  # then "meanwhile", then "collecting": a failure of meanwhile is not the pool's
    try:
        with system.signals_held():  # an interrupt while the workers start is taken right after
            _handover = job.state if method == "fork" else None
            try:
                futures = {pool.submit(_call, job.func, part): index for index, part in enumerate(job.slices)}
            finally:
                _handover = None
        if meanwhile is not None:
            stage = "meanwhile"
            meanwhile()  # e.g. the feeds, in this otherwise idle process
        stage = "collecting"
        for future in as_completed(futures):  # each future let go once settled: it holds its result
            job.settle(futures.pop(future), future.result())
    except BaseException as exc:  # interrupted or failed: drop the queued work rather than wait for it
        _stop(pool)
        if isinstance(exc, (BrokenProcessPool, OSError)) and stage != "meanwhile":
            raise _NoPool(stage == "collecting" and meanwhile is not None) from None
        raise
    pool.shutdown(wait=True)


def _make_pool(workers: int, method: str, job: _Job[Any, Any, Any]) -> ProcessPoolExecutor:
    from concurrent.futures import ProcessPoolExecutor
    context = multiprocessing.get_context(method)
    if method == "fork":  # the state is in the copied memory: nothing to pickle
        return ProcessPoolExecutor(workers, mp_context=context, initializer=_take_handover,
                                   initargs=(os.getpid(),))
    if method == "forkserver":  # takes effect when the server starts: its workers find the module loaded
        context.set_forkserver_preload([job.func.__module__])
    parent = os.getpid() if method == "spawn" else None  # forkserver workers are the server's children
    return ProcessPoolExecutor(workers, mp_context=context, initializer=_take_state, initargs=(parent, job.state))


def _stop(pool: ProcessPoolExecutor) -> None:
    """Cancel the slices not started; the workers end after the one they are on (a few hundredths of
    a second). They are not killed: a worker killed while it sends a result leaves half a message in
    the pool's pipe, and the pool's thread, joined when the interpreter exits, waits for the rest for
    ever (seen when Ctrl-C landed during rendering)."""
    pool.shutdown(wait=False, cancel_futures=True)


def _take_handover(parent: int) -> None:
    """A forked worker's initializer: its state is the copy of what the parent handed over."""
    global _state
    system.settle_worker(parent)
    _state = _handover


def _take_state(parent: int | None, state: Any) -> None:
    """A started worker's initializer: its state came pickled."""
    global _state
    system.settle_worker(parent)
    _state = state


def _call(func: Callable[[Any, Sequence[T]], list[R]], part: Sequence[T]) -> list[R]:
    return func(_state, part)


def chunks(items: Sequence[T], jobs: int, per_job: int = 16, smallest: int = 8,
           largest: int | None = None) -> list[Sequence[T]]:
    """Contiguous slices in order, each at most a ``jobs * per_job``-th of the items (so progress moves),
    and shorter towards the end: a slice holds at most a ``2 * jobs``-th of what is left. When the last
    slices run, one core idles for at most a short slice's time, not a 32nd of the work (0.3 s when
    parsing 10,000 articles). ``largest``: no slice holds more items than that."""
    cap = largest or max(1, len(items))
    smallest = min(smallest, cap)
    largest = min(cap, max(smallest, -(-len(items) // (jobs * per_job))))
    slices: list[Sequence[T]] = []
    start = 0
    while start < len(items):
        size = min(largest, max(smallest, -(-(len(items) - start) // (2 * jobs))))
        slices.append(items[start:start + size])
        start += size
    return slices

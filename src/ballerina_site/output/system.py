"""The one platform-specific module: an atomic folder swap, signals held over a critical step,
worker processes that die with the build, and a file known to be open nowhere else. Everything else
in the package is portable Python.

The swap uses Linux's ``renameat2(RENAME_EXCHANGE)`` (through ``ctypes``: the standard library has no
binding), so even SIGKILL leaves either the old or the new folder in place. Where that call is missing
(another system, an old kernel, a file system without it) the portable fallback is two renames; a
kill between them leaves the old folder aside, under a name the next build looks for and puts back
(``lock.recover``). ``exchange_ok=False`` chooses the fallback on any system, e.g. to test it.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import signal
from pathlib import Path
from typing import Iterator

try:
    import fcntl
except ImportError:  # not a POSIX system: no leases (sole_writer)
    fcntl = None  # type: ignore[assignment]

HELD = frozenset({signal.SIGINT, signal.SIGTERM})  # what a user or a service manager stops a build with
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
_PR_SET_PDEATHSIG = 1
_UNSUPPORTED = frozenset({errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP})


def _libc() -> ctypes.CDLL | None:
    try:
        return ctypes.CDLL(None, use_errno=True)
    except OSError:  # no C library to load (not a POSIX system)
        return None


def exchange(a: Path, b: Path) -> bool:
    """Swap two existing paths in one step; False where the system cannot (nothing was changed)."""
    libc = _libc()
    call = getattr(libc, "renameat2", None) if libc is not None else None
    if call is None:
        return False
    if call(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in _UNSUPPORTED:
        return False
    raise OSError(code, os.strerror(code), str(b))


def replace_folder(new: Path, target: Path, aside: Path, exchange_ok: bool = True) -> Path | None:
    """Put the folder ``new`` where ``target`` is. Returns where the previous ``target`` now is, for the
    caller to keep or delete (``new``'s old path after an exchange, else ``aside``), or None if there
    was nothing at ``target``. ``exchange_ok=False``: the two-rename fallback, whatever the system."""
    if exchange_ok and target.is_dir() and not target.is_symlink() and exchange(new, target):
        return new
    if not (target.exists() or target.is_symlink()):
        os.rename(new, target)
        return None
    os.rename(target, aside)
    os.rename(new, target)  # a kill right before this leaves ``aside`` for the next build to put back
    return aside


@contextlib.contextmanager
def signals_held(deliver: bool = True) -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM in this thread for the block (SIGKILL cannot be held). ``deliver``: a
    signal that came meanwhile is handled right after the block (e.g. the interrupt of a build whose
    workers were being started: a handler that ran inside ``fork`` would have its exception dropped);
    else it is dropped, as the work it would have stopped is done (e.g. the swap)."""
    if not hasattr(signal, "pthread_sigmask"):  # pragma: no cover - not POSIX
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, HELD)
    try:
        yield
        if not deliver:
            for signum in signal.sigpending() & HELD:
                signal.sigwait({signum})
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)  # a held signal's handler runs right here


def settle_worker(parent: int | None) -> None:
    """In a worker process, first thing: die with its parent (``parent``: the pid it must be, if
    known; a killed build must not leave workers behind holding its pipes open), let the parent alone decide about Ctrl-C (it reaches the whole
    process group), take signals the parent held while starting it, and print nothing of its own."""
    libc = _libc()
    prctl = getattr(libc, "prctl", None) if libc is not None else None
    if prctl is not None:  # Linux; elsewhere the pool's own shutdown ends the workers
        prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    os.close(devnull)
    if parent is not None and os.getppid() != parent:  # the parent died before that took effect: the pool reports it broken
        raise SystemExit(1)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, HELD)


@contextlib.contextmanager
def sole_writer(handle: int) -> Iterator[bool]:
    """True while no other process has the file of ``handle`` open, and none can open it (Linux's
    write lease: another ``open`` waits until it is let go, here at the end of the block). False
    where that cannot be had: the file is open elsewhere (a server sending it), or the system or
    file system has no leases; then nothing may be written into the file in place."""
    lease = getattr(fcntl, "F_SETLEASE", None) if fcntl is not None else None
    try:
        if lease is None or fcntl is None:
            raise OSError(errno.ENOSYS, "no leases")
        fcntl.fcntl(handle, lease, fcntl.F_WRLCK)
    except OSError:
        yield False
        return
    try:
        yield True
    finally:
        with contextlib.suppress(OSError):
            fcntl.fcntl(handle, lease, fcntl.F_UNLCK)

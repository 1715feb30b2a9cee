"""Child processes: stopping them politely, then firmly; making them die with their parent."""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess

_PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int) -> bool:
    """Linux: have this process get SIGTERM when the thread that started it ends (with its
    process, whatever kills that). False when `parent` is already gone: the caller should exit.

    Set by the child itself rather than in a preexec_fn, which is unsafe in a process with
    threads."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    return os.getppid() == parent


def terminate(process: subprocess.Popen[bytes] | None, timeout: float) -> None:
    """SIGTERM, wait up to `timeout` seconds, then SIGKILL; nothing if it already exited."""
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()

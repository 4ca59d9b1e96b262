"""Run the ``pressroom`` command with a fault injected: SIGKILL itself at a named point.

    python -m tests.reliability.killpoint knowledge.store:ChromaStore.put_document:after:3 -- ingest --json DIR

kills the process right after the third call of ``ChromaStore.put_document`` returns (``before``
kills as the call starts). SIGKILL cannot be caught: nothing is flushed, no ``finally`` runs,
exactly like a power cut for everything that was not yet written.

``knowledge.store:ChromaStore.add_chunks:pause:3`` sleeps 3 seconds as the first call starts, to
hold a process at a moment another one should meet (say, a store made but not yet filled).

``knowledge.recovery:pending:trace:FILE`` instead appends ``pid start|end time`` lines to FILE
around each use of the context manager ``pending`` (entered only while the write lock is held),
so a test can check that two processes' writes never overlapped.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import os
import signal
import sys
import time
from collections.abc import Iterator
from typing import Any


def install(spec: str) -> None:
    module_name, qualified, when, nth = spec.split(":", 3)
    owner: Any = importlib.import_module(module_name)
    *path, name = qualified.split(".")
    for part in path:
        owner = getattr(owner, part)
    original = getattr(owner, name)
    count = 0
    if when == "trace":
        setattr(owner, name, _traced(original, nth))
        return
    if when == "pause":
        setattr(owner, name, _paused(original, float(nth)))
        return

    @functools.wraps(original)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        nonlocal count
        count += 1
        if when == "before" and count == int(nth):
            os.kill(os.getpid(), signal.SIGKILL)
        result = original(*args, **kwargs)
        if when == "after" and count == int(nth):
            os.kill(os.getpid(), signal.SIGKILL)
        return result

    setattr(owner, name, wrapper)


def _traced(original: Any, log: str) -> Any:
    @contextlib.contextmanager
    def traced(*args: Any, **kwargs: Any) -> Iterator[Any]:
        with original(*args, **kwargs) as value:
            _note(log, "start")
            try:
                yield value
            finally:
                _note(log, "end")

    return traced


def _paused(original: Any, seconds: float) -> Any:
    paused = False

    @functools.wraps(original)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        nonlocal paused
        if not paused:
            paused = True
            time.sleep(seconds)
        return original(*args, **kwargs)

    return wrapper


def _note(log: str, event: str) -> None:
    with open(log, "a") as handle:
        handle.write(f"{os.getpid()} {event} {time.time():.6f}\n")


def main(argv: list[str]) -> int:
    separator = argv.index("--")
    for spec in argv[:separator]:
        install(spec)
    from ui.cli import main as pressroom

    return pressroom(argv[separator + 1 :])


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

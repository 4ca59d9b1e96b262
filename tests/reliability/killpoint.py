"""Run the ``pressroom`` command with a fault injected: SIGKILL itself at a named point.

    python -m tests.reliability.killpoint knowledge.store:ChromaStore.put_document:after:3 -- ingest --json DIR

kills the process right after the third call of ``ChromaStore.put_document`` returns (``before``
kills as the call starts). SIGKILL cannot be caught: nothing is flushed, no ``finally`` runs,
exactly like a power cut for everything that was not yet written.
"""

from __future__ import annotations

import functools
import importlib
import os
import signal
import sys
from typing import Any


def install(spec: str) -> None:
    module_name, qualified, when, nth = spec.split(":")
    owner: Any = importlib.import_module(module_name)
    *path, name = qualified.split(".")
    for part in path:
        owner = getattr(owner, part)
    original = getattr(owner, name)
    count = 0

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


def main(argv: list[str]) -> int:
    separator = argv.index("--")
    for spec in argv[:separator]:
        install(spec)
    from ui.cli import main as pressroom

    return pressroom(argv[separator + 1 :])


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

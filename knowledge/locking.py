"""The write lock of one ``PRESSROOM_HOME``: one writer at a time, the others wait their turn.

A process that has to wait says so once the wait passes a second, as a warning on the
``pressroom.notes`` logger (the command line shows it as a ``note:`` line on stderr; elsewhere
Python's logging prints it on stderr unless the application routes it), and gives up with a
``BusyError`` when the wait runs out.

>>> with exclusive(Path("/tmp/pressroom-demo.lock"), wait=120.0, what="/tmp/pressroom-demo"):   # doctest: +SKIP
...     ...   # nobody else holds the lock here
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import time
from collections.abc import Iterator
from pathlib import Path

from knowledge.errors import BusyError

NOTICE_AFTER = 1.0  # seconds of waiting before a process says that it waits
POLL = 0.2
notes = logging.getLogger("pressroom.notes")


@contextlib.contextmanager
def exclusive(path: Path, wait: float, what: str) -> Iterator[None]:
    """Hold an exclusive lock on the file ``path`` (made if missing) for the block; ``what`` names the index
    in messages."""
    with open(path, "w") as handle:
        started = time.monotonic()
        said = False
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                waited = time.monotonic() - started
                if waited > wait:
                    raise BusyError(
                        f"Another Pressroom process is writing to {what}; wait for it to finish and try again."
                    ) from None
                if not said and waited >= NOTICE_AFTER:
                    notes.warning(
                        "Another Pressroom process is writing to %s; waiting for it to finish (up to %.0f s).",
                        what,
                        wait,
                    )
                    said = True
                time.sleep(POLL)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)

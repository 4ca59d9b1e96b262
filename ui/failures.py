"""Turning any failure into one sentence for the person at the screen (never a traceback).

``PressroomError`` messages are written for people and shown as they are. Anything else is a bug:
its traceback goes to ``$PRESSROOM_HOME/logs/pressroom.log`` and the person is told where.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from knowledge import PressroomError

LOG_FILE = Path("logs") / "pressroom.log"
_logger = logging.getLogger("pressroom.ui")
_handlers: dict[Path, logging.Handler] = {}
_handlers_lock = threading.Lock()


def explain(error: BaseException, home: Path, doing: str = "answering") -> str:
    """A message for people about ``error``; unexpected errors are logged under ``home`` first.

    >>> explain(PressroomError("The question is empty: type a question."), Path("/tmp"))
    'The question is empty: type a question.'
    """
    if isinstance(error, PressroomError):
        return str(error)
    log = _log(error, home, doing)
    where = f"the details are in {log}" if log else "the details could not be logged"
    return f"Something went wrong while {doing} ({type(error).__name__}); {where}. Please report it."


def _log(error: BaseException, home: Path, doing: str) -> Path | None:
    path = Path(home) / LOG_FILE
    try:
        with _handlers_lock:
            if path not in _handlers:
                path.parent.mkdir(parents=True, exist_ok=True)
                handler = logging.FileHandler(path, encoding="utf-8")
                handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
                _handlers[path] = handler
            handler = _handlers[path]
        record = _logger.makeRecord(
            _logger.name,
            logging.ERROR,
            __file__,
            0,
            "unexpected failure while %s",
            (doing,),
            (type(error), error, error.__traceback__),
        )
        handler.handle(record)  # straight to this home's file, whatever the root logger is set to
        return path
    except OSError:
        return None

"""Pressroom's errors: one rooted hierarchy, each message one sentence that says what to do.

Every error the project raises on purpose, in every package, is drawn here: the class, where it
lives (here, unless a module is named), and what it means. ``tests/knowledge/test_errors.py``
imports every package and checks this drawing against the classes it finds.

    PressroomError                 the root: code that catches it can show ``str(error)`` to a person as it is
    ├── ConfigError                a setting or argument is wrong (bad k, unknown model, unwritable home)
    ├── IngestError                a file, folder or web address cannot be read or indexed (``reason`` says why)
    ├── QuestionError              the question itself cannot be asked (empty, too long, not text)
    ├── IndexEmptyError            nothing is indexed to answer from
    ├── NotFoundError              a document named by the user is not in the index
    ├── BusyError                  another process holds the index's write lock, and the wait ran out
    ├── StoreError                 the vector store cannot be opened, reached or written
    ├── ModelError                 a model (cross-encoder, language model) cannot be loaded, reached or used
    │   ├── ModelTimeout           (assistant.llm) the language model did not finish in time
    │   └── ModelCutOff            (assistant.llm) the answer stream ended before the model finished
    └── DatasetError               (evals.dataset) a question set cannot be found, read or trusted
"""

from __future__ import annotations


class PressroomError(Exception):
    """Root of every error Pressroom raises on purpose; the message is meant for people."""


class ConfigError(PressroomError):
    """A setting or argument is invalid."""


class IngestError(PressroomError):
    """A file, folder or web address could not be read or indexed.

    ``reason`` says why in a word or two, for reports and scripts: one of ``REASONS``.

    >>> IngestError("notes.bin: looks like a binary file, not text; ...", reason="binary").reason
    'binary'
    """

    REASONS = ("not found", "unreadable", "binary", "too large", "unsupported format", "empty", "damaged")

    def __init__(self, message: str, reason: str = "unreadable") -> None:
        super().__init__(message)
        self.reason = reason if reason in self.REASONS else "unreadable"


class QuestionError(PressroomError):
    """The question cannot be asked as given."""


class IndexEmptyError(PressroomError):
    """There is nothing in the index to answer from."""


class NotFoundError(PressroomError):
    """A source named by the user is not in the index."""


class BusyError(PressroomError):
    """Another Pressroom process is writing to the same index."""


class StoreError(PressroomError):
    """The vector store could not be opened or reached."""


class ModelError(PressroomError):
    """A model (the cross-encoder, a language model) cannot be loaded, reached or used."""

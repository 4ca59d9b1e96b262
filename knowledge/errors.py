"""Pressroom's errors: one rooted hierarchy, each message one sentence that says what to do.

    PressroomError
    ├── ConfigError        a setting is wrong (bad k, unknown model, unwritable home)
    ├── IngestError        a file or path cannot be read or indexed
    ├── QuestionError      the question itself cannot be asked (empty, too long)
    ├── IndexEmptyError    nothing is indexed to answer from
    ├── NotFoundError      a named source does not exist in the index
    ├── BusyError          another process holds the index lock
    ├── StoreError         the vector store cannot be reached or is damaged
    └── ModelError         a model (cross-encoder, language model) cannot be loaded, reached or used
        ├── ModelTimeout   (assistant.llm) the language model did not finish in time
        └── ModelCutOff    (assistant.llm) the answer stream ended before the model finished

Code that catches ``PressroomError`` can show ``str(error)`` to a person as it is.
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

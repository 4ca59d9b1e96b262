"""Known-fact datasets: JSON Lines files of questions, accepted answers and supporting text.

A dataset is named (a key of ``NAMED``: one of the files in ``evals/data/``, each with the
documents it is answered from) or given by the path of a ``.jsonl`` file, which
is then answered from whatever the current index holds. The format is documented in
``evals/data/README.md``; every line is checked on load, and a bad line stops the load with one
sentence that names the file, the line and what to fix.

>>> dataset = load_dataset("release")
>>> dataset.name, len(dataset.items) > 40, dataset.items[0].id
('release', True, 'rel-001')
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evals.matching import normalize, support_spans
from knowledge import Document, PressroomError

KINDS = ("who", "when", "where", "how_many", "what", "which", "why", "unanswerable")
FIELDS = ("id", "question", "answers", "support", "source", "answerable", "kind")
OPTIONAL_FIELDS = ("pair",)  # "fr→en": the question's language, then the language of the text that answers it
_PAIR = re.compile(r"^[a-z]{2}→[a-z]{2}$")


class DatasetError(PressroomError):
    """A dataset cannot be found, read or trusted; the message names the file, line and fix."""


@dataclass(frozen=True)
class Item:
    """One question with what counts as a right answer and the text that proves it."""

    id: str
    question: str
    answers: tuple[str, ...]
    support: tuple[str, ...]
    source: str
    answerable: bool
    kind: str
    line: int = 0  # where the item is in its file, for error messages
    pair: str = ""  # language pair, "question→source" ("fr→en"); "" when the dataset does not say


@dataclass(frozen=True)
class Dataset:
    """Questions to score, and the documents to index for them (empty: use the current index)."""

    name: str
    path: Path
    items: tuple[Item, ...]
    documents: tuple[Path, ...] = ()

    @property
    def answerable(self) -> tuple[Item, ...]:
        return tuple(item for item in self.items if item.answerable)


def _data_folder() -> Path:
    return Path(__file__).resolve().parent / "data"


def _bundled_release() -> tuple[Path, ...]:
    from knowledge import bundled_path  # on first use: it lives with the index, heavier than this module needs

    return (bundled_path(),)


def _licence_texts() -> tuple[Path, ...]:
    return tuple(sorted((_data_folder() / "licenses").glob("*.txt")))


def _press_releases() -> tuple[Path, ...]:
    """Public press releases on look-alike subjects (see ``press/README.md``), plus the bundled one."""
    return _bundled_release() + tuple(sorted((_data_folder() / "press").glob("*.txt")))


def _bilingual_texts() -> tuple[Path, ...]:
    """The English release and the French texts in ``bilingual/`` (see its README)."""
    return _bundled_release() + tuple(sorted((_data_folder() / "bilingual").glob("*.txt")))


# Named datasets: the file in evals/data/ and the documents each one is answered from.
NAMED: dict[str, tuple[str, Callable[[], tuple[Path, ...]]]] = {
    "release": ("release.jsonl", _bundled_release),
    "release-dev": ("release-dev.jsonl", _bundled_release),
    "release-fresh": ("release-fresh.jsonl", _bundled_release),
    "release-sealed": ("release-sealed.jsonl", _bundled_release),
    "release-sealed2": ("release-sealed2.jsonl", _bundled_release),
    "release-fresh2": ("release-fresh2.jsonl", _bundled_release),
    "release-sealed3": ("release-sealed3.jsonl", _bundled_release),
    "licenses": ("licenses.jsonl", _licence_texts),
    "licenses-dev": ("licenses-dev.jsonl", _licence_texts),
    "licenses-fresh": ("licenses-fresh.jsonl", _licence_texts),
    "licenses-sealed": ("licenses-sealed.jsonl", _licence_texts),
    "licenses-sealed2": ("licenses-sealed2.jsonl", _licence_texts),
    "licenses-fresh2": ("licenses-fresh2.jsonl", _licence_texts),
    "licenses-sealed3": ("licenses-sealed3.jsonl", _licence_texts),
    "bilingual": ("bilingual.jsonl", _bilingual_texts),
    "press": ("press.jsonl", _press_releases),
}
DEFAULT = ("release", "licenses")


def load_dataset(name_or_path: str | Path) -> Dataset:
    """The dataset called ``name_or_path`` (see ``NAMED``) or stored at that path, checked line by line.

    >>> load_dataset("licenses").documents[0].name
    'apache-2.0.txt'
    >>> load_dataset("nonsense")
    Traceback (most recent call last):
    evals.dataset.DatasetError: Unknown dataset 'nonsense': use release, ..., bilingual or press, or the path ...
    """
    key = str(name_or_path)
    if key in NAMED:
        filename, documents = NAMED[key]
        path = _data_folder() / filename
        return Dataset(key, path, parse_lines(_read(path), path), documents())
    path = Path(key).expanduser()
    if not path.exists() and path.suffix != ".jsonl" and "/" not in key:
        raise DatasetError(
            f"Unknown dataset {key!r}: use {', '.join(list(NAMED)[:-1])} or {list(NAMED)[-1]}, "
            "or the path of a .jsonl file."
        )
    return Dataset(path.stem, path, parse_lines(_read(path), path))


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DatasetError(f"No dataset file at {path}: check the path.") from None
    except IsADirectoryError:
        raise DatasetError(f"{path} is a folder: give the path of a .jsonl dataset file.") from None
    except UnicodeDecodeError:
        raise DatasetError(f"{path} is not UTF-8 text: save the dataset as UTF-8 JSON Lines.") from None
    except OSError as error:
        raise DatasetError(f"Cannot read {path} ({error.strerror or error}): check the file.") from None


def parse_lines(text: str, path: Path) -> tuple[Item, ...]:
    """Items from JSON Lines ``text`` (blank lines are skipped), or the first problem as a ``DatasetError``.

    >>> parse_lines('{"id": "x"}', Path("my.jsonl"))
    Traceback (most recent call last):
    evals.dataset.DatasetError: my.jsonl, line 1: the item lacks question, ... and kind; every line needs ...
    """
    items: list[Item] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        where = f"{path}, line {number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise DatasetError(f"{where}: is not valid JSON ({error.msg}); fix the line or remove it.") from None
        item = _item(record, where, number)
        if item.id in seen:
            raise DatasetError(
                f"{where}: the id {item.id!r} is already used on line {seen[item.id]}; ids must be unique."
            )
        seen[item.id] = number
        items.append(item)
    if not items:
        raise DatasetError(f"{path} holds no questions: add one JSON object per line.")
    return tuple(items)


def _item(record: Any, where: str, line: int) -> Item:
    if not isinstance(record, dict):
        raise DatasetError(f"{where}: is not a JSON object; write one {{...}} object per line.")
    missing = [name for name in FIELDS if name not in record]
    if missing:
        listed = ", ".join(missing[:-1]) + (" and " if len(missing) > 1 else "") + missing[-1]
        raise DatasetError(f"{where}: the item lacks {listed}; every line needs all seven fields.")
    unknown = sorted(set(record) - set(FIELDS) - set(OPTIONAL_FIELDS))
    if unknown:
        raise DatasetError(
            f"{where}: unknown field {unknown[0]!r}; the fields are {', '.join(FIELDS)} "
            f"(and optionally {', '.join(OPTIONAL_FIELDS)})."
        )
    pair = record.get("pair", "")
    if not isinstance(pair, str) or (pair and not _PAIR.match(pair)):
        raise DatasetError(
            f"{where}: 'pair' must look like \"fr→en\" (question language → source language), got {pair!r}."
        )
    for name in ("id", "question", "source", "kind"):
        if not isinstance(record[name], str):
            raise DatasetError(f"{where}: {name!r} must be a string, got {type(record[name]).__name__}.")
    for name in ("answers", "support"):
        value = record[name]
        if not isinstance(value, list) or not all(isinstance(entry, str) and entry.strip() for entry in value):
            raise DatasetError(f"{where}: {name!r} must be a list of non-empty strings.")
    if not isinstance(record["answerable"], bool):
        raise DatasetError(f"{where}: 'answerable' must be true or false, got {record['answerable']!r}.")
    item = Item(
        id=record["id"].strip(),
        question=record["question"].strip(),
        answers=tuple(record["answers"]),
        support=tuple(record["support"]),
        source=record["source"].strip(),
        answerable=record["answerable"],
        kind=record["kind"],
        line=line,
        pair=pair,
    )
    _check_consistency(item, where)
    return item


def _check_consistency(item: Item, where: str) -> None:
    if not item.id:
        raise DatasetError(f"{where}: the id is empty; give every item a unique id such as 'rel-001'.")
    if not item.question:
        raise DatasetError(f"{where}: the question is empty; write the question as a user would ask it.")
    if item.kind not in KINDS:
        raise DatasetError(f"{where}: unknown kind {item.kind!r}; use one of {', '.join(KINDS)}.")
    if item.answerable:
        if not item.answers or not item.support or not item.source:
            raise DatasetError(f"{where}: an answerable item needs answers, support and a source.")
        if item.kind == "unanswerable":
            raise DatasetError(f"{where}: an answerable item cannot have the kind 'unanswerable'.")
        blank = next((answer for answer in item.answers if not normalize(answer)), None)
        if blank is not None:
            raise DatasetError(f"{where}: the answer {blank!r} has no letters or digits, so nothing could match it.")
    elif item.answers or item.support or item.source or item.kind != "unanswerable":
        raise DatasetError(
            f"{where}: an unanswerable item must have empty answers, support and source, and the kind 'unanswerable'."
        )


def check_support(dataset: Dataset, documents: Callable[[str], Document]) -> None:
    """Raise a ``DatasetError`` unless every support string occurs in its item's source document.

    ``documents`` looks a source up, like ``knowledge.get_document``; a source it cannot find
    (any ``PressroomError``) is reported as not indexed. Whitespace differences are tolerated.
    """
    texts: dict[str, str] = {}
    for item in dataset.answerable:
        if item.source not in texts:
            try:
                texts[item.source] = documents(item.source).text
            except PressroomError:
                raise DatasetError(
                    f"{dataset.path}, line {item.line}: the source {item.source!r} is not indexed; "
                    "ingest it or fix the source."
                ) from None
        for support in item.support:
            if not support_spans(texts[item.source], support):
                raise DatasetError(
                    f"{dataset.path}, line {item.line}: the support {support!r} does not occur in {item.source}; "
                    "copy it exactly from the document."
                )

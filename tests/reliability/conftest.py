"""Helpers for the reliability tests: generated corpora, the CLI in a subprocess, index invariants.

Everything these tests feed Pressroom is generated here from a seed, so a failure can be replayed.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from knowledge import Index, Settings
from knowledge.chunking import chunk_document
from knowledge.embedding import HashingEmbedder

PRESSROOM = Path(sys.executable).with_name("pressroom")
ROOT = Path(__file__).resolve().parents[2]

_WORDS = [
    "committee",
    "budget",
    "ministry",
    "justice",
    "report",
    "agency",
    "partner",
    "region",
    "village",
    "school",
    "water",
    "health",
    "trafficking",
    "migration",
    "border",
    "training",
    "project",
    "plan",
    "review",
    "audit",
    "council",
    "harvest",
    "market",
    "road",
    "clinic",
    "court",
    "police",
    "station",
    "survey",
    "grant",
    "funding",
    "donor",
    "office",
    "meeting",
    "session",
    "workshop",
]
_PLACES = ["Bamako", "Dakar", "Accra", "Niamey", "Kayes", "Mopti", "Segou", "Gao", "Tombouctou", "Sikasso"]
_MONTHS = ["January", "March", "May", "July", "September", "November"]


def sentence(rng: random.Random, serial: int) -> str:
    words = [rng.choice(_WORDS) for _ in range(rng.randint(8, 16))]
    return (
        f"The {words[0]} {words[1]} in {rng.choice(_PLACES)} met on {rng.randint(1, 28)} {rng.choice(_MONTHS)} "
        f"{rng.randint(2015, 2025)} about {' '.join(words[2:])} (item {serial})."
    )


def document_text(rng: random.Random, number: int, sentences: int) -> str:
    title = f"Field Report Number {number} On {rng.choice(_WORDS).title()} And {rng.choice(_WORDS).title()}"
    body = " ".join(sentence(rng, number * 1000 + i) for i in range(sentences))
    return f"{title}\n\n{body}\n"


def make_corpus(folder: Path, files: int, seed: int, sentences: tuple[int, int] = (6, 30)) -> dict[str, Path]:
    """``files`` press notes (.txt, a few .md and .html) under ``folder``, by name."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    made: dict[str, Path] = {}
    for number in range(files):
        text = document_text(rng, number, rng.randint(*sentences))
        kind = ("txt", "txt", "txt", "md", "html")[number % 5]
        path = folder / f"note-{number:03d}.{kind}"
        if kind == "html":
            title, body = text.split("\n\n", 1)
            text = f"<html><head><title>{title}</title></head><body><h1>{title}</h1><p>{body}</p></body></html>"
        path.write_text(text, encoding="utf-8")
        made[path.name] = path
    return made


def edit_in_place(path: Path, seed: int) -> None:
    """Change a file's words but not its length, so its chunk count stays the same."""
    rng = random.Random(seed)
    text = path.read_text(encoding="utf-8")
    swaps = [("Bamako", "Abidja"), ("budget", "ledger"), ("report", "record"), ("market", "museum")]
    old, new = rng.choice(swaps)
    if old not in text:
        old, new = "met on", "sat on"
    path.write_text(text.replace(old, new), encoding="utf-8")


def pressroom(
    *args: str, home: Path, timeout: float = 180, env: dict[str, str] | None = None, **kwargs: object
) -> subprocess.CompletedProcess[str]:
    """Run the ``pressroom`` console script with the fake model on ``home`` (the caller checks its exit code)."""
    environment = {**os.environ, "PRESSROOM_HOME": str(home), "PRESSROOM_MODEL": "hashing", **(env or {})}
    return subprocess.run(
        [str(PRESSROOM), *args], check=False, env=environment, capture_output=True, text=True, timeout=timeout, **kwargs
    )  # type: ignore[call-overload]


def spawn(*args: str, home: Path, env: dict[str, str] | None = None, python: bool = False) -> subprocess.Popen[str]:
    environment = {**os.environ, "PRESSROOM_HOME": str(home), "PRESSROOM_MODEL": "hashing", **(env or {})}
    command = [sys.executable, *args] if python else [str(PRESSROOM), *args]
    return subprocess.Popen(
        command, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT
    )


def kill_after(process: subprocess.Popen[str], delay: float) -> bool:
    """SIGKILL ``process`` after ``delay`` seconds; False when it had already finished."""
    deadline = time.monotonic() + delay
    while time.monotonic() < deadline:
        if process.poll() is not None:
            process.communicate()
            return False
        time.sleep(0.01)
    finished = process.poll() is not None
    if not finished:
        process.send_signal(signal.SIGKILL)
    process.communicate()
    return not finished


def stop(process: subprocess.Popen[str], timeout: float = 30) -> str:
    """Ask a server to stop (SIGTERM), kill it if it does not; returns what it printed."""
    process.terminate()
    try:
        return process.communicate(timeout=timeout)[0] or ""
    except subprocess.TimeoutExpired:
        process.kill()
        return process.communicate()[0] or ""


def open_index(home: Path) -> Index:
    """A fresh ``Index`` object on ``home`` with the fake model, as a new process would open it."""
    return Index(Settings(home=home, model="hashing"), embedder=HashingEmbedder())


@dataclass(frozen=True)
class State:
    """What an index holds, to compare two indexes: documents' text by source, chunk ids."""

    texts: dict[str, str]
    chunk_ids: frozenset[str]


def check_invariants(index: Index) -> State:
    """Assert that ``index`` holds each chunk exactly once, in step with its documents and the lexical index."""
    store = index.store
    records = store.document_records()
    raw_ids = store._chunks.get(include=[])["ids"]  # every id Chroma holds, duplicates included
    assert len(raw_ids) == len(set(raw_ids)) == store.chunk_count(), "Chroma holds a chunk id twice"
    assert store.chunk_count() == sum(record.chunks for record in records), (
        "chunks do not add up to the documents' counts"
    )
    texts: dict[str, str] = {}
    expected: set[str] = set()
    for record in records:
        document = store.get_document(record.source)
        assert document is not None
        chunks = chunk_document(document)
        assert len(chunks) == record.chunks, (
            f"{record.source}: the record counts {record.chunks} chunks, the text makes {len(chunks)}"
        )
        stored = store.get_chunks([chunk.id for chunk in chunks])
        assert set(stored) == {chunk.id for chunk in chunks}, f"{record.source}: chunks missing from Chroma"
        for chunk in stored.values():
            assert document.text[chunk.start : chunk.end] == chunk.text
        texts[record.source] = document.text
        expected.update(stored)
    assert set(raw_ids) == expected, "Chroma holds chunks of no document (orphans) or stale chunks"
    lexical = index.lexical.ids()
    assert lexical == expected, (
        f"lexical index: {len(lexical - expected)} orphan entries, {len(expected - lexical)} missing"
    )
    assert index.lexical.count() == len(expected)
    return State(texts, frozenset(expected))


def usable(index: Index) -> None:
    """The index opens and answers: listing, search and every passage's document resolve."""
    index.sources()
    for question in ("When did the committee meet about the budget?", "trafficking plan launch"):
        for passage in index.search(question, k=8):
            document = index.get_document(passage.source)
            assert document.text[passage.start : passage.end] == passage.text


def json_of(result: subprocess.CompletedProcess[str]) -> dict[str, object]:
    assert result.returncode == 0, f"exit {result.returncode}: {result.stderr}"
    return json.loads(result.stdout)


@pytest.fixture
def corpus(tmp_path: Path) -> dict[str, Path]:
    return make_corpus(tmp_path / "corpus", files=12, seed=7)


@pytest.fixture
def filled(fake_index: Index, tmp_path: Path) -> Index:
    """The release, five notes and one file added through the chat (kept under uploads/): what an
    archive must carry."""
    fake_index.ingest([*make_corpus(tmp_path / "notes", files=5, seed=3).values()])
    uploads = fake_index.settings.home / "uploads"
    uploads.mkdir(parents=True)
    (uploads / "Memo été 2024.txt").write_text(
        "Memo From The Board\n\nThe board met in Gao on 2 June 2024 to approve the grant.\n"
    )
    fake_index.ingest([uploads / "Memo été 2024.txt"])
    return fake_index


def other_home(tmp_path: Path, name: str = "elsewhere") -> Index:
    """An index in another home under ``tmp_path``: where an archive is imported."""
    return open_index(tmp_path / name)

"""Pressroom against a real Chroma server (``chroma run`` on a free loopback port).

The core ingest and ask tests of ``tests/knowledge/test_index.py`` and
``tests/assistant/test_ask.py`` run here again with their index fixtures pointed at the server;
the tests below check what only a shared server can break: several Pressroom processes, each
with its own data folder (its own lexical index), writing to and reading from one store.
"""

from __future__ import annotations

import inspect
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bench.chroma_server import free_port, running_server
from knowledge import Index, Settings
from knowledge.embedding import Embedder, HashingEmbedder
from knowledge.errors import IndexEmptyError, StoreError
from tests.assistant import test_ask
from tests.knowledge import test_index

pytestmark = pytest.mark.integration

NOTE = "Press note\nThe committee met in Dakar on 3 May 2024. It approved the budget of 2 million euros.\n"
SERVER_FIXTURES = {"fake_index", "real_index", "shared_real_index", "use_fake_model"}


# ---- the server ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One ``chroma run`` for the session; each test empties it first (see ``chroma_url``)."""
    with running_server(tmp_path_factory.mktemp("chroma-server")) as url:
        yield url


@pytest.fixture(scope="session")
def admin(chroma_server: str) -> Any:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    host, port = chroma_server.removeprefix("http://").split(":")
    return chromadb.HttpClient(host=host, port=int(port), settings=ChromaSettings(anonymized_telemetry=False))


@pytest.fixture
def chroma_url(chroma_server: str, admin: Any, monkeypatch: pytest.MonkeyPatch) -> str:
    """The server, emptied, and selected for code that reads ``PRESSROOM_CHROMA_URL``."""
    for collection in admin.list_collections():
        admin.delete_collection(collection if isinstance(collection, str) else collection.name)
    monkeypatch.setenv("PRESSROOM_CHROMA_URL", chroma_server)
    return chroma_server


# ---- the shared fixtures of the core tests, pointed at the server ---------------------------


@pytest.fixture
def fake_index(pressroom_home: Path, fake_embedder: Embedder, chroma_url: str) -> Index:
    return Index(Settings(home=pressroom_home, model="hashing", chroma_url=chroma_url), embedder=fake_embedder)


@pytest.fixture
def real_index(pressroom_home: Path, real_embedder: Embedder, chroma_url: str) -> Index:
    return Index(Settings(home=pressroom_home, chroma_url=chroma_url), embedder=real_embedder)


@pytest.fixture
def shared_real_index(tmp_path: Path, real_embedder: Embedder, chroma_url: str) -> Index:
    index = Index(Settings(home=tmp_path / "shared-home", chroma_url=chroma_url), embedder=real_embedder)
    index.ensure_default()
    return index


@pytest.fixture
def use_fake_model(monkeypatch: pytest.MonkeyPatch, chroma_url: str) -> None:
    monkeypatch.setenv("PRESSROOM_MODEL", "hashing")


def _core_tests(module: Any) -> dict[str, Any]:
    """The module's tests that use an index fixture (and so run against the server here)."""
    return {
        name: function
        for name, function in vars(module).items()
        if name.startswith("test_")
        and inspect.isfunction(function)
        and SERVER_FIXTURES & set(inspect.signature(function).parameters)
    }


# Collected in this module, so they use the fixtures above.
globals().update(_core_tests(test_index))
globals().update(_core_tests(test_ask))


# ---- several processes, one server ----------------------------------------------------------


def machine(name: str, tmp_path: Path, url: str) -> Index:
    """A Pressroom process on another machine: its own data folder and lexical index, the same server."""
    return Index(Settings(home=tmp_path / name, model="hashing", chroma_url=url), embedder=HashingEmbedder())


def lexical_sources(index: Index, words: str) -> set[str]:
    """The documents whose chunks the (refreshed) lexical index finds for ``words``."""
    hits = {chunk_id for chunk_id, _ in index.current_lexical().search(words, 50)}
    return {chunk.source for chunk in index.store.get_chunks(sorted(hits)).values()}


def test_the_store_is_the_server_and_nothing_is_stored_locally(fake_index: Index, chroma_url: str) -> None:
    assert fake_index.store.remote
    assert type(fake_index.store._client).__name__ != "PersistentClient"
    fake_index.ensure_default()
    assert not (fake_index.settings.home / "chroma").exists()
    assert [s.source for s in fake_index.sources()] == ["iom-mali-trafficking-2023"]


def test_a_document_ingested_elsewhere_is_found_by_both_rankings(chroma_url: str, tmp_path: Path) -> None:
    here, there = machine("here", tmp_path, chroma_url), machine("there", tmp_path, chroma_url)
    here.ensure_default()
    assert here.search("committee Dakar", k=1)[0].source == "iom-mali-trafficking-2023"
    (tmp_path / "note.txt").write_text(NOTE)
    assert there.ingest([tmp_path / "note.txt"]).added == 1
    assert here.search("committee Dakar budget", k=1)[0].source == "note"
    assert "note" in lexical_sources(here, "committee Dakar budget")
    assert here.lexical.count() == here.store.chunk_count()


def test_a_document_replaced_elsewhere_with_as_many_chunks_is_refreshed(chroma_url: str, tmp_path: Path) -> None:
    here, there = machine("here", tmp_path, chroma_url), machine("there", tmp_path, chroma_url)
    note = tmp_path / "note.txt"
    note.write_text(NOTE)
    there.ingest([note])
    assert lexical_sources(here, "Dakar") == {"note"}
    note.write_text(NOTE.replace("Dakar", "Timbuktu"))
    assert there.ingest([note]).embedded == 1
    # The counts agree, so only the revision tells that the contents differ.
    assert here.lexical.count() == here.store.chunk_count()
    assert lexical_sources(here, "Timbuktu") == {"note"}
    assert lexical_sources(here, "Dakar") == set()
    assert "met in Timbuktu" in here.search("committee Timbuktu", k=1)[0].text


def test_removal_and_reset_elsewhere_are_seen(chroma_url: str, tmp_path: Path) -> None:
    here, there = machine("here", tmp_path, chroma_url), machine("there", tmp_path, chroma_url)
    (tmp_path / "note.txt").write_text(NOTE)
    there.ingest([tmp_path / "note.txt"])
    assert lexical_sources(here, "Dakar") == {"note"}
    there.remove("note")
    assert lexical_sources(here, "Dakar") == set()
    assert all(p.source != "note" for p in here.search("committee Dakar budget", k=5))
    there.reset()
    with pytest.raises(IndexEmptyError, match="pressroom ingest"):
        here.search("When was the plan launched?")
    assert here.lexical.count() == 0


def test_searching_an_unchanged_store_reads_no_chunk_list(fake_index: Index, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_index.search("When was the plan launched?")
    calls: list[str] = []
    for name in ("chunk_ids", "iter_chunks", "document_records"):
        real = getattr(fake_index.store, name)
        monkeypatch.setattr(
            fake_index.store, name, lambda *a, _real=real, _name=name, **k: calls.append(_name) or _real(*a, **k)
        )
    for question in ("Who chaired the launch ceremony?", "Which country supported it?", "When was it launched?"):
        fake_index.search(question)
    assert calls == []


def test_processes_share_the_server_through_the_command_line(chroma_url: str, tmp_path: Path) -> None:
    (tmp_path / "note.txt").write_text(NOTE)

    def pressroom(home: str, *args: str) -> dict[str, Any]:
        env = {**os.environ, "PRESSROOM_MODEL": "hashing", "PRESSROOM_CHROMA_URL": ""}
        done = subprocess.run(
            [sys.executable, "-m", "ui.cli", "--home", str(tmp_path / home), "--chroma-url", chroma_url, *args],
            capture_output=True, text=True, env=env, timeout=300, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    assert pressroom("writer", "ingest", "--json", str(tmp_path / "note.txt"))["added"] == 1
    answer = pressroom("reader", "ask", "--json", "Where did the committee meet?")
    assert answer["citations"] and answer["citations"][0]["source"] == "note"
    assert "Dakar" in answer["text"]
    listed = {item["source"] for item in pressroom("reader", "sources", "--json")}
    assert listed == {"iom-mali-trafficking-2023", "note"}


def test_an_unreachable_server_is_one_clear_error(tmp_path: Path) -> None:
    index = Index(
        Settings(home=tmp_path, model="hashing", chroma_url=f"http://127.0.0.1:{free_port()}"),
        embedder=HashingEmbedder(),
    )
    with pytest.raises(StoreError, match="chroma run"):
        index.search("When was the plan launched?")

"""Shared fixtures: a fresh PRESSROOM_HOME per test, no network, a fake and a real embedder."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from knowledge import Index, Settings, bundled_path, forget_default_indexes
from knowledge.embedding import Embedder, HashingEmbedder, get_embedder

RELEASE = bundled_path()
LOOPBACK = ("127.", "::1", "localhost")


@pytest.fixture(autouse=True)
def pressroom_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Every test gets its own data directory, so nothing leaks between tests or into the user's."""
    home = tmp_path / "pressroom-home"
    monkeypatch.setenv("PRESSROOM_HOME", str(home))
    monkeypatch.delenv("PRESSROOM_CHROMA_URL", raising=False)
    monkeypatch.delenv("PRESSROOM_MODEL", raising=False)
    yield home
    forget_default_indexes()


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests are offline: any connection to a non-loopback address fails at once."""
    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address: object) -> object:
        host = address[0] if isinstance(address, tuple) else str(address)
        if self.family in (socket.AF_INET, socket.AF_INET6) and not str(host).startswith(LOOPBACK):
            raise OSError(f"network access in tests is blocked: {address!r}")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture
def fake_embedder() -> Embedder:
    return HashingEmbedder()


@pytest.fixture
def use_fake_model(monkeypatch: pytest.MonkeyPatch) -> None:
    """The public API and the CLI (in subprocesses too) use the hashing embedder."""
    monkeypatch.setenv("PRESSROOM_MODEL", "hashing")


@pytest.fixture
def fake_index(pressroom_home: Path, fake_embedder: Embedder) -> Index:
    return Index(Settings(home=pressroom_home, model="hashing"), embedder=fake_embedder)


@pytest.fixture(scope="session")
def real_embedder() -> Embedder:
    embedder = get_embedder("all-minilm-l6-v2")
    embedder.warm_up()
    return embedder


@pytest.fixture
def real_index(pressroom_home: Path, real_embedder: Embedder) -> Index:
    return Index(Settings(home=pressroom_home), embedder=real_embedder)


@pytest.fixture(scope="session")
def shared_real_index(tmp_path_factory: pytest.TempPathFactory, real_embedder: Embedder) -> Index:
    """One real index of the release for the read-only integration tests."""
    index = Index(Settings(home=tmp_path_factory.mktemp("shared-home")), embedder=real_embedder)
    index.ensure_default()
    return index

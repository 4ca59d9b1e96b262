"""Fixtures for the chat tests: a served app on a free loopback port, and documents to upload.

The served apps run in this process (Gradio's server in a thread, ``prevent_thread_lock``) so
they share the session's real embedder; each test module gets its own index and app.
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from knowledge import Index, Settings
from knowledge.embedding import Embedder

# Gradio's queue summarises event timings with a pandas option that pandas 3 deprecates; the
# warning is raised in the server's thread, where it can only print a traceback. Not ours to fix.
GRADIO_NOISE = pytest.mark.filterwarnings("ignore::pandas.errors.Pandas4Warning")

# A memo that tries every trick: live HTML, an event handler, markdown links and images, maths.
# (A backslash at the end of a line joins it to the next: the memo's lines are longer than the code's.)
HOSTILE_MEMO = """Hostile Test Memo About The Audit Committee

The audit committee <script>window.__pwned = "script"</script> met in Geneva on 4 March 2024 to review the accounts.
The auditor <img src=x onerror="window.__pwned='img'"> signed the [final report](javascript:window.__pwned='link') \
and ![a pixel](http://203.0.113.9/pixel.png) approved it, **without** $$x^2$$ reservations.
"""
HOSTILE_QUESTION = "When did the audit committee meet to review the accounts?"

# A document the release knows nothing about, to show that an upload becomes answerable.
WATER_REPORT = """Rainwater Harvesting Pilot in Kayes Region

The rainwater harvesting pilot in the Kayes region installed 48 cisterns in village schools during 2024.
Each cistern stores about ten thousand litres of water for the dry season.
"""
WATER_QUESTION = "How many cisterns did the rainwater harvesting pilot install?"


def free_port() -> int:
    """A TCP port nobody is listening on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Served:
    """A chat app running on ``url`` over ``index``."""

    url: str
    index: Index
    app: Any

    @property
    def home(self) -> Path:
        return self.index.settings.home


def serve_in_process(index: Index) -> Served:
    """Launch the chat as ``pressroom chat`` would (same options), on a free loopback port."""
    from ui.app import build_app, launch_options

    port = free_port()
    options = launch_options("127.0.0.1", port, share=False)
    app = build_app(index, stream_delay=0.0).queue(default_concurrency_limit=1)
    app.launch(prevent_thread_lock=True, **options)
    return Served(f"http://127.0.0.1:{port}/", index, app)


@pytest.fixture(scope="module")
def release_app(tmp_path_factory: pytest.TempPathFactory, real_embedder: Embedder) -> Iterator[Served]:
    """The chat over the bundled release, with the real model (what users get)."""
    index = Index(Settings(home=tmp_path_factory.mktemp("ui-home")), embedder=real_embedder)
    index.ensure_default()
    served = serve_in_process(index)
    yield served
    served.app.close()


@pytest.fixture
def write_file(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write ``text`` to a new file called ``name`` and return its path."""

    def write(name: str, text: str) -> Path:
        path = tmp_path / "files" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    return write

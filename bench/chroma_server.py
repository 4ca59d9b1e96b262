"""A real Chroma server for the benchmarks and the tests: ``chroma run`` from this virtual environment.

>>> with running_server(tmp_path) as url:        # doctest: +SKIP
...     Index(Settings(home=home, chroma_url=url)).search("When was the plan launched?")

The server listens on a free loopback port and keeps its data in a folder of its own; it is
stopped (and waited for) when the block ends, even after a failure.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path


def free_port() -> int:
    """A TCP port nobody is listening on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def chroma_executable() -> str:
    """The ``chroma`` command installed with chromadb next to this Python (the project's set-up)."""
    beside = Path(sys.executable).with_name("chroma")
    found = str(beside) if beside.exists() else shutil.which("chroma")
    if not found:
        raise RuntimeError("The `chroma` command is missing: run `make setup` (chromadb installs it).")
    return found


@contextlib.contextmanager
def running_server(folder: Path, timeout: float = 60.0) -> Iterator[str]:
    """Start ``chroma run`` with its data in ``folder``; yields its URL once it answers a heartbeat."""
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = folder / "chroma.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [chroma_executable(), "run", "--host", "127.0.0.1", "--port", str(port), "--path", str(folder / "data")],
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "ANONYMIZED_TELEMETRY": "False", "NO_COLOR": "1"},
            start_new_session=True,  # its own process group: stopped as one, never by name
        )
        try:
            _wait_until_ready(url, process, log_path, timeout)
            yield url
        finally:
            stop_process_group(process)


def _wait_until_ready(url: str, process: subprocess.Popen[bytes], log_path: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"chroma run exited with code {process.returncode}:\n{_tail(log_path)}")
        try:
            with urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    stop_process_group(process)
    raise RuntimeError(f"chroma run did not answer on {url} within {timeout:.0f} s:\n{_tail(log_path)}")


def stop_process_group(process: subprocess.Popen[bytes], timeout: float = 10) -> None:
    """Stop a server started in a process group of its own: SIGTERM, then SIGKILL after ``timeout`` seconds."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=timeout)


def _tail(path: Path, lines: int = 20) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])

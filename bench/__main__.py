"""``python -m bench``: run the benchmarks, print each figure with its floor and ratio, write the results.

    python -m bench                      # everything (what `make bench` runs)
    python -m bench --only warm scale    # some of them
    python -m bench --quick              # smaller sizes, to try the machinery

Results: ``bench/results/bench-<time>.json`` and ``.md`` (and ``latest.json`` / ``latest.md``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

for _name, _value in (
    ("HF_HUB_OFFLINE", "1"),
    ("TRANSFORMERS_OFFLINE", "1"),
    ("ANONYMIZED_TELEMETRY", "False"),
    ("TOKENIZERS_PARALLELISM", "false"),
    ("OMP_WAIT_POLICY", "PASSIVE"),  # what Pressroom sets before torch loads (knowledge.index.on_model_thread)
):
    os.environ.setdefault(_name, _value)

from bench.figures import Figure

RESULTS = Path(__file__).resolve().parent / "results"
ORDER = ("warm", "ingest", "scale", "process")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--only", nargs="+", choices=ORDER, default=list(ORDER), help="run only these benchmarks")
    parser.add_argument("--quick", action="store_true", help="small sizes: checks the machinery, not the machine")
    parser.add_argument("--out", type=Path, default=RESULTS, help=f"where results go (default {RESULTS})")
    args = parser.parse_args(argv)

    from knowledge import get_embedder

    started = time.perf_counter()
    environment = _environment()
    print(f"Pressroom benchmarks on {environment['cpus']} CPUs, load average {environment['load_before']}", flush=True)
    work = Path(tempfile.mkdtemp(prefix="pressroom-bench-"))
    embedder = get_embedder("all-minilm-l6-v2")
    embedder.warm_up()
    figures: list[Figure] = []
    timings: dict[str, float] = {}
    try:
        steps: dict[str, Callable[[], list[Figure]]] = {
            "warm": lambda: _warm(work, embedder, args.quick),
            "ingest": lambda: _ingest(work, embedder, args.quick),
            "scale": lambda: _scale(work, embedder, args.quick),
            "process": lambda: _process(work, embedder, args.quick),
        }
        for name in ORDER:
            if name not in args.only:
                continue
            print(f"\n== {name}", flush=True)
            start = time.perf_counter()
            for figure in steps[name]():
                figures.append(figure)
                print(figure.line(), flush=True)
            timings[name] = round(time.perf_counter() - start, 1)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    environment["load_after"] = _load()
    environment["seconds"] = round(time.perf_counter() - started, 1)
    environment["seconds_per_benchmark"] = timings
    json_path, markdown_path = write(figures, environment, args.out)
    missed = [f.name for f in figures if f.met is False]
    print(f"\n{len(figures)} figures in {environment['seconds']:.0f} s; written to {json_path} and {markdown_path}")
    if missed:
        print("targets missed: " + "; ".join(missed))
    return 0


def _warm(work: Path, embedder: object, quick: bool) -> list[Figure]:
    from bench import warm

    return warm.run(work, embedder, count=20 if quick else 100)  # type: ignore[arg-type]


def _ingest(work: Path, embedder: object, quick: bool) -> list[Figure]:
    from bench import ingest

    return ingest.run(work, embedder, documents=100 if quick else 1000)  # type: ignore[arg-type]


def _scale(work: Path, embedder: object, quick: bool) -> list[Figure]:
    from bench import scale

    sizes = (300, 1_000, 3_000) if quick else scale.SIZES
    return scale.run(work, embedder, sizes=sizes, count=10 if quick else 40)  # type: ignore[arg-type]


def _process(work: Path, embedder: object, quick: bool) -> list[Figure]:
    from bench import process
    from knowledge import Index, Settings

    home = work / "release"  # made by the warm benchmark; made here when it did not run
    Index(Settings(home=home), embedder=embedder).ensure_default()  # type: ignore[arg-type]
    return process.run(work, home, repeats=1 if quick else 3)


def write(figures: list[Figure], environment: dict[str, object], folder: Path) -> tuple[Path, Path]:
    """The figures as JSON and as a Markdown table; also copied to ``latest.json`` / ``latest.md``."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    json_path, markdown_path = folder / f"bench-{stamp}.json", folder / f"bench-{stamp}.md"
    json_path.write_text(
        json.dumps({"environment": environment, "figures": [f.as_dict() for f in figures]}, indent=2) + "\n"
    )
    markdown_path.write_text(markdown(figures, environment))
    shutil.copyfile(json_path, folder / "latest.json")
    shutil.copyfile(markdown_path, folder / "latest.md")
    return json_path, markdown_path


def markdown(figures: list[Figure], environment: dict[str, object]) -> str:
    lines = [
        "# Pressroom benchmarks",
        "",
        (
            f"{environment['when']} · commit {environment['commit']} · {environment['cpus']} CPUs · "
            f"Python {environment['python']} · load average {environment['load_before']} before, "
            f"{environment.get('load_after', '?')} after · {environment.get('seconds', '?')} s"
        ),
        "",
        "| figure | value | floor | ratio | target | note |",
        "| --- | ---: | --- | ---: | --- | --- |",
    ]
    for f in figures:
        floor = f"{f.floor:g} {f.unit} ({f.floor_label})" if f.floor is not None else ""
        ratio = f"{f.ratio:.2f}" if f.ratio is not None else ""
        verdict = {True: "met", False: "**missed**", None: ""}[f.met]
        target = f"{f.target} {verdict}".strip() if f.target else ""
        lines.append(f"| {f.name} | {f.value:g} {f.unit} | {floor} | {ratio} | {target} | {f.note} |")
    return "\n".join(lines) + "\n"


def _load() -> str:
    try:
        return " ".join(f"{value:.1f}" for value in os.getloadavg())
    except OSError:
        return "?"


def _environment() -> dict[str, object]:
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=False,
            cwd=Path(__file__).parent,
        ).stdout.strip()
    except OSError:
        commit = ""
    return {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": commit or "?",
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_before": _load(),
    }


if __name__ == "__main__":
    sys.exit(main())

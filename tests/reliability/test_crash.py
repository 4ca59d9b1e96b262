"""Crash safety: SIGKILL ``pressroom`` mid-write, then the index opens, a re-run completes, and
the index holds each chunk exactly once with no orphan lexical entries.

Two kinds of kill: at a random moment of a real run (seeded, so a failure replays), and at named
points between the steps of a write (``tests/reliability/killpoint.py``), where a random moment
would rarely land. Each run starts from the same corpus path, so that the reference index (the
same commands, never killed) can be compared document by document and chunk id by chunk id.
"""

from __future__ import annotations

import json
import random
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.reliability.conftest import (
    State,
    check_invariants,
    edit_in_place,
    json_of,
    kill_after,
    make_corpus,
    open_index,
    pressroom,
    spawn,
    usable,
)

pytestmark = pytest.mark.slow
RESULTS = Path(__file__).resolve().parents[1] / "artifacts" / "crash-runs.jsonl"


@dataclass
class Scene:
    """A corpus folder at a fixed path, its two versions, and the reference states (never killed)."""

    root: Path
    corpus: Path
    v1: Path
    v2: Path
    base_v1: Path  # a home with v1 ingested, copied before each "modify" run
    state_v1: State
    state_v2: State
    seconds: float  # a full cold ingest of v1, start to exit

    def use(self, version: Path) -> None:
        shutil.rmtree(self.corpus, ignore_errors=True)
        shutil.copytree(version, self.corpus)

    def fresh_home(self, name: str) -> Path:
        return self.root / "homes" / name

    def home_with_v1(self, name: str) -> Path:
        home = self.fresh_home(name)
        shutil.copytree(self.base_v1, home)
        (home / ".write.lock").unlink(missing_ok=True)
        return home


@pytest.fixture(scope="module")
def scene(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scene]:
    root = tmp_path_factory.mktemp("crash")
    v1 = root / "v1"
    files = make_corpus(v1, files=30, seed=11)
    v2 = root / "v2"
    shutil.copytree(v1, v2)
    for number, name in enumerate(sorted(files)[:8]):  # edited in place: same chunk counts, new chunk ids
        edit_in_place(v2 / name, seed=number)
    (v2 / max(files)).unlink()  # one file gone from the folder (the last by name)
    make_corpus(root / "extra", files=2, seed=99)
    shutil.copy(root / "extra" / "note-001.txt", v2 / "note-new.txt")  # and one new
    scene = Scene(root, root / "corpus", v1, v2, root / "base-v1", State({}, frozenset()), State({}, frozenset()), 0.0)
    scene.use(v1)
    started = time.monotonic()
    report = json_of(pressroom("ingest", "--json", str(scene.corpus), home=scene.base_v1))
    scene.seconds = time.monotonic() - started
    assert report["errors"] == [] and report["added"] == 30
    scene.state_v1 = check_invariants(open_index(scene.base_v1))
    reference = scene.home_with_v1("reference-v2")
    scene.use(v2)
    report = json_of(pressroom("ingest", "--json", str(scene.corpus), home=reference))
    assert (report["added"], report["removed"]) == (9, 1)
    scene.state_v2 = check_invariants(open_index(reference))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text("")
    yield scene


def after_the_kill(
    scene: Scene, home: Path, expected: State, command: tuple[str, ...], note: dict[str, object]
) -> None:
    """The checks every killed run must pass."""
    opened = open_index(home)
    usable(opened)  # opens, lists, searches; every passage's document resolves
    check_invariants(open_index(home))  # consistent already, before any re-run
    rerun = pressroom(*command, home=home)
    assert rerun.returncode == 0, rerun.stderr
    assert "Traceback" not in rerun.stderr
    if "--json" in command:
        assert json.loads(rerun.stdout)["errors"] == []
    state = check_invariants(open_index(home))
    assert state == expected, "after the re-run the index differs from one that was never killed"
    with RESULTS.open("a") as log:
        log.write(json.dumps({**note, "result": "consistent, re-run completed, same as never killed"}) + "\n")


# ---- at a random moment of a run ------------------------------------------------------------------


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_sigkill_at_a_random_moment_of_a_first_ingest(scene: Scene, seed: int) -> None:
    rng = random.Random(seed)
    scene.use(scene.v1)
    home = scene.fresh_home(f"fresh-{seed}")
    delay = rng.uniform(0.2, 0.85) * scene.seconds
    killed = kill_after(spawn("ingest", "--json", str(scene.corpus), home=home), delay)
    assert killed, f"the run finished within {delay:.2f}s, before the kill"
    note = {"run": f"first ingest, random seed {seed}", "killed_at_s": round(delay, 2), "killed": killed}
    after_the_kill(scene, home, scene.state_v1, ("ingest", "--json", str(scene.corpus)), note)


@pytest.mark.parametrize("seed", [4, 5])
def test_sigkill_at_a_random_moment_of_a_re_ingest_of_changed_files(scene: Scene, seed: int) -> None:
    rng = random.Random(seed)
    scene.use(scene.v1)
    home = scene.home_with_v1(f"modify-{seed}")
    scene.use(scene.v2)
    delay = rng.uniform(0.35, 0.9) * scene.seconds * 0.6  # a re-ingest writes a third of the files
    killed = kill_after(spawn("ingest", "--json", str(scene.corpus), home=home), delay)
    assert killed, f"the run finished within {delay:.2f}s, before the kill"
    note = {"run": f"re-ingest of edited files, random seed {seed}", "killed_at_s": round(delay, 2), "killed": killed}
    after_the_kill(scene, home, scene.state_v2, ("ingest", "--json", str(scene.corpus)), note)


# ---- at named points between the steps of a write ---------------------------------------------


KILL_POINTS = [
    # (fault, version the home starts from, corpus version ingested, kill point)
    (
        "first use: the bundled release's chunks written, its record not",
        "empty",
        "v1",
        "knowledge.store:ChromaStore.add_chunks:after:1",
    ),
    # Ingest writes the documents of a batch together: one add_chunks, one put_documents per batch.
    (
        "new documents' chunks written, their record not (chunks of no document)",
        "empty",
        "v1",
        "knowledge.store:ChromaStore.add_chunks:after:2",
    ),
    (
        "documents' records written, their lexical entries not",
        "empty",
        "v1",
        "knowledge.store:ChromaStore.put_documents:after:2",
    ),
    (
        "inside the lexical index's transaction, before COMMIT",
        "empty",
        "v1",
        "knowledge.lexical:LexicalIndex._bump:before:3",
    ),
    (
        "edited file: new chunks in, stale chunks out, old record kept",
        "v1",
        "v2",
        "knowledge.store:ChromaStore.delete_chunks:after:2",
    ),
    (
        "edited file: new record, lexical index still the old one (same counts)",
        "v1",
        "v2",
        "knowledge.store:ChromaStore.put_documents:after:1",
    ),
    (
        "vanished file: its chunks deleted, its record not",
        "v1",
        "v2",
        "knowledge.store:ChromaStore.delete_document:before:1",
    ),
]


@pytest.mark.parametrize(
    "fault, start, version, spec", KILL_POINTS, ids=[spec.split(":", 1)[1] for *_, spec in KILL_POINTS]
)
def test_sigkill_between_the_steps_of_an_ingest(scene: Scene, fault: str, start: str, version: str, spec: str) -> None:
    scene.use(scene.v1)
    name = spec.replace(":", "_")
    home = scene.fresh_home(name) if start == "empty" else scene.home_with_v1(name)
    scene.use(scene.v2 if version == "v2" else scene.v1)
    killed = spawn(
        "-m", "tests.reliability.killpoint", spec, "--", "ingest", "--json", str(scene.corpus), home=home, python=True
    )
    killed.communicate(timeout=180)
    assert killed.returncode == -9, f"the kill point {spec} was never reached"
    expected = scene.state_v2 if version == "v2" else scene.state_v1
    after_the_kill(
        scene,
        home,
        expected,
        ("ingest", "--json", str(scene.corpus)),
        {"run": fault, "kill_point": spec, "killed": True},
    )


@pytest.mark.parametrize(
    "fault, command, spec",
    [
        ("reset: Chroma emptied, lexical index not", ("reset", "--yes"), "knowledge.store:ChromaStore.reset:after:1"),
        (
            "remove: chunks deleted, record not",
            ("remove", "note-004"),
            "knowledge.store:ChromaStore.delete_chunks:after:1",
        ),
    ],
    ids=["reset", "remove"],
)
def test_sigkill_inside_reset_and_remove(scene: Scene, fault: str, command: tuple[str, ...], spec: str) -> None:
    scene.use(scene.v1)
    home = scene.home_with_v1(command[0])
    killed = spawn("-m", "tests.reliability.killpoint", spec, "--", *command, home=home, python=True)
    killed.communicate(timeout=180)
    assert killed.returncode == -9
    usable_or_empty(home)
    check_invariants(open_index(home))
    rerun = pressroom(*command, home=home)
    assert rerun.returncode == 0, rerun.stderr
    state = check_invariants(open_index(home))
    if command[0] == "reset":
        assert state.texts == {}
    else:
        assert set(state.texts) == set(scene.state_v1.texts) - {"note-004"}
    with RESULTS.open("a") as log:
        log.write(
            json.dumps({"run": fault, "kill_point": spec, "killed": True, "result": "consistent, re-run completed"})
            + "\n"
        )


def usable_or_empty(home: Path) -> None:
    from knowledge.errors import IndexEmptyError

    try:
        usable(open_index(home))
    except IndexEmptyError:
        pass

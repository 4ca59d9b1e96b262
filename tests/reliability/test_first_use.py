"""First use from several processes at once: the index is made once, under the write lock, and
every other process waits for it (saying so after a second) before it reads anything.

The probe's case: on a fresh ``PRESSROOM_HOME``, two ``pressroom ask`` at once made one of them
fail with "unexpected failure (InternalError)" (Chroma: "Error creating hnsw segment reader:
Nothing found on disk"), six times in six: a process that read the chunk collection while another
was still filling it could never search it afterwards.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from knowledge import Index, Settings
from knowledge.embedding import Embedder
from knowledge.writer import INITIALIZED
from tests.reliability.conftest import check_invariants, json_of, make_corpus, open_index, spawn
from tests.reliability.test_locking import hold_the_lock

QUESTION = "When was the plan launched?"
REAL_MODEL = {"PRESSROOM_MODEL": "all-minilm-l6-v2"}


def finished(process: subprocess.Popen[str], timeout: float = 300) -> subprocess.CompletedProcess[str]:
    out, err = process.communicate(timeout=timeout)
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


@pytest.mark.slow
@pytest.mark.integration
def test_two_first_asks_at_once_both_answer_with_the_real_model(tmp_path: Path, real_embedder: Embedder) -> None:
    """The real first-use path: real processes, the bundled model, a fresh home each round."""
    for round_ in range(2):
        home = tmp_path / f"home-{round_}"
        runs = [
            finished(process)
            for process in [spawn("ask", "--json", QUESTION, home=home, env=REAL_MODEL) for _ in range(2)]
        ]
        answers = [json_of(run) for run in runs]  # exit 0, or the stderr of the one that failed
        assert answers[0]["text"] == answers[1]["text"] and answers[0]["citations"], answers[0]
        assert all("error" not in run.stderr for run in runs), [run.stderr for run in runs]
        state = check_invariants(Index(Settings(home=home), embedder=real_embedder))
        assert list(state.texts) == ["iom-mali-trafficking-2023"]  # indexed once


@pytest.mark.slow
def test_an_ingest_and_an_ask_started_together_on_a_fresh_home(tmp_path: Path) -> None:
    """The probe's other case: ``pressroom ingest DIR &`` followed at once by ``pressroom ask``. The
    ingest is held for three seconds as it starts to fill the new store (the real model's first use
    takes that long; the hashing model's would be over before the ask looks)."""
    make_corpus(tmp_path / "notes", files=4, seed=5)
    home = tmp_path / "home"
    pause = "knowledge.store:ChromaStore.add_chunks:pause:3"
    ingest = spawn(
        "-m",
        "tests.reliability.killpoint",
        pause,
        "--",
        "ingest",
        "--json",
        str(tmp_path / "notes"),
        home=home,
        python=True,
    )
    ask = spawn("ask", "--json", "When did the committee meet about the budget?", home=home)
    assert json_of(finished(ingest))["added"] == 4
    answered = finished(ask)
    assert json_of(answered)["passages"] and "error" not in answered.stderr, answered.stderr
    assert len(check_invariants(open_index(home)).texts) == 1 + 4


@pytest.mark.slow
def test_a_command_that_waits_for_the_first_use_says_so_after_a_second(tmp_path: Path) -> None:
    home = tmp_path / "home"
    holder = hold_the_lock(home, 120.0)  # another process is writing to a fresh home (making it, say)
    listing = spawn("sources", "--json", home=home)
    assert listing.stderr is not None
    try:
        note = listing.stderr.readline()  # written after a second of waiting, while the lock is still held
    finally:
        holder.kill()
        holder.wait()
    out, err = listing.communicate(timeout=120)
    assert listing.returncode == 0, err
    assert note.startswith(f"note: Another Pressroom process is writing to {home}; waiting") and err == "", (note, err)
    assert [item["source"] for item in json.loads(out)] == ["iom-mali-trafficking-2023"]


def lock_is_held(home: Path) -> bool:
    """Whether anyone (this process included) holds the index's write lock: flock conflicts between open files."""
    import fcntl

    if not (home / ".write.lock").exists():
        return False
    with open(home / ".write.lock") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
        return False


def test_nothing_reads_the_store_before_it_is_made_under_the_lock(
    fake_index: Index, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The answerer's first read is the lexical index (its word frequencies), before any search: on a
    fresh home even that waits for the first use, which makes the store under the write lock."""
    import knowledge.writer as module

    opened: list[tuple[bool, bool]] = []  # (made if missing, under the lock), per store opened
    original = module.ChromaStore

    def watched(settings: Settings, model: str, create: bool = True) -> object:
        opened.append((create, lock_is_held(settings.home)))
        return original(settings, model, create)

    monkeypatch.setattr(module, "ChromaStore", watched)
    assert fake_index.lexical.count() > 0  # the release, indexed before this first read
    assert opened == [(True, True)]  # made once, by this process, holding the lock
    assert (fake_index.settings.home / INITIALIZED).exists()

    open_index(fake_index.settings.home).search(QUESTION)  # another process, later: it only reads, without the lock
    assert opened[1:] == [(False, False)]


def test_a_store_made_but_not_yet_filled_is_not_read(fake_index: Index) -> None:
    """A collection another process has created but not finished (no revision yet) counts as not made."""
    from knowledge.store import ChromaStore, NotCreated

    home = fake_index.settings.home
    home.mkdir(parents=True)
    (home / INITIALIZED).write_text("as if another process were making the collection right now\n")
    ChromaStore(fake_index.settings, fake_index.embedder.name)  # created, nothing written
    with pytest.raises(NotCreated):
        ChromaStore(fake_index.settings, fake_index.embedder.name, create=False)
    assert [s.source for s in fake_index.sources()] == []  # opened under the lock; the marker says first use was done


# ---- several processes at once, with generated commands ---------------------------------------

QUESTIONS = ["When was the plan launched?", "When did the committee meet about the budget?", "Who chaired it?"]


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Three folders of notes with names of their own (so that any order of ingests gives one index)."""
    root = tmp_path_factory.mktemp("concurrent-notes")
    made = []
    for number in range(3):
        folder = root / f"folder-{number}"
        for path in make_corpus(folder, files=3, seed=60 + number, sentences=(4, 10)).values():
            path.rename(path.with_name(f"f{number}-{path.name}"))
        made.append(folder)
    return made


def command(folders: list[Path], exports: Path) -> st.SearchStrategy[list[str]]:
    ingest = st.lists(st.sampled_from(folders), min_size=1, max_size=2, unique=True).map(
        lambda chosen: ["ingest", "--json", *map(str, chosen)]
    )
    ask = st.sampled_from(QUESTIONS).map(lambda question: ["ask", "--json", question])
    export = st.integers(0, 10**9).map(lambda n: ["export", "--json", str(exports / f"copy-{n}.zip")])
    return st.one_of(ingest, ingest, ask, st.just(["sources", "--json"]), export)


@pytest.mark.slow
@settings(
    max_examples=5,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[
        Phase.explicit,
        Phase.generate,
    ],  # no shrinking: each try starts processes (minutes); the failing commands are shown as found
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_two_to_four_processes_on_a_fresh_home_make_the_index_a_serial_run_makes(
    folders: list[Path], tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    """Started at the same moment on a fresh home, every command succeeds (waiting its turn to write),
    and the index is the one the same commands give one after the other."""
    from ui.cli import main

    root = tmp_path_factory.mktemp("concurrent")
    commands = data.draw(st.lists(command(folders, root), min_size=2, max_size=4), label="commands")
    # Some processes are held a moment as they first write to the store, as a slower model or disk would.
    pauses = data.draw(
        st.lists(st.sampled_from([0.0, 0.0, 1.5]), min_size=len(commands), max_size=len(commands)), label="pauses"
    )
    processes = [
        spawn(
            "-m",
            "tests.reliability.killpoint",
            f"knowledge.store:ChromaStore.add_chunks:pause:{pause}",
            "--",
            *argv,
            home=root / "home",
            python=True,
        )
        for argv, pause in zip(commands, pauses)
    ]
    runs = [finished(process) for process in processes]
    for argv, run in zip(commands, runs):
        assert run.returncode == 0 and "error" not in run.stderr, (argv, run.stderr)
        json.loads(run.stdout)  # whole JSON: nothing else was printed on stdout
    together = check_invariants(open_index(root / "home"))

    saved = {name: os.environ.get(name) for name in ("PRESSROOM_HOME", "PRESSROOM_MODEL")}
    try:  # the same commands, one after the other, in this process
        for argv in commands:
            argv = [arg.replace(".zip", "-serial.zip") for arg in argv]
            assert main(["--home", str(root / "serial-home"), "--model", "hashing", *argv]) == 0, argv
    finally:
        for name, value in saved.items():
            os.environ.pop(name, None) if value is None else os.environ.__setitem__(name, value)
    assert together == check_invariants(open_index(root / "serial-home"))

"""Concurrent writers on one PRESSROOM_HOME are serialised by the write lock: the second waits, or
says clearly that another one is running; the index ends up holding everything, once."""

from __future__ import annotations

import itertools
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from knowledge import Index
from knowledge.errors import BusyError
from tests.reliability.conftest import check_invariants, json_of, make_corpus, open_index, pressroom, spawn

HOLD = """
import fcntl, sys, time
from pathlib import Path
home = Path(sys.argv[1]); home.mkdir(parents=True, exist_ok=True)
handle = open(home / ".write.lock", "w")
fcntl.flock(handle, fcntl.LOCK_EX)
print("held", flush=True)
time.sleep(float(sys.argv[2]))
"""


def hold_the_lock(home: Path, seconds: float) -> subprocess.Popen[str]:
    """Another process that holds the index's write lock for ``seconds``."""
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(home), str(seconds)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    return holder


def intervals(log: Path) -> list[tuple[float, float, int]]:
    """``(start, end, pid)`` of every write, from a trace written by ``killpoint``."""
    starts: dict[int, list[float]] = {}
    found = []
    for line in log.read_text().splitlines():
        pid, event, moment = line.split()
        if event == "start":
            starts.setdefault(int(pid), []).append(float(moment))
        else:
            found.append((starts[int(pid)].pop(), float(moment), int(pid)))
    return sorted(found)


@pytest.mark.slow
def test_two_ingests_at_once_take_turns_and_both_complete(tmp_path: Path) -> None:
    make_corpus(tmp_path / "a", files=15, seed=1)
    make_corpus(tmp_path / "b", files=15, seed=2)
    for path in (tmp_path / "b").iterdir():  # other names than folder a's
        path.rename(path.with_name(f"b-{path.name}"))
    home, log = tmp_path / "home", tmp_path / "writes.log"
    trace = f"knowledge.recovery:pending:trace:{log}"
    runs = [
        spawn(
            "-m",
            "tests.reliability.killpoint",
            trace,
            "--",
            "ingest",
            "--json",
            str(tmp_path / name),
            home=home,
            python=True,
        )
        for name in ("a", "b")
    ]
    outputs = [run.communicate(timeout=300) for run in runs]
    for run, (out, err) in zip(runs, outputs):
        assert run.returncode == 0, err
        assert json_of(subprocess.CompletedProcess([], 0, out, err))["errors"] == []
    writes = intervals(log)
    assert {pid for *_, pid in writes} == {run.pid for run in runs}
    for (_, end, pid), (next_start, _, next_pid) in itertools.pairwise(writes):
        assert end <= next_start, f"writes of {pid} and {next_pid} overlapped"
    state = check_invariants(open_index(home))
    assert len(state.texts) == 1 + 30  # the release, indexed once on first use, and both folders


@pytest.mark.slow
def test_a_second_ingest_waits_for_the_first_to_finish(tmp_path: Path) -> None:
    make_corpus(tmp_path / "notes", files=3, seed=3)
    home = tmp_path / "home"
    json_of(pressroom("sources", "--json", home=home))  # first use done: the release is indexed
    holder = hold_the_lock(home, 4.0)
    started = time.monotonic()
    waiting = spawn("ingest", "--json", str(tmp_path / "notes"), home=home)
    out, err = waiting.communicate(timeout=120)
    holder.wait(timeout=10)
    assert waiting.returncode == 0, err
    assert time.monotonic() - started >= 3.5  # it waited rather than writing beside the other
    assert json_of(subprocess.CompletedProcess([], 0, out, err))["added"] == 3
    check_invariants(open_index(home))


def test_a_writer_that_cannot_wait_says_clearly_that_another_is_running(fake_index: Index, tmp_path: Path) -> None:
    fake_index.ensure_default()
    holder = hold_the_lock(fake_index.settings.home, 30.0)
    try:
        with pytest.raises(BusyError) as busy, fake_index.writer.writing(wait=0.5):
            pass
    finally:
        holder.kill()
        holder.wait()
    message = str(busy.value)
    assert message.startswith("Another Pressroom process is writing to ") and message.endswith("try again.")
    assert "\n" not in message


@pytest.mark.slow
def test_the_cli_gives_one_line_when_the_wait_runs_out(tmp_path: Path) -> None:
    home = tmp_path / "home"
    make_corpus(tmp_path / "notes", files=1, seed=4)
    holder = hold_the_lock(home, 60.0)
    short_wait = (
        "import sys, knowledge.writer as w; w.Writer.writing.__wrapped__.__defaults__ = (1.0,);"
        "from ui.cli import main; raise SystemExit(main(sys.argv[1:]))"
    )
    try:
        result = spawn("-c", short_wait, "ingest", str(tmp_path / "notes"), home=home, python=True)
        _, err = result.communicate(timeout=120)
    finally:
        holder.kill()
        holder.wait()
    assert result.returncode == 1
    assert err.startswith("error: Another Pressroom process is writing to ") and err.count("\n") == 1, err


def test_threads_of_one_process_take_turns_too(
    fake_index: Index, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The chat adds uploads from the server's threads: the lock serialises them as it does processes."""
    from knowledge import recovery

    fake_index.ensure_default()
    inside, most = 0, 0
    counter = threading.Lock()
    original = recovery.pending

    def counting(index: Index):  # type: ignore[no-untyped-def]
        nonlocal inside, most
        with original(index):
            with counter:
                inside += 1
                most = max(most, inside)
            time.sleep(0.05)
            yield
            with counter:
                inside -= 1

    import contextlib

    monkeypatch.setattr(recovery, "pending", contextlib.contextmanager(counting))
    folders = [tmp_path / f"f{n}" for n in range(4)]
    for number, folder in enumerate(folders):
        make_corpus(folder, files=3, seed=40 + number)
        for path in folder.iterdir():
            path.rename(path.with_name(f"{folder.name}-{path.name}"))
    errors: list[BaseException] = []

    def ingest(folder: Path) -> None:
        try:
            assert fake_index.ingest([folder]).errors == []
        except BaseException as error:  # noqa: BLE001 - a thread's failure, reported below in the test's thread
            errors.append(error)

    threads = [threading.Thread(target=ingest, args=(folder,)) for folder in folders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == [] and most == 1
    assert len(check_invariants(fake_index).texts) == 1 + 12

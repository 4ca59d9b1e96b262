"""``pressroom export`` / ``pressroom import``: one archive of the whole index, the same index
elsewhere, and an import that never loses the index it replaces (a failure part-way, a kill, its backups).

The archives an import must refuse are in ``test_archive_hostile.py``."""

from __future__ import annotations

import io
import json
import os
import random
import shutil
import time
import zipfile
from pathlib import Path

import pytest

from knowledge import Index
from knowledge.archive import (
    JOURNAL,
    export_archive,
    import_archive,
    read_archive,
)
from knowledge.embedding import HashingEmbedder
from knowledge.errors import ConfigError, StoreError
from knowledge.writer import Writer
from tests.reliability.conftest import (
    check_invariants,
    json_of,
    kill_after,
    make_corpus,
    open_index,
    other_home,
    pressroom,
    spawn,
    usable,
)


def test_export_then_import_elsewhere_gives_the_same_index(filled: Index, tmp_path: Path) -> None:
    before = check_invariants(filled)
    summary = export_archive(filled, tmp_path / "backup.zip")
    assert (summary.documents, summary.chunks, summary.uploads) == (7, len(before.chunk_ids), 1)

    target = other_home(tmp_path)
    imported = import_archive(target, tmp_path / "backup.zip")
    assert imported.documents == 7 and imported.backup is not None and imported.backup.is_file()
    after = check_invariants(open_index(target.settings.home))
    assert after == before  # same texts, same chunk ids
    usable(open_index(target.settings.home))
    # The uploaded file moved with the index, and its document now points at the new home's copy.
    copy = target.settings.home / "uploads" / "Memo été 2024.txt"
    assert copy.read_text().startswith("Memo From The Board")
    memo = open_index(target.settings.home).get_document("memo-été-2024")
    assert memo.path == str(copy.resolve())


def test_vectors_are_reused_not_computed_again(filled: Index, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    export_archive(filled, tmp_path / "backup.zip")
    target = other_home(tmp_path)
    embedded: list[int] = []
    original = HashingEmbedder.embed_batch
    monkeypatch.setattr(
        HashingEmbedder, "embed_batch", lambda self, texts: embedded.append(len(texts)) or original(self, texts)
    )
    import_archive(target, tmp_path / "backup.zip")
    assert sum(embedded) == 1  # the one probe of the vectors' length; every chunk vector came from the archive
    query = filled.embedder.embed_query("board grant Gao")
    assert [c.id for c, _ in target.store.query(query, 5)] == [c.id for c, _ in filled.store.query(query, 5)]


def test_the_cli_exports_and_imports_with_confirmation(tmp_path: Path) -> None:
    home, elsewhere = tmp_path / "home", tmp_path / "elsewhere"
    corpus = make_corpus(tmp_path / "notes", files=3, seed=5)
    json_of(pressroom("ingest", "--json", str(tmp_path / "notes"), home=home))
    exported = json_of(pressroom("export", "--json", str(tmp_path / "a.zip"), home=home))
    assert exported["documents"] == 1 + len(corpus)

    again = pressroom("export", str(tmp_path / "a.zip"), home=home)
    assert again.returncode == 1 and again.stderr.count("\n") == 1 and "already exists" in again.stderr
    assert pressroom("export", "--force", str(tmp_path / "a.zip"), home=home).returncode == 0

    unconfirmed = pressroom("import", str(tmp_path / "a.zip"), home=elsewhere)  # no terminal, no --yes
    assert unconfirmed.returncode == 1 and "--yes" in unconfirmed.stderr and unconfirmed.stderr.count("\n") == 1

    imported = json_of(pressroom("import", "--json", "--yes", str(tmp_path / "a.zip"), home=elsewhere))
    assert imported["documents"] == 1 + len(corpus) and Path(str(imported["backup"])).is_file()
    listed = json_of(pressroom("sources", "--json", home=elsewhere))
    assert sorted(item["source"] for item in listed) == sorted(
        ["iom-mali-trafficking-2023", *(Path(n).stem for n in corpus)]
    )


def test_the_confirmation_prompt_can_say_no(
    filled: Index, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from ui.cli import main

    export_archive(filled, tmp_path / "a.zip")
    monkeypatch.setenv("PRESSROOM_MODEL", "hashing")
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    assert main(["import", str(tmp_path / "a.zip")]) == 1
    assert "Nothing was changed." in capsys.readouterr().out


def test_export_refuses_a_folder_or_a_missing_folder(filled: Index, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="is a folder"):
        export_archive(filled, tmp_path)
    with pytest.raises(ConfigError, match="does not exist"):
        export_archive(filled, tmp_path / "nowhere" / "a.zip")


# ---- failures part-way: the previous index comes back ----------------------------------------------


def test_a_failure_while_loading_restores_the_previous_index(
    filled: Index, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    export_archive(filled, tmp_path / "a.zip")
    target = other_home(tmp_path)
    target.ingest([*make_corpus(tmp_path / "mine", files=4, seed=9).values()])
    (target.settings.home / "uploads").mkdir()
    (target.settings.home / "uploads" / "mine.txt").write_text("Mine\n\nA file of my own that must survive.\n")
    before = check_invariants(target)

    calls = 0
    original = Writer.store_document

    def disk_full_on_the_fourth(self: Writer, document: object, progress: object) -> int:
        nonlocal calls
        calls += 1
        if calls == 4:
            raise OSError(28, "No space left on device")
        return original(self, document, progress)

    monkeypatch.setattr(Writer, "store_document", disk_full_on_the_fourth)
    with pytest.raises(StoreError) as failed:
        import_archive(target, tmp_path / "a.zip")
    assert "No space left on device" in str(failed.value) and "previous index was restored" in str(failed.value)
    monkeypatch.undo()
    assert check_invariants(open_index(target.settings.home)) == before
    assert (target.settings.home / "uploads" / "mine.txt").read_text().startswith("Mine")
    assert not (target.settings.home / JOURNAL).exists()
    assert not list(target.settings.home.glob(".import-uploads-*"))


@pytest.mark.slow
def test_an_import_killed_at_any_moment_leaves_the_old_or_the_new_index(filled: Index, tmp_path: Path) -> None:
    """SIGKILL ``pressroom import`` at random moments: the next process finds the old index (rolled
    back from the backup) or the new one, complete; never a mix, never an empty index."""
    archive = tmp_path / "new.zip"
    make_corpus(tmp_path / "new-notes", files=15, seed=21)
    json_of(pressroom("ingest", "--json", str(tmp_path / "new-notes"), home=tmp_path / "source-home"))
    json_of(pressroom("export", "--json", str(archive), home=tmp_path / "source-home"))
    new = check_invariants(open_index(tmp_path / "source-home"))

    template = tmp_path / "template-home"
    make_corpus(tmp_path / "old-notes", files=6, seed=22)
    json_of(pressroom("ingest", "--json", str(tmp_path / "old-notes"), home=template))
    old = check_invariants(open_index(template))

    started = time.monotonic()  # one import never killed: how long the whole takes
    shutil.copytree(template, tmp_path / "unkilled")
    json_of(pressroom("import", "--json", "--yes", str(archive), home=tmp_path / "unkilled"))
    seconds = time.monotonic() - started
    assert check_invariants(open_index(tmp_path / "unkilled")) == new

    rng = random.Random(8)
    outcomes: list[str] = []
    for run in range(3):
        home = tmp_path / f"run-{run}"
        shutil.copytree(template, home)
        killed = kill_after(spawn("import", "--yes", str(archive), home=home), rng.uniform(0.3, 0.95) * seconds)
        open_index(home).sources()  # the next process to open the index repairs it
        state = check_invariants(open_index(home))
        assert state in (old, new), f"run {run}: the index is neither the old nor the new one"
        assert not (home / JOURNAL).exists()
        usable(open_index(home))
        outcomes.append(("killed, " if killed else "finished, ") + ("old index" if state == old else "new index"))
    assert any(outcome.startswith("killed") for outcome in outcomes), outcomes
    log = Path(__file__).resolve().parents[1] / "artifacts" / "import-kill-runs.json"
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text(json.dumps({"full_import_s": round(seconds, 2), "runs": outcomes}, indent=2))


def test_an_interrupted_import_is_rolled_back_by_the_next_reader(filled: Index, tmp_path: Path) -> None:
    """A kill between the point of no return and the end, at a named step."""
    export_archive(filled, tmp_path / "a.zip")
    home = tmp_path / "victim"
    make_corpus(tmp_path / "old-notes", files=3, seed=4)
    json_of(pressroom("ingest", "--json", str(tmp_path / "old-notes"), home=home))
    old = check_invariants(open_index(home))
    spec = "knowledge.store:ChromaStore.put_documents:after:3"  # three documents of the archive loaded
    killed = spawn(
        "-m",
        "tests.reliability.killpoint",
        spec,
        "--",
        "import",
        "--yes",
        str(tmp_path / "a.zip"),
        home=home,
        python=True,
    )
    killed.communicate(timeout=120)
    assert killed.returncode == -9 and (home / JOURNAL).exists()
    listed = json_of(pressroom("sources", "--json", home=home))  # any command repairs first
    assert sorted(item["source"] for item in listed) == sorted(old.texts)
    assert check_invariants(open_index(home)) == old and not (home / JOURNAL).exists()


def test_a_journal_without_its_backup_is_explained(fake_index: Index) -> None:
    fake_index.ensure_default()
    (fake_index.settings.home / JOURNAL).write_text(json.dumps({"backup": "/nonexistent/backup.zip"}))
    (fake_index.settings.home / ".write.pending").touch()
    with pytest.raises(StoreError, match="interrupted and its backup is missing"):
        open_index(fake_index.settings.home).ingest([Path(os.devnull)])


def test_archive_is_written_whole_or_not_at_all(filled: Index, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "a.zip"
    target.write_bytes(b"an older backup")

    def broken(*args: object, **kwargs: object) -> object:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("knowledge.archive._stored_vectors", broken)
    with pytest.raises(StoreError, match="No space left on device"):
        export_archive(filled, target, overwrite=True)
    assert target.read_bytes() == b"an older backup"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".a.zip")] == []


def test_read_archive_reports_counts(filled: Index, tmp_path: Path) -> None:
    export_archive(filled, tmp_path / "a.zip")
    archive = read_archive(tmp_path / "a.zip")
    try:
        assert archive.documents == 7 and archive.uploads == ["Memo été 2024.txt"]
    finally:
        archive.zip.close()


def test_a_bare_zip_listing_shows_plain_formats(filled: Index, tmp_path: Path) -> None:
    export_archive(filled, tmp_path / "a.zip")
    with zipfile.ZipFile(tmp_path / "a.zip") as archive:
        assert sorted(archive.namelist()) == [
            "documents.jsonl",
            "manifest.json",
            "uploads/Memo été 2024.txt",
            "vectors.jsonl",
        ]
        first = json.loads(io.TextIOWrapper(archive.open("documents.jsonl"), encoding="utf-8").readline())
    assert {"source", "title", "text", "path", "sha256", "pages", "added"} <= set(first)


def test_imports_keep_only_the_last_few_backups(filled: Index, tmp_path: Path) -> None:
    """``backups/`` grew by one zip per import, for ever: now it keeps the newest ``KEEP_BACKUPS``."""
    from knowledge.archive import BACKUPS, KEEP_BACKUPS

    export_archive(filled, tmp_path / "a.zip")
    target = other_home(tmp_path)
    folder = target.settings.home / BACKUPS
    folder.mkdir(parents=True)
    (folder / "my-own-copy.zip").write_bytes(b"kept: not made by an import")
    made = [import_archive(target, tmp_path / "a.zip").backup for _ in range(KEEP_BACKUPS + 2)]
    kept = sorted(folder.glob("before-import-*.zip"))
    assert kept == sorted(made[-KEEP_BACKUPS:])  # the newest, the last import's among them
    assert (folder / "my-own-copy.zip").read_bytes().startswith(b"kept")
    check_invariants(open_index(target.settings.home))


def test_export_never_replaces_a_device_or_a_pipe(filled: Index, tmp_path: Path) -> None:
    """`pressroom export --force /dev/null` renamed the archive over /dev/null (as root). A target that
    exists must be a regular file; a named pipe stands in for the device here (a regression must not
    replace the machine's /dev/null)."""
    os.mkfifo(tmp_path / "pipe.zip")
    with pytest.raises(ConfigError, match="is not a regular file"):
        export_archive(filled, tmp_path / "pipe.zip", overwrite=True)
    assert (tmp_path / "pipe.zip").is_fifo()

"""Walking folders: every file once, hidden ones not at all, and every bad entry one skipped line (issue 20)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from knowledge import Index
from knowledge.sources import discover

GOOD = "The quokka festival is in March.\n"


def folder_with_a_link_loop(tmp_path: Path) -> Path:
    """``d/good1.txt`` and ``d/loop.txt -> loop.txt`` (a link to itself), as in issue 20."""
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "good1.txt").write_text(GOOD)
    (folder / "loop.txt").symlink_to("loop.txt")
    return folder


def test_a_link_loop_in_a_folder_is_one_skipped_entry_and_the_rest_is_read(fake_index: Index, tmp_path: Path) -> None:
    folder = folder_with_a_link_loop(tmp_path)

    report = fake_index.ingest([folder])

    assert report.added == 1 and "good1" in report.sources
    assert [(s.path, s.reason) for s in report.skipped] == [(str(folder / "loop.txt"), "unreadable")]
    assert report.errors == [
        f"{folder / 'loop.txt'}: is a symbolic link that loops back on itself; fix or remove the link."
    ]


def test_a_link_loop_named_directly_says_so(tmp_path: Path) -> None:
    folder = folder_with_a_link_loop(tmp_path)

    found, skipped = discover([folder / "loop.txt"])

    assert found == [] and [s.message for s in skipped] == [
        f"{folder / 'loop.txt'}: is a symbolic link that loops back on itself; fix or remove the link."
    ]


def test_dangling_links_and_missing_paths_are_told_apart(tmp_path: Path) -> None:
    (tmp_path / "dangling.txt").symlink_to(tmp_path / "nowhere.txt")

    _, skipped = discover([tmp_path / "dangling.txt", tmp_path / "missing.txt"])

    assert [s.reason for s in skipped] == ["not found", "not found"]
    assert "is a symbolic link to" in skipped[0].message and "nowhere.txt, which does not exist" in skipped[0].message
    assert skipped[1].message.endswith("missing.txt: no such file or directory; check the path and try again.")


def test_an_unreadable_folder_is_named_and_the_others_are_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("open", "locked"):
        (tmp_path / "root" / name).mkdir(parents=True)
        (tmp_path / "root" / name / "note.txt").write_text(GOOD)
    real_scandir = os.scandir

    def scandir(path):  # type: ignore[no-untyped-def]  # root reads every folder: answer as the kernel does for a user
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    found, skipped = discover([tmp_path / "root"])

    assert found == [tmp_path / "root" / "open" / "note.txt"]
    assert [(s.path, s.reason, s.message) for s in skipped] == [
        (
            str(tmp_path / "root" / "locked"),
            "unreadable",
            (
                f"{tmp_path / 'root' / 'locked'}: the folder cannot be read (permission denied); "
                "make it readable and ingest it again."
            ),
        )
    ]


def test_hidden_files_and_folders_are_not_read_and_an_empty_folder_is_said(tmp_path: Path) -> None:
    (tmp_path / "docs" / ".git").mkdir(parents=True)
    (tmp_path / "docs" / ".git" / "config").write_text(GOOD)
    (tmp_path / "docs" / ".DS_Store").write_bytes(b"\x00\x01")
    (tmp_path / "docs" / "LICENSE").write_text(GOOD)
    (tmp_path / "empty").mkdir()

    found, skipped = discover([tmp_path / "docs", tmp_path / "empty"])

    assert found == [tmp_path / "docs" / "LICENSE"]
    assert [(s.reason, s.message) for s in skipped] == [
        (
            "empty",
            (
                f"{tmp_path / 'empty'}: the folder holds no files to read (hidden files are not read); "
                "add documents to it or name other paths."
            ),
        )
    ]


def test_a_folder_reached_twice_through_links_is_walked_once(tmp_path: Path) -> None:
    (tmp_path / "docs" / "sub").mkdir(parents=True)
    (tmp_path / "docs" / "sub" / "a.txt").write_text(GOOD)
    (tmp_path / "docs" / "sub" / "up").symlink_to("..", target_is_directory=True)
    (tmp_path / "elsewhere").symlink_to(tmp_path / "docs", target_is_directory=True)

    found, skipped = discover([tmp_path / "docs", tmp_path / "elsewhere"])

    assert found == [tmp_path / "docs" / "sub" / "a.txt"] and skipped == []

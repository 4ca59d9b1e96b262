"""What an ingest reads: the files under the folders it is given, web addresses, and what it skips.

Folders are walked in name order, each real folder once (a link back up is not followed twice).
Hidden files and folders (``.git``, ``.venv``, ``.DS_Store``) are not read. Every file is a
candidate, whatever its name: the readers decide by content whether it is text. A path or an
entry that cannot be looked at (a link that loops or points nowhere, a folder without
permission) is one ``Skipped`` entry with its reason, and the walk goes on.

>>> targets, skipped = discover(["https://example.org/news#top", "/no/such/file.txt"])
>>> targets
['https://example.org/news']
>>> [(s.reason, s.message) for s in skipped]
[('not found', '/no/such/file.txt: no such file or directory; check the path and try again.')]
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from pathlib import Path

from knowledge.errors import IngestError
from knowledge.sources.files import path_error, shown
from knowledge.sources.web import is_address, normalise
from knowledge.types import Skipped

Target = Path | str  # a file, or a web address


def discover(paths: Iterable[str | Path]) -> tuple[list[Target], list[Skipped]]:
    """The files under ``paths`` (files and folders, recursively) and web addresses among them,
    each once; and what could not be looked at, with why."""
    found: list[Target] = []
    skipped: list[Skipped] = []
    for raw in paths:
        if is_address(raw):
            try:
                found.append(normalise(str(raw)))
            except IngestError as error:
                skipped.append(skip(str(raw).strip(), error))
            continue
        path = Path(raw).expanduser()
        try:
            status = os.stat(path)
        except (OSError, ValueError) as error:  # ValueError: a name with a NUL byte or an unencodable character
            skipped.append(skip(path, path_error(path, error)))
            continue
        if not stat.S_ISDIR(status.st_mode):
            found.append(path)
            continue
        before = len(found), len(skipped)
        found.extend(_walk(path, skipped))
        if (len(found), len(skipped)) == before:
            message = (
                f"{shown(path)}: the folder holds no files to read (hidden files are not read); "
                "add documents to it or name other paths."
            )
            skipped.append(Skipped(shown(path), "empty", message))
    unique = {target if isinstance(target, str) else Path(os.path.realpath(target)): None for target in found}
    return list(unique), skipped


def skip(path: Path | str, error: IngestError) -> Skipped:
    """The report's entry for ``path``, skipped because of ``error``."""
    return Skipped(shown(path), error.reason, str(error))


def _walk(root: Path, skipped: list[Skipped]) -> list[Path]:
    """Files under ``root``, depth first in name order (a folder's files before its subfolders')."""
    files: list[Path] = []
    seen: set[tuple[int, int]] = set()
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            status = os.stat(folder)
            if (status.st_dev, status.st_ino) in seen:  # a link back to a folder already walked
                continue
            seen.add((status.st_dev, status.st_ino))
            with os.scandir(folder) as listing:
                entries = sorted(
                    (entry for entry in listing if not entry.name.startswith(".")), key=lambda entry: entry.name
                )
        except OSError as error:
            skipped.append(skip(folder, _folder_error(folder, error)))
            continue
        subfolders = []
        for entry in entries:
            path = Path(entry.path)
            try:
                if entry.is_symlink():
                    os.stat(path)  # a link that loops or points nowhere fails here
                if entry.is_dir():
                    subfolders.append(path)
                else:
                    files.append(path)  # regular files, and pipes or devices, which the reader refuses by name
            except OSError as error:
                skipped.append(skip(path, path_error(path, error)))
        stack.extend(reversed(subfolders))
    return files


def _folder_error(folder: Path, error: OSError) -> IngestError:
    if isinstance(error, PermissionError):
        return IngestError(
            f"{shown(folder)}: the folder cannot be read (permission denied); make it readable and ingest it again.",
            "unreadable",
        )
    return path_error(folder, error)

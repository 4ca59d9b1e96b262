"""``pressroom export FILE`` and ``pressroom import FILE``: the whole index as one archive.

Kept apart from ``ui.cli`` so that the backup commands are one module; ``ui.cli`` registers them.
See ``knowledge.archive`` for the format and for how an import never loses the current index.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any


def cmd_export(args: argparse.Namespace) -> int:
    from knowledge import default_index, export_archive

    summary = export_archive(default_index(), Path(args.file), overwrite=args.force)
    return _report(
        args,
        summary.as_dict(),
        f"Exported {summary.documents} document(s), {summary.chunks} passage vector(s) and "
        f"{summary.uploads} uploaded file(s) to {summary.path} ({_size(summary.bytes)}).",
    )


def cmd_import(args: argparse.Namespace) -> int:
    from knowledge import ConfigError, default_index, import_archive, read_archive

    index = default_index()
    if not args.yes:
        archive = read_archive(Path(args.file))  # a bad archive is reported before anything is asked
        archive.zip.close()
        if not sys.stdin.isatty():
            raise ConfigError("Import replaces the whole index: run `pressroom import FILE --yes` to confirm.")
        reply = input(
            f"Replace every document indexed in {index.settings.home} with the {archive.documents} in {args.file}? "
            "The current index is saved first. Type 'yes' to confirm: "
        )
        if reply.strip().lower() != "yes":
            print("Nothing was changed.")
            return 1
    summary = import_archive(index, Path(args.file))
    return _report(
        args,
        summary.as_dict(),
        f"Imported {summary.documents} document(s) ({summary.chunks} passages) from {summary.path}; "
        f"the previous index is saved in {summary.backup}.",
    )


def _report(args: argparse.Namespace, data: dict[str, object], sentence: str) -> int:
    print(json.dumps(data, ensure_ascii=False, indent=2) if args.json else sentence)
    return 0


def add_parsers(commands: Any) -> None:
    export = commands.add_parser("export", help="save the whole index to one archive file (a backup)")
    export.add_argument("file", metavar="FILE", help="the archive to write, e.g. pressroom-backup.zip")
    export.add_argument("--force", action="store_true", help="replace FILE if it exists")
    export.add_argument("--json", action="store_true", help="print what was written as JSON")
    export.set_defaults(run=cmd_export)

    restore = commands.add_parser("import", help="replace the index with an archive made by `pressroom export`")
    restore.add_argument("file", metavar="FILE")
    restore.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    restore.add_argument("--json", action="store_true", help="print what was imported as JSON")
    restore.set_defaults(run=cmd_import)


def _size(count: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if count < 1024 or unit == "GB":
            return f"{count} {unit}" if unit == "bytes" else f"{count:.1f} {unit}"
        count /= 1024  # type: ignore[assignment]
    return f"{count} bytes"

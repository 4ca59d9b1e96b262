"""Files as bytes: checked, bounded reads, and the names Pressroom gives them.

Every way a path can fail (missing, a link that loops or points nowhere, a folder, a pipe, no
permission, too large, a name that is not UTF-8) ends in one ``IngestError`` that names the file,
says why in a word (``reason``) and what to do.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
from pathlib import Path

from knowledge.errors import IngestError
from knowledge.sources.plain import SNIFF_BYTES, binary_reason

MAX_BYTES = 200 * 1024 * 1024


def source_id(path: Path) -> str:
    """The document id of a file: its name without extension, lower case, safe characters only.

    >>> source_id(Path("/x/IOM Mali Trafficking (2023).txt")), source_id(Path("/usr/share/common-licenses/Apache-2.0"))
    ('iom-mali-trafficking-2023', 'apache-2.0')
    """
    name = path.name if path.suffix[1:].isdigit() else path.stem  # "Apache-2.0" has a version, not an extension
    return slug(name)


def slug(text: str) -> str:
    """Lower case, words joined by "-", only letters, digits, "." and "_" kept; "document" when nothing is left."""
    cleaned = re.sub(r"[^\w.-]+", "-", text.lower(), flags=re.UNICODE).strip("-.")
    return re.sub(r"-{2,}", "-", cleaned) or "document"


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def shown(path: Path | str) -> str:
    """A path as messages print it: a name that is not UTF-8 gets ``\\xNN`` escapes instead of failing
    (and a character no encoding can write, such as a lone surrogate from JSON, a ``\\uNNNN`` escape)."""
    try:
        return os.fsencode(path).decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:
        return str(path).encode("utf-8", "backslashreplace").decode("utf-8")


def undecodable(path: Path | str) -> bool:
    """True for a name that reached Python as lone surrogates (bytes that are not UTF-8)."""
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def path_error(path: Path | str, error: OSError | ValueError) -> IngestError:
    """One sentence for an ``OSError`` met while looking at or opening ``path``, or the ``ValueError``
    of a name the system cannot take (a NUL byte, a lone surrogate that no encoding can write)."""
    name = shown(path)
    if not isinstance(error, OSError):
        return IngestError(
            f"{name}: is not a name this system can open; rename the file or check the path.", "unreadable"
        )
    if error.errno == errno.ELOOP:
        return IngestError(
            f"{name}: is a symbolic link that loops back on itself; fix or remove the link.", "unreadable"
        )
    if error.errno == errno.ENOENT and os.path.islink(path):
        target = shown(os.readlink(path))
        return IngestError(
            f"{name}: is a symbolic link to {target}, which does not exist; fix or remove the link.", "not found"
        )
    if error.errno == errno.ENOENT:
        return IngestError(f"{name}: no such file or directory; check the path and try again.", "not found")
    if error.errno in (errno.EACCES, errno.EPERM):
        return IngestError(f"{name}: permission denied; make it readable and ingest it again.", "unreadable")
    return IngestError(f"{name}: cannot be read ({error.strerror or error}); check it and try again.", "unreadable")


def read_bytes(path: Path, text_only: bool = False) -> bytes:
    """The bytes of a regular file of at most ``MAX_BYTES``.

    ``text_only``: the file is read only if its first bytes look like text (a file whose name does
    not say its format); a large video is then called binary, not too large.
    """
    if undecodable(path):  # the store keeps paths as UTF-8 text
        raise IngestError(
            f"{shown(path)}: the file's name is not valid UTF-8; rename the file and ingest it again.", "unreadable"
        )
    try:
        # O_NONBLOCK: a named pipe given a .txt name would otherwise block the open (and the ingest) forever.
        with open(os.open(path, os.O_RDONLY | os.O_NONBLOCK), "rb") as handle:
            status = os.fstat(handle.fileno())
            if stat.S_ISDIR(status.st_mode):
                raise IngestError(f"{path}: is a directory where a file was expected.", "unreadable")
            if not stat.S_ISREG(status.st_mode):
                raise IngestError(
                    f"{path}: is not a regular file (a pipe, socket or device); only files can be ingested.",
                    "unreadable",
                )
            head = handle.read(SNIFF_BYTES)
            # A PDF or a .docx without its extension is recognised by the reader, from the whole file.
            if text_only and not head.startswith((b"%PDF-", b"PK\x03\x04")) and (reason := binary_reason(path, head)):
                raise reason
            if status.st_size > MAX_BYTES:
                raise IngestError(
                    f"{path}: the file is larger than {MAX_BYTES // 2**20} MB; split it and ingest the parts.",
                    "too large",
                )
            return head + handle.read()
    except PermissionError:
        raise IngestError(
            f"{path}: permission denied; make the file readable and ingest it again.", "unreadable"
        ) from None
    except FileNotFoundError:
        if os.path.islink(path):
            raise path_error(path, FileNotFoundError(errno.ENOENT, "")) from None
        raise IngestError(
            f"{path}: the file disappeared while it was being read; ingest it again.", "not found"
        ) from None
    except OSError as error:
        raise path_error(path, error) from None

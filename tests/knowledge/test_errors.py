"""The drawing of the error tree in ``knowledge/errors.py`` lists every error class of the project."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import knowledge.errors

ROOT = Path(__file__).resolve().parents[2]

PACKAGES = ("knowledge", "assistant", "evals", "ui", "bench")
# Imports every module of the project's packages (``__main__`` modules run a program, so not those)
# and prints each subclass of PressroomError with its base and module. Run apart: importing the
# whole project (gradio, the benchmarks) is none of the other tests' business.
FIND_ERRORS = f"""
import importlib, json, pkgutil
from knowledge.errors import PressroomError
for package in {PACKAGES!r}:
    for found in pkgutil.walk_packages(importlib.import_module(package).__path__, package + "."):
        if not found.name.endswith(".__main__"):
            importlib.import_module(found.name)
def below(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from below(sub)
print(json.dumps([[c.__name__, c.__bases__[0].__name__, c.__module__] for c in below(PressroomError)]))
"""
LINE = re.compile(r"^(?P<indent>[ │├└─]*)(?P<name>[A-Z]\w*)\s+(?P<meaning>.*)$")


def drawing() -> dict[str, tuple[str | None, str]]:
    """Each class drawn in the docstring: its parent in the drawing, and the rest of its line."""
    drawn: dict[str, tuple[str | None, str]] = {}
    parents: list[tuple[int, str]] = []  # (column of the name, name), one per level above the current line
    doc = knowledge.errors.__doc__ or ""
    tree = [line[4:] for line in doc.splitlines() if line.startswith("    ") and line.strip()]
    for line in tree:
        match = LINE.match(line)
        assert match, f"not a line of the drawing: {line!r}"
        column = len(match["indent"])
        while parents and parents[-1][0] >= column:
            parents.pop()
        drawn[match["name"]] = (parents[-1][1] if parents else None, match["meaning"])
        parents.append((column, match["name"]))
    return drawn


def test_the_drawing_lists_every_error_class_where_it_lives_under_its_base() -> None:
    done = subprocess.run(
        [sys.executable, "-c", FIND_ERRORS], cwd=ROOT, capture_output=True, text=True, timeout=300, check=True
    )
    found = {name: (base, module) for name, base, module in json.loads(done.stdout.splitlines()[-1])}
    drawn = drawing()
    assert set(drawn) == set(found) | {"PressroomError"}, "draw the new error classes in knowledge/errors.py"
    assert drawn["PressroomError"][0] is None
    for name, (base, module) in found.items():
        parent, meaning = drawn[name]
        assert parent == base, f"{name} is drawn under {parent}, but derives from {base}"
        if module != "knowledge.errors":
            assert meaning.startswith(f"({module})"), f"say where {name} lives: ({module})"

"""The house rules, checked on the source tree itself.

- No import cycle between modules: not at the top of a file, not inside a function either (a lazy
  import that closes a cycle still ties the two modules together).
- No module over 450 lines: a reader should find the room for a change from the file names alone.
- Code outside a package imports what the package exports (``from knowledge import Index``), never
  a submodule; tests may reach into submodules to test them, but no one uses another package's
  private names.
- Nothing but the tests imports ``tests``.
"""

from __future__ import annotations

import ast
import importlib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("knowledge", "assistant", "evals", "ui", "bench", "tests")
# Packages whose faces the other packages use (bench and ui have no importers; tests only import).
FACES = ("knowledge", "assistant", "evals")
MAX_LINES = 450


@dataclass(frozen=True)
class ImportLine:
    importer: str  # dotted module name of the importing file
    module: str  # dotted module named after ``from`` (or imported whole)
    names: tuple[str, ...]  # the names taken from it (empty for ``import x``)
    line: int

    @property
    def where(self) -> str:
        return f"{self.importer}:{self.line}"


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def modules() -> dict[str, Path]:
    """Every module of the project, by dotted name."""
    return {_module_name(path): path for package in PACKAGES for path in sorted((ROOT / package).rglob("*.py"))}


@cache
def import_lines() -> tuple[ImportLine, ...]:
    found = []
    for name, path in modules().items():
        package = name.rpartition(".")[0] if path.name != "__init__.py" else name
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                if node.level:  # relative import: resolve against the importing package
                    base = package.split(".")[: len(package.split(".")) - node.level + 1]
                    target = ".".join([*base, node.module] if node.module else base)
                else:
                    target = node.module or ""
                found.append(ImportLine(name, target, tuple(alias.name for alias in node.names), node.lineno))
            elif isinstance(node, ast.Import):
                found.extend(ImportLine(name, alias.name, (), node.lineno) for alias in node.names)
    return tuple(line for line in found if line.module.split(".")[0] in PACKAGES)


def _top(module: str) -> str:
    return module.split(".")[0]


def dependencies() -> dict[str, set[str]]:
    """Which project modules each module imports: ``from a.b import c`` depends on ``a.b``, or only on
    ``a.b.c`` when ``c`` is itself a module. Importing ``a.b`` also runs ``a/__init__``, but that is
    Python's doing, not a dependency the author wrote, so it is not counted."""
    known = modules()
    graph: dict[str, set[str]] = {name: set() for name in known}
    for line in import_lines():
        submodules = {f"{line.module}.{name}" for name in line.names} & known.keys()
        # ``from knowledge import redact`` needs the module redact, not the face that lists it.
        whole = not line.names or len(submodules) < len(line.names)
        targets = submodules | ({line.module} if whole else set())
        graph[line.importer] |= {target for target in targets if target in known and target != line.importer}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
            elif child not in index:
                index[child] = low[child] = len(index)
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(sorted(graph[child]))))
            elif child in on_stack:
                low[node] = min(low[node], index[child])
    return found


def test_the_checker_sees_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycle() -> None:
    found = cycles(dependencies())
    assert not found, "import cycles: " + "; ".join(" <-> ".join(cycle) for cycle in found)


@pytest.mark.parametrize("name", sorted(modules()))
def test_no_module_is_too_long(name: str) -> None:
    lines = modules()[name].read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_LINES, f"{name} has {lines} lines: split it by job"


def test_no_private_name_crosses_a_package() -> None:
    crossings = [
        f"{line.where} takes {name} from {line.module}"
        for line in import_lines()
        if _top(line.module) != _top(line.importer)
        for name in (*line.names, *line.module.split(".")[1:])
        if name.startswith("_") and not name.startswith("__")
    ]
    assert not crossings, "\n".join(crossings)


def test_only_tests_import_tests() -> None:
    outside = [line.where for line in import_lines() if _top(line.module) == "tests" and _top(line.importer) != "tests"]
    assert not outside, "tests/ imported by " + ", ".join(outside)


def test_outer_code_uses_package_faces() -> None:
    """Outside its package (and outside the tests), a package is imported by its face, and only for
    names the face exports in ``__all__``."""
    exported = {face: set(_exports(face)) for face in FACES}
    wrong = []
    for line in import_lines():
        face = _top(line.module)
        if face not in FACES or face == _top(line.importer) or _top(line.importer) == "tests":
            continue
        if line.module != face:
            wrong.append(f"{line.where} imports the submodule {line.module}")
        else:
            wrong += [
                f"{line.where} takes {name}, which {face} does not export"
                for name in line.names
                if name not in exported[face]
            ]
    assert not wrong, "\n".join(wrong)


def _exports(package: str) -> list[str]:
    return list(importlib.import_module(package).__all__)

"""The package's imports form no cycle.

Walks every module's ``import`` statements with :mod:`ast` (no code is run). Two graphs:

* import time: statements that run when the module is imported (module level, class bodies,
  ``try``/``if`` blocks; not ``if TYPE_CHECKING:``). Any cycle here fails.
* deferred: also the imports inside functions. A cycle here fails unless it is one of the
  ``KNOWN_DEFERRED`` below, each with the reason it is still there; that list may only shrink
  (a listed cycle that no longer exists fails too, so that it is removed).
"""

from __future__ import annotations

import ast
from pathlib import Path

import defbudget

ROOT = Path(defbudget.__file__).parent

#: Deferred (function-level) cycles still present, with why. Remove an entry when it is fixed.
KNOWN_DEFERRED: set[frozenset[str]] = set()


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


MODULES = {_module_name(p): p for p in ROOT.rglob("*.py")}


def _imports(name: str, *, deferred: bool) -> set[str]:
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()

    def visit(nodes):
        for node in nodes:
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                visit(node.orelse)
                continue
            if isinstance(node, ast.Import):
                found.update(a.name for a in node.names if a.name in MODULES)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    up = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                    base = ".".join(up + ([node.module] if node.module else []))
                for alias in node.names:
                    if f"{base}.{alias.name}" in MODULES:  # from pkg import submodule
                        found.add(f"{base}.{alias.name}")
                    elif base in MODULES:
                        found.add(base)
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                if deferred:
                    visit(ast.iter_child_nodes(node))
            else:
                visit(ast.iter_child_nodes(node))

    visit(ast.parse(path.read_text(encoding="utf-8")).body)
    found.discard(name)
    return found


def _cycles(graph: dict[str, set[str]]) -> list[frozenset[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[frozenset[str]] = []

    def connect(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.add(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(frozenset(comp))

    for v in sorted(graph):
        if v not in index:
            connect(v)
    return out


def _graph(*, deferred: bool) -> dict[str, set[str]]:
    return {m: _imports(m, deferred=deferred) for m in MODULES}


def test_the_walk_sees_the_package():
    g = _graph(deferred=False)
    assert "defbudget.readers.sipri" in g and "defbudget.plot.lines" in g
    assert "defbudget.errors" in g["defbudget.schema"]
    assert "defbudget.plot._common" in g["defbudget.plot.lines"]  # relative imports resolve


def test_no_cycle_among_import_time_imports():
    assert _cycles(_graph(deferred=False)) == []


def test_no_new_cycle_among_deferred_imports():
    found = set(_cycles(_graph(deferred=True)))
    assert found - KNOWN_DEFERRED == set(), "a new import cycle"
    assert KNOWN_DEFERRED - found == set(), "a known cycle is gone: remove it from the list"


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [
        frozenset({"a", "b", "c"})]


def test_no_module_imports_a_name_from_the_top_package():
    """``import defbudget`` imports the accessor, which reaches every comparison (and through
    them fx, prices, the readers...), so a module taking a name from the top package
    (``from defbudget import __version__``) would close a cycle. Take it from its own module
    (``defbudget._version``, ``defbudget.readers.sipri``); submodules are fine."""
    found = []
    for name, path in MODULES.items():
        if name == "defbudget":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "defbudget" and not node.level:
                found += [f"{name}: {a.name}" for a in node.names
                          if f"defbudget.{a.name}" not in MODULES]
            elif isinstance(node, ast.Import):
                found += [f"{name}: import defbudget" for a in node.names
                          if a.name == "defbudget"]
    assert found == []

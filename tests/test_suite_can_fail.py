"""A guard on the test suite itself: no assertion that cannot fail.

Each check walks the syntax tree of every test module and flags a pattern that passes whatever
the code under test does:

* an assertion comparing an expression with itself (``assert x is x``, ``assert a == a``);
* an assertion on a constant or a non-empty tuple (``assert True``, ``assert (x, "why")``);
* an empty slice (``seq[:0]``), always empty and so always "not in" / equal to another;
* ``pytest.raises(Exception)`` or ``BaseException``, which a typo or a bug satisfies too.

A real need for one of these is rare enough to be written differently.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent


def _modules() -> list[Path]:
    return sorted(p for p in TESTS.rglob("*.py") if p.name != Path(__file__).name)


def _is_empty_slice(node: ast.AST) -> bool:
    if not isinstance(node, ast.Slice) or node.step is not None:
        return False
    upper = node.upper
    lower_zero = node.lower is None or (isinstance(node.lower, ast.Constant)
                                        and node.lower.value == 0)
    return lower_zero and isinstance(upper, ast.Constant) and upper.value == 0


def vacuous(source: str) -> list[tuple[int, str]]:
    """(line, reason) for each assertion in *source* that cannot fail."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Assert):
            test = node.test
            if isinstance(test, ast.Constant) and test.value:
                found.append((node.lineno, "asserts a true constant"))
            elif isinstance(test, ast.Tuple) and test.elts:
                found.append((node.lineno, "asserts a non-empty tuple (always true)"))
            elif isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(
                    test.ops[0], (ast.Is, ast.Eq, ast.GtE, ast.LtE)):
                if ast.dump(test.left) == ast.dump(test.comparators[0]):
                    found.append((node.lineno, "compares an expression with itself"))
            elif (isinstance(test, ast.BoolOp) and isinstance(test.op, ast.Or)
                  and any(isinstance(v, ast.Constant) and v.value for v in test.values)):
                found.append((node.lineno, "'or' with a true constant"))
        elif isinstance(node, ast.Subscript) and _is_empty_slice(node.slice):
            found.append((node.lineno, "an empty slice [:0]"))
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr == "raises" and node.args
              and isinstance(node.args[0], ast.Name)
              and node.args[0].id in ("Exception", "BaseException")):
            found.append((node.lineno, f"pytest.raises({node.args[0].id}) catches any bug"))
    return found


@pytest.mark.parametrize("path", _modules(), ids=lambda p: p.name)
def test_no_assertion_that_cannot_fail(path):
    hits = vacuous(path.read_text(encoding="utf-8"))
    assert not hits, "\n".join(f"{path.name}:{line}: {why}" for line, why in hits)


@pytest.mark.parametrize("snippet, reason", [
    ("assert x is x", "compares an expression with itself"),
    ("assert f(a) == f(a)", "compares an expression with itself"),
    ("assert True", "asserts a true constant"),
    ("assert (x == 1, 'x should be 1')", "asserts a non-empty tuple (always true)"),
    ("assert 'CC' not in text[:0]", "an empty slice [:0]"),
    ("assert x or 1", "'or' with a true constant"),
    ("with pytest.raises(Exception):\n    f()", "pytest.raises(Exception) catches any bug"),
])
def test_checker_finds_each_pattern(snippet, reason):
    assert vacuous(snippet) == [(1, reason)]


@pytest.mark.parametrize("snippet", [
    "assert x is y", "assert f(a) == f(b)", "assert x", "assert text[:3] == 'abc'",
    "with pytest.raises(ValueError):\n    f()", "assert x or y",
])
def test_checker_passes_real_assertions(snippet):
    assert vacuous(snippet) == []

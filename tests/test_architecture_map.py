"""docs/architecture.md lists every module of the package, once, and nothing else.

The map is one line per module, ``- `defbudget/path.py`: what it does``; a module added,
moved or removed without the map changing fails here.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import defbudget

PACKAGE = Path(defbudget.__file__).parent
MAP = Path(__file__).resolve().parent.parent / "docs" / "architecture.md"
_ENTRY = re.compile(r"^- `(defbudget/[\w/]+\.py)`: \S")


def _listed() -> Counter[str]:
    return Counter(m[1] for line in MAP.read_text(encoding="utf-8").splitlines()
                   if (m := _ENTRY.match(line)))


def test_every_module_is_on_the_map_once():
    modules = {p.relative_to(PACKAGE.parent).as_posix() for p in PACKAGE.rglob("*.py")}
    listed = _listed()
    assert sorted(modules - set(listed)) == []
    assert sorted(set(listed) - modules) == []
    assert [name for name, n in listed.items() if n > 1] == []


def test_each_entry_says_what_the_module_does():
    short = [line for line in MAP.read_text(encoding="utf-8").splitlines()
             if _ENTRY.match(line) and len(line.split(": ", 1)[1]) < 15]
    assert short == []

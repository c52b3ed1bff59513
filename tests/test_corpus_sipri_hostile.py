"""The hostile SIPRI corpus (tests/corpus/sipri_hostile.py): every case's exact outcome.

An error case must raise that class, from defbudget's own code, with a message naming the
file, the sheet and the cell (and the ``cell`` attribute set); a reading case must give the
exact values and, where stated, the warning naming what was expected. The bomb cases are
also measured in a child process (its own peak memory), as tests/test_xml_safety.py does;
their time is in benchmarks/hostile_inputs.py, not asserted here.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus.sipri_hostile import CASES, family_counts

from defbudget.readers.sipri import find_sipri_workbook, read_sipri

MEMORY_LIMIT_MB = 300


@pytest.mark.parametrize("name", sorted(CASES))
def test_case_outcome(name, tmp_path):
    case = CASES[name]
    path = case.make(tmp_path)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if case.error is None:
            df = read_sipri(path, sheets=case.sheets, cache=False)
        else:
            with pytest.raises(ValueError) as info:
                read_sipri(path, sheets=case.sheets, cache=False)
    if case.error is not None:
        exc = info.value
        assert type(exc).__name__ == case.error, f"{type(exc).__name__}: {exc}"
        assert type(exc).__module__.startswith("defbudget")
        msg = str(exc)
        missing = [w for w in case.where if w not in msg]
        assert not missing, f"message lacks {missing}: {msg}"
        assert exc.path == path
        assert exc.cell == case.cell, msg
        return
    if case.warning is not None:
        cls, texts = case.warning
        mine = [str(w.message) for w in caught if type(w.message).__name__ == cls]
        assert len(mine) == 1, [str(w.message) for w in caught]
        missing = [t for t in texts if t not in mine[0]]
        assert not missing, f"warning lacks {missing}: {mine[0]}"
    if case.check is not None:
        assert case.check(df) is None, case.check(df)


def test_corpus_size_per_family(capsys):
    counts = family_counts()
    with capsys.disabled():
        print(f"\nSIPRI hostile corpus: {sum(counts.values())} cases {counts}")
    assert sum(counts.values()) >= 80
    assert set(counts) >= {"value", "header", "name", "bomb", "entity", "formula", "sheet",
                           "currency"}


def test_release_sorter_never_inflates_a_bomb(tmp_path):
    """An older release whose core.xml is a bomb sorts as undated; the good one is chosen."""
    from corpus import _sipri
    from corpus.sipri_hostile import _BIG, _add_member

    older = tmp_path / "a"
    older.mkdir()
    bomb = _add_member("docProps/core.xml", _BIG)(older)
    bomb = bomb.rename(tmp_path / "SIPRI-Milex-data-1949-2022.xlsx")
    good = _sipri(tmp_path, "SIPRI-Milex-data-1949-2023.xlsx")
    assert find_sipri_workbook(tmp_path) == good


BOMBS = sorted(n for n, c in CASES.items() if c.extra.get("bomb"))


@pytest.mark.parametrize("name", BOMBS)
def test_bomb_costs_bounded_memory(name, tmp_path):
    from test_xml_safety import _measure

    path = CASES[name].make(tmp_path)
    m = _measure(path, "read_sipri")
    assert m["outcome"].startswith("defbudget.readers.sipri.SipriFormatError"), m
    assert m["rss_mb"] < MEMORY_LIMIT_MB, m

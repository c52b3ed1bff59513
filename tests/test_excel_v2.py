"""Exports of format 2 (the streamed tidy sheets of one cell per value, committed in
tests/data/excel_v2, written before format 3) still read exactly."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import pandas as pd
import pytest
from python_calamine import CalamineWorkbook

from defbudget.excel import read_excel_export

sys.path.insert(0, str(Path(__file__).resolve().parent))

from excel_v1_frames import EXPORTS

DATA = Path(__file__).parent / "data" / "excel_v2"


@pytest.mark.parametrize("name", sorted(EXPORTS))
def test_format_2_export_reads_exactly(name):
    expected = EXPORTS[name]()
    back = read_excel_export(DATA / name)
    if isinstance(expected, dict):
        assert list(back) == list(expected)
        for key, frame in expected.items():
            pd.testing.assert_frame_equal(back[key], frame, check_exact=True)
    else:
        pd.testing.assert_frame_equal(back, expected, check_exact=True)


def test_format_2_files_are_format_2_and_unchanged_by_reading():
    def version(path):
        rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("_meta").to_python()
        return {r[0]: r[1] for r in rows}["format_version"]

    assert {version(DATA / name) for name in EXPORTS} == {2}
    before = {n: hashlib.sha256((DATA / n).read_bytes()).hexdigest() for n in EXPORTS}
    for name in EXPORTS:
        read_excel_export(DATA / name)
    after = {n: hashlib.sha256((DATA / n).read_bytes()).hexdigest() for n in EXPORTS}
    assert before == after

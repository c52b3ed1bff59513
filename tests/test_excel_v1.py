"""Exports of format 1 (the first writer's, committed in tests/data/excel_v1) still read
exactly, through the format-1 reader; today's writer writes format 3."""

from __future__ import annotations

import hashlib
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from python_calamine import CalamineWorkbook

from defbudget.excel import FORMAT_VERSION, read_excel_export, to_excel

sys.path.insert(0, str(Path(__file__).resolve().parent))

from excel_v1_frames import EXPORTS, TRICKY_TEXT, dtypes_frame

DATA = Path(__file__).parent / "data" / "excel_v1"


@pytest.mark.parametrize("name", sorted(EXPORTS))
def test_format_1_export_reads_exactly(name):
    expected = EXPORTS[name]()
    back = read_excel_export(DATA / name)
    if isinstance(expected, dict):
        assert list(back) == list(expected)
        for key, frame in expected.items():
            pd.testing.assert_frame_equal(back[key], frame, check_exact=True)
    else:
        pd.testing.assert_frame_equal(back, expected, check_exact=True)


def test_format_1_files_are_format_1_and_new_ones_format_3(tmp_path):
    def version(path):
        rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("_meta").to_python()
        return {r[0]: r[1] for r in rows}["format_version"]

    assert FORMAT_VERSION == 3
    assert {version(DATA / name) for name in EXPORTS} == {1}
    assert version(to_excel(dtypes_frame(), tmp_path / "x.xlsx")) == 3


def test_format_1_tricky_text_exact():
    back = read_excel_export(DATA / "dtypes.xlsx")
    assert back["note"].tolist() == [None if t is None else t for t in TRICKY_TEXT]
    assert back["int64"].iloc[:3].tolist() == [2**62, -(2**63), 2**53 + 1]


def test_format_3_round_trips_the_same_frames(tmp_path):
    frame = dtypes_frame()
    back = read_excel_export(to_excel(frame, tmp_path / "x.xlsx"))
    pd.testing.assert_frame_equal(back, frame, check_exact=True)
    with zipfile.ZipFile(tmp_path / "x.xlsx") as z:
        xml = z.read("xl/worksheets/sheet3.xml").decode()  # Contents, data, Sources...
    assert xml  # the archive is readable


def test_format_1_files_are_unchanged_by_reading():
    before = {n: hashlib.sha256((DATA / n).read_bytes()).hexdigest() for n in EXPORTS}
    for name in EXPORTS:
        read_excel_export(DATA / name)
    after = {n: hashlib.sha256((DATA / n).read_bytes()).hexdigest() for n in EXPORTS}
    assert before == after

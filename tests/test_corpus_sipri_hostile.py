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

import pandas as pd
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


# --- the same families on the real 2025 release (skipped when ../shared is absent) -----------

def _real_copy(raw_dir, tmp_path):
    import shutil

    from conftest import SIPRI_RELEASES

    src = raw_dir / SIPRI_RELEASES["1949-2024_2"]
    if not src.is_file():
        pytest.skip(f"{src.name} not found in {raw_dir}")
    return Path(shutil.copy(src, tmp_path / src.name))


def _japan_2024(path):
    """Zip member of 'Current US$' and the A1 reference of Japan 2024, found with calamine."""
    import zipfile

    from python_calamine import CalamineWorkbook

    from defbudget.readers._common import cell_ref
    from defbudget.readers._xlsx_styles import _sheet_parts

    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Current US$").to_python()
    head = next(i for i, r in enumerate(rows) if r and str(r[0]).strip() == "Country")
    col = next(j for j, v in enumerate(rows[head]) if v == 2024.0)
    row = next(i for i, r in enumerate(rows) if r and str(r[0]).strip() == "Japan")
    with zipfile.ZipFile(path) as zf:
        member = _sheet_parts(zf)["Current US$"]
    return member, cell_ref(row, col), cell_ref(head, col)


def _replace_cell(data: bytes, ref: str, new: bytes) -> bytes:
    import re

    pat = re.compile(rb'<c r="' + ref.encode() + rb'"[^>]*?(?:/>|>.*?</c>)', re.S)
    out, n = pat.subn(new, data, count=1)
    assert n == 1
    return out


@pytest.mark.sipri
@pytest.mark.parametrize(("cell_xml", "needle"), [
    ('<c r="{ref}"><v>1E+308</v></c>', "overflows to inf"),
    ('<c r="{ref}"><v>-1</v></c>', "a negative figure (-1.0)"),
    ('<c r="{ref}"><v>NaN</v></c>', "not a number (NaN)"),
    ('<c r="{ref}"><v>inf</v></c>', "an infinite number (inf)"),
    ('<c r="{ref}"/>', "is empty"),
    ('<c r="{ref}" t="e"><f>1/0</f><v>#DIV/0!</v></c>', "error value '#DIV/0!'"),
    ('<c r="{ref}"><f>1+1</f></c>', "formula with no cached value"),
    ('<c r="{ref}" t="inlineStr"><is><t>&foo;</t></is></c>', "entity reference '&foo;'"),
], ids=["1E+308", "negative", "NaN", "inf", "empty", "div0", "uncached", "entity"])
def test_real_release_value_cell_edits_are_refused_naming_the_cell(raw_dir, tmp_path, cell_xml,
                                                                   needle):
    from corpus import rewrite_member

    path = _real_copy(raw_dir, tmp_path)
    member, ref, _ = _japan_2024(path)
    rewrite_member(path, member, lambda d: _replace_cell(d, ref, cell_xml.format(ref=ref)
                                                         .encode()))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ValueError) as info:
            read_sipri(path, cache=False)
    exc = info.value
    assert type(exc).__name__ == "SipriFormatError"
    assert (exc.path, exc.sheet, exc.cell) == (path, "Current US$", ref)
    assert needle in str(exc), str(exc)


@pytest.mark.sipri
@pytest.mark.parametrize(("header", "needle"), [
    ("<v>2042</v>", "2042 follows 2023"),
    ("<v>2204</v>", "holds '2204'"),
], ids=["2042", "2204"])
def test_real_release_year_typos_are_refused_naming_the_header_cell(raw_dir, tmp_path, header,
                                                                    needle):
    from corpus import rewrite_member

    path = _real_copy(raw_dir, tmp_path)
    member, _, head_ref = _japan_2024(path)
    rewrite_member(path, member, lambda d: _replace_cell(
        d, head_ref, f'<c r="{head_ref}">{header}</c>'.encode()))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ValueError) as info:
            read_sipri(path, cache=False)
    assert (info.value.sheet, info.value.cell) == ("Current US$", head_ref)
    assert needle in str(info.value)


@pytest.mark.sipri
def test_real_release_cell_at_XFD1048576_costs_bounded_memory(raw_dir, tmp_path):
    from corpus import rewrite_member
    from test_xml_safety import _measure

    path = _real_copy(raw_dir, tmp_path)
    member, _, _ = _japan_2024(path)
    rewrite_member(path, member, lambda d: d.replace(
        b"</sheetData>", b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>'))
    m = _measure(path, "read_sipri")
    assert m["outcome"].startswith("defbudget.readers.sipri.SipriFormatError"), m
    assert "sheet 'Current US$', cell XFD1048576" in m["outcome"], m
    assert m["rss_mb"] < MEMORY_LIMIT_MB, m


@pytest.mark.sipri
def test_real_release_renamed_sheet_is_warned_and_the_rest_read(raw_dir, tmp_path):
    from corpus import rewrite_member

    path = _real_copy(raw_dir, tmp_path)
    rewrite_member(path, "xl/workbook.xml",
                   lambda d: d.replace(b'name="Share of GDP"', b'name="Sheet1"', 1))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        df = read_sipri(path, cache=False)
    mine = [str(w.message) for w in caught
            if type(w.message).__name__ == "SipriMissingSheetWarning"]
    assert mine == [f"{path.name}: no sheet like 'Share of GDP' (share_gdp), which every full "
                    "SIPRI release has; its 7 other data sheets were read and this one was not. "
                    "Sheets matching no kind: ['Sheet1']. If one of them is it, restore its name "
                    "from the original SIPRI download."]
    assert "milex_share_gdp" not in set(df["measure"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        full = read_sipri(raw_dir / path.name, cache=False)
    expected = full[full["measure"] != "milex_share_gdp"].reset_index(drop=True)
    pd.testing.assert_frame_equal(df.reset_index(drop=True), expected)

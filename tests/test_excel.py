"""Tests for defbudget.excel: the formatted workbook export and its exact round trip."""

from __future__ import annotations

import math
import os
import re
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
import xlsxwriter
from defusedxml.ElementTree import fromstring
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import defbudget
from defbudget import excel, schema
from defbudget.excel import MAX_CHART_SERIES, read_excel_export, to_excel

NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
TRICKY_TEXT = ["=1+1", "+81 3", "-5", "@SUM(A1:A2)", "", " lead", "trail ", "a\r\nb", "a\rb",
               "_x0041_", "_x005F_x0041_", "tab\tx", "\x00\x0b", "\ud800", "\ufffe",
               "日本の防衛費", "🙂", "x" * 500]


def tidy(n_years=3, *, country="Japan", basis="mod_excl_saco_realignment", unit="JPY",
         measure="defense_budget", start=2023, values=None, **columns) -> pd.DataFrame:
    """A small valid tidy frame (Japanese fiscal years, whole yen)."""
    years = list(range(start, start + n_years))
    values = values if values is not None else [7.0e12 + 1.0e11 * i + 0.1 for i in
                                                range(n_years)]
    data = {"country": country, "iso3": "JPN", "year": years, "period": "FY",
            "fy_start_month": 4, "measure": measure, "basis": basis, "value": values,
            "unit": unit, "price_basis": "current", "stage": "enacted",
            "source": "my-own-source"}
    data.update(columns)
    return schema.coerce(pd.DataFrame(data))


def assert_same(back: pd.DataFrame, frame: pd.DataFrame) -> None:
    """Equal frames, dtypes included, and every non-NaN float bit for bit (-0.0 ≠ 0.0)."""
    pd.testing.assert_frame_equal(back, frame.reset_index(drop=True), check_exact=True)
    for col in frame.columns:
        a, b = frame[col].to_numpy(), back[col].to_numpy()
        if a.dtype.kind == "f":
            nan = np.isnan(a)
            assert (nan == np.isnan(b)).all(), col
            assert np.array_equal(a[~nan].view(f"i{a.itemsize}"),
                                  b[~nan].view(f"i{b.itemsize}")), col


def sheet_xml(path: Path, sheet: str):
    """The parsed worksheet XML of *sheet*, found through the workbook relationships."""
    with zipfile.ZipFile(path) as z:
        wb = fromstring(z.read("xl/workbook.xml"))
        rels = fromstring(z.read("xl/_rels/workbook.xml.rels"))
        rid = next(s.get("{http://schemas.openxmlformats.org/officeDocument/2006/"
                         "relationships}id") for s in wb.iter(f"{NS}sheet")
                   if s.get("name") == sheet)
        target = next(r.get("Target") for r in rels if r.get("Id") == rid)
        target = target.lstrip("/")
        return fromstring(z.read(target if target.startswith("xl/") else f"xl/{target}"))


def data_sheets(path: Path) -> list[str]:
    wb = openpyxl.load_workbook(path)
    return [ws.title for ws in wb.worksheets if ws.sheet_state == "visible"
            and ws.title not in ("Contents", "Sources", "Notes")]


# ---------------------------------------------------------------------------------- round trip

def test_round_trip_is_exact_and_input_untouched(tmp_path):
    frame = tidy(4, values=[0.1 + 0.2, -0.0, 1e300, 5e-324],
                 note=["=1+1", None, "", "a\rb"], fx_rate=[1 / 3, np.nan, 2.0, 1e-17])
    before = frame.copy(deep=True)
    out = to_excel(frame, tmp_path / "x.xlsx")
    assert out == tmp_path / "x.xlsx"
    assert_same(read_excel_export(out), frame)
    pd.testing.assert_frame_equal(frame, before, check_exact=True)


def test_round_trip_of_shipped_japan_dataset(tmp_path):
    frame = defbudget.load("japan_mod_budget")
    out = to_excel(frame, tmp_path / "japan.xlsx")
    assert_same(read_excel_export(out), frame)


def test_round_trip_of_dict_keeps_names_and_order(tmp_path):
    frames = {"Japan": tidy(2), "Japan, share": tidy(2, unit="ratio", values=[0.013, 0.014],
                                                     measure="milex_share_gdp")}
    back = read_excel_export(to_excel(frames, tmp_path / "d.xlsx"))
    assert list(back) == ["Japan", "Japan, share"]
    for key, frame in frames.items():
        assert_same(back[key], frame)


def test_round_trip_of_extra_column_dtypes(tmp_path):
    n = 4
    frame = tidy(n)
    frame["int64"] = np.array([1, -2, 2**62, 0], dtype="int64")
    frame["uint8"] = np.array([0, 1, 2, 255], dtype="uint8")
    frame["f32"] = np.array([0.1, -1.5, np.nan, 3e38], dtype="float32")
    frame["Int64"] = pd.array([1, None, -(2**60), 4], dtype="Int64")
    frame["Float64"] = pd.array([0.1, None, 2.5, -0.0], dtype="Float64")
    frame["boolean"] = pd.array([True, None, False, True], dtype="boolean")
    frame["bool"] = [True, False, True, False]
    frame["string_na"] = pd.array(["=x", None, "", "b"], dtype="string")
    frame["object"] = pd.Series(["s", 3, 2.5, None], dtype=object)
    frame["obj_bool"] = pd.Series([True, "=y", None, 1.0], dtype=object)
    frame["=formula name"] = "text"
    assert_same(read_excel_export(to_excel(frame, tmp_path / "x.xlsx")), frame)


def test_index_is_not_stored(tmp_path):
    frame = tidy(3).iloc[[2, 0]]
    back = read_excel_export(to_excel(frame, tmp_path / "x.xlsx"))
    assert isinstance(back.index, pd.RangeIndex)
    assert_same(back, frame.reset_index(drop=True))


def test_empty_frame_round_trips(tmp_path):
    frame = schema.empty_frame()
    out = to_excel(frame, tmp_path / "e.xlsx")
    assert_same(read_excel_export(out), frame)
    assert data_sheets(out) == []


_text = st.one_of(st.sampled_from(TRICKY_TEXT), st.text(max_size=12),
                  st.text(st.characters(codec="utf-8", exclude_categories=()), max_size=6))
_floats = st.floats(allow_nan=True, allow_infinity=True, width=64)


@st.composite
def tidy_frames(draw):
    n = draw(st.integers(0, 4))
    rows = []
    for i in range(n):
        period, start = draw(st.sampled_from([("FY", 4), ("CY", 1), ("FY", 10)]))
        constant = draw(st.booleans())
        value = draw(_floats)
        flag = draw(st.one_of(st.none(), st.sampled_from(schema.FLAGS)))
        if math.isnan(value) and flag is None:
            flag = "unavailable"
        rows.append({
            "country": draw(_text), "iso3": draw(st.sampled_from([None, "JPN", "USA"])),
            "year": 1990 + i, "period": period, "fy_start_month": start,
            "measure": draw(st.sampled_from(["defense_budget", "milex", "milex_share_gdp"])),
            "basis": draw(st.sampled_from(["a", "mod_incl_saco_realignment"])),
            "value": value, "unit": draw(st.sampled_from(["JPY", "USD", "ratio", "index"])),
            "price_basis": "constant" if constant else "current",
            "base_year": 2023 if constant else None,
            "stage": draw(st.one_of(st.none(), st.sampled_from(schema.STAGES))),
            "flag": flag, "source": draw(_text),
            "note": draw(st.one_of(st.none(), _text)),
            "fx_rate": draw(_floats),
            "extra_int": draw(st.integers(-(2**63), 2**63 - 1)),
            "extra_obj": draw(st.one_of(st.none(), _text, st.integers(-(2**53), 2**53),
                                        st.floats(allow_nan=False, allow_infinity=False),
                                        st.booleans())),
        })
    if not rows:
        return schema.empty_frame()
    frame = pd.DataFrame(rows)
    frame["extra_obj"] = frame["extra_obj"].astype(object).where(frame["extra_obj"].notna(),
                                                                 None)
    frame = schema.coerce(frame)
    frame["extra_int"] = frame["extra_int"].astype("int64")
    frame["extra_masked"] = pd.array(
        [None if i % 2 else int(v) for i, v in enumerate(frame["year"])], dtype="Int64")
    return frame


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(frame=tidy_frames())
def test_round_trip_hypothesis(tmp_path, frame):
    schema.validate(frame)
    out = to_excel(frame, tmp_path / "h.xlsx", overwrite=True)
    assert_same(read_excel_export(out), frame)


@settings(max_examples=200, deadline=None)
@given(text=st.text(st.characters(codec="utf-8", exclude_categories=()), max_size=40))
def test_text_escaping_round_trips(text):
    escaped = excel._escape_text(text)
    assert not excel._ILLEGAL_XML.search(escaped)
    assert excel._unescape_text(escaped) == text


# ------------------------------------------------------------------------------- text safety

def test_formula_like_text_is_stored_as_text(tmp_path):
    frame = tidy(4, country=["=1+1", "+1", "-1", "@SUM(A1)"], note="=HYPERLINK(\"x\")")
    out = to_excel(frame, tmp_path / "f.xlsx")
    with zipfile.ZipFile(out) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/sheet"):
                root = fromstring(z.read(name))
                assert not list(root.iter(f"{NS}f")), f"formula element in {name}"
    found = set()
    with zipfile.ZipFile(out) as z:  # a small export is written in memory: shared strings
        shared = (["".join(t.text or "" for t in si.iter(f"{NS}t"))
                   for si in fromstring(z.read("xl/sharedStrings.xml")).iter(f"{NS}si")]
                  if "xl/sharedStrings.xml" in z.namelist() else [])
    for sheet in ("_tidy", data_sheets(out)[0]):
        for c in sheet_xml(out, sheet).iter(f"{NS}c"):
            text = "".join(t.text or "" for t in c.iter(f"{NS}t"))
            if c.get("t") == "s":
                text = shared[int(c.find(f"{NS}v").text)]
            if text in ("=1+1", "+1", "-1", "@SUM(A1)"):
                assert c.get("t") in ("inlineStr", "s")  # text cells, never formulas
                found.add((sheet, text))
    assert len(found) == 8
    wb = openpyxl.load_workbook(out)
    cells = [c for row in wb["_tidy"].iter_rows() for c in row if c.value == "=1+1"]
    assert cells and all(c.data_type == "s" for c in cells)
    risky = ("=1+1", "+1", "-1", "@SUM(A1)")
    shown = {c.value: c for row in wb[data_sheets(out)[0]].iter_rows() for c in row
             if c.value in risky}
    assert sorted(shown) == sorted(risky)  # each leading character Excel would evaluate
    assert all(c.data_type == "s" and c.quotePrefix for c in shown.values())
    back = read_excel_export(out)
    assert back["country"].tolist() == ["=1+1", "+1", "-1", "@SUM(A1)"]
    assert back["note"].tolist() == ["=HYPERLINK(\"x\")"] * 4


# ---------------------------------------------------------------------- files, overwrite, atomic

def test_refuses_to_overwrite_without_flag(tmp_path):
    path = to_excel(tidy(), tmp_path / "x.xlsx")
    before = path.read_bytes()
    with pytest.raises(FileExistsError, match=r"x\.xlsx.*already exists.*overwrite=True"):
        to_excel(tidy(), path)
    assert path.read_bytes() == before
    to_excel(tidy(5), path, overwrite=True)
    assert len(read_excel_export(path)) == 5


def test_overwrite_never_replaces_a_foreign_workbook(tmp_path):
    path = tmp_path / "colleague.xlsx"
    wb = openpyxl.Workbook()
    wb.active["A1"] = "my precious data"
    wb.save(path)
    before = path.read_bytes()
    with pytest.raises(FileExistsError, match="not a workbook written by defbudget"):
        to_excel(tidy(), path, overwrite=True)
    assert path.read_bytes() == before
    text = tmp_path / "notes.xlsx"
    text.write_text("not a zip")
    with pytest.raises(FileExistsError, match="may be an input file"):
        to_excel(tidy(), text, overwrite=True)
    assert text.read_text() == "not a zip"


@pytest.mark.parametrize("name", ["SIPRI-Milex-data-1949-2024_2.xlsx",
                                  "sipri-milex-data-2025.XLSX"])
def test_refuses_sipri_download_names(tmp_path, name):
    with pytest.raises(ValueError, match="SIPRI"):
        to_excel(tidy(), tmp_path / name, overwrite=True)
    assert not (tmp_path / name).exists()


def test_bad_paths(tmp_path):
    with pytest.raises(ValueError, match=r"must end in \.xlsx.*x\.xlsx"):
        to_excel(tidy(), tmp_path / "x.csv")
    with pytest.raises(FileNotFoundError, match="does not exist"):
        to_excel(tidy(), tmp_path / "missing" / "x.xlsx")
    (tmp_path / "d.xlsx").mkdir()
    with pytest.raises(IsADirectoryError):
        to_excel(tidy(), tmp_path / "d.xlsx", overwrite=True)


def test_failed_save_leaves_no_partial_file_and_original_intact(tmp_path, monkeypatch):
    path = to_excel(tidy(), tmp_path / "x.xlsx")
    before = path.read_bytes()

    def broken_close(self):
        Path(self.filename).write_bytes(b"PK\x03\x04 partial")
        raise OSError("disk full")

    monkeypatch.setattr(xlsxwriter.Workbook, "close", broken_close)
    with pytest.raises(OSError, match="disk full"):
        to_excel(tidy(6), path, overwrite=True)
    with pytest.raises(OSError, match="disk full"):
        to_excel(tidy(6), tmp_path / "new.xlsx")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.xlsx"]
    assert path.read_bytes() == before


def test_failed_replace_cleans_temp_file(tmp_path, monkeypatch):
    path = to_excel(tidy(), tmp_path / "x.xlsx")
    before = path.read_bytes()

    def broken_replace(src, dst):
        raise PermissionError("locked by Excel")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(PermissionError, match="locked"):
        to_excel(tidy(6), path, overwrite=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.xlsx"]
    assert path.read_bytes() == before


def test_export_is_readable_by_others(tmp_path):
    old = os.umask(0o022)
    try:
        path = to_excel(tidy(), tmp_path / "x.xlsx")
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


# ------------------------------------------------------------------------------- bad input

def test_bad_frames_raise_clear_errors(tmp_path):
    with pytest.raises(TypeError, match="must be a pandas DataFrame or a dict"):
        to_excel([tidy()], tmp_path / "x.xlsx")
    with pytest.raises(ValueError, match="empty dict"):
        to_excel({}, tmp_path / "x.xlsx")
    with pytest.raises(TypeError, match="non-empty strings"):
        to_excel({1: tidy()}, tmp_path / "x.xlsx")
    with pytest.raises(schema.SchemaError, match="unit"):
        to_excel(tidy().drop(columns="unit"), tmp_path / "x.xlsx")
    odd = tidy()
    odd["when"] = pd.Timestamp("2025-01-01").tz_localize("UTC")
    with pytest.raises(TypeError, match=r"column 'when' has dtype .*astype\(str\)"):
        to_excel(odd, tmp_path / "x.xlsx")
    odd = tidy()
    odd["obj"] = pd.Series([[1], "a", "b"], dtype=object)
    with pytest.raises(TypeError, match=r"column 'obj', row 0: value \[1\]"):
        to_excel(odd, tmp_path / "x.xlsx")
    with pytest.raises(ValueError, match="longer than an Excel cell"):
        to_excel(tidy(note="x" * 40_000), tmp_path / "x.xlsx")
    assert list(tmp_path.iterdir()) == []


def test_read_excel_export_refuses_other_files(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        read_excel_export(tmp_path / "nope.xlsx")
    other = tmp_path / "other.xlsx"
    openpyxl.Workbook().save(other)
    with pytest.raises(ValueError, match=r"not a workbook written by defbudget\.to_excel"):
        read_excel_export(other)
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"not a zip")
    with pytest.raises(ValueError, match=r"not a readable \.xlsx"):
        read_excel_export(junk)


def test_edited_hidden_sheet_is_reported(tmp_path):
    path = to_excel(tidy(), tmp_path / "x.xlsx")
    wb = openpyxl.load_workbook(path)
    wb["_tidy"]["C2"] = "lots"  # the value column (A: the row key, B: year)
    wb.save(path)
    with pytest.raises(ValueError, match=r"column 'value', data row 1 holds 'lots'"):
        read_excel_export(path)


def test_import_defbudget_does_not_import_openpyxl():
    code = ("import sys, defbudget; print(sorted({'openpyxl', 'xlsxwriter', 'python_calamine'}"
            " & set(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"


# ------------------------------------------------------------------------------- sheets

def test_mixed_series_split_into_named_sheets(tmp_path):
    frame = pd.concat([tidy(3), tidy(3, unit="USD", values=[5.1e10, 5.2e10, 5.3e10]),
                       tidy(3, unit="ratio", measure="milex_share_gdp",
                            values=[0.011, 0.012, 0.013])], ignore_index=True)
    out = to_excel(frame, tmp_path / "m.xlsx")
    names = data_sheets(out)
    assert names == ["defense_budget JPY", "defense_budget USD", "milex_share_gdp %"]
    wb = openpyxl.load_workbook(out)
    formats = {n: wb[n].cell(row=6, column=2).number_format for n in names}
    assert formats == {"defense_budget JPY": "#,##0.0,,,", "defense_budget USD": "#,##0.0,,,",
                       "milex_share_gdp %": "0.00%"}
    assert wb["defense_budget JPY"].cell(row=6, column=2).value == 7.0e12 + 0.1
    assert "¥ bn" in wb["defense_budget JPY"]["A1"].value
    assert "$ bn" in wb["defense_budget USD"]["A1"].value
    assert wb["_tidy"].sheet_state == "hidden" and wb["_meta"].sheet_state == "hidden"
    assert wb.sheetnames[0] == "Contents"


def test_sheet_names_are_sanitised_and_unique(tmp_path):
    frames = {"a/b:c*d?e[f]g\\h": tidy(2), "A/B:C*D?E[F]G\\H": tidy(2),
              "x" * 40: tidy(2), "'quoted'": tidy(2), "History": tidy(2), "_tidy": tidy(2),
              "Sources": tidy(2)}
    out = to_excel(frames, tmp_path / "s.xlsx")
    names = data_sheets(out)
    assert len(names) == len(frames)
    assert len({n.lower() for n in names}) == len(names)
    for n in names:
        assert len(n) <= 31 and not re.search(r"[\[\]:*?/\\]", n)
        assert not n.startswith("'") and not n.endswith("'") and not n.startswith("_")
    assert names[0] == "a_b_c_d_e_f_g_h" and names[1] == "A_B_C_D_E_F_G_H (2)"
    assert "History" not in names and "Sources" not in names
    assert set(read_excel_export(out)) == set(frames)


@settings(max_examples=200, deadline=None)
@given(wanted=st.lists(st.text(max_size=40), min_size=1, max_size=6))
def test_sheet_name_always_valid(wanted):
    used = {"contents", "sources", "notes"}
    names = [excel._sheet_name(w, used) for w in wanted]
    assert len({n.lower() for n in names}) == len(names)
    for n in names:
        assert 1 <= len(n) <= 31
        assert not re.search(r"[\[\]:*?/\\]", n) and not n.startswith(("'", "_"))
        assert not n.endswith("'") and n.lower() not in ("contents", "sources", "notes",
                                                          "history")


def test_layout_header_block_freeze_and_widths(tmp_path):
    frame = pd.concat([tidy(3), tidy(3, basis="mod_incl_saco_realignment")],
                      ignore_index=True)
    out = to_excel(frame, tmp_path / "l.xlsx")
    ws = openpyxl.load_workbook(out)["defense_budget JPY"]
    assert [ws.cell(row=5, column=j).value for j in range(1, 6)] == [
        "Country", "Basis", "FY2023", "FY2024", "FY2025"]
    assert ws["A6"].value == "Japan" and ws["B7"].value == "mod_incl_saco_realignment"
    assert ws.freeze_panes == "C6"
    assert "Unit: ¥ bn (JPY)" in ws["A2"].value and "April–March" in ws["A2"].value
    assert "my-own-source" in ws["A3"].value
    assert ws.column_dimensions["B"].width >= len("mod_incl_saco_realignment")
    assert ws.column_dimensions["C"].width >= 8


# ------------------------------------------------------------------------------- flags

def test_flags_and_stages_are_styled_with_a_key(tmp_path):
    frame = tidy(6, flag=["estimate", "highly_uncertain", None, "unavailable", "derived", None],
                 stage=["enacted", "enacted", "draft", "enacted", "enacted", "request"],
                 values=[1e12, 2e12, 3e12, np.nan, 5e12, 6e12])
    out = to_excel(frame, tmp_path / "f.xlsx")
    ws = openpyxl.load_workbook(out)["defense_budget JPY"]
    est, unc, draft, unav, other, req = (ws.cell(row=6, column=c) for c in range(2, 8))
    assert est.font.i and est.font.color.rgb.endswith("1F4E9B")
    assert unc.font.i and unc.font.color.rgb.endswith("C00000")
    assert draft.fill.fgColor.rgb.endswith("FFF2CC") and not draft.font.i
    assert unav.value is None and unav.fill.fgColor.rgb.endswith("D9D9D9")
    assert other.comment is not None and "derived" in other.comment.text
    assert req.fill.fgColor.rgb.endswith("FCE4D6")
    # one basis only, so no Basis column: column B holds the first year, FY2023
    assert [ws.cell(row=5, column=c).value for c in (1, 2, 7)] == ["Country", "FY2023",
                                                                   "FY2028"]
    key = {ws.cell(row=4, column=c).value: ws.cell(row=4, column=c)
           for c in range(1, 20) if ws.cell(row=4, column=c).value}
    assert {"Key:", "estimate", "highly uncertain", "draft budget", "budget request",
            "unavailable (blank)", "other flag (see comment)"} <= set(key)
    assert key["estimate"].font.i and key["draft budget"].fill.fgColor.rgb.endswith("FFF2CC")


def test_unflagged_sheet_says_so(tmp_path):
    ws = openpyxl.load_workbook(to_excel(tidy(), tmp_path / "x.xlsx"))["defense_budget JPY"]
    assert "no flagged values" in ws["B4"].value


# ------------------------------------------------------------------------------- sources, notes

def test_sources_sheet_cites_known_and_flags_unknown_ids(tmp_path):
    japan = defbudget.load("japan_mod_budget")
    mine = tidy(2, source="my-own-source")
    out = to_excel({"Japan": japan, "Mine": mine}, tmp_path / "s.xlsx")
    ws = openpyxl.load_workbook(out)["Sources"]
    rows = {r[0]: r for r in ws.iter_rows(min_row=5, values_only=True) if r[0]}
    assert set(japan["source"].unique()) | {"my-own-source"} <= set(rows)
    sid = "mod-white-paper-2024"
    assert rows[sid][1] == defbudget.cite(sid)
    assert rows[sid][2] and rows[sid][2] != "not recorded"
    assert rows[sid][3].startswith("http")
    assert rows["my-own-source"][1] == "my-own-source"
    assert rows["my-own-source"][2] == "not recorded"
    assert "Not a source shipped with defbudget" in rows["my-own-source"][5]


def test_notes_sheet_has_conversion_basis_and_flag_meanings(tmp_path):
    frame = tidy(3, unit="USD", values=[5e10, 5.1e10, 5.2e10], fx_rate=[150.0, 151.04, 142.857],
                 fx_from="JPY", fx_basis="fy_average", fx_source="ecb-eurofxref", deflator="jp_cpi",
                 flag=["estimate", None, None])
    out = to_excel(frame, tmp_path / "n.xlsx", notes=["Prepared for the seminar.", "=not 1"])
    ws = openpyxl.load_workbook(out)["Notes"]
    text = "\n".join(str(v) for row in ws.iter_rows(values_only=True) for v in row
                     if v is not None)
    assert "Prepared for the seminar." in text and "=not 1" in text
    assert "fy_average" in text and "ecb-eurofxref" in text and "jp_cpi" in text
    # rates as quoted, yen per dollar, lowest to highest
    assert "¥142.9/$ to ¥151.0/$" in text
    assert "local currency per US$" in text
    for code in ("estimate", "highly_uncertain", "unavailable", "draft", "request"):
        assert code in text
    assert excel.FLAG_MEANINGS["estimate"] in text
    assert excel.STAGE_MEANINGS["draft"] in text


def test_notes_without_conversion_say_so(tmp_path):
    ws = openpyxl.load_workbook(to_excel(tidy(), tmp_path / "x.xlsx"))["Notes"]
    text = " ".join(str(v) for row in ws.iter_rows(values_only=True) for v in row if v)
    assert "No currency conversion or deflation" in text


# ------------------------------------------------------------------------------- charts

def test_one_line_chart_per_data_sheet(tmp_path):
    frame = pd.concat([tidy(3), tidy(3, basis="mod_incl_saco_realignment"),
                       tidy(3, unit="ratio", measure="milex_share_gdp",
                            values=[0.011, 0.012, 0.013])], ignore_index=True)
    out = to_excel(frame, tmp_path / "c.xlsx")
    with zipfile.ZipFile(out) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
        assert len(charts) == 2
        for name in charts:
            root = fromstring(z.read(name))
            c = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
            assert root.find(f".//{c}lineChart") is not None
    wb = openpyxl.load_workbook(out)
    for name in data_sheets(out):
        assert len(wb[name]._charts) == 1
    first = next(n for n in charts if n.endswith("chart1.xml"))
    with zipfile.ZipFile(out) as z:
        xml = z.read(first).decode()
    assert "Japan · mod_excl_saco_realignment" in xml
    assert "'defense_budget JPY'!$C$5:$E$5" in xml  # years on the x axis


def test_big_sheet_caps_chart_series_and_says_so(tmp_path):
    frames = [tidy(2, country=f"Country {i:02d}", values=[1e9 * i, 1e9 * (i + 1)])
              for i in range(20)]
    out = to_excel(pd.concat(frames, ignore_index=True), tmp_path / "big.xlsx")
    with zipfile.ZipFile(out) as z:
        xml = z.read("xl/charts/chart1.xml").decode()
    assert xml.count("<c:ser>") == MAX_CHART_SERIES  # XlsxWriter prefixes the chart namespace
    assert "Country 19" in xml and "Country 12" in xml and "Country 11" not in xml
    ws = openpyxl.load_workbook(out)["defense_budget JPY"]
    notes = [c.value for row in ws.iter_rows(min_row=26, max_row=28) for c in row if c.value]
    assert any(f"draws {MAX_CHART_SERIES} of the 20 rows" in str(v) for v in notes)


def test_contents_links_to_each_sheet_and_sources_link_urls(tmp_path):
    out = to_excel({"Japan": defbudget.load("japan_mod_budget")}, tmp_path / "l.xlsx")
    wb = openpyxl.load_workbook(out)
    contents = wb["Contents"]
    links = {c.value: c.hyperlink.location for c in contents["A"] if c.hyperlink}
    assert links["Sources"] == "'Sources'!A1" and links["Notes"] == "'Notes'!A1"
    for name in data_sheets(out):
        assert links[name] == f"'{name}'!A1"
    urls = [c.hyperlink.target for c in wb["Sources"]["D"] if c.hyperlink]
    assert urls and all(u.startswith("http") for u in urls)


def test_tab_and_cr_led_text_is_quoted_text_on_visible_sheets(tmp_path):
    out = to_excel(tidy(2, country=["\t=1+1", "\r=2"]), tmp_path / "t.xlsx")
    ws = openpyxl.load_workbook(out)[data_sheets(out)[0]]
    cells = {c.value: c for row in ws.iter_rows() for c in row
             if isinstance(c.value, str) and c.value.endswith(("=1+1", "=2"))}
    # openpyxl shows XlsxWriter's escape of CR (_x000D_) as it is; Excel shows the CR
    assert set(cells) == {"\t=1+1", "_x000D_=2"}
    assert all(c.data_type == "s" and c.quotePrefix for c in cells.values())
    assert read_excel_export(out)["country"].tolist() == ["\t=1+1", "\r=2"]

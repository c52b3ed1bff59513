"""read_excel_export never trusts the sizes an export's own ``_meta`` records, and the
streamed tidy sheets hold what format 2 promises (issues 15 and 16)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from defbudget import schema
from defbudget.excel import read_excel_export, to_excel
from defbudget.excel._guard import sheet_paths

BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "excel_export.py"


def tidy(n=3, **columns) -> pd.DataFrame:
    data = {"country": "Japan", "iso3": "JPN", "year": list(range(2023, 2023 + n)),
            "period": "FY", "fy_start_month": 4, "measure": "defense_budget",
            "basis": "mod_excl_saco_realignment", "value": [7.0e12 + i for i in range(n)],
            "unit": "JPY", "price_basis": "current", "stage": "enacted", "source": "mine"}
    data.update(columns)
    return schema.coerce(pd.DataFrame(data))


def rewrite(path: Path, sheet: str, edit) -> None:
    """Replace the XML of *sheet* in the xlsx at *path* by edit(xml)."""
    with zipfile.ZipFile(path) as z:
        member = sheet_paths(z)[sheet]
        parts = {i.filename: z.read(i) for i in z.infolist()}
    parts[member] = edit(parts[member].decode()).encode()
    if "xl/sharedStrings.xml" in parts:  # a small export is written in memory: its text
        parts["xl/sharedStrings.xml"] = edit(parts["xl/sharedStrings.xml"].decode()).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)


def sheet_text(path: Path, sheet: str) -> str:
    """The sheet's XML, and the shared strings it may refer to."""
    with zipfile.ZipFile(path) as z:
        shared = (z.read("xl/sharedStrings.xml").decode()
                  if "xl/sharedStrings.xml" in z.namelist() else "")
        return z.read(sheet_paths(z)[sheet]).decode() + shared


@pytest.mark.parametrize("nrows", [999_999, 100_000_000, 1])
def test_meta_lying_about_rows_is_a_clear_error(tmp_path, nrows):
    path = to_excel(tidy(3), tmp_path / "x.xlsx")
    rewrite(path, "_meta", lambda xml: xml.replace('"nrows":3,', f'"nrows":{nrows},'))
    with pytest.raises(ValueError, match=r"x\.xlsx.*_tidy.*(rows|_meta).*[Ee]xport the frames "
                                         r"again") as err:
        read_excel_export(path)
    assert "_meta" in str(err.value)


def test_meta_lying_about_columns_is_a_clear_error(tmp_path):
    path = to_excel(tidy(3), tmp_path / "x.xlsx")
    rewrite(path, "_meta", lambda xml: xml.replace('"ncols":14,', '"ncols":16000,'))
    with pytest.raises(ValueError, match=r"x\.xlsx.*16000 columns .*no export holds"):
        read_excel_export(path)


def test_far_cell_in_tidy_sheet_is_refused_before_calamine(tmp_path):
    path = to_excel(tidy(3), tmp_path / "x.xlsx")
    far = '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>'
    rewrite(path, "_tidy", lambda xml: xml.replace("</sheetData>", far))
    code = ("import sys\nfrom defbudget.excel import read_excel_export\n"
            f"try:\n    read_excel_export({str(path)!r})\nexcept ValueError as exc:\n"
            "    print(exc)\n"
            "print(next(int(x.split()[1]) // 1024 for x in open('/proc/self/status')\n"
            "           if x.startswith('VmHWM:')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120)
    message, peak_mb = out.stdout.strip().rsplit("\n", 1)
    assert re.search(r"x\.xlsx.*lies beyond the 4 rows x 3 columns that _meta records",
                     message), out.stdout + out.stderr
    assert int(peak_mb) < 300


def test_entity_reference_in_tidy_sheet_is_a_clear_error(tmp_path):
    path = to_excel(tidy(3), tmp_path / "x.xlsx")
    rewrite(path, "_tidy", lambda xml: xml.replace(">year<", ">&bomb;<", 1))
    with pytest.raises(ValueError, match=r"x\.xlsx.*entity reference.*[Ee]xport the frames"):
        read_excel_export(path)


def test_dimension_must_match_meta(tmp_path):
    path = to_excel(tidy(3), tmp_path / "x.xlsx")
    rewrite(path, "_tidy", lambda xml: xml.replace('<dimension ref="A1:C4"/>',
                                                   '<dimension ref="A1:XFD1048576"/>'))
    with pytest.raises(ValueError, match=r"says its cells span A1:XFD1048576.*A1:C4"):
        read_excel_export(path)


def test_big_ints_are_text_and_quoted_text_is_json(tmp_path):
    frame = tidy(3, note=['"quoted"', "", "a\rb_x0041_"])
    frame["big"] = np.array([2**53, 2**53 + 1, -(2**63)], dtype="int64")
    path = to_excel(frame, tmp_path / "x.xlsx")
    xml = sheet_text(path, "_tidy")
    assert "<v>9007199254740992</v>" in xml  # a double holds 2**53 exactly: a number
    assert "<t>9007199254740993</t>" in xml and "<t>-9223372036854775808</t>" in xml
    # JSON string literals, no underscore: nothing calamine would unescape
    assert '<t>"\\"quoted\\""</t>' in xml and '<t>""</t>' in xml
    assert '<t>"a\\rb\\u005fx0041\\u005f"</t>' in xml
    back = read_excel_export(path)
    pd.testing.assert_frame_equal(back, frame, check_exact=True)


def test_meta_json_has_no_underscore(tmp_path):
    frame = tidy(2)
    frame["_x0041_"] = "col"
    path = to_excel(frame, tmp_path / "x.xlsx")
    meta = sheet_text(path, "_meta")
    chunk = re.search(r'<t>(\{"kind.*?)</t>', meta).group(1)
    assert "_" not in chunk and json.loads(chunk.replace("&amp;", "&"))["kind"] == "frame"
    assert list(read_excel_export(path).columns)[-1] == "_x0041_"


@pytest.mark.slow
def test_million_row_export_peak_memory_under_500_mb(tmp_path):
    """Measured in a child process (its peak RSS, VmHWM on Linux), the frame included."""
    out = subprocess.run([sys.executable, str(BENCH), "--child", "new", "--rows", "1000000",
                          "--out", str(tmp_path)], capture_output=True, text=True,
                         timeout=600, check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["rows"] == 1_000_000
    assert result["peak_rss_mb"] < 500, result
    with zipfile.ZipFile(tmp_path / "million.xlsx") as z:
        tidy_xml = sheet_paths(z)["_tidy"]
        with z.open(tidy_xml) as f:
            head = f.read(2000).decode()
    assert '<dimension ref="A1:C1000001"/>' in head  # key, year, value

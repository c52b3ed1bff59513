"""The exported workbook renders in LibreOffice: data, number formats and charts reach a PDF.

Skipped (with the reason) when LibreOffice or poppler is not installed; install them with
``apt-get install -y libreoffice-calc poppler-utils``. See scripts/check_excel_pdf.py.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import defbudget

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "check_excel_pdf.py"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not (shutil.which("soffice") or shutil.which("libreoffice")),
                       reason="LibreOffice (soffice) is not on PATH: apt-get install -y "
                              "libreoffice-calc"),
    pytest.mark.skipif(not (shutil.which("pdftotext") and shutil.which("pdftoppm")),
                       reason="poppler (pdftotext, pdftoppm) is not on PATH: apt-get install "
                              "-y poppler-utils"),
]


def _script():
    spec = importlib.util.spec_from_file_location("check_excel_pdf", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_japan_export_renders_data_and_charts_in_pdf(tmp_path):
    check = _script()
    japan = defbudget.load("japan_mod_budget")
    shares = japan[japan["measure"] == "defense_budget"].head(6).assign(
        measure="milex_share_gdp", unit="ratio", value=[0.0091, 0.0095, 0.01, 0.0102,
                                                        0.0125, 0.0137])
    xlsx = defbudget.to_excel({"Japan": japan, "Share": shares}, tmp_path / "japan.xlsx")
    pdf = check.to_pdf(xlsx, tmp_path)
    text = check.pdf_text(pdf)
    first = japan[(japan["year"] == 1990) & japan["value"].notna()].iloc[0]
    shown = f"{first['value'] / 1e9:,.1f}"  # #,##0.0,,, -> billions of yen
    assert "Japan" in text
    assert shown in text, f"{shown} (¥ bn) not in the PDF"
    assert "1.37%" in text  # 0.00% format of a ratio
    assert "FY1990" in text and "FY2026" in text
    # Chart titles and axis labels come from the native charts, not from cells.
    assert "Defence budget (national definition) (¥ bn)" in text
    assert "Military expenditure as a share of GDP (%)" in text
    assert "Sources" in text and "Notes" in text
    assert defbudget.cite("mod-white-paper-2024")[:30] in text.replace("\n", " ")
    pngs = check.to_png(pdf, dpi=30)
    assert len(pngs) >= 4


def test_check_script_runs_end_to_end(tmp_path):
    out = subprocess.run([sys.executable, str(SCRIPT), "--outdir", str(tmp_path)],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "FAIL" not in out.stdout
    assert list(tmp_path.glob("japan_mod_budget-*.png"))


def test_workbook_resaved_by_libreoffice_reads_back(tmp_path):
    """A colleague opens the export in Calc and saves it: the tidy frame survives (Calc
    rewrites text as shared strings, which read_excel_export also reads). Calc saves numbers
    with 15 significant digits, so 0.1 + 0.2 comes back as 0.3; whole-yen budgets are exact."""
    import pandas as pd

    japan = defbudget.load("japan_mod_budget")
    japan.loc[0, "note"] = "=1+1"
    japan.loc[1, "value"] = 0.1 + 0.2
    xlsx = defbudget.to_excel(japan, tmp_path / "j.xlsx")
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    outdir = tmp_path / "resaved"
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path / 'profile'}",
                    "--headless", "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir",
                    str(outdir), str(xlsx)], check=True, capture_output=True, timeout=180)
    back = defbudget.read_excel_export(outdir / "j.xlsx")
    assert back.loc[0, "note"] == "=1+1"
    assert back.loc[1, "value"] == pytest.approx(0.3, rel=1e-15)
    keep = japan.index != 1
    pd.testing.assert_frame_equal(back[keep], japan[keep], check_exact=True)

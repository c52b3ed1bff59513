"""The report: one real run of `defbudget report` (a subprocess, shared by the tests) and the
SIPRI items drawn from the real workbook."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from defbudget.report import INDO_PACIFIC, ReportError, build_report, report_items

SHIPPED_FILES = [
    "japan_budget_yen.png", "japan_budget_growth.png", "japan_budget_composition.png",
    "japan_budget_usd.png", "japan_budget_constant.png", "japan_budget_share_gdp.png",
    "reconciliation_fy2025.png", "reconciliation_fy2026.png", "gmsd_burden_indo_pacific.png",
    "gmsd_burden_slope.png", "gmsd_burden_ranking.png",
    "japan_mod_budget.csv", "japan_budget_usd.csv", "reconcile.csv",
    "official_budgets_indexed.png", "official_budgets_usd.png",
    "official_budgets_latest_growth.png", "official_budgets_latest_growth.csv",
    "defbudget_report.xlsx", "summary.md",
]
SIPRI_FILES = ["sipri_constant_usd.png", "sipri_share_gdp.png", "sipri_indexed_growth.png",
               "sipri_ranking.png", "sipri_all_countries.pdf", "official_vs_sipri.csv",
               "official_vs_sipri.png"]


@pytest.fixture(scope="session")
def report_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("report")
    proc = subprocess.run([sys.executable, "-m", "defbudget", "report", "--out", str(out), "-q"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""  # -q: no progress bar, and no warnings
    assert f"Wrote {len(SHIPPED_FILES)} files" in proc.stdout
    return out


def test_report_writes_every_file(report_dir):
    assert sorted(p.name for p in report_dir.iterdir()) == sorted(SHIPPED_FILES)
    for name in SHIPPED_FILES:
        data = (report_dir / name).read_bytes()
        assert len(data) > 500, name
        if name.endswith(".png"):
            assert data[:8] == b"\x89PNG\r\n\x1a\n", name


def test_item_list_matches_files_and_sipri_adds_comparisons():
    assert [i.filename for i in report_items()] == SHIPPED_FILES[:-2] + SHIPPED_FILES[-2:]
    with_sipri = [i.filename for i in report_items(sipri="x.xlsx")]
    assert set(with_sipri) - set(SHIPPED_FILES) == set(SIPRI_FILES)
    assert with_sipri[-2:] == ["defbudget_report.xlsx", "summary.md"]  # summary last


def test_csv_is_the_shipped_series(report_dir):
    from defbudget.datasets import load

    csv = pd.read_csv(report_dir / "japan_mod_budget.csv")
    shipped = load("japan_mod_budget")
    assert len(csv) == len(shipped)
    assert csv["value"].sum() == pytest.approx(shipped["value"].sum(), rel=1e-12)


def test_usd_csv_converts_fy2025_at_fy_average_and_leaves_fy2026_empty(report_dir):
    usd = pd.read_csv(report_dir / "japan_budget_usd.csv")
    assert set(usd["unit"]) == {"USD"}
    fy25 = usd[(usd["year"] == 2025) & (usd["basis"] == "mod_incl_saco_realignment")]
    assert 50e9 < fy25["value"].iloc[0] < 65e9  # ¥8.70T at ~150 ¥/$
    fy26 = usd[usd["year"] == 2026]
    assert fy26["value"].isna().all()  # the fiscal year has not ended: no average rate


def test_workbook_round_trips_the_yen_series(report_dir):
    from defbudget.datasets import load
    from defbudget.excel import read_excel_export

    back = read_excel_export(report_dir / "defbudget_report.xlsx")
    frame = back if isinstance(back, pd.DataFrame) else pd.concat(list(back.values()))
    yen = frame[(frame["unit"] == "JPY") & (frame["price_basis"] == "current")
                & (frame["measure"] == "defense_budget")]
    shipped = load("japan_mod_budget")
    shipped = shipped[shipped["measure"] == "defense_budget"]
    got = yen.set_index(["year", "basis"])["value"].sort_index()
    want = shipped.set_index(["year", "basis"])["value"].sort_index()
    pd.testing.assert_series_equal(got, want, check_names=False, check_dtype=False)


def test_summary_has_key_figures_and_sources(report_dir):
    text = (report_dir / "summary.md").read_text(encoding="utf-8")
    assert "¥8.70T" in text and "¥9.04T" in text  # FY2025 enacted, FY2026 draft
    assert "+3.8%" in text  # FY2026 draft on FY2025 (incl. SACO & realignment)
    assert "$57.7B" in text  # FY2025 at the FY-average rate
    assert "report.az" in text and "no rate of the period supports it" in text
    sources = text.split("## Sources", 1)[1]
    assert "Ministry of Defense" in sources and "eurofxref" in sources
    assert sources.count("\n- ") >= 5


def test_report_into_a_file_is_refused(tmp_path):
    target = tmp_path / "file.txt"
    target.write_text("x")
    with pytest.raises(NotADirectoryError, match="is a file"):
        build_report(target, progress=False)


def test_failing_item_is_named(tmp_path):
    with pytest.raises(ReportError, match=r"--sipri: .*does not exist"):
        build_report(tmp_path, sipri=tmp_path / "missing.xlsx", progress=False)
    assert list(tmp_path.iterdir()) == []  # nothing drawn before the bad input was found


@pytest.mark.parametrize("name", [n for n in SIPRI_FILES if n.endswith(".png")
                                  and not n.startswith("official")])
def test_sipri_comparison_charts(name, sipri_latest, tmp_path):
    import matplotlib.pyplot as plt

    context = {"sipri": str(sipri_latest)}
    item = next(i for i in report_items(sipri=str(sipri_latest)) if i.filename == name)
    item.write(tmp_path / name, context)
    assert (tmp_path / name).read_bytes()[:4] == b"\x89PNG"
    frame = context["sipri_frame"]
    assert set(INDO_PACIFIC) <= set(frame["iso3"].dropna())
    assert plt.get_fignums() == []  # every figure closed


@pytest.fixture(scope="module")
def constant_usd_cells(sipri_latest) -> dict[tuple[str, int], float]:
    """(SIPRI name, year) -> constant US$ m., read straight from the workbook with openpyxl."""
    import openpyxl

    wb = openpyxl.load_workbook(sipri_latest, read_only=True, data_only=True)
    sheet = next(n for n in wb.sheetnames if n.startswith("Constant ("))
    header, cells = None, {}
    for row in wb[sheet].iter_rows(values_only=True):
        if header is None and 2023 in row:
            header = row
        elif header is not None and row and isinstance(row[0], str):
            for year in (2023, 2024):
                col = header.index(year)
                value = row[col] if col < len(row) else None
                if isinstance(value, (int, float)):
                    cells[(row[0], year)] = float(value)
    wb.close()
    return cells


def _drawn(item_name: str, saved_figures: list, tmp_path, sipri=None):
    """The figure a report item saves (caught at plot.save by the saved_figures fixture)."""
    context = {"sipri": str(sipri)} if sipri else {}
    item = next(i for i in report_items(**context) if i.filename == item_name)
    item.write(tmp_path / item_name, context)
    return saved_figures[-1]


def test_sipri_constant_usd_chart_draws_the_workbook_values(sipri_latest, tmp_path,
                                                           saved_figures, constant_usd_cells):
    fig = _drawn("sipri_constant_usd.png", saved_figures, tmp_path, sipri_latest)
    (ax,) = [a for a in fig.axes if a.get_lines()]
    lines = {line.get_label(): line for line in ax.get_lines()}
    assert {"Japan", "China", "South Korea", "Australia", "India"} <= set(lines)
    japan = dict(zip(lines["Japan"].get_xdata(), lines["Japan"].get_ydata(), strict=True))
    # the workbook's Japan row, constant (2023) US$ m. (48,189.1 in 2023), in whole dollars
    assert japan[2023] == pytest.approx(constant_usd_cells[("Japan", 2023)] * 1e6, rel=1e-9)
    assert min(japan) == 1990


def test_sipri_ranking_chart_ranks_the_workbook_values(sipri_latest, tmp_path, saved_figures,
                                                      constant_usd_cells):
    fig = _drawn("sipri_ranking.png", saved_figures, tmp_path, sipri_latest)
    (ax,) = [a for a in fig.axes if a.patches]
    widths = sorted((p.get_width() for p in ax.patches if p.get_width() > 0), reverse=True)
    top = sorted((v for (name, year), v in constant_usd_cells.items() if year == 2024),
                 reverse=True)
    # the 15 bars are the workbook's 15 largest 2024 values (United States first)
    assert len(widths) == 15
    assert widths == pytest.approx([v * 1e6 for v in top[:15]], rel=1e-9)
    assert widths[0] == pytest.approx(constant_usd_cells[("United States of America", 2024)]
                                      * 1e6, rel=1e-9)


def test_official_latest_growth_by_stage(report_dir):
    """South Korea 2026 on 2025: enacted 65,864.2 / 61,246.9 bn won = +7.539 %; proposal
    66,294.7 / 61,587.8 = +7.643 % (the figures of OFFICIAL_BUDGETS_NOTES.md)."""
    g = pd.read_csv(report_dir / "official_budgets_latest_growth.csv")
    kor = g[g["iso3"] == "KOR"].set_index("stage")
    assert kor.loc["enacted", "growth"] == pytest.approx(0.075388, abs=5e-7)
    assert kor.loc["proposal", "growth"] == pytest.approx(0.076426, abs=5e-7)
    assert (kor["previous"] == "2025").all() and (kor["latest"] == "2026").all()
    jp = g[(g["iso3"] == "JPN") & (g["basis"] == "mod_incl_saco_realignment")].iloc[0]
    assert (jp["stage"], jp["compared_with"], jp["latest"]) == ("draft", "enacted", "FY2026")


def test_official_against_sipri(sipri_latest, tmp_path):
    """China 2023: the MOF draft 1,553.7 bn yuan against SIPRI's 2,098,679 m yuan (the
    2025 release's local-currency sheet) is 74.03 %; SIPRI's China footnote comes along."""
    import matplotlib.pyplot as plt

    context = {"sipri": str(sipri_latest)}
    items = {i.filename: i for i in report_items(sipri=str(sipri_latest))}
    items["official_vs_sipri.csv"].write(tmp_path / "official_vs_sipri.csv", context)
    items["official_vs_sipri.png"].write(tmp_path / "official_vs_sipri.png", context)
    assert (tmp_path / "official_vs_sipri.png").read_bytes()[:4] == b"\x89PNG"
    assert plt.get_fignums() == []
    table = pd.read_csv(tmp_path / "official_vs_sipri.csv")
    assert {"CHN", "KOR", "TWN", "AUS", "IND", "USA", "JPN"} <= set(table["iso3"])
    chn = table[(table["iso3"] == "CHN") & (table["year"] == 2023)].iloc[0]
    if "2024" in sipri_latest.name:  # the 1949-2024 release read above
        assert chn["ratio"] == pytest.approx(0.7403, abs=5e-5)
    assert chn["sipri_note"].startswith("China:")
    us = table[table["iso3"] == "USA"]
    assert (us["fy_label"].str.startswith("FY")).all()


@pytest.mark.parametrize("name", ["official_budgets_indexed.png", "official_budgets_usd.png"])
def test_official_budget_charts_use_the_house_colour_of_each_country(name, tmp_path,
                                                                    saved_figures):
    """Japan is the house blue here as in every chart (plot.COUNTRY_COLOURS), China
    vermillion, South Korea bluish green."""
    from matplotlib.colors import to_hex

    fig = _drawn(name, saved_figures, tmp_path)
    (ax,) = [a for a in fig.axes if a.get_lines()]
    colours = {line.get_label(): to_hex(line.get_color()) for line in ax.get_lines()}
    assert colours["Japan"] == "#0072b2"
    assert colours["China"] == "#d55e00" and colours["South Korea"] == "#009e73"

"""official_budgets (issue 17): coverage, citations and quotes, spot checks, reconciliation.

Spot-check values are worked out by hand from the amount each source printed (quoted in
data/OFFICIAL_BUDGETS_NOTES.md): 1 trillion = 10^12, 1 billion = 10^9, 1 crore = 10^7,
조 = 10^12, 억 = 10^8, 亿/億 = 10^8.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from defbudget import cite, load
from defbudget.datasets import data_path
from defbudget.reconciliation import reconcile

COUNTRIES = ("CHN", "KOR", "TWN", "AUS", "IND", "USA")


@pytest.fixture(scope="module")
def official() -> pd.DataFrame:
    return load("official_budgets")


@pytest.fixture(scope="module")
def notes() -> str:
    return data_path("OFFICIAL_BUDGETS_NOTES.md").read_text(encoding="utf-8")


def test_coverage_six_countries_twelve_years_at_least_80_percent(official):
    years = range(2015, 2027)
    rows = official[official["year"].isin(years) & official["iso3"].isin(COUNTRIES)]
    # every country-year of every headline basis is present, as a value or flagged unavailable
    assert set(rows["iso3"]) == set(COUNTRIES)
    valued = rows[rows["value"].notna()]
    have = set(zip(valued["iso3"], valued["year"], strict=True))
    share = len(have) / (len(COUNTRIES) * len(years))
    assert share >= 0.80, f"{share:.0%} of country-years have a value"
    missing = rows[rows["value"].isna()]
    assert (missing["flag"] == "unavailable").all()
    assert missing["note"].str.startswith("Not available: ").all()


def test_every_value_cites_a_resolving_source_and_is_quoted_in_the_notes(official, notes):
    valued = official[official["value"].notna()]
    for source in valued["source"].unique():
        assert cite(source)  # raises UnknownNameError when it does not resolve
    rows = "\n".join(line for line in notes.splitlines() if line.startswith("**"))
    for r in valued.itertuples():
        head = f"**{r.fy_label} `{r.basis}` {r.stage}: {int(r.value):,} {r.unit}**"
        assert head in rows, head
        # the line after the value's heading is its quote
        after = notes.split(head, 1)[1].splitlines()
        assert after[1].startswith("> ") and len(after[1]) > 10, head
        assert f"source `{r.source}`" in after[0]


def test_fiscal_years_as_each_government_writes_them(official):
    months = {"CHN": 1, "KOR": 1, "TWN": 1, "AUS": 7, "IND": 4, "USA": 10}
    assert (official["fy_start_month"] == official["iso3"].map(months)).all()
    us = official[official["iso3"] == "USA"]
    assert (us["fy_year_is"] == "end").all()
    assert (official.loc[official["iso3"] != "USA", "fy_year_is"] == "start").all()
    from defbudget.fiscal import official_labels
    assert (official_labels(official) == official["fy_label"]).all()
    row = official[(official["iso3"] == "AUS") & (official["year"] == 2025)].iloc[0]
    assert row["fy_label"] == "2025–26"
    row = official[(official["iso3"] == "USA") & (official["year"] == 2025)].iloc[0]
    assert row["fy_label"] == "FY2025"


def test_no_draft_is_labelled_enacted(official):
    chn = official[(official["iso3"] == "CHN") & official["value"].notna()]
    assert set(chn["stage"]) == {"draft"}


SPOT = [  # iso3, year, basis, stage, whole units worked out from the printed amount
    ("CHN", 2025, "chn_mof_national_defence", "draft", 1_784_665_000_000),  # 1.784665 trillion
    ("CHN", 2026, "chn_mof_national_defence", "draft", 1_909_561_000_000),  # 19095.61亿元
    ("KOR", 2026, "kor_mnd_budget", "proposal", 66_294_700_000_000),  # 66조 2,947억원
    ("KOR", 2026, "kor_mnd_budget", "enacted", 65_864_200_000_000),  # 65조8642억원
    ("TWN", 2026, "twn_total_defence_budget", "proposal", 949_500_000_000),  # NT$949.5 billion
    ("TWN", 2026, "twn_mnd_budget", "proposal", 561_400_000_000),  # NT$561.4 billion
    ("AUS", 2025, "aus_defence_portfolio_funding", "proposal", 58_988_700_000),  # $58,988.7 m
    ("AUS", 2024, "aus_defence_portfolio_funding", "proposal", 55_687_000_000),  # $55.687 bn
    ("IND", 2025, "ind_mod_be_incl_pensions", "proposal", 6_812_102_700_000),  # 6,81,210.27 cr
    ("IND", 2024, "ind_mod_be_incl_pensions", "proposal", 6_219_408_500_000),  # 6,21,940.85 cr
    ("USA", 2025, "usa_dod_051_discretionary_ba", "request", 849_800_000_000),  # $849.8 bn
    ("USA", 2025, "usa_national_defense_050_discretionary_ba", "request", 895_200_000_000),
]


@pytest.mark.parametrize(("iso3", "year", "basis", "stage", "expected"), SPOT)
def test_spot_checks_against_the_quoted_source(official, notes, iso3, year, basis, stage,
                                               expected):
    row = official[(official["iso3"] == iso3) & (official["year"] == year)
                   & (official["basis"] == basis) & (official["stage"] == stage)]
    assert len(row) == 1
    assert row["value"].iloc[0] == expected
    printed = row["amount_as_printed"].iloc[0]
    digits = re.sub(r"[^\d.]", "", printed.split("(")[0])
    assert digits.strip(".") and digits.replace(".", "")[:3] in str(expected).replace(".", "")
    assert row["unit"].iloc[0] == {"CHN": "CNY", "KOR": "KRW", "TWN": "TWD", "AUS": "AUD",
                                   "IND": "INR", "USA": "USD"}[iso3]


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return reconcile()


def test_reconcile_has_press_figures_for_every_country_with_a_foreign_currency(table):
    assert {"CHN", "KOR", "TWN", "AUS", "IND"} <= set(
        table["country"].map({"China": "CHN", "South Korea": "KOR", "Taiwan": "TWN",
                              "Australia": "AUS", "India": "IND", "Japan": "JPN"}))
    assert table["implied_rate"].notna().all()
    assert table["verdict"].str.len().gt(0).all()


def test_reconcile_pins_two_implied_rates(table):
    by = table.set_index("figure_id")
    # Reuters: South Korea 2026 "66.3 trillion won ($47.1 billion)": 66,300 / 47.1 = 1407.643
    kor = by.loc["kor-2026-proposal-usd-conversion-reuters"]
    assert kor["implied_rate"] == pytest.approx(1407.643, abs=5e-4)
    assert kor["local_unit"] == "KRW" and kor["budget"] == "South Korea 2026 budget proposal"
    # Xinhua: China 2025 "1.784665 trillion yuan (about 249 billion U.S. dollars)":
    # 1,784.665 / 249 = 7.167329
    chn = by.loc["chn-2025-draft-usd-conversion-xinhua"]
    assert chn["implied_rate"] == pytest.approx(7.167329, abs=5e-7)
    assert chn["local_unit"] == "CNY"
    assert chn["fx_source"] == "ecb-eurofxref-hist"


def test_taiwan_verdict_says_no_rate_source(table):
    twn = table[table["country"] == "Taiwan"]
    assert len(twn) > 0
    assert twn["verdict"].str.startswith("no exchange-rate source available").all()
    assert twn["verdict"].str.contains("TWD").all()


def test_reconcile_country_filter():
    chn = reconcile(country="CHN")
    assert set(chn["country"]) == {"China"}
    with pytest.raises(KeyError, match="countries with figures"):
        reconcile(country="ATA")


def _cli(*args: str) -> str:
    import contextlib
    import io

    from defbudget.cli import main
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        assert main(list(args)) == 0
    return buf.getvalue()


def test_cli_show_official_budgets_by_government_fiscal_year():
    out = _cli("show", "official_budgets", "--countries", "CHN,KOR", "--years", "2015:2026")
    assert "1,784,665,000,000" in out and "66,294,700,000,000" in out
    assert "Jan 2025–Dec 2025" in out
    assert "United States" not in out
    us = _cli("show", "official_budgets", "--countries", "USA", "--years", "2025:2025")
    assert "FY2025" in us and "Oct 2024–Sep 2025" in us and "849,800,000,000" in us
    au = _cli("show", "official_budgets", "--countries", "AUS", "--years", "2025:2025")
    assert "2025–26" in au and "Jul 2025–Jun 2026" in au
    usd = _cli("show", "official_budgets", "--countries", "KOR,TWN", "--years", "2024:2024",
               "--to", "USD")
    assert "KRW/USD (cy_average)" in usd and "no rate" in usd


def test_cli_reconcile_country():
    out = _cli("reconcile", "--country", "CHN")
    assert "China 2025 draft budget" in out and "Japan" not in out
    assert "implied CNY/$" in out
    twn = _cli("reconcile", "--country", "TWN")
    assert "no exchange-rate source available" in twn and " n/a " in twn


def test_notebook_08_runs_clean():
    """Notebook 08 runs top to bottom: no error, no warning, no e-notation in any output.
    Its run time is printed (the goal is under 10 s), not asserted."""
    import os
    import time
    from pathlib import Path

    jupytext = pytest.importorskip("jupytext")
    nbclient = pytest.importorskip("nbclient")
    nb_dir = Path(__file__).resolve().parents[1] / "notebooks"
    nb = jupytext.read(nb_dir / "08_official_budgets.py")
    old = os.environ.get("MPLBACKEND")
    os.environ["MPLBACKEND"] = "Agg"
    try:
        client = nbclient.NotebookClient(nb, timeout=120, kernel_name="python3",
                                         resources={"metadata": {"path": str(nb_dir)}})
        start = time.perf_counter()
        client.execute()
        print(f"notebook 08 ran in {time.perf_counter() - start:.1f} s")
    finally:
        if old is None:
            os.environ.pop("MPLBACKEND", None)
        else:
            os.environ["MPLBACKEND"] = old
    texts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            assert out["output_type"] != "error"
            if out["output_type"] == "stream":
                assert out["name"] == "stdout", out["text"]
                texts.append(out["text"])
            else:
                texts += [v for k, v in out.get("data", {}).items() if k.startswith("text/")]
    joined = "\n".join(texts)
    assert not re.search(r"\d[eE][+-]\d", joined)
    assert "Oct 2025–Sep 2026" in joined and "1,407.643 KRW/US$" in joined
    assert "no TWD rate source" in joined


def test_excel_sheets_use_each_governments_fiscal_year_names(official, tmp_path):
    import openpyxl

    from defbudget.excel import read_excel_export, to_excel
    rows = official[official["value"].notna() & official["basis"].isin(
        ["usa_dod_051_discretionary_ba", "aus_defence_portfolio_funding"])
        & official["stage"].isin(["request", "proposal"])]
    path = tmp_path / "official.xlsx"
    to_excel(rows, path)
    wb = openpyxl.load_workbook(path)
    headers = {ws.title: [c.value for c in ws[5]] for ws in wb.worksheets}
    aus = next(h for t, h in headers.items() if "AUD" in t)
    usa = next(h for t, h in headers.items() if "USD" in t)
    assert "2025–26" in aus and "FY2025" in usa
    us_sheet = next(ws for ws in wb.worksheets if "USD" in ws.title)
    assert "labelled by the year they end in" in us_sheet["A2"].value
    back = read_excel_export(path)
    assert len(back) == len(rows)


def test_chart_of_us_budgets_says_years_are_named_by_their_end(official, tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from defbudget import plot
    us = official[(official["basis"] == "usa_dod_051_discretionary_ba")
                  & (official["stage"] == "request") & official["value"].notna()]
    text = plot.source_line(us)
    assert "labelled by the year they end (FY2025 = Oct 2024–Sep 2025)" in text
    fig, ax = plt.subplots()
    plot.trend(us, ax=ax)
    assert ax.get_xlabel() == "Fiscal year (Oct–Sep, labelled by ending year)"
    plot.save(fig, tmp_path / "us.png")
    plt.close(fig)


def test_checked_quotes_are_sources_of_shipped_rows(official, notes):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
    import build_official

    ledger = load("reported_figures")
    cited = set(official["source"]) | set(ledger["source"])
    for sid in build_official.CHECKED:
        assert sid in cited, sid
        assert f"- `{sid}`:" in notes

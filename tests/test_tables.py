"""defbudget.tables.show: money scaled with currency, ratios as %, rates as local per US$."""

from __future__ import annotations

import re

import pandas as pd
import pytest

import defbudget as db
from defbudget import compare
from defbudget.tables import format_rate, show, show_wide

E_NOTATION = re.compile(r"\d[eE][+-]?\d")


def test_reconcile_table_reads_as_money_and_yen_per_dollar():
    table = db.reconcile()
    shown = show(table, ["outlet", "reported_usd", "local_amount", "implied_rate",
                         "fy_average_rate", "supported"])
    row = shown[table["outlet"].eq("Stars and Stripes")].iloc[0]
    # $54.8B for ¥8.7T: 8.7e12 / 54.8e9 = 158.76 yen per dollar (worked by hand).
    assert row.tolist() == ["Stars and Stripes", "$54.8B", "¥8.70T", "¥158.8/$",
                            row["fy_average_rate"], "yes"]
    assert re.fullmatch(r"¥1\d\d\.\d/\$", row["fy_average_rate"])
    assert not E_NOTATION.search(shown.to_string())


def test_targets_gap_in_points_threshold_in_percent_flags_marked():
    f = pd.DataFrame({"country": ["Japan"], "iso3": ["JPN"], "year": [2019], "period": ["CY"],
                      "fy_start_month": [1], "measure": ["milex_share_gdp"],
                      "basis": ["gmsd_latent_mean"], "value": [0.00856925], "unit": ["ratio"],
                      "price_basis": ["current"], "base_year": [pd.NA], "stage": [None],
                      "flag": ["estimate"], "source": ["gmsd-owid-2024"]})
    gaps = compare.against_targets(f, proxy=True)
    shown = show(gaps, ["country", "target_id", "value", "threshold", "gap", "met"])
    jp = shown[gaps["target_id"].eq("nato_2pct_guideline")].iloc[0]
    assert jp[["value", "threshold", "gap", "met"]].tolist() == [
        "0.86% (estimate)", "2.00%", "-1.14 pp", "no"]


def test_budget_values_scaled_and_drafts_marked():
    b = compare.select(db.load("japan_mod_budget"), measure="defense_budget",
                       basis="mod_excl_saco_realignment", year=[2024, 2026])
    assert show(b, ["year", "value"])["value"].tolist() == ["¥7.72T", "¥8.81T (draft)"]
    wide = show_wide(b, index=["basis"])
    assert wide.to_numpy().tolist() == [["¥7.72T", "¥8.81T"]]


@pytest.mark.parametrize(("value", "local", "text"), [
    (150.736986, "JPY", "¥150.7/$"), (1402.51, "KRW", "₩1,403/$"), (0.92346, "EUR", "€0.9235/$"),
    (float("nan"), "JPY", "–")])
def test_format_rate(value, local, text):
    assert format_rate(value, local) == text


def test_unknown_column_is_named():
    with pytest.raises(KeyError, match="no column 'valu'"):
        show(db.load("japan_gdp"), ["valu"])


def test_rows_stay_together_whatever_the_index():
    f = pd.DataFrame({"country": ["Japan", "China"], "value": [0.0137, 0.0171],
                      "unit": "ratio"}, index=[7, 3])
    assert show(f).to_numpy().tolist() == [["Japan", "1.37%", "ratio"],
                                          ["China", "1.71%", "ratio"]]


def test_missing_integers_show_a_dash():
    f = pd.DataFrame({"quantity": pd.array([400, None], dtype="Int64")})
    assert show(f)["quantity"].tolist() == ["400", "–"]

"""Tests of defbudget.compare: growth, cross-section, targets, one basis, display.

Small frames built here pin the logic; the shipped Japan series and the real SIPRI workbook
(skipped when absent) pin published figures, each computed independently in the test.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from defbudget import compare as cmp
from defbudget import schema
from defbudget.schema import BasisMismatchError


def tidy(rows: list[dict], **common) -> pd.DataFrame:
    """A valid tidy frame from a few row dicts plus shared column values."""
    defaults = {"country": "Japan", "iso3": "JPN", "period": "CY", "fy_start_month": 1,
                "measure": "milex", "basis": "sipri", "unit": "USD", "price_basis": "current",
                "base_year": pd.NA, "stage": None, "flag": None, "source": "test"}
    frame = pd.DataFrame([{**defaults, **common, **r} for r in rows])
    frame = schema.coerce(frame)
    schema.validate(frame)
    return frame


def series(values: dict[int, float], **common) -> pd.DataFrame:
    return tidy([{"year": y, "value": v} for y, v in values.items()], **common)


def japan_incl(values: dict[int, float]) -> pd.DataFrame:
    return series({y: v * 1e8 for y, v in values.items()}, period="FY", fy_start_month=4,
                  measure="defense_budget", basis="mod_incl_saco_realignment", unit="JPY",
                  source="japan_mod_budget")


# --------------------------------------------------------------------------------------------
# growth
# --------------------------------------------------------------------------------------------

class TestYoy:
    def test_percent_and_absolute_change(self):
        f = japan_incl({2022: 54005, 2023: 68219})
        pct = cmp.yoy(f)
        assert pct.loc[1, "value"] == pytest.approx(68219 / 54005 - 1)
        assert pct.loc[1, "unit"] == "ratio"
        assert pct.loc[1, "measure"] == "defense_budget_yoy_pct_nominal"
        assert pct.loc[1, "from_year"] == 2022
        absolute = cmp.yoy(f, pct=False)
        assert absolute.loc[1, "value"] == pytest.approx((68219 - 54005) * 1e8)
        assert absolute.loc[1, "unit"] == "JPY"
        assert absolute.loc[1, "measure"] == "defense_budget_yoy_nominal"

    def test_constant_prices_give_a_real_change_and_keep_the_base_year(self):
        f = series({2022: 100.0, 2023: 103.0}, price_basis="constant", base_year=2023)
        out = cmp.yoy(f)
        assert out.loc[1, "measure"] == "milex_yoy_pct_real"
        assert out.loc[1, "price_basis"] == "constant"
        assert out.loc[1, "base_year"] == 2023
        assert out.loc[1, "value"] == pytest.approx(0.03)

    def test_shares_are_neither_real_nor_nominal(self):
        f = series({2022: 0.010, 2023: 0.012}, measure="milex_share_gdp", unit="ratio")
        out = cmp.yoy(f, pct=False)
        assert out.loc[1, "measure"] == "milex_share_gdp_yoy"
        assert out.loc[1, "value"] == pytest.approx(0.002)

    def test_gap_gives_nan_with_flag_and_note_not_a_change_across_it(self):
        f = japan_incl({1997: 49475, 1998: 49397, 2002: 49557, 2003: 49530})
        out = cmp.yoy(f)
        by_year = out.set_index("year")
        assert math.isnan(by_year.loc[2002, "value"])
        assert by_year.loc[2002, "flag"] == "unavailable"
        assert "FY2001" in by_year.loc[2002, "note"] and "FY1998" in by_year.loc[2002, "note"]
        assert by_year.loc[2003, "value"] == pytest.approx(49530 / 49557 - 1)
        assert by_year.loc[1998, "value"] == pytest.approx(49397 / 49475 - 1)
        assert "first year" in by_year.loc[1997, "note"]
        schema.validate(out)

    def test_unavailable_previous_value(self):
        f = tidy([{"year": 2020, "value": np.nan, "flag": "unavailable"},
                  {"year": 2021, "value": 5.0}])
        out = cmp.yoy(f)
        assert math.isnan(out.loc[1, "value"])
        assert out.loc[1, "note"] == "2020 value unavailable"

    def test_series_are_never_mixed(self):
        a = series({2022: 100.0, 2023: 110.0}, country="Japan", iso3="JPN")
        b = series({2022: 200.0, 2023: 300.0}, country="China", iso3="CHN")
        c = series({2023: 50.0}, country="Japan", iso3="JPN", basis="other_basis")
        out = cmp.yoy(pd.concat([b, a, c], ignore_index=True))
        got = {(r.country, r.basis, r.year): r.value for r in out.itertuples()}
        assert got[("Japan", "sipri", 2023)] == pytest.approx(0.1)
        assert got[("China", "sipri", 2023)] == pytest.approx(0.5)
        assert math.isnan(got[("Japan", "other_basis", 2023)])

    def test_source_is_a_citation_per_row_and_both_are_kept(self):
        f = japan_incl({2022: 54005, 2023: 68219})
        f["source"] = ["mod-white-paper-2022", "mod-white-paper-2023"]
        out = cmp.yoy(f)
        assert out.loc[1, "value"] == pytest.approx(68219 / 54005 - 1)
        assert out.loc[1, "source"] == "mod-white-paper-2022;mod-white-paper-2023"
        assert out.loc[0, "source"] == "mod-white-paper-2022"

    def test_two_releases_of_one_series_are_refused_unless_told_apart_by_vintage(self):
        old = series({2022: 100.0, 2023: 110.0}, source="sipri-milex-2024")
        new = series({2022: 101.0, 2023: 112.0}, source="sipri-milex-2025")
        both = pd.concat([old, new], ignore_index=True)
        with pytest.raises(ValueError, match=r"2 rows for 2022 \(source sipri-milex-2024"):
            cmp.yoy(both)
        both["vintage"] = ["2024"] * 2 + ["2025"] * 2
        out = cmp.yoy(both).set_index(["vintage", "year"])
        assert out.loc[("2024", 2023), "value"] == pytest.approx(0.1)
        assert out.loc[("2025", 2023), "value"] == pytest.approx(112 / 101 - 1)

    def test_two_stages_for_one_year_is_refused(self):
        f = tidy([{"year": 2023, "value": 1.0, "stage": "request"},
                  {"year": 2023, "value": 2.0, "stage": "enacted"}])
        with pytest.raises(ValueError, match=r"one value per series and year.*stage"):
            cmp.yoy(f)

    def test_flags_propagate(self):
        f = tidy([{"year": 2020, "value": 1.0, "flag": "estimate"},
                  {"year": 2021, "value": 2.0}])
        assert cmp.yoy(f).loc[1, "flag"] == "estimate"

    def test_input_not_mutated(self):
        f = japan_incl({2022: 54005, 2023: 68219})
        before = f.copy(deep=True)
        cmp.yoy(f)
        pd.testing.assert_frame_equal(f, before)

    def test_missing_column_is_a_schema_error(self):
        f = japan_incl({2022: 54005}).drop(columns=["source"])
        with pytest.raises(schema.SchemaError, match="source"):
            cmp.yoy(f)

    @settings(max_examples=25, deadline=None)
    @given(st.floats(min_value=1e6, max_value=1e13),
           st.lists(st.floats(min_value=0.2, max_value=5.0), min_size=1, max_size=11))
    def test_chained_changes_compound_to_the_cagr(self, first, factors):
        values = [first]
        for k in factors:
            values.append(values[-1] * k)
        years = range(2000, 2000 + len(values))
        f = series(dict(zip(years, values, strict=True)))
        growth = cmp.yoy(f)["value"].iloc[1:]
        compounded = float(np.prod(1 + growth.to_numpy()))
        assert compounded == pytest.approx(values[-1] / values[0], rel=1e-9)
        rate = cmp.cagr(f, start=years[0], end=years[-1])["value"].iloc[0]
        assert (1 + rate) ** (len(values) - 1) == pytest.approx(compounded, rel=1e-9)


class TestCagr:
    def test_value_and_labels(self):
        f = japan_incl({2022: 54005, 2023: 68219, 2026: 90353})
        out = cmp.cagr(f, start=2022, end=2026)
        assert len(out) == 1
        row = out.iloc[0]
        assert row["value"] == pytest.approx((90353 / 54005) ** 0.25 - 1)
        assert (row["year"], row["from_year"], row["unit"]) == (2026, 2022, "ratio")
        assert row["measure"] == "defense_budget_cagr_nominal"
        assert row["source"] == "japan_mod_budget"

    def test_missing_end_point_is_explained(self):
        f = japan_incl({2002: 49557, 2003: 49530})
        out = cmp.cagr(f, start=2000, end=2003)
        assert math.isnan(out["value"].iloc[0])
        assert out["note"].iloc[0] == "no FY2000 value in this series"
        assert out["flag"].iloc[0] == "unavailable"

    def test_non_positive_start(self):
        out = cmp.cagr(series({2000: 0.0, 2001: 3.0}), start=2000, end=2001)
        assert math.isnan(out["value"].iloc[0])
        assert "not positive" in out["note"].iloc[0]

    def test_one_row_per_series(self):
        a = series({2000: 1.0, 2010: 2.0}, country="Japan", iso3="JPN")
        b = series({2000: 1.0, 2010: 4.0}, country="China", iso3="CHN")
        out = cmp.cagr(pd.concat([a, b]), start=2000, end=2010).set_index("iso3")
        assert out.loc["JPN", "value"] == pytest.approx(2 ** 0.1 - 1)
        assert out.loc["CHN", "value"] == pytest.approx(4 ** 0.1 - 1)

    @pytest.mark.parametrize("start,end", [(2010, 2000), (2000, 2000)])
    def test_bad_years(self, start, end):
        with pytest.raises(ValueError, match="before"):
            cmp.cagr(series({2000: 1.0, 2010: 2.0}), start=start, end=end)


class TestIndexAndRolling:
    def test_index_to(self):
        f = series({2020: 50.0, 2021: 100.0, 2022: 150.0})
        out = cmp.index_to(f, index_year=2021)
        assert out["value"].tolist() == [50.0, 100.0, 150.0]
        assert set(out["unit"]) == {"index"}
        assert set(out["index_year"]) == {2021}
        assert set(out["measure"]) == {"milex_index_nominal"}

    def test_index_series_without_base_year(self):
        a = series({2020: 50.0, 2021: 100.0}, country="Japan", iso3="JPN")
        b = series({2020: 10.0}, country="China", iso3="CHN")
        out = cmp.index_to(pd.concat([a, b]), index_year=2021)
        chn = out[out["iso3"] == "CHN"].iloc[0]
        assert math.isnan(chn["value"]) and chn["flag"] == "unavailable"
        assert "no 2021 value" in chn["note"]

    def test_index_with_no_base_anywhere_raises(self):
        with pytest.raises(ValueError, match="no series has a value in 1990"):
            cmp.index_to(series({2020: 1.0}), index_year=1990)

    def test_rolling_mean_never_spans_a_gap(self):
        f = series({2000: 1.0, 2001: 2.0, 2002: 3.0, 2004: 5.0, 2005: 6.0, 2006: 7.0})
        out = cmp.rolling_mean(f, window=3).set_index("year")
        assert out.loc[2002, "value"] == pytest.approx(2.0)
        assert math.isnan(out.loc[2004, "value"]) and math.isnan(out.loc[2005, "value"])
        assert out.loc[2004, "note"] == "window 2002–2004 incomplete: 2 of 3 values"
        assert out.loc[2006, "value"] == pytest.approx(6.0)
        assert set(out["measure"]) == {"milex_mean_3y"}

    def test_rolling_flag_is_worst_in_window(self):
        f = tidy([{"year": 2000, "value": 1.0, "flag": "estimate"},
                  {"year": 2001, "value": 2.0}, {"year": 2002, "value": 3.0}])
        out = cmp.rolling_mean(f, window=2).set_index("year")
        assert out.loc[2001, "flag"] == "estimate"
        assert pd.isna(out.loc[2002, "flag"])

    @pytest.mark.parametrize("window", [0, -1, 1.5, True])
    def test_rolling_bad_window(self, window):
        with pytest.raises(ValueError, match="positive int"):
            cmp.rolling_mean(series({2000: 1.0}), window=window)


# --------------------------------------------------------------------------------------------
# cross-section
# --------------------------------------------------------------------------------------------

def cross(values: dict[str, float], *, year=2024, **common) -> pd.DataFrame:
    names = {"USA": "United States", "CHN": "China", "JPN": "Japan", "AUS": "Australia",
             "IND": "India", "KOR": "Korea, South", "DEU": "Germany"}
    rows = []
    for code, v in values.items():
        if code in names:
            rows.append({"country": names[code], "iso3": code, "year": year, "value": v})
        else:
            rows.append({"country": code, "iso3": None, "year": year, "value": v,
                         "region": None})
    return tidy(rows, **common)


class TestRank:
    def test_rank_and_top_n_exclude_aggregates(self):
        f = cross({"USA": 900.0, "World": 2700.0, "CHN": 300.0, "JPN": 55.0, "IND": 80.0})
        ranked = cmp.rank(f, year=2024)
        assert ranked["iso3"].tolist() == ["USA", "CHN", "IND", "JPN"]
        assert ranked["rank"].tolist() == [1, 2, 3, 4]
        assert cmp.top_n(f, year=2024, n=2)["iso3"].tolist() == ["USA", "CHN"]
        with_aggr = cmp.rank(f, year=2024, include_aggregates=True)
        assert with_aggr["country"].iloc[0] == "World"

    def test_latest_year_and_ties(self):
        f = pd.concat([cross({"USA": 1.0, "CHN": 2.0}, year=2023),
                       cross({"USA": 5.0, "CHN": 5.0, "JPN": 1.0}, year=2024)])
        out = cmp.top_n(f, year="latest", n=1)
        assert set(out["iso3"]) == {"USA", "CHN"}  # a tie at the cut-off keeps both
        assert set(out["year"]) == {2024}

    def test_unavailable_values_are_ranked_last_and_not_in_top_n(self):
        f = tidy([{"country": "Japan", "iso3": "JPN", "year": 2024, "value": 1.0},
                  {"country": "China", "iso3": "CHN", "year": 2024, "value": np.nan,
                   "flag": "unavailable"}])
        ranked = cmp.rank(f, year=2024)
        assert ranked["iso3"].tolist() == ["JPN", "CHN"] and pd.isna(ranked["rank"].iloc[1])
        assert cmp.top_n(f, year=2024)["iso3"].tolist() == ["JPN"]

    def test_mixed_units_raise_naming_both_and_the_converter(self):
        f = pd.concat([cross({"USA": 1.0}), cross({"JPN": 1.0}, unit="JPY")])
        with pytest.raises(BasisMismatchError, match=r"'USD' and 'JPY'.*fx\.convert"):
            cmp.rank(f, year=2024)

    def test_mixed_price_basis_raises(self):
        f = pd.concat([cross({"USA": 1.0}),
                       cross({"JPN": 1.0}, price_basis="constant", base_year=2023)])
        with pytest.raises(BasisMismatchError, match=r"price_basis.*to_constant"):
            cmp.top_n(f, year=2024)

    def test_two_measures_raise(self):
        f = pd.concat([cross({"USA": 1.0}), cross({"JPN": 0.01}, measure="milex_share_gdp",
                                                  unit="ratio")])
        with pytest.raises(ValueError, match="one measure at a time"):
            cmp.rank(f, year=2024)

    def test_duplicate_country_raises(self):
        f = pd.concat([cross({"JPN": 1.0}), cross({"JPN": 2.0}, source="other")])
        with pytest.raises(ValueError, match="Japan appears 2 times"):
            cmp.rank(f, year=2024)

    def test_year_absent(self):
        with pytest.raises(ValueError, match="no rows for year 1900"):
            cmp.rank(cross({"JPN": 1.0}), year=1900)


class TestShare:
    def test_reported_world_total(self):
        f = cross({"USA": 900.0, "CHN": 300.0, "World": 2000.0})
        out = cmp.share_of_total(f, total="world").set_index("iso3")
        assert out.loc["USA", "value"] == pytest.approx(0.45)
        assert out.loc["USA", "total_kind"] == "reported"
        assert out.loc["USA", "total_value"] == 2000.0
        assert set(out["measure"]) == {"milex_share_of_total"}
        assert set(out["unit"]) == {"ratio"}
        assert "World" not in set(out["country"])

    def test_sum_denominator_shares_add_to_one(self):
        f = cross({"USA": 900.0, "CHN": 300.0, "JPN": 50.0, "World": 2000.0})
        out = cmp.share_of_total(f, total="world", denominator="sum")
        assert out["value"].sum() == pytest.approx(1.0)
        assert set(out["total_count"]) == {3}

    def test_no_reported_total_says_how_to_sum(self):
        f = cross({"USA": 900.0, "CHN": 300.0})
        with pytest.raises(ValueError, match="denominator='sum'"):
            cmp.share_of_total(f, total="world")

    def test_region_uses_region_rows(self):
        f = cross({"JPN": 50.0, "CHN": 300.0, "Asia & Oceania": 600.0, "USA": 900.0,
                   "Americas": 1000.0})
        f["region"] = ["Asia & Oceania", "Asia & Oceania", None, "Americas", None]
        out = cmp.share_of_total(f, total="region").set_index("iso3")
        assert out.loc["JPN", "value"] == pytest.approx(50 / 600)
        assert out.loc["USA", "value"] == pytest.approx(0.9)
        assert out.loc["JPN", "total_name"] == "Asia & Oceania"

    def test_group_total(self):
        f = cross({"JPN": 50.0, "USA": 900.0, "AUS": 30.0, "IND": 20.0, "CHN": 300.0})
        out = cmp.share_of_total(f, total={"Quad": ["JPN", "United States", "aus", "IND"]})
        assert len(out) == 4 and "China" not in set(out["country"])
        assert out.set_index("iso3").loc["JPN", "value"] == pytest.approx(0.05)
        assert out["value"].sum() == pytest.approx(1.0)
        assert set(out["total_name"]) == {"Quad"}

    def test_group_with_a_missing_member_is_nan_not_smaller(self):
        f = pd.concat([cross({"JPN": 50.0, "USA": 950.0}, year=2023),
                       cross({"JPN": 60.0}, year=2024)])
        out = cmp.share_of_total(f, total={"Pair": ["JPN", "USA"]})
        y24 = out[out["year"] == 2024].iloc[0]
        assert math.isnan(y24["value"])
        assert y24["note"] == "Pair total incomplete in 2024: no value for United States"
        assert out[out["year"] == 2023].set_index("iso3").loc["JPN", "value"] == 0.05

    def test_unknown_member_raises_with_closest_matches(self):
        f = cross({"JPN": 50.0, "USA": 900.0})
        with pytest.raises(cmp.UnknownCountryError, match=r"'Jpan'.*'Japan'"):
            cmp.share_of_total(f, total={"G": ["Jpan", "USA"]})

    def test_mixed_units_raise(self):
        f = pd.concat([cross({"USA": 1.0}), cross({"JPN": 1.0}, unit="JPY")])
        with pytest.raises(BasisMismatchError):
            cmp.share_of_total(f, total={"G": ["USA", "JPN"]})


class TestDifferenceRatio:
    def test_two_countries(self):
        f = pd.concat([cross({"USA": 900.0, "CHN": 300.0}, year=2023),
                       cross({"USA": 1000.0}, year=2024)])
        d = cmp.difference(f, "USA", "China")
        assert d["value"].iloc[0] == 600.0
        assert math.isnan(d["value"].iloc[1]) and "no 2024 value for b" in d["note"].iloc[1]
        assert d["country"].iloc[0] == "United States vs China"
        assert pd.isna(d["iso3"].iloc[0]) and d["unit"].iloc[0] == "USD"
        r = cmp.ratio(f, "USA", "CHN")
        assert r["value"].iloc[0] == pytest.approx(3.0) and r["unit"].iloc[0] == "ratio"

    def test_two_sources_for_one_country(self):
        mod = japan_incl({2023: 68219, 2024: 79496})
        sipri = series({2023: 7.5e12, 2024: 8.7764e12}, period="FY", fy_start_month=4,
                       unit="JPY", source="sipri_milex", basis="sipri_definition")
        f = pd.concat([mod, sipri], ignore_index=True)
        out = cmp.difference(f, {"country": "JPN", "source": "sipri_milex"},
                             {"country": "JPN", "source": "japan_mod_budget"})
        assert out["value"].tolist() == pytest.approx([7.5e12 - 68219e8, 8.7764e12 - 79496e8])
        assert out["country"].iloc[0] == "Japan" and out["iso3"].iloc[0] == "JPN"
        assert out["measure"].iloc[0] == "milex_minus_defense_budget"
        assert out["source"].iloc[0] == "sipri_milex;japan_mod_budget"
        assert out["unit"].iloc[0] == "JPY"

    def test_yen_against_dollars_raises(self):
        f = pd.concat([japan_incl({2023: 68219}),
                       series({2023: 5.0e10}, source="sipri", period="FY",
                              fy_start_month=4)], ignore_index=True)
        with pytest.raises(BasisMismatchError, match=r"'JPY' and 'USD'.*fx\.convert"):
            cmp.ratio(f, {"source": "japan_mod_budget"}, {"source": "sipri"})

    def test_ambiguous_selector_names_the_series(self):
        excl = series({2023: 1.0}, basis="mod_excl")
        incl = series({2023: 2.0}, basis="mod_incl")
        other = series({2023: 3.0}, country="China", iso3="CHN")
        f = pd.concat([excl, incl, other], ignore_index=True)
        with pytest.raises(ValueError, match=r"matches 2 series.*basis"):
            cmp.difference(f, "Japan", "China")


class TestSelect:
    def test_unknown_country_lists_close_matches(self):
        f = cross({"JPN": 1.0, "KOR": 2.0})
        with pytest.raises(cmp.UnknownCountryError, match="Korea, South"):
            cmp.select(f, country="Korea")

    def test_unknown_value(self):
        with pytest.raises(ValueError, match="Close values: 'milex'"):
            cmp.select(cross({"JPN": 1.0}), measure="milx")

    def test_unknown_column(self):
        with pytest.raises(KeyError, match="'measure'"):
            cmp.select(cross({"JPN": 1.0}), measures="milex")


class TestDifferenceEdgeCases:
    def test_same_series_twice_is_refused(self):
        f = cross({"USA": 1.0, "CHN": 2.0})
        with pytest.raises(ValueError, match="same series"):
            cmp.difference(f, "USA", "United States")

    def test_two_releases_of_one_series(self):
        old = series({2022: 100.0, 2023: 110.0}, source="sipri-milex-2024")
        new = series({2022: 101.0, 2023: 112.0}, source="sipri-milex-2025")
        f = pd.concat([old, new], ignore_index=True)
        out = cmp.difference(f, {"source": "sipri-milex-2025"}, {"source": "sipri-milex-2024"})
        assert out["value"].tolist() == [1.0, 2.0]
        assert out["source"].iloc[0] == "sipri-milex-2025;sipri-milex-2024"


# --------------------------------------------------------------------------------------------
# burden against targets
# --------------------------------------------------------------------------------------------

def shares(values: dict[int, float], **common) -> pd.DataFrame:
    return series(values, measure="milex_share_gdp", unit="ratio", **common)


class TestTargets:
    def test_shipped_targets_are_cited_data(self):
        from defbudget import cite
        t = cmp.load_targets()
        by_id = t.set_index("target_id")
        assert by_id.loc["nato_2pct_guideline", "value"] == 0.02
        assert by_id.loc["nato_2pct_guideline", "year"] == 2024
        assert by_id.loc["nato_hague_core_3_5", "value"] == 0.035
        assert by_id.loc["nato_hague_total_5", "value"] == 0.05
        assert by_id.loc["nato_hague_related_1_5", "direction"] == "up_to"
        assert (by_id.loc["nato_hague_core_3_5", "value"]
                + by_id.loc["nato_hague_related_1_5", "value"]) == pytest.approx(
            by_id.loc["nato_hague_total_5", "value"])
        jp = by_id.loc["japan_2pct_fy2027"]
        assert (jp["iso3"], jp["year"], jp["period"], jp["value"]) == ("JPN", 2027, "FY", 0.02)
        assert jp["gdp_reference"] == "FY2022"
        assert "within a decade" in by_id.loc["nato_2pct_guideline", "quote"]
        for sid, date in (("nato-wales-summit-2014", "2014-09-05"),
                          ("nato-hague-summit-2025", "2025-06-25"),
                          ("japan-nss-2022", "2022-12-16")):
            assert set(t.loc[t["source"] == sid, "adopted"]) == {date}
            assert "http" in cite(sid)
        assert t["url"].str.startswith("https://").all()

    def test_no_threshold_literals_in_the_code(self):
        import ast
        import inspect
        tree = ast.parse(inspect.getsource(cmp))
        numbers = {n.value for n in ast.walk(tree)
                   if isinstance(n, ast.Constant) and isinstance(n.value, float)}
        assert not numbers & {0.02, 0.035, 0.015, 0.05}, "targets belong in data/targets.csv"

    def test_gap_and_met(self):
        f = shares({2023: 0.0195, 2024: 0.021}, country="Poland", iso3="POL", basis="sipri")
        out = cmp.against_targets(f)
        nato2 = out[out["target_id"] == "nato_2pct_guideline"].set_index("year")
        assert nato2.loc[2023, "gap"] == pytest.approx(-0.0005)
        assert not nato2.loc[2023, "met"] and nato2.loc[2024, "met"]
        assert nato2.loc[2024, "deadline_year"] == 2024
        assert nato2.loc[2024, "target_source"] == "nato-wales-summit-2014"
        assert nato2.loc[2024, "source"] == "test"
        assert not nato2.loc[2024, "exact_match"]
        assert "'sipri' definition" in nato2.loc[2024, "target_note"]
        # Japan's goal is for Japan only, and on another measure: not compared unless proxy.
        assert "japan_2pct_fy2027" not in set(out["target_id"])

    def test_japan_goal_by_proxy_only_for_japan(self):
        jp = shares({2024: 0.0137}, basis="sipri")
        pl = shares({2024: 0.04}, country="Poland", iso3="POL", basis="sipri")
        out = cmp.against_targets(pd.concat([jp, pl]), proxy=True)
        goal = out[out["target_id"] == "japan_2pct_fy2027"]
        assert goal["iso3"].tolist() == ["JPN"]
        note = goal["target_note"].iloc[0]
        assert "proxy" in note and "FY2022 GDP" in note and "observation by CY" in note
        related = out[out["target_id"] == "nato_hague_related_1_5"]
        assert related["met"].isna().all()  # an allowance is never "met"

    def test_aggregates_are_left_out(self):
        f = pd.concat([shares({2024: 0.03}),
                       shares({2024: 0.022}, country="World", iso3=None)])
        assert set(cmp.against_targets(f)["country"]) == {"Japan"}

    def test_no_applicable_target_says_what_to_do(self):
        with pytest.raises(ValueError, match="proxy=True"):
            cmp.against_targets(series({2024: 5e10}))

    def test_custom_targets_table(self):
        t = cmp.load_targets().iloc[[0]].copy()
        t["value"] = 0.01
        t["target_id"] = "my_one_percent"
        out = cmp.against_targets(shares({2024: 0.0137}), targets=t)
        assert out["target_id"].tolist() == ["my_one_percent"] and out["met"].iloc[0]

    def test_first_year_meeting(self):
        f = pd.concat([
            shares({2019: 0.019, 2020: 0.021, 2021: 0.018, 2022: 0.024},
                   country="Poland", iso3="POL"),
            shares({2020: 0.010, 2021: 0.011}, country="Japan", iso3="JPN")])
        out = cmp.first_year_meeting(f, target="nato_2pct_guideline").set_index("iso3")
        assert out.loc["POL", "first_year"] == 2020 and out.loc["POL", "years_met"] == 2
        assert out.loc["POL", "value"] == 0.021
        assert pd.isna(out.loc["JPN", "first_year"])
        assert out.loc["JPN", "note"] == "never at or above 2.00% in 2020–2021 (2 years with data)"

    def test_first_year_threshold_strict_and_errors(self):
        f = shares({2020: 0.012, 2021: 0.013})
        assert cmp.first_year_meeting(f, target=0.012)["first_year"].iloc[0] == 2020
        assert cmp.first_year_meeting(f, target=0.012, strict=True)["first_year"].iloc[0] == 2021
        with pytest.raises(ValueError, match="ratios"):
            cmp.first_year_meeting(f, target=2)
        with pytest.raises(ValueError, match="nato_2pct_guideline"):
            cmp.first_year_meeting(f, target="nato_2pc")
        with pytest.raises(ValueError, match="allowance"):
            cmp.first_year_meeting(f, target="nato_hague_related_1_5")
        with pytest.raises(BasisMismatchError):
            cmp.first_year_meeting(series({2020: 5e10}), target=0.02)


# --------------------------------------------------------------------------------------------
# the shipped Japan series
# --------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def japan():
    from defbudget import load
    return load("japan_mod_budget")


def incl(frame):
    return cmp.select(frame, basis="mod_incl_saco_realignment")


class TestJapanShipped:
    def test_cagr_fy2022_to_fy2026_including_basis(self, japan):
        out = cmp.cagr(incl(japan), start=2022, end=2026)
        assert len(out) == 1
        assert out["value"].iloc[0] == pytest.approx((90353 / 54005) ** (1 / 4) - 1, rel=1e-12)
        assert out["value"].iloc[0] == pytest.approx(0.1373, abs=5e-5)  # 13.7 % a year
        assert out["measure"].iloc[0] == "defense_budget_cagr_nominal"
        assert out["source"].iloc[0] == "mod-white-paper-2022;press-livedoor-2025-12-26"

    def test_fy2023_year_on_year_including_basis(self, japan):
        pct = cmp.yoy(incl(japan)).set_index("year")
        assert pct.loc[2023, "value"] == pytest.approx(68219 / 54005 - 1, rel=1e-12)
        assert pct.loc[2023, "value"] == pytest.approx(0.2632, abs=5e-5)  # +26.3 %
        absolute = cmp.yoy(incl(japan), pct=False).set_index("year")
        assert absolute.loc[2023, "value"] == (68219 - 54005) * 1e8  # ¥1.42 trillion
        assert absolute.loc[2023, "unit"] == "JPY"

    def test_the_fy1999_2001_gap_is_not_bridged(self, japan):
        out = cmp.yoy(incl(japan)).set_index("year")
        assert math.isnan(out.loc[2002, "value"])
        assert out.loc[2002, "flag"] == "unavailable"
        assert out.loc[2002, "note"] == "FY2001 value unavailable"
        assert out.loc[[1999, 2000, 2001], "value"].isna().all()
        # Every computed change is between consecutive fiscal years.
        ok = out["value"].notna()
        assert (out.loc[ok, "from_year"] == out.index[ok] - 1).all()
        schema.validate(out.reset_index())

    def test_both_bases_stay_apart(self, japan):
        budget = cmp.select(japan, measure="defense_budget")
        out = cmp.cagr(budget, start=2022, end=2026).set_index("basis")
        assert out.loc["mod_excl_saco_realignment", "value"] == pytest.approx(
            (88093 / 51788) ** 0.25 - 1)
        with pytest.raises(ValueError, match=r"matches 2 series.*mod_excl_saco_realignment"):
            cmp.difference(budget, "Japan", "Japan")
        gap = cmp.difference(budget, {"basis": "mod_incl_saco_realignment"},
                             {"basis": "mod_excl_saco_realignment"}).set_index("year")
        assert gap.loc[2026, "value"] == (90353 - 88093) * 1e8

    def test_index_to_fy2022(self, japan):
        out = cmp.index_to(incl(japan), index_year=2022).set_index("year")
        assert out.loc[2022, "value"] == 100.0
        assert out.loc[2026, "value"] == pytest.approx(90353 / 54005 * 100)


# --------------------------------------------------------------------------------------------
# the real SIPRI workbook (skipped when ../shared/data/raw is absent)
# --------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def sipri(sipri_latest):
    import warnings

    from defbudget import read_sipri
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # fiscal-year notes for a few countries
        return read_sipri(sipri_latest)


def _sheet(path, name: str) -> pd.DataFrame:
    """A country sheet read independently with pandas/openpyxl (header row found by 'Country')."""
    raw = pd.read_excel(path, sheet_name=name, header=None, engine="openpyxl")
    header = raw.index[raw.iloc[:, 0].astype(str).str.strip().eq("Country")][0]
    table = raw.iloc[header + 1:].copy()
    table.columns = raw.iloc[header].tolist()
    years = [c for c in table.columns if isinstance(c, (int, float)) and not pd.isna(c)]
    table = table.set_index(table.columns[0])[years]
    table.columns = [int(c) for c in years]
    return table.apply(pd.to_numeric, errors="coerce")


@pytest.mark.sipri
class TestSipri:
    def test_top10_latest_year_current_usd(self, sipri, sipri_latest):
        sheet = _sheet(sipri_latest, "Current US$")
        latest = max(sheet.columns)
        expected = sheet[latest].dropna().sort_values(ascending=False).head(10)
        cur = cmp.select(sipri, measure="milex", unit="USD", price_basis="current",
                         period="CY")
        top = cmp.top_n(cur, year="latest")
        assert set(top["year"]) == {latest} == {2024}
        from defbudget.countries import display_name

        assert top["country"].tolist() == [display_name(n) for n in expected.index]
        assert top["value"].to_numpy() == pytest.approx(expected.to_numpy() * 1e6, rel=1e-12)
        assert top["rank"].tolist() == list(range(1, 11))
        assert top["iso3"].tolist() == ["USA", "CHN", "RUS", "DEU", "IND", "GBR", "SAU", "UKR",
                                        "FRA", "JPN"]

    def test_shares_of_world_agree_with_the_regional_totals_sheet(self, sipri, sipri_latest):
        # The Regional totals sheet: US$ bn at constant (2023) prices for 1988-2024, plus a
        # last column for the latest year at current prices. Compare like with like: country
        # constant-2023 values with the constant-2023 world, current with current.
        regional = pd.read_excel(sipri_latest, sheet_name="Regional totals", header=None,
                                 engine="openpyxl")
        header = regional.index[regional.iloc[:, 0].astype(str).str.strip().eq("Region")][0]
        world = regional[regional.iloc[:, 0].astype(str).str.strip().eq("World")].iloc[0]
        cols = regional.iloc[header].tolist()
        world_const = {int(c): pd.to_numeric(world.iloc[i], errors="coerce") * 1e9
                       for i, c in enumerate(cols)
                       if isinstance(c, (int, float)) and not pd.isna(c)}
        world_cur_2024 = float(world.iloc[cols.index("2024 (current prices)")]) * 1e9

        const = _sheet(sipri_latest, "Constant (2023) US$")
        current = _sheet(sipri_latest, "Current US$")
        con = cmp.select(sipri, measure="milex", unit="USD", price_basis="constant")
        got = cmp.share_of_total(con, total="world").set_index(["country", "year"])
        checked = 0
        # SIPRI's sheet says 'United States of America'; the frame its display name.
        for sheet_name, country in (("United States of America", "United States"),
                                    ("China", "China"), ("Japan", "Japan"), ("India", "India")):
            for year, total in world_const.items():
                v = const.loc[sheet_name, year]
                if pd.isna(v) or pd.isna(total):
                    continue
                assert got.loc[(country, year), "value"] == pytest.approx(v * 1e6 / total,
                                                                          rel=1e-12)
                checked += 1
        assert checked >= 4 * 30
        assert set(got["base_year"].dropna()) == {2023}
        assert set(got["total_kind"]) == {"reported"}
        # Before 1988 SIPRI gives no world total: NaN with a note, never a partial sum.
        jp1980 = got.loc[("Japan", 1980)]
        assert math.isnan(jp1980["value"]) and jp1980["note"] == "no reported World total for 1980"

        cur = cmp.select(sipri, measure="milex", unit="USD", price_basis="current",
                         period="CY")
        got_cur = cmp.share_of_total(cur, total="world").set_index(["country", "year"])
        usa = got_cur.loc[("United States", 2024), "value"]
        assert usa == pytest.approx(current.loc["United States of America", 2024] * 1e6
                                    / world_cur_2024, rel=1e-12)
        assert usa == pytest.approx(0.367, abs=5e-4)  # SIPRI: the USA was 37% of the world

        # The sum of countries with data falls short of SIPRI's world total, which adds
        # estimates for countries without data: shares on the sum are larger, by under 3%
        # (measured 2.9% in 2024) for 1988-2024. This is the documented tolerance.
        by_sum = cmp.share_of_total(con, total="world", denominator="sum").set_index(
            ["country", "year"])
        ratios = (by_sum.xs("United States")["value"]
                  / got.xs("United States")["value"]).dropna()
        assert len(ratios) >= 30 and ratios.index.min() >= 1988
        assert ratios.between(0.99, 1.03).all(), ratios[~ratios.between(0.99, 1.03)]

    def test_region_shares_use_sipri_region_totals(self, sipri, sipri_latest):
        regional = pd.read_excel(sipri_latest, sheet_name="Regional totals", header=None,
                                 engine="openpyxl")
        header = regional.index[regional.iloc[:, 0].astype(str).str.strip().eq("Region")][0]
        cols = regional.iloc[header].tolist()
        row = regional[regional.iloc[:, 0].astype(str).str.strip().eq("East Asia")].iloc[0]
        east_asia_2024 = float(row.iloc[cols.index(2024)]) * 1e9
        const = _sheet(sipri_latest, "Constant (2023) US$")
        con = cmp.select(sipri, measure="milex", unit="USD", price_basis="constant")
        got = cmp.share_of_total(con, total="subregion")
        jp = got[(got["iso3"] == "JPN") & (got["year"] == 2024)].iloc[0]
        assert jp["total_name"] == "East Asia"
        assert jp["value"] == pytest.approx(const.loc["Japan", 2024] * 1e6 / east_asia_2024,
                                            rel=1e-12)

    def test_first_year_japan_share_of_gdp_exceeds_1_2_percent(self, sipri, sipri_latest):
        share = _sheet(sipri_latest, "Share of GDP").loc["Japan"].dropna()
        assert not (share == 0.012).any()  # "exceeds" and "at least" agree here
        expected = int(share[share > 0.012].index.min())
        got = cmp.first_year_meeting(cmp.select(sipri, measure="milex_share_gdp"),
                                     target=0.012, strict=True).set_index("iso3")
        assert got.loc["JPN", "first_year"] == expected == 1952
        assert got.loc["JPN", "value"] == pytest.approx(share[expected])
        # ...and the first year since 1960 (after the early-1950s rearmament years).
        recent = share[share.index >= 1960]
        later = cmp.first_year_meeting(
            cmp.select(sipri, measure="milex_share_gdp", country="Japan",
                       year=list(range(1960, 2025))), target=0.012, strict=True)
        assert later["first_year"].iloc[0] == int(recent[recent > 0.012].index.min())

    def test_japan_against_nato_2pct(self, sipri):
        out = cmp.against_targets(cmp.select(sipri, measure="milex_share_gdp", country="JPN"))
        row = out[(out["target_id"] == "nato_2pct_guideline") & (out["year"] == 2024)].iloc[0]
        assert row["gap"] == pytest.approx(row["value"] - 0.02)
        assert not row["met"] and not row["exact_match"]


# --------------------------------------------------------------------------------------------
# one basis
# --------------------------------------------------------------------------------------------

class TestCompareBasis:
    def test_fy_yen_to_current_usd_at_fy_average(self):
        f = japan_incl({2023: 68219, 2024: 79496})
        out = cmp.compare(f, basis=cmp.Basis(unit="USD", period="FY", rate="fy_average"))
        # ECB raw file: mean of the 256 daily JPY/EUR ÷ USD/EUR crosses from 2024-04-01 to
        # 2025-03-31 = 152.44033 yen per dollar; 7,949.6 bn yen / 152.44033 = $52.148929 bn
        got = out.set_index("year").loc[2024]
        assert got["value"] == pytest.approx(52.148929e9, rel=1e-7)
        assert (got["unit"], got["period"], got["fx_basis"]) == ("USD", "FY", "fy_average")
        assert got["source"] == "japan_mod_budget" and got["basis"] == "mod_incl_saco_realignment"

    def test_calendarised_then_converted(self):
        f = japan_incl({2023: 68219, 2024: 79496})
        out = cmp.compare(f, basis={"unit": "USD", "rate": "cy_average"}).set_index("year")
        # SIPRI's even spread: CY2024 = 3/12 of FY2023 + 9/12 of FY2024 = 0.25 x 6,821.9 +
        # 0.75 x 7,949.6 = 7,667.675 bn yen; ECB 2024 mean of 256 daily crosses = 151.43103
        # yen per dollar; 7,667.675e9 / 151.43103 = $50.634768 bn
        assert out.loc[2024, "value"] == pytest.approx(50.634768e9, rel=1e-7)
        assert out.loc[2024, "period"] == "CY" and out.loc[2024, "fy_start_month"] == 1
        assert math.isnan(out.loc[2023, "value"])  # CY2023 needs FY2022, absent here

    def test_two_countries_two_currencies_end_on_one_basis(self):
        jp = series({2023: 7.5e12, 2024: 8.7764e12}, period="FY", fy_start_month=4,
                    unit="JPY")
        us = series({2024: 9.97e11}, country="United States", iso3="USA")
        out = cmp.compare(jp, us, basis=cmp.Basis(unit="USD", price_basis="constant",
                                                  base_year=2023))
        assert set(out["unit"]) == {"USD"} and set(out["base_year"]) == {2023}
        assert set(out["price_basis"]) == {"constant"} and set(out["period"]) == {"CY"}
        schema.require_same_basis(out, what="test")
        assert {"deflator", "fx_basis", "calendarised"} <= set(out.columns)
        ranked = cmp.rank(out, year=2024)  # now rankable
        assert ranked["iso3"].tolist() == ["USA", "JPN"]

    def test_refusals_say_why(self):
        fy = japan_incl({2023: 68219})
        cy = series({2023: 1e9})
        with pytest.raises(BasisMismatchError, match="calendar years into fiscal years"):
            cmp.compare(cy, basis=cmp.Basis(period="FY"))
        const = series({2023: 1e9}, price_basis="constant", base_year=2023)
        with pytest.raises(BasisMismatchError, match=r"constant .* into current"):
            cmp.compare(const)
        with pytest.raises(BasisMismatchError, match="embed its own exchange rate"):
            cmp.compare(series({2023: 1e9}, unit="JPY", price_basis="constant",
                               base_year=2020),
                        basis=cmp.Basis(price_basis="constant", base_year=2023))
        with pytest.raises(BasisMismatchError, match="aligns money"):
            cmp.compare(shares({2023: 0.01}))
        au = series({2023: 1e9}, country="Australia", iso3="AUS", period="FY",
                    fy_start_month=7)
        with pytest.raises(BasisMismatchError, match=r"fy_start_month.*calendarise"):
            cmp.compare(fy, au, basis=cmp.Basis(unit="JPY", period="FY"))
        with pytest.raises(ValueError, match="needs a base_year"):
            cmp.Basis(price_basis="constant")
        with pytest.raises(ValueError, match="ISO 4217"):
            cmp.Basis(unit="dollars")

    def test_inputs_not_mutated(self):
        f = japan_incl({2023: 68219, 2024: 79496})
        before = f.copy(deep=True)
        cmp.compare(f, basis=cmp.Basis(unit="USD", price_basis="constant", base_year=2023))
        pd.testing.assert_frame_equal(f, before)

    @pytest.mark.sipri
    def test_sipri_local_currency_to_constant_usd_near_sipris_own(self, sipri):
        # SIPRI's constant (2023) US$ = local currency deflated by the country's CPI, then
        # converted at the 2023 average rate. Redoing it with the kit's Japanese CPI and ECB
        # rates for Japan's calendar-year yen lands within 1% of SIPRI's figures for
        # 2015-2024 (different CPI vintage and rate source; SIPRI uses IMF data).
        yen = cmp.select(sipri, country="JPN", measure="milex", unit="JPY", period="CY",
                         year=list(range(2015, 2025)))
        ours = cmp.compare(yen, basis=cmp.Basis(unit="USD", price_basis="constant",
                                                base_year=2023)).set_index("year")["value"]
        theirs = cmp.select(sipri, country="JPN", measure="milex", unit="USD",
                            price_basis="constant", year=list(range(2015, 2025))
                            ).set_index("year")["value"]
        rel = (ours / theirs - 1).abs()
        assert rel.max() < 0.01, rel


# --------------------------------------------------------------------------------------------
# display
# --------------------------------------------------------------------------------------------

class TestDisplay:
    def test_wide_table_keeps_bases_apart(self):
        f = pd.concat([series({2023: 1.0, 2024: 2.0}),
                       series({2024: 3.0}, price_basis="constant", base_year=2023)])
        wide = cmp.wide_table(f)
        assert wide.index.names == ["country", "price_basis", "base_year"]
        assert wide.columns.tolist() == [2023, 2024] and wide.columns.name == "year"
        assert wide.loc[("Japan", "constant", 2023), 2024] == 3.0
        with pytest.raises(ValueError, match="price_basis"):
            cmp.wide_table(f, index=["country"])

    def test_style_table_formats_each_row_by_its_unit(self, japan):
        budget = cmp.select(japan, measure="defense_budget", year=[2025, 2026])
        html = cmp.style_table(budget).to_html()
        assert "¥9.04T" in html and "¥8.70T" in html and "¥8.81T" in html
        mixed = pd.concat([cross({"USA": 9.97e11, "JPN": 5.53e10}),
                           shares({2024: 0.0137}, basis="sipri")], ignore_index=True)
        sty = cmp.style_table(mixed)
        html = sty.to_html()
        assert "$997B" in html and "$55.3B" in html and "1.37%" in html
        assert "US$, current prices" in sty.caption and "share (%)" in sty.caption
        assert "Calendar years." in sty.caption and "Source: test." in sty.caption

    def test_style_marks_estimates(self):
        f = tidy([{"year": 2023, "value": 1e9, "flag": "estimate"},
                  {"year": 2024, "value": np.nan, "flag": "unavailable"}])
        sty = cmp.style_table(f)
        html = sty.to_html()
        assert "font-style: italic" in html and "Italic: estimate." in sty.caption
        assert "–" in html


# --- countries set aside ------------------------------------------------------------------------

def test_split_unreliable_keeps_single_flagged_years():
    """Only a country flagged in every year is set aside; a red SIPRI year stays in."""
    f = pd.DataFrame({"country": ["A", "A", "B", "B"], "year": [2000, 2001, 2000, 2001],
                      "value": [0.9, 0.95, 0.02, 0.03],
                      "flag": ["highly_uncertain", "highly_uncertain", "highly_uncertain", None],
                      "note": [None, "", "", ""]})
    kept, aside = cmp.split_unreliable_countries(f)
    assert list(kept["country"]) == ["B", "B"] and aside == {"A": "highly_uncertain"}
    assert len(f) == 4  # input untouched


def test_split_unreliable_on_shipped_gmsd():
    from defbudget.datasets import load

    kept, aside = cmp.split_unreliable_countries(load("gmsd_burden"))
    assert set(aside) == {"Syria", "Taiwan"} and "26.6 times" in aside["Taiwan"]
    assert not {"Syria", "Taiwan"} & set(kept["country"]) and kept["country"].nunique() == 170


def test_split_unreliable_needs_flag_column():
    with pytest.raises(schema.SchemaError, match="flag"):
        cmp.split_unreliable_countries(pd.DataFrame({"country": ["A"], "value": [1.0]}))

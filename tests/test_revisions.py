"""defbudget.revisions: what SIPRI revised between two releases.

Small generated workbooks (tests/sipri_factory.py) cover every change category, each asserted
exactly; the three real releases in ../shared/data/raw pin the counts, Japan's 2023 revision
and the 2022 -> 2023 rebasing factor (skipped with a reason when absent).
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from conftest import SIPRI_RELEASES, raw_file
from sipri_factory import FakeCountry, make_sipri_workbook

import defbudget
from defbudget.revisions import (
    CHANGES,
    rebasing_factors,
    revisions_summary,
    revisions_to_excel,
    sheet_of,
    sipri_revisions,
)

# ------------------------------------------------------------------------------------------
# A scenario covering every category (current and constant US$ sheets)
# ------------------------------------------------------------------------------------------

OLD_COUNTRIES = [
    FakeCountry("Algeria", "Africa", "North Africa", values={2021: "...", 2022: 9100.0,
                                                             2023: 18300.0}),
    FakeCountry("Angola", "Africa", "sub-Saharan Africa",
                values={2021: 1500.0, 2022: 1600.0, 2023: 1300.0}),
    FakeCountry("Japan", "Asia & Oceania", "East Asia",
                values={2021: 54100.0, 2022: 46000.0, 2023: 50200.0}, colours={2023: "blue"}),
    FakeCountry("Korea, South", "Asia & Oceania", "East Asia",
                values={2021: 50200.0, 2022: 46400.0, 2023: 47900.0}, colours={2022: "blue"}),
    FakeCountry("Turkey", "Europe", "Western Europe",
                values={2021: 100.0, 2022: 200.0, 2023: 300.0}),
]
NEW_COUNTRIES = [
    FakeCountry("Algeria", "Africa", "North Africa", values={2021: 9400.0, 2022: 9100.0,
                                                             2023: 18300.0}),
    FakeCountry("Chile", "Americas", "South America",
                values={2021: 5000.0, 2022: 5100.0, 2023: 5200.0, 2024: 5300.0}),
    FakeCountry("Japan", "Asia & Oceania", "East Asia",
                values={2021: 54100.0, 2022: 46000.0, 2023: 48190.0, 2024: 55300.0}),
    FakeCountry("Korea, South", "Asia & Oceania", "East Asia",
                values={2021: 50200.0, 2022: 46400.0, 2023: 47900.0}),
    FakeCountry("Türkiye", "Europe", "Western Europe",
                values={2021: 100.0, 2022: 200.0, 2023: 300.0}),
]
#: Constant (2023) US$ = current × these in the new release; in the old one constant (2022)
#: = current (factor 1), so these are exactly SIPRI's ratios from 2022 to 2023 prices.
NEW_FACTORS = {"Algeria": 1.2, "Chile": 1.1, "Japan": 0.97, "Korea, South": 1.05,
               "Türkiye": 1.5}
SHEETS = ("constant_usd", "current_usd")


@pytest.fixture(scope="module")
def scenario(tmp_path_factory):
    d = tmp_path_factory.mktemp("revisions")
    old = make_sipri_workbook(d / "SIPRI-Milex-data-2021-2023.xlsx", countries=OLD_COUNTRIES,
                              first_year=2021, last_year=2023, base_year=2022, edition=2024,
                              sheets=SHEETS, constant_factors=dict.fromkeys(
                                  [c.name for c in OLD_COUNTRIES], 1.0))
    new = make_sipri_workbook(d / "SIPRI-Milex-data-2021-2024.xlsx", countries=NEW_COUNTRIES,
                              first_year=2021, last_year=2024, base_year=2023, edition=2025,
                              sheets=SHEETS, constant_factors=NEW_FACTORS)
    return old, new


@pytest.fixture(scope="module")
def rev(scenario):
    return sipri_revisions(*scenario)


def _rows(rev, sheet, country=None, year=None):
    r = rev[rev["sheet"] == sheet]
    if country is not None:
        r = r[r["country"] == country]
    if year is not None:
        r = r[r["year"] == year]
    return r


def test_counts_per_category_and_sheet(rev):
    got = rev.groupby(["sheet", "change"]).size().to_dict()
    assert got == {
        ("current_usd", "revised"): 1, ("current_usd", "flag_changed"): 1,
        ("current_usd", "added"): 6, ("current_usd", "removed"): 3,
        ("current_usd", "country_renamed"): 3,
        ("constant_usd", "revised"): 1, ("constant_usd", "flag_changed"): 1,
        ("constant_usd", "added"): 6, ("constant_usd", "removed"): 3,
        ("constant_usd", "rebased"): 9,
    }
    assert set(rev["change"]) <= set(CHANGES)


def test_revised_value_flag_and_amounts(rev):
    r = _rows(rev, "current_usd", "Japan", 2023).iloc[0]
    assert r["change"] == "revised"
    assert r["old_value"] == 50200.0e6 and r["new_value"] == 48190.0e6
    assert r["abs_change"] == pytest.approx(-2010.0e6, rel=1e-12)
    assert r["rel_change"] == pytest.approx(-2010.0 / 50200.0, rel=1e-12)
    assert r["old_flag"] == "estimate" and pd.isna(r["new_flag"])
    assert r["old_release"] == "SIPRI 2024 (SIPRI-Milex-data-2021-2023.xlsx)"
    assert r["new_source"] == "sipri-milex-2025" and r["old_source"] == "sipri-milex-2024"


def test_flag_change_same_value(rev):
    r = _rows(rev, "current_usd", "Korea, South").iloc[0]
    assert (r["year"], r["change"], r["old_flag"]) == (2022, "flag_changed", "estimate")
    assert pd.isna(r["new_flag"]) and r["abs_change"] == 0.0


def test_rename_is_a_rename_not_removal_plus_addition(rev):
    r = _rows(rev, "current_usd", "Türkiye")
    assert r["change"].tolist() == ["country_renamed"] * 3
    assert set(r["old_country"]) == {"Turkey"} and set(r["iso3"]) == {"TUR"}
    assert not (rev["country"] == "Turkey").any()
    assert (rev["change"].isin(["added", "removed"]) & rev["iso3"].eq("TUR")).sum() == 0


def test_added_and_removed_say_why(rev):
    cur = _rows(rev, "current_usd")
    details = {(r.country, r.year, r.change): r.detail for r in cur.itertuples()
               if r.change in ("added", "removed")}
    assert details == {
        ("Algeria", 2021, "added"): "was unavailable in the old release",
        ("Angola", 2021, "removed"): "country only in the old release",
        ("Angola", 2022, "removed"): "country only in the old release",
        ("Angola", 2023, "removed"): "country only in the old release",
        ("Chile", 2021, "added"): "country only in the new release",
        ("Chile", 2022, "added"): "country only in the new release",
        ("Chile", 2023, "added"): "country only in the new release",
        ("Chile", 2024, "added"): "year 2024 only in the new release",
        ("Japan", 2024, "added"): "year 2024 only in the new release",
    }


def test_rebased_is_not_a_revision(rev):
    const = _rows(rev, "constant_usd")
    by = {(r.country, r.year): r.change for r in const.itertuples()}
    assert by[("Japan", 2021)] == by[("Japan", 2022)] == "rebased"
    assert by[("Japan", 2023)] == "revised"  # the current-price revision carries through
    assert by[("Korea, South", 2022)] == "flag_changed"
    assert [by[("Türkiye", y)] for y in (2021, 2022, 2023)] == ["rebased"] * 3
    j = const[(const["country"] == "Japan") & (const["year"] == 2021)].iloc[0]
    assert (j["old_base_year"], j["base_year"]) == (2022, 2023)
    assert j["rebase_factor"] == pytest.approx(0.97, rel=1e-12)
    assert j["old_value"] == 54100.0e6
    assert j["old_value_rebased"] == pytest.approx(54100.0e6 * 0.97, rel=1e-12)
    assert j["new_value"] == pytest.approx(54100.0e6 * 0.97, rel=1e-12)
    j23 = const[(const["country"] == "Japan") & (const["year"] == 2023)].iloc[0]
    assert j23["rel_change"] == pytest.approx(48190.0 / 50200.0 - 1, rel=1e-9)
    assert j23["detail"] == "compared after rebasing the old value"


def test_rebasing_factors_per_release(scenario):
    f = rebasing_factors(*scenario).set_index("country")
    assert f.loc["Japan", "factor_new_release"] == pytest.approx(0.97, rel=1e-12)
    assert f.loc["Korea, South", "rebase_factor"] == pytest.approx(1.05, rel=1e-12)
    # The old release prints constant = current (factor 1): its own ratio for 2023 is 1.
    assert f.loc["Japan", "factor_old_release"] == pytest.approx(1.0, rel=1e-12)
    assert np.isnan(f.loc["Angola", "factor_new_release"])  # not in the new release
    assert f.loc["Angola", "factor_from"].startswith("old release")
    assert set(f["old_base_year"]) == {2022} and set(f["base_year"]) == {2023}


def test_frames_give_the_same_as_paths(scenario, rev):
    old, new = (defbudget.read_sipri(p) for p in scenario)
    by_frame = sipri_revisions(old, new)
    cols = ["sheet", "country", "year", "change", "old_value", "new_value"]
    pd.testing.assert_frame_equal(by_frame[cols], rev[cols])
    assert by_frame["old_release"].iloc[0] == "SIPRI 2024 (2021-2023)"


def test_name_match_when_iso3_missing(scenario):
    old, new = (defbudget.read_sipri(p) for p in scenario)
    old = old.copy()
    old.loc[old["country"] == "Japan", "iso3"] = pd.NA
    r = sipri_revisions(old, new)
    japan = r[r["country"] == "Japan"]
    assert not japan["change"].isin(["removed"]).any()
    assert len(japan) == len(sipri_revisions(*scenario).query("country == 'Japan'"))


def test_summary_text_and_tables(rev):
    s = revisions_summary(rev, threshold=0.01)
    text = str(s)
    assert "The 2025 release revised 1 current-US$ values by more than 1% (1 by any amount)" \
        in text
    assert "Japan 2023 ($50.20B -> $48.19B, -4.0%)" in text
    assert "Countries renamed: Turkey -> Türkiye." in text
    assert "Countries added (only in the new release): Chile." in text
    assert "Countries removed (only in the old release): Angola." in text
    assert "Constant-price base year moved from 2022 to 2023" in text
    assert s.by_category.loc["current_usd", "country_renamed"] == 3
    assert s.by_category.loc["constant_usd", "rebased"] == 9
    # Current US$: Japan 2023 and 2024, Korea 2022; constant: those three plus the four
    # Japan and Korea years changed only by the rebasing.
    assert s.by_region.loc["Asia & Oceania", "total"] == 3 + 3 + 4
    assert s.by_region.loc["Africa", "removed"] == 6
    assert s.largest["country"].tolist() == ["Japan"]


# ------------------------------------------------------------------------------------------
# Regional totals, sheets in one release only, refusals
# ------------------------------------------------------------------------------------------

def test_regional_totals_rebased_with_the_region_ratio(tmp_path):
    old = make_sipri_workbook(tmp_path / "SIPRI-Milex-data-2021-2023.xlsx", first_year=2021,
                              last_year=2023, base_year=2022, sheets=("regional",))
    new = make_sipri_workbook(tmp_path / "SIPRI-Milex-data-2021-2024.xlsx", first_year=2021,
                              last_year=2024, base_year=2023, edition=2025,
                              sheets=("regional",), regional_scale=1.1)
    rev = sipri_revisions(old, new)
    # 11 rows: World, 5 regions, 5 sub-regions of the default countries.
    counts = rev.groupby(["price_basis", "change"]).size().to_dict()
    assert counts == {("constant", "rebased"): 33, ("constant", "added"): 11,
                      ("current", "removed"): 11, ("current", "added"): 11}
    w = rev[(rev["country"] == "World") & (rev["year"] == 2021)
            & (rev["price_basis"] == "constant")].iloc[0]
    # The old release's own ratio: its 2023 current-price total over its constant one.
    assert w["rebase_factor"] == pytest.approx(103.0 / 102.0, rel=1e-12)
    assert w["rel_change"] == pytest.approx(110.0 / (100.0 * 103.0 / 102.0) - 1, rel=1e-9)
    gone = rev[(rev["price_basis"] == "current") & (rev["change"] == "removed")]
    assert set(gone["detail"]) == {"year 2023 (current prices) only in the old release"}


def test_sheet_only_in_one_release(tmp_path):
    old = make_sipri_workbook(tmp_path / "a.xlsx", sheets=("current_usd",))
    new = make_sipri_workbook(tmp_path / "b.xlsx", sheets=("current_usd", "share_gdp"))
    rev = sipri_revisions(old, new)
    assert set(rev["change"]) == {"added"}
    assert set(rev["detail"]) == {"sheet only in the new release"}
    # Values in the default countries' share-of-GDP rows: Algeria 4, Angola 3, Japan 5,
    # Korea 5, USSR 0 ("xxx"), United States 5, Saudi Arabia 4.
    assert len(rev) == 26 and set(rev["sheet"]) == {"share_gdp"}
    assert "Sheets only in the new release: share_gdp (26 values)." in str(
        revisions_summary(rev))


def test_identical_releases_have_no_changes(tmp_path):
    path = make_sipri_workbook(tmp_path / "a.xlsx")
    assert sipri_revisions(path, path).empty


def test_mixed_editions_in_one_frame_are_refused(scenario):
    old, new = (defbudget.read_sipri(p) for p in scenario)
    with pytest.raises(ValueError, match=r"must hold one SIPRI release.*sipri-milex-2024"):
        sipri_revisions(pd.concat([old, new]), new)
    with pytest.raises(TypeError, match="path to a SIPRI workbook or a frame"):
        sipri_revisions(42, new)
    with pytest.raises(ValueError, match="rtol=-1"):
        sipri_revisions(old, new, rtol=-1)


def test_sheet_of_matches_the_reader(scenario):
    for path in scenario:
        for sheet in SHEETS:
            frame = defbudget.read_sipri(path, sheets=[sheet])
            assert set(sheet_of(frame)) == {sheet}


def test_excel_export_round_trips(rev, tmp_path):
    out = revisions_to_excel(rev, tmp_path / "revisions.xlsx")
    back = defbudget.read_excel_export(out)
    assert set(back) == {"new", "old"}
    new = back["new"].set_index(["sheet", "country", "year"])
    assert new.loc[("current_usd", "Japan", 2023), "value"] == 48190.0e6
    assert new.loc[("current_usd", "Japan", 2023), "change"] == "revised"
    old = back["old"].set_index(["sheet", "country", "year"])
    assert old.loc[("current_usd", "Turkey", 2021), "value"] == 100.0e6
    assert len(back["new"]) + len(back["old"]) == (rev["new_value"].notna()
                                                   | rev["new_flag"].notna()).sum() + (
        rev["old_value"].notna() | rev["old_flag"].notna()).sum()


# ------------------------------------------------------------------------------------------
# The three real releases
# ------------------------------------------------------------------------------------------

def _cell(path, sheet_name, country, year):
    """The number in *sheet_name* at *country*'s row and *year*'s column, read with openpyxl
    (independently of defbudget's reader)."""
    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        ws = wb[sheet_name]
        header = None
        for row in ws.iter_rows(values_only=True):
            if header is None:
                if row and any(str(v).strip() == "Country" for v in row if v is not None):
                    header = row
                continue
            if row and any(str(v).strip() == country for v in row[:2] if v is not None):
                col = next(j for j, v in enumerate(header)
                           if isinstance(v, (int, float)) and int(v) == year)
                return float(row[col])
    finally:
        wb.close()
    raise AssertionError(f"{country} {year} not found in {sheet_name}")


@pytest.fixture(scope="module")
def releases(raw_dir):
    paths = {k: raw_file(raw_dir, v) for k, v in SIPRI_RELEASES.items()}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        frames = {k: defbudget.read_sipri(p) for k, p in paths.items()}
    return paths, frames


@pytest.fixture(scope="module")
def rev_2025(releases):
    paths, _ = releases
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return sipri_revisions(paths["1949-2023"], paths["1949-2024_2"])


def test_real_counts_2024_to_2025_release(rev_2025):
    # Cross-checked with an independent dict-based diff of read_sipri(sheets=[...]) frames.
    got = rev_2025.groupby(["sheet", "change"]).size().to_dict()
    assert got == {
        ("current_usd", "revised"): 281, ("current_usd", "added"): 155,
        ("constant_usd", "revised"): 1331, ("constant_usd", "rebased"): 6692,
        ("constant_usd", "added"): 153, ("constant_usd", "removed"): 11,
        ("lcu_fy", "revised"): 311, ("lcu_fy", "added"): 155,
        ("lcu_cy", "revised"): 308, ("lcu_cy", "added"): 150,
        ("share_gdp", "revised"): 1916, ("share_gdp", "added"): 162,
        ("per_capita", "revised"): 5132, ("per_capita", "added"): 152,
        ("share_govt", "revised"): 1847, ("share_govt", "added"): 151,
        ("share_govt", "removed"): 2,
        ("regional", "rebased"): 672, ("regional", "flag_changed"): 9,
        ("regional", "added"): 38, ("regional", "removed"): 19,
    }
    assert rev_2025["change"].value_counts().to_dict() == {
        "revised": 11126, "rebased": 7364, "added": 1116, "removed": 32, "flag_changed": 9}
    cur = rev_2025[(rev_2025["sheet"] == "current_usd") & (rev_2025["change"] == "revised")]
    assert int((cur["rel_change"].abs() > 0.01).sum()) == 156


def test_real_counts_1948_to_1949_file(releases):
    paths, _ = releases
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rev = sipri_revisions(paths["1948-2023"], paths["1949-2023"])
    assert rev.groupby(["sheet", "change"]).size().to_dict() == {
        ("current_usd", "removed"): 6, ("constant_usd", "removed"): 4,
        ("lcu_fy", "removed"): 6, ("lcu_cy", "removed"): 6, ("share_gdp", "removed"): 2,
        ("regional", "revised"): 2}
    assert set(rev.loc[rev["change"] == "removed", "detail"]) == {
        "year 1948 only in the old release"}


def test_real_japan_2023_current_usd(releases, rev_2025):
    paths, _ = releases
    r = rev_2025[(rev_2025["sheet"] == "current_usd") & (rev_2025["country"] == "Japan")
                 & (rev_2025["year"] == 2023)].iloc[0]
    old_cell = _cell(paths["1949-2023"], "Current US$", "Japan", 2023)
    new_cell = _cell(paths["1949-2024_2"], "Current US$", "Japan", 2023)
    assert r["old_value"] == old_cell * 1e6 and r["new_value"] == new_cell * 1e6
    assert round(r["old_value"] / 1e9, 2) == 50.16  # the issue's $50.16B
    assert round(r["new_value"] / 1e9, 2) == 48.19  # and $48.19B
    assert r["change"] == "revised"
    assert r["rel_change"] == pytest.approx(new_cell / old_cell - 1, rel=1e-12)


def test_real_rebasing_factor_2022_to_2023(releases):
    paths, frames = releases
    f = rebasing_factors(frames["1949-2023"], frames["1949-2024_2"])
    f = f.set_index(["sheet", "country"])
    new = paths["1949-2024_2"]
    for country in ("Japan", "United States of America"):
        expected = (_cell(new, "Constant (2023) US$", country, 2022)
                    / _cell(new, "Current US$", country, 2022))
        assert f.loc[("constant_usd", country), "rebase_factor"] == pytest.approx(
            expected, rel=1e-12)
    assert round(f.loc[("constant_usd", "Japan"), "rebase_factor"], 6) == 0.967229
    assert round(f.loc[("constant_usd", "United States of America"), "rebase_factor"],
                 6) == 1.041163
    world = f.loc[("regional", "World")]
    assert world["factor_from"].startswith("old release")
    assert round(world["rebase_factor"], 4) == 1.0208
    same = rebasing_factors(frames["1948-2023"], frames["1949-2023"])
    assert same.empty  # both in constant 2022 US$


# ------------------------------------------------------------------------------------------
# Charts
# ------------------------------------------------------------------------------------------

def test_revision_dots_axes_and_source(rev):
    import matplotlib.pyplot as plt

    from defbudget.plot import get_source_text, revision_dots

    _, ax = plt.subplots()
    out = revision_dots(rev, countries=["JPN"], ax=ax)
    assert out is ax
    offsets = np.concatenate([c.get_offsets() for c in ax.collections])
    assert offsets.shape == (1, 2)  # Japan 2023, the one revised current-US$ value
    assert offsets[0, 1] == pytest.approx(48190.0 / 50200.0 - 1, rel=1e-12)
    assert ax.get_ylabel() == "Revision (new ÷ old − 1)"
    assert ax.yaxis.get_major_formatter().format_ticks([-0.05, 0, 0.05]) == ["-5%", "0%",
                                                                              "+5%"]
    text = get_source_text(ax).replace("\n", " ")
    assert text.startswith("Sources: SIPRI Military Expenditure Database 2024 and 2025, "
                           "https://www.sipri.org/databases/milex.")
    assert "SIPRI 2024 (SIPRI-Milex-data-2021-2023.xlsx) (old)" in text
    assert "SIPRI 2025 (SIPRI-Milex-data-2021-2024.xlsx) (new)" in text
    assert ax.get_title(loc="left").startswith("What SIPRI revised")


def test_revision_charts_label_countries_by_their_display_names(rev_2025):
    # The diff matches on SIPRI's names as published ("Korea, South"); a chart prints the
    # name the kit uses everywhere else, and accepts it, SIPRI's name or the ISO3 code.
    import matplotlib.pyplot as plt

    from defbudget.plot import revision_dots

    for asked in ("South Korea", "Korea, South", "KOR"):
        fig, ax = plt.subplots()
        revision_dots(rev_2025, countries=[asked, "Japan"], ax=ax)
        labels = ax.get_legend_handles_labels()[1]
        assert "South Korea" in labels and "Korea, South" not in labels, asked
        assert "Japan, South Korea" in ax.get_title(loc="left").replace("\n", " ")
        plt.close(fig)


def test_revision_dots_refuses_unknown_country_and_empty(rev):
    import matplotlib.pyplot as plt

    from defbudget.plot import revision_dots

    _, ax = plt.subplots()
    with pytest.raises(LookupError, match="Narnia"):
        revision_dots(rev, countries="Narnia", ax=ax)
    with pytest.raises(ValueError, match="no revised values"):
        revision_dots(rev, countries="Chile", ax=ax)


def test_revision_lines_needs_whole_series(scenario, rev):
    import matplotlib.pyplot as plt

    from defbudget.plot import revision_lines

    _, ax = plt.subplots()
    with pytest.raises(ValueError, match="include_unchanged=True"):
        revision_lines(rev, countries="Japan", ax=ax)
    full = sipri_revisions(*scenario, include_unchanged=True)
    assert (full["change"] == "unchanged").sum() > 0
    ax = revision_lines(full, countries="Japan", ax=ax)
    new = next(ln for ln in ax.lines if ln.get_gid() == "new-Japan")
    old = next(ln for ln in ax.lines if ln.get_gid() == "old-Japan")
    assert list(new.get_xdata()) == [2021, 2022, 2023, 2024]
    assert list(new.get_ydata()) == [54100e6, 46000e6, 48190e6, 55300e6]
    assert list(old.get_ydata()[:3]) == [54100e6, 46000e6, 50200e6]
    # the summary leaves unchanged cells out
    assert str(revisions_summary(full)).split("\n")[1] == str(
        revisions_summary(rev)).split("\n")[1]


# ------------------------------------------------------------------------------------------
# CLI
# ------------------------------------------------------------------------------------------

def _cli(*args):
    import os
    import subprocess

    env = {**os.environ, "MPLBACKEND": "Agg"}
    return subprocess.run([sys.executable, "-m", "defbudget", *map(str, args)],
                          capture_output=True, text=True, timeout=120, env=env)


def test_cli_sipri_diff_prints_and_writes(scenario, tmp_path):
    old, new = scenario
    proc = _cli("sipri", "diff", old, new, "-o", tmp_path / "rev.csv")
    assert proc.returncode == 0, proc.stderr
    assert "The 2025 release revised 1 current-US$ values by more than 1%" in proc.stdout
    assert "Wrote 34 changed cells to" in proc.stdout
    back = pd.read_csv(tmp_path / "rev.csv")
    assert len(back) == 34 and back["change"].value_counts()["added"] == 12
    again = _cli("sipri", "diff", old, new, "-o", tmp_path / "rev.csv")
    assert again.returncode == 2 and "--force" in again.stderr
    xl = _cli("sipri", "diff", old, new, "-o", tmp_path / "rev.xlsx")
    assert xl.returncode == 0, xl.stderr
    assert set(defbudget.read_excel_export(tmp_path / "rev.xlsx")) == {"new", "old"}


@pytest.mark.parametrize(("args", "phrase"), [
    (["diff", "ONLY.xlsx"], "takes two workbooks"),
    (["diff", "a.xlsx", "b.xlsx", "--to", "csv"], "leave out --to"),
    (["diff", "a.xlsx", "b.xlsx", "-o", "x.txt"], ".csv or an .xlsx"),
    (["diff", "no-such-old.xlsx", "no-such-new.xlsx"], "does not exist"),
])
def test_cli_sipri_diff_bad_input(args, phrase, tmp_path):
    proc = _cli("sipri", *args)
    assert proc.returncode == 2
    assert phrase in proc.stderr and "Traceback" not in proc.stderr


def test_cli_sipri_convert_still_works(scenario, tmp_path):
    proc = _cli("sipri", scenario[0], "--to", "csv", "-o", tmp_path / "s.csv")
    assert proc.returncode == 0, proc.stderr
    missing = _cli("sipri", scenario[0])
    assert missing.returncode == 2 and "--to csv|xlsx and -o FILE" in missing.stderr


def test_diff_of_the_same_files_is_cached_and_private(scenario):
    first = sipri_revisions(*scenario)
    first.loc[0, "change"] = "tampered"
    again = sipri_revisions(*scenario)
    assert "tampered" not in set(again["change"])
    assert len(again) == 34

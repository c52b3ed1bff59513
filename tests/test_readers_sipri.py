"""read_sipri: the real SIPRI releases (skipped when absent) and generated SIPRI-shaped books."""

from __future__ import annotations

import hashlib
import sys
import warnings
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from conftest import SIPRI_RELEASES, raw_file
from sipri_factory import (
    DEFAULT_COUNTRIES,
    SHEET_TITLES,
    FakeCountry,
    expected_value,
    make_sipri_workbook,
)

from defbudget.readers import _cache
from defbudget.readers._countries import (
    CURRENCY_BY_NAME,
    ISO3_OVERRIDES,
    UnknownCountryWarning,
    currency_code,
    iso3_codes,
)
from defbudget.readers._xlsx_styles import (
    DEFAULT_PALETTE,
    _scan_expat,
    read_font_flags,
)
from defbudget.readers.sipri import (
    SHEET_NAMES,
    SYMBOLS,
    SipriFiscalYearWarning,
    SipriFormatError,
    SipriUnknownCurrencyWarning,
    SipriWorkbookNotFoundError,
    find_sipri_workbook,
    parse_fiscal_year,
    parse_notes,
    read_sipri,
    sipri_release_info,
)
from defbudget.schema import validate

EDITIONS = {"1948-2023": 2024, "1949-2023": 2024, "1949-2024_2": 2025}
COUNTRY_SHEETS = ("constant_usd", "current_usd", "lcu_fy", "lcu_cy", "share_gdp",
                  "per_capita", "share_govt")


def _quiet_read(*args, **kwargs) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SipriFiscalYearWarning)  # Myanmar: see its own test
        warnings.simplefilter("error", UnknownCountryWarning)
        return read_sipri(*args, **kwargs)


@pytest.fixture(scope="module", params=sorted(SIPRI_RELEASES))
def release(request, raw_dir):
    path = raw_file(raw_dir, SIPRI_RELEASES[request.param])
    return request.param, path, _quiet_read(path, cache=False)


@pytest.fixture(scope="module")
def latest(raw_dir):
    path = raw_file(raw_dir, SIPRI_RELEASES["1949-2024_2"])
    return path, _quiet_read(path)


@pytest.fixture(scope="module")
def latest_book(raw_dir):
    path = raw_file(raw_dir, SIPRI_RELEASES["1949-2024_2"])
    return openpyxl.load_workbook(path, read_only=False, data_only=True)


def _find(ws, label: str, col: int = 1):
    for row in ws.iter_rows(min_col=col, max_col=col):
        if row[0].value is not None and str(row[0].value).strip() == label:
            return row[0].row
    raise AssertionError(f"{label!r} not in {ws.title}")


def _year_col(ws, year: int) -> tuple[int, int]:
    for row in ws.iter_rows(max_row=40):
        first = row[0].value
        if isinstance(first, str) and first.strip() in ("Country", "Region"):
            for cell in row:
                if isinstance(cell.value, (int, float)) and int(cell.value) == year:
                    return cell.row, cell.column
    raise AssertionError(f"no {year} column in {ws.title}")


# --------------------------------------------------------------------------------------
# Real releases
# --------------------------------------------------------------------------------------

@pytest.mark.sipri
def test_release_loads_validates_and_names_its_edition(release):
    name, path, df = release
    validate(df, name=name)
    assert set(df["source"]) == {f"sipri-milex-{EDITIONS[name]}"}
    info = sipri_release_info(path)
    assert info["edition"] == EDITIONS[name] and info["edition_from"] == "front page"
    assert info["first_year"] == int(name[:4]) and info["last_year"] == int(name[5:9])
    assert info["base_year"] == (2023 if name == "1949-2024_2" else 2022)
    assert set(info["sheets"]) == set(SHEET_NAMES)
    assert set(df["measure"]) == {"milex", "milex_share_gdp", "milex_per_capita",
                                  "milex_share_govt"}
    assert df["year"].min() == int(name[:4])
    constant = df[df["price_basis"] == "constant"]
    assert set(constant["base_year"]) == {info["base_year"]}


@pytest.mark.sipri
def test_latest_japan_current_usd_2024(latest):
    _, df = latest
    row = df.query("country == 'Japan' and year == 2024 and measure == 'milex' and "
                   "unit == 'USD' and price_basis == 'current'")
    assert len(row) == 1
    assert row["value"].iloc[0] == pytest.approx(5.52739e10, rel=1e-6)
    assert row["iso3"].iloc[0] == "JPN"
    assert row["region"].iloc[0] == "Asia & Oceania" and row["subregion"].iloc[0] == "East Asia"


@pytest.mark.sipri
def test_latest_japan_fy2024_local_currency_matches_the_cell(latest, latest_book):
    _, df = latest
    ws = latest_book["Local currency financial years"]
    _hrow, col = _year_col(ws, 2024)
    jrow = _find(ws, "Japan")
    expected = ws.cell(row=jrow, column=col).value
    assert isinstance(expected, float) and expected > 8e12  # ¥8.78 trillion
    row = df.query("country == 'Japan' and year == 2024 and period == 'FY'")
    assert len(row) == 1
    r = row.iloc[0]
    assert (r["unit"], r["fy_start_month"], r["currency_name"], r["fy_convention"]) == (
        "JPY", 4, "Yen", "Apr-Mar")
    assert r["value"] == expected
    assert r["footnotes"] == "56" and "Okinawa" in r["note"]


@pytest.mark.sipri
def test_latest_share_of_gdp_is_a_ratio(latest, latest_book):
    _, df = latest
    ws = latest_book["Share of GDP"]
    _, col = _year_col(ws, 2024)
    expected = ws.cell(row=_find(ws, "Japan"), column=col).value
    row = df.query("country == 'Japan' and year == 2024 and measure == 'milex_share_gdp'")
    assert row["unit"].iloc[0] == "ratio"
    assert row["value"].iloc[0] == pytest.approx(expected) and 0.01 < expected < 0.03
    shares = df.loc[df["unit"] == "ratio", "value"].dropna()
    assert shares.median() < 0.1 and shares.max() < 2  # Kuwait 1991 is ~1.17 of GDP


def _count_coloured_numbers(ws) -> dict[str, int]:
    """Blue/red numeric cells, counted with openpyxl (rgb or indexed palette colours)."""
    counts = {"estimate": 0, "highly_uncertain": 0}
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, bool) or not isinstance(cell.value, (int, float)):
                continue
            colour = cell.font.color if cell.font is not None else None
            if colour is None:
                continue
            rgb = None
            if colour.type == "rgb":
                rgb = str(colour.rgb)[-6:].upper()
            elif colour.type == "indexed":
                rgb = DEFAULT_PALETTE[colour.indexed] if colour.indexed < 64 else None
            if rgb == "0000FF":
                counts["estimate"] += 1
            elif rgb == "FF0000":
                counts["highly_uncertain"] += 1
    return counts


@pytest.mark.sipri
@pytest.mark.slow
# The 1949-2023 release has no default cell style; openpyxl says so and applies its own.
@pytest.mark.filterwarnings("ignore:Workbook contains no default style:UserWarning")
@pytest.mark.parametrize("name", sorted(SIPRI_RELEASES))
def test_flags_equal_coloured_numeric_cells_counted_with_openpyxl(raw_dir, name):
    path = raw_file(raw_dir, SIPRI_RELEASES[name])
    wb = openpyxl.load_workbook(path, data_only=True)
    info = sipri_release_info(path)
    total = 0
    for short, title in info["sheets"].items():
        df = _quiet_read(path, sheets=[short])
        expected = _count_coloured_numbers(wb[title])
        got = df["flag"].value_counts().to_dict()
        for flag in ("estimate", "highly_uncertain"):
            assert got.get(flag, 0) == expected[flag], (name, short, flag)
        total += expected["estimate"]
    assert total > 1000


@pytest.mark.sipri
def test_indexed_colour_releases_use_palette_12_and_10(raw_dir):
    path = raw_file(raw_dir, SIPRI_RELEASES["1949-2023"])
    with zipfile.ZipFile(path) as zf:
        styles = zf.read("xl/styles.xml").decode()
    assert 'indexed="12"' in styles and 'indexed="10"' in styles
    assert DEFAULT_PALETTE[12] == "0000FF" and DEFAULT_PALETTE[10] == "FF0000"


@pytest.mark.sipri
@pytest.mark.parametrize("name", ["1949-2024_2", "1948-2023"])
def test_fast_style_scan_equals_expat_and_openpyxl(raw_dir, name):
    path = raw_file(raw_dir, SIPRI_RELEASES[name])
    sheets = ["Current US$", "Share of GDP", "Regional totals"]
    fast = read_font_flags(path, sheets, method="fast")
    assert fast == read_font_flags(path, sheets, method="expat")
    assert fast == read_font_flags(path, sheets, method="openpyxl")
    assert sum(map(len, fast.values())) > 100


@pytest.mark.sipri
def test_markers_symbols_and_iso3_in_latest(latest):
    _, df = latest
    assert {"unavailable", "not_independent", "estimate", "highly_uncertain"} <= set(df["flag"])
    assert df.loc[df["flag"].isin(["unavailable", "not_independent"]), "value"].isna().all()
    assert df.loc[df["value"].isna(), "flag"].notna().all()
    libya = df.query("country == 'Libya'").iloc[0]
    assert libya["symbols"] == "current_spending_only,adopted_budget,excludes_paramilitary"
    assert libya["footnotes"] == "16" and libya["stage"] == "enacted"
    no_code = set(df.loc[df["iso3"].isna() & df["currency_name"].notna(), "country"])
    assert no_code == {"Czechoslovakia", "German Democratic Republic", "Yugoslavia", "USSR",
                       "Yemen, North", "European Union"}
    assert df.query("country == 'Türkiye'")["iso3"].iloc[0] == "TUR"
    # SIPRI's 'Korea, South' is given its short display name (defbudget.countries).
    assert df.query("country == 'South Korea'")["iso3"].iloc[0] == "KOR"
    assert "Korea, South" not in set(df["country"])
    assert df.query("country == 'Kosovo'")["iso3"].iloc[0] == "XKX"


@pytest.mark.sipri
def test_every_currency_name_in_every_release_maps(release):
    _name, _, df = release
    lcu = df[df["currency_name"].notna()]
    assert len(lcu) > 10000
    assert lcu["unit"].notna().all()
    assert (lcu["unit"] != "USD").sum() > 0.9 * len(lcu)
    zim = lcu.query("country == 'Zimbabwe' and period == 'FY'").set_index("year")["unit"]
    assert zim[2018] == "USD" and zim[2019] == "ZWL"


@pytest.mark.sipri
def test_usd_local_currency_rows_are_not_duplicated(latest):
    _, df = latest
    usa = df.query("country == 'United States' and year == 2024 and "
                   "measure == 'milex' and period == 'CY' and price_basis == 'current'")
    assert len(usa) == 1 and usa["currency_name"].isna().all()


@pytest.mark.sipri
def test_regional_totals_in_whole_dollars(latest, latest_book):
    _, df = latest
    ws = latest_book["Regional totals"]
    _, col = _year_col(ws, 2024)
    world = ws.cell(row=_find(ws, "World"), column=col).value
    row = df.query("country == 'World' and year == 2024 and price_basis == 'constant'")
    assert row["value"].iloc[0] == pytest.approx(world * 1e9)
    assert row["base_year"].iloc[0] == 2023 and pd.isna(row["iso3"].iloc[0])
    cur = df.query("country == 'World' and year == 2024 and price_basis == 'current' and "
                   "currency_name.isna()", engine="python")
    assert len(cur) == 1 and cur["value"].iloc[0] > 2.5e12
    east = df.query("country == 'East Asia' and year == 2024 and price_basis == 'constant'")
    assert east["region"].iloc[0] == "Asia & Oceania"


@pytest.mark.sipri
def test_footnoteless_release_keeps_symbols(release):
    name, _, df = release
    japan = df.query("country == 'Japan'").iloc[0]
    if name == "1948-2023":
        assert pd.isna(japan["footnotes"]) and pd.isna(japan["note"])
    else:
        assert japan["footnotes"] == "56"
    assert df["symbols"].str.contains("adopted_budget").any()


@pytest.mark.sipri
def test_myanmar_fiscal_year_warns_and_morocco_uses_its_footnote(raw_dir):
    path = raw_file(raw_dir, SIPRI_RELEASES["1949-2024_2"])
    with pytest.warns(SipriFiscalYearWarning, match="Myanmar"):
        df = read_sipri(path, sheets=["lcu_fy"], cache=False)
    morocco = df.query("country == 'Morocco'").set_index("year")["fy_start_month"]
    assert (morocco[1990], morocco[1997], morocco[2000], morocco[2010]) == (1, 7, 7, 1)
    kuwait = df.query("country == 'Kuwait'").set_index("year")["fy_start_month"]
    assert (kuwait[1980], kuwait[2010]) == (7, 4)


@pytest.mark.sipri
def test_cache_serves_without_parsing_and_returns_copies(latest, monkeypatch):
    import defbudget.readers.sipri.assemble as sipri_module  # where read_sipri finds _read

    path, _ = latest
    first = _quiet_read(path)

    def no_parse(*args, **kwargs):
        raise AssertionError("a cached read parsed the workbook again")

    monkeypatch.setattr(sipri_module, "_read", no_parse)
    second = _quiet_read(path)
    pd.testing.assert_frame_equal(first, second)
    second.loc[:, "value"] = 0.0
    third = _quiet_read(path)
    assert third["value"].abs().max() > 0


@pytest.mark.sipri
def test_input_file_is_not_modified(raw_dir):
    path = raw_file(raw_dir, SIPRI_RELEASES["1949-2024_2"])
    before = (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns)
    _quiet_read(path, cache=False)
    assert before == (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns)


# --------------------------------------------------------------------------------------
# Generated workbooks
# --------------------------------------------------------------------------------------

@pytest.fixture
def book(tmp_path):
    return make_sipri_workbook(tmp_path / "SIPRI-Milex-data-2019-2023.xlsx")


def _row(df, country, sheet, year):
    measure, _unit_kind = {
        "constant_usd": ("milex", "constant"), "current_usd": ("milex", "current"),
        "lcu_fy": ("milex", "FY"), "lcu_cy": ("milex", "lcu"),
        "share_gdp": ("milex_share_gdp", None), "per_capita": ("milex_per_capita", None),
        "share_govt": ("milex_share_govt", None)}[sheet]
    from defbudget.countries import display_name

    country = display_name(country)  # the reader prints 'South Korea' for 'Korea, South'
    sel = df[(df["country"] == country) & (df["year"] == year) & (df["measure"] == measure)]
    if sheet == "constant_usd":
        sel = sel[sel["price_basis"] == "constant"]
    elif sheet == "current_usd":
        sel = sel[(sel["price_basis"] == "current") & sel["currency_name"].isna()]
    elif sheet == "lcu_fy":
        sel = sel[sel["period"] == "FY"]
    elif sheet == "lcu_cy":
        sel = sel[(sel["period"] == "CY") & sel["currency_name"].notna()]
    assert len(sel) == 1, (country, sheet, year, len(sel))
    return sel.iloc[0]


@pytest.mark.parametrize("colour_mode", ["rgb", "indexed"])
@pytest.mark.parametrize("float_years", [True, False])
def test_generated_values_flags_and_markers(tmp_path, colour_mode, float_years):
    path = make_sipri_workbook(tmp_path / "b.xlsx", colour_mode=colour_mode,
                               float_years=float_years)
    df = _quiet_read(path, cache=False)
    validate(df)
    for country in DEFAULT_COUNTRIES:
        for sheet in COUNTRY_SHEETS:
            for year in range(2019, 2024):
                if (country.name, sheet) == ("United States of America", "lcu_cy"):
                    continue  # held once, by the Current US$ row
                r = _row(df, country.name, sheet, year)
                raw = country.values.get(year, "")
                want = expected_value(country, sheet, year)
                if want is None:
                    assert np.isnan(r["value"])
                    marker = "not_independent" if raw == "xxx" else "unavailable"
                    assert r["flag"] == marker, (country.name, sheet, year, raw)
                else:
                    assert r["value"] == pytest.approx(want), (country.name, sheet, year)
                    colour = country.colours.get(year)
                    flag = {"blue": "estimate", "red": "highly_uncertain", None: None}[colour]
                    assert (None if pd.isna(r["flag"]) else r["flag"]) == flag


def test_generated_colour_on_a_marker_cell_stays_unavailable(book):
    df = _quiet_read(book, cache=False)
    angola_2023 = _row(df, "Angola", "current_usd", 2023)
    assert angola_2023["flag"] == "highly_uncertain"
    # Algeria 2021 is "..." in a blue (estimate) font: the marker wins, the colour is ignored
    cell = _row(df, "Algeria", "current_usd", 2021)
    assert cell["flag"] == "unavailable" and pd.isna(cell["value"])


def test_generated_symbols_footnotes_and_stage(book):
    df = _quiet_read(book, cache=False)
    algeria = _row(df, "Algeria", "current_usd", 2019)
    assert algeria["symbols"] == "adopted_budget" and algeria["footnotes"] == "4"
    assert algeria["note"].startswith("Algeria:") and algeria["stage"] == "enacted"
    angola = _row(df, "Angola", "current_usd", 2019)
    assert angola["symbols"] == "adopted_budget,currency_redenominated"
    ussr = _row(df, "USSR", "current_usd", 2019)
    assert ussr["symbols"] == "current_spending_only,excludes_paramilitary"
    assert pd.isna(ussr["iso3"])
    korea = _row(df, "Korea, South", "lcu_cy", 2020)
    assert korea["symbols"] == "excludes_pensions" and korea["stage"] == "actual"
    assert korea["unit"] == "KRW" and korea["iso3"] == "KOR"


def test_all_five_symbols_have_names():
    symbols, numbers, rest = parse_notes("†‡§¶‖12")
    assert symbols == list(SYMBOLS.values()) and numbers == ["12"] and rest == ""
    assert parse_notes("") == ([], [], "")
    assert parse_notes("*7") == ([], ["7"], "*")  # other text is returned, not dropped


def test_generated_regions_and_subregions(book):
    df = _quiet_read(book, cache=False)
    sa = _row(df, "Saudi Arabia", "current_usd", 2020)
    assert sa["region"] == "Middle East" and pd.isna(sa["subregion"])
    jp = _row(df, "Japan", "current_usd", 2020)
    assert (jp["region"], jp["subregion"]) == ("Asia & Oceania", "East Asia")
    reg = df[df["currency_name"].isna() & df["iso3"].isna() & (df["basis"] == "sipri") &
             (df["country"] != "USSR")]
    world = reg[(reg["country"] == "World") & (reg["price_basis"] == "constant")]
    assert world["value"].iloc[0] == pytest.approx(100e9)
    assert world["flag"].iloc[0] == "highly_uncertain" and world["base_year"].iloc[0] == 2022
    north = reg[reg["country"] == "North Africa"].iloc[0]
    assert (north["region"], north["subregion"]) == ("Africa", "North Africa")
    africa = reg[reg["country"] == "Africa"].iloc[0]
    assert africa["note"] == "Omitted countries: Djibouti, Eritrea"
    current = reg[(reg["country"] == "World") & (reg["price_basis"] == "current")]
    assert len(current) == 1 and current["year"].iloc[0] == 2023
    assert current["value"].iloc[0] == pytest.approx(105e9)


def test_unknown_heading_followed_by_heading_is_a_region(tmp_path):
    countries = [FakeCountry("Japan", "Asia", "East Asia", "Yen", values={2019: 1.0}),
                 FakeCountry("Korea, South", "Asia", "East Asia", "Won", values={2019: 2.0})]
    df = _quiet_read(make_sipri_workbook(tmp_path / "a.xlsx", countries=countries,
                                         sheets=["current_usd"]), cache=False)
    assert set(zip(df["region"], df["subregion"], strict=False)) == {("Asia", "East Asia")}


def test_shifted_header_and_columns_read_the_same(tmp_path, book):
    plain = _quiet_read(book, cache=False)
    shifted = _quiet_read(make_sipri_workbook(tmp_path / "s.xlsx", header_offset=4,
                                              column_offset=2, colour_mode="indexed"),
                          cache=False)
    pd.testing.assert_frame_equal(plain, shifted)


def test_int_and_float_year_headers_read_the_same(tmp_path, book):
    ints = _quiet_read(make_sipri_workbook(tmp_path / "i.xlsx", float_years=False),
                       cache=False)
    pd.testing.assert_frame_equal(_quiet_read(book, cache=False), ints)


def test_other_first_year_and_base_year(tmp_path):
    path = make_sipri_workbook(tmp_path / "y.xlsx", first_year=1948, last_year=1952,
                               base_year=2015, edition=None)
    info = sipri_release_info(path)
    assert (info["first_year"], info["last_year"], info["base_year"]) == (1948, 1952, 2015)
    assert info["edition"] == 1953 and info["edition_from"].startswith("inferred")
    df = _quiet_read(path, cache=False)
    assert set(df.loc[df["price_basis"] == "constant", "base_year"]) == {2015}
    assert set(df["source"]) == {"sipri-milex-1953"}


def test_fiscal_year_from_the_column(book):
    df = _quiet_read(book, sheets=["lcu_fy"], cache=False)
    months = df.groupby("country")["fy_start_month"].unique().map(list).to_dict()
    assert months["Japan"] == [4] and months["United States"] == [10]
    assert months["Algeria"] == [1] and set(df["period"]) == {"FY"}
    assert df.query("country == 'Algeria'")["fy_convention"].iloc[0] == "Jan-Dec"


@pytest.mark.parametrize(("text", "year", "month"), [
    ("Apr-Mar", 2000, 4), ("", 2000, 1), ("Jul-Jun", 1990, 7), ("Oct-Sep", 1990, 10),
    ("Till: 1956 Apr-Mar, 1957: Apr-Dec, From 1958: Jan-Dec", 1950, 4),
    ("Till: 1956 Apr-Mar, 1957: Apr-Dec, From 1958: Jan-Dec", 1957, 4),
    ("Till: 1956 Apr-Mar, 1957: Apr-Dec, From 1958: Jan-Dec", 1990, 1),
    ("Till: 1973 Jul-Jun, From 1974 Till: 1990 Jan-Dec, From 1991: Oct-Sep", 1980, 1),
    ("Till: 1973 Jul-Jun, From 1974 Till: 1990 Jan-Dec, From 1991: Oct-Sep", 2000, 10),
    ("Till: 2000 Apr-Mar, From 2001: Mar-Feb", 2005, 3),
])
def test_parse_fiscal_year(text, year, month):
    from defbudget.readers.sipri import _start_month

    assert _start_month(parse_fiscal_year(text), year) == month


def test_fiscal_year_not_stated_warns(tmp_path):
    countries = [FakeCountry("Myanmar", "Asia & Oceania", "South East Asia", "Kyats",
                             "See footnote", "§¶64", {2019: 1.0, 2020: 2.0})]
    path = make_sipri_workbook(tmp_path / "m.xlsx", countries=countries, sheets=["lcu_fy"],
                               footnotes={64: "Myanmar: ..."})
    with pytest.warns(SipriFiscalYearWarning, match=r"cell C10: the fiscal year of Myanmar "
                                                    r"in 2019-2020"):
        df = read_sipri(path, cache=False)
    assert set(df["fy_start_month"]) == {1} and set(df["fy_convention"]) == {"See footnote"}


def test_cached_read_issues_the_first_reads_warnings(tmp_path):
    countries = [FakeCountry("Myanmar", "Asia & Oceania", "South East Asia", "Kyats",
                             "See footnote", "§¶64", {2019: 1.0, 2020: 2.0})]
    path = make_sipri_workbook(tmp_path / "m.xlsx", countries=countries, sheets=["lcu_fy"],
                               footnotes={64: "Myanmar: ..."})
    cache = tmp_path / "cache"

    def read():
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            df = read_sipri(path, cache_dir=cache)
        return df, [(w.category, str(w.message)) for w in caught]

    _cache.clear()
    first, said = read()
    assert [c for c, _ in said] == [SipriFiscalYearWarning]
    assert "cell C10: the fiscal year of Myanmar in 2019-2020" in said[0][1]
    again, said_again = read()  # from memory
    _cache.clear()
    from_disk, said_from_disk = read()  # from the disk layer
    assert said_again == said and said_from_disk == said
    pd.testing.assert_frame_equal(again, first)
    pd.testing.assert_frame_equal(from_disk, first)


def test_workbook_without_footnotes_sheet(tmp_path):
    path = make_sipri_workbook(tmp_path / "f.xlsx", footnotes=None, sheets=["current_usd"])
    df = _quiet_read(path, cache=False)
    jp = df.query("country == 'Japan'").iloc[0]
    assert jp["footnotes"] == "56" and pd.isna(jp["note"])


def test_share_sheet_in_percent_is_divided_by_100(tmp_path):
    countries = [FakeCountry("Japan", "Asia & Oceania", "East Asia", "Yen",
                             values={2019: 1.2e7, 2020: 1.3e7})]  # × 1e-7 → 1.2 (percent)
    path = make_sipri_workbook(tmp_path / "p.xlsx", countries=countries, sheets=["share_gdp"])
    df = _quiet_read(path, cache=False)
    assert df["value"].dropna().tolist() == pytest.approx([0.012, 0.013])


def test_unknown_country_warns_and_keeps_iso3_missing(tmp_path):
    countries = [FakeCountry("Freedonia", "Europe", "Western Europe", values={2019: 1.0})]
    path = make_sipri_workbook(tmp_path / "u.xlsx", countries=countries,
                               sheets=["current_usd"])
    with pytest.warns(UnknownCountryWarning, match="Freedonia"):
        df = read_sipri(path, cache=False)
    assert df["iso3"].isna().all()


def test_unknown_currency_warns_naming_the_cell_and_keeps_the_name(tmp_path):
    countries = [FakeCountry("Japan", "Asia & Oceania", "East Asia", "Doubloons",
                             values={2019: 1.0})]
    path = make_sipri_workbook(tmp_path / "c.xlsx", countries=countries, sheets=["lcu_cy"])
    with pytest.warns(SipriUnknownCurrencyWarning, match=r"cell B\d+.*Doubloons.*'XXX'"):
        df = read_sipri(path, cache=False)
    assert df["unit"].unique().tolist() == ["XXX"]
    assert df["currency_name"].unique().tolist() == ["Doubloons"]
    assert df.loc[df["year"] == 2019, "value"].tolist() == [1e6 * 1.0]


# --------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------

@pytest.mark.parametrize("bad", ["n/a", "1,234", "12%", "1.5"])
def test_text_in_a_value_cell_names_file_sheet_and_cell(tmp_path, bad):
    # Current US$: 4 note rows and a blank → header row 6 (Country, Notes, 2019, 2020, ...);
    # then a blank row, Africa, North Africa, and Algeria in row 10: D10 is Algeria 2020.
    path = make_sipri_workbook(tmp_path / "t.xlsx", sheets=["current_usd"],
                               cell_overrides={("current_usd", 10, 4): bad})
    with pytest.raises(SipriFormatError) as exc:
        _quiet_read(path, cache=False)
    msg = str(exc.value)
    assert "t.xlsx" in msg and "'Current US$'" in msg and "cell D10" in msg and bad in msg
    assert exc.value.cell == "D10"


def test_csv_renamed_to_xlsx(tmp_path):
    path = tmp_path / "SIPRI-Milex-data-1949-2024.xlsx"
    path.write_text("Country,1949\nJapan,1.0\n")
    with pytest.raises(SipriFormatError, match="text/CSV"):
        read_sipri(path, cache=False)


def test_html_page_renamed_to_xlsx(tmp_path):
    path = tmp_path / "SIPRI-Milex-data-1949-2024.xlsx"
    path.write_text("<!DOCTYPE html><html><body>Please log in</body></html>")
    with pytest.raises(SipriFormatError, match="HTML page"):
        read_sipri(path, cache=False)


def test_truncated_workbook(tmp_path, book):
    data = book.read_bytes()
    path = tmp_path / "truncated.xlsx"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(SipriFormatError, match="damaged or truncated"):
        read_sipri(path, cache=False)


def test_workbook_that_is_not_sipris(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "Budget"
    wb.active["A1"] = "Hello"
    path = tmp_path / "other.xlsx"
    wb.save(path)
    with pytest.raises(SipriFormatError, match="not a SIPRI Military Expenditure workbook"):
        read_sipri(path, cache=False)


def test_missing_requested_sheet(tmp_path):
    path = make_sipri_workbook(tmp_path / "m.xlsx", sheets=["current_usd"])
    with pytest.raises(SipriFormatError, match=r"no sheet for \['share_gdp'\]"):
        read_sipri(path, sheets=["share_gdp"], cache=False)


def test_unknown_sheet_short_name(book):
    with pytest.raises(ValueError, match="unknown SIPRI sheet 'gdp'"):
        read_sipri(book, sheets="gdp")


def test_header_not_found(tmp_path):
    path = make_sipri_workbook(tmp_path / "h.xlsx", sheets=["current_usd"],
                               cell_overrides={("current_usd", 6, 1): "Land"})
    with pytest.raises(SipriFormatError, match=r"sheet 'Current US\$'.*no header row"):
        read_sipri(path, cache=False)


def test_no_path_and_no_env_tells_how_to_download(monkeypatch):
    monkeypatch.delenv("DEFBUDGET_SIPRI", raising=False)
    with pytest.raises(SipriWorkbookNotFoundError,
                       match=r"(?s)DEFBUDGET_SIPRI.*https://www.sipri.org/databases/milex"):
        read_sipri()


def test_env_var_folder_picks_the_newest_release(tmp_path, monkeypatch):
    make_sipri_workbook(tmp_path / "SIPRI-Milex-data-1949-2023.xlsx", edition=2024)
    make_sipri_workbook(tmp_path / "SIPRI-Milex-data-1949-2024.xlsx", edition=2025)
    newest = make_sipri_workbook(tmp_path / "SIPRI-Milex-data-1949-2024_2.xlsx", edition=2025)
    monkeypatch.setenv("DEFBUDGET_SIPRI", str(tmp_path))
    assert find_sipri_workbook() == newest
    df = _quiet_read(sheets=["current_usd"], cache=False)
    assert set(df["source"]) == {"sipri-milex-2025"}
    monkeypatch.setenv("DEFBUDGET_SIPRI", str(newest))
    assert find_sipri_workbook() == newest


def test_cache_copies_and_disk_layer(tmp_path, book):
    _cache.clear()
    first = _quiet_read(book, cache_dir=tmp_path / "cache")
    assert list((tmp_path / "cache").glob("*.npz"))
    first.loc[:, "country"] = "changed"
    _cache.clear()  # the disk layer answers now
    again = _quiet_read(book, cache_dir=tmp_path / "cache")
    assert "changed" not in set(again["country"])
    pd.testing.assert_frame_equal(again, _quiet_read(book, cache=False))


def test_generated_input_is_not_modified(book):
    before = (hashlib.sha256(book.read_bytes()).hexdigest(), book.stat().st_mtime_ns)
    _quiet_read(book, cache=False)
    assert before == (hashlib.sha256(book.read_bytes()).hexdigest(), book.stat().st_mtime_ns)


# --------------------------------------------------------------------------------------
# Lookup tables and style scanning
# --------------------------------------------------------------------------------------

def test_iso3_overrides_resolve_sipri_names():
    names = ["Korea, South", "Türkiye", "Congo, DR", "Kosovo", "Czechoslovakia", "German DR",
             "Yemen, North", "USSR", "Yugoslavia", "Eswatini", "Côte d'Ivoire", "Viet Nam",
             "Taiwan"]
    codes = iso3_codes(names)
    assert codes == {"Korea, South": "KOR", "Türkiye": "TUR", "Congo, DR": "COD",
                     "Kosovo": "XKX", "Czechoslovakia": None, "German DR": None,
                     "Yemen, North": None, "USSR": None, "Yugoslavia": None,
                     "Eswatini": "SWZ", "Côte d'Ivoire": "CIV", "Viet Nam": "VNM",
                     "Taiwan": "TWN"}
    assert all(v is None or len(v) == 3 for v in ISO3_OVERRIDES.values())
    assert iso3_codes(["Japan", "Germany"]) == {"Japan": "JPN", "Germany": "DEU"}


def test_currency_codes():
    assert currency_code("Yen       ", iso3="JPN", country="Japan") == "JPY"
    assert currency_code("Yuan", iso3="CHN", country="China") == "CNY"
    assert currency_code("Renminbi", iso3="CHN", country="China") == "CNY"
    assert currency_code("Won", iso3="KOR", country="Korea, South") == "KRW"
    assert currency_code("Won", iso3="PRK", country="Korea, North") == "KPW"
    assert currency_code("CFA Francs", iso3="CMR", country="Cameroon") == "XAF"
    assert currency_code("Roubles", iso3=None, country="USSR") == "SUR"
    from defbudget.schema import is_currency_unit

    assert all(is_currency_unit(c) for c in CURRENCY_BY_NAME.values())
    from defbudget.readers._countries import CURRENCY_BY_NAME_AND_COUNTRY, UnknownCurrencyError

    assert all(is_currency_unit(c) for m in CURRENCY_BY_NAME_AND_COUNTRY.values()
               for c in m.values())
    with pytest.raises(UnknownCurrencyError, match="Add the country"):
        currency_code("Dollars", iso3="XYZ", country="Nowhere")


def test_expat_scan_without_cell_references():
    xml = (b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
           b'<sheetData><row><c s="1"><v>1</v></c><c s="2"><v>2</v></c></row>'
           b'<row r="5"><c/><c s="2"><v>3</v></c></row></sheetData></worksheet>')
    assert _scan_expat(xml, {b"1": "estimate", b"2": "highly_uncertain"}) == {
        (0, 0): "estimate", (0, 1): "highly_uncertain", (4, 1): "highly_uncertain"}


def test_expat_scan_refuses_entities():
    xml = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>'
           b'<worksheet><sheetData/></worksheet>')
    with pytest.raises(ValueError, match="DTD"):
        _scan_expat(xml, {b"1": "estimate"})


@pytest.mark.parametrize("colour_mode", ["rgb", "indexed"])
def test_style_methods_agree_on_generated_books(tmp_path, colour_mode):
    path = make_sipri_workbook(tmp_path / "g.xlsx", colour_mode=colour_mode)
    names = [SHEET_TITLES[s].format(base=2022) for s in ("current_usd", "regional")]
    fast = read_font_flags(path, names, method="fast")
    assert fast == read_font_flags(path, names, method="expat")
    assert fast == read_font_flags(path, names, method="openpyxl")
    # Algeria 2021 (on a "..." marker) and 2022, Angola 2019 and 2023, Japan 2023,
    # United States 2023, Saudi Arabia 2019 and 2020
    assert len(fast["Current US$"]) == 8


def test_sheet_names_documented():
    assert set(SHEET_NAMES) == {"constant_usd", "current_usd", "lcu_fy", "lcu_cy",
                                "share_gdp", "per_capita", "share_govt", "regional"}


def test_us_dollar_sheets_default_to_millions_when_their_notes_name_no_unit():
    """SIPRI prints US$ m.; a sheet whose notes do not say so is still read in millions, and
    notes that say billions are honoured."""
    from defbudget.readers.sipri import SHEET_KINDS, _scale

    kinds = {k.short: k for k in SHEET_KINDS}
    for short in ("current_usd", "constant_usd"):
        assert _scale("Military expenditure by country", kinds[short]) == 1e6
        assert _scale("Figures are in US$ b.", kinds[short]) == 1e9
    assert _scale("Figures are in US $m.", kinds["lcu_fy"]) == 1.0  # local currency: as is


# --------------------------------------------------------------------------------------
# Units fixed at the source: derived from implied exchange rates in the raw cells
# --------------------------------------------------------------------------------------

def _raw_rates(path, countries) -> dict[str, dict[int, float]]:
    """Implied rate (local-currency cell / Current US$ cell x 1e6) per country and year, from
    the workbook read with calamine directly (not through read_sipri)."""
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(path))
    names = wb.sheet_names

    def table(prefix):
        rows = wb.get_sheet_by_name(next(n for n in names if n.startswith(prefix))).to_python()
        head = next(i for i, r in enumerate(rows) if r and str(r[0]).strip() == "Country")
        years = {j: int(v) for j, v in enumerate(rows[head])
                 if isinstance(v, float) and 1940 < v < 2100}
        out = {}
        for r in rows[head + 1:]:
            if r and str(r[0]).strip() in countries:
                out[str(r[0]).strip()] = {y: r[j] for j, y in years.items()
                                          if isinstance(r[j], float)}
        return out

    lcu, usd = table("Local currency calendar"), table("Current US$")
    # local currency per US$: the LCU sheets are in whole units, Current US$ in US$ m.
    return {c: {y: lcu[c][y] / (usd[c][y] * 1e6) for y in lcu[c]
                if y in usd.get(c, {}) and usd[c][y]} for c in countries}


@pytest.mark.sipri
def test_croatia_is_euro_and_sierra_leone_old_leones_where_the_rates_say_so(raw_dir):
    countries = ("Croatia", "Germany", "France", "Sierra Leone")
    latest_rates = _raw_rates(raw_file(raw_dir, SIPRI_RELEASES["1949-2024_2"]), countries)
    for name in sorted(SIPRI_RELEASES):
        path = raw_file(raw_dir, SIPRI_RELEASES[name])
        rates = _raw_rates(path, countries)
        years = [y for y in range(1999, 2024) if y in rates["Croatia"] and y in rates["Germany"]]
        assert len(years) >= 20
        euro = all(round(rates["Croatia"][y], 4) == round(rates["Germany"][y], 4)
                   == round(rates["France"][y], 4) for y in years)
        old_leones = rates["Sierra Leone"][2020] / latest_rates["Sierra Leone"][2020]
        assert euro  # all three releases: Croatia's "Kunas" are euros
        assert old_leones == pytest.approx(1000 if EDITIONS[name] == 2024 else 1, rel=1e-3)
        df = _quiet_read(path, sheets=["lcu_cy", "lcu_fy"], cache=False)
        assert set(df.loc[df["iso3"] == "HRV", "unit"]) == {"EUR" if euro else "HRK"}
        sle = set(df.loc[df["iso3"] == "SLE", "unit"])
        assert sle == {"SLL" if round(old_leones) == 1000 else "SLE"}
        assert df.loc[df["iso3"] == "HRV", "currency_name"].unique().tolist() == ["Kunas"]
        assert df.loc[df["iso3"] == "HRV", "note"].str.contains("unit EUR").all()

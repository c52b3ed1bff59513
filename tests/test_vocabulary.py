"""One vocabulary: the words the kit prints live in defbudget.vocabulary, and the places that
used to keep their own copies (and drifted apart) now print the same thing."""

from __future__ import annotations

import inspect
import warnings

import matplotlib.pyplot as plt
import pandas as pd
import pytest

import defbudget as db
from defbudget import fiscal, formatting, official, schema, tables, vocabulary
from defbudget.errors import DefbudgetFutureWarning
from defbudget.plot import _names, source_line
from defbudget.schema import BasisMismatchError, coerce

# --- the vocabulary, pinned -------------------------------------------------------------

@pytest.mark.parametrize(("iso3", "first", "month", "label"), [
    ("JPN", 2025, 4, "FY2025"),   # April 2025 to March 2026
    ("USA", 2024, 10, "FY2025"),  # October 2024 to September 2025, named by its end
    ("AUS", 2025, 7, "2025–26"),  # July 2025 to June 2026 (Budget Papers)
    ("IND", 2025, 4, "2025–26"),  # April 2025 to March 2026 (Union Budget)
    ("IND", 1999, 4, "1999–00"),
    ("CHN", 2025, 1, "2025"),     # calendar year
    (None, 2025, 4, "FY2025"),
])
def test_fiscal_year_labels_are_the_governments_own(iso3, first, month, label):
    assert vocabulary.fiscal_year_label(iso3, first, month) == label


def test_runs_of_fiscal_years():
    assert vocabulary.fiscal_years_label("JPN", 2019, 2021, 4) == "FY2019–2021"
    assert vocabulary.fiscal_years_label("AUS", 2019, 2021, 7) == "2019–20 to 2021–22"
    assert vocabulary.fiscal_years_label("USA", 2019, 2020, 10) == "FY2020–2021"
    assert vocabulary.fiscal_years_label("KOR", 2019, 2021, 1) == "2019–2021"


def test_currency_words():
    assert dict(vocabulary.CURRENCY_SYMBOLS) == {
        "JPY": "¥", "USD": "$", "EUR": "€", "GBP": "£", "CNY": "CN¥", "INR": "₹", "KRW": "₩",
        "AUD": "A$", "CAD": "C$", "TWD": "NT$"}
    assert vocabulary.CURRENCY_NAMES["JPY"] == "yen"
    assert vocabulary.CURRENCY_NAMES["USD"] == "US$"
    assert vocabulary.CURRENCY_COUNTRY["GBP"] == "GBR"
    assert vocabulary.COUNTRY_CURRENCY["TWN"] == "TWD"
    assert "EUR" not in vocabulary.CURRENCY_COUNTRY  # shared by many countries
    for code, country in vocabulary.CURRENCY_COUNTRY.items():
        assert vocabulary.COUNTRY_CURRENCY[country] == code


def test_every_stage_and_flag_has_a_meaning():
    assert set(vocabulary.STAGE_MEANINGS) == set(vocabulary.STAGES)
    assert set(vocabulary.FLAG_MEANINGS) == set(vocabulary.FLAGS)
    assert set(vocabulary.PROVISIONAL_STAGES) <= set(vocabulary.STAGES)
    assert set(vocabulary.PROVISIONAL_FLAGS) <= set(vocabulary.FLAGS)
    assert set(vocabulary.STAGE_PRIORITY) <= set(vocabulary.STAGES)
    assert "enacted" not in vocabulary.PROVISIONAL_STAGES  # never drawn as provisional
    assert vocabulary.STAGE_NAMES_JAPAN["draft"] == "cabinet draft"
    assert vocabulary.STAGE_NAMES["draft"] == "draft budget"


def test_titles():
    assert vocabulary.measure_title("defense_budget") == "Defence budget (national definition)"
    assert vocabulary.measure_title("defense_budget", chart=True) == "Defence budget"
    assert vocabulary.measure_title("naval_budget") == "Naval budget"
    # the chart titles differ from the table titles in that one entry only
    differ = {k for k in vocabulary.MEASURE_TITLES
              if vocabulary.MEASURE_TITLES[k] != vocabulary.CHART_MEASURE_TITLES[k]}
    assert differ == {"defense_budget"}


def test_licence_text():
    entry = {"license": {"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0",
                         "path": "https://creativecommons.org/licenses/by/4.0/"}}
    assert vocabulary.licence_text(entry) == (
        "Creative Commons Attribution 4.0 (https://creativecommons.org/licenses/by/4.0/)")
    assert vocabulary.licence_text(entry, links=False) == "Creative Commons Attribution 4.0"
    two = {"licenses": [{"name": "MIT"}, {"title": "ODbL", "path": "https://odbl.example"}]}
    assert vocabulary.licence_text(two) == "MIT; ODbL (https://odbl.example)"
    assert vocabulary.licence_text({}) == "not stated"


# --- one copy: the old names are the vocabulary's objects -----------------------------------

def test_old_names_are_the_vocabulary():
    assert formatting.CURRENCY_SYMBOLS is vocabulary.CURRENCY_SYMBOLS
    assert schema.STAGES is vocabulary.STAGES and schema.FLAGS is vocabulary.FLAGS
    assert fiscal.FY_YEAR_IS is vocabulary.FY_YEAR_IS
    assert official.STAGE_PRIORITY is vocabulary.STAGE_PRIORITY
    assert _names.MEASURE_NAMES is vocabulary.CHART_MEASURE_TITLES
    assert _names.BASIS_NAMES is vocabulary.BASIS_NAMES
    assert tables.VALUE_MARKS is vocabulary.VALUE_MARKS


# --- drift fixed: the same fiscal year reads the same everywhere ---------------------------

def _draft(iso3: str, country: str, year: int, month: int, year_is: str = "start",
           unit: str = "AUD") -> pd.DataFrame:
    return coerce(pd.DataFrame({
        "country": country, "iso3": iso3, "year": [year], "period": "FY",
        "fy_start_month": month, "fy_year_is": year_is, "measure": "defense_budget",
        "basis": "national", "value": [5.5e10], "unit": unit, "price_basis": "current",
        "stage": "draft", "source": "example"}))


def test_australian_year_reads_the_same_in_source_line_show_and_reconcile():
    frame = _draft("AUS", "Australia", 2022, 7)
    assert "2022–23: draft budget (not yet enacted)" in source_line(frame)
    assert db.show(frame, ["year"])["year"].tolist() == ["2022–23"]
    table = db.reconcile(country="AUS")
    row = table[table["year"] == 2022].iloc[0]
    assert row["budget"] == "Australia 2022–23 budget proposal"
    assert db.show(table[table["year"] == 2022], ["year"])["year"].iloc[0] == "2022–23"


def test_us_year_held_by_its_start_reads_as_the_us_names_it():
    # a start-labelled row of US FY2025 (October 2024 to September 2025)
    frame = _draft("USA", "United States", 2024, 10, unit="USD")
    assert "FY2025: draft budget" in source_line(frame)
    assert "FY2024" not in source_line(frame)
    # the period phrase says how the frame's (start) year maps to the US name
    assert ("fiscal years Oct–Sep, held by the year they start (2025 = FY2026 = "
            "Oct 2025–Sep 2026)") in source_line(frame)
    assert db.show(frame, ["year"])["year"].tolist() == ["FY2025"]
    ends = _draft("USA", "United States", 2025, 10, year_is="end", unit="USD")
    assert db.show(ends, ["year"])["year"].tolist() == ["FY2025"]
    assert "FY2025: draft budget" in source_line(ends)
    assert "labelled by the year they end (FY2025 = Oct 2024–Sep 2025)" in source_line(ends)


def test_japanese_year_unchanged_everywhere():
    frame = _draft("JPN", "Japan", 2025, 4, unit="JPY")
    assert "FY2025: draft budget" in source_line(frame)
    assert db.show(frame, ["year"])["year"].tolist() == ["FY2025"]
    table = db.reconcile(country="JPN")
    assert table["budget"].str.match(r"Japan FY\d{4} ").all()
    years = db.show(table, ["year"])["year"]
    assert (years == "FY" + table["year"].astype(str)).all()


def test_reconcile_chart_names_the_year_as_the_budget_does():
    table = db.reconcile(country="AUS")
    budget = table.loc[table["year"] == 2022, "budget"].iloc[0]
    fig, ax = plt.subplots()
    db.plot.reconciliation_dots(table, budget=budget, ax=ax)
    labels = ax.get_legend_handles_labels()[1]
    assert any(lab.startswith("Converted at the 2022–23 average rate") for lab in labels)
    assert not any("FY2022" in lab for lab in labels)
    text = db.plot.get_source_text(ax)
    assert "fiscal years Jul–Jun (2025–26 = Jul 2025–Jun 2026)" in text.replace("\n", " ")
    plt.close(fig)


def test_constant_prices_refuse_a_currency_of_another_country():
    # before, only USD and JPY were known to prices; pounds deflated by US CPI went through
    gbp = coerce(pd.DataFrame({
        "country": "United Kingdom", "iso3": "GBR", "year": [2020, 2021], "period": "CY",
        "fy_start_month": 1, "measure": "milex", "basis": "sipri", "value": [4.5e10, 4.6e10],
        "unit": "GBP", "price_basis": "current", "source": "example"}))
    with pytest.raises(BasisMismatchError, match="GBP"):
        db.prices.to_constant(gbp, base_year=2020, index="us_cpi_u")


def test_cite_prints_the_licence_as_the_excel_sources_sheet_does():
    text = db.cite("gmsd_burden").splitlines()[0]
    assert text.endswith("Licence: Creative Commons Attribution 4.0 "
                         "(https://creativecommons.org/licenses/by/4.0/).")
    bib = db.cite("gmsd_burden", style="bibtex")
    assert "note = {Licence: Creative Commons Attribution 4.0}" in bib


# --- chart keywords: data first, the old names for one release -----------------------------

def _reconcile_table() -> pd.DataFrame:
    return pd.DataFrame({"budget": "Japan FY2025 cabinet draft", "year": 2025,
                         "outlet": ["Reuters", "Blog"], "published": "2024-12-27",
                         "reported_usd": [55.1e9, 80e9], "local_amount": 8.7005e12,
                         "local_unit": "JPY", "implied_rate": [157.9, 108.8],
                         "supported": [True, False], "source": "press"})


def _revisions() -> pd.DataFrame:
    return pd.DataFrame({
        "sheet": "current_usd", "country": "Japan", "iso3": "JPN", "year": [2021, 2022, 2023],
        "old_value": [50.96e9, 46.88e9, 50.16e9], "new_value": [53.60e9, 43.20e9, 48.19e9],
        "rel_change": [0.052, -0.079, -0.039], "change": ["unchanged", "revised", "revised"],
        "new_flag": None, "unit": "USD", "price_basis": "current", "period": "CY",
        "fy_start_month": 1, "old_release": "SIPRI 2024", "new_release": "SIPRI 2025",
        "old_source": "sipri-milex-2024", "new_source": "sipri-milex-2025"})


@pytest.mark.parametrize(("func", "old", "frame", "extra"), [
    ("reconciliation_dots", "table", _reconcile_table, {}),
    ("revision_dots", "revisions", _revisions, {}),
    ("revision_lines", "revisions", _revisions, {"countries": "JPN"}),
])
def test_charts_take_data_and_the_old_keyword_still_works(func, old, frame, extra):
    chart = getattr(db.plot, func)
    assert next(iter(inspect.signature(chart).parameters)) == "data"
    axes = [plt.subplots(figsize=(9, 5))[1] for _ in range(3)]
    with warnings.catch_warnings():
        warnings.simplefilter("error", DefbudgetFutureWarning)  # the new name warns of nothing
        chart(frame(), ax=axes[0], **extra)
        chart(data=frame(), ax=axes[1], **extra)
    with pytest.warns(DefbudgetFutureWarning, match=f"{old}= is now data="):
        chart(**{old: frame()}, ax=axes[2], **extra)
    first = axes[0]
    for ax in axes[1:]:
        assert [t.get_text() for t in ax.get_yticklabels()] == \
            [t.get_text() for t in first.get_yticklabels()]
        assert [line.get_gid() for line in ax.lines] == [line.get_gid() for line in first.lines]
        assert ax.get_title() == first.get_title()
    plt.close("all")


def test_period_phrase_gives_the_example_year_as_the_country_writes_it():
    frame = _draft("AUS", "Australia", 2022, 7)
    assert "fiscal years Jul–Jun (2025–26 = Jul 2025–Jun 2026)" in source_line(frame)
    japan = _draft("JPN", "Japan", 2022, 4, unit="JPY")
    assert "fiscal years Apr–Mar (FY2025 = Apr 2025–Mar 2026)" in source_line(japan)


def test_sipri_sheets_have_one_title_and_one_count_word_each():
    from defbudget import revisions

    assert list(vocabulary.SIPRI_SHEET_TITLES) == list(vocabulary.SIPRI_SHEET_VALUES)
    assert revisions.SHEETS is vocabulary.SIPRI_SHEET_VALUES
    assert vocabulary.SIPRI_SHEET_VALUES["current_usd"] == "current-US$ values"
    assert vocabulary.SIPRI_SHEET_TITLES["share_gdp"] == "military expenditure as a share of GDP"


@pytest.mark.parametrize(("unit", "name"), [("GBP", "pounds sterling"), ("KRW", "won"),
                                            ("CNY", "yuan"), ("JPY", "yen")])
def test_axis_label_and_source_line_name_a_currency_alike(unit, name):
    # before, the axis said "pounds" and "KRW" where the source line said "pounds sterling"
    # and "won"
    frame = _draft("KOR", "Korea", 2022, 1, unit=unit).assign(period="CY")
    assert formatting.unit_label(unit) == f"{name}, current prices"
    assert f"Current {name} (not adjusted for inflation)" in source_line(frame)
    fig, ax = plt.subplots()
    db.plot.trend(frame, ax=ax)
    assert ax.get_ylabel().lower().startswith(name.lower())
    plt.close(fig)


def test_chart_titles_and_ticks_name_the_year_as_the_source_line_does():
    rows = pd.concat([_draft("AUS", "Australia", y, 7).assign(stage="enacted")
                      for y in (2014, 2024)], ignore_index=True)
    fig, (a, b, d) = plt.subplots(1, 3, figsize=(15, 5))
    db.plot.slope(rows, start=2014, end=2024, ax=a)
    assert [t.get_text() for t in a.get_xticklabels()] == ["2014–15", "2024–25"]
    assert "2014–15 and 2024–25" in a.get_title(loc="left").replace("\n", " ")
    db.plot.ranking_bars(rows, year=2024, ax=b, countries_only=False)
    assert b.get_title(loc="left").replace("\n", " ").endswith(", 2024–25")
    db.plot.indexed_growth(rows, index_year=2014, ax=d)
    assert "Index, 2014–15 = 100" in d.get_ylabel()
    plt.close(fig)


# --- no new copies ----------------------------------------------------------------------

#: Text that only the vocabulary should hold: a dict entry of each of its tables.
_SIGNATURES = ('"JPY": "¥"', '"JPY": "yen"', '"JPY": "JPN"', '"JPN": "JPY"',
               '"highly_uncertain": "A highly', '"draft": "cabinet draft"', '"AUS": "split"',
               '"USA": "end"', '"current_usd": "military expenditure',
               '"milex": "Military expenditure', '"request": "budget request"',
               '"GBP": "pounds', 'f"FY{year}/')
#: Copies the vocabulary may not have: none is left (excel, compare and cli import it too).
KNOWN_COPIES: set[tuple[str, str]] = set()


def test_the_vocabulary_is_written_once():
    import pathlib

    src = pathlib.Path(vocabulary.__file__).parent
    found = set()
    for path in src.rglob("*.py"):
        if path.name == "vocabulary.py":
            continue
        text = path.read_text(encoding="utf-8")
        found |= {(path.name, sig) for sig in _SIGNATURES if sig in text}
    assert found <= KNOWN_COPIES, f"copies of the vocabulary: {sorted(found - KNOWN_COPIES)}"


def test_every_basis_of_the_shipped_budgets_has_a_display_name():
    from defbudget.datasets import load
    from defbudget.vocabulary import BASIS_NAMES

    bases = set()
    for name in ("japan_mod_budget", "official_budgets", "gmsd_burden"):  # charts name them
        bases |= set(load(name)["basis"].dropna())
    assert bases - set(BASIS_NAMES) == set()
    assert BASIS_NAMES["kor_mnd_budget"] == "Ministry of National Defense budget"

"""The kit's words, written once: every module that prints or matches them imports them here.

What a series is (:data:`SERIES_KEYS`), how a government names its fiscal year
(:func:`fiscal_year_label`), what a currency is called and printed as (:data:`CURRENCY_NAMES`,
:data:`CURRENCY_SYMBOLS`) and which country uses it (:data:`CURRENCY_COUNTRY`), the titles of
measures and bases, what each ``stage`` and ``flag`` value means, and how a source's licence
is written (:func:`licence_text`). Charts, tables, the Excel export, the report and the
reconciliation all print these words, so a fiscal year, a currency or a draft budget reads the
same everywhere.

This module imports nothing else from the kit, so every layer may import it.

Examples
--------
>>> from defbudget import vocabulary as vocab
>>> vocab.fiscal_year_label("JPN", 2025, 4), vocab.fiscal_year_label("AUS", 2025, 7)
('FY2025', '2025–26')
>>> vocab.fiscal_year_label("USA", 2024, 10)  # October 2024 to September 2025
'FY2025'
>>> vocab.CURRENCY_SYMBOLS["JPY"], vocab.CURRENCY_NAMES["JPY"], vocab.CURRENCY_COUNTRY["JPY"]
('¥', 'yen', 'JPN')
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

__all__ = [
    "BASIS_NAMES",
    "CHART_MEASURE_TITLES",
    "COUNTRY_CURRENCY",
    "CURRENCY_COUNTRY",
    "CURRENCY_NAMES",
    "CURRENCY_SYMBOLS",
    "FLAGS",
    "FLAG_MEANINGS",
    "FY_LABEL_STYLE",
    "FY_YEAR_IS",
    "LICENCE_NOT_STATED",
    "MEASURE_TITLES",
    "PROVISIONAL_FLAGS",
    "PROVISIONAL_STAGES",
    "SERIES_KEYS",
    "SHORT_BASIS_NAMES",
    "SIPRI_SHEET_TITLES",
    "SIPRI_SHEET_VALUES",
    "STAGES",
    "STAGE_MEANINGS",
    "STAGE_NAMES",
    "STAGE_NAMES_JAPAN",
    "STAGE_PRIORITY",
    "VALUE_MARKS",
    "basis_name",
    "fiscal_year_label",
    "fiscal_years_label",
    "licence_text",
    "measure_title",
    "period_label",
]

# ----------------------------------------------------------------------------------------
# Series
# ----------------------------------------------------------------------------------------

#: Columns that identify one series: everything but the year, the value and the stage/source
#: (which may change between a series' years: SIPRI's newest year is an estimate, a budget is
#: drafted then enacted). A ``vintage`` column, when a frame has one, identifies it too.
SERIES_KEYS = ("country", "iso3", "measure", "basis", "unit", "price_basis", "base_year",
               "period", "fy_start_month")

# ----------------------------------------------------------------------------------------
# Fiscal years
# ----------------------------------------------------------------------------------------

#: Which calendar year a government's own fiscal-year name gives: ``"end"`` where the name is
#: the year the fiscal year ends in (the US: FY2025 = October 2024 to September 2025, 31 U.S.C.
#: § 1102), ``"start"`` elsewhere (Japan's FY2025 starts in April 2025; Australia's and India's
#: "2025–26" start in July and April 2025).
FY_YEAR_IS: Mapping[str, str] = MappingProxyType({"USA": "end"})

#: How a government writes a fiscal year that is not a calendar year: ``"split"`` for
#: "2025–26" (Australia's Budget Papers, India's Union Budget, New Zealand, the United Kingdom,
#: Pakistan), ``"fy"`` for "FY2025" (Japan, the United States, and the default). Calendar
#: years are written "2025".
FY_LABEL_STYLE: Mapping[str, str] = MappingProxyType(
    {"AUS": "split", "IND": "split", "NZL": "split", "GBR": "split", "PAK": "split"})


def _code(iso3: object) -> str:
    return iso3.upper() if isinstance(iso3, str) else ""


def fiscal_year_label(iso3: str | None, first_year: int, fy_start_month: int) -> str:
    """The government's own name of the fiscal year that starts in *first_year*.

    Parameters
    ----------
    iso3
        Country (ISO 3166-1 alpha-3), or None: decides the style (:data:`FY_LABEL_STYLE`) and
        whether the name is the start or the end year (:data:`FY_YEAR_IS`).
    first_year
        The calendar year the fiscal year starts in.
    fy_start_month
        Its first month (1–12); 1 means a calendar year, written "2025".

    Examples
    --------
    >>> fiscal_year_label("JPN", 2025, 4), fiscal_year_label("IND", 2025, 4)
    ('FY2025', '2025–26')
    >>> fiscal_year_label("USA", 2024, 10), fiscal_year_label("CHN", 2025, 1)
    ('FY2025', '2025')
    >>> fiscal_year_label(None, 2025, 4)
    'FY2025'
    """
    first = int(first_year)
    if int(fy_start_month) == 1:
        return f"{first}"
    code = _code(iso3)
    if FY_LABEL_STYLE.get(code, "fy") == "split":
        return f"{first}–{(first + 1) % 100:02d}"
    return f"FY{first + 1 if FY_YEAR_IS.get(code, 'start') == 'end' else first}"


def fiscal_years_label(iso3: str | None, first: int, last: int, fy_start_month: int) -> str:
    """A run of fiscal years (given by their start years) as the government writes them.

    Examples
    --------
    >>> fiscal_years_label("JPN", 2019, 2021, 4), fiscal_years_label("AUS", 2019, 2021, 7)
    ('FY2019–2021', '2019–20 to 2021–22')
    >>> fiscal_years_label("USA", 2019, 2019, 10), fiscal_years_label("CHN", 2019, 2021, 1)
    ('FY2020', '2019–2021')
    """
    head = fiscal_year_label(iso3, first, fy_start_month)
    if int(first) == int(last):
        return head
    tail = fiscal_year_label(iso3, last, fy_start_month)
    if head.startswith("FY") or int(fy_start_month) == 1:
        return f"{head}–{tail.removeprefix('FY')}"
    return f"{head} to {tail}"


def period_label(year: int, period: str) -> str:
    """A year of a frame whose country is not known: "FY2025" for a fiscal year, else "2025".

    Examples
    --------
    >>> period_label(2025, "FY"), period_label(2025, "CY")
    ('FY2025', '2025')
    """
    return f"FY{int(year)}" if period == "FY" else f"{int(year)}"


# ----------------------------------------------------------------------------------------
# Currencies
# ----------------------------------------------------------------------------------------

#: Symbol printed before an amount in a currency; codes not listed print as "KRW 1.2T".
CURRENCY_SYMBOLS: Mapping[str, str] = MappingProxyType(
    {"JPY": "¥", "USD": "$", "EUR": "€", "GBP": "£", "CNY": "CN¥", "INR": "₹", "KRW": "₩",
     "AUD": "A$", "CAD": "C$", "TWD": "NT$"})

#: A currency's name in running text ("constant 2023 US$", "current yen"); codes not listed
#: print as the code.
CURRENCY_NAMES: Mapping[str, str] = MappingProxyType(
    {"JPY": "yen", "USD": "US$", "EUR": "euro", "GBP": "pounds sterling", "CNY": "yuan",
     "KRW": "won", "INR": "rupees", "AUD": "A$", "TWD": "NT$"})

#: The one country using a currency (ISO 4217 -> ISO 3166-1 alpha-3), for currencies of a
#: single country: its fiscal year and its price indices belong to that country. The euro
#: and other shared currencies are not listed.
CURRENCY_COUNTRY: Mapping[str, str] = MappingProxyType(
    {"JPY": "JPN", "USD": "USA", "GBP": "GBR", "INR": "IND", "AUD": "AUS", "CAD": "CAN",
     "KRW": "KOR", "CNY": "CHN", "TWD": "TWN", "ZAR": "ZAF", "SGD": "SGP", "NZD": "NZL",
     "THB": "THA"})

#: A country's currency (the inverse of :data:`CURRENCY_COUNTRY`).
COUNTRY_CURRENCY: Mapping[str, str] = MappingProxyType(
    {country: code for code, country in CURRENCY_COUNTRY.items()})

# ----------------------------------------------------------------------------------------
# Measures and bases
# ----------------------------------------------------------------------------------------

#: Title of each measure (a data sheet's or a table's heading).
MEASURE_TITLES: Mapping[str, str] = MappingProxyType({
    "defense_budget": "Defence budget (national definition)",
    "defense_budget_component": "Defence budget component",
    "milex": "Military expenditure (SIPRI definition)",
    "milex_share_gdp": "Military expenditure as a share of GDP",
    "milex_per_capita": "Military expenditure per person",
    "milex_share_govt": "Military expenditure as a share of government spending",
    "gdp": "Gross domestic product, nominal",
    "gdp_real": "Gross domestic product, real",
    "gdp_deflator": "GDP deflator",
    "price_index": "Price index",
    "exchange_rate": "Exchange rate",
    "reported_figure": "Reported figure",
    "defense_and_related_share_gdp": "Defence and related spending as a share of GDP",
    "defense_budget_share_gdp": "MOD budget as a share of GDP",
})

#: The same titles on a chart, where the basis follows in brackets and says which definition:
#: only the national budget's title is shorter.
CHART_MEASURE_TITLES: Mapping[str, str] = MappingProxyType(
    {**MEASURE_TITLES, "defense_budget": "Defence budget"})


def measure_title(measure: str, *, chart: bool = False) -> str:
    """Title of a measure id; an unknown id is written out ("my measure" -> "My measure").

    Examples
    --------
    >>> measure_title("milex_share_gdp"), measure_title("defense_budget", chart=True)
    ('Military expenditure as a share of GDP', 'Defence budget')
    >>> measure_title("naval_budget")
    'Naval budget'
    """
    titles = CHART_MEASURE_TITLES if chart else MEASURE_TITLES
    return titles.get(measure, measure.replace("_", " ").capitalize())


#: Display names of the ``basis`` ids of the shipped data.
BASIS_NAMES: Mapping[str, str] = MappingProxyType({
    "mod_excl_saco_realignment": "MOD, excl. SACO, US realignment and other items",
    "mod_incl_saco_realignment": "MOD, incl. SACO, US realignment and other items",
    "saco": "SACO (Okinawa) costs",
    "us_realignment_local_burden": "US forces realignment (local burden)",
    "new_govt_aircraft": "New government aircraft",
    "national_resilience": "National resilience measures",
    "saco_and_us_realignment_local_burden": "SACO and US realignment (not split)",
    "other_not_itemised": "Other items in the total, not itemised by the source",
    "total_no_breakdown": "Total (breakdown not available)",
    "sipri": "SIPRI definition",
    "gmsd_latent_mean": "GMSD latent-model mean",
    # official_budgets (each basis defined in data/OFFICIAL_BUDGETS_NOTES.md)
    "chn_mof_national_defence": "national defence, central budget (MOF)",
    "chn_mof_national_defence_all_levels": "national defence, central and local (MOF)",
    "kor_mnd_budget": "Ministry of National Defense budget",
    "twn_mnd_budget": "MND annual budget, without special budgets",
    "twn_total_defence_budget": "total defence budget (MND, special budgets, fund)",
    "twn_total_defence_budget_excl_cg_veterans": "total defence budget, pre-2026 scope",
    "aus_defence_portfolio_funding": "Defence portfolio funding (PBS)",
    "aus_defence_department_funding_excl_own_source": "Department of Defence funding "
                                                      "from government",
    "aus_defence_unspecified_press": "defence, basis not stated (press)",
    "ind_mod_be_incl_pensions": "MoD budget estimate, incl. pensions",
    "ind_mod_be_excl_pensions": "MoD budget estimate, excl. pensions",
    "ind_defence_services_be": "Defence Services budget estimate",
    "usa_dod_051_discretionary_ba": "DoD (051) discretionary budget authority",
    "usa_dod_051_total_ba": "DoD (051) total budget authority",
    "usa_dod_base_discretionary_ba": "DoD base discretionary budget authority (no OCO)",
    "usa_dod_appropriations_act_discretionary": "DoD Appropriations Act, discretionary",
    "usa_national_defense_050_discretionary_ba": "national defense (050) discretionary "
                                                 "budget authority",
    "usa_national_defense_050_total_ba": "national defense (050) total budget authority",
    "usa_national_defense_050_base_discretionary_ba": "national defense (050) base "
                                                      "discretionary budget authority",
})

#: Short names where space is tight (notes in a chart's source line).
SHORT_BASIS_NAMES: Mapping[str, str] = MappingProxyType(
    {"mod_excl_saco_realignment": "excl. basis", "mod_incl_saco_realignment": "incl. basis"})


def basis_name(basis: str) -> str:
    """Display name of a basis id, e.g. 'MOD, incl. SACO, US realignment and other items'.

    Examples
    --------
    >>> basis_name("saco"), basis_name("army_only")
    ('SACO (Okinawa) costs', 'army only')
    """
    return BASIS_NAMES.get(basis, basis.replace("_", " "))


#: The sheets of the SIPRI workbook by their short names (``read_sipri(sheets=...)``): what
#: each measures, as a chart title says it.
SIPRI_SHEET_TITLES: Mapping[str, str] = MappingProxyType({
    "current_usd": "military expenditure, current US$",
    "constant_usd": "military expenditure, constant US$",
    "lcu_fy": "military expenditure, local currency (financial years)",
    "lcu_cy": "military expenditure, local currency",
    "share_gdp": "military expenditure as a share of GDP",
    "per_capita": "military expenditure per person, current US$",
    "share_govt": "military expenditure as a share of government spending",
    "regional": "regional totals",
})

#: The same sheets' values as a sentence counts them ("revised 156 current-US$ values"), in
#: the workbook's order.
SIPRI_SHEET_VALUES: Mapping[str, str] = MappingProxyType({
    "current_usd": "current-US$ values",
    "constant_usd": "constant-US$ values",
    "lcu_fy": "local-currency (financial-year) values",
    "lcu_cy": "local-currency (calendar-year) values",
    "share_gdp": "shares of GDP",
    "per_capita": "per-capita values",
    "share_govt": "shares of government spending",
    "regional": "regional totals",
})

# ----------------------------------------------------------------------------------------
# Stages and flags
# ----------------------------------------------------------------------------------------

#: Budget stages, plus the stages of a procurement figure (a sale notified to Congress,
#: an agreement signed, a programme cost projected) used by the reported-figures ledger.
STAGES = ("request", "draft", "proposal", "enacted", "revised", "supplementary", "actual",
          "estimate", "notification", "agreement", "projection")

#: Quality flags a source (or the kit) sets on a value.
FLAGS = ("estimate", "highly_uncertain", "unavailable", "not_independent", "derived",
         "transcribed", "outlier")

#: What each budget stage means (the Excel Notes sheet prints these).
STAGE_MEANINGS: Mapping[str, str] = MappingProxyType({
    "request": "Budget request (e.g. a ministry's request to the finance ministry), not enacted.",
    "draft": "Government draft budget (Japan: approved by Cabinet in December), not yet "
             "passed by the legislature.",
    "proposal": "Budget as the government presents it to the legislature, not yet passed.",
    "enacted": "Initial budget as enacted by the legislature.",
    "revised": "A later estimate of the same year's budget (e.g. a year on).",
    "supplementary": "Supplementary budget, on top of the initial budget.",
    "actual": "Outturn: what was actually spent.",
    "estimate": "Estimate of spending by the source.",
    "notification": "A sale notified to the legislature (procurement figure).",
    "agreement": "A signed agreement (procurement figure).",
    "projection": "A projected programme cost (procurement figure).",
})

#: What each quality flag means (the Excel Notes sheet prints these).
FLAG_MEANINGS: Mapping[str, str] = MappingProxyType({
    "estimate": "An estimate, not a published figure (SIPRI prints its estimates in blue).",
    "highly_uncertain": "A highly uncertain figure (SIPRI prints these in red).",
    "unavailable": "No figure is available from the source for this period; the cell is blank.",
    "not_independent": "The country did not exist or was not independent in this period.",
    "derived": "Computed by defbudget from published figures (e.g. a total from its parts).",
    "transcribed": "Transcribed from a PDF or printed table; check against the original.",
    "outlier": "A known, documented outlier that is kept on purpose.",
})

#: A stage in running text ("Australia 2025–26 budget proposal").
STAGE_NAMES: Mapping[str, str] = MappingProxyType({
    "request": "budget request", "draft": "draft budget", "proposal": "budget proposal",
    "enacted": "enacted budget", "revised": "revised estimate",
    "supplementary": "supplementary budget", "actual": "actual spending",
    "estimate": "estimate"})

#: Japan's own names of its stages: the Cabinet's December draft, the initial budget the Diet
#: enacts (JAPAN_MOD_BUDGET_NOTES.md).
STAGE_NAMES_JAPAN: Mapping[str, str] = MappingProxyType(
    {**STAGE_NAMES, "draft": "cabinet draft", "enacted": "initial budget"})

#: Stages whose values are not final, as a chart's source line explains them (drawn hollow).
PROVISIONAL_STAGES: Mapping[str, str] = MappingProxyType({
    "request": "budget request", "draft": "draft budget (not yet enacted)",
    "proposal": "budget proposal (not yet passed)", "estimate": "estimate"})

#: Flags whose values are not final, as a chart explains them.
PROVISIONAL_FLAGS: Mapping[str, str] = MappingProxyType(
    {"estimate": "estimate", "highly_uncertain": "highly uncertain estimate"})

#: Stages and flags a displayed value is marked with, in brackets after it ("¥8.81T (draft)").
VALUE_MARKS: Mapping[str, str] = MappingProxyType({
    "request": "request", "draft": "draft", "estimate": "estimate",
    "highly_uncertain": "highly uncertain", "unavailable": "unavailable",
    "not_independent": "not independent"})

#: Which stage's figure is a year's headline when several are published, most final first.
STAGE_PRIORITY = ("enacted", "proposal", "draft", "request", "revised")

# ----------------------------------------------------------------------------------------
# Licences
# ----------------------------------------------------------------------------------------

#: Printed where a source records no licence.
LICENCE_NOT_STATED = "not stated"


def licence_text(entry: Mapping, *, links: bool = True) -> str:
    """The licence(s) of a Data Package source or resource entry, as one line of text.

    Each licence is its ``title`` (else its ``name``), followed by its ``path`` in brackets
    when *links* is true; several are joined with "; ". :data:`LICENCE_NOT_STATED` when the
    entry has none.

    Examples
    --------
    >>> licence_text({"license": {"name": "CC-BY-4.0", "title": "Creative Commons "
    ...     "Attribution 4.0", "path": "https://creativecommons.org/licenses/by/4.0/"}})
    'Creative Commons Attribution 4.0 (https://creativecommons.org/licenses/by/4.0/)'
    >>> licence_text({"licenses": [{"name": "MIT"}, "ODbL-1.0"]}, links=False)
    'MIT; ODbL-1.0'
    >>> licence_text({})
    'not stated'
    """
    lic = entry.get("license") or entry.get("licenses") or entry.get("licence")
    if isinstance(lic, str | Mapping):
        lic = [lic]
    parts = []
    for item in lic or []:
        if isinstance(item, Mapping):
            text = str(item.get("title") or item.get("name") or "")
            path = item.get("path")
            if links and path:
                text = f"{text} ({path})" if text else str(path)
            parts.append(text)
        else:
            parts.append(str(item))
    return "; ".join(p for p in parts if p) or LICENCE_NOT_STATED

"""Write the teaching notebooks in ``notebooks/`` (without outputs).

The committed ``.ipynb`` files are what users open; this script is how they are made, so
that their code stays reviewable. Run ``python scripts/make_notebooks.py`` and commit the
result; ``tests/test_notebooks.py`` executes every notebook and checks none holds outputs.

Rule for the narrative: markdown never states a figure. Every number is computed by the
package in a code cell and printed with its citation.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "notebooks"
sys.path.insert(0, str(ROOT / "src"))


def md(text: str):
    return new_markdown_cell(text.strip("\n"))


def code(text: str):
    return new_code_cell(text.strip("\n"))


# The first code cell of every notebook: the imports (pruned to the names each notebook uses,
# see _setup_cell) and display options. Blocks of (module, names bound from it), isort's order.
SETUP_IMPORTS = [
    [("warnings", ["warnings"])],
    [("pandas as pd", ["pd"])],
    [("defbudget as db", ["db"]),
     ("from defbudget", ["compare", "fiscal", "fx", "prices"]),
     ("from defbudget", ["plot as dplot"]),
     ("from defbudget.coursework", ["check"]),
     ("from defbudget.formatting", ["format_money", "format_ratio"])],
]
SETUP_OPTIONS = """
pd.set_option("display.width", 160)
pd.set_option("display.max_columns", 20)
pd.set_option("display.max_colwidth", 60)
"""
SETUP = "# setup: replaced by _setup_cell"


def _setup_cell(later_code: str, keep_all: bool) -> str:
    """The setup cell importing just the names ``later_code`` uses (all of them if keep_all,
    for the student's copy of the coursework, whose answers are not written yet)."""
    def used(name: str) -> bool:
        bound = name.split(" as ")[-1]
        if bound == "pd" or (keep_all and bound != "warnings"):
            return True
        return re.search(rf"\b{bound}\b", later_code) is not None

    blocks = []
    for block in SETUP_IMPORTS:
        lines = []
        for module, names in block:
            kept = [n for n in names if used(n)]
            if not kept:
                continue
            if module.startswith("from "):
                lines.append(f"{module} import {', '.join(kept)}")
            else:
                lines.append(f"import {module}")
        if lines:
            blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n\n" + SETUP_OPTIONS.strip("\n")


SIPRI_GUARD = """
# The SIPRI workbook is not shipped with defbudget (SIPRI's terms). It is read from the
# path in the environment variable DEFBUDGET_SIPRI (a file, or a folder of releases).
from defbudget.readers.sipri import SipriWorkbookNotFoundError, sipri_release_info

try:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # footnote warnings for countries not used here
        sipri = db.read_sipri()
    HAVE_SIPRI = True
    info = sipri_release_info()
    print(f"SIPRI release {info['edition']} ({info['title_years']}), constant US$ of "
          f"{info['base_year']}: {info['path']}")
    print(db.cite(info["source"]))
except SipriWorkbookNotFoundError as err:
    HAVE_SIPRI = False
    print("This notebook needs the SIPRI Military Expenditure Database workbook.\\n")
    print(err)
    print("\\nSee the 'SIPRI data' section of the README. The cells below do nothing "
          "until DEFBUDGET_SIPRI is set and the kernel restarted.")
"""


def nb01():
    return [
        md("""
# Japan's defence budget, FY1990–FY2026: a quickstart

Load the shipped series, chart it, and measure its growth in yen and in US dollars.
Japan's fiscal year runs April to March and is labelled by the year it starts in.
Every figure printed below is computed from the package's data; the last cell prints the
citations.
"""),
        code(SETUP),
        md("""
## Load

`japan_mod_budget` holds the Ministry of Defense's initial budgets on two bases: excluding
and including the costs of the SACO agreement and of the US-forces realignment (the MOD
itself quotes the first for comparisons over time). The latest year is a cabinet draft.
"""),
        code("""
raw = db.load("japan_mod_budget")
budget = compare.select(raw, measure="defense_budget")
excl = compare.select(budget, basis="mod_excl_saco_realignment")
compare.wide_table(budget, index=["basis"], years=range(2020, 2027))
"""),
        code("""
for _, row in compare.select(budget, year=int(budget["year"].max())).iterrows():
    print(f"{fiscal.fy_label(row['year'], row['fy_start_month'])}, {row['basis']}: "
          f"{format_money(row['value'], row['unit'])} ({row['stage']}; source {row['source']})")
"""),
        md("## Chart\nDraft and request years are drawn hollow."),
        code("""
ax = dplot.trend(budget, hue="basis", title="Japan MOD initial defence budget")
"""),
        md("""
## Growth in yen

Year-on-year change and compound annual growth, in nominal yen on the excl. basis.
"""),
        code("""
growth = compare.yoy(excl)
ax = dplot.growth_bars(growth, title="Japan MOD budget, year-on-year change (nominal yen)")
last = growth.iloc[-1]
print(f"FY{last['year']} vs previous year: {format_ratio(last['value'])}")
for start, end in [(1990, 2025), (2012, 2025), (2022, 2025)]:
    rate = compare.cagr(excl, start=start, end=end)["value"].iloc[0]
    print(f"CAGR FY{start}–FY{end}: {format_ratio(rate)} a year")
"""),
        md("""
## Growth in dollars

`fx.convert` converts each fiscal year at the average rate of that fiscal year
(April–March). A year whose average cannot be formed from the bundled rates — the
current fiscal year, which is not over — is kept as NaN and flagged `unavailable`,
never silently filled. For the draft year, a rate of a named day is the honest choice.
"""),
        code("""
usd = fx.convert(excl, to="USD", rate="fy_average", on_missing="nan")
no_yen = set(excl.loc[excl["value"].isna(), "year"])
no_rate = [y for y in usd.loc[usd["value"].isna(), "year"] if y not in no_yen]
print("No yen figure for FY:", sorted(no_yen))
print("A yen figure but no FY-average rate yet for FY:", no_rate)
yr = 2025
row = compare.select(usd, year=yr).iloc[0]
print(f"FY{yr}: {format_money(compare.select(excl, year=yr)['value'].iloc[0], 'JPY')} = "
      f"{format_money(row['value'], 'USD')} at {1 / row['fx_rate']:.2f} JPY/USD "
      f"({row['fx_basis']}, rates: {row['fx_source']})")
spot_day = "2025-12-26"  # the day the FY2026 draft was reported (see its source below)
draft = compare.select(excl, year=2026)
at_spot = fx.convert(draft, to="USD", rate=f"spot:{spot_day}")
print(f"FY2026 draft: {format_money(draft['value'].iloc[0], 'JPY')} = "
      f"{format_money(at_spot['value'].iloc[0], 'USD')} at {at_spot['fx_basis'].iloc[0]} "
      f"(source {draft['source'].iloc[0]})")
"""),
        code("""
yen_cagr = compare.cagr(excl, start=2012, end=2025)["value"].iloc[0]
usd_cagr = compare.cagr(usd, start=2012, end=2025)["value"].iloc[0]
print(f"CAGR FY2012–FY2025: {format_ratio(yen_cagr)} in yen, {format_ratio(usd_cagr)} in dollars")
ax = dplot.trend(usd.dropna(subset=["value"]), title="Japan MOD budget in US$ at FY-average rates")
"""),
        md("""
The yen's fall against the dollar makes growth in dollars much slower than growth in yen:
the same budget looks flat or shrinking from Washington while it rises in Tokyo.
Which is "right" depends on the question — yen for what Japan commits, dollars (with the
rate named) for comparison with other countries.

## Citations
"""),
        code("""
print(db.cite("japan_mod_budget"))
print()
for source_id in sorted({s for v in usd["fx_source"].dropna() for s in v.split(";")}):
    print(db.cite(source_id))
"""),
    ]


def nb02():
    return [
        md("""
# "$55.5B or $60.1B?" — why press figures for the same budget differ

The same yen budget appears in English-language news as several dollar figures. Mostly
the difference is the exchange rate each outlet used (and rarely says which); sometimes it
is a different budget (request vs draft, with or without SACO/realignment costs) or a
rounding. `reconcile()` back-solves each figure's rate and checks it against named rates.
"""),
        code(SETUP),
        md("## The ledger of reported figures (budgets only)"),
        code("""
ledger = db.load("reported_figures")
budgets = ledger[ledger["refers_to"] == "budget"]
budgets[["figure_id", "outlet", "year", "stage", "item", "amount_as_printed", "local_amount",
         "budget_basis", "source"]]
"""),
        md("""
## Back-solving the rate

For each figure: the yen amount it converts, the rate it implies (with the range that
rounding of the printed figure allows), the fiscal-year, calendar-year and publication-day
rates, and a verdict.
"""),
        code("""
table = db.reconcile()
cols = ["budget", "outlet", "reported_usd", "local_amount", "implied_rate",
        "fy_average_rate", "cy_average_rate", "spot_rate", "supported", "verdict"]
table[cols]
"""),
        code("""
for name, group in table.groupby("budget", sort=False):
    group = group.dropna(subset=["reported_usd"])
    if group.empty:
        continue
    lo, hi = group["reported_usd"].min(), group["reported_usd"].max()
    print(f"{name}: {len(group)} figures from {format_money(lo)} to {format_money(hi)}; "
          f"implied rates {group['implied_rate'].min():.1f}–{group['implied_rate'].max():.1f} "
          f"JPY/USD; FY-average {group['fy_average_rate'].iloc[0]:.1f}")
"""),
        md("## The reconciliation chart, one per budget"),
        code("""
for name in table["budget"].unique():
    if table.loc[table["budget"] == name, "reported_usd"].notna().any():
        dplot.reconciliation_dots(table, budget=name)
"""),
        md("""
## Reading it

- A figure whose implied rate sits near the rate of its publication week is a *spot*
  conversion: correct on the day, but not comparable with a figure converted a year later.
- A figure that matches no rate in the period usually converts a different yen amount:
  check the stage (request vs cabinet draft vs enacted) and basis columns.
- For comparisons across years, convert every year on one stated basis (for example
  `fx.convert(..., rate="fy_average")`) and name it on the chart.

## Citations
"""),
        code("""
ids = {s for col in ("source", "fx_source") for v in table[col].dropna() for s in v.split(";")}
for source_id in sorted(ids):
    print(db.cite(source_id))
"""),
    ]


IP_COUNTRIES = '["Japan", "China", "Korea, South", "Australia", "India", "Taiwan"]'


def nb03():
    return [
        md("""
# The Indo-Pacific in the SIPRI database

Japan, China, South Korea, Australia, India and Taiwan compared on SIPRI's definition of
military expenditure: constant US dollars, share of GDP, growth indexed to a base year —
and what reporting by fiscal rather than calendar year changes.
"""),
        code(SETUP),
        code(SIPRI_GUARD),
        md("## Constant US dollars (SIPRI's base year)"),
        code(f"""
COUNTRIES = {IP_COUNTRIES}
if HAVE_SIPRI:
    region = compare.select(sipri, country=COUNTRIES)
    const = compare.select(region, measure="milex", price_basis="constant")
    const = const[const["year"] >= 1990]
    dplot.compare_lines(const, highlight="Japan",
                        title=f"Military expenditure, constant {{info['base_year']}} US$")
    latest = int(const.dropna(subset=["value"])["year"].max())
    ranked = compare.rank(const, year=latest)
    for _, r in ranked.iterrows():
        print(f"{{r['rank']}}. {{r['country']}}: {{format_money(r['value'])}} ({{latest}})")
"""),
        md("## Share of GDP"),
        code("""
if HAVE_SIPRI:
    share = compare.select(region, measure="milex_share_gdp")
    share = share[share["year"] >= 1990]
    dplot.compare_lines(share, highlight="Japan", title="Military expenditure, share of GDP")
    print(compare.wide_table(share, index=["country"], years=range(latest - 4, latest + 1))
          .map(format_ratio))
"""),
        md("""
## Indexed growth

Each country's constant-dollar spending relative to its own level in a base year: this
removes the difference in size and shows who grew fastest.
"""),
        code("""
if HAVE_SIPRI:
    base = 2014
    dplot.indexed_growth(const, base=base, highlight="Japan")
    idx = compare.index_to(const, base_year=base)
    print(compare.select(idx, year=latest)[["country", "value"]]
          .sort_values("value", ascending=False).round(1).to_string(index=False))
    for c in COUNTRIES:
        g = compare.cagr(compare.select(const, country=c), start=base, end=latest)["value"].iloc[0]
        print(f"{c}: real CAGR {base}–{latest} {format_ratio(g)}")
"""),
        md("""
## Fiscal year vs calendar year: Japan

SIPRI publishes Japan in local currency both by fiscal year (April–March, as budgeted) and
by calendar year. SIPRI forms a calendar year from the two fiscal years it overlaps, in
proportion to the months — for Japan, a quarter of the fiscal year that started the year
before and three quarters of the one that starts in it. `fiscal.calendarise` does the same
and can be checked against SIPRI's own calendar-year sheet.
"""),
        code("""
if HAVE_SIPRI:
    jp = compare.select(sipri, country="Japan", unit="JPY", price_basis="current")
    jp_fy = compare.select(jp, period="FY")
    jp_cy = compare.select(jp, period="CY")
    ours = fiscal.calendarise(jp_fy, rule="sipri_even_spread")
    both = (jp_fy[["year", "value"]].rename(columns={"value": "fiscal_year"})
            .merge(jp_cy[["year", "value"]].rename(columns={"value": "sipri_calendar"}), on="year")
            .merge(ours[["year", "value"]].rename(columns={"value": "calendarised"}), on="year"))
    both = both[both["year"] >= 2015].dropna()
    both["cy_vs_fy"] = both["sipri_calendar"] / both["fiscal_year"] - 1
    both["ours_vs_sipri"] = both["calendarised"] / both["sipri_calendar"] - 1
    print(both.assign(**{c: both[c].map(lambda v: format_money(v, "JPY"))
                         for c in ["fiscal_year", "sipri_calendar", "calendarised"]},
                      cy_vs_fy=both["cy_vs_fy"].map(format_ratio),
                      ours_vs_sipri=both["ours_vs_sipri"].map(format_ratio)).to_string(index=False))
"""),
        md("""
When the budget grows fast, the calendar-year figure lags the fiscal-year one, because a
calendar year still carries a quarter of the previous, smaller fiscal year. Comparing a
fiscal-year budget with another country's calendar-year spending mixes the two.

The same rule applied to the MOD's own series (defbudget's shipped data):
"""),
        code("""
excl = compare.select(db.load("japan_mod_budget"), measure="defense_budget",
                      basis="mod_excl_saco_realignment")
cy = fiscal.calendarise(excl, rule="sipri_even_spread")
print(compare.wide_table(cy, index=["period"], years=range(2021, 2026))
      .map(lambda v: format_money(v, "JPY")))
print(db.cite("japan_mod_budget"))
"""),
    ]


def nb04():
    return [
        md("""
# Targets and burden: share of GDP against the 2% and 3.5% goals

NATO's 2% guideline (Wales, 2014), the Hague commitment to 3.5% core defence by 2035, and
Japan's goal of defence and related spending of 2% of FY2022 GDP by FY2027. The table below
lists them with the document each comes from. Two sources of burden: the Global Military
Spending Dataset (shipped, to 2019) and the SIPRI workbook (to its latest year).

Neither source uses NATO's definition or Japan's "defence and related" definition, so the
comparisons are *proxies*: `proxy=True` says so explicitly.
"""),
        code(SETUP),
        code("""
targets = compare.load_targets()
targets[["target_id", "label", "applies_to", "value", "year", "measure", "adopted", "source"]]
"""),
        md("""
## Shipped: GMSD

GMSD's values for Taiwan are about 90% of GDP in every year — many times SIPRI's share for
the same years — so the data flag them `highly_uncertain` throughout, with the ratio in the
`note`. `compare.split_unreliable_countries` sets such countries aside and says why; drawn,
Taiwan would flatten every other line. SIPRI's figures for Taiwan are used further down.
"""),
        code("""
COUNTRIES = ["Japan", "China", "South Korea", "Australia", "India", "Taiwan"]
gmsd = compare.select(db.load("gmsd_burden"), country=COUNTRIES)
gmsd, set_aside = compare.split_unreliable_countries(gmsd[gmsd["year"] >= 1950])
for country, why in set_aside.items():
    print(f"Set aside {country}: {why}")
ax = dplot.burden_vs_targets(gmsd, targets=targets[targets["target_id"].isin(
    ["nato_2pct_guideline", "nato_hague_core_3_5"])], highlight="Japan")
first = compare.first_year_meeting(gmsd, target="nato_2pct_guideline", proxy=True)
first
"""),
        code("""
lo, hi = int(gmsd["year"].min()), int(gmsd["year"].max())
for _, r in first.iterrows():
    fy = r.get("first_year")
    when = (f"not in {lo}–{hi}" if pd.isna(fy) else
            f"already in {lo}, the window's first year" if fy == lo else f"first in {fy}")
    print(f"{r['country']}: at or above 2% of GDP — {when}")
print(db.cite("gmsd_burden"))
"""),
        md("## From the SIPRI workbook"),
        code(SIPRI_GUARD),
        code("""
if HAVE_SIPRI:
    S_COUNTRIES = ["Japan", "China", "Korea, South", "Australia", "India", "Taiwan",
                   "United States of America", "Germany", "Poland"]
    share = compare.select(sipri, country=S_COUNTRIES, measure="milex_share_gdp")
    share = share[share["year"] >= 1990]
    dplot.burden_vs_targets(share, targets=targets[targets["target_id"].isin(
        ["nato_2pct_guideline", "nato_hague_core_3_5"])], highlight="Japan")
    latest = int(share.dropna(subset=["value"])["year"].max())
    gaps = compare.against_targets(compare.select(share, year=latest), proxy=True)
    print(gaps[["country", "year", "value", "target_id", "gap", "met"]].to_string(index=False))
"""),
        code("""
if HAVE_SIPRI:
    for target in ["nato_2pct_guideline", "nato_hague_core_3_5"]:
        print(target)
        print(compare.first_year_meeting(share, target=target, proxy=True).to_string(index=False))
"""),
        md("""
## Japan against its own goal

Japan's 2% goal is measured on a wider "defence and related" definition and against FY2022
GDP, so the MOD budget share computed here (MOD budget / nominal fiscal-year GDP from the
Cabinet Office) is a lower bound, not the official measure.
"""),
        code("""
excl = compare.select(db.load("japan_mod_budget"), measure="defense_budget",
                      basis="mod_excl_saco_realignment")
gdp = compare.select(db.load("japan_gdp"), measure="gdp")
mod_share = excl[["year", "value"]].merge(gdp[["year", "value"]], on="year",
                                          suffixes=("_budget", "_gdp"))
mod_share["share"] = mod_share["value_budget"] / mod_share["value_gdp"]
print(mod_share.tail(6).assign(
    value_budget=mod_share["value_budget"].map(lambda v: format_money(v, "JPY")),
    value_gdp=mod_share["value_gdp"].map(lambda v: format_money(v, "JPY")),
    share=mod_share["share"].map(format_ratio)).to_string(index=False))
goal = targets.set_index("target_id").loc["japan_2pct_fy2027"]
print(f"Goal: {goal['label']} ({format_ratio(goal['value'])}; {goal['source']})")
print(db.cite("japan_mod_budget"))
print(db.cite("japan_gdp"))
"""),
    ]


def nb05():
    return [
        md("""
# Nominal vs real: price indices, base years, and SIPRI releases

A "constant-price" figure is a nominal figure divided by a price index and multiplied by
the index's value in a base year. Change the index or the base year and every constant
figure changes; growth rates change only with the index. SIPRI re-bases its constant US
dollars each release, and revises past years, so two releases disagree on the same year.
"""),
        code(SETUP),
        md("## The shipped price indices"),
        code("""
pi = db.load("price_indices")
pi.groupby(["basis", "period", "index_base", "source"], dropna=False)["year"].agg(["min", "max"])
"""),
        md("## Japan's budget at constant prices: the base year scales, the index shapes"),
        code("""
excl = compare.select(db.load("japan_mod_budget"), measure="defense_budget",
                      basis="mod_excl_saco_realignment")
real20 = prices.to_constant(excl, base_year=2020, on_missing="nan")
real25 = prices.to_constant(excl, base_year=2025, on_missing="nan")
nominal_growth = excl.set_index("year")["value"]
frame = pd.DataFrame({"nominal": nominal_growth,
                      "constant_2020_prices": real20.set_index("year")["value"],
                      "constant_2025_prices": real25.set_index("year")["value"]}).dropna()
print(frame.map(lambda v: format_money(v, "JPY")).to_string())
g20 = frame["constant_2020_prices"].pct_change().dropna()
g25 = frame["constant_2025_prices"].pct_change().dropna()
print("Real growth identical under both base years:", bool(((g20 - g25).abs() < 1e-12).all()))
gn = frame["nominal"].pct_change().dropna()
print(pd.DataFrame({"nominal": gn.map(format_ratio), "real": g20.map(format_ratio)}).to_string())
"""),
        md("""
## Constant US dollars: two methods

SIPRI deflates in local currency with the country's own price index and converts at the
base year's exchange rate. Converting each year at its own rate first and deflating with a
US index gives a different series: exchange-rate swings enter it.
"""),
        code("""
# The US deflator is by calendar year, so put Japan's fiscal years on calendar years first.
cal = fiscal.calendarise(excl, rule="sipri_even_spread").dropna(subset=["value"])
recent = cal[cal["year"].between(2013, 2024)]
sipri_way = prices.constant_usd(recent, base_year=2023, method="sipri")
other_way = prices.constant_usd(recent, base_year=2023, method="convert_then_deflate")
both = pd.DataFrame({"sipri": sipri_way.set_index("year")["value"],
                     "convert_then_deflate": other_way.set_index("year")["value"]}).dropna()
print(both.map(format_money).to_string())
print(db.cite("price_indices"))
"""),
        md("""
## Why SIPRI's constant dollars change between releases

Two releases in the raw-data folder: the one covering 1949–2023 (constant dollars of its
base year) and the one covering 1949–2024 (a later base year). Dividing one by the other for
Japan separates two effects: a *re-basing* moves every year by roughly the same factor
(US inflation and the base-year exchange rate), while *revisions* to the underlying data
move individual years.
"""),
        code("""
import os
from pathlib import Path

from defbudget.readers.sipri import sipri_release_info

where = Path(os.environ.get("DEFBUDGET_SIPRI", ""))
releases = sorted(where.glob("SIPRI-Milex-data-1949-*.xlsx")) if where.is_dir() else []
HAVE_TWO = len(releases) >= 2
if not HAVE_TWO:
    print("This part needs two SIPRI releases in one folder, with DEFBUDGET_SIPRI set to it "
          "(e.g. SIPRI-Milex-data-1949-2023.xlsx and SIPRI-Milex-data-1949-2024.xlsx from "
          "https://www.sipri.org/databases/milex; see the README). Skipped.")
else:
    older, newer = releases[0], releases[-1]
    series = {}
    for path in (older, newer):
        rel = sipri_release_info(path)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            frame = db.read_sipri(path, sheets=["constant_usd", "current_usd", "lcu_fy"])
        jp = compare.select(frame, country="Japan")
        series[rel["base_year"]] = (rel, jp)
        print(f"{path.name}: SIPRI release {rel['edition']}, constant US$ of {rel['base_year']}")
        print("  ", db.cite(rel["source"]))
"""),
        code("""
if HAVE_TWO:
    (b_old, (r_old, jp_old)), (b_new, (r_new, jp_new)) = sorted(series.items())
    def col(jp, **kw):
        return compare.select(jp, **kw).set_index("year")["value"]
    cmp_ = pd.DataFrame({
        f"constant_{b_old}": col(jp_old, price_basis="constant"),
        f"constant_{b_new}": col(jp_new, price_basis="constant"),
        "lcu_old": col(jp_old, unit="JPY"), "lcu_new": col(jp_new, unit="JPY"),
    }).dropna()
    cmp_["constant_ratio"] = cmp_[f"constant_{b_new}"] / cmp_[f"constant_{b_old}"]
    cmp_["yen_revision"] = cmp_["lcu_new"] / cmp_["lcu_old"] - 1
    tail = cmp_[cmp_.index >= 2010]
    print(tail[["constant_ratio", "yen_revision"]].assign(
        constant_ratio=tail["constant_ratio"].round(4),
        yen_revision=tail["yen_revision"].map(format_ratio)).to_string())
    spread = cmp_["constant_ratio"]
    print(f"Constant-dollar ratio new/old over {cmp_.index.min()}–{cmp_.index.max()}: median "
          f"{spread.median():.4f}, range {spread.min():.4f}–{spread.max():.4f}")
    changed = int((cmp_["yen_revision"].abs() > 1e-9).sum())
    print(f"Years whose local-currency figure was revised: {changed} of {len(cmp_)}")
"""),
        md("""
If the ratio were the same in every year, the two releases would differ only by re-basing;
its spread across years measures the revisions and changes in SIPRI's deflators. Quote a
constant-dollar figure with its release and base year, and never mix releases in one chart.
"""),
    ]


def _exercise_cells(solutions: bool):
    from defbudget.coursework import EXERCISES

    solution_code = {
        "budget_fy2026_yen": """
budget = compare.select(db.load("japan_mod_budget"), measure="defense_budget",
                        basis="mod_excl_saco_realignment")
answer = compare.select(budget, year=2026)["value"].iloc[0]
""",
        "yoy_fy2026": """
answer = compare.select(compare.yoy(budget), year=2026)["value"].iloc[0]
""",
        "cagr_2015_2025": """
answer = compare.cagr(budget, start=2015, end=2025)["value"].iloc[0]
""",
        "usd_fy2025_fy_average": """
usd = fx.convert(budget, to="USD", rate="fy_average", on_missing="nan")
answer = compare.select(usd, year=2025)["value"].iloc[0]
""",
        "implied_rate_ap_fy2025": """
table = db.reconcile()
answer = table.loc[table["figure_id"] == "ap-jp-draft-fy2025", "implied_rate"].iloc[0]
""",
        "tomahawk_unit_cost": """
ledger = db.load("reported_figures")
row = ledger[ledger["figure_id"] == "thx-tomahawk-400"].iloc[0]
answer = row["value"] / row["quantity"]
""",
        "real_growth_fy2020_fy2025": """
real = prices.to_constant(budget, base_year=2020, on_missing="nan").set_index("year")["value"]
answer = real[2025] / real[2020] - 1
""",
        "saco_gap_fy2025": """
both = compare.select(db.load("japan_mod_budget"), measure="defense_budget", year=2025)
by_basis = both.set_index("basis")["value"]
answer = by_basis["mod_incl_saco_realignment"] - by_basis["mod_excl_saco_realignment"]
""",
    }
    missing = set(EXERCISES) - set(solution_code)
    if missing:
        raise SystemExit(f"no solution written for {sorted(missing)}")
    cells = []
    for n, (ex_id, ex) in enumerate(EXERCISES.items(), 1):
        cells.append(md(f"## Exercise {n}: `{ex_id}`\n\n{ex.question}\n\n"
                        f"Unit: {ex.unit}. Accepted {ex.tolerance_text()}."))
        if solutions:
            body = solution_code[ex_id].strip("\n") + f"\n{ex_id} = answer\nprint({ex_id})"
        else:
            body = (f"# Your code here: compute the answer with defbudget, then assign it.\n"
                    f"{ex_id} = None")
        cells.append(code(body))
        cells.append(code(f'print(check("{ex_id}", {ex_id}))'))
    cells.append(md("## Summary"))
    names = "\n".join(f"    {i!r}," for i in EXERCISES)
    cells.append(code(f"""
names = [
{names}
]
results = [check(name, globals()[name]) for name in names]
done = sum(r.passed is True for r in results)
print(f"{{done}} of {{len(results)}} right")
""" + ("assert done == len(results), 'a solution no longer passes its check'\n" if solutions
       else "")))
    return cells


def nb06(solutions: bool = False):
    title = "Coursework — solutions" if solutions else "Coursework: Japan's defence budget"
    intro = (
        "Worked answers. Each one computes the result from the package, and each "
        "self-check must say *right*." if solutions else
        "Replace each `None` with your answer, computed with defbudget (not typed in), and run "
        "the check cell below it: it says whether the answer is right and gives a hint when "
        "it is not. The expected answers are computed from the package's own data; the "
        "tolerance is printed with each question. Do not open the solutions until you have "
        "tried. Answers are in whole units (yen, dollars) or ratios (a twentieth is 0.05).")
    return [md(f"# {title}\n\n{intro}"),
            code(SETUP),
            *_exercise_cells(solutions)]


def nb07():
    return [
        md("""
# Arms sales and programmes in the news

News of Japan's purchases from the United States gives single dollar figures — for
Tomahawk cruise missiles, SM-6 interceptors, the Glide Phase Interceptor (GPI), support
for the Hyper Velocity Gliding Projectile (HVGP). These are different kinds of number:

- **FMS notification** (DSCA to Congress): a *ceiling* for a possible sale — maximum
  quantities and value, including support, training, spares and services. The contract
  that follows is often smaller, sometimes never signed.
- **Sale / agreement value**: what the two governments agreed, typically still including
  support, integration and logistics, not only the rounds.
- **Programme cost projection**: development cost over many years, shared between
  partners, in then-year or constant dollars, and revised as the programme goes on.

So a "unit cost" made by dividing a sale value by a quantity is an *upper bound on the
price per round*: it spreads every support item over the missiles. The table below gives
each figure with what it refers to and its outlet.
"""),
        code(SETUP),
        code("""
ledger = db.load("reported_figures")
deals = ledger[ledger["refers_to"].isin(["sale", "programme"])].copy()
deals["reported"] = deals["value"].map(format_money)
deals["per_unit"] = [format_money(v / q) if pd.notna(q) else "" for v, q in
                     zip(deals["value"], deals["quantity"], strict=True)]
deals[["item", "refers_to", "stage", "year", "quantity", "amount_as_printed", "reported",
       "per_unit", "outlet", "source"]]
"""),
        md("## What each figure does and does not include"),
        code("""
SCOPE = {
    "notification": "FMS notification: a ceiling (maximum value) for a possible sale, "
                    "support included; not a contract",
    "agreement": "Agreed sale: includes support, integration and logistics as well as the "
                 "rounds; delivery over years",
    "projection": "Programme cost projection: multi-year development cost, shared between "
                  "partners; revised as the programme goes on",
}
for _, r in deals.iterrows():
    scope = SCOPE.get(r["stage"], "Stage not stated by the outlet: treat as an upper bound "
                                  "of unknown scope")
    print(f"{r['item']} — {r['amount_as_printed']} ({r['outlet']})")
    if pd.notna(r["quantity"]):
        print(f"  per unit: {format_money(r['value'] / r['quantity'])} for {r['quantity']} "
              "(an upper bound on the price per round)")
    print(f"  {scope}")
    print(f"  note: {r['note']}")
"""),
        md("""
## Against the budget

How large are these figures next to the annual MOD budget? The shares below use the FY2025
budget converted at the FY2025 average rate — a rough scale, since sales are paid over
several years.
"""),
        code("""
excl = compare.select(db.load("japan_mod_budget"), measure="defense_budget",
                      basis="mod_excl_saco_realignment", year=2025)
usd = fx.convert(excl, to="USD", rate="fy_average")
annual = usd["value"].iloc[0]
print(f"FY2025 MOD budget: {format_money(annual)} ({usd['fx_basis'].iloc[0]}, "
      f"{usd['fx_source'].iloc[0]})")
for _, r in deals.drop_duplicates(["item", "value"]).iterrows():
    print(f"  {r['item']}: {format_ratio(r['value'] / annual)} of one year's budget")
"""),
        md("## Citations, one per row"),
        code("""
for _, r in deals.iterrows():
    print(f"{r['figure_id']}: {db.cite(r['source'])}")
print(db.cite("japan_mod_budget"))
"""),
    ]


NOTEBOOKS = {
    "01_quickstart.ipynb": nb01,
    "02_55_or_60_billion.ipynb": nb02,
    "03_indo_pacific_sipri.ipynb": nb03,
    "04_targets_and_burden.ipynb": nb04,
    "05_nominal_vs_real.ipynb": nb05,
    "06_coursework.ipynb": lambda: nb06(False),
    "06_coursework_solutions.ipynb": lambda: nb06(True),
    "07_arms_sales_in_the_news.ipynb": nb07,
}


def build(name: str) -> nbformat.NotebookNode:
    cells = NOTEBOOKS[name]()
    later = "\n".join(c.source for c in cells if c.cell_type == "code" and c.source != SETUP)
    for cell in cells:
        if cell.cell_type == "code" and cell.source == SETUP:
            cell.source = _setup_cell(later, keep_all=name == "06_coursework.ipynb")
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"{Path(name).stem[:2]}-{i:02d}"
    nbformat.validate(nb)
    return nb


def main(argv: list[str] | None = None) -> int:
    names = argv or list(NOTEBOOKS)
    OUT.mkdir(exist_ok=True)
    for name in names:
        nbformat.write(build(name), OUT / name)
        print("wrote", OUT / name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

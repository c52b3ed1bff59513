# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # The Indo-Pacific in the SIPRI database
#
# Japan, China, South Korea, Australia, India and Taiwan compared on SIPRI's definition of
# military expenditure: constant US dollars, share of GDP, growth indexed to a base year —
# and what reporting by fiscal rather than calendar year changes.

# %%
import warnings

import pandas as pd

import defbudget as db
from defbudget import compare, fiscal
from defbudget import plot as dplot
from defbudget.formatting import format_money, format_ratio

pd.set_option("display.width", 160)
pd.set_option("display.max_columns", 20)
pd.set_option("display.max_colwidth", 60)

# %%
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
    print("This notebook needs the SIPRI Military Expenditure Database workbook.\n")
    print(err)
    print("\nSee the 'SIPRI data' section of the README. The cells below do nothing "
          "until DEFBUDGET_SIPRI is set and the kernel restarted.")

# %% [markdown]
# ## Constant US dollars (SIPRI's base year)

# %%
COUNTRIES = ["Japan", "China", "Korea, South", "Australia", "India", "Taiwan"]
if HAVE_SIPRI:
    region = compare.select(sipri, country=COUNTRIES)
    const = compare.select(region, measure="milex", price_basis="constant")
    const = const[const["year"] >= 1990]
    dplot.compare_lines(const, highlight="Japan",
                        title=f"Military expenditure, constant {info['base_year']} US$")
    latest = int(const.dropna(subset=["value"])["year"].max())
    ranked = compare.rank(const, year=latest)
    for _, r in ranked.iterrows():
        print(f"{r['rank']}. {r['country']}: {format_money(r['value'])} ({latest})")

# %% [markdown]
# ## Share of GDP

# %%
if HAVE_SIPRI:
    share = compare.select(region, measure="milex_share_gdp")
    share = share[share["year"] >= 1990]
    dplot.compare_lines(share, highlight="Japan", title="Military expenditure, share of GDP")
    print(compare.wide_table(share, index=["country"], years=range(latest - 4, latest + 1))
          .map(format_ratio))

# %% [markdown]
# ## Indexed growth
#
# Each country's constant-dollar spending relative to its own level in a base year: this
# removes the difference in size and shows who grew fastest.

# %%
if HAVE_SIPRI:
    base = 2014
    dplot.indexed_growth(const, base=base, highlight="Japan")
    idx = compare.index_to(const, base_year=base)
    print(compare.select(idx, year=latest)[["country", "value"]]
          .sort_values("value", ascending=False).round(1).to_string(index=False))
    for c in COUNTRIES:
        g = compare.cagr(compare.select(const, country=c), start=base, end=latest)["value"].iloc[0]
        print(f"{c}: real CAGR {base}–{latest} {format_ratio(g)}")

# %% [markdown]
# ## Fiscal year vs calendar year: Japan
#
# SIPRI publishes Japan in local currency both by fiscal year (April–March, as budgeted) and
# by calendar year. SIPRI forms a calendar year from the two fiscal years it overlaps, in
# proportion to the months — for Japan, a quarter of the fiscal year that started the year
# before and three quarters of the one that starts in it. `fiscal.calendarise` does the same
# and can be checked against SIPRI's own calendar-year sheet.

# %%
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

# %% [markdown]
# When the budget grows fast, the calendar-year figure lags the fiscal-year one, because a
# calendar year still carries a quarter of the previous, smaller fiscal year. Comparing a
# fiscal-year budget with another country's calendar-year spending mixes the two.
#
# The same rule applied to the MOD's own series (defbudget's shipped data):

# %%
excl = compare.select(db.load("japan_mod_budget"), measure="defense_budget",
                      basis="mod_excl_saco_realignment")
cy = fiscal.calendarise(excl, rule="sipri_even_spread")
print(compare.wide_table(cy, index=["period"], years=range(2021, 2026))
      .map(lambda v: format_money(v, "JPY")))
print(db.cite("japan_mod_budget"))

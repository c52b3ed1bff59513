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
from IPython.display import display

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

COUNTRIES = ["Japan", "China", "South Korea", "Australia", "India", "Taiwan"]
try:
    # The reader warns about every footnote it cannot turn into data (e.g. a fiscal year
    # SIPRI does not state). Record the warnings and look at those about our countries.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        sipri = db.read_sipri()
    HAVE_SIPRI = True
    info = sipri_release_info()
    print(f"SIPRI release {info['edition']} ({info['title_years']}), constant US$ of "
          f"{info['base_year']}: {info['path']}")
    print(db.cite(info["source"]))
    ours = [str(w.message) for w in caught if any(c in str(w.message) for c in COUNTRIES)]
    print(f"The reader noted {len(caught)} footnotes it could not turn into data; "
          f"{len(ours)} concern the countries used here.")
    for text in ours:
        print(" -", text)
except SipriWorkbookNotFoundError as err:
    HAVE_SIPRI = False
    print("This notebook needs the SIPRI Military Expenditure Database workbook.\n")
    print(err)
    print("\nSee 'Where the SIPRI workbook comes from' in the README. The cells below do nothing "
          "until DEFBUDGET_SIPRI is set and the kernel restarted.")

# %% [markdown]
# ## Constant US dollars (SIPRI's base year)

# %%
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
    display(db.show_wide(share, index=["country"], years=range(latest - 4, latest + 1)))

# %% [markdown]
# ## Indexed growth
#
# Each country's constant-dollar spending relative to its own level in a base year: this
# removes the difference in size and shows who grew fastest.

# %%
if HAVE_SIPRI:
    base = 2014
    dplot.indexed_growth(const, index_year=base, highlight="Japan")
    idx = compare.index_to(const, index_year=base)
    print(f"Constant-dollar spending in {latest}, {base} = 100:")
    print(db.show(compare.select(idx, year=latest).sort_values("value", ascending=False),
                  ["country", "value"]).to_string(index=False))
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
db.show_wide(cy, index=["period"], years=range(2021, 2026))

# %% [markdown]
# ## Why is SIPRI's Japan figure larger than the MOD's budget?
#
# For the same fiscal year SIPRI's local-currency figure for Japan is well above the
# Ministry of Defense's initial budget, even on the MOD basis that includes SACO and
# US-realignment costs. What each side counts, in the sources' own words:

# %%
mod = compare.select(db.load("japan_mod_budget"), measure="defense_budget")
if HAVE_SIPRI:
    print("SIPRI, footnote", jp_fy["footnotes"].iloc[0], "of the workbook:")
    print("  ", jp_fy["note"].dropna().iloc[0])
meta = db.datasets.datapackage()
mod_desc = next(r for r in meta["resources"] if r["name"] == "japan_mod_budget")["description"]
print("defbudget's MOD series (from its data package):")
print("  ", mod_desc)

# %% [markdown]
# So both include the SACO costs (SIPRI "the budgeted amount for SACO"; the MOD's
# *including* basis), neither includes military pensions, and the MOD series is the
# *initial* budget: supplementary budgets passed later in the year are not in it. The table
# sizes each part where the kit has the numbers: the items the MOD headline leaves out
# (incl. minus excl. basis), and what remains between SIPRI and the MOD's fuller basis.

# %%
if HAVE_SIPRI:
    by = mod.pivot_table(index="year", columns="basis", values="value", aggfunc="first")
    parts = pd.DataFrame({
        "sipri_fy": jp_fy.set_index("year")["value"],
        "mod_incl": by["mod_incl_saco_realignment"],
        "mod_excl": by["mod_excl_saco_realignment"]}).dropna().loc[2015:]
    parts["saco_realignment_and_other_items"] = parts["mod_incl"] - parts["mod_excl"]
    parts["sipri_minus_mod_incl"] = parts["sipri_fy"] - parts["mod_incl"]
    parts["sipri_over_mod_incl"] = parts["sipri_fy"] / parts["mod_incl"] - 1
    shown = parts.reset_index().assign(unit="JPY")
    display(db.show(shown.rename(columns={c: f"value_{c}" for c in parts.columns
                                          if c != "sipri_over_mod_incl"})
                    .rename(columns={"sipri_over_mod_incl": "gap_share"}),
                    ["year", "value_sipri_fy", "value_mod_incl", "value_mod_excl",
                     "value_saco_realignment_and_other_items", "value_sipri_minus_mod_incl",
                     "gap_share"])
            .rename(columns={"value_sipri_fy": "SIPRI (FY)", "value_mod_incl": "MOD incl.",
                             "value_mod_excl": "MOD excl.",
                             "value_saco_realignment_and_other_items": "SACO, realignment etc.",
                             "value_sipri_minus_mod_incl": "SIPRI − MOD incl.",
                             "gap_share": "SIPRI above MOD incl."}))
    y = 2024
    r = parts.loc[y]
    print(f"FY{y}: SIPRI {format_money(r['sipri_fy'], 'JPY')} vs MOD initial budget "
          f"{format_money(r['mod_incl'], 'JPY')} incl. SACO/realignment "
          f"({format_money(r['mod_excl'], 'JPY')} excl.). SACO and realignment "
          f"({format_money(r['saco_realignment_and_other_items'], 'JPY')}) are in both, so "
          f"they explain none of the {format_money(r['sipri_minus_mod_incl'], 'JPY')} "
          f"({format_ratio(r['sipri_over_mod_incl'], digits=1)}) by which SIPRI is higher.")
    incl = compare.select(mod, basis="mod_incl_saco_realignment")
    notes = incl.loc[incl["note"].fillna("").str.contains("supplementary"), ["year", "note"]]
    print("What the kit records about supplementary budgets:")
    for _, n in notes.drop_duplicates("note").iterrows():
        print(f"  FY{n['year']}: {n['note']}")
    print("The kit has no supplementary-budget figure for FY2015–FY2024, so the remainder "
          "cannot be split further here: it is what SIPRI counts beyond the MOD's initial "
          "budget (supplementary budgets being the candidate the MOD series leaves out). "
          "Do not put the two series in one chart or ratio.")
print(db.cite("japan_mod_budget"))

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
# # Targets and burden: share of GDP against the 2% and 3.5% goals
#
# NATO's 2% guideline (Wales, 2014), the Hague commitment to 3.5% core defence by 2035, and
# Japan's goal of defence and related spending of 2% of FY2022 GDP by FY2027. The table below
# lists them with the document each comes from. Two sources of burden: the Global Military
# Spending Dataset (shipped, to 2019) and the SIPRI workbook (to its latest year).
#
# Neither source uses NATO's definition or Japan's "defence and related" definition, so the
# comparisons are *proxies*: `proxy=True` says so explicitly.

# %%
import warnings

import pandas as pd

import defbudget as db
from defbudget import compare
from defbudget import plot as dplot
from defbudget.formatting import format_money, format_ratio

pd.set_option("display.width", 160)
pd.set_option("display.max_columns", 20)
pd.set_option("display.max_colwidth", 60)

# %%
targets = compare.load_targets()
targets[["target_id", "label", "applies_to", "value", "year", "measure", "adopted", "source"]]

# %% [markdown]
# ## Shipped: GMSD
#
# GMSD's values for Taiwan are about 90% of GDP in every year — many times SIPRI's share for
# the same years — so the data flag them `highly_uncertain` throughout, with the ratio in the
# `note`. `compare.split_unreliable_countries` sets such countries aside and says why; drawn,
# Taiwan would flatten every other line. SIPRI's figures for Taiwan are used further down.

# %%
COUNTRIES = ["Japan", "China", "South Korea", "Australia", "India", "Taiwan"]
gmsd = compare.select(db.load("gmsd_burden"), country=COUNTRIES)
gmsd, set_aside = compare.split_unreliable_countries(gmsd[gmsd["year"] >= 1950])
for country, why in set_aside.items():
    print(f"Set aside {country}: {why}")
ax = dplot.burden_vs_targets(gmsd, targets=targets[targets["target_id"].isin(
    ["nato_2pct_guideline", "nato_hague_core_3_5"])], highlight="Japan")
first = compare.first_year_meeting(gmsd, target="nato_2pct_guideline", proxy=True)
first

# %%
lo, hi = int(gmsd["year"].min()), int(gmsd["year"].max())
for _, r in first.iterrows():
    fy = r.get("first_year")
    when = (f"not in {lo}–{hi}" if pd.isna(fy) else
            f"already in {lo}, the window's first year" if fy == lo else f"first in {fy}")
    print(f"{r['country']}: at or above 2% of GDP — {when}")
print(db.cite("gmsd_burden"))

# %% [markdown]
# ## From the SIPRI workbook

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

# %%
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

# %%
if HAVE_SIPRI:
    for target in ["nato_2pct_guideline", "nato_hague_core_3_5"]:
        print(target)
        print(compare.first_year_meeting(share, target=target, proxy=True).to_string(index=False))

# %% [markdown]
# ## Japan against its own goal
#
# Japan's 2% goal is measured on a wider "defence and related" definition and against FY2022
# GDP, so the MOD budget share computed here (MOD budget / nominal fiscal-year GDP from the
# Cabinet Office) is a lower bound, not the official measure.

# %%
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

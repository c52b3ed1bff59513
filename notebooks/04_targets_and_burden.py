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
from IPython.display import display

import defbudget as db
from defbudget import compare
from defbudget import plot as dplot
from defbudget.formatting import format_money, format_ratio

pd.set_option("display.width", 160)
pd.set_option("display.max_columns", 20)
pd.set_option("display.max_colwidth", 90)

# %%
targets = compare.load_targets()
db.show(targets, ["label", "applies_to", "value", "year", "adopted", "source"])

# %% [markdown]
# ## Shipped: GMSD
#
# GMSD's values for Taiwan are about 90% of GDP in every year — many times SIPRI's share for
# the same years — so the data flag them `highly_uncertain` throughout, with the ratio in the
# `note`. `compare.split_unreliable_countries` sets such countries aside and says why; drawn,
# Taiwan would flatten every other line. SIPRI's figures for Taiwan are used further down.
#
# The first year at or above 2 % is searched over all the years each source has (GMSD
# from the 19th century), so that the window starts before the level was reached; where a
# country is already at 2 % in its first year of data, the notebook says so. The chart
# shows the years since 1990, as the SIPRI chart below does.

# %%
COUNTRIES = ["Japan", "China", "South Korea", "Australia", "India", "Taiwan"]
NATO = ["nato_2pct_guideline", "nato_hague_core_3_5"]
gmsd_all = compare.select(db.load("gmsd_burden"), country=COUNTRIES)
gmsd_all, set_aside = compare.split_unreliable_countries(gmsd_all)
for country, why in set_aside.items():
    print(f"Set aside {country}: {why}")
gmsd = gmsd_all[gmsd_all["year"] >= 1990]  # the chart: the years SIPRI's chart shows too
# The chart draws the targets that apply to the countries shown (none is a NATO member, so
# only Japan's own goal, with a note on how that goal is measured).
ax = dplot.burden_vs_targets(gmsd, highlight="Japan")


# %%
def when_first(frame: pd.DataFrame, target: str = "nato_2pct_guideline") -> pd.DataFrame:
    """Per country: data span, first year at or above the target, last year, latest value."""
    first = compare.first_year_meeting(frame, target=target, proxy=True).set_index("country")
    rows = []
    for country, g in frame.dropna(subset=["value"]).groupby("country"):
        g = g.sort_values("year")
        begin, end = int(g["year"].iloc[0]), int(g["year"].iloc[-1])
        fy = first["first_year"].get(country)
        met = g.loc[g["value"] >= first["threshold"].iloc[0], "year"]
        if pd.isna(fy):
            answer = f"never at or above 2 % in {begin}–{end}"
        elif int(fy) == begin:
            below = int((g["value"] < first["threshold"].iloc[0]).sum())
            answer = f"at or above 2 % since the data begin ({begin})" + (
                f"; below in {below} later years" if below else "")
        else:
            answer = f"first in {int(fy)} (data from {begin})"
        rows.append({"country": country, "first reached": answer,
                     "last year at or above": "–" if met.empty else str(int(met.max())),
                     "latest": f"{format_ratio(g['value'].iloc[-1])} ({end})"})
    return pd.DataFrame(rows)


print("When did each country first spend 2 % of GDP or more on its military (GMSD)?")
when_first(gmsd_all)

# %%
print(db.cite("gmsd_burden"))

# %% [markdown]
# ## From the SIPRI workbook

# %%
# The SIPRI workbook is not shipped with defbudget (SIPRI's terms). It is read from the
# path in the environment variable DEFBUDGET_SIPRI (a file, or a folder of releases).
from defbudget.readers.sipri import SipriWorkbookNotFoundError, sipri_release_info

S_COUNTRIES = [*COUNTRIES, "United States", "Germany", "Poland"]
try:
    # The reader warns about footnotes it cannot turn into data: keep those about our
    # countries and show them.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        sipri = db.read_sipri()
    HAVE_SIPRI = True
    info = sipri_release_info()
    print(f"SIPRI release {info['edition']} ({info['title_years']}), constant US$ of "
          f"{info['base_year']}: {info['path']}")
    print(db.cite(info["source"]))
    ours = [str(w.message) for w in caught if any(c in str(w.message) for c in S_COUNTRIES)]
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

# %%
if HAVE_SIPRI:
    share_all = compare.select(sipri, country=S_COUNTRIES, measure="milex_share_gdp")
    share = share_all[share_all["year"] >= 1990]
    # NATO's 2% and 3.5% core-defence targets: commitments for the three Allies, a yardstick
    # for the others (Japan's own goal is measured otherwise; see below).
    dplot.burden_vs_targets(share, highlight="Japan",
                            targets=targets[targets["target_id"].isin(NATO)])
    latest = int(share.dropna(subset=["value"])["year"].max())
    gaps = compare.against_targets(compare.select(share, year=latest), proxy=True)
    gaps = gaps[gaps["target_id"].isin(NATO)]
    print(f"Distance from the NATO targets in {latest} (a proxy: SIPRI's definition, not "
          "NATO's; for the non-members a yardstick, not a commitment):")
    display(db.show(gaps, ["country", "value", "target_label", "gap", "met"]))

# %%
if HAVE_SIPRI:
    print("When did each country first spend 2 % of GDP or more (SIPRI, all years)?")
    display(when_first(share_all))

# %% [markdown]
# ## Japan against its own goal
#
# Japan's goal is not the MOD budget over GDP. The National Security Strategy defines it
# (quoted below from the targets table): the budget for the fundamental reinforcement of
# defence capabilities *and* the complementing initiatives combined, against the GDP of
# FY2022.

# %%
goal = targets.set_index("target_id").loc["japan_2pct_fy2027"]
print(f"{goal['label']}: \"{goal['quote']}\"")
print(db.cite(goal["source"]))
gdp = compare.select(db.load("japan_gdp"), measure="gdp").set_index("year")["value"]
ref_year = int(goal["gdp_reference"].removeprefix("FY"))
goal_level = goal["value"] * gdp[ref_year]
print(f"The goal's level: {format_ratio(goal['value'], digits=0)} of FY{ref_year} GDP "
      f"({format_money(gdp[ref_year], 'JPY')}) = {format_money(goal_level, 'JPY')} in FY"
      f"{int(goal['year'])}.")

# %% [markdown]
# defbudget does **not** hold the goal's numerator: it has the MOD budget, not the
# complementing initiatives funded outside it, so Japan's distance from the goal on the
# goal's own definition cannot be computed with this kit. What it can show is the MOD
# budget (including SACO and US-realignment costs) as a share of FY2022 GDP — the part of
# the numerator that is the MOD's own budget, and so a lower bound on the goal's measure.

# %%
incl = compare.select(db.load("japan_mod_budget"), measure="defense_budget",
                      basis="mod_incl_saco_realignment")
incl = incl[incl["year"] >= 2022].copy()
incl["share_of_fy2022_gdp"] = incl["value"] / gdp[ref_year]
incl["share_of_own_year_gdp"] = incl["value"] / incl["year"].map(gdp)
incl["value_short_of_goal_level"] = goal_level - incl["value"]
display(db.show(incl, ["year", "value", "share_of_fy2022_gdp", "share_of_own_year_gdp",
                       "value_short_of_goal_level"])
        .rename(columns={"value": "MOD budget (incl.)",
                         "share_of_fy2022_gdp": "share of FY2022 GDP",
                         "share_of_own_year_gdp": "share of the year's GDP",
                         "value_short_of_goal_level": "MOD budget short of the goal level"}))
print(db.cite("japan_mod_budget"))
print(db.cite("japan_gdp"))

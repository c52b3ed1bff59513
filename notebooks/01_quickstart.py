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
# # Japan's defence budget, FY1990–FY2026: a quickstart
#
# Load the shipped series, chart it, and measure its growth in yen and in US dollars.
# Japan's fiscal year runs April to March and is labelled by the year it starts in.
# Every figure printed below is computed from the package's data; the last cell prints the
# citations.

# %%
import pandas as pd

import defbudget as db
from defbudget import compare, fiscal, fx
from defbudget import plot as dplot
from defbudget.formatting import format_money, format_ratio
from defbudget.tables import format_rate

pd.set_option("display.width", 160)
pd.set_option("display.max_columns", 20)
pd.set_option("display.max_colwidth", 60)

# %% [markdown]
# ## Load
#
# `japan_mod_budget` holds the Ministry of Defense's initial budgets on two bases: excluding
# and including the costs of the SACO agreement and of the US-forces realignment (the MOD
# itself quotes the first for comparisons over time). The latest year is a cabinet draft.

# %%
raw = db.load("japan_mod_budget")
budget = compare.select(raw, measure="defense_budget")
excl = compare.select(budget, basis="mod_excl_saco_realignment")
db.show_wide(budget, index=["basis"], years=range(2020, 2027))

# %%
for _, row in compare.select(budget, year=int(budget["year"].max())).iterrows():
    print(f"{fiscal.fy_label(row['year'], row['fy_start_month'])}, {row['basis']}: "
          f"{format_money(row['value'], row['unit'])} ({row['stage']}; source {row['source']})")

# %% [markdown]
# ## Chart
# Draft and request years are drawn hollow.

# %%
ax = dplot.trend(budget, hue="basis", title="Japan MOD initial defence budget")

# %% [markdown]
# ## Growth in yen
#
# Year-on-year change and compound annual growth, in nominal yen on the excl. basis.

# %%
growth = compare.yoy(excl)
ax = dplot.growth_bars(growth, title="Japan MOD budget, year-on-year change (nominal yen)")
last = growth.iloc[-1]
print(f"FY{last['year']} vs previous year: {format_ratio(last['value'])}")
for start, end in [(1990, 2025), (2012, 2025), (2022, 2025)]:
    rate = compare.cagr(excl, start=start, end=end)["value"].iloc[0]
    print(f"CAGR FY{start}–FY{end}: {format_ratio(rate)} a year")

# %% [markdown]
# ## Growth in dollars
#
# `fx.convert` converts each fiscal year at the average rate of that fiscal year
# (April–March). A year whose average cannot be formed from the bundled rates — the
# current fiscal year, which is not over — is kept as NaN and flagged `unavailable`,
# never silently filled. For the draft year, a rate of a named day is the honest choice.

# %%
usd = fx.convert(excl, to="USD", rate="fy_average", on_missing="nan")
no_yen = set(excl.loc[excl["value"].isna(), "year"])
no_rate = [y for y in usd.loc[usd["value"].isna(), "year"] if y not in no_yen]
print("No yen figure for FY:", sorted(no_yen))
print("A yen figure but no FY-average rate yet for FY:", no_rate)
yr = 2025
row = compare.select(usd, year=yr).iloc[0]
print(f"FY{yr}: {format_money(compare.select(excl, year=yr)['value'].iloc[0], 'JPY')} = "
      f"{format_money(row['value'], 'USD')} at {format_rate(row['fx_rate'], 'JPY')} "
      f"({row['fx_basis']}, rates: {row['fx_source']})")
spot_day = "2025-12-26"  # the day the FY2026 draft was reported (see its source below)
draft = compare.select(excl, year=2026)
at_spot = fx.convert(draft, to="USD", rate=f"spot:{spot_day}")
print(f"FY2026 draft: {format_money(draft['value'].iloc[0], 'JPY')} = "
      f"{format_money(at_spot['value'].iloc[0], 'USD')} at "
      f"{format_rate(at_spot['fx_rate'].iloc[0], 'JPY')} ({at_spot['fx_basis'].iloc[0]}) "
      f"(source {draft['source'].iloc[0]})")

# %%
yen_cagr = compare.cagr(excl, start=2012, end=2025)["value"].iloc[0]
usd_cagr = compare.cagr(usd, start=2012, end=2025)["value"].iloc[0]
print(f"CAGR FY2012–FY2025: {format_ratio(yen_cagr)} in yen, {format_ratio(usd_cagr)} in dollars")
ax = dplot.trend(usd.dropna(subset=["value"]), title="Japan MOD budget in US$ at FY-average rates")

# %% [markdown]
# The yen's fall against the dollar makes growth in dollars much slower than growth in yen:
# the same budget looks flat or shrinking from Washington while it rises in Tokyo.
# Which is "right" depends on the question — yen for what Japan commits, dollars (with the
# rate named) for comparison with other countries.
#
# ## Citations

# %%
print(db.cite("japan_mod_budget"))
print()
for source_id in sorted({s for v in usd["fx_source"].dropna() for s in v.split(";")}):
    print(db.cite(source_id))

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
# # Coursework — solutions
#
# Worked answers. Each one computes the result from the package, and each self-check must say *right*.

# %%
import pandas as pd

import defbudget as db
from defbudget import compare, fx, prices
from defbudget.coursework import check

pd.set_option("display.width", 160)
pd.set_option("display.max_columns", 20)
pd.set_option("display.max_colwidth", 60)

# %% [markdown]
# ## Exercise 1: `budget_fy2026_yen`
#
# Japan's FY2026 defence budget (cabinet draft), basis excluding SACO and US-forces realignment costs, in yen.
#
# Unit: JPY. Accepted within 0.5% of the expected value.

# %%
budget = compare.select(db.load("japan_mod_budget"), measure="defense_budget",
                        basis="mod_excl_saco_realignment")
answer = compare.select(budget, year=2026)["value"].iloc[0]
budget_fy2026_yen = answer
print(f"budget_fy2026_yen = {budget_fy2026_yen:,.0f} (JPY)")

# %%
print(check("budget_fy2026_yen", budget_fy2026_yen))

# %% [markdown]
# ## Exercise 2: `yoy_fy2026`
#
# Nominal growth of that budget from FY2025 to FY2026, as a ratio (0.05 = 5 %).
#
# Unit: ratio. Accepted within ±0.001 (ratio units) of the expected value.

# %%
answer = compare.select(compare.yoy(budget), year=2026)["value"].iloc[0]
yoy_fy2026 = answer
print(f"yoy_fy2026 = {yoy_fy2026:.4f} (ratio)")

# %%
print(check("yoy_fy2026", yoy_fy2026))

# %% [markdown]
# ## Exercise 3: `cagr_2015_2025`
#
# Compound annual growth rate of the budget (excl. SACO/realignment), FY2015 to FY2025, nominal yen, as a ratio.
#
# Unit: ratio. Accepted within ±0.001 (ratio units) of the expected value.

# %%
answer = compare.cagr(budget, start=2015, end=2025)["value"].iloc[0]
cagr_2015_2025 = answer
print(f"cagr_2015_2025 = {cagr_2015_2025:.4f} (ratio)")

# %%
print(check("cagr_2015_2025", cagr_2015_2025))

# %% [markdown]
# ## Exercise 4: `usd_fy2025_fy_average`
#
# The FY2025 budget (excl. SACO/realignment) in US dollars at the FY2025 average rate (April 2025–March 2026).
#
# Unit: USD. Accepted within 1.0% of the expected value.

# %%
usd = fx.convert(budget, to="USD", rate="fy_average", on_missing="nan")
answer = compare.select(usd, year=2025)["value"].iloc[0]
usd_fy2025_fy_average = answer
print(f"usd_fy2025_fy_average = {usd_fy2025_fy_average:,.0f} (USD)")

# %%
print(check("usd_fy2025_fy_average", usd_fy2025_fy_average))

# %% [markdown]
# ## Exercise 5: `implied_rate_ap_fy2025`
#
# The yen-per-dollar rate implied by the Associated Press dollar figure for the FY2025 cabinet draft.
#
# Unit: JPY per USD. Accepted within 0.5% of the expected value.

# %%
table = db.reconcile()
answer = table.loc[table["figure_id"] == "ap-jp-draft-fy2025", "implied_rate"].iloc[0]
implied_rate_ap_fy2025 = answer
print(f"implied_rate_ap_fy2025 = {implied_rate_ap_fy2025:.2f} (JPY per USD)")

# %%
print(check("implied_rate_ap_fy2025", implied_rate_ap_fy2025))

# %% [markdown]
# ## Exercise 6: `tomahawk_unit_cost`
#
# The reported dollar value of the Tomahawk sale divided by the number of missiles (ledger figure 'thx-tomahawk-400').
#
# Unit: USD. Accepted within 1.0% of the expected value.

# %%
ledger = db.load("reported_figures")
row = ledger[ledger["figure_id"] == "thx-tomahawk-400"].iloc[0]
answer = row["value"] / row["quantity"]
tomahawk_unit_cost = answer
print(f"tomahawk_unit_cost = {tomahawk_unit_cost:,.0f} (USD)")

# %%
print(check("tomahawk_unit_cost", tomahawk_unit_cost))

# %% [markdown]
# ## Exercise 7: `real_growth_fy2020_fy2025`
#
# Real growth of the budget (excl. SACO/realignment) from FY2020 to FY2025 at 2020 prices with Japan's CPI (the package default), as a ratio.
#
# Unit: ratio. Accepted within ±0.002 (ratio units) of the expected value.

# %%
real = prices.to_constant(budget, base_year=2020, on_missing="nan").set_index("year")["value"]
answer = real[2025] / real[2020] - 1
real_growth_fy2020_fy2025 = answer
print(f"real_growth_fy2020_fy2025 = {real_growth_fy2020_fy2025:.4f} (ratio)")

# %%
print(check("real_growth_fy2020_fy2025", real_growth_fy2020_fy2025))

# %% [markdown]
# ## Exercise 8: `saco_gap_fy2025`
#
# How many yen the FY2025 budget including SACO and US-forces realignment costs exceeds the budget excluding them.
#
# Unit: JPY. Accepted within 1.0% of the expected value.

# %%
both = compare.select(db.load("japan_mod_budget"), measure="defense_budget", year=2025)
by_basis = both.set_index("basis")["value"]
answer = by_basis["mod_incl_saco_realignment"] - by_basis["mod_excl_saco_realignment"]
saco_gap_fy2025 = answer
print(f"saco_gap_fy2025 = {saco_gap_fy2025:,.0f} (JPY)")

# %%
print(check("saco_gap_fy2025", saco_gap_fy2025))

# %% [markdown]
# ## Exercise 9: `us_fy2025_months_in_2024`
#
# Fiscal-year labels: how many months of the United States' FY2025 fall in calendar year 2024?
#
# Governments name fiscal years differently. Japan's FY2025 starts in April 2025; Australia's
# and India's "2025–26" start in July and April 2025; the US names its fiscal year by the
# year it *ends* in. `defbudget.fiscal.official_label` prints each government's own name.
#
# Unit: months. Accepted within ±0.1 months of the expected value.

# %%
from defbudget.fiscal import fy_bounds

first, last = fy_bounds(2025, 10, year_is="end")  # US FY2025: named by its end year
print(first, last)
us_fy2025_months_in_2024 = 12 - first.month + 1  # October, November, December 2024

# %%
print(check("us_fy2025_months_in_2024", us_fy2025_months_in_2024))

# %% [markdown]
# ## Summary

# %%
names = [
    'budget_fy2026_yen',
    'yoy_fy2026',
    'cagr_2015_2025',
    'usd_fy2025_fy_average',
    'implied_rate_ap_fy2025',
    'tomahawk_unit_cost',
    'real_growth_fy2020_fy2025',
    'saco_gap_fy2025',
    'us_fy2025_months_in_2024',
]
results = [check(name, globals()[name]) for name in names]
done = sum(r.passed is True for r in results)
print(f"{done} of {len(results)} right")
assert done == len(results), 'a solution no longer passes its check'

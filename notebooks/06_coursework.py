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
# # Coursework: Japan's defence budget
#
# Replace each `None` with your answer, computed with defbudget (not typed in), and run the check cell below it: it says whether the answer is right and gives a hint when it is not. The expected answers are computed from the package's own data; the tolerance is printed with each question. Do not open the solutions until you have tried. Answers are in whole units (yen, dollars) or ratios (a twentieth is 0.05).

# %%
import pandas as pd

import defbudget as db
from defbudget import compare, fiscal, fx, prices
from defbudget import plot as dplot
from defbudget.coursework import check
from defbudget.formatting import format_money, format_ratio

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
# Your code here: compute the answer with defbudget, then assign it.
budget_fy2026_yen = None

# %%
print(check("budget_fy2026_yen", budget_fy2026_yen))

# %% [markdown]
# ## Exercise 2: `yoy_fy2026`
#
# Nominal growth of that budget from FY2025 to FY2026, as a ratio (0.05 = 5 %).
#
# Unit: ratio. Accepted within ±0.001 (ratio units) of the expected value.

# %%
# Your code here: compute the answer with defbudget, then assign it.
yoy_fy2026 = None

# %%
print(check("yoy_fy2026", yoy_fy2026))

# %% [markdown]
# ## Exercise 3: `cagr_2015_2025`
#
# Compound annual growth rate of the budget (excl. SACO/realignment), FY2015 to FY2025, nominal yen, as a ratio.
#
# Unit: ratio. Accepted within ±0.001 (ratio units) of the expected value.

# %%
# Your code here: compute the answer with defbudget, then assign it.
cagr_2015_2025 = None

# %%
print(check("cagr_2015_2025", cagr_2015_2025))

# %% [markdown]
# ## Exercise 4: `usd_fy2025_fy_average`
#
# The FY2025 budget (excl. SACO/realignment) in US dollars at the FY2025 average rate (April 2025–March 2026).
#
# Unit: USD. Accepted within 1.0% of the expected value.

# %%
# Your code here: compute the answer with defbudget, then assign it.
usd_fy2025_fy_average = None

# %%
print(check("usd_fy2025_fy_average", usd_fy2025_fy_average))

# %% [markdown]
# ## Exercise 5: `implied_rate_ap_fy2025`
#
# The yen-per-dollar rate implied by the Associated Press dollar figure for the FY2025 cabinet draft.
#
# Unit: JPY per USD. Accepted within 0.5% of the expected value.

# %%
# Your code here: compute the answer with defbudget, then assign it.
implied_rate_ap_fy2025 = None

# %%
print(check("implied_rate_ap_fy2025", implied_rate_ap_fy2025))

# %% [markdown]
# ## Exercise 6: `tomahawk_unit_cost`
#
# The reported dollar value of the Tomahawk sale divided by the number of missiles (ledger figure 'thx-tomahawk-400').
#
# Unit: USD. Accepted within 1.0% of the expected value.

# %%
# Your code here: compute the answer with defbudget, then assign it.
tomahawk_unit_cost = None

# %%
print(check("tomahawk_unit_cost", tomahawk_unit_cost))

# %% [markdown]
# ## Exercise 7: `real_growth_fy2020_fy2025`
#
# Real growth of the budget (excl. SACO/realignment) from FY2020 to FY2025 at 2020 prices with Japan's CPI (the package default), as a ratio.
#
# Unit: ratio. Accepted within ±0.002 (ratio units) of the expected value.

# %%
# Your code here: compute the answer with defbudget, then assign it.
real_growth_fy2020_fy2025 = None

# %%
print(check("real_growth_fy2020_fy2025", real_growth_fy2020_fy2025))

# %% [markdown]
# ## Exercise 8: `saco_gap_fy2025`
#
# How many yen the FY2025 budget including SACO and US-forces realignment costs exceeds the budget excluding them.
#
# Unit: JPY. Accepted within 1.0% of the expected value.

# %%
# Your code here: compute the answer with defbudget, then assign it.
saco_gap_fy2025 = None

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
# Your code here: compute the answer with defbudget, then assign it.
us_fy2025_months_in_2024 = None

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

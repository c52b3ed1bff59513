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
# # "$55.5B or $60.1B?" — why press figures for the same budget differ
#
# The same yen budget appears in English-language news as several dollar figures. Mostly
# the difference is the exchange rate each outlet used (and rarely says which); sometimes it
# is a different budget (request vs draft, with or without SACO/realignment costs) or a
# rounding. `reconcile()` back-solves each figure's rate and checks it against named rates.

# %%
import pandas as pd

import defbudget as db
from defbudget import plot as dplot
from defbudget.formatting import format_money
from defbudget.tables import format_rate

pd.set_option("display.width", 160)
pd.set_option("display.max_columns", 20)
pd.set_option("display.max_colwidth", 60)

# %% [markdown]
# ## The ledger of reported figures (budgets only)

# %%
ledger = db.load("reported_figures")
budgets = ledger[ledger["refers_to"] == "budget"]
db.show(budgets, ["outlet", "year", "stage", "amount_as_printed", "local_amount",
                 "budget_basis"])

# %% [markdown]
# ## Back-solving the rate
#
# For each figure: the yen amount it converts, the rate it implies (with the range that
# rounding of the printed figure allows), the fiscal-year, calendar-year and publication-day
# rates, and a verdict.

# %%
table = db.reconcile(country="Japan")
db.show(table, ["budget", "outlet", "reported_usd", "local_amount", "implied_rate",
                "fy_average_rate", "spot_rate", "supported"])

# %%
for name, group in table.groupby("budget", sort=False):
    group = group.dropna(subset=["reported_usd"])
    if group.empty:
        continue
    lo, hi = group["reported_usd"].min(), group["reported_usd"].max()
    fy_avg = group["fy_average_rate"].iloc[0]
    print(f"{name}: {len(group)} figures from {format_money(lo)} to {format_money(hi)}; "
          f"implied rates {format_rate(group['implied_rate'].min(), 'JPY')} to "
          f"{format_rate(group['implied_rate'].max(), 'JPY')}; FY-average "
          + (format_rate(fy_avg, "JPY") if pd.notna(fy_avg) else "not yet known (FY not over)"))

# %% [markdown]
# ## The answer: $55.5B and $60.1B
#
# Both figures convert the same enacted FY2025 budget (incl. SACO/realignment). The yen
# amount divided by each dollar figure gives the rate each outlet must have used:

# %%
initial = table[table["budget"].str.contains("FY2025 initial")]
for _, r in initial.iterrows():
    print(f"{r['outlet']}: {format_money(r['reported_usd'])} for "
          f"{format_money(r['local_amount'], 'JPY')} implies "
          f"{format_rate(r['implied_rate'], 'JPY')} — {r['verdict']}")

# %% [markdown]
# ## The reconciliation chart, one per budget

# %%
for name in table["budget"].unique():
    if table.loc[table["budget"] == name, "reported_usd"].notna().any():
        dplot.reconciliation_dots(table, budget=name)

# %% [markdown]
# ## Reading it
#
# - A figure whose implied rate sits near the rate of its publication week is a *spot*
#   conversion: correct on the day, but not comparable with a figure converted a year later.
# - A figure that matches no rate in the period usually converts a different yen amount:
#   check the stage (request vs cabinet draft vs enacted) and basis columns.
# - For comparisons across years, convert every year on one stated basis (for example
#   `fx.convert(..., rate="fy_average")`) and name it on the chart.
#
# ## Citations

# %%
ids = {s for col in ("source", "fx_source") for v in table[col].dropna() for s in v.split(";")}
for source_id in sorted(ids):
    print(db.cite(source_id))

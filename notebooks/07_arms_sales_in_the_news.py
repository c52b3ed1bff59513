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
# # Arms sales and programmes in the news
#
# News of Japan's purchases from the United States gives single dollar figures — for
# Tomahawk cruise missiles, SM-6 interceptors, the Glide Phase Interceptor (GPI), support
# for the Hyper Velocity Gliding Projectile (HVGP). These are different kinds of number:
#
# - **FMS notification** (DSCA to Congress): a *ceiling* for a possible sale — maximum
#   quantities and value, including support, training, spares and services. The contract
#   that follows is often smaller, sometimes never signed.
# - **Sale / agreement value**: what the two governments agreed, typically still including
#   support, integration and logistics, not only the rounds.
# - **Programme cost projection**: development cost over many years, shared between
#   partners, in then-year or constant dollars, and revised as the programme goes on.
#
# So a "unit cost" made by dividing a sale value by a quantity is an *upper bound on the
# price per round*: it spreads every support item over the missiles. The table below gives
# each figure with what it refers to and its outlet.

# %%
import pandas as pd

import defbudget as db
from defbudget import compare, fx
from defbudget.formatting import format_money, format_ratio

pd.set_option("display.width", 160)
pd.set_option("display.max_columns", 20)
pd.set_option("display.max_colwidth", 60)

# %%
ledger = db.load("reported_figures")
deals = ledger[ledger["refers_to"].isin(["sale", "programme"])].copy()
deals["reported"] = deals["value"].map(format_money)
deals["per_unit"] = [format_money(v / q) if pd.notna(q) else "" for v, q in
                     zip(deals["value"], deals["quantity"], strict=True)]
db.show(deals.assign(stage=deals["stage"].fillna("not stated")),
        ["item", "stage", "year", "quantity", "reported", "per_unit", "outlet"])

# %% [markdown]
# ## What each figure does and does not include

# %%
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

# %% [markdown]
# ## Against the budget
#
# How large are these figures next to the annual MOD budget? The shares below use the FY2025
# budget converted at the FY2025 average rate — a rough scale, since sales are paid over
# several years.

# %%
excl = compare.select(db.load("japan_mod_budget"), measure="defense_budget",
                      basis="mod_excl_saco_realignment", year=2025)
usd = fx.convert(excl, to="USD", rate="fy_average")
annual = usd["value"].iloc[0]
print(f"FY2025 MOD budget: {format_money(annual)} ({usd['fx_basis'].iloc[0]}, "
      f"{usd['fx_source'].iloc[0]})")
for _, r in deals.drop_duplicates(["item", "value"]).iterrows():
    print(f"  {r['item']}: {format_ratio(r['value'] / annual)} of one year's budget")

# %% [markdown]
# ## Citations, one per row

# %%
for _, r in deals.iterrows():
    print(f"{r['figure_id']}: {db.cite(r['source'])}")
print(db.cite("japan_mod_budget"))

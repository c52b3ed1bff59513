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
# # What did each Indo-Pacific government announce for 2026?
#
# In which fiscal year, in which currency, at which stage — and what is it in dollars?
#
# Each government names its fiscal year its own way. China, South Korea and Taiwan budget
# by calendar year. Japan's FY2026 runs from April 2026 to March 2027, and India's "2026–27"
# also starts in April. Australia's "2026–27" starts in July. The US FY2026 is named by the
# year it *ends* in: it runs from October 2025 to September 2026. The `official_budgets`
# dataset stores each year with its months, so nothing is left to guess. Every value cites
# a page, and the sentence it is quoted from is in `OFFICIAL_BUDGETS_NOTES.md`.

# %%
import pandas as pd

import defbudget as db
from defbudget import fx, official
from defbudget.fiscal import fy_bounds
from defbudget.formatting import format_money
from defbudget.official import HEADLINE_BASIS

pd.set_option("display.width", 160)
pd.set_option("display.max_colwidth", 60)

# Japan's MOD budgets and the official_budgets dataset, each row with the government's own
# name of its fiscal year (fy_label, built by defbudget.fiscal.official_label)
budgets = official.budgets()

# %% [markdown]
# ## The 2026 budgets as announced
#
# We keep each country's headline basis (`defbudget.official.HEADLINE_BASIS`), plus Taiwan's
# total defence budget, and the fiscal year the government itself calls 2026
# (`year == 2026`). The US row is named by its end year, so `year == 2026` is FY2026
# (Oct 2025–Sep 2026).

# %%
def months(row) -> str:
    first, last = fy_bounds(row["year"], row["fy_start_month"], year_is=row["fy_year_is"])
    return f"{first:%b %Y}–{last:%b %Y}"


shown = (budgets["basis"] == budgets["iso3"].map(HEADLINE_BASIS)) | (
    budgets["basis"] == "twn_total_defence_budget")
y2026 = budgets[(budgets["year"] == 2026) & shown].copy()
y2026["months"] = y2026.apply(months, axis=1)
y2026["amount"] = [format_money(v, u, sig=4) if pd.notna(v) else "not available"
                   for v, u in zip(y2026["value"], y2026["unit"], strict=True)]
y2026["stage"] = y2026["stage"].fillna("")
y2026[["country", "fy_label", "months", "basis", "stage", "amount", "source"]]

# %% [markdown]
# Two things to notice. The stages differ: China's figure is the draft budget laid before
# the National People's Congress; South Korea's budget has been passed; Taiwan's and India's
# are proposals; the US figure is the President's request. Taiwan's total for 2026 counts
# the coast guard and veterans' affairs for the first time. And some years are missing: the
# dataset says why instead of guessing.

# %%
missing = budgets[(budgets["year"] == 2026) & budgets["value"].isna()
                  & (budgets["basis"] == budgets["iso3"].map(HEADLINE_BASIS))]
for row in missing.itertuples():
    print(f"{row.country} {row.fy_label}: {row.note}")

# %% [markdown]
# ## What is it in dollars?
#
# None of these fiscal years is over, so no fiscal-year-average rate exists yet. What a
# reader can use is the rate on the day the budget was published (ECB reference rates; the
# last business day before, when the day is a holiday). The ECB does not publish a rate for
# the New Taiwan dollar, and the kit ships no other TWD source, so Taiwan stays in NT$.

# %%
rows = []
for row in y2026[y2026["value"].notna()].itertuples():
    published = row.published if isinstance(row.published, str) else ""
    if row.unit == "USD":
        usd, rate_text = row.value, "already in US$"
    elif len(published) == 10:
        try:
            spot = fx.spot(row.unit, "USD", date=published)
            usd = row.value / spot.rate
            rate_text = f"{spot.rate:,.3f} {row.unit}/US$ on {spot.date}"
        except fx.RateUnavailableError:
            usd, rate_text = float("nan"), f"no {row.unit} rate source"
    else:
        usd, rate_text = float("nan"), "no publication day in the dataset"
    rows.append({"country": row.country, "fiscal year": row.fy_label,
                 "budget": format_money(row.value, row.unit, sig=4),
                 "in US$": format_money(usd, "USD", sig=3) if usd == usd else "–",
                 "rate": rate_text})
pd.DataFrame(rows)

# %% [markdown]
# ## And what did the press print?
#
# `reconcile()` takes every US-dollar figure the press printed next to these budgets,
# back-solves the exchange rate it implies, and says which rate explains it.

# %%
table = db.reconcile()
press = table[table["year"] == 2026].copy()
press["printed"] = [format_money(v, "USD", sig=3) for v in press["reported_usd"]]
press["implied rate"] = [f"{r:,.3f} {u}/US$" for r, u in
                         zip(press["implied_rate"], press["local_unit"], strict=True)]
press["verdict"] = press["verdict"].str.split(";").str[0]
press["published"] = press["published"].fillna("")
press[["budget", "outlet", "published", "printed", "implied rate", "verdict"]]

# %% [markdown]
# Taiwan's NT$949.5 billion total defence budget was "US$31.3 billion" in one report: an
# implied rate of about 30.4 NT$ per dollar, which the kit cannot check without a TWD rate.
# South Korea's 66.3 trillion won was "$47.1 billion": 1,407.6 won per dollar, the rate of
# the day it was reported.
#
# **Takeaway.** Before comparing two countries' 2026 budgets, check three things the
# headline leaves out: which months the "2026" covers, which stage the figure is at, and
# which exchange rate turned it into dollars.

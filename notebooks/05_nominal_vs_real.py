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
# # Nominal vs real: price indices, base years, and SIPRI releases
#
# A "constant-price" figure is a nominal figure divided by a price index and multiplied by
# the index's value in a base year. Change the index or the base year and every constant
# figure changes; growth rates change only with the index. SIPRI re-bases its constant US
# dollars each release, and revises past years, so two releases disagree on the same year.

# %%
import warnings

import pandas as pd

import defbudget as db
from defbudget import compare, fiscal, prices
from defbudget.formatting import format_money, format_ratio

pd.set_option("display.width", 160)
pd.set_option("display.max_columns", 20)
pd.set_option("display.max_colwidth", 60)

# %% [markdown]
# ## The shipped price indices

# %%
pi = db.load("price_indices")
pi.groupby(["basis", "period", "index_base", "source"], dropna=False)["year"].agg(["min", "max"])

# %% [markdown]
# ## Japan's budget at constant prices: the base year scales, the index shapes

# %%
excl = compare.select(db.load("japan_mod_budget"), measure="defense_budget",
                      basis="mod_excl_saco_realignment")
real20 = prices.to_constant(excl, base_year=2020, on_missing="nan")
real25 = prices.to_constant(excl, base_year=2025, on_missing="nan")
nominal_growth = excl.set_index("year")["value"]
frame = pd.DataFrame({"nominal": nominal_growth,
                      "constant_2020_prices": real20.set_index("year")["value"],
                      "constant_2025_prices": real25.set_index("year")["value"]}).dropna()
print(frame.map(lambda v: format_money(v, "JPY")).to_string())
g20 = frame["constant_2020_prices"].pct_change().dropna()
g25 = frame["constant_2025_prices"].pct_change().dropna()
print("Real growth identical under both base years:", bool(((g20 - g25).abs() < 1e-12).all()))
gn = frame["nominal"].pct_change().dropna()
print(pd.DataFrame({"nominal": gn.map(format_ratio), "real": g20.map(format_ratio)}).to_string())

# %% [markdown]
# ## Constant US dollars: two methods
#
# SIPRI deflates in local currency with the country's own price index and converts at the
# base year's exchange rate. Converting each year at its own rate first and deflating with a
# US index gives a different series: exchange-rate swings enter it.

# %%
# The US deflator is by calendar year, so put Japan's fiscal years on calendar years first.
cal = fiscal.calendarise(excl, rule="sipri_even_spread").dropna(subset=["value"])
recent = cal[cal["year"].between(2013, 2024)]
sipri_way = prices.constant_usd(recent, base_year=2023, method="sipri")
other_way = prices.constant_usd(recent, base_year=2023, method="convert_then_deflate")
both = pd.DataFrame({"sipri": sipri_way.set_index("year")["value"],
                     "convert_then_deflate": other_way.set_index("year")["value"]}).dropna()
print(both.map(format_money).to_string())
print(db.cite("price_indices"))

# %% [markdown]
# ## Why SIPRI's constant dollars change between releases
#
# Two SIPRI releases: the one `DEFBUDGET_SIPRI` names (or the newest in the folder it names)
# and the release before it, found beside it in the same folder — or set `OLDER_RELEASE`
# below to the path of another workbook. Dividing one by the other for Japan separates two
# effects: a *re-basing* moves every year by roughly the same factor (US inflation and the
# base-year exchange rate), while *revisions* to the underlying data move individual years.

# %%
import os
from pathlib import Path

from defbudget.readers.sipri import sipri_release_info

OLDER_RELEASE = None  # or the path of another SIPRI workbook to compare with

where = Path(os.environ["DEFBUDGET_SIPRI"]) if os.environ.get("DEFBUDGET_SIPRI") else None
folder = None if where is None else where if where.is_dir() else where.parent
found = sorted(folder.glob("SIPRI-Milex-data-*.xlsx")) if folder else []
if OLDER_RELEASE:
    found.append(Path(OLDER_RELEASE))
editions = {}
for path in found:
    info = sipri_release_info(path)
    editions.setdefault(info["edition"], path)  # one workbook per edition
named_file = where is not None and where.is_file()
newest = sipri_release_info(where)["edition"] if named_file else max(editions, default=0)
earlier = [e for e in editions if e < newest]
HAVE_TWO = bool(earlier) and newest in editions
if not HAVE_TWO:
    print("This part needs two SIPRI releases: DEFBUDGET_SIPRI naming one workbook (or a "
          "folder) with an earlier release beside it, or OLDER_RELEASE set above (e.g. "
          "SIPRI-Milex-data-1949-2023.xlsx and SIPRI-Milex-data-1949-2024.xlsx from "
          "https://www.sipri.org/databases/milex; see 'Where the SIPRI workbook comes from' "
          "in the README). Skipped.")
else:
    older, newer = editions[max(earlier)], (where if named_file else editions[newest])
    series = {}
    for path in (older, newer):
        rel = sipri_release_info(path)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            frame = db.read_sipri(path, sheets=["constant_usd", "current_usd", "lcu_fy"])
        about_japan = [str(w.message) for w in caught if "Japan" in str(w.message)]
        jp = compare.select(frame, country="Japan")
        series[rel["base_year"]] = (rel, jp)
        print(f"{path.name}: SIPRI release {rel['edition']}, constant US$ of {rel['base_year']}"
              f" (reader notes on footnotes: {len(caught)}, "
              f"on Japan: {len(about_japan)})")
        for text in about_japan:
            print("   -", text)
        print("  ", db.cite(rel["source"]))

# %%
if HAVE_TWO:
    (b_old, (r_old, jp_old)), (b_new, (r_new, jp_new)) = sorted(series.items())
    def col(jp, **kw):
        return compare.select(jp, **kw).set_index("year")["value"]
    cmp_ = pd.DataFrame({
        f"constant_{b_old}": col(jp_old, price_basis="constant"),
        f"constant_{b_new}": col(jp_new, price_basis="constant"),
        "lcu_old": col(jp_old, unit="JPY"), "lcu_new": col(jp_new, unit="JPY"),
    }).dropna()
    cmp_["constant_ratio"] = cmp_[f"constant_{b_new}"] / cmp_[f"constant_{b_old}"]
    cmp_["yen_revision"] = cmp_["lcu_new"] / cmp_["lcu_old"] - 1
    tail = cmp_[cmp_.index >= 2010]
    print(tail[["constant_ratio", "yen_revision"]].assign(
        constant_ratio=tail["constant_ratio"].round(4),
        yen_revision=tail["yen_revision"].map(format_ratio)).to_string())
    spread = cmp_["constant_ratio"]
    print(f"Constant-dollar ratio new/old over {cmp_.index.min()}–{cmp_.index.max()}: median "
          f"{spread.median():.4f}, range {spread.min():.4f}–{spread.max():.4f}")
    changed = int((cmp_["yen_revision"].abs() > 1e-9).sum())
    print(f"Years whose local-currency figure was revised: {changed} of {len(cmp_)}")

# %% [markdown]
# If the ratio were the same in every year, the two releases would differ only by re-basing;
# its spread across years measures the revisions and changes in SIPRI's deflators. Quote a
# constant-dollar figure with its release and base year, and never mix releases in one chart.

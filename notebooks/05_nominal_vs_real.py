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
# ## What SIPRI revised: rebasing versus revision
#
# Every SIPRI release changes numbers you may already have quoted, for two different reasons:
#
# - **Rebasing.** Constant-dollar figures are expressed in the prices of a base year, and
#   each release moves the base year forward (constant 2022 US\$ in the release covering
#   1949–2023, constant 2023 US\$ in the one covering 1949–2024). That multiplies a
#   country's whole constant-dollar series by one factor, SIPRI's own ratio between the two
#   price levels. Nothing about the spending changed.
# - **Revision.** SIPRI also corrects the data: a budget turned into actual outturn, a
#   country published new figures, an estimate became final, an exchange rate or a GDP
#   figure was revised. Those change individual years, in current dollars too.
#
# `db.sipri_revisions(old, new)` separates the two. It matches countries by ISO3 code, then
# by name (a renamed country is a rename, not a removal plus an addition), rebases the old
# release's constant-dollar series with SIPRI's own ratio (the new release's constant-dollar
# value of the old base year divided by its current-dollar value of that year) and only then
# compares. Each row is one country, sheet and year that changed, with a `change` category:
# `revised`, `flag_changed`, `added`, `removed`, `country_renamed` or `rebased`.
#
# The cells below look for two releases through `DEFBUDGET_SIPRI` (a workbook, or a folder
# of them): the newest release there, and the release before it beside it.

# %%
import os
from pathlib import Path

import pandas as pd

import defbudget as db
from defbudget import compare, plot
from defbudget.formatting import format_money
from defbudget.readers.sipri import WORKBOOK_GLOB, sipri_release_info
from defbudget.revisions import rebasing_factors


def sipri_releases(setting: str | None) -> list[Path]:
    """The SIPRI workbooks at DEFBUDGET_SIPRI: the file itself and those beside it, or
    every workbook in the folder; oldest first (by edition, last data year, file name)."""
    if not setting:
        return []
    where = Path(setting).expanduser()
    folder = where if where.is_dir() else where.parent
    found = set(folder.glob(WORKBOOK_GLOB)) | ({where} if where.is_file() else set())
    info = {}
    for path in found:
        try:
            info[path] = sipri_release_info(path)
        except (OSError, ValueError) as exc:  # not a readable SIPRI workbook: say so
            print(f"Left out {path.name}: {exc}")
    return sorted(info, key=lambda p: (info[p]["edition"], info[p]["last_year"], p.name))


OLDER_RELEASE = None  # or the path of another SIPRI workbook to compare with

setting = os.environ.get("DEFBUDGET_SIPRI")
releases = sipri_releases(setting)
named = Path(setting).expanduser() if setting and Path(setting).expanduser().is_file() else None
newer = named or (releases[-1] if releases else None)
if OLDER_RELEASE:
    older = Path(OLDER_RELEASE).expanduser()
else:  # the latest release of an earlier edition than the newer one
    edition = sipri_release_info(newer)["edition"] if newer else None
    earlier = [p for p in releases if sipri_release_info(p)["edition"] < edition] \
        if newer else []
    older = earlier[-1] if earlier else None
HAVE_TWO = older is not None and newer is not None
if HAVE_TWO:
    for label, path in (("Old", older), ("New", newer)):
        info = sipri_release_info(path)
        print(f"{label} release: {path.name}: SIPRI release {info['edition']}, constant US$ "
              f"of {info['base_year']}")
else:
    print(f"This section needs two SIPRI releases of different editions; found "
          f"{len(releases)} workbook(s) at DEFBUDGET_SIPRI. Set DEFBUDGET_SIPRI to a folder "
          "holding two releases (for example "
          "SIPRI-Milex-data-1949-2023.xlsx and SIPRI-Milex-data-1949-2024_2.xlsx, both from "
          "https://www.sipri.org/databases/milex; see the README), or to one of them with "
          "the other beside it, or set OLDER_RELEASE above. Skipped.")

# %%
if HAVE_TWO:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # row-level reader notes (Myanmar's fiscal year)
        old_frame, new_frame = db.read_sipri(older), db.read_sipri(newer)
    rev = db.sipri_revisions(old_frame, new_frame)
    print(db.revisions_summary(rev))
    for frame in (old_frame, new_frame):
        print(db.cite(frame["source"].iloc[0]))

# %% [markdown]
# ## Japan: what changed, and what was only rebased
#
# In current US dollars there is no base year, so every row is a real revision. In constant
# dollars, compare the old figure *after* rebasing (`old_value_rebased`) with the new one:
# where they agree, the change is the base year alone (`rebased`); where they do not, SIPRI
# also revised the year.

# %%
if HAVE_TWO:
    japan = rev[rev["country"] == "Japan"]
    cols = ["sheet", "year", "old_value", "old_value_rebased", "new_value", "rel_change",
            "old_flag", "new_flag", "change"]
    cur = japan[japan["sheet"] == "current_usd"][cols]
    def money(v):
        return format_money(v, "USD", sig=4)

    print(cur.assign(old_value=cur["old_value"].map(money),
                     old_value_rebased=cur["old_value_rebased"].map(money),
                     new_value=cur["new_value"].map(money),
                     rel_change=cur["rel_change"].map(lambda r: "" if pd.isna(r) else f"{r:+.2%}"))
          .fillna("").to_string(index=False))
    const = japan[japan["sheet"] == "constant_usd"]
    print("\nJapan, constant US$:", const["change"].value_counts().to_dict())
    factors = rebasing_factors(old_frame, new_frame)
    if len(factors):
        jp = factors[(factors["sheet"] == "constant_usd") & (factors["country"] == "Japan")]
        row = jp.iloc[0]
        print(f"SIPRI's factor from constant {row['old_base_year']} to constant "
              f"{row['base_year']} US$ for Japan: {row['rebase_factor']:.4f} "
              f"({row['factor_from']})")
    else:
        print("Both releases use the same base year: nothing to rebase.")

# %%
if HAVE_TWO:
    group = [c for c in ("JPN", "CHN", "KOR", "AUS", "IND", "TWN")
             if ((rev["iso3"] == c) & (rev["sheet"] == "current_usd")
                 & (rev["change"] == "revised")).any()]
    if group:
        plot.revision_dots(rev, countries=group)
    else:
        print("None of Japan, China, South Korea, Australia, India and Taiwan has a revised "
              "current-US$ figure between these two releases.")

# %% [markdown]
# ## Never mix editions
#
# SIPRI's advice is to take every figure of a chart or a table from one edition. The kit
# enforces it: a frame holding the same country and year twice, once per release, is
# refused by `compare.rank` with an error naming both sources, and the fix is to keep one.

# %%
if HAVE_TWO:
    year = int(min(old_frame["year"].max(), new_frame["year"].max()))
    mixed = pd.concat([compare.select(old_frame, measure="milex", price_basis="current",
                                      unit="USD", period="CY"),
                       compare.select(new_frame, measure="milex", price_basis="current",
                                      unit="USD", period="CY")])
    try:
        compare.rank(mixed, year=year)
    except ValueError as exc:
        print(f"{type(exc).__name__}: {exc}")
    one = compare.select(mixed, source=new_frame["source"].iloc[0])
    top = compare.rank(one, year=year).head(5)
    print(f"\nOne edition ({new_frame['source'].iloc[0]}), {year}, current US$:")
    print(top[["rank", "country", "value"]].assign(
        value=top["value"].map(format_money)).to_string(index=False))

# %% [markdown]
# Quote a SIPRI figure with its edition (and, in constant dollars, its base year), cite the
# edition you used, and when a newer edition arrives, run `db.sipri_revisions` (or
# `defbudget sipri diff OLD.xlsx NEW.xlsx` in a terminal) to see which of your numbers it
# changed and why.

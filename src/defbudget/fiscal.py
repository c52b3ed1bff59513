"""Fiscal-year conventions, labels and calendarisation.

A fiscal year (FY) in a defbudget frame is labelled by the calendar year it **starts** in, the
convention of SIPRI's financial-year sheet ("Financial years are always treated as starting
in the specified year. For example for countries with an FY of October-September, FY1974
means October 1974-September 1975"). Japan's FY2025 is April 2025 to March 2026.

A frame may instead carry a year as its government writes it: the optional ``fy_year_is``
column says whether ``year`` is the calendar year the fiscal year **starts** in (``"start"``,
the default when the column is absent or empty) or **ends** in (``"end"``). The United States
names its fiscal year by the year it ends in, so the shipped ``official_budgets`` rows for
US FY2025 (October 2024 to September 2025) have ``year=2025, fy_start_month=10,
fy_year_is="end"``. :func:`fy_bounds`, :func:`calendarise` and the fiscal-year averages of
:mod:`defbudget.fx` read the column, so both conventions give the same months.
:func:`official_label` prints each government's own name ("FY2025", "2025–26", "2025").

Two calendarisation rules are offered, and the result always names the one used in its
``calendarised`` column:

``"sipri_even_spread"``
    SIPRI's rule: spending is spread evenly over the months of a fiscal year, so calendar
    year *t* receives the share of each fiscal year falling in it. For a fiscal year
    starting in month *m*, CY *t* = (m−1)/12 · FY(t−1) + (13−m)/12 · FY *t*
    (April starts: ¼·FY(t−1) + ¾·FY *t*).
``"majority_year"``
    Each fiscal year is relabelled with the calendar year holding most of its months; values
    are unchanged. A July start splits 6/6 and needs ``tie="start"`` or ``tie="end"``.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping

import numpy as np
import pandas as pd

from defbudget import vocabulary
from defbudget._deprecate import renamed_keywords
from defbudget.schema import coerce

__all__ = [
    "FY_START_MONTH",
    "FY_START_MONTH_HISTORY",
    "FY_YEAR_IS",
    "RULES",
    "YEAR_IS",
    "calendarise",
    "fiscal_year_of",
    "fy_bounds",
    "fy_label",
    "fy_start_month",
    "official_label",
    "official_labels",
    "start_year",
    "start_years",
]

#: Month (1–12) in which the current fiscal year starts, keyed by ISO 3166-1 alpha-3.
#: Source: SIPRI Military Expenditure Database (2025 release, SIPRI-Milex-data-1949-2024),
#: sheet "Local currency financial years", column "Fiscal Year (Jan-Dec if not stated)":
#: Japan, United Kingdom, India, Canada, South Africa, Singapore, Iran "Apr-Mar"; Australia,
#: Egypt, Pakistan, New Zealand "Jul-Jun"; Thailand "Oct-Sep"; China, South Korea, Germany,
#: France, Russia, Brazil blank (= Jan-Dec); Taiwan "From 2000: Jan-Dec".
#: The USA is blank in that sheet (SIPRI reports US spending by calendar year), but the US
#: federal fiscal year begins on 1 October (31 U.S.C. § 1102), so USA is 10 here.
FY_START_MONTH: Mapping[str, int] = {
    "JPN": 4, "GBR": 4, "IND": 4, "CAN": 4, "ZAF": 4, "SGP": 4, "IRN": 4,
    "AUS": 7, "EGY": 7, "PAK": 7, "NZL": 7,
    "USA": 10, "THA": 10,
    "KOR": 1, "CHN": 1, "DEU": 1, "FRA": 1, "TWN": 1, "RUS": 1, "BRA": 1, "ITA": 1,
    "ESP": 1, "POL": 1, "UKR": 1, "ISR": 1, "SAU": 1, "TUR": 1, "NLD": 1, "SWE": 1,
    "NOR": 1, "PHL": 1, "IDN": 1, "VNM": 1, "PRK": 1,
}

#: Earlier conventions: ISO3 -> ((last_year, start_month), ...) meaning "fiscal years up to
#: and including last_year started in start_month". Same SIPRI sheet: Taiwan "Till: 1998
#: Jul-Jun, 1999: Jul-Dec, From 2000: Jan-Dec" (1999 was a six-month transition period).
FY_START_MONTH_HISTORY: Mapping[str, tuple[tuple[int, int], ...]] = {
    "TWN": ((1998, 7),),
}
#: Transition periods that were not 12 months long, so no start month describes them.
_TRANSITION_YEARS: Mapping[str, tuple[int, ...]] = {"TWN": (1999,)}

#: Which calendar year a government's own fiscal-year name gives: ``"end"`` where the name is
#: the year the fiscal year ends in (the US), ``"start"`` elsewhere
#: (:data:`defbudget.vocabulary.FY_YEAR_IS`; its styles are in ``FY_LABEL_STYLE`` there).
FY_YEAR_IS: Mapping[str, str] = vocabulary.FY_YEAR_IS
#: Values of the ``fy_year_is`` column.
YEAR_IS = ("start", "end")

#: The calendarisation rules :func:`calendarise` knows.
RULES = ("sipri_even_spread", "majority_year")

_MONTH_ABBR = calendar.month_abbr  # locale-independent in the C locale: Jan, Feb, ...


def _check_month(start_month) -> int:
    try:
        m = int(start_month)
    except (TypeError, ValueError):
        m = 0
    if isinstance(start_month, bool) or m != start_month or not 1 <= m <= 12:
        raise ValueError(f"fiscal-year start month {start_month!r} is not a month number; "
                         "expected an integer 1–12 (4 for April, 10 for October).")
    return m


def fy_start_month(iso3: str, *, year: int | None = None) -> int:
    """Month in which a country's fiscal year starts.

    Parameters
    ----------
    iso3
        ISO 3166-1 alpha-3 code, e.g. ``"JPN"``.
    year
        The fiscal year (labelled by its start year) for countries whose convention
        changed; the current convention when omitted.

    Returns
    -------
    int
        Month number 1–12 (1 = the fiscal year is the calendar year).

    Examples
    --------
    >>> fy_start_month("JPN")
    4
    >>> fy_start_month("TWN", year=1990), fy_start_month("TWN", year=2024)
    (7, 1)
    """
    if not isinstance(iso3, str) or iso3.upper() not in FY_START_MONTH:
        known = ", ".join(sorted(FY_START_MONTH))
        raise KeyError(f"no fiscal-year convention known for {iso3!r}; expected an ISO3 code "
                       f"among {known}. Set the frame's fy_start_month column for it instead.")
    code = iso3.upper()
    if year is not None:
        if year in _TRANSITION_YEARS.get(code, ()):
            raise ValueError(f"{code} FY{year} was a transition period shorter than 12 months "
                             "(SIPRI financial-year sheet); no start month describes it.")
        for last_year, month in FY_START_MONTH_HISTORY.get(code, ()):
            if year <= last_year:
                return month
    return FY_START_MONTH[code]


_country_start_month = fy_start_month  # for functions whose fy_start_month= shadows it


def _check_year_is(year_is) -> str:
    if year_is is None or (not isinstance(year_is, str) and pd.isna(year_is)):
        return "start"
    if year_is not in YEAR_IS:
        raise ValueError(f"year_is={year_is!r} is not understood; expected 'start' (the year "
                         "is the calendar year the fiscal year starts in) or 'end' (the year "
                         "it ends in, as the US names its fiscal years).")
    return year_is


@renamed_keywords(start_month="fy_start_month")
def start_year(year: int, fy_start_month: int, year_is: str | None = "start") -> int:
    """The calendar year a fiscal year starts in, whichever year names it.

    Parameters
    ----------
    year
        The fiscal year's name: its start year (``year_is="start"``) or its end year
        (``year_is="end"``).
    fy_start_month
        First month of the fiscal year (1–12).
    year_is
        ``"start"`` (default; also for None) or ``"end"``.

    Examples
    --------
    >>> start_year(2025, 10, "end")  # US FY2025 starts in October 2024
    2024
    >>> start_year(2025, 4), start_year(2025, 1, "end")
    (2025, 2025)
    """
    m = _check_month(fy_start_month)
    if _check_year_is(year_is) == "end" and m != 1:
        return int(year) - 1
    return int(year)


@renamed_keywords(start_month="fy_start_month")
def fy_bounds(year: int, fy_start_month: int, *, year_is: str | None = "start"
              ) -> tuple[dt.date, dt.date]:
    """First and last day of a fiscal year.

    Parameters
    ----------
    year
        The fiscal year: the calendar year it starts in, or with ``year_is="end"`` the one it
        ends in (the US naming).
    fy_start_month
        First month of the fiscal year (1–12).
    year_is
        ``"start"`` (default) or ``"end"``.

    Examples
    --------
    >>> fy_bounds(2025, 4)
    (datetime.date(2025, 4, 1), datetime.date(2026, 3, 31))
    >>> fy_bounds(2025, 1)
    (datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))
    >>> fy_bounds(2025, 10, year_is="end")  # US FY2025
    (datetime.date(2024, 10, 1), datetime.date(2025, 9, 30))
    """
    m = _check_month(fy_start_month)
    year = start_year(year, m, year_is)
    first = dt.date(int(year), m, 1)
    last = dt.date(int(year) + 1, m, 1) - dt.timedelta(days=1)
    return first, last


@renamed_keywords(start_month="fy_start_month")
def fiscal_year_of(date: dt.date | str, fy_start_month: int, *,
                   year_is: str | None = "start") -> int:
    """The fiscal year containing *date*, named by its start year (or end year).

    Examples
    --------
    >>> fiscal_year_of("2026-02-15", 4)
    2025
    >>> fiscal_year_of("2026-04-01", 4)
    2026
    >>> fiscal_year_of("2024-10-01", 10, year_is="end")  # first day of US FY2025
    2025
    """
    m = _check_month(fy_start_month)
    d = pd.Timestamp(date)
    first = d.year if d.month >= m else d.year - 1
    return first + 1 if _check_year_is(year_is) == "end" and m != 1 else first


@renamed_keywords(start_month="fy_start_month")
def official_label(iso3: str | None, year: int, fy_start_month: int | None = None, *,
                   year_is: str | None = None) -> str:
    """A fiscal year as its government writes it: "FY2025", "2025–26" or "2025".

    Parameters
    ----------
    iso3
        Country (ISO3); decides the style: Australia and India write "2025–26", Japan and
        the United States "FY2025", calendar-year countries "2025".
    year
        The year as the frame holds it.
    fy_start_month
        First month of the fiscal year; the country's convention when omitted.
    year_is
        Whether *year* is the start or the end year (see :data:`FY_YEAR_IS`); ``"start"`` when
        omitted.

    Examples
    --------
    >>> official_label("USA", 2025, 10, year_is="end")
    'FY2025'
    >>> official_label("AUS", 2025, 7), official_label("IND", 2025, 4)
    ('2025–26', '2025–26')
    >>> official_label("JPN", 2025, 4), official_label("CHN", 2025, 1)
    ('FY2025', '2025')
    >>> official_label("USA", 2024, 10)  # a start-labelled frame row of US FY2025
    'FY2025'
    """
    code = iso3.upper() if isinstance(iso3, str) else None
    if fy_start_month is None or (not isinstance(fy_start_month, int | np.integer)
                                  and pd.isna(fy_start_month)):
        fy_start_month = _country_start_month(code, year=int(year)) if code else 1
    m = _check_month(int(fy_start_month))
    if m == 1:
        return f"{int(year)}"
    return vocabulary.fiscal_year_label(code, start_year(year, m, year_is), m)


def _year_is_column(frame: pd.DataFrame) -> pd.Series:
    if "fy_year_is" in frame.columns:
        col = frame["fy_year_is"].astype("object")
        return col.where(col.notna(), "start")
    return pd.Series("start", index=frame.index, dtype="object")


def start_years(frame: pd.DataFrame) -> pd.Series:
    """Each row's fiscal year as the calendar year it starts in (reads ``fy_year_is``).

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"year": [2025, 2025], "period": "FY", "fy_start_month": [10, 4],
    ...                   "fy_year_is": ["end", "start"]})
    >>> start_years(f).tolist()
    [2024, 2025]
    """
    months = frame["fy_start_month"] if "fy_start_month" in frame.columns else 1
    months = pd.Series(months, index=frame.index)
    out = [start_year(int(y), int(m), e) for y, m, e in
           zip(frame["year"], months, _year_is_column(frame), strict=True)]
    return pd.Series(out, index=frame.index, dtype="int64")


def official_labels(frame: pd.DataFrame) -> pd.Series:
    """:func:`official_label` of every row of a tidy frame (CY rows give "2025").

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"iso3": ["USA", "AUS", "CHN"], "year": [2025, 2025, 2025],
    ...     "period": ["FY", "FY", "CY"], "fy_start_month": [10, 7, 1],
    ...     "fy_year_is": ["end", "start", "start"]})
    >>> official_labels(f).tolist()
    ['FY2025', '2025–26', '2025']
    """
    iso = frame["iso3"] if "iso3" in frame.columns else pd.Series(None, index=frame.index)
    months = (frame["fy_start_month"] if "fy_start_month" in frame.columns
              else pd.Series(1, index=frame.index))
    if "period" in frame.columns:
        months = months.where(frame["period"].ne("CY"), 1)
    out = [official_label(i if isinstance(i, str) else None, int(y), int(m), year_is=e)
           for i, y, m, e in zip(iso, frame["year"], months, _year_is_column(frame),
                                 strict=True)]
    return pd.Series(out, index=frame.index, dtype="object")


@renamed_keywords(start_month="fy_start_month")
def fy_label(year: int, fy_start_month: int, *, naming: str = "start",
             year_is: str | None = "start") -> str:
    """A fiscal year's name with the months it spans.

    Parameters
    ----------
    year
        The fiscal year as a defbudget frame labels it: the calendar year it starts in.
    fy_start_month
        Month the fiscal year starts in (1–12).
    naming
        ``"start"`` (defbudget, SIPRI, Japan) names the year by its start; ``"end"`` by the
        year it ends in, as the US government does.
    year_is
        Whether *year* is the start (default) or the end year of the fiscal year.

    Returns
    -------
    str
        E.g. ``"FY2025 (Apr 2025–Mar 2026)"``; ``"CY2025"`` when *fy_start_month* is 1.

    Examples
    --------
    >>> fy_label(2025, 4)
    'FY2025 (Apr 2025–Mar 2026)'
    >>> fy_label(2024, 10, naming="end")
    'FY2025 (Oct 2024–Sep 2025)'
    >>> fy_label(2025, 1)
    'CY2025'
    >>> fy_label(2025, 10, naming="end", year_is="end")
    'FY2025 (Oct 2024–Sep 2025)'
    """
    m = _check_month(fy_start_month)
    if naming not in ("start", "end"):
        raise ValueError(f"naming={naming!r} is not supported; expected 'start' or 'end'.")
    if m == 1:
        return f"CY{int(year)}"
    first, last = fy_bounds(year, m, year_is=year_is)
    name = first.year if naming == "start" else last.year
    return (f"FY{name} ({_MONTH_ABBR[first.month]} {first.year}–"
            f"{_MONTH_ABBR[last.month]} {last.year})")


def _fill_start_months(frame: pd.DataFrame) -> pd.Series:
    """The frame's fy_start_month where present, else the country's convention."""
    if "fy_start_month" in frame.columns:
        months = pd.to_numeric(frame["fy_start_month"], errors="coerce")
    else:
        months = pd.Series(np.nan, index=frame.index)
    missing = months.isna() & frame["period"].eq("FY")
    for idx in frame.index[missing]:
        iso3 = frame.at[idx, "iso3"] if "iso3" in frame.columns else None
        months.at[idx] = fy_start_month(iso3, year=int(frame.at[idx, "year"]))
    months = months.where(~frame["period"].eq("CY"), 1)
    return months.astype("int64")




def calendarise(frame: pd.DataFrame, *, rule: str = "sipri_even_spread",
                tie: str | None = None) -> pd.DataFrame:
    """Turn fiscal-year rows into calendar-year rows by a named rule.

    Parameters
    ----------
    frame
        Tidy frame. ``FY`` rows are converted; ``CY`` rows are passed through unchanged.
        The frame's ``fy_start_month`` wins; where it is missing the country's convention
        (:data:`FY_START_MONTH`) is used.
    rule
        ``"sipri_even_spread"`` or ``"majority_year"`` (see the module docstring).
    tie
        For ``"majority_year"`` with a July start (six months in each calendar year):
        ``"start"`` labels the year by the calendar year it starts in, ``"end"`` by the one
        it ends in. Required in that case, ignored otherwise.

    Returns
    -------
    pandas.DataFrame
        New frame, same units and price basis as the input, with ``period="CY"``,
        ``fy_start_month=1`` and ``calendarised`` naming the rule on converted rows. Under
        the even-spread rule, calendar year *t* is produced for every fiscal year *t* in
        the input; when the fiscal year *t−1* it needs is missing, the value is NaN with
        ``flag="unavailable"`` and a ``note`` naming the missing year.

    Examples
    --------
    >>> import pandas as pd
    >>> fy = pd.DataFrame({"country": "Japan", "iso3": "JPN", "year": [2024, 2025],
    ...     "period": "FY", "fy_start_month": 4, "measure": "defense_budget",
    ...     "basis": "mod_incl_saco_realignment", "value": [7.9496e12, 8.7005e12],
    ...     "unit": "JPY", "price_basis": "current", "source": "example"})
    >>> cy = calendarise(fy)
    >>> cy[["year", "period", "value", "flag"]]
       year period         value         flag
    0  2024     CY           NaN  unavailable
    1  2025     CY  8.512775e+12          NaN
    >>> cy.loc[1, "calendarised"]
    'sipri_even_spread'
    """
    if rule not in RULES:
        raise ValueError(f"rule={rule!r} is not a calendarisation rule; expected one of "
                         f"{RULES}.")
    for col in ("period", "year", "value"):
        if col not in frame.columns:
            raise KeyError(f"calendarise needs a {col!r} column; the frame has "
                           f"{list(frame.columns)}.")
    out = frame.copy()
    out["fy_start_month"] = _fill_start_months(out)
    if "fy_year_is" in out.columns:  # end-labelled fiscal years (US) -> start years
        is_fy_row = out["period"].eq("FY")
        starts = start_years(out[is_fy_row]).to_numpy()
        # how much the government's name of each fiscal year exceeds its start year (notes)
        out["_fy_name_offset"] = 0
        out.loc[is_fy_row, "_fy_name_offset"] = out.loc[is_fy_row, "year"].to_numpy() - starts
        out.loc[is_fy_row, "year"] = starts
        out["fy_year_is"] = out["fy_year_is"].where(~is_fy_row, "start")
    if "calendarised" not in out.columns:
        out["calendarised"] = pd.Series(pd.NA, index=out.index, dtype="object")
    is_fy = out["period"].eq("FY")
    cy_rows = out[~is_fy]
    fy_rows = out[is_fy]
    if fy_rows.empty:
        out = out.drop(columns="_fy_name_offset", errors="ignore")
        return coerce(out) if _is_tidy(out) else out.reset_index(drop=True)
    if rule == "majority_year":
        converted = _majority_year(fy_rows, tie=tie)
    else:
        converted = _even_spread(fy_rows)
    result = pd.concat([cy_rows, converted], ignore_index=True)
    result = result.drop(columns="_fy_name_offset", errors="ignore")
    return coerce(result) if _is_tidy(result) else result


def _is_tidy(frame: pd.DataFrame) -> bool:
    from defbudget.schema import COLUMNS
    return all(c in frame.columns for c in COLUMNS)


def _majority_year(fy: pd.DataFrame, *, tie: str | None) -> pd.DataFrame:
    out = fy.copy()
    months = out["fy_start_month"].astype(int)
    if (months == 7).any() and tie not in ("start", "end"):
        raise ValueError(
            "majority_year cannot label July–June fiscal years: six months fall in each "
            f"calendar year (rows of {sorted(set(out.loc[months == 7, 'country']))}). Pass "
            "tie='start' or tie='end', or use rule='sipri_even_spread'.")
    in_start_year = 13 - months  # months of FY t falling in calendar year t
    shift = np.where(in_start_year > 6, 0, np.where(in_start_year < 6, 1,
                                                     0 if tie == "start" else 1))
    out["year"] = out["year"].astype(int) + shift
    out["period"] = "CY"
    out["fy_start_month"] = 1
    out["calendarised"] = "majority_year"
    return out


def _even_spread(fy: pd.DataFrame) -> pd.DataFrame:
    keys = [c for c in vocabulary.SERIES_KEYS if c in fy.columns]
    key_frame = fy[keys].astype("object").where(fy[keys].notna(), "<NA>")
    dup = key_frame.assign(year=fy["year"]).duplicated(keep=False)
    if dup.any():
        first = fy[dup].iloc[0]
        stages = sorted(map(str, fy.loc[dup, "stage"].dropna().unique())) \
            if "stage" in fy.columns else []
        raise ValueError(
            f"calendarise found {int(dup.sum())} fiscal-year rows describing the same series "
            f"and year (e.g. {first.get('country')} FY{first['year']} {first.get('basis')}); "
            f"stages present: {stages or 'n/a'}. Keep one row per year first, e.g. "
            "frame[frame.stage == 'enacted'].")
    has_note = "note" in fy.columns
    rows = []
    for _, group in fy.groupby(key_frame.apply(tuple, axis=1), sort=False):
        by_year = group.set_index(group["year"].astype(int))
        m = int(group["fy_start_month"].iloc[0])
        w_prev, w_this = (m - 1) / 12, (13 - m) / 12
        off = (int(group["_fy_name_offset"].iloc[0]) if "_fy_name_offset" in group.columns
               else 0)  # the US names FY t (start year) "FY t+1"
        for year, row in by_year.iterrows():
            new = row.copy()
            new["period"], new["fy_start_month"] = "CY", 1
            new["calendarised"] = "sipri_even_spread"
            if m == 1:
                rows.append(new)
                continue
            prev = by_year.loc[year - 1] if (year - 1) in by_year.index else None
            if prev is None or pd.isna(prev["value"]) or pd.isna(row["value"]):
                missing = (f"FY{year - 1 + off}" if prev is None or pd.isna(prev["value"])
                           else f"FY{year + off}")
                new["value"] = np.nan
                new["flag"] = "unavailable"
                new["note"] = (f"CY{year} needs {missing} ({w_prev:.4g}·FY{year - 1 + off} + "
                               f"{w_this:.4g}·FY{year + off}, sipri_even_spread); {missing} is "
                               "missing")
            else:
                new["value"] = w_prev * float(prev["value"]) + w_this * float(row["value"])
                parts = []
                for col in ("stage", "source"):
                    if col in group.columns and prev[col] != row[col]:
                        parts.append(f"{col} FY{year - 1 + off} {prev[col]!r}, "
                                     f"FY{year + off} {row[col]!r}")
                if parts:
                    old = row["note"] if has_note and isinstance(row["note"], str) else ""
                    new["note"] = "; ".join(filter(None, [old, "mixes " + "; ".join(parts)]))
                if "flag" in group.columns and pd.isna(row["flag"]) and pd.notna(prev["flag"]):
                    new["flag"] = prev["flag"]
            rows.append(new)
    out = pd.DataFrame(rows).reset_index(drop=True)
    out["year"] = out["year"].astype("int64")
    return out

"""Reconcile press conversions of a budget: which exchange rate did each dollar figure use?

For every US-dollar figure of a budget in the reported-figures ledger, :func:`reconcile`
back-solves the rate it implies (local amount / dollar amount) and sets it beside the rates a
reporter could have used: the fiscal-year average, the calendar-year average and the rate on
the day of publication. A figure is *supported* when its implied rate — widened by the
rounding of the printed amounts ("$55.4 billion" is anything from 55.35 to 55.45) — meets
the range of daily rates over the budget year and the year before; otherwise no rate of the
period explains it and it is flagged.

Each figure also gets its *best explanation*: the named rate, within the window in which the
reporter could have converted it, that comes closest to the rate it implies. The window
opens when the amount became public at the figure's stage (a request, a cabinet draft, an
enacted budget known from its draft) and closes at the figure's publication. Candidates are
the fiscal-year and calendar-year averages of the years the window touches and the spot rate
of each of its business days; an average that lies within the rounding of the printed
amounts is preferred to a day's rate (a reporter more often uses a published average than a
day's fixing), otherwise the closest is taken. Everything is in the row's own local currency
per US dollar.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass

import pandas as pd

from defbudget import fx
from defbudget.fiscal import fy_bounds, official_label
from defbudget.schema import require_same_basis
from defbudget.vocabulary import COUNTRY_CURRENCY, STAGE_NAMES, STAGE_NAMES_JAPAN

__all__ = ["COLUMNS", "reconcile"]

#: Output columns, in order (the charts build their reconciliation dot plot on these names).
#: ``iso3``, ``period``, ``fy_start_month`` and ``fy_year_is`` say which fiscal year ``year`` is,
#: so ``db.show`` and the chart label it as ``budget`` does (the government's own label).
COLUMNS = ["budget", "country", "iso3", "year", "period", "fy_start_month", "fy_year_is",
           "basis", "stage", "outlet", "published", "reported_usd", "local_amount",
           "local_amount_source", "local_unit",
           "implied_rate", "implied_rate_low", "implied_rate_high", "fy_average_rate",
           "cy_average_rate", "spot_rate", "spot_date", "spot_basis", "usd_at_fy_average",
           "usd_at_cy_average", "usd_at_spot", "rate_min", "rate_max", "rate_window",
           "supported", "consistent_with", "verdict", "best_rate_kind", "best_rate_label",
           "best_rate", "best_rate_start", "best_rate_end", "best_rate_gap_pct",
           "window_start", "window_end", "window_reason", "figure_id", "source",
           "fx_source"]

#: When a ledger row's stage has no shipped figure, the stage whose amount stands in for it,
#: in order (a press report of a proposal is compared with the proposal, else the draft...).
_STAGE_FALLBACK = ("proposal", "draft", "enacted", "request", "revised")
#: Bases of the MOD series a ledger row can name; any other basis ("not stated") is read as
#: the figure including SACO/realignment costs, the one the press reports
#: (JAPAN_MOD_BUDGET_NOTES.md: "This is the figure the press usually reports").
_MOD_BASES = ("mod_excl_saco_realignment", "mod_incl_saco_realignment")
_DEFAULT_BASIS = "mod_incl_saco_realignment"
_NUMBER = re.compile(r"(\d[\d,]*(?:\.\d+)?)")


def _half_unit(value: float, printed: str | None = None) -> float:
    """Half a unit in the last printed digit of *value* (its rounding uncertainty)."""
    if value is None or not math.isfinite(value) or value == 0:
        return float("nan")
    if isinstance(printed, str):
        m = _NUMBER.search(printed)
        scale = {"trillion": 1e12, "billion": 1e9, "million": 1e6}
        word = next((w for w in scale if w in printed.lower()), None)
        if m and word:
            digits = m.group(1).replace(",", "")
            decimals = len(digits.split(".")[1]) if "." in digits else 0
            return 0.5 * scale[word] * 10.0 ** (-decimals)
    # from the number itself: the lowest non-zero digit
    v = round(abs(value))
    step = 1
    while v and v % (step * 10) == 0:
        step *= 10
    return 0.5 * step


def _date_or_none(text) -> tuple[dt.date | None, str | None]:
    """(full date, month 'YYYY-MM') from a ledger's ``published`` cell."""
    if not isinstance(text, str) or not text.strip():
        return None, None
    text = text.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return dt.date.fromisoformat(text), text[:7]
    if re.fullmatch(r"\d{4}-\d{2}", text):
        return None, text
    if re.fullmatch(r"\d{4}", text):  # only the year is known: no publication-day rate
        return None, None
    raise ValueError(f"published date {text!r} is not ISO (YYYY-MM-DD or YYYY-MM); fix the "
                     "ledger row.")


def _safe(fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs), None
    except fx.RateUnavailableError as err:
        return float("nan"), str(err)


def reconcile(figures: pd.DataFrame | None = None, *, budgets=None,
              local: pd.DataFrame | None = None, country=None) -> pd.DataFrame:
    """Back-solve and judge the exchange rate of every reported dollar figure of a budget.

    Parameters
    ----------
    figures
        The reported-figures ledger; ``defbudget.load("reported_figures")`` when omitted.
        Rows whose ``refers_to`` is ``budget`` and whose ``unit`` is not the local currency
        are reconciled; other rows (arms sales, yen figures) are skipped.
    budgets
        Restrict to some budgets: labels such as ``"Japan FY2025 cabinet draft"`` or fiscal
        years such as ``2025``. All when omitted.
    local
        Local-currency budgets to take the amount from when a ledger row prints none;
        ``defbudget.load("japan_mod_budget")`` and ``defbudget.load("official_budgets")``
        (China, South Korea, Taiwan, Australia, India, United States) when omitted.
    country
        Restrict to one or more countries (ISO3 codes such as ``"CHN"`` or display names).

    Returns
    -------
    pandas.DataFrame
        One row per reported figure, columns :data:`COLUMNS`. Money in whole units
        (``reported_usd`` dollars, ``local_amount`` yen, current prices); rates in units of
        local currency per dollar. ``rate_min``/``rate_max`` span the daily ECB rates over
        the budget's fiscal year and the one before (clipped to the data, see
        ``rate_window``). Rates that do not exist yet (a fiscal year not over) are NaN and
        the ``verdict`` says so. The best explanation (see the module docstring):
        ``best_rate_kind`` (``fy_average``, ``cy_average``, ``spot`` or ``none``),
        ``best_rate_label`` ("FY2024 average", "CY2024 average", "spot 2025-03-31"),
        ``best_rate`` (local currency per US$), ``best_rate_start``/``best_rate_end``
        (ISO dates of the period averaged; equal for a spot rate), ``best_rate_gap_pct``
        (``(best_rate / implied_rate - 1) * 100``), and the window searched:
        ``window_start``/``window_end`` (ISO) and ``window_reason`` (why it starts and
        ends there).

    Examples
    --------
    >>> t = reconcile(budgets=[2026], country="JPN")
    >>> for r in t.itertuples():
    ...     print(f"{r.outlet:22} ${r.reported_usd / 1e9:.1f}B {r.implied_rate:6.1f} {r.supported}")
    The Washington Times   $58.0B  155.8 True
    The Diplomat           $58.0B  155.9 True
    report.az              $85.9B  104.8 False
    """
    from defbudget.datasets import load

    ledger = load("reported_figures") if figures is None else figures
    mod = (pd.concat([load("japan_mod_budget"), load("official_budgets")], ignore_index=True)
           if local is None else local)
    rows = _dollar_figures(ledger, country)
    out = [_one(row, mod, ledger) for _, row in rows.iterrows()]
    result = pd.DataFrame(out, columns=COLUMNS)
    if budgets is not None:
        result = _of_budgets(result, budgets)
    result = result.sort_values(["budget", "reported_usd"], kind="stable")
    return result.reset_index(drop=True)


def _dollar_figures(ledger: pd.DataFrame, country) -> pd.DataFrame:
    """The ledger's US-dollar figures of a budget outside the US (of *country* if given)."""
    need = {"refers_to", "unit", "local_unit", "local_amount", "value", "year",
            "fy_start_month", "stage", "basis"}
    missing = sorted(need - set(ledger.columns))
    if missing:
        raise KeyError(f"the ledger lacks columns {missing}; expected the layout of "
                       "defbudget.load('reported_figures').")
    rows = ledger[(ledger["refers_to"] == "budget") & ledger["unit"].ne(ledger["local_unit"])
                  & ledger["period"].isin(["FY", "CY"])]
    rows = rows[rows["unit"].isin(["USD"]) & rows["iso3"].ne("USA")]
    if country is None:
        return rows
    wanted = [country] if isinstance(country, str) else list(country)
    keys = {str(c).strip().upper() for c in wanted}
    hit = rows["iso3"].str.upper().isin(keys) | rows["country"].str.upper().isin(keys)
    if not hit.any():
        known = sorted(set(rows["iso3"].dropna()))
        raise KeyError(f"no reported dollar figures for country {country!r}; countries "
                       f"with figures: {', '.join(known)}.")
    return rows[hit]


def _of_budgets(result: pd.DataFrame, budgets) -> pd.DataFrame:
    """The rows of the budgets asked for, by label ("Japan FY2025 cabinet draft") or year."""
    wanted = [budgets] if isinstance(budgets, str | int) else list(budgets)
    known = sorted(result["budget"].unique())
    keep = pd.Series(False, index=result.index)
    for b in wanted:
        hit = result["budget"].eq(b) if isinstance(b, str) else result["year"].eq(int(b))
        if not hit.any():
            raise KeyError(f"no reported figures for budget {b!r}; known budgets: "
                           f"{', '.join(known)}.")
        keep |= hit
    return result[keep]


def _local_amount(row, mod: pd.DataFrame) -> tuple[float, str, str]:
    """(amount, where it came from, local unit)."""
    iso3 = row.get("iso3")
    default_unit = COUNTRY_CURRENCY.get(iso3, "JPY")
    unit = row["local_unit"] if isinstance(row.get("local_unit"), str) else None
    if pd.notna(row.get("local_amount")):
        return float(row["local_amount"]), "as printed with the figure", unit or default_unit
    if iso3 != "JPN":
        return _official_amount(row, mod, unit or default_unit)
    basis = row["basis"] if row["basis"] in _MOD_BASES else _DEFAULT_BASIS
    pick = mod[(mod["iso3"] == row["iso3"]) & (mod["year"] == row["year"])
               & (mod["period"] == "FY") & (mod["basis"] == basis)
               & (mod["measure"] == "defense_budget")]
    if pick.empty:
        return float("nan"), "no local amount printed or shipped", unit or "JPY"
    require_same_basis(pick, what="reconcile")
    stages = pick["stage"].tolist()
    same = pick[pick["stage"] == row["stage"]]
    chosen = same.iloc[0] if not same.empty else pick.iloc[0]
    if same.empty and row["stage"] == "request":
        return float("nan"), f"no MOD {row['stage']} figure (have {stages})", unit or "JPY"
    how = (f"MOD {chosen['stage']} figure, {basis}"
           + ("" if row["basis"] in _MOD_BASES else " (basis not stated; assumed)"))
    return float(chosen["value"]), how, str(chosen["unit"])


def _official_amount(row, mod: pd.DataFrame, unit: str) -> tuple[float, str, str]:
    """The shipped official budget (official_budgets) of the row's country, year and basis."""
    pick = mod[(mod["iso3"] == row["iso3"]) & (mod["year"] == row["year"])
               & (mod["measure"] == "defense_budget") & mod["value"].notna()]
    if "fy_year_is" in mod.columns and isinstance(row.get("fy_year_is"), str):
        pick = pick[pick["fy_year_is"].fillna("start") == row["fy_year_is"]]
    pick = pick[pick["basis"] == row["basis"]]
    if pick.empty:
        return float("nan"), (f"no local amount printed, none shipped for basis "
                              f"{row['basis']!r}"), unit
    require_same_basis(pick, what="reconcile")
    stage = row["stage"] if isinstance(row.get("stage"), str) else None
    order = [stage, *_STAGE_FALLBACK] if stage else list(_STAGE_FALLBACK)
    for want in order:
        same = pick[pick["stage"] == want]
        if not same.empty:
            chosen = same.iloc[0]
            break
    else:
        chosen = pick.iloc[0]
    how = f"official {chosen['stage']} figure, {row['basis']} ({chosen['source']})"
    if chosen["stage"] != stage:
        how += f"; the press figure is of stage {stage or 'not stated'}"
    return float(chosen["value"]), how, str(chosen["unit"])


def _has_rates(quote: str, base: str) -> bool:
    """Whether the kit has any rate source for the pair (the ECB set lacks e.g. TWD)."""
    try:
        fx.spot(quote, base, date="2020-01-02")
    except fx.RateUnavailableError:
        return False
    return True


def _fmt(x: float) -> str:
    return f"{x:.1f}"


#: When the amount of each stage becomes public, if the ledger holds no dated report of it:
#: (months before the fiscal year starts, what happens then). Japan: ministries submit
#: budget requests by the end of August and the cabinet adopts the draft in late December
#: (Ministry of Finance, "Japanese Public Finance Fact Sheet", budget process); the same
#: amounts are enacted by the Diet before the year starts, so an enacted figure can be
#: converted from the draft on.
_STAGE_OPENS = {"request": (8, "the budget request (submitted by the end of August)"),
                "draft": (4, "the cabinet draft (adopted in December)"),
                "enacted": (4, "the cabinet draft (adopted in December), whose amount the "
                               "enacted budget carries")}


def _month_end(day: dt.date) -> dt.date:
    nxt = dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def _first_report(ledger: pd.DataFrame, row, stages: tuple[str, ...]
                  ) -> tuple[dt.date, str] | None:
    """Earliest dated ledger report of this budget at one of *stages*: (day, who)."""
    if "published" not in ledger.columns:
        return None
    same = ledger[(ledger["year"] == row["year"]) & ledger["stage"].isin(stages)
                  & ledger.get("refers_to", pd.Series("budget", index=ledger.index)).eq("budget")]
    if "iso3" in ledger.columns and isinstance(row.get("iso3"), str):
        same = same[same["iso3"] == row["iso3"]]
    best = None
    for rec in same.to_dict("records"):
        day, month = _date_or_none(rec.get("published") if isinstance(
            rec.get("published"), str) else None)
        when = day or (dt.date.fromisoformat(month + "-01") if month else None)
        if when is not None and (best is None or when < best[0]):
            best = (when, str(rec.get("outlet") or rec.get("source")))
    return best


def _window(row, ledger: pd.DataFrame, data_end: dt.date) -> tuple[dt.date, dt.date, str]:
    """(start, end, why): when the reporter could have converted this figure."""
    year, start_month = int(row["year"]), int(row["fy_start_month"])
    stage = str(row["stage"])
    fy_first = fy_bounds(year, start_month)[0]
    opens = ("request",) if stage == "request" else ("draft", "enacted")
    first = _first_report(ledger, row, opens)
    months, what = _STAGE_OPENS.get(stage, _STAGE_OPENS["draft"])
    if first is not None:
        start = first[0]
        why = (f"from {first[0].isoformat()}, when {what.split(' (')[0]} was first reported "
               f"({first[1]})")
    else:
        start = (pd.Timestamp(fy_first) - pd.DateOffset(months=months)).date()
        why = f"from {start.isoformat()}: {what}"
    published = row.get("published")
    day, month = _date_or_none(published if isinstance(published, str) else None)
    if day is not None:
        end, until = day, f"to its publication on {day.isoformat()}"
    elif month is not None:
        end = _month_end(dt.date.fromisoformat(month + "-01"))
        until = f"to the end of its publication month ({month})"
    else:
        end, until = _published_from_source(row.get("source"), data_end)
        closes = _stage_closes(ledger, row, fy_first)
        if closes is not None and closes[0] < end:
            end, until = closes
    if end > data_end:
        end, until = data_end, until + f", cut at the end of the rate data ({data_end})"
    if end < start:
        start = end
    return start, end, f"{why}; {until}"


def _stage_closes(ledger: pd.DataFrame, row, fy_first: dt.date
                  ) -> tuple[dt.date, str] | None:
    """A figure reported at the request or draft stage was published before the next stage:
    a request before the cabinet draft (its first dated report, else 30 November), a draft
    before the fiscal year starts (the Diet enacts the budget before then)."""
    stage = str(row["stage"])
    if stage == "request":
        nxt = _first_report(ledger, row, ("draft",))
        if nxt is not None:
            return (nxt[0] - dt.timedelta(days=1),
                    f"to {(nxt[0] - dt.timedelta(days=1)).isoformat()}, before the cabinet "
                    f"draft was reported ({nxt[1]}): publication date not recorded")
        day = dt.date(fy_first.year - (fy_first.month <= 11), 11, 30)
        return day, (f"to {day.isoformat()}, before the cabinet draft of December: "
                     "publication date not recorded")
    if stage == "draft":
        day = fy_first - dt.timedelta(days=1)
        return day, (f"to {day.isoformat()}, before the fiscal year (and the enacted budget) "
                     "began: publication date not recorded")
    return None


def _published_from_source(source, data_end: dt.date) -> tuple[dt.date, str]:
    """End of the window from the cited source's publication date, else the data's end."""
    date = ""
    if isinstance(source, str):
        try:
            from defbudget.datasets import _source

            date = str(_source(source.split(";")[0]).get("date_published") or "")
        except (LookupError, ValueError):
            date = ""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
        return dt.date.fromisoformat(date), f"to its source's publication on {date}"
    if re.fullmatch(r"\d{4}-\d{2}", date):
        return (_month_end(dt.date.fromisoformat(date + "-01")),
                f"to the end of its source's publication month ({date})")
    if re.fullmatch(r"\d{4}", date):
        return dt.date(int(date), 12, 31), f"to the end of {date}, its source's year"
    return data_end, f"to the end of the rate data ({data_end}): publication date not recorded"


def _best(implied: float, lo: float, hi: float, local_unit: str, base: str,
          start: dt.date, end: dt.date, fy_start_month: int) -> dict:
    """The named rate in [start, end] closest to *implied* (see the module docstring)."""
    none = {"best_rate_kind": "none", "best_rate_label": "none", "best_rate": float("nan"),
            "best_rate_start": None, "best_rate_end": None, "best_rate_gap_pct": float("nan")}
    if not math.isfinite(implied):
        return none
    candidates = []  # (kind, label, rate, first day, last day)
    fy_years = {y for y in range(start.year - 1, end.year + 1)
                if fy_bounds(y, fy_start_month)[0] <= end
                and fy_bounds(y, fy_start_month)[1] >= start}
    for y in sorted(fy_years):
        rate, err = _safe(fx.average_rate, local_unit, base, year=y, period="FY",
                          fy_start_month=fy_start_month)
        if err is None:
            a, b = fy_bounds(y, fy_start_month)
            candidates.append(("fy_average", f"FY{y} average", rate, a, b))
    for y in range(start.year, end.year + 1):
        rate, err = _safe(fx.average_rate, local_unit, base, year=y)
        if err is None:
            candidates.append(("cy_average", f"CY{y} average", rate, dt.date(y, 1, 1),
                               dt.date(y, 12, 31)))
    try:
        days = fx.daily_rates(local_unit, base, start=start, end=end)
    except (fx.RateUnavailableError, ValueError):
        days = pd.Series(dtype="float64")
    if len(days):
        pos = int((days - implied).abs().to_numpy().argmin())
        day = days.index[pos].date()
        candidates.append(("spot", f"spot {day.isoformat()}", float(days.iloc[pos]), day, day))
    if not candidates:
        return none
    averages_in = [cand for cand in candidates if cand[0] != "spot" and lo <= cand[2] <= hi]
    pool = averages_in or candidates
    kind, label, rate, a, b = min(pool, key=lambda cand: abs(cand[2] - implied))
    return {"best_rate_kind": kind, "best_rate_label": label, "best_rate": rate,
            "best_rate_start": a.isoformat(), "best_rate_end": b.isoformat(),
            "best_rate_gap_pct": (rate / implied - 1.0) * 100.0}


def _one(row, mod: pd.DataFrame, ledger: pd.DataFrame | None = None) -> dict:
    """One row of the :func:`reconcile` table: the figure, its local amount, the rates of
    its period, the verdict and the best explanation."""
    year, start = int(row["year"]), int(row["fy_start_month"])
    year_is = row.get("fy_year_is") if isinstance(row.get("fy_year_is"), str) else "start"
    usd = float(row["value"])
    local, local_src, local_unit = _local_amount(row, mod)
    base = str(row["unit"])
    iso3 = row.get("iso3") if isinstance(row.get("iso3"), str) else None
    fy_name = official_label(iso3, year, start, year_is=year_is)
    names = STAGE_NAMES_JAPAN if iso3 == "JPN" or iso3 is None else STAGE_NAMES
    label = f"{row['country']} {fy_name} {names.get(row['stage'], row['stage'] or 'budget')}"

    implied = fx.implied_rate(local, usd) if math.isfinite(local) else float("nan")
    d_usd = _half_unit(usd, row.get("amount_as_printed"))
    d_loc = _half_unit(local) if local_src.startswith("as printed") else 0.0
    lo = (local - d_loc) / (usd + d_usd) if math.isfinite(implied) else float("nan")
    hi = (local + d_loc) / (usd - d_usd) if math.isfinite(implied) else float("nan")

    problems = []
    fy_avg, err = _safe(fx.average_rate, local_unit, base, year=year, period="FY",
                        fy_start_month=start, year_is=year_is)
    if err:
        problems.append(f"{fy_name} average not available")
    cy_avg, err = _safe(fx.average_rate, local_unit, base, year=year)
    if err:
        problems.append(f"CY{year} average not available")
    published = row.get("published")
    spot_rate, spot_date, spot_basis = _publication_rate(
        published if isinstance(published, str) else None, local_unit, base)
    daily = _daily_range(local_unit, base, year=year, start=start, year_is=year_is)
    rates = _Rates(implied, lo, hi, fy_avg, cy_avg, spot_rate, spot_basis, daily)
    verdict, matches, supported = _verdict(rates, fy_name=fy_name, year=year,
                                           local_unit=local_unit, base=base, problems=problems)

    def at(rate):
        return local / rate if math.isfinite(local) and math.isfinite(rate) else float("nan")

    data_end = fx.coverage()[fx.ECB_SOURCE][1]
    w_start, w_end, w_why = _window(row, ledger if ledger is not None else pd.DataFrame(),
                                    data_end)
    best = _best(implied, lo, hi, local_unit, base, w_start, w_end, start)

    return {
        "budget": label, "country": row["country"], "iso3": iso3, "year": year,
        "period": row.get("period", "FY"), "fy_start_month": start, "fy_year_is": year_is,
        "basis": row["basis"], "stage": row["stage"], "outlet": row.get("outlet"),
        "published": published if isinstance(published, str) else None,
        "reported_usd": usd, "local_amount": local, "local_amount_source": local_src,
        "local_unit": local_unit, "implied_rate": implied, "implied_rate_low": lo,
        "implied_rate_high": hi, "fy_average_rate": fy_avg, "cy_average_rate": cy_avg,
        "spot_rate": spot_rate, "spot_date": spot_date, "spot_basis": spot_basis,
        "usd_at_fy_average": at(fy_avg), "usd_at_cy_average": at(cy_avg),
        "usd_at_spot": at(spot_rate), "rate_min": daily.rate_min, "rate_max": daily.rate_max,
        "rate_window": daily.window, "supported": supported,
        "consistent_with": ";".join(matches) or None, "verdict": verdict, **best,
        "window_start": w_start.isoformat(), "window_end": w_end.isoformat(),
        "window_reason": w_why,
        "figure_id": row.get("figure_id"), "source": row["source"],
        "fx_source": fx.ECB_SOURCE if math.isfinite(daily.rate_min) else None,
    }


def _publication_rate(published: str | None, local_unit: str, base: str
                      ) -> tuple[float, str | None, str]:
    """(rate, its date, what it is): the spot rate of the publication day, or the average of
    its month when only the month is known."""
    day, month = _date_or_none(published)
    if day is not None:
        s, err = _safe(fx.spot, local_unit, base, date=day)
        if err is None:
            return s.rate, s.date.isoformat(), "spot on publication"
    elif month is not None:
        y, m = map(int, month.split("-"))
        rate, _ = _safe(fx.monthly_average, local_unit, base, year=y, month=m)
        return rate, month, "average of the publication month"
    return float("nan"), None, "no publication date"


@dataclass(frozen=True)
class _DailyRange:
    """The daily rates over the budget's fiscal year and the one before."""

    first: dt.date
    last: dt.date
    rate_min: float
    rate_max: float
    window: str


def _daily_range(local_unit: str, base: str, *, year: int, start: int,
                 year_is: str) -> _DailyRange:
    first = fy_bounds(year - 1, start, year_is=year_is)[0]
    last = fy_bounds(year, start, year_is=year_is)[1]
    rng, err = _safe(fx.rate_range, local_unit, base, start=first, end=last)
    if err:
        return _DailyRange(first, last, float("nan"), float("nan"),
                           f"{first}–{last}: no daily rates")
    return _DailyRange(first, last, rng.min, rng.max,
                       f"{rng.first}–{rng.last}" + (" (data end)" if rng.last < last else ""))


@dataclass(frozen=True)
class _Rates:
    """The rate a figure implies (with its rounding bounds) and the rates of its period."""

    implied: float
    lo: float
    hi: float
    fy_avg: float
    cy_avg: float
    spot: float
    spot_basis: str
    daily: _DailyRange


def _verdict(r: _Rates, *, fy_name: str, year: int, local_unit: str, base: str,
             problems: list[str]) -> tuple[str, list[str], bool]:
    """(verdict, the named rates the figure is consistent with, whether any daily rate of
    the period supports it)."""
    def within(rate):
        return math.isfinite(rate) and math.isfinite(r.lo) and r.lo <= rate <= r.hi

    matches = [name for name, rate in (("spot", r.spot), ("fy_average", r.fy_avg),
                                       ("cy_average", r.cy_avg)) if within(rate)]
    d = r.daily
    supported = bool(math.isfinite(r.lo) and math.isfinite(d.rate_min)
                     and r.hi >= d.rate_min and r.lo <= d.rate_max)
    if not math.isfinite(r.implied):
        verdict = "no local amount to compare"
    elif "spot" in matches:
        verdict = ("consistent with the spot rate on publication"
                   if r.spot_basis.startswith("spot") else
                   "consistent with the average rate of the publication month")
    elif "fy_average" in matches:
        verdict = f"consistent with the {fy_name} average rate"
    elif "cy_average" in matches:
        verdict = f"consistent with the CY{year} average rate"
    elif supported:
        days = fx.daily_rates(local_unit, base, start=d.first, end=d.last)
        hits = days[(days >= r.lo) & (days <= r.hi)]
        verdict = ("within the range of daily rates of the period (no named rate matches); "
                   f"the rate of {hits.size} days matches, {hits.index[0].date()} to "
                   f"{hits.index[-1].date()}" if hits.size else
                   "within the range of daily rates of the period (no day's rate matches)")
    elif not math.isfinite(d.rate_min) and not _has_rates(local_unit, base):
        verdict = (f"no exchange-rate source available: the ECB reference rates the kit "
                   f"ships do not include {local_unit}, so the implied {_fmt(r.implied)} "
                   f"{local_unit}/{base} cannot be checked")
        problems = []
    elif not math.isfinite(d.rate_min):
        verdict = (f"no daily rates for {d.window}; no average rate matches the implied "
                   f"{_fmt(r.implied)} {local_unit}/{base}")
    else:
        verdict = (f"no rate of the period supports it: implies {_fmt(r.implied)} "
                   f"{local_unit}/{base}, daily rates {_fmt(d.rate_min)}–{_fmt(d.rate_max)}")
    if problems and math.isfinite(r.implied):
        verdict += "; " + ", ".join(problems) + " (period not over in the data)"
    return verdict, matches, supported



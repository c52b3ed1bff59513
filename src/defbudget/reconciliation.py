"""Reconcile press conversions of a budget: which exchange rate did each dollar figure use?

For every US-dollar figure of a budget in the reported-figures ledger, :func:`reconcile`
back-solves the rate it implies (local amount / dollar amount) and sets it beside the rates a
reporter could have used: the fiscal-year average, the calendar-year average and the rate on
the day of publication. A figure is *supported* when its implied rate — widened by the
rounding of the printed amounts ("$55.4 billion" is anything from 55.35 to 55.45) — meets
the range of daily rates over the budget year and the year before; otherwise no rate of the
period explains it and it is flagged.
"""

from __future__ import annotations

import datetime as dt
import math
import re

import pandas as pd

from defbudget import fx
from defbudget.fiscal import fy_bounds, official_label
from defbudget.schema import require_same_basis

__all__ = ["COLUMNS", "reconcile"]

#: Output columns, in order (the charts build their reconciliation dot plot on these names).
COLUMNS = ["budget", "country", "year", "basis", "stage", "outlet", "published",
           "reported_usd", "local_amount", "local_amount_source", "local_unit",
           "implied_rate", "implied_rate_low", "implied_rate_high", "fy_average_rate",
           "cy_average_rate", "spot_rate", "spot_date", "spot_basis", "usd_at_fy_average",
           "usd_at_cy_average", "usd_at_spot", "rate_min", "rate_max", "rate_window",
           "supported", "consistent_with", "verdict", "figure_id", "source", "fx_source"]

_STAGE_LABEL = {"request": "budget request", "draft": "cabinet draft",
                "enacted": "initial budget", "supplementary": "supplementary budget"}
#: Stage names for the other governments' budgets (official_budgets).
_STAGE_LABEL_OTHER = {"request": "budget request", "draft": "draft budget",
                      "proposal": "budget proposal", "enacted": "enacted budget",
                      "revised": "revised estimate", "supplementary": "supplementary budget",
                      "actual": "actual spending"}
#: Currency of each country whose budgets the kit ships (local amounts, rates).
_CURRENCY = {"JPN": "JPY", "CHN": "CNY", "KOR": "KRW", "TWN": "TWD", "AUS": "AUD",
             "IND": "INR", "USA": "USD"}
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
        the ``verdict`` says so.

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
    need = {"refers_to", "unit", "local_unit", "local_amount", "value", "year",
            "fy_start_month", "stage", "basis"}
    missing = sorted(need - set(ledger.columns))
    if missing:
        raise KeyError(f"the ledger lacks columns {missing}; expected the layout of "
                       "defbudget.load('reported_figures').")
    rows = ledger[(ledger["refers_to"] == "budget") & ledger["unit"].ne(ledger["local_unit"])
                  & ledger["period"].isin(["FY", "CY"])]
    rows = rows[rows["unit"].isin(["USD"]) & rows["iso3"].ne("USA")]
    if country is not None:
        wanted = [country] if isinstance(country, str) else list(country)
        keys = {str(c).strip().upper() for c in wanted}
        hit = rows["iso3"].str.upper().isin(keys) | rows["country"].str.upper().isin(keys)
        if not hit.any():
            known = sorted(set(rows["iso3"].dropna()))
            raise KeyError(f"no reported dollar figures for country {country!r}; countries "
                           f"with figures: {', '.join(known)}.")
        rows = rows[hit]
    out = [_one(row, mod) for _, row in rows.iterrows()]
    result = pd.DataFrame(out, columns=COLUMNS)
    if budgets is not None:
        wanted = [budgets] if isinstance(budgets, str | int) else list(budgets)
        known = sorted(result["budget"].unique())
        keep = pd.Series(False, index=result.index)
        for b in wanted:
            hit = result["budget"].eq(b) if isinstance(b, str) else result["year"].eq(int(b))
            if not hit.any():
                raise KeyError(f"no reported figures for budget {b!r}; known budgets: "
                               f"{', '.join(known)}.")
            keep |= hit
        result = result[keep]
    result = result.sort_values(["budget", "reported_usd"], kind="stable")
    return result.reset_index(drop=True)


def _local_amount(row, mod: pd.DataFrame) -> tuple[float, str, str]:
    """(amount, where it came from, local unit)."""
    iso3 = row.get("iso3")
    default_unit = _CURRENCY.get(iso3, "JPY")
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
        fx.spot("2020-01-02", quote, base)
    except fx.RateUnavailableError:
        return False
    return True


def _fmt(x: float) -> str:
    return f"{x:.1f}"


def _one(row, mod: pd.DataFrame) -> dict:
    year, start = int(row["year"]), int(row["fy_start_month"])
    year_is = row.get("fy_year_is") if isinstance(row.get("fy_year_is"), str) else "start"
    usd = float(row["value"])
    local, local_src, local_unit = _local_amount(row, mod)
    base = str(row["unit"])
    iso3 = row.get("iso3") if isinstance(row.get("iso3"), str) else None
    fy_name = official_label(iso3, year, start, year_is=year_is)
    if iso3 == "JPN" or iso3 is None:
        label = f"{row['country']} FY{year} {_STAGE_LABEL.get(row['stage'], row['stage'])}"
    else:
        label = (f"{row['country']} {fy_name} "
                 f"{_STAGE_LABEL_OTHER.get(row['stage'], row['stage'] or 'budget')}")

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
    day, month = _date_or_none(published if isinstance(published, str) else None)
    spot_rate, spot_date, spot_basis = float("nan"), None, "no publication date"
    if day is not None:
        s, err = _safe(fx.spot, day, local_unit, base)
        if err is None:
            spot_rate, spot_date, spot_basis = s.rate, s.date.isoformat(), "spot on publication"
    elif month is not None:
        y, m = map(int, month.split("-"))
        spot_rate, err = _safe(fx.monthly_average, local_unit, base, year=y, month=m)
        spot_date, spot_basis = month, "average of the publication month"

    first = fy_bounds(year - 1, start, year_is=year_is)[0]
    last = fy_bounds(year, start, year_is=year_is)[1]
    rng, err = _safe(fx.rate_range, local_unit, base, start=first, end=last)
    if err:
        rate_min = rate_max = float("nan")
        window = f"{first}–{last}: no daily rates"
    else:
        rate_min, rate_max = rng.min, rng.max
        window = f"{rng.first}–{rng.last}" + (" (data end)" if rng.last < last else "")

    def within(rate):
        return math.isfinite(rate) and math.isfinite(lo) and lo <= rate <= hi

    matches = [name for name, rate in (("spot", spot_rate), ("fy_average", fy_avg),
                                       ("cy_average", cy_avg)) if within(rate)]
    supported = bool(math.isfinite(lo) and math.isfinite(rate_min)
                     and hi >= rate_min and lo <= rate_max)
    if not math.isfinite(implied):
        verdict = "no local amount to compare"
    elif "spot" in matches:
        verdict = ("consistent with the spot rate on publication"
                   if spot_basis.startswith("spot") else
                   "consistent with the average rate of the publication month")
    elif "fy_average" in matches:
        verdict = f"consistent with the {fy_name} average rate"
    elif "cy_average" in matches:
        verdict = f"consistent with the CY{year} average rate"
    elif supported:
        days = fx.daily_rates(local_unit, base, start=first, end=last)
        hits = days[(days >= lo) & (days <= hi)]
        verdict = ("within the range of daily rates of the period (no named rate matches); "
                   f"the rate of {hits.size} days matches, {hits.index[0].date()} to "
                   f"{hits.index[-1].date()}" if hits.size else
                   "within the range of daily rates of the period (no day's rate matches)")
    elif not math.isfinite(rate_min) and not _has_rates(local_unit, base):
        verdict = (f"no exchange-rate source available: the ECB reference rates the kit "
                   f"ships do not include {local_unit}, so the implied {_fmt(implied)} "
                   f"{local_unit}/{base} cannot be checked")
        problems = []
    elif not math.isfinite(rate_min):
        verdict = (f"no daily rates for {window}; no average rate matches the implied "
                   f"{_fmt(implied)} {local_unit}/{base}")
    else:
        verdict = (f"no rate of the period supports it: implies {_fmt(implied)} "
                   f"{local_unit}/{base}, daily rates {_fmt(rate_min)}–{_fmt(rate_max)}")
    if problems and math.isfinite(implied):
        verdict += "; " + ", ".join(problems) + " (period not over in the data)"

    def at(rate):
        return local / rate if math.isfinite(local) and math.isfinite(rate) else float("nan")

    return {
        "budget": label, "country": row["country"], "year": year, "basis": row["basis"],
        "stage": row["stage"], "outlet": row.get("outlet"),
        "published": published if isinstance(published, str) else None,
        "reported_usd": usd, "local_amount": local, "local_amount_source": local_src,
        "local_unit": local_unit, "implied_rate": implied, "implied_rate_low": lo,
        "implied_rate_high": hi, "fy_average_rate": fy_avg, "cy_average_rate": cy_avg,
        "spot_rate": spot_rate, "spot_date": spot_date, "spot_basis": spot_basis,
        "usd_at_fy_average": at(fy_avg), "usd_at_cy_average": at(cy_avg),
        "usd_at_spot": at(spot_rate), "rate_min": rate_min, "rate_max": rate_max,
        "rate_window": window, "supported": supported,
        "consistent_with": ";".join(matches) or None, "verdict": verdict,
        "figure_id": row.get("figure_id"), "source": row["source"],
        "fx_source": fx.ECB_SOURCE if math.isfinite(rate_min) else None,
    }



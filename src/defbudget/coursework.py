"""Self-checks for the coursework notebook (``notebooks/06_coursework.py``).

Each exercise has an id, a question, a hint and a tolerance. :func:`check` computes the
expected answer from the package's own shipped data (never a typed-in number), compares
the student's answer with it and returns a :class:`CheckResult` whose text says whether the
answer is right, and gives the hint when it is not.

Tolerances (documented per exercise in :data:`EXERCISES`, shown by :func:`describe`):

- ``rel``: the answer is right when ``|answer - expected| <= tol * |expected|``;
- ``abs``: the answer is right when ``|answer - expected| <= tol`` (used for ratios such as
  growth rates, where the tolerance is in ratio units: ``0.001`` = 0.1 percentage point).

Answers are numbers in whole units (yen, dollars) or ratios (``0.05`` = 5 %), as everywhere
in defbudget. An answer of ``None`` means "not answered yet": the check says so and gives
the hint, and does not count as wrong.

>>> from defbudget.coursework import check, expected
>>> print(check("budget_fy2026_yen", None))  # doctest: +ELLIPSIS
budget_fy2026_yen: not answered yet — hint: ...
>>> check("budget_fy2026_yen", expected("budget_fy2026_yen")).passed
True
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from numbers import Real

from defbudget.errors import UnknownNameError

__all__ = [
    "EXERCISES",
    "CheckResult",
    "Exercise",
    "check",
    "describe",
    "exercise_ids",
    "expected",
]

_EXCL = "mod_excl_saco_realignment"


def _budget(basis: str = _EXCL):
    from . import compare, datasets

    frame = datasets.load("japan_mod_budget")
    return compare.select(frame, measure="defense_budget", basis=basis)


def _value(frame, year: int) -> float:
    rows = frame[frame["year"] == year]
    if len(rows) != 1:  # pragma: no cover - guards the shipped data's shape
        raise LookupError(f"expected one row for {year}, found {len(rows)}")
    return float(rows["value"].iloc[0])


def _budget_fy2026_yen() -> float:
    return _value(_budget(), 2026)


def _yoy_fy2026() -> float:
    from . import compare

    return _value(compare.yoy(_budget()), 2026)


def _cagr_2015_2025() -> float:
    from . import compare

    return float(compare.cagr(_budget(), start=2015, end=2025)["value"].iloc[0])


def _usd_fy2025_fy_average() -> float:
    from . import fx

    return _value(fx.convert(_budget(), to="USD", rate="fy_average", on_missing="nan"), 2025)


def _implied_rate_ap_fy2025() -> float:
    from .reconciliation import reconcile

    table = reconcile()
    row = table[table["figure_id"] == "ap-jp-draft-fy2025"]
    return float(row["implied_rate"].iloc[0])


def _tomahawk_unit_cost() -> float:
    from . import datasets

    ledger = datasets.load("reported_figures")
    row = ledger[ledger["figure_id"] == "thx-tomahawk-400"].iloc[0]
    return float(row["value"]) / float(row["quantity"])


def _real_growth_fy2020_fy2025() -> float:
    from . import prices

    real = prices.to_constant(_budget(), base_year=2020, on_missing="nan")
    return _value(real, 2025) / _value(real, 2020) - 1.0


def _saco_gap_fy2025() -> float:
    return _value(_budget("mod_incl_saco_realignment"), 2025) - _value(_budget(), 2025)


def _us_fy2025_months_in_2024() -> float:
    from .fiscal import FY_START_MONTH, FY_YEAR_IS, fy_bounds

    first, _ = fy_bounds(2025, FY_START_MONTH["USA"], year_is=FY_YEAR_IS["USA"])
    return float(12 - first.month + 1) if first.year == 2024 else 0.0


@dataclass(frozen=True)
class Exercise:
    """One exercise: what is asked, how it is checked, and the hint given on a miss."""

    id: str
    question: str
    unit: str
    tolerance: float
    tolerance_kind: str  # "rel" or "abs"
    hint: str
    compute: Callable[[], float]

    def tolerance_text(self) -> str:
        if self.tolerance_kind == "rel":
            return f"within {self.tolerance:.1%} of the expected value"
        units = "(ratio units)" if self.unit == "ratio" else self.unit
        return f"within ±{self.tolerance:g} {units} of the expected value"


EXERCISES: dict[str, Exercise] = {e.id: e for e in [
    Exercise(
        "budget_fy2026_yen",
        "Japan's FY2026 defence budget (cabinet draft), basis excluding SACO and US-forces "
        "realignment costs, in yen.",
        "JPY", 0.005, "rel",
        "load('japan_mod_budget'), select measure='defense_budget' and "
        "basis='mod_excl_saco_realignment', take year 2026; answer in whole yen "
        "(a trillion yen is 10**12), not in trillions or in oku.",
        _budget_fy2026_yen),
    Exercise(
        "yoy_fy2026",
        "Nominal growth of that budget from FY2025 to FY2026, as a ratio (0.05 = 5 %).",
        "ratio", 0.001, "abs",
        "compare.yoy on the excl-SACO series, the row for 2026; a ratio, not a percentage "
        "(a twentieth is 0.05, not 5).",
        _yoy_fy2026),
    Exercise(
        "cagr_2015_2025",
        "Compound annual growth rate of the budget (excl. SACO/realignment), FY2015 to "
        "FY2025, nominal yen, as a ratio.",
        "ratio", 0.001, "abs",
        "compare.cagr(series, start=2015, end=2025): (end/start) ** (1/10) - 1, ten years "
        "apart, not eleven.",
        _cagr_2015_2025),
    Exercise(
        "usd_fy2025_fy_average",
        "The FY2025 budget (excl. SACO/realignment) in US dollars at the FY2025 average "
        "rate (April 2025–March 2026).",
        "USD", 0.01, "rel",
        "fx.convert(series, to='USD', rate='fy_average') — the fiscal-year average, not the "
        "calendar-year one; answer in whole dollars (a billion is 10**9).",
        _usd_fy2025_fy_average),
    Exercise(
        "implied_rate_ap_fy2025",
        "The yen-per-dollar rate implied by the Associated Press dollar figure for the "
        "FY2025 cabinet draft.",
        "JPY per USD", 0.005, "rel",
        "reconcile(), the row with figure_id 'ap-jp-draft-fy2025': the rate is yen / dollars "
        "(yen per dollar, not its inverse).",
        _implied_rate_ap_fy2025),
    Exercise(
        "tomahawk_unit_cost",
        "The reported dollar value of the Tomahawk sale divided by the number of missiles "
        "(ledger figure 'thx-tomahawk-400').",
        "USD", 0.01, "rel",
        "load('reported_figures'), row figure_id == 'thx-tomahawk-400': value / quantity, in "
        "whole dollars.",
        _tomahawk_unit_cost),
    Exercise(
        "real_growth_fy2020_fy2025",
        "Real growth of the budget (excl. SACO/realignment) from FY2020 to FY2025 at "
        "2020 prices with Japan's CPI (the package default), as a ratio.",
        "ratio", 0.002, "abs",
        "prices.to_constant(series, base_year=2020), then value(2025) / value(2020) - 1. "
        "The base year does not change a ratio of two constant-price values.",
        _real_growth_fy2020_fy2025),
    Exercise(
        "saco_gap_fy2025",
        "How many yen the FY2025 budget including SACO and US-forces realignment costs "
        "exceeds the budget excluding them.",
        "JPY", 0.01, "rel",
        "Both bases are in japan_mod_budget (basis 'mod_incl_saco_realignment' and "
        "'mod_excl_saco_realignment'); subtract excl from incl for 2025.",
        _saco_gap_fy2025),
    Exercise(
        "us_fy2025_months_in_2024",
        "Fiscal-year labels: how many months of the United States' FY2025 fall in calendar "
        "year 2024?",
        "months", 0.1, "abs",
        "The US names a fiscal year by the year it ends in, and starts it in October "
        "(fiscal.FY_YEAR_IS, fiscal.FY_START_MONTH); fiscal.fy_bounds(2025, 10, "
        "year_is='end') gives its first and last day. Count the months from the first day "
        "to December 2024.",
        _us_fy2025_months_in_2024),
]}


def exercise_ids() -> list[str]:
    """The exercise ids, in the order the notebook asks them."""
    return list(EXERCISES)


def _get(exercise_id: str) -> Exercise:
    try:
        return EXERCISES[exercise_id]
    except KeyError:
        import difflib

        close = difflib.get_close_matches(str(exercise_id), EXERCISES, n=3)
        raise UnknownNameError(f"unknown exercise {exercise_id!r}; did you mean "
                               f"{close or list(EXERCISES)}?") from None


def expected(exercise_id: str) -> float:
    """The expected answer, computed from the package's shipped data."""
    return float(_get(exercise_id).compute())


def describe(exercise_id: str) -> str:
    """The question, its unit and the tolerance the check applies."""
    ex = _get(exercise_id)
    return f"{ex.id}: {ex.question} Unit: {ex.unit}; accepted {ex.tolerance_text()}."


@dataclass(frozen=True)
class CheckResult:
    """Outcome of one self-check. ``passed`` is None when the exercise is not answered."""

    exercise_id: str
    passed: bool | None
    message: str

    def __bool__(self) -> bool:
        return bool(self.passed)

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return self.message


def check(exercise_id: str, answer: object) -> CheckResult:
    """Check *answer* to exercise *exercise_id*; the result's text says right or gives a hint.

    ``None`` is "not answered yet". Anything that is not a finite real number (a string, a
    DataFrame, a Series with several values) fails with a hint on what to give instead;
    a one-element Series or array is accepted as its single value.
    """
    ex = _get(exercise_id)
    if answer is None:
        return CheckResult(ex.id, None, f"{ex.id}: not answered yet — hint: {ex.hint}")
    value = _as_number(answer)
    if value is None:
        return CheckResult(ex.id, False,
                           f"{ex.id}: not right — the answer must be one number (got "
                           f"{type(answer).__name__}) — hint: {ex.hint}")
    want = expected(ex.id)
    if ex.tolerance_kind == "rel":
        ok = abs(value - want) <= ex.tolerance * abs(want)
    else:
        ok = abs(value - want) <= ex.tolerance
    if ok:
        return CheckResult(ex.id, True, f"{ex.id}: right ({ex.tolerance_text()}).")
    return CheckResult(ex.id, False, f"{ex.id}: not right yet — hint: {ex.hint}")


def _as_number(answer) -> float | None:
    if isinstance(answer, bool):
        return None
    if hasattr(answer, "shape") and hasattr(answer, "size"):  # numpy array, pandas Series
        if getattr(answer, "ndim", 1) > 1 or answer.size != 1:
            return None
        answer = answer.reshape(-1)[0] if hasattr(answer, "reshape") else answer.iloc[0]
        if hasattr(answer, "item"):
            answer = answer.item()
    if isinstance(answer, Real):
        value = float(answer)
        return value if math.isfinite(value) else None
    return None

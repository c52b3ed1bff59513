"""One basis: :class:`Basis` and :func:`compare` (also public as :func:`to_basis`).

Puts frames on one currency, price basis and period convention, each step by the module that
owns it (:mod:`defbudget.fiscal`, :mod:`defbudget.fx`, :mod:`defbudget.prices`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from defbudget import schema
from defbudget.compare._frame import _require, _same_basis
from defbudget.errors import ArgumentError
from defbudget.schema import BasisMismatchError, is_currency_unit, require_same_basis

#: Price index used by default to deflate or rebase each currency (override with Basis.index).
DEFAULT_INDEX = {"JPY": "jp_cpi_all_items", "USD": "us_cpi_u"}



@dataclass(frozen=True)
class Basis:
    """The common basis :func:`compare` puts frames on.

    Parameters
    ----------
    unit
        ISO 4217 currency of the result, e.g. ``"USD"``.
    price_basis
        ``"current"`` or ``"constant"``.
    base_year
        Price year for constant prices (required then, refused for current prices).
    period
        ``"CY"`` (fiscal years are calendarised with *rule*), ``"FY"`` (rows must already be
        fiscal years with one start month) or None to keep each row's period.
    rate
        Exchange rate for :func:`defbudget.fx.convert`: ``"fy_average"``, ``"cy_average"``,
        ``"spot:YYYY-MM-DD"`` or a fixed number.
    rule
        Calendarisation rule for :func:`defbudget.fiscal.calendarise`.
    index
        Price index for :func:`defbudget.prices.to_constant`; by default the currency's own
        (:data:`DEFAULT_INDEX`).
    method
        Constant-US$ method for local-currency rows, see
        :func:`defbudget.prices.constant_usd` (``"sipri"``: deflate by the country's CPI,
        then convert at the base year's rate).

    Examples
    --------
    >>> from defbudget.compare import Basis
    >>> b = Basis(unit="USD", price_basis="constant", base_year=2023)
    >>> b.period, b.rate, b.rule
    ('CY', 'cy_average', 'sipri_even_spread')
    >>> Basis(price_basis="constant")
    Traceback (most recent call last):
    ...
    defbudget.errors.ArgumentError: Basis(price_basis='constant') needs a base_year, e.g. ...
    """

    unit: str = "USD"
    price_basis: Literal["current", "constant"] = "current"
    base_year: int | None = None
    period: Literal["CY", "FY"] | None = "CY"
    rate: str | float = "cy_average"
    rule: str = "sipri_even_spread"
    index: str | None = None
    method: str = "sipri"

    def __post_init__(self):
        if not is_currency_unit(self.unit):
            raise ArgumentError(f"Basis(unit={self.unit!r}): expected an ISO 4217 currency code "
                                "such as 'USD' or 'JPY'.")
        if self.price_basis not in schema.PRICE_BASES:
            raise ArgumentError(f"Basis(price_basis={self.price_basis!r}): expected one of "
                                f"{schema.PRICE_BASES}.")
        if self.price_basis == "constant" and self.base_year is None:
            raise ArgumentError("Basis(price_basis='constant') needs a base_year, e.g. "
                                "Basis(unit='USD', price_basis='constant', base_year=2023).")
        if self.price_basis == "current" and self.base_year is not None:
            raise ArgumentError(f"Basis(base_year={self.base_year}) only applies to constant "
                                "prices; pass price_basis='constant' too.")
        if self.period not in ("CY", "FY", None):
            raise ArgumentError(f"Basis(period={self.period!r}): expected 'CY', 'FY' or None.")


def _as_basis(basis: Basis | Mapping | None) -> Basis:
    """The :class:`Basis` :func:`compare` was given, as a mapping of its fields, or None."""
    if basis is None:
        return Basis()
    if isinstance(basis, Mapping):
        return Basis(**basis)
    if not isinstance(basis, Basis):
        raise TypeError(f"compare: basis must be a Basis or a dict of its fields; you passed "
                        f"{basis!r}.")
    return basis


def _money(frames: tuple[pd.DataFrame, ...]) -> pd.DataFrame:
    """The frames given to :func:`compare` in one, each checked, every row in a currency."""
    if not frames:
        raise ArgumentError("compare: pass at least one frame.")
    for f in frames:
        _require(f, "compare.compare")
    df = pd.concat(frames, ignore_index=True)
    not_money = df[~df["unit"].map(is_currency_unit).astype(bool)]
    if len(not_money):
        r = not_money.iloc[0]
        raise BasisMismatchError(
            f"compare aligns money; {r['country']} {r['measure']} is in {r['unit']!r}, which "
            "has no currency or price basis to convert. Compare shares and indices directly "
            "(they are already unit-free), or select the money rows.")
    return df


def _to_period(df: pd.DataFrame, basis: Basis) -> pd.DataFrame:
    """Step 1 of :func:`compare`: the period convention of *basis*."""
    from defbudget import fiscal

    if basis.period == "CY":
        fy = df["period"].eq("FY") & df["fy_start_month"].ne(1)
        if fy.any():
            df = pd.concat([df[~fy], fiscal.calendarise(df[fy], rule=basis.rule)],
                           ignore_index=True)
        df.loc[df["period"].eq("FY"), "period"] = "CY"  # FY starting in January is a CY
    elif basis.period == "FY":
        cy = df[df["period"].eq("CY")]
        if len(cy):
            raise BasisMismatchError(
                f"compare cannot turn calendar years into fiscal years ({cy['country'].iloc[0]} "
                f"{cy['measure'].iloc[0]} is by CY): no rule splits a calendar year into "
                "fiscal years. Use Basis(period='CY') to calendarise the fiscal years instead.")
        require_same_basis(df.reset_index(drop=True), what="compare (period='FY')",
                           columns=("fy_start_month",))
    return df


def _to_prices(rows: pd.DataFrame, basis: Basis, *, unit: str, price_basis: str,
               base_year: int | None) -> pd.DataFrame:
    """Step 2 of :func:`compare`: the currency and prices of *basis*, for rows sharing one
    unit, price basis and base year."""
    from defbudget import fx, prices

    pb, by = price_basis, base_year
    if basis.price_basis == "current":
        if pb == "constant":
            raise BasisMismatchError(
                f"compare cannot turn constant ({by}) prices into current prices "
                f"({rows['country'].iloc[0]} {rows['measure'].iloc[0]} in {unit}); use "
                "the source's current-price series, or compare at constant prices with "
                f"Basis(price_basis='constant', base_year={by}).")
        return rows if unit == basis.unit else fx.convert(rows, to=basis.unit, rate=basis.rate)
    target = basis.base_year
    if target is None:  # pragma: no cover - Basis refuses constant prices without a base year
        raise ArgumentError("compare: constant prices need Basis(base_year=...).")
    if pb == "constant" and unit != basis.unit:
        raise BasisMismatchError(
            f"compare cannot convert constant-{by} {unit} into constant {basis.unit}: "
            "the source's constant prices embed its own exchange rate. Use its current "
            f"{unit} series instead, which compare deflates and converts.")
    if unit == basis.unit:
        if pb == "constant" and by == target:
            return rows
        index = basis.index or DEFAULT_INDEX.get(unit)
        if index is None:
            raise BasisMismatchError(
                f"compare has no price index for {unit}; pass Basis(index=...) with one "
                f"of {sorted(prices.INDICES)} or a frame from prices.price_index().")
        return prices.to_constant(rows, base_year=target, index=index)
    if basis.unit == "USD":
        # the caller's rate is used as given (a fixed number or a spot date converts
        # every year at that rate; fx_rate/fx_basis record it), never swapped for another
        return prices.constant_usd(rows, base_year=target, method=basis.method,
                                   index=basis.index, rate=basis.rate)
    raise BasisMismatchError(
        f"compare can put {unit} at constant prices into constant US$ only; for "
        f"constant {basis.unit}, first convert with fx.convert(frame, to="
        f"{basis.unit!r}) at current prices.")


def compare(*frames: pd.DataFrame, basis: Basis | Mapping | None = None) -> pd.DataFrame:
    """Put several frames — countries, sources — on one basis, so they can be compared.

    Steps, in this order (each by the module that owns it, which records what it did in the
    provenance columns ``calendarised``, ``fx_rate``/``fx_basis``/``fx_source``,
    ``deflator``/``deflator_source``):

    1. period: fiscal years to calendar years with :func:`defbudget.fiscal.calendarise`
       (in the original currency and prices, as SIPRI does);
    2. prices and currency: :func:`defbudget.fx.convert` for current prices;
       :func:`defbudget.prices.to_constant` for constant prices in the same currency (rebasing
       other base years); :func:`defbudget.prices.constant_usd` for local currency at current
       prices to constant US$.

    Parameters
    ----------
    *frames
        Tidy frames of money values (currency units).
    basis
        A :class:`Basis` or a mapping of its fields; default ``Basis()`` (current US$, calendar
        years, calendar-year average rates).

    Returns
    -------
    pandas.DataFrame
        One tidy frame, every row in ``basis.unit`` at ``basis.price_basis`` (and
        ``base_year``) and, unless ``basis.period`` is None, in that period convention;
        ``source`` and ``basis`` columns are kept.

    Raises
    ------
    BasisMismatchError
        Something cannot be aligned, with the reason: a share or index (not money), calendar
        years asked to become fiscal years, constant prices asked to become current, a
        constant-price currency other than the target, fiscal years with different start
        months asked to stay fiscal, or no price index for a currency.

    Examples
    --------
    >>> import pandas as pd
    >>> from defbudget.compare import Basis, compare
    >>> from defbudget.schema import coerce
    >>> jp = coerce(pd.DataFrame({"country": "Japan", "iso3": "JPN", "year": [2024],
    ...     "period": "FY", "fy_start_month": 4, "measure": "defense_budget",
    ...     "basis": "mod_incl_saco_realignment", "value": [7.9496e12], "unit": "JPY",
    ...     "price_basis": "current", "stage": "enacted", "source": "example"}))
    >>> out = compare(jp, basis=Basis(unit="USD", period="FY", rate="fy_average"))
    >>> out[["year", "period", "unit", "fx_basis"]]
       year period unit    fx_basis
    0  2024     FY  USD  fy_average
    >>> round(float(out["value"].iloc[0]) / 1e9, 2)  # US$ bn at the FY2024 average rate
    52.15
    >>> cy = compare(jp, basis=Basis(period="CY"))  # CY2024 = ¼·FY2023 + ¾·FY2024
    >>> cy[["year", "period", "value", "flag"]]
       year period  value         flag
    0  2024     CY    NaN  unavailable
    >>> compare(jp.assign(unit="ratio"))
    Traceback (most recent call last):
    ...
    defbudget.schema.BasisMismatchError: compare aligns money; ... is in 'ratio', ...
    """
    basis = _as_basis(basis)
    df = _to_period(_money(frames), basis)
    parts = [_to_prices(rows, basis, unit=unit, price_basis=pb,
                        base_year=None if pd.isna(by) else int(by))
             for (unit, pb, by), rows in df.groupby(["unit", "price_basis", "base_year"],
                                                    dropna=False, sort=False)]
    out = schema.coerce(pd.concat(parts, ignore_index=True))
    _same_basis(out, what="compare")
    return out.sort_values(["country", "measure", "basis", "year"], kind="stable").reset_index(
        drop=True)


#: The same function under the name the ``df.budget`` accessor uses: put frames on a basis.
to_basis = compare

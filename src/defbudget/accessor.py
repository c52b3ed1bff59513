"""The ``df.budget`` accessor: method chaining over :mod:`defbudget.compare`.

``import defbudget`` registers it (the package imports this module, which imports pandas but
none of the comparisons)::

    import defbudget as db
    budget = db.load("japan_mod_budget")
    budget.budget.select(basis="mod_incl_saco_realignment").budget.yoy()

Every method delegates to the function of the same name in the submodules of
:mod:`defbudget.compare` (``to_basis`` to :func:`defbudget.compare.to_basis`, the same function
as :func:`~defbudget.compare.compare`; ``style`` to :func:`~defbudget.compare.style_table`),
imported when the method is first called; see those for parameters, units and errors. Nothing
in :mod:`defbudget.compare` imports this module, so there is no import cycle.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd

from defbudget._deprecate import renamed_keywords

if TYPE_CHECKING:  # pragma: no cover - annotations only; compare loads on first call
    from pandas.io.formats.style import Styler

    from defbudget.compare.basis import Basis
    from defbudget.compare.select import Selection

__all__ = ["BudgetAccessor"]


@pd.api.extensions.register_dataframe_accessor("budget")
class BudgetAccessor:
    """``df.budget``: the comparison functions of :mod:`defbudget.compare` as methods.

    Examples
    --------
    >>> import defbudget  # registers df.budget
    >>> from defbudget.compare import _example_frame
    >>> f = _example_frame()
    >>> f.budget.yoy()["value"].round(4).tolist()
    [nan, nan, 0.2632]
    """

    def __init__(self, frame: pd.DataFrame):
        self._frame = frame

    def select(self, **criteria: Any) -> pd.DataFrame:
        """:func:`defbudget.compare.select`.

        Examples
        --------
        >>> from defbudget.compare import _example_frame
        >>> len(_example_frame().budget.select(year=2023))
        1
        """
        from defbudget.compare.select import select

        return select(self._frame, **criteria)

    def yoy(self, *, pct: bool = True) -> pd.DataFrame:
        """:func:`defbudget.compare.yoy` (ratio, or the unit with ``pct=False``).

        Examples
        --------
        >>> from defbudget.compare import _example_frame
        >>> float(_example_frame().budget.yoy(pct=False)["value"].iloc[-1])
        1421400000000.0
        """
        from defbudget.compare.growth import yoy

        return yoy(self._frame, pct=pct)

    def cagr(self, *, start: int, end: int) -> pd.DataFrame:
        """:func:`defbudget.compare.cagr` (ratio a year).

        Examples
        --------
        >>> from defbudget.compare import _example_frame
        >>> round(float(_example_frame().budget.cagr(start=2022, end=2023)["value"][0]), 4)
        0.2632
        """
        from defbudget.compare.growth import cagr

        return cagr(self._frame, start=start, end=end)

    @renamed_keywords(base_year="index_year")
    def index_to(self, *, index_year: int) -> pd.DataFrame:
        """:func:`defbudget.compare.index_to` (unit ``index``, base year = 100).

        Examples
        --------
        >>> from defbudget.compare import _example_frame
        >>> _example_frame().budget.index_to(index_year=2022)["value"].round(1).tolist()
        [91.8, 100.0, 126.3]
        """
        from defbudget.compare.growth import index_to

        return index_to(self._frame, index_year=index_year)

    def rolling_mean(self, *, window: int) -> pd.DataFrame:
        """:func:`defbudget.compare.rolling_mean` (the series' unit).

        Examples
        --------
        >>> from defbudget.compare import _example_frame
        >>> float(_example_frame().budget.rolling_mean(window=2)["value"].iloc[-1])
        6111200000000.0
        """
        from defbudget.compare.growth import rolling_mean

        return rolling_mean(self._frame, window=window)

    def rank(self, *, year: int | Literal["latest"], ascending: bool = False,
             include_aggregates: bool = False) -> pd.DataFrame:
        """:func:`defbudget.compare.rank`.

        Examples
        --------
        >>> from defbudget.compare import _example_cross_section
        >>> _example_cross_section().budget.rank(year=2024)["iso3"].tolist()[:2]
        ['USA', 'CHN']
        """
        from defbudget.compare.cross_section import rank

        return rank(self._frame, year=year, ascending=ascending,
                    include_aggregates=include_aggregates)

    def top_n(self, *, year: int | Literal["latest"], n: int = 10,
              ascending: bool = False) -> pd.DataFrame:
        """:func:`defbudget.compare.top_n` (countries only).

        Examples
        --------
        >>> from defbudget.compare import _example_cross_section
        >>> _example_cross_section().budget.top_n(year="latest", n=3)["iso3"].tolist()
        ['USA', 'CHN', 'IND']
        """
        from defbudget.compare.cross_section import top_n

        return top_n(self._frame, year=year, n=n, ascending=ascending)

    def share_of_total(self, *,
                       total: Literal["world", "region", "subregion"]
                       | Mapping[str, Sequence[str]] = "world",
                       denominator: Literal["reported", "sum"] = "reported") -> pd.DataFrame:
        """:func:`defbudget.compare.share_of_total` (unit ``ratio``).

        Examples
        --------
        >>> from defbudget.compare import _example_cross_section
        >>> s = _example_cross_section().budget.share_of_total(total={"G2": ["USA", "CHN"]})
        >>> s["value"].round(3).tolist()
        [0.24, 0.76]
        """
        from defbudget.compare.cross_section import share_of_total

        return share_of_total(self._frame, total=total, denominator=denominator)

    def difference(self, a: Selection, b: Selection) -> pd.DataFrame:
        """:func:`defbudget.compare.difference` (a − b, in the common unit).

        Examples
        --------
        >>> from defbudget.compare import _example_cross_section
        >>> float(_example_cross_section().budget.difference("USA", "CHN")["value"][0])
        683000000000.0
        """
        from defbudget.compare.pairwise import difference

        return difference(self._frame, a, b)

    def ratio(self, a: Selection, b: Selection) -> pd.DataFrame:
        """:func:`defbudget.compare.ratio` (a / b, unit ``ratio``).

        Examples
        --------
        >>> from defbudget.compare import _example_cross_section
        >>> round(float(_example_cross_section().budget.ratio("JPN", "AUS")["value"][0]), 3)
        1.636
        """
        from defbudget.compare.pairwise import ratio

        return ratio(self._frame, a, b)

    def against_targets(self, *, targets: pd.DataFrame | None = None,
                        proxy: bool = False) -> pd.DataFrame:
        """:func:`defbudget.compare.against_targets` (gap in ratio points of GDP).

        Examples
        --------
        >>> from defbudget.compare import _example_cross_section
        >>> f = _example_cross_section().assign(measure="milex_share_gdp", unit="ratio",
        ...                                     value=0.021)
        >>> bool(f.budget.against_targets()["met"].iloc[0])
        True
        """
        from defbudget.compare.targets import against_targets

        return against_targets(self._frame, targets=targets, proxy=proxy)

    def first_year_meeting(self, *, target: str | float,
                           targets: pd.DataFrame | None = None, strict: bool = False,
                           proxy: bool = False) -> pd.DataFrame:
        """:func:`defbudget.compare.first_year_meeting`.

        Examples
        --------
        >>> from defbudget.compare import _example_cross_section
        >>> f = _example_cross_section().assign(measure="milex_share_gdp", unit="ratio",
        ...                                     value=0.021)
        >>> f.budget.first_year_meeting(target="nato_2pct_guideline")["first_year"].iloc[0]
        np.int64(2024)
        """
        from defbudget.compare.targets import first_year_meeting

        return first_year_meeting(self._frame, target=target, targets=targets, strict=strict,
                                  proxy=proxy)

    def to_basis(self, basis: Basis | Mapping[str, object] | None = None) -> pd.DataFrame:
        """:func:`defbudget.compare.to_basis` (= :func:`~defbudget.compare.compare`) of this
        frame alone.

        Examples
        --------
        >>> from defbudget.compare import Basis, _example_frame
        >>> usd = _example_frame().budget.to_basis(Basis(period="FY", rate=150.0))
        >>> round(float(usd["value"].iloc[-1]) / 1e9, 1)  # US$ bn at ¥150/$
        45.5
        """
        from defbudget.compare.basis import to_basis

        return to_basis(self._frame, basis=basis)

    def wide_table(self, *, index: Sequence[str] | None = None,
                   years: Iterable[int] | None = None, values: str = "value") -> pd.DataFrame:
        """:func:`defbudget.compare.wide_table`.

        Examples
        --------
        >>> from defbudget.compare import _example_frame
        >>> _example_frame().budget.wide_table().columns.tolist()
        [2002, 2022, 2023]
        """
        from defbudget.compare.tables import wide_table

        return wide_table(self._frame, index=index, years=years, values=values)

    def style(self, *, index: Sequence[str] | None = None, years: Iterable[int] | None = None,
              caption: str | None = None, sig: int = 3) -> Styler:
        """:func:`defbudget.compare.style_table` (a pandas Styler).

        Examples
        --------
        >>> from defbudget.compare import _example_frame
        >>> "¥6.82T" in _example_frame().budget.style().to_html()
        True
        """
        from defbudget.compare.tables import style_table

        return style_table(self._frame, index=index, years=years, caption=caption, sig=sig)

    def show(self, columns: Sequence[str] | None = None) -> pd.DataFrame:
        """:func:`defbudget.tables.show`: a display copy (¥8.70T, 1.37%, ¥150.7/$, marks).

        Examples
        --------
        >>> from defbudget.compare import _example_frame
        >>> _example_frame().budget.show(["year", "value"])["value"].tolist()
        ['¥4.96T', '¥5.40T', '¥6.82T']
        """
        from defbudget.tables import show

        return show(self._frame, columns)

    def show_wide(self, *, index: Sequence[str] | None = None,
                  years: Iterable[int] | None = None) -> pd.DataFrame:
        """:func:`defbudget.tables.show_wide`: years across, values formatted by unit."""
        from defbudget.tables import show_wide

        return show_wide(self._frame, index=index, years=years)

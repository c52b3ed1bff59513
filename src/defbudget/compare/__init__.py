"""Comparisons researchers make every day, on the tidy frame.

Every function takes a tidy frame (see :mod:`defbudget.schema`) and returns a new one; inputs
are never modified and nothing here reads files or the network (except :func:`load_targets`,
which reads the targets table shipped with the package). Results keep the ``source``, ``unit``,
``price_basis``/``base_year`` and ``basis`` columns so that charts and exports can print them,
and say in ``measure`` what was computed (``defense_budget_yoy_pct_real`` is a real
year-on-year change of a constant-price series).

One module per job; import the functions from here (``from defbudget.compare import yoy``),
where they have always been:

Selection (:mod:`~defbudget.compare.select`)
    :func:`select`, :func:`split_unreliable_countries`, and the country matcher the kit uses.
Growth (:mod:`~defbudget.compare.growth`)
    :func:`yoy`, :func:`cagr`, :func:`index_to`, :func:`rolling_mean` work within each series
    (one country, measure, basis, unit, price basis and base year, period convention and
    source) and never across a gap: a change whose previous year is missing is NaN, flagged
    ``unavailable`` with a ``note`` saying why.
Cross-section (:mod:`~defbudget.compare.cross_section`, :mod:`~defbudget.compare.pairwise`)
    :func:`rank`, :func:`top_n`, :func:`share_of_total`; :func:`difference`, :func:`ratio`.
Burden against targets (:mod:`~defbudget.compare.targets`)
    :func:`load_targets`, :func:`against_targets`, :func:`first_year_meeting`.
One basis (:mod:`~defbudget.compare.basis`)
    :class:`Basis` and :func:`compare` (also named :func:`to_basis`) put frames on one
    currency, price basis and period convention with :mod:`defbudget.fx`,
    :mod:`defbudget.prices` and :mod:`defbudget.fiscal`.
Display (:mod:`~defbudget.compare.tables`)
    :func:`wide_table` and :func:`style_table` (a pandas ``Styler`` for notebooks), formatted
    with :mod:`defbudget.formatting`.

The ``df.budget`` accessor (:mod:`defbudget.accessor`) delegates to these functions; it is
registered by ``import defbudget``, so it exists after ``import defbudget.compare`` too.
Nothing in this package imports the accessor.

The package's attributes ``select`` and ``compare`` are the functions, not the submodules of
those names: import from the submodules with ``from defbudget.compare.select import ...``.
"""

from __future__ import annotations

# Names kept importable from here, as before the split, are imported as `x as x` (explicit
# re-exports outside __all__): shared constants, the error classes, the country matcher and
# the example frames of the docstrings.
from defbudget import schema as schema
from defbudget._deprecate import renamed_keywords as renamed_keywords
from defbudget.compare._frame import AGGREGATE_NAMES as AGGREGATE_NAMES
from defbudget.compare._frame import BASIS_COLUMNS, SERIES_KEYS
from defbudget.compare.basis import DEFAULT_INDEX as DEFAULT_INDEX
from defbudget.compare.basis import Basis, compare, to_basis
from defbudget.compare.cross_section import _example_cross_section as _example_cross_section
from defbudget.compare.cross_section import rank, share_of_total, top_n
from defbudget.compare.growth import _example_frame as _example_frame
from defbudget.compare.growth import cagr, index_to, rolling_mean, yoy
from defbudget.compare.pairwise import difference, ratio
from defbudget.compare.select import Selection as Selection
from defbudget.compare.select import UnknownCountryError, select, split_unreliable_countries
from defbudget.compare.select import _resolve_country as _resolve_country
from defbudget.compare.tables import style_table, wide_table
from defbudget.compare.targets import against_targets, first_year_meeting, load_targets
from defbudget.errors import ArgumentError as ArgumentError
from defbudget.errors import DataError as DataError
from defbudget.errors import MissingColumnError as MissingColumnError
from defbudget.errors import UnknownNameError as UnknownNameError
from defbudget.schema import BasisMismatchError
from defbudget.schema import is_currency_unit as is_currency_unit
from defbudget.schema import require_same_basis as require_same_basis

__all__ = [
    "BASIS_COLUMNS",
    "SERIES_KEYS",
    "Basis",
    "BasisMismatchError",
    "UnknownCountryError",
    "against_targets",
    "cagr",
    "compare",
    "difference",
    "first_year_meeting",
    "index_to",
    "load_targets",
    "rank",
    "ratio",
    "rolling_mean",
    "select",
    "share_of_total",
    "split_unreliable_countries",
    "style_table",
    "to_basis",
    "top_n",
    "wide_table",
    "yoy",
]

"""Display names of measures and bases (what a chart's title and legend print).

The names live in :mod:`defbudget.vocabulary`; a chart prints the short title of the national
budget ("Defence budget") because the basis follows it in brackets.
"""

from defbudget.vocabulary import BASIS_NAMES, SHORT_BASIS_NAMES, basis_name
from defbudget.vocabulary import CHART_MEASURE_TITLES as MEASURE_NAMES

__all__ = ["BASIS_NAMES", "MEASURE_NAMES", "SHORT_BASIS_NAMES", "basis_name"]

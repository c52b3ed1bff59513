"""Publication-quality charts of tidy defbudget frames, with a house style on request.

Every chart takes the tidy frame first and keyword-only options after it, draws on ``ax``
(default: a new figure, one per call) and returns the Axes (or the Figure of a multi-panel
chart). ``style="paper"`` (default), ``"slides"`` or ``None`` (your own rcParams) picks the
look; it is applied through a style context while the chart is drawn, so your global
rcParams never change.
Every chart prints a source line generated from the frame: its sources, units and price
basis, period convention (fiscal or calendar years) and currency conversion. Draft, request
and estimate values are drawn hollow, and the legend says so.

Colours stand for countries and nothing else: Japan is the same blue in every chart
(:data:`COUNTRY_COLOURS`, :func:`country_colour`); context series are light tints of their
own colour; the bases of one country share its hue. Line styles stand for one meaning each:
dashed into hollow points for drafts, requests and the source's estimates, dash-dot for
targets.

The source line is a text of the figure itself, inside its layout: it is there however the
figure is shown (inline in Jupyter, ``fig.savefig`` with or without ``bbox_inches="tight"``,
:func:`save`) and in every format. Importing :mod:`defbudget` does not import this module or
matplotlib; importing this module changes no rcParams.
"""

from __future__ import annotations

from ._format import (
    IndexFormatter,
    MoneyFormatter,
    PercentFormatter,
    formatter_for,
    set_value_axis,
)
from ._save import save
from ._source import add_source_line, get_source_text, period_phrase, source_line, source_title
from ._style import (
    COUNTRY_COLOURS,
    OKABE_ITO,
    chart_style,
    country_colour,
    house_style,
    palette,
    set_style,
    tint,
)
from .bars import growth_bars, ranking_bars, stacked_composition
from .dots import reconciliation_dots, slope
from .lines import burden_vs_targets, compare_lines, indexed_growth, trend
from .multiples import save_small_multiples, small_multiples
from .revisions import revision_dots, revision_lines

__all__ = [
    "COUNTRY_COLOURS",
    "OKABE_ITO",
    "IndexFormatter",
    "MoneyFormatter",
    "PercentFormatter",
    "add_source_line",
    "burden_vs_targets",
    "chart_style",
    "compare_lines",
    "country_colour",
    "formatter_for",
    "get_source_text",
    "growth_bars",
    "house_style",
    "indexed_growth",
    "palette",
    "period_phrase",
    "ranking_bars",
    "reconciliation_dots",
    "revision_dots",
    "revision_lines",
    "save",
    "save_small_multiples",
    "set_style",
    "set_value_axis",
    "slope",
    "small_multiples",
    "source_line",
    "source_title",
    "stacked_composition",
    "tint",
    "trend",
]

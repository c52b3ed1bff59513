"""One figure per call, and a chart that is complete however it is shown (issue 13).

Every chart function called without ``ax=`` draws on a new figure; with ``ax=`` it draws
there (also on a SubFigure). The house style is applied through a style context only, and the
source line is part of the figure: inline in Jupyter, with ``fig.savefig`` (tight or not), with
``plot.save``, in PNG, SVG and PDF.
"""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from PIL import Image

sys.path.insert(0, str(Path(__file__).parent))
from plot_frames import japan_budget, sipri_like

from defbudget import plot
from defbudget.plot import get_source_text
from defbudget.plot._source import SOURCE_GID
from defbudget.schema import coerce


def _reconcile_table() -> pd.DataFrame:
    return pd.DataFrame({
        "budget": "Japan FY2025 cabinet draft", "year": 2025,
        "outlet": ["Reuters", "Blog"], "published": "2024-12-27",
        "reported_usd": [55.1e9, 80e9], "local_amount": 8.7005e12,
        "local_unit": "JPY", "implied_rate": [157.9, 108.8],
        "usd_at_fy_average": 57.8e9, "usd_at_cy_average": 57.1e9,
        "fy_average_rate": 150.5, "cy_average_rate": 152.4, "usd_at_spot": 55.2e9,
        "rate_min": 139.9, "rate_max": 158.4, "supported": [True, False],
        "source": "press", "fx_source": "fed-h10"})


def _parts() -> pd.DataFrame:
    rows = [(2010, "defense_budget", "mod_excl_saco_realignment", 4.6826e12),
            (2010, "defense_budget", "mod_incl_saco_realignment", 4.7903e12),
            (2010, "defense_budget_component", "saco", 16.9e9),
            (2010, "defense_budget_component", "us_realignment_local_burden", 90.9e9)]
    return coerce(pd.DataFrame(rows, columns=["year", "measure", "basis", "value"])
                  .assign(country="Japan", period="FY", fy_start_month=4, unit="JPY",
                          price_basis="current", stage="enacted", source="japan_mod_budget"))


def _burden() -> pd.DataFrame:
    return sipri_like({"Japan": 0.01, "South Korea": 0.025}, unit="ratio",
                      measure="milex_share_gdp", growth=0.0)


TARGETS = pd.DataFrame({"label": ["NATO guideline"], "value": [0.02], "source": ["nato"]})

#: (name, draw(**kw)) for every single-Axes chart function.
CHARTS = [
    ("trend", lambda **kw: plot.trend(japan_budget(), **kw)),
    ("compare_lines", lambda **kw: plot.compare_lines(sipri_like({"Japan": 5e10,
                                                                 "China": 2e11}), **kw)),
    ("indexed_growth", lambda **kw: plot.indexed_growth(sipri_like({"Japan": 5e10}),
                                                        index_year=2015, **kw)),
    ("burden_vs_targets", lambda **kw: plot.burden_vs_targets(_burden(), targets=TARGETS,
                                                              **kw)),
    ("growth_bars", lambda **kw: plot.growth_bars(japan_budget(), **kw)),
    ("ranking_bars", lambda **kw: plot.ranking_bars(sipri_like({"Japan": 5e10,
                                                               "China": 2e11}), year=2020,
                                                    **kw)),
    ("stacked_composition", lambda **kw: plot.stacked_composition(_parts(), **kw)),
    ("slope", lambda **kw: plot.slope(sipri_like({"Japan": 5e10}), start=2015, end=2020,
                                      **kw)),
    ("reconciliation_dots", lambda **kw: plot.reconciliation_dots(_reconcile_table(), **kw)),
]
IDS = [name for name, _ in CHARTS]


@pytest.mark.parametrize("draw", [d for _, d in CHARTS], ids=IDS)
def test_two_calls_in_a_row_give_two_figures(draw):
    plt.figure().add_subplot().plot([0, 1], [0, 1])  # a previous, unrelated chart
    before = plt.gcf()
    a = draw()
    b = draw()
    assert a.figure is not b.figure
    assert before not in (a.figure, b.figure)
    assert len(before.axes[0].get_lines()) == 1  # the earlier chart was not drawn on
    # each figure carries exactly one source line
    for ax in (a, b):
        assert [t.get_gid() for t in ax.figure.texts].count(SOURCE_GID) == 1
        assert get_source_text(ax).count("Source") == 1


def test_small_multiples_makes_its_own_figure_each_call():
    frame = sipri_like({"Japan": 5e10, "China": 2e11})
    a = plot.small_multiples(frame)
    b = plot.small_multiples(frame)
    assert a is not b
    assert [x.get_title(loc="left") for x in b.axes if x.get_visible() and x.has_data()] == [
        "Japan", "China"]


@pytest.mark.parametrize("draw", [d for _, d in CHARTS], ids=IDS)
def test_with_ax_draws_there_and_leaves_the_other_axes_alone(draw):
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4))
    right.plot([0, 1], [3, 4], color="k")
    right.set_title("mine")
    out = draw(ax=left)
    assert out is left
    assert right.get_title() == "mine" and len(right.get_lines()) == 1
    assert not right.texts and right.get_legend() is None
    assert plt.gcf() is fig and len(plt.get_fignums()) == 1


@pytest.mark.parametrize("draw", [d for _, d in CHARTS], ids=IDS)
def test_ax_on_a_subfigure_works(draw):
    fig = plt.figure(figsize=(12, 4.5), layout="constrained")
    left, right = fig.subfigures(1, 2)
    ax = left.add_subplot()
    other = right.add_subplot()
    out = draw(ax=ax)
    assert out is ax
    assert get_source_text(fig).startswith("Source")  # on the page, once
    assert not other.get_lines()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=50)  # draws without error


def test_rcparams_unchanged_after_every_chart_and_style():
    before = dict(mpl.rcParams)
    for _, draw in CHARTS:
        for style in ("paper", "slides", None):
            ax = draw(style=style)
            ax.figure.canvas.draw()
            plt.close(ax.figure)
            assert dict(mpl.rcParams) == before, (draw, style)
    plot.small_multiples(sipri_like({"Japan": 5e10}))
    assert dict(mpl.rcParams) == before


def test_style_chooses_paper_slides_or_the_users_own():
    paper = plot.trend(japan_budget())
    slides = plot.trend(japan_budget(), style="slides")
    assert paper.title.get_fontsize() != slides.title.get_fontsize()
    assert paper.figure.get_size_inches().tolist() == [6.5, 4.0]
    assert slides.figure.get_size_inches().tolist() == [10.0, 5.625]
    with mpl.rc_context({"font.size": 13.0, "axes.titlesize": 13.0,
                         "figure.figsize": (5.0, 5.0)}):
        own = plot.trend(japan_budget(), style=None)
    assert own._left_title.get_fontsize() == 13.0
    assert own.figure.get_size_inches().tolist() == [5.0, 5.0]
    with pytest.raises(ValueError, match="style must be one of"):
        plot.trend(japan_budget(), style="poster")


def test_house_style_survives_drawing_outside_the_context():
    """Tick labels are made lazily at draw time; they still wear the chart's style."""
    ax = plot.trend(japan_budget(), style="slides")
    ax.figure.canvas.draw()  # drawn after the call returned, under the default rcParams
    sizes = {t.get_fontsize() for t in ax.get_yticklabels() if t.get_text()}
    assert sizes == {13.0}  # slides: ytick.labelsize 13 (default rcParams: 10)
    grid = [ln for ln in ax.get_ygridlines() if ln.get_visible()]
    assert grid and mpl.colors.to_hex(grid[0].get_color()) == "#dddddd"


def _inside(inner, outer, tol=0.5) -> bool:
    return (inner.x0 >= outer.x0 - tol and inner.y0 >= outer.y0 - tol
            and inner.x1 <= outer.x1 + tol and inner.y1 <= outer.y1 + tol)


def test_tight_bbox_keeps_the_source_line():
    ax = plot.trend(japan_budget())
    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    fig.draw_without_rendering()
    source = next(t for t in fig.texts if t.get_gid() == SOURCE_GID)
    assert source.get_text().startswith("Source:")
    tight = fig.get_tightbbox(renderer)  # inches
    box = source.get_window_extent(renderer).transformed(fig.dpi_scale_trans.inverted())
    assert _inside(box, tight, tol=0.01)


def _png_height(fig, **kwargs) -> int:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=72, **kwargs)
    return Image.open(io.BytesIO(buf.getvalue())).size[1]


@pytest.mark.parametrize("how", ["savefig_tight", "jupyter_inline"])
def test_rendered_image_holds_the_source_line(how):
    """Rendered with and without the source line, the image grows by the line's height."""
    ax = plot.trend(japan_budget())
    fig = ax.figure
    source = next(t for t in fig.texts if t.get_gid() == SOURCE_GID)
    lines = source.get_text().count("\n") + 1

    def height() -> int:
        if how == "savefig_tight":
            return _png_height(fig, bbox_inches="tight")
        from IPython.core.pylabtools import print_figure  # what the inline backend calls

        data = print_figure(fig, fmt="png", bbox_inches="tight", dpi=72)
        return Image.open(io.BytesIO(data)).size[1]

    with_line = height()
    source.set_visible(False)
    without = height()
    source.set_visible(True)
    # every line of the source text (~7 pt type, 1.3 spacing) is in the image
    assert with_line - without >= lines * source.get_fontsize() * 1.2


def test_svg_and_pdf_and_png_carry_the_source_line(tmp_path):
    ax = plot.trend(japan_budget())
    fig = ax.figure
    first = get_source_text(fig).split("\n")[0]
    svg = tmp_path / "c.svg"
    with mpl.rc_context({"svg.fonttype": "none"}):  # text as <text>, to find it
        fig.savefig(svg, bbox_inches="tight")
    text = svg.read_text()
    height = float(re.search(r'height="([\d.]+)pt"', text).group(1))
    found = re.search(r'<g id="defbudget-source">\s*<text [^>]*translate\(([\d.]+) ([\d.]+)\)'
                      r'">([^<]*)<', text)
    assert found and found.group(3) == first
    assert 0 < float(found.group(2)) <= height  # the baseline lies inside the canvas
    # plot.save writes the house style's SVG text as text, too
    assert f">{first}<" in plot.save(fig, tmp_path / "d.svg").read_text()
    pdf = plot.save(fig, tmp_path / "c.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    with_line = _png_height(fig)
    assert with_line == int(fig.get_figheight() * 72)  # untrimmed: the whole page
    array = np.asarray(Image.open(plot.save(fig, tmp_path / "c.png", dpi=72)).convert("L"))
    # dark pixels (text) in the bottom 3% of the page: the source line is drawn there
    assert (array[int(array.shape[0] * 0.97):] < 128).any()

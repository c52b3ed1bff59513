"""Find overlapping or clipped text on a drawn figure (used by tests/test_plot_collisions.py).

Every visible, non-empty text artist of the figure (titles, axis labels, tick labels, legend
texts, annotations, figure texts such as the source line) is drawn, and its rendered bounding
box compared with every other one and with the canvas.
"""

from __future__ import annotations

from itertools import combinations

from matplotlib.figure import Figure
from matplotlib.text import Text

#: Boxes may touch by this many pixels (at 100 dpi) without counting as a collision:
#: antialiasing and the font's line gap make neighbouring boxes share an edge.
TOLERANCE_PX = 1.0


def _texts(fig: Figure) -> list[Text]:
    """The texts drawn: tick labels only of the ticks inside the view (matplotlib keeps
    invisible spare ticks beyond the limits)."""
    tick_texts, drawn_ticks = set(), []
    for ax in fig.get_axes():
        if not ax.get_visible():
            continue
        for axis in ax._axis_map.values():
            for tick in list(axis.majorTicks) + list(axis.minorTicks):
                tick_texts |= {id(tick.label1), id(tick.label2)}
            for tick in axis._update_ticks():
                drawn_ticks += [lab for lab in (tick.label1, tick.label2) if lab.get_visible()]
    seen = []
    for art in fig.findobj(Text):
        if id(art) in tick_texts or not art.get_visible() or not art.get_text().strip():
            continue
        if art.axes is not None and not art.axes.get_visible():
            continue
        seen.append(art)
    return seen + [t for t in drawn_ticks if t.get_text().strip()]


def _name(t: Text) -> str:
    where = t.get_gid() or type(t).__name__
    return f"{where}:{t.get_text()[:40]!r}"


def text_problems(fig: Figure) -> list[str]:
    """Pairs of texts whose rendered boxes intersect, and texts leaving the canvas."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    canvas = fig.bbox
    boxes = []
    problems = []
    for t in _texts(fig):
        try:
            # the text's own box: an Annotation's would include its arrow, which leads to
            # the line it labels by design
            box = Text.get_window_extent(t, renderer)
        except RuntimeError:
            continue
        if box.width <= 0 or box.height <= 0:
            continue
        boxes.append((t, box))
        if (box.x0 < canvas.x0 - TOLERANCE_PX or box.y0 < canvas.y0 - TOLERANCE_PX
                or box.x1 > canvas.x1 + TOLERANCE_PX or box.y1 > canvas.y1 + TOLERANCE_PX):
            problems.append(f"{_name(t)} leaves the canvas ({box.bounds} vs {canvas.bounds})")
    for (a, ba), (b, bb) in combinations(boxes, 2):
        w = min(ba.x1, bb.x1) - max(ba.x0, bb.x0)
        h = min(ba.y1, bb.y1) - max(ba.y0, bb.y0)
        if w > TOLERANCE_PX and h > TOLERANCE_PX:
            problems.append(f"{_name(a)} overlaps {_name(b)} ({w:.0f} x {h:.0f} px)")
    return problems

"""plot.save lays a PNG out once and draws it once, with the pixels matplotlib's own savefig
gives; the end labels' leader lines are clipped once per place, as matplotlib clips them."""

from __future__ import annotations

import sys
from pathlib import Path
from types import SimpleNamespace

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure
from matplotlib.patches import Circle, ConnectionStyle, Rectangle
from matplotlib.transforms import IdentityTransform
from PIL import Image

sys.path.insert(0, str(Path(__file__).parent))
from plot_frames import sipri_like

from defbudget import plot
from defbudget.plot._common import _LeaderLine
from defbudget.plot._save import _layout_from_scratch, _save_rc
from defbudget.plot._source import refresh_layout


def _chart():
    """End labels (leader lines) and a legend at loc="best" (estimates drawn hollow)."""
    data = sipri_like({"Japan": 50e9, "Australia": 30e9, "India": 70e9, "Taiwan": 15e9},
                      estimate=(("India", 2023), ("India", 2024)))
    fig, ax = plt.subplots(figsize=(6, 3.6))
    plot.compare_lines(data, ax=ax)
    assert ax.get_legend() is not None and len(ax.texts) == 4
    return fig


def test_png_is_drawn_once_with_the_pixels_of_matplotlibs_savefig(tmp_path, monkeypatch):
    reference = _chart()  # what savefig gives: a first draw to lay out, then the real one
    refresh_layout(reference)
    _layout_from_scratch(reference)
    rc = _save_rc(reference)
    if mpl.rcParams["text.hinting"] == "default":
        rc["text.hinting"] = "no_hinting"
    with mpl.rc_context(rc):
        reference.savefig(tmp_path / "ref.png", dpi=200, pil_kwargs={"compress_level": 1})

    fig = _chart()
    engine = fig.get_layout_engine()
    draws = []
    real_draw = Figure.draw
    monkeypatch.setattr(Figure, "draw", lambda self, r: (draws.append(1), real_draw(self, r)))
    plot.save(fig, tmp_path / "once.png", dpi=200)
    assert len(draws) == 1
    assert fig.get_layout_engine() is engine  # put back for a later save or a resize
    ref = np.asarray(Image.open(tmp_path / "ref.png"))
    once = np.asarray(Image.open(tmp_path / "once.png"))
    assert ref.shape == once.shape == (720, 1200, 4)
    assert np.array_equal(ref, once)


def test_a_cropped_png_is_left_to_savefig(tmp_path, monkeypatch):
    draws = []
    real_draw = Figure.draw
    monkeypatch.setattr(Figure, "draw", lambda self, r: (draws.append(1), real_draw(self, r)))
    plot.save(_chart(), tmp_path / "c.png", dpi=72, bbox_inches="tight")
    assert len(draws) == 2


def _box():
    return Rectangle((95.0, 40.0), 60.0, 20.0, transform=IdentityTransform())


@pytest.mark.parametrize("patch", [_box, lambda: Circle((100.0, 50.0), 6.0,
                                                       transform=IdentityTransform()), None])
def test_leader_line_is_matplotlibs_straight_line(patch):
    line, arc3 = _LeaderLine(), ConnectionStyle.Arc3(rad=0.0)
    for posB in [(10.0, 20.0), (10.0, 20.0), (12.0, 25.0)]:  # the same place twice, then moved
        box = patch() if patch else None
        ours = line((100.0, 50.0), posB, shrinkA=0.0, shrinkB=8.0, patchA=box)
        want = arc3((100.0, 50.0), posB, shrinkA=0.0, shrinkB=8.0, patchA=box)
        np.testing.assert_array_equal(ours.vertices, want.vertices)
        assert ours.vertices[-1][0] > posB[0]  # shrunk from the point it labels
    clipped = line((100.0, 50.0), (10.0, 20.0), shrinkA=0.0, shrinkB=0.0, patchA=_box())
    assert clipped.vertices[0][0] == pytest.approx(95.0, abs=0.05)  # stops at the label's box


def test_a_png_cropped_by_the_users_rc_is_left_to_savefig(tmp_path, monkeypatch):
    draws = []
    real_draw = Figure.draw
    monkeypatch.setattr(Figure, "draw", lambda self, r: (draws.append(1), real_draw(self, r)))
    with mpl.rc_context({"savefig.bbox": "tight"}):
        plot.save(_chart(), tmp_path / "c.png", dpi=72)
    assert len(draws) == 2


@pytest.mark.parametrize("edge", ["none", "black"])
def test_leader_lines_box_test_answers_as_patch_contains(edge):
    box = _box()
    box.set_edgecolor(edge)  # a stroked edge widens the box by its line width
    box.set_linewidth(3.0)
    inside = _LeaderLine()._in_patch(box)
    xs, ys = np.linspace(90.0, 160.0, 57), np.linspace(35.0, 65.0, 41)  # edges included
    for x in xs:
        for y in ys:
            want = box.contains(SimpleNamespace(x=x, y=y))[0]
            assert inside((x, y)) == want, (x, y)

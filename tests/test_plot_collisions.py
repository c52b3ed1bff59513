"""No text on any chart the report or the README's CLI examples make overlaps another text or
leaves the canvas; the check itself is shown to catch a forced collision (issue 14)."""

from __future__ import annotations

import sys
from pathlib import Path

import matplotlib.pyplot as plt
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from collisions import text_problems
from plot_frames import japan_budget

from defbudget import plot
from defbudget.plot import _save

#: The README's CLI chart examples (README.md, "Command line").
README_CHARTS = [["chart", "trend", "japan_mod_budget"],
                 ["chart", "burden", "--countries", "JPN,CHN,KOR"]]


@pytest.fixture
def checked(monkeypatch):
    """Run the check on every figure plot.save writes; {file name: problems}."""
    found: dict[str, list[str]] = {}
    sources: dict[str, str] = {}
    original = _save.save

    def save(fig, path, **kwargs):
        figure = fig if hasattr(fig, "savefig") else fig.get_figure(root=True)
        found[Path(path).name] = text_problems(figure)
        sources[Path(path).name] = plot.get_source_text(figure)
        return original(fig, path, **kwargs)

    monkeypatch.setattr(plot, "save", save)
    found["_sources"] = sources  # type: ignore[assignment]
    return found


def _assert_clean(found: dict, expected_min: int) -> None:
    sources = found.pop("_sources")
    assert len(found) >= expected_min, sorted(found)
    bad = {name: probs for name, probs in found.items() if probs}
    assert not bad, bad
    for name, text in sources.items():
        assert text.startswith(("Source: ", "Sources: ")), name
        assert text.count("\n") + 1 <= 3, (name, text)  # at most three lines


def test_forced_collision_is_caught():
    ax = plot.trend(japan_budget())
    title = ax.title if ax.title.get_text() else ax._left_title
    ax.annotate("A label dropped on the title", xy=(0, 1), xycoords="axes fraction",
                xytext=(0, title.get_fontsize() * 1.6), textcoords="offset points",
                annotation_clip=False)
    ax.figure.text(0.999, 0.5, "off the edge of the page")
    problems = text_problems(ax.figure)
    assert any("overlaps" in p and "A label dropped" in p for p in problems), problems
    assert any("off the edge" in p and "leaves the canvas" in p for p in problems), problems


def test_report_charts_have_no_colliding_text(tmp_path, checked):
    from defbudget.report import build_report

    build_report(tmp_path, progress=False)
    _assert_clean(checked, expected_min=11)


def test_report_sipri_charts_have_no_colliding_text(tmp_path, checked, sipri_latest):
    from defbudget.report import build_report

    build_report(tmp_path, sipri=sipri_latest, progress=False)
    _assert_clean(checked, expected_min=15)


@pytest.mark.parametrize("args", README_CHARTS, ids=[a[1] for a in README_CHARTS])
def test_readme_cli_charts_have_no_colliding_text(tmp_path, checked, args, capsys):
    from defbudget.cli import main

    assert main([*args, "-o", str(tmp_path / "chart.png")]) == 0
    _assert_clean(checked, expected_min=1)
    plt.close("all")

"""One palette map of countries to colours, and one style per meaning (issue 14)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.colors import to_hex

sys.path.insert(0, str(Path(__file__).parent))
from plot_frames import japan_budget, sipri_like

from defbudget import plot

JAPAN = "#0072b2"  # Okabe–Ito blue, the house colour of Japan


def _line_colours(ax) -> dict[str, str]:
    return {ln.get_label(): to_hex(ln.get_color()) for ln in ax.get_lines()
            if ln.get_gid() == "final"}


def test_japan_has_one_colour_across_chart_kinds():
    group = {"China": 2e11, "Japan": 5e10, "South Korea": 4e10}  # Japan not first
    trend = _line_colours(plot.trend(sipri_like(group)))
    compare = _line_colours(plot.compare_lines(sipri_like(group), highlight="Japan"))
    ranking = plot.ranking_bars(sipri_like(group), year=2020, highlight="Japan")
    bar_colour = {t.get_text(): to_hex(p.get_facecolor())
                  for t, p in zip(ranking.get_yticklabels(), ranking.patches, strict=False)}
    slope = plot.slope(sipri_like(group), start=2015, end=2020, highlight="Japan")
    slope_colour = {ln.get_label(): to_hex(ln.get_color()) for ln in slope.get_lines()}
    growth = plot.growth_bars(japan_budget(draft_year=0))
    assert trend["Japan"] == compare["Japan"] == bar_colour["Japan"] == JAPAN
    assert slope_colour["Japan"] == JAPAN
    assert {to_hex(p.get_facecolor()) for p in growth.patches} == {JAPAN}
    # the others keep their own colours too, whatever their order in the frame
    assert trend["China"] == "#d55e00" and trend["South Korea"] == "#009e73"
    swapped = _line_colours(plot.trend(sipri_like({"South Korea": 4e10, "Japan": 5e10})))
    assert swapped == {"South Korea": "#009e73", "Japan": JAPAN}


def test_source_names_of_a_country_share_its_colour():
    assert plot.country_colour("Korea, South") == plot.country_colour("KOR") == "#009E73"
    assert plot.country_colour("United States of America") == plot.country_colour("USA")
    assert plot.country_colour("Atlantis") is None


def test_bases_of_one_country_in_one_hue_told_apart_by_lightness_and_marker():
    incl = japan_budget(draft_year=0)
    excl = japan_budget(draft_year=0, basis="mod_excl_saco_realignment", scale=0.97)
    ax = plot.trend(pd.concat([incl, excl], ignore_index=True), hue="basis")
    lines = [ln for ln in ax.get_lines() if ln.get_gid() == "final"]
    assert to_hex(lines[0].get_color()) == JAPAN
    # the second basis: Japan's blue 25% towards white, worked by hand:
    # (0 + 255*.25, 114 + 141*.25, 178 + 77*.25) = (63.75, 149.25, 197.25) -> #4095c5
    assert to_hex(lines[1].get_color()) == "#4095c5"
    assert lines[0].get_marker() != lines[1].get_marker()


def test_context_series_are_tints_of_their_own_colour_not_one_grey():
    ax = plot.compare_lines(sipri_like({"Japan": 5e10, "China": 2e11, "India": 7e10}),
                            highlight="Japan")
    colours = _line_colours(ax)
    assert len(set(colours.values())) == 3


def test_coinciding_series_are_said_on_the_chart():
    incl = japan_budget(draft_year=0)
    excl = incl.assign(basis="mod_excl_saco_realignment")
    excl.loc[excl["year"] >= 2021, "value"] *= 0.97  # equal FY2018–2020
    ax = plot.trend(pd.concat([incl, excl], ignore_index=True), hue="basis")
    notes = [t.get_text() for t in ax.texts if t.get_gid() == "coinciding"]
    assert notes == ["FY2018–2020: incl. SACO and excl. SACO\nare equal (one line)"]


def test_targets_and_estimates_never_share_a_line_style():
    frame = sipri_like({"Japan": 0.01}, unit="ratio", measure="milex_share_gdp",
                       estimate=(("Japan", 2020),))
    targets = pd.DataFrame({"label": ["NATO guideline"], "value": [0.02]})
    ax = plot.burden_vs_targets(frame, targets=targets)
    def dashes(ln):  # the dash pattern itself (get_linestyle says '--' for any dashes)
        _offset, seq = ln._unscaled_dash_pattern
        return tuple(seq or ())

    target = [dashes(ln) for ln in ax.get_lines() if ln.get_gid() == "target"]
    estimate = [dashes(ln) for ln in ax.get_lines() if ln.get_gid() == "provisional-segment"]
    assert target and estimate and not set(target) & set(estimate)
    assert "Dash-dot lines: spending targets" in plot.get_source_text(ax).replace("\n", " ")
    assert np.isfinite(ax.get_ylim()[1])


# --------------------------------------------------------------------------- defaults
def _gmsd_like() -> pd.DataFrame:
    """China spikes to 51% in 1962 (as GMSD models it); three countries 1950-2019."""
    frame = sipri_like({"Japan": 0.01, "China": 0.03, "South Korea": 0.025},
                       years=range(1950, 2020), unit="ratio", measure="milex_share_gdp",
                       growth=0.0)
    frame.loc[(frame["country"] == "China") & (frame["year"] == 1962), "value"] = 0.512
    return frame.assign(iso3=frame["country"].map({"Japan": "JPN", "China": "CHN",
                                                   "South Korea": "KOR"}))


def test_cross_country_burden_opens_on_1990_and_names_the_countries():
    ax = plot.burden_vs_targets(_gmsd_like())
    first = min(min(ln.get_xdata()) for ln in ax.get_lines() if ln.get_gid() == "final")
    assert first == 1990
    assert ax.get_title(loc="left").replace("\n", " ").startswith(
        "Japan, China and South Korea: military expenditure as a share of GDP")
    assert "From 1990; the data start in 1950" in plot.get_source_text(ax).replace("\n", " ")


def test_outlier_is_clipped_with_its_value_printed():
    ax = plot.burden_vs_targets(_gmsd_like(), years=(1950, None))
    assert ax.get_ylim()[1] < 0.2  # the rest of the chart is not squashed
    clipped = [t.get_text() for t in ax.texts if t.get_gid() == "clipped"]
    assert clipped == ["China off the scale, peak 51.2% in 1962 \u2191"]


def test_targets_drawn_only_where_they_apply():
    ax = plot.burden_vs_targets(_gmsd_like())  # Japan, China, South Korea: no NATO member
    labels = [t.get_text() for t in ax.texts if t.get_gid() == "target"]
    assert labels == ["2.0%: Japan 2% of FY2022 GDP by FY2027"]
    usa = sipri_like({"United States": 0.035}, unit="ratio", measure="milex_share_gdp",
                     years=range(2015, 2025), growth=0.0).assign(iso3="USA")
    labels = [t.get_text() for t in plot.burden_vs_targets(usa).texts
              if t.get_gid() == "target"]
    assert labels == ["2.0%: NATO 2% guideline (by 2024)",
                      "3.5%: NATO Hague 3.5% core defence (by 2035)",
                      "5.0%: NATO Hague 5% total (by 2035)"]
    own = pd.DataFrame({"label": ["My line"], "value": [0.04]})
    labels = [t.get_text() for t in plot.burden_vs_targets(_gmsd_like(), targets=own).texts
              if t.get_gid() == "target"]
    assert labels == ["4.0%: My line"]


def test_japan_goal_on_its_own_terms():
    frame = japan_budget(draft_year=0).assign(measure="defense_budget_share_gdp",
                                              unit="ratio", value=0.0095)
    targets = plot.lines._default_targets()
    ax = plot.burden_vs_targets(frame, targets=targets[targets["applies_to"] == "JPN"])
    caveat = [t.get_text().replace("\n", " ") for t in ax.texts
              if t.get_gid() == "target-caveat"]
    assert caveat == ["Japan 2% of FY2022 GDP by FY2027: the goal counts defence and related "
                      "spending against FY2022 GDP. The line shows the MOD budget only, a "
                      "narrower measure: the gap to the dash-dot line is not the gap to the "
                      "goal"]
    assert "Japan, the MOD budget only" in [t.get_text() for t in ax.texts]
    assert "Cabinet Secretariat, Government of Japan (2022)" in plot.get_source_text(
        ax).replace("\n", " ")


def test_compare_lines_of_shares_opens_on_1990_unless_years_given():
    ax = plot.compare_lines(_gmsd_like())
    first = min(min(ln.get_xdata()) for ln in ax.get_lines() if ln.get_gid() == "final")
    assert first == 1990
    ax = plot.compare_lines(_gmsd_like(), years=(1950, None))
    first = min(min(ln.get_xdata()) for ln in ax.get_lines() if ln.get_gid() == "final")
    assert first == 1950


def test_titles_name_the_countries_never_a_count():
    names = ["Japan", "China", "South Korea", "Australia", "India", "Taiwan", "Germany",
             "France"]
    frame = sipri_like(dict.fromkeys(names[:4], 1e10))
    assert plot.trend(frame).get_title(loc="left").replace("\n", " ").startswith(
        "Japan, China, South Korea and Australia: military expenditure")
    many = plot.trend(sipri_like(dict.fromkeys(names, 1e10))).get_title(loc="left")
    assert many.replace("\n", " ").startswith(
        "Japan, China, South Korea, Australia, India and 3 others:")

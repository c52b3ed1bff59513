"""Tests of the other defbudget.plot charts, asserting on what they drew."""

from __future__ import annotations

import sys
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from matplotlib.colors import to_hex
from matplotlib.patches import Rectangle

sys.path.insert(0, str(Path(__file__).parent))
from plot_frames import japan_budget, sipri_like

from defbudget import plot
from defbudget.plot import get_source_text
from defbudget.schema import BasisMismatchError, coerce


def _bars(ax) -> list[Rectangle]:
    return [p for p in ax.patches if isinstance(p, Rectangle)]


def _source(ax) -> str:
    return get_source_text(ax).replace("\n", " ")


class TestGrowthBars:
    def test_one_bar_per_consecutive_pair_coloured_by_sign(self):
        frame = japan_budget()
        frame.loc[frame["year"] == 2019, "value"] = 5.0e12  # fall into 2019, rise after
        _, ax = plt.subplots()
        assert plot.growth_bars(frame, ax=ax) is ax
        bars = _bars(ax)
        assert len(bars) == len(frame) - 1
        heights = {round(b.get_x() + b.get_width() / 2): b.get_height() for b in bars}
        assert heights[2019] == pytest.approx(5.0e12 / 5.1911e12 - 1)
        assert heights[2024] == pytest.approx(7.9496 / 6.8219 - 1)
        colour = {round(b.get_x() + b.get_width() / 2): to_hex(b.get_edgecolor()) for b in bars}
        # one meaning per colour: the bars wear Japan's colour; direction shows the sign
        assert colour[2019] == colour[2024] == "#0072b2"

    def test_no_bar_across_a_gap(self):
        ax = plot.growth_bars(japan_budget(gap=(2020,)))
        xs = sorted(round(b.get_x() + b.get_width() / 2) for b in _bars(ax))
        assert 2020 not in xs and 2021 not in xs  # neither into nor out of the gap
        assert "No bar where the previous year is unavailable" in _source(ax)

    def test_bar_into_draft_hatched_and_explained(self):
        ax = plot.growth_bars(japan_budget())
        last = max(_bars(ax), key=lambda b: b.get_x())
        assert last.get_hatch() and to_hex(last.get_facecolor()) == "#ffffff"
        assert all(not b.get_hatch() for b in _bars(ax) if b is not last)
        texts = [t.get_text() for t in ax.get_legend().get_texts()]
        assert "Hatched: change into or from a draft or estimate" in texts

    def test_labels_and_signed_percent_axis(self):
        ax = plot.growth_bars(japan_budget(), labels=True)
        labels = [t.get_text() for t in ax.texts if t.get_gid() == "bar-label"]
        assert labels[-2:] == ["+9.4%", "+3.8%"]
        assert ax.yaxis.get_major_formatter().format_ticks([-0.1, 0, 0.1]) == ["-10%", "0%",
                                                                               "+10%"]
        assert ax.get_ylabel() == "Change on previous year (%, nominal, current prices)"

    def test_accepts_compare_yoy_output(self):
        from defbudget.compare import yoy

        frame = japan_budget()
        ax = plot.growth_bars(yoy(frame))
        bars = _bars(ax)
        assert len(bars) == len(frame) - 1
        assert max(bars, key=lambda b: b.get_x()).get_height() == pytest.approx(
            9.0353 / 8.7005 - 1)
        assert ax.get_title(loc="left").startswith("Japan: defence budget")

    def test_refuses_several_series(self):
        with pytest.raises(ValueError, match=r"draws one series.*small_multiples"):
            plot.growth_bars(sipri_like({"Japan": 5e10, "Korea": 4e10}))


class TestCompareAndIndex:
    def test_compare_lines_labels_line_ends_without_overlap(self):
        frame = sipri_like({"Japan": 50e9, "Korea": 49e9, "Australia": 48.5e9}, growth=0.0)
        fig, ax = plt.subplots(figsize=(6.5, 4), layout="constrained")
        assert plot.compare_lines(frame, ax=ax) is ax
        finals = [ln for ln in ax.get_lines() if ln.get_gid() == "final"]
        assert len(finals) == 3
        labels = [t for t in ax.texts if t.get_text() in ("Japan", "Korea", "Australia")]
        assert len(labels) == 3
        fig.canvas.draw()
        boxes = [t.get_window_extent() for t in labels]
        assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1:])
        assert ax.get_ylabel() == "US$, constant 2023 prices"
        assert "Constant 2023 US$; calendar years" in _source(ax)

    def test_highlight_greys_the_others(self):
        ax = plot.compare_lines(sipri_like({"Japan": 5e10, "Korea": 4e10}), highlight="Japan")
        colours = {ln.get_label(): to_hex(ln.get_color()) for ln in ax.get_lines()
                   if ln.get_gid() == "final"}
        # Korea (house colour #009E73) as context: 55% towards white, worked by hand:
        # (0 + 255*.55, 158 + 97*.55, 115 + 140*.55) = (140.25, 211.35, 192) -> #8cd3c0
        assert colours["Japan"] == "#0072b2" and colours["Korea"] == "#8cd3c0"
        with pytest.raises(ValueError, match=r"unknown country 'Japn'\. Nearest names: 'Japan'"):
            plot.compare_lines(sipri_like({"Japan": 5e10}), highlight="Japn")

    def test_compare_refuses_mixed_price_bases(self):
        a = sipri_like({"Japan": 5e10})
        b = sipri_like({"Korea": 4e10}).assign(price_basis="current", base_year=pd.NA)
        with pytest.raises(BasisMismatchError, match="price_basis"):
            plot.compare_lines(pd.concat([a, b], ignore_index=True))

    def test_indexed_growth_is_100_in_base_year(self):
        frame = sipri_like({"Japan": 50e9, "Korea": 40e9})
        ax = plot.indexed_growth(frame, index_year=2018)
        for ln in (ln for ln in ax.get_lines() if ln.get_gid() == "final"):
            xs = list(ln.get_xdata())
            assert ln.get_ydata()[xs.index(2018.0)] == pytest.approx(100.0)
        korea = next(ln for ln in ax.get_lines() if ln.get_label() == "Korea")
        assert korea.get_ydata()[-1] == pytest.approx(100 * 1.04 ** 6)
        assert ax.get_ylabel() == "Index, 2018 = 100 (constant 2023 prices, US$)"
        assert any(ln.get_ydata()[0] == 100 and ln.get_gid() is None
                   for ln in ax.get_lines())  # the reference line at 100

    def test_indexed_growth_missing_base_names_the_series(self):
        frame = sipri_like({"Japan": 50e9})
        frame = frame[frame["year"] != 2018]
        with pytest.raises(ValueError, match="'Japan' has no non-zero value in year=2018"):
            plot.indexed_growth(frame, index_year=2018)


class TestBurdenVsTargets:
    TARGETS = pd.DataFrame({
        "label": ["NATO guideline", "NATO core defence", "Japan goal"],
        "value": [0.02, 0.035, 0.02], "year": [None, 2035, 2027],
        "source": ["nato-wales-2014", "nato-hague-2025", "jp-nss-2022"]})

    def test_coinciding_targets_share_one_line_and_label(self):
        frame = sipri_like({"Japan": 0.01, "Korea": 0.025}, unit="ratio",
                           measure="milex_share_gdp", growth=0.0)
        fig, ax = plt.subplots(figsize=(6.5, 4), layout="constrained")
        plot.burden_vs_targets(frame, targets=self.TARGETS, ax=ax)
        labels = [t for t in ax.texts if t.get_gid() == "target"]
        assert [t.get_text() for t in labels] == [
            "2.0%: NATO guideline; Japan goal (by 2027)",
            "3.5%: NATO core defence (by 2035)"]
        levels = sorted(ln.get_ydata()[0] for ln in ax.get_lines()
                        if ln.get_gid() == "target")
        assert levels == [0.02, 0.035]
        fig.canvas.draw()
        a, b = (t.get_window_extent() for t in labels)
        assert not a.overlaps(b)
        assert ax.get_ylabel() == "Share of GDP (%)"
        assert ax.yaxis.get_major_formatter().format_ticks([0, 0.01, 0.02]) == ["0%", "1%",
                                                                                "2%"]
        text = _source(ax)
        assert "SIPRI Military Expenditure Database 2025" in text
        assert "Share of GDP, in %" in text

    def test_close_targets_labels_do_not_overlap(self):
        frame = sipri_like({"Japan": 0.01}, unit="ratio", measure="milex_share_gdp")
        targets = pd.DataFrame({"label": ["A", "B"], "value": [0.020, 0.021]})
        fig, ax = plt.subplots(figsize=(6.5, 4), layout="constrained")
        plot.burden_vs_targets(frame, targets=targets, ax=ax)
        fig.canvas.draw()
        a, b = (t.get_window_extent() for t in ax.texts if t.get_gid() == "target")
        assert not a.overlaps(b)

    def test_refuses_money(self):
        with pytest.raises(ValueError, match="shares of GDP"):
            plot.burden_vs_targets(sipri_like({"Japan": 5e10}), targets=self.TARGETS)


class TestRankingAndSlope:
    def test_top_n_sorted_largest_on_top_aggregates_left_out(self):
        frame = sipri_like({"USA": 900e9, "China": 300e9, "Japan": 50e9, "India": 80e9,
                            "World": 2600e9}, estimate=(("China", 2024),))
        frame["iso3"] = frame["country"].map({"USA": "USA", "China": "CHN", "Japan": "JPN",
                                              "India": "IND"})
        ax = plot.ranking_bars(frame, year=2024, n=3, highlight="Japan")
        assert [t.get_text() for t in ax.get_yticklabels()] == ["India", "China", "USA"]
        bars = _bars(ax)
        assert len(bars) == 3
        china = bars[1]
        assert china.get_hatch() and to_hex(china.get_facecolor()) == "#ffffff"
        assert [t.get_text() for t in ax.texts if t.get_gid() == "bar-label"][-1] == \
            plot.formatter_for("USD")(frame.query("country == 'USA' and year == 2024")
                                      ["value"].iloc[0])
        # Japan: 50e9 growing 5% a year from 2015 -> $77.6B in 2024, below India's $135B
        assert "Japan not in the top 3 (rank 4 of 4, $77.6B)" in _source(ax)
        assert ax.get_xlabel() == "US$, constant 2023 prices"
        ax = plot.ranking_bars(frame, year=2024, n=3, highlight=["Korea"])
        assert "Korea has no value in 2024" in _source(ax)

    def test_slope_two_points_per_country_and_labels_apart(self):
        frame = sipri_like({"Japan": 50e9, "Korea": 49.5e9, "India": 80e9})
        fig, ax = plt.subplots(figsize=(6.5, 4), layout="constrained")
        assert plot.slope(frame, start=2015, end=2024, ax=ax) is ax
        lines = [ln for ln in ax.get_lines() if ln.get_label() in ("Japan", "Korea", "India")]
        assert len(lines) == 3 and all(list(ln.get_xdata()) == [0, 1] for ln in lines)
        assert [t.get_text() for t in ax.get_xticklabels()] == ["2015", "2024"]
        fig.canvas.draw()
        for side in ("slope-start", "slope-end"):
            boxes = [t.get_window_extent() for t in ax.texts if t.get_gid() == side]
            assert len(boxes) == 3
            assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1:])
        assert "US$, constant 2023 prices" in ax.get_title(loc="left").replace("\n", " ")

    def test_slope_of_shares_labels_change_in_percentage_points(self):
        frame = sipri_like({"Japan": 0.01, "Korea": 0.026}, years=[2015, 2024],
                           unit="ratio", measure="milex_share_gdp", growth=-0.02)
        ax = plot.slope(frame, start=2015, end=2024)
        ends = sorted(t.get_text() for t in ax.texts if t.get_gid() == "slope-end")
        # Japan 1.00% -> 0.83% (-0.17 pp); Korea 2.60% -> 2.38% (-0.22 pp), not "-8.6%"
        assert ends == ["Japan 0.83% (-0.17 pp)", "Korea 2.38% (-0.22 pp)"]

    def test_slope_names_countries_left_out(self):
        frame = sipri_like({"Japan": 50e9, "Korea": 40e9})
        frame = frame[~((frame["country"] == "Korea") & (frame["year"] == 2015))]
        ax = plot.slope(frame, start=2015, end=2024)
        assert "Left out (no value in both years): Korea" in _source(ax)


def _japan_parts() -> pd.DataFrame:
    rows = [(2010, "defense_budget", "mod_excl_saco_realignment", 4.6826e12, "enacted"),
            (2010, "defense_budget", "mod_incl_saco_realignment", 4.7903e12, "enacted"),
            (2010, "defense_budget_component", "saco", 16.9e9, "enacted"),
            (2010, "defense_budget_component", "us_realignment_local_burden", 90.9e9,
             "enacted"),
            (2011, "defense_budget", "mod_excl_saco_realignment", 4.6625e12, "draft"),
            (2011, "defense_budget", "mod_incl_saco_realignment", 4.7752e12, "draft")]
    return coerce(pd.DataFrame(rows, columns=["year", "measure", "basis", "value", "stage"])
                  .assign(country="Japan", period="FY", fy_start_month=4, unit="JPY",
                          price_basis="current", source="mod-white-paper"))


class TestStackedComposition:
    def test_layers_sum_to_the_total(self):
        ax = plot.stacked_composition(_japan_parts())
        tops = {}
        for b in _bars(ax):
            x = round(b.get_x() + b.get_width() / 2)
            tops[x] = max(tops.get(x, 0), b.get_y() + b.get_height())
        # the parts as published (rounded to ¥0.1bn) overshoot the total by ¥0.1bn
        assert tops[2010] == pytest.approx(4.7903e12, rel=1e-4)
        assert tops[2011] == pytest.approx(4.7752e12)
        texts = [t.get_text().replace("\n", " ") for t in ax.get_legend().get_texts()][::-1]
        assert texts == ["MOD, excl. SACO, US realignment and other items",
                         "SACO (Okinawa) costs", "US forces realignment (local burden)",
                         "Other items in the total, not itemised by the source",
                         "Hatched: draft budget (not yet enacted)"]
        hatched = {round(b.get_x() + b.get_width() / 2) for b in _bars(ax) if b.get_hatch()}
        assert hatched == {2011}
        assert ax.get_ylabel() == "Yen, current prices"

    def test_parts_exceeding_the_total_refused(self):
        frame = _japan_parts()
        frame.loc[frame["basis"] == "saco", "value"] = 1e12
        with pytest.raises(ValueError, match="exceed the total"):
            plot.stacked_composition(frame)

    def test_generic_stack_column(self):
        frame = _japan_parts().query("measure == 'defense_budget_component'")
        ax = plot.stacked_composition(frame, stack="basis")
        assert len(_bars(ax)) == 2


def _reconcile_table() -> pd.DataFrame:
    return pd.DataFrame({
        "budget": "Japan FY2025 cabinet draft", "year": 2025,
        "outlet": ["Reuters", "Nikkei Asia", "Blog"], "published": "2024-12-27",
        "reported_usd": [55.1e9, 55.5e9, 80e9], "local_amount": 8.7005e12,
        "local_unit": "JPY", "implied_rate": [157.9, 156.8, 108.8],
        "usd_at_fy_average": 57.8e9, "usd_at_cy_average": 57.1e9,
        "fy_average_rate": 150.5, "cy_average_rate": 152.4, "usd_at_spot": 55.2e9,
        "rate_min": 139.9, "rate_max": 158.4, "supported": [True, True, False],
        "source": "press", "fx_source": "fed-h10"})


class TestReconciliationDots:
    def test_one_dot_per_outlet_unsupported_highlighted(self):
        _, ax = plt.subplots()
        assert plot.reconciliation_dots(_reconcile_table(), ax=ax) is ax
        dots = next(col for col in ax.collections if col.get_gid() == "reported")
        assert len(dots.get_offsets()) == 3
        colours = [to_hex(c) for c in dots.get_facecolors()]
        assert colours == ["#1a1a1a", "#1a1a1a", "#ffffff"]  # unsupported: hollow
        labels = [t.get_text() for t in ax.texts if t.get_gid() == "dot-label"]
        assert labels[2] == "$80.0B (implies ¥108.8/$)\nno rate of the period supports it"

    def test_reference_conversions_drawn_and_named(self):
        ax = plot.reconciliation_dots(_reconcile_table())
        vlines = {round(ln.get_xdata()[0] / 1e9, 1) for ln in ax.get_lines()
                  if len(ln.get_xdata()) == 2 and ln.get_xdata()[0] == ln.get_xdata()[1]}
        assert {57.8, 57.1} <= vlines
        texts = [t.get_text().replace("\n", " ") for t in ax.get_legend().get_texts()]
        assert "Converted at the FY2025 average rate (¥150.5/$)" in texts
        assert "Converted at the CY2025 average rate (¥152.4/$)" in texts
        assert "Reported: no rate of the period supports it" in texts
        assert not any(t.get_parse_math() for t in ax.texts if t.get_gid() == "dot-label")
        assert "Converted at the rate of the publication date" in texts
        assert ax.xaxis.get_major_formatter().format_ticks([50e9, 60e9]) == ["$50B", "$60B"]
        assert "fed-h10" in _source(ax) and "¥8.70T" in ax.get_title(loc="left")

    def test_several_budgets_need_a_choice(self):
        table = pd.concat([_reconcile_table(),
                           _reconcile_table().assign(budget="Japan FY2026 cabinet draft")])
        with pytest.raises(ValueError, match="pass budget= one of"):
            plot.reconciliation_dots(table)
        ax = plot.reconciliation_dots(table, budget="Japan FY2026 cabinet draft")
        assert ax.get_title(loc="left").startswith("Japan FY2026 cabinet draft")


class TestSmallMultiples:
    def test_one_panel_per_country_with_units(self):
        frame = sipri_like({"Japan": 5e10, "Korea": 4e10, "India": 8e10},
                           estimate=(("India", 2024),))
        fig = plot.small_multiples(frame, ncols=2)
        visible = [ax for ax in fig.axes if ax.get_visible()]
        assert [ax.get_title(loc="left") for ax in visible] == ["Japan", "Korea", "India"]
        assert fig.get_supylabel() == "US$, constant 2023 prices"
        india = visible[2]
        assert [ln for ln in india.get_lines() if ln.get_gid() == "provisional"]
        assert "Each panel has its own y scale" in get_source_text(fig).replace("\n", " ")

    def test_shared_y(self):
        fig = plot.small_multiples(sipri_like({"Japan": 5e10, "India": 8e10}), sharey=True)
        lims = {ax.get_ylim() for ax in fig.axes if ax.get_visible()}
        assert len(lims) == 1

    def test_pdf_of_many_countries(self, tmp_path, capsys):
        countries = {f"Country {i:03d}": 1e9 * (i + 1) for i in range(50)}
        frame = sipri_like(countries, years=range(1950, 2025))
        out = plot.save_small_multiples(frame, tmp_path / "all.pdf", per_page=24)
        data = out.read_bytes()
        assert data.startswith(b"%PDF")
        # an index page, then 50 countries at 24 a page
        assert data.count(b"/Type /Page\n") + data.count(b"/Type /Page ") == 4
        assert [p.name for p in tmp_path.iterdir()] == ["all.pdf"]
        assert "3/3" in capsys.readouterr().err  # the tqdm progress bar

    def test_pdf_pages_by_region_with_an_index_and_one_tick_format_per_axis(
            self, tmp_path, monkeypatch):
        from matplotlib.backends.backend_pdf import PdfPages

        east = {f"East {i:02d}": 1e9 * (i + 1) for i in range(25)} | {"Japan": 5e10}
        west = {"France": 6e10, "Portugal": 4e9, "Spain": 2e10}
        frame = sipri_like(east | west, years=range(2000, 2025))
        frame["region"] = frame["country"].map(lambda c: "Europe" if c in west
                                               else "Asia & Oceania")
        frame["subregion"] = frame["country"].map(lambda c: "Western Europe" if c in west
                                                  else "East Asia")
        pages = []
        original = PdfPages.savefig

        def record(pdf, fig=None, **kwargs):
            texts = [t.get_text() for t in fig.texts]
            fig.canvas.draw()
            ticks = [[t.get_text() for t in ax.get_yticklabels() if t.get_text()]
                     for ax in fig.axes if ax.get_visible()]
            pages.append((texts, ticks))
            return original(pdf, fig, **kwargs)

        monkeypatch.setattr(PdfPages, "savefig", record)
        plot.save_small_multiples(frame, tmp_path / "all.pdf", per_page=24, progress=False)
        headings = [next(t for t in texts if "page" in t and "\n" in t).split("\n")[1]
                    for texts, _ in pages[1:]]
        assert headings == ["Asia & Oceania, 1 of 2 (page 2 of 4)",
                            "Asia & Oceania, 2 of 2 (page 3 of 4)",
                            "Europe (page 4 of 4)"]
        index = pages[0][0]
        assert index[0].endswith("Index: each country and its page")
        pairs = dict(zip(index[1::2], index[2::2], strict=True))
        assert pairs["France"] == "4" and pairs["Portugal"] == "4"
        assert pairs["Japan"] == "3"  # alphabetically after East 00 to East 22
        assert len(pairs) == 29
        for _, ticks in pages[1:]:
            for labels in ticks:
                nonzero = [t for t in labels if t not in ("$0", "0")]
                decimals = {len(t.rstrip("TBMK").split(".")[1]) if "." in t else 0
                            for t in nonzero}
                scales = {t[-1] for t in nonzero}
                assert len(decimals) <= 1 and len(scales) <= 1, labels

    def test_pdf_refuses_other_extensions(self, tmp_path):
        with pytest.raises(ValueError, match=r"multi-page \.pdf"):
            plot.save_small_multiples(sipri_like({"Japan": 5e10}), tmp_path / "a.png")


def test_every_chart_carries_a_source_line():
    charts = [
        lambda: plot.trend(japan_budget()),
        lambda: plot.growth_bars(japan_budget()),
        lambda: plot.compare_lines(sipri_like({"Japan": 5e10})),
        lambda: plot.indexed_growth(sipri_like({"Japan": 5e10}), index_year=2015),
        lambda: plot.ranking_bars(sipri_like({"Japan": 5e10}), year=2020),
        lambda: plot.slope(sipri_like({"Japan": 5e10}), start=2015, end=2020),
        lambda: plot.stacked_composition(_japan_parts()),
        lambda: plot.reconciliation_dots(_reconcile_table()),
    ]
    for draw in charts:
        fig = plt.figure()
        ax = draw()
        assert ax.figure is not fig  # one new figure per call
        assert get_source_text(ax).startswith("Source"), draw
        plt.close(fig)


def test_house_style_is_the_paper_file_and_style_none_keeps_the_users():
    """What the chart shows follows paper.mplstyle (values read from the file itself, not
    from matplotlib's style machinery); with style=None the user's rcParams win."""
    style_file = Path(plot.__file__).parents[1] / "styles" / "paper.mplstyle"
    rc = {}
    for line in style_file.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if ":" in line:
            key, value = (part.strip() for part in line.split(":", 1))
            rc[key] = value
    assert rc["axes.spines.top"] == "False" and rc["axes.titlelocation"] == "left"
    frame = japan_budget()
    ax = plot.trend(frame, style="paper")
    assert not ax.spines["top"].get_visible() and not ax.spines["right"].get_visible()
    assert ax.get_title() == "" and ax.get_title(loc="left")  # the title is on the left
    assert ax._left_title.get_fontsize() == float(rc["axes.titlesize"])
    assert ax.get_lines()[0].get_linewidth() == float(rc["lines.linewidth"])
    plt.close(ax.figure)
    with plt.rc_context({"axes.spines.top": True, "lines.linewidth": 3.0}):
        mine = plot.trend(frame, style=None)
    assert mine.spines["top"].get_visible()
    assert mine.get_lines()[0].get_linewidth() == 3.0
    plt.close(mine.figure)

"""Tests of defbudget.plot.trend, the source line, save() and the tick formatters."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex

sys.path.insert(0, str(Path(__file__).parent))
from plot_frames import japan_budget, sipri_like

from defbudget import plot
from defbudget.plot import MoneyFormatter, PercentFormatter, get_source_text
from defbudget.schema import BasisMismatchError


def _final_line(ax, label=None):
    lines = [ln for ln in ax.get_lines() if ln.get_gid() == "final"]
    if label is not None:
        lines = [ln for ln in lines if ln.get_label() == label]
    assert lines, [ln.get_gid() for ln in ax.get_lines()]
    return lines[0]


class TestTrend:
    def test_returns_the_axes_passed_in(self):
        _fig, ax = plt.subplots()
        assert plot.trend(japan_budget(), ax=ax) is ax

    def test_without_ax_draws_on_a_new_figure_never_the_current_axes(self):
        _fig, ax = plt.subplots()
        new = plot.trend(japan_budget())
        assert new is not ax and new.figure is not ax.figure
        assert not ax.get_lines() and not ax.get_title(loc="left")

    def test_labels_say_units_price_basis_and_period(self):
        ax = plot.trend(japan_budget())
        assert ax.get_ylabel() == "Yen, current prices"
        assert ax.get_xlabel() == "Fiscal year (Apr–Mar, labelled by starting year)"
        assert ax.get_title(loc="left").startswith("Japan: defence budget")
        assert "incl. SACO" in ax.get_title(loc="left").replace("\n", " ")

    def test_calendar_years_labelled_as_such(self):
        ax = plot.trend(sipri_like({"Japan": 50e9}))
        assert ax.get_xlabel() == "Calendar year"
        assert ax.get_ylabel() == "US$, constant 2023 prices"

    def test_draft_point_is_hollow_and_final_points_filled(self):
        frame = japan_budget()
        ax = plot.trend(frame)
        final = _final_line(ax)
        ys = final.get_ydata()
        # FY2026 (the draft) is not on the solid line; FY2025 is.
        assert np.isnan(ys[-1]) and ys[-2] == pytest.approx(8.7005e12)
        draft = [ln for ln in ax.get_lines() if ln.get_gid() == "provisional"]
        assert len(draft) == 1
        assert list(draft[0].get_xdata()) == [2026.0]
        assert draft[0].get_ydata()[0] == pytest.approx(9.0353e12)
        assert to_hex(draft[0].get_markerfacecolor()) == "#ffffff"
        assert to_hex(final.get_markerfacecolor()) != "#ffffff"
        seg = next(ln for ln in ax.get_lines() if ln.get_gid() == "provisional-segment")
        assert seg.get_linestyle() == "--"
        # the dashed segment runs from the last enacted year into the draft
        assert list(seg.get_xdata()[:2]) == [2025.0, 2026.0]

    def test_legend_explains_hollow_points(self):
        ax = plot.trend(japan_budget())
        texts = [t.get_text() for t in ax.get_legend().get_texts()]
        assert texts == ["Filled: enacted budget",
                         "Hollow, dashed: draft budget (not yet enacted)"]

    def test_no_legend_entries_for_flags_absent(self):
        ax = plot.trend(japan_budget(draft_year=0))
        assert ax.get_legend() is None
        assert not [ln for ln in ax.get_lines() if ln.get_gid() == "provisional"]

    def test_gap_breaks_the_line(self):
        frame = japan_budget(gap=(2020, 2021))
        ax = plot.trend(frame)
        ys = _final_line(ax).get_ydata()
        xs = list(_final_line(ax).get_xdata())
        assert np.isnan(ys[xs.index(2020.0)]) and np.isnan(ys[xs.index(2021.0)])

    def test_missing_rows_also_break_the_line(self):
        frame = japan_budget()
        frame = frame[~frame["year"].isin([2020, 2021])]
        line = _final_line(plot.trend(frame))
        xs = list(line.get_xdata())
        assert 2020.0 in xs  # reindexed to a complete grid, so the line is not bridged
        assert np.isnan(line.get_ydata()[xs.index(2020.0)])
        assert np.isnan(line.get_ydata()[xs.index(2021.0)])

    def test_two_series_by_basis_each_labelled(self):
        frame = pd.concat([japan_budget(), japan_budget(basis="mod_excl_saco_realignment",
                                                        scale=0.97)])
        ax = plot.trend(frame, hue="basis")
        finals = [ln for ln in ax.get_lines() if ln.get_gid() == "final"]
        assert len(finals) == 2
        texts = [t.get_text() for t in ax.get_legend().get_texts()]
        assert texts[:2] == ["MOD, incl. SACO, US realignment and other items",
                             "MOD, excl. SACO, US realignment and other items"]
        assert len({ln.get_color() for ln in finals}) == 2

    def test_two_rows_per_year_refused_with_the_fix(self):
        frame = pd.concat([japan_budget(), japan_budget(basis="mod_excl_saco_realignment")])
        with pytest.raises(ValueError, match=r"differ in \['basis'\].*hue=\['country', 'basis'\]"):
            plot.trend(frame)

    def test_mixed_currencies_refused(self):
        frame = pd.concat([japan_budget(), sipri_like({"Korea": 40e9}, unit="USD")])
        with pytest.raises(BasisMismatchError, match="unit"):
            plot.trend(frame)

    def test_money_tick_formatter(self):
        ax = plot.trend(japan_budget())
        fmt = ax.yaxis.get_major_formatter()
        assert isinstance(fmt, MoneyFormatter)
        assert fmt.format_ticks([0, 2e12, 4e12, 6e12, 8e12]) == ["¥0", "¥2T", "¥4T", "¥6T",
                                                                  "¥8T"]
        assert ax.get_ylim()[0] == 0

    def test_estimates_and_highly_uncertain_drawn_distinct(self):
        frame = sipri_like({"Ukraine": 5e9}, estimate=(("Ukraine", 2023),),
                           uncertain=(("Ukraine", 2024),))
        ax = plot.trend(frame)
        est = next(ln for ln in ax.get_lines() if ln.get_gid() == "provisional")
        unc = next(ln for ln in ax.get_lines() if ln.get_gid() == "uncertain")
        assert list(est.get_xdata()) == [2023.0] and list(unc.get_xdata()) == [2024.0]
        assert unc.get_marker() == "D" and est.get_marker() == "o"
        texts = [t.get_text() for t in ax.get_legend().get_texts()]
        assert "Hollow, dashed: estimate (source's flag)" in texts
        assert "Hollow diamond, dotted: highly uncertain estimate" in texts

    def test_events_annotated_without_overlap(self):
        fig, ax = plt.subplots(figsize=(6.5, 4))
        plot.trend(japan_budget(), ax=ax, events={2022: "2022 strategy documents",
                                                  2023: "Defense Buildup Program"})
        events = [t for t in ax.texts if t.get_gid() == "event"]
        assert [t.get_text() for t in events] == ["2022 strategy documents",
                                                  "Defense Buildup Program"]
        fig.canvas.draw()
        boxes = [t.get_window_extent() for t in events]
        assert not boxes[0].overlaps(boxes[1])

    def test_source_line_on_the_figure(self):
        fig, ax = plt.subplots()
        plot.trend(japan_budget(gap=(2020,)), ax=ax)
        text = get_source_text(fig).replace("\n", " ")
        assert text.startswith("Source: Japan Ministry of Defense initial defence budgets")
        assert "Current yen (not adjusted for inflation)" in text
        assert "fiscal years Apr–Mar" in text
        assert "FY2026: draft budget (not yet enacted)" in text
        assert "FY2020: not available" in text

    def test_source_line_names_the_conversion(self):
        frame = japan_budget().assign(unit="USD", fx_basis="fy_average", fx_source="ecb_eurofxref",
                                      fx_rate=0.0066)
        ax = plot.trend(frame)
        text = get_source_text(ax).replace("\n", " ")
        assert "converted at fiscal-year-average rates (ECB)" in text
        assert "Current US$ (not adjusted for inflation)" in text

    def test_source_line_splits_joined_source_ids(self):
        frame = japan_budget().assign(unit="USD", fx_basis="fy_average",
                                      fx_source="frb-h10-exjpus;ecb-eurofxref-hist")
        text = plot.source_line(frame)
        assert "frb-h10-exjpus;" not in text
        assert "(Fed H.10 to 1998, ECB from 1999)" in text

    def test_every_value_an_estimate_is_drawn_plainly_and_said_once(self):
        frame = japan_budget().assign(flag="estimate", stage="enacted")
        ax = plot.trend(frame)
        assert all(line.get_linestyle() == "-" for line in ax.get_lines()
                   if line.get_gid() != "target" and len(line.get_xdata()) > 1)
        assert "Every value is an estimate (source's flag)" in get_source_text(ax).replace(
            "\n", " ")
        # One country estimated throughout beside one that is not: the first stays marked.
        a = japan_budget().assign(flag="estimate", stage="enacted", country="A")
        b = japan_budget().assign(flag=None, stage="enacted", country="B")
        _, ax = plt.subplots()
        plot.compare_lines(pd.concat([a, b], ignore_index=True), hue="country", ax=ax)
        styles = {line.get_label(): line.get_linestyle() for line in ax.get_lines()}
        assert any(style != "-" for style in styles.values()), styles
        assert "Every value is an estimate" not in get_source_text(ax)
        some = japan_budget().assign(flag=None, stage="enacted")
        some.loc[some.index[:3], "flag"] = "estimate"
        assert "Every value is an estimate" not in plot.source_line(some)

    def test_source_line_spot_and_deflator(self):
        frame = japan_budget().assign(price_basis="constant", base_year=2020,
                                      deflator="jp_cpi", deflator_source="statjp_cpi",
                                      fx_basis="spot:2025-12-26")
        text = plot.source_line(frame)
        assert "Constant 2020 yen;" in text
        assert "deflated by jp cpi;" in text  # an index unknown to defbudget.prices
        assert "statjp_cpi" not in text
        assert "the spot rate of 2025-12-26" in text

    def test_source_override_and_note(self):
        ax = plot.trend(japan_budget(), source="Source: my own compilation.")
        assert get_source_text(ax) == "Source: my own compilation."
        fig, ax = plt.subplots()
        plot.trend(japan_budget(), ax=ax, note="Author's calculations")
        assert get_source_text(fig).replace("\n", " ").endswith("Author's calculations.")

    def test_two_charts_on_one_figure_share_one_source_line(self):
        fig, (a, b) = plt.subplots(1, 2)
        plot.trend(japan_budget(), ax=a)
        plot.trend(sipri_like({"Japan": 50e9}), ax=b)
        lines = [t for t in fig.texts if t.get_gid() == "defbudget-source"]
        assert len(lines) == 1
        text = lines[0].get_text()
        assert "Japan Ministry of Defense initial defence budgets" in text
        assert "SIPRI Military Expenditure Database" in text

    def test_source_line_does_not_overlap_the_axis_label(self):
        fig, ax = plt.subplots(figsize=(6.5, 4), layout="constrained")
        plot.trend(japan_budget(), ax=ax)
        fig.canvas.draw()
        src = next(t for t in fig.texts if t.get_gid() == "defbudget-source")
        assert not src.get_window_extent().overlaps(ax.xaxis.label.get_window_extent())
        assert src.get_window_extent().y1 < ax.xaxis.label.get_window_extent().y0
        assert src.get_window_extent().x1 <= fig.bbox.x1 + 1

    def test_input_frame_not_modified(self):
        frame = japan_budget()
        before = frame.copy()
        plot.trend(frame)
        pd.testing.assert_frame_equal(frame, before)

    def test_rejects_non_frame_and_missing_column(self):
        with pytest.raises(TypeError, match="tidy pandas DataFrame"):
            plot.trend([1, 2, 3])
        with pytest.raises(ValueError, match=r"needs column\(s\) \['value'\]"):
            plot.trend(japan_budget().drop(columns="value"))
        with pytest.raises(TypeError, match="must be a matplotlib Axes"):
            plot.trend(japan_budget(), ax="left")


class TestFormatters:
    @pytest.mark.parametrize(("unit", "ticks", "expected"), [
        ("JPY", [0, 2.5e12, 5e12, 7.5e12], ["¥0", "¥2.5T", "¥5.0T", "¥7.5T"]),
        ("USD", [0, 20e9, 40e9, 60e9], ["$0", "$20B", "$40B", "$60B"]),
        ("USD", [0, 500e6, 1e9, 1.5e9], ["$0.0B", "$0.5B", "$1.0B", "$1.5B"]),
        ("PLN", [0, 25e9, 50e9], ["PLN 0", "PLN 25B", "PLN 50B"]),
        ("KRW", [0, 25e12, 50e12], ["₩0", "₩25T", "₩50T"]),
        ("USD", [-2e9, 0, 2e9], ["-$2B", "$0", "$2B"]),
    ])
    def test_money_ticks(self, unit, ticks, expected):
        out = MoneyFormatter(unit).format_ticks(ticks)
        # a zero tick beside fractional ones reads "$0.0B" in neither: it is always "$0"
        expected = [("$0" if e == "$0.0B" else e) for e in expected]
        assert out == expected

    def test_percent_ticks(self):
        assert PercentFormatter().format_ticks([0, 0.01, 0.02, 0.03]) == ["0%", "1%", "2%",
                                                                          "3%"]
        assert PercentFormatter(signed=True).format_ticks([-0.1, 0, 0.1]) == ["-10%", "0%",
                                                                              "+10%"]

    def test_formatter_for_units(self):
        assert isinstance(plot.formatter_for("ratio"), PercentFormatter)
        assert isinstance(plot.formatter_for("index"), plot.IndexFormatter)
        assert plot.formatter_for("JPY").unit == "JPY"


class TestSave:
    @pytest.mark.parametrize("ext", [".png", ".svg", ".pdf"])
    def test_writes_each_format(self, tmp_path, ext):
        ax = plot.trend(japan_budget())
        out = plot.save(ax, tmp_path / f"chart{ext}")
        head = out.read_bytes()[:8]
        magic = {".png": b"\x89PNG", ".svg": b"<?xml", ".pdf": b"%PDF"}[ext]
        assert head.startswith(magic)
        assert [p.name for p in tmp_path.iterdir()] == [f"chart{ext}"]  # no temp file left

    def test_png_at_publication_resolution(self, tmp_path):
        from PIL import Image

        fig, ax = plt.subplots(figsize=(6.5, 4))
        plot.trend(japan_budget(), ax=ax)
        out = plot.save(fig, tmp_path / "c.png")
        with Image.open(out) as im:
            assert im.size == (1950, 1200)
            assert round(im.info["dpi"][0]) == 300

    def test_print_resolution_png_text_is_unhinted_unless_the_user_chose(self, tmp_path,
                                                                         monkeypatch):
        from matplotlib.backends import backend_agg

        seen = []
        real = backend_agg.get_hinting_flag

        def spy():
            seen.append(mpl.rcParams["text.hinting"])
            return real()

        monkeypatch.setattr(backend_agg, "get_hinting_flag", spy)
        ax = plot.trend(japan_budget())

        def hinting(**save_kwargs) -> set[str]:
            seen.clear()
            plot.save(ax, tmp_path / "c.png", **save_kwargs)
            return set(seen)

        assert hinting() == {"no_hinting"}  # 300 dpi: true outlines, as in PDF
        assert hinting(dpi=100) == {"default"}  # screen resolution: hinted
        with mpl.rc_context({"text.hinting": "force_autohint"}):
            assert hinting() == {"force_autohint"}  # the user's choice stands
        assert mpl.rcParams["text.hinting"] == "default"  # and save() leaves rcParams alone

    def test_refuses_unknown_extension(self, tmp_path):
        fig, _ = plt.subplots()
        with pytest.raises(ValueError, match=r"\.png, \.svg or \.pdf.*'\.jpeg'"):
            plot.save(fig, tmp_path / "c.jpeg")
        assert list(tmp_path.iterdir()) == []

    def test_failed_save_keeps_old_file_and_leaves_no_temp(self, tmp_path, monkeypatch):
        target = tmp_path / "c.png"
        fig, _ = plt.subplots()
        plot.save(fig, target, dpi=20)  # only a chart the kit wrote may be replaced
        old = target.read_bytes()

        def boom(*a, **k):
            raise RuntimeError("disk full")

        monkeypatch.setattr(fig, "savefig", boom)
        with pytest.raises(RuntimeError, match="disk full"):
            plot.save(fig, target)
        assert target.read_bytes() == old
        assert [p.name for p in tmp_path.iterdir()] == ["c.png"]

    def test_saved_file_is_as_readable_as_any_new_file(self, tmp_path):
        """Not owner-only (the mode of a temporary file): 0o666 minus the umask."""
        import os

        umask = os.umask(0o022)
        try:
            fig, _ = plt.subplots()
            for ext in ("png", "pdf"):
                out = plot.save(fig, tmp_path / f"c.{ext}")
                assert out.stat().st_mode & 0o777 == 0o644, ext
            out.chmod(0o600)  # replacing a file keeps its mode
            plot.save(fig, out)
            assert out.stat().st_mode & 0o777 == 0o600
        finally:
            os.umask(umask)

    def test_missing_folder(self, tmp_path):
        fig, _ = plt.subplots()
        with pytest.raises(FileNotFoundError, match="does not exist"):
            plot.save(fig, tmp_path / "nope" / "c.png")

    def test_pdf_is_reproducible(self, tmp_path):
        fig, ax = plt.subplots()
        plot.trend(japan_budget(), ax=ax)
        a = plot.save(fig, tmp_path / "a.pdf").read_bytes()
        b = plot.save(fig, tmp_path / "b.pdf").read_bytes()
        assert a == b


class TestStyle:
    def test_import_changes_no_rcparams_and_skips_matplotlib(self):
        code = ("import sys, defbudget, defbudget.styles; "
                "assert 'matplotlib' not in sys.modules, 'matplotlib imported'; "
                "import matplotlib as mpl; before = dict(mpl.rcParams); "
                "import defbudget.plot; "
                "assert dict(mpl.rcParams) == before, 'rcParams changed'")
        subprocess.run([sys.executable, "-c", code], check=True)

    @pytest.mark.parametrize("name", ["paper", "slides"])
    def test_style_usable_by_dotted_name(self, name):
        with plt.style.context(f"defbudget.styles.{name}"):
            assert mpl.rcParams["axes.spines.top"] is False
            assert to_hex(mpl.rcParams["axes.prop_cycle"].by_key()["color"][0]) == "#0072b2"
            assert mpl.rcParams["savefig.dpi"] >= 200

    def test_house_style_restores_rcparams(self):
        before = mpl.rcParams["font.size"]
        with plot.house_style("slides"):
            assert mpl.rcParams["font.size"] == 14
        assert mpl.rcParams["font.size"] == before

    def test_unknown_style_names_the_choices(self):
        with pytest.raises(ValueError, match=r"'poster'.*\('paper', 'slides'\)"), \
                plot.house_style("poster"):
            pass

    def test_style_files_ship_in_the_package(self):
        from importlib.resources import files

        for name in ("paper", "slides"):
            assert (files("defbudget.styles") / f"{name}.mplstyle").is_file()

    def test_palette_is_okabe_ito(self):
        assert plot.palette(3) == ["#0072B2", "#D55E00", "#009E73"]
        assert len(set(plot.palette(20))) == 20

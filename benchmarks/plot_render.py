"""Time one trend chart to PNG and the all-countries small-multiples PDF.

The chart and the matplotlib floor (an empty figure of the same canvas size saved the same
way: same format, dpi and layout) run in turn, chart then floor, so that a busy spell on this
shared machine slows both alike. Printed: the best and the median of the runs, and the ratio
of the medians. Goals: one chart < 0.3 s; all countries < 15 s on a 2-core machine. A goal is
judged on the best run, as the timeit documentation advises: slower runs measure the other
processes on the machine, not the code.

Run: python benchmarks/plot_render.py [--sipri PATH] [--runs N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

os.environ.setdefault("MPLBACKEND", "Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from defbudget import plot
from defbudget.schema import coerce

DEFAULT_SIPRI = (Path(__file__).resolve().parents[2] / "shared" / "data" / "raw"
                 / "SIPRI-Milex-data-1949-2024_2.xlsx")


def _side_by_side(chart, floor, runs: int) -> tuple[list[float], list[float]]:
    """Times (s) of *runs* calls of *chart* and of *floor*, called in turn."""
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(runs):
        for fn, out in zip((chart, floor), times, strict=True):
            t = time.perf_counter()
            fn()
            out.append(time.perf_counter() - t)
            plt.close("all")
    return times


def _summary(chart: list[float], floor: list[float], goal: float, unit: str = "s") -> str:
    best, median = min(chart), statistics.median(chart)
    ratio = median / statistics.median(floor)
    return (f"  chart best {best:.3f} {unit}, median {median:.3f} {unit}   floor best "
            f"{min(floor):.3f}, median {statistics.median(floor):.3f}   ratio of medians "
            f"{ratio:.1f}x   goal < {goal:g} {unit}: {'met' if best < goal else 'NOT met'}")


def japan_frame() -> tuple[pd.DataFrame, str]:
    try:
        from defbudget.datasets import load

        frame = load("japan_mod_budget")
        frame = frame[frame["measure"] == "defense_budget"]
        return frame, "shipped japan_mod_budget (both bases, FY1990–FY2026)"
    except (ImportError, LookupError, OSError, ValueError):
        years = np.arange(1990, 2027)
        frame = coerce(pd.DataFrame({
            "country": "Japan", "year": years, "period": "FY", "fy_start_month": 4,
            "measure": "defense_budget", "basis": "mod_incl_saco_realignment",
            "value": np.linspace(4.2e12, 9.0e12, len(years)), "unit": "JPY",
            "price_basis": "current", "stage": ["enacted"] * (len(years) - 1) + ["draft"],
            "source": "synthetic"}))
        return frame, "synthetic Japan-like series (datasets not available)"


def all_countries(path: Path | None) -> tuple[pd.DataFrame, str]:
    if path is not None and path.is_file():
        try:
            from defbudget import read_sipri

            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                sip = read_sipri(path)
            milex = sip[(sip["measure"] == "milex") & (sip["unit"] == "USD")
                        & (sip["price_basis"] == "constant")]
            return milex, (f"read_sipri({path.name}): {milex['country'].nunique()} countries "
                           "and aggregates, constant US$")
        except ImportError:
            pass
    rng = np.random.default_rng(0)
    years = np.arange(1950, 2025)
    rows = [{"country": f"Country {i:03d}", "year": y,
             "value": 1e9 * (i + 1) * float(np.exp(rng.normal(0.02, 0.1)))} for i in range(170)
            for y in years]
    frame = coerce(pd.DataFrame(rows).assign(
        period="CY", fy_start_month=1, measure="milex", basis="sipri", unit="USD",
        price_basis="constant", base_year=2023, source="synthetic"))
    return frame, "synthetic frame: 170 countries x 75 years"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sipri", type=Path, default=DEFAULT_SIPRI)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args(argv)
    out = Path(tempfile.mkdtemp(prefix="defbudget-bench-"))

    japan, what = japan_frame()
    with plot.house_style("paper"):
        def chart():
            fig, ax = plt.subplots()
            plot.trend(japan, hue="basis", ax=ax, events={2022: "2022 strategy documents"})
            plot.save(fig, out / "trend.png")

        def floor():
            fig = plt.figure()
            plot.save(fig, out / "floor.png")

        chart()  # warm font caches
        floor()
        times = _side_by_side(chart, floor, args.runs)
        size = plt.rcParams["figure.figsize"]
    print(f"trend chart -> PNG (300 dpi, paper style), {args.runs} runs, data: {what}")
    print(f"  floor: an empty {size[0]:.1f}x{size[1]:.1f} in figure saved the same way")
    print(_summary(*times, goal=0.3))

    frame, what = all_countries(args.sipri)
    n_pages = -(-frame["country"].nunique() // 24)

    def multiples():
        plot.save_small_multiples(frame, out / "all.pdf", progress=False)

    def pdf_floor():
        from matplotlib.backends.backend_pdf import PdfPages

        with PdfPages(out / "floor.pdf") as pdf:
            for _ in range(n_pages):
                fig = plt.figure(figsize=(8.27, 11.69))
                pdf.savefig(fig)
                plt.close(fig)

    runs = max(1, min(args.runs, 3))
    times = _side_by_side(multiples, pdf_floor, runs)
    print(f"all-countries small multiples -> {n_pages}-page PDF, {runs} runs, data: {what}")
    print(f"  floor: {n_pages} empty A4 pages in one PDF")
    print(_summary(*times, goal=15))
    return 0


if __name__ == "__main__":
    sys.exit(main())

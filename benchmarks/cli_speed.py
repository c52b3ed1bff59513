"""Time ``defbudget chart compare --sipri ...`` against the import-and-save floor.

These commands run in turn, each in a fresh Python process, N times:

* floor: ``import pandas, matplotlib``, the Agg backend, one empty figure saved as PNG (what
  any command that draws a chart pays before doing anything);
* canvas: the floor with an empty figure of the chart's size, saved as the chart is saved;
* ideal: the same chart drawn with matplotlib alone (made-up numbers of the same shape, no
  kit, no file read), saved by matplotlib's savefig at 300 dpi: the lower bound for any
  implementation of this chart that draws and writes it with matplotlib (see IDEAL). The
  kit writes the PNG's pixels with its own encoder (plot._png, ~70 ms less than Pillow's
  for this canvas), so its warm run may come below this bound by up to that much;
* warm: the chart command with the on-disk cache already filled;
* cold: the same command with an empty cache folder (the workbook is parsed).

Run in turn (floor, canvas, ideal, warm, cold, floor, ...), so that a busy spell on this shared
machine slows all alike. Printed: the median wall-clock time of each, its best, and the
median CPU time of the child process (user + system, which other processes on the machine
disturb much less), each as a ratio to the floor's. Goals (issue 16), on the wall-clock
medians: warm <= 1.2x the floor, cold <= 1.5x. The subprocesses may write byte-code
(``__pycache__``), as an installed package has it.

With ``--baseline-src DIR`` (the ``src`` folder of another checkout, e.g. an export of main:
``git archive main src data | tar -x -C /tmp/main``), the warm command also runs from that
code in the same turns ("base"), so a change is measured side by side with what it replaces.

Run: python benchmarks/cli_speed.py [--sipri PATH] [--runs N] [--countries LIST]
     [--baseline-src DIR]
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEFAULT_SIPRI = (Path(__file__).resolve().parents[2] / "shared" / "data" / "raw"
                 / "SIPRI-Milex-data-1949-2024_2.xlsx")
FLOOR = ("import pandas, matplotlib; matplotlib.use('Agg'); import matplotlib.pyplot as plt; "
         "fig = plt.figure(); fig.savefig({out!r})")
#: For reading the gap, not a goal: the floor with an empty figure of the chart's canvas
#: (9 x 5.4 in), saved as plot.save saves it (300 dpi, zlib level 1).
CANVAS = ("import pandas, matplotlib; matplotlib.use('Agg'); import matplotlib.pyplot as plt; "
          "fig = plt.figure(figsize=(9, 5.4)); "
          "fig.savefig({out!r}, dpi=300, pil_kwargs={{'compress_level': 1}})")
#: The lower bound: what the chart command draws, drawn with plain matplotlib calls. Same
#: canvas (9 x 5.4 in at 300 dpi, zlib level 1, unhinted text as plot.save draws it at that
#: resolution), constrained layout, a two-line bold title, both axis labels, money ticks, a
#: two-entry legend, six series of 75 years each drawn as a solid part and a dashed part
#: with hollow markers, end labels with leader lines, and the source line (a supxlabel, for
#: which the layout leaves room). The numbers are made up (a smooth curve per series): no
#: file is read and nothing is checked or cited, so no implementation of the chart that
#: draws and saves it with matplotlib can be cheaper than this, whatever it does. __OUT__ is
#: replaced by the output path.
IDEAL = """\
import pandas, matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import FuncFormatter

plt.rcParams["text.hinting"] = "no_hinting"
fig, ax = plt.subplots(figsize=(9, 5.4), layout="constrained")
years = np.arange(1950, 2025)
names = ["China", "India", "Japan", "South Korea", "Australia", "Taiwan"]
ends = [318e9, 84e9, 58e9, 48e9, 33e9, 17e9]
label_at = [318e9, 84e9, 62e9, 50e9, 38e9, 26e9]  # nudged apart by hand
for i, (name, end) in enumerate(zip(names, ends)):
    level = end * (1.0 + 0.09 - 0.01 * i) ** (years - 2024)
    cut = 20 + 8 * i
    line, = ax.plot(years[cut:], level[cut:], lw=1.8)
    ax.plot(years[:cut + 1], level[:cut + 1], ls="--", marker="o", mfc="white", ms=5,
            color=line.get_color(), lw=1.8)
    ax.annotate(name, xy=(years[-1], end), xytext=(1.01, label_at[i]),
                textcoords=("axes fraction", "data"), va="center", color=line.get_color(),
                annotation_clip=False,
                arrowprops={"arrowstyle": "-", "color": line.get_color(), "lw": 0.5})
ax.set_title("Australia, India, China, Japan, South Korea and Taiwan: military "
             "expenditure\\n(SIPRI definition)", loc="left", fontweight="bold")
ax.set_ylabel("US$, constant 2023 prices")
ax.set_xlabel("Calendar year")
ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"${v / 1e9:,.0f}B"))
ax.grid(axis="y", alpha=0.3)
ax.spines[["top", "right"]].set_visible(False)
ax.legend([plt.Line2D([], [], color="0.3"),
           plt.Line2D([], [], color="0.3", ls="--", marker="o", mfc="white")],
          ["Solid: actual outturn", "Hollow, dashed: estimate (source's flag)"],
          loc="upper left", frameon=False)
fig.supxlabel("Source: SIPRI Military Expenditure Database 2025, "
              "https://www.sipri.org/databases/milex. Constant 2023 US$; calendar years.",
              x=0.01, ha="left", fontsize=7)
fig.savefig(__OUT__, dpi=300, pil_kwargs={"compress_level": 1})
"""


def _time(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall-clock seconds, CPU seconds: user + system) of one run of *cmd*."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu


def machine() -> str:
    return (f"{platform.machine()}, {os.cpu_count()} cores, "
            f"load {os.getloadavg()[0]:.2f} (1 min), Python {platform.python_version()}, "
            f"{platform.system()} {platform.release()}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sipri", type=Path, default=Path(os.environ.get("DEFBUDGET_SIPRI", "")
                                                       or DEFAULT_SIPRI))
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--countries", default="Japan,China,South Korea,Australia,India,Taiwan")
    ap.add_argument("--baseline-src", type=Path, default=None, metavar="DIR",
                    help="also run the warm command from the package in DIR (side by side)")
    args = ap.parse_args(argv)
    if not args.sipri.is_file():
        print(f"no SIPRI workbook at {args.sipri}; pass --sipri PATH")
        return 1
    work = Path(tempfile.mkdtemp(prefix="defbudget-cli-speed-"))
    warm_dir, cold_dir = work / "warm-cache", work / "cold-cache"
    base = {**os.environ, "MPLBACKEND": "Agg"}
    base.pop("DEFBUDGET_NO_CACHE", None)
    # As a user's installation has them: compiled modules (a shell with
    # PYTHONDONTWRITEBYTECODE=1 would compile defbudget's sources on every start, ~70 ms).
    base.pop("PYTHONDONTWRITEBYTECODE", None)
    chart = [sys.executable, "-m", "defbudget", "chart", "compare", "--sipri", str(args.sipri),
             "--countries", args.countries, "-o", str(work / "compare.png")]
    floor = [sys.executable, "-c", FLOOR.format(out=str(work / "floor.png"))]
    canvas = [sys.executable, "-c", CANVAS.format(out=str(work / "canvas.png"))]
    ideal = [sys.executable, "-c", IDEAL.replace("__OUT__", repr(str(work / "ideal.png")))]
    warm_env = {**base, "DEFBUDGET_CACHE_DIR": str(warm_dir)}
    cold_env = {**base, "DEFBUDGET_CACHE_DIR": str(cold_dir)}
    _time(chart, warm_env)  # fills the warm cache (and the OS file cache for all)
    _time(floor, base)
    _time(ideal, base)
    times: dict[str, list[tuple[float, float]]] = {"floor": [], "canvas": [], "ideal": [],
                                                   "warm": [], "cold": []}
    base_env = None
    if args.baseline_src is not None:
        base_env = {**warm_env, "PYTHONPATH": str(args.baseline_src.resolve()),
                    "DEFBUDGET_CACHE_DIR": str(work / "base-cache")}
        _time(chart, base_env)  # the baseline's own warm cache (its format may differ)
        times["base"] = []
    try:
        for _ in range(args.runs):
            times["floor"].append(_time(floor, base))
            times["canvas"].append(_time(canvas, base))
            times["ideal"].append(_time(ideal, base))
            times["warm"].append(_time(chart, warm_env))
            if base_env is not None:
                times["base"].append(_time(chart, base_env))
            shutil.rmtree(cold_dir, ignore_errors=True)
            times["cold"].append(_time(chart, cold_env))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    wall = {k: statistics.median(t[0] for t in ts) for k, ts in times.items()}
    cpu = {k: statistics.median(t[1] for t in ts) for k, ts in times.items()}
    best = {k: min(t[0] for t in ts) for k, ts in times.items()}
    print(f"defbudget chart compare --sipri {args.sipri.name} --countries {args.countries}")
    print(f"machine: {machine()}; {args.runs} runs each, in turn")
    print("  medians of wall-clock and of CPU time (user + system: what the process itself "
          "costs, steadier on a busy machine); ratios to the floor")
    goals = {"warm": 1.2, "cold": 1.5}
    for name in times:
        line = (f"  {name:6s} wall {wall[name]:.3f} s ({wall[name] / wall['floor']:.2f}x, best "
                f"{best[name]:.3f} s = {best[name] / best['floor']:.2f}x)   CPU "
                f"{cpu[name]:.3f} s ({cpu[name] / cpu['floor']:.2f}x)")
        if name in goals:
            met = wall[name] / wall["floor"] <= goals[name]
            line += f"   goal <= {goals[name]}x: {'met' if met else 'NOT met'}"
        elif name == "canvas":
            line += "   (an empty figure of the chart's size at 300 dpi: the PNG alone)"
        elif name == "ideal":
            line += ("   (the chart in plain matplotlib, no data read, saved by savefig: "
                     "the lower bound at 300 dpi for any implementation saving through "
                     "matplotlib's PNG writer; warm/ideal: "
                     f"wall {wall['warm'] / wall['ideal']:.2f}, "
                     f"CPU {cpu['warm'] / cpu['ideal']:.2f})")
        elif name == "base":
            line += (f"   (warm, from {args.baseline_src}; warm/base: "
                     f"wall {wall['warm'] / wall['base']:.2f}, "
                     f"CPU {cpu['warm'] / cpu['base']:.2f})")
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())

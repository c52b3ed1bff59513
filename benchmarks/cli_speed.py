"""Time ``defbudget chart compare --sipri ...`` against the import-and-save floor.

Three commands run in turn, each in a fresh Python process, N times:

* floor: ``import pandas, matplotlib``, the Agg backend, one empty figure saved as PNG (what
  any command that draws a chart pays before doing anything);
* warm: the chart command with the on-disk cache already filled;
* cold: the same command with an empty cache folder (the workbook is parsed).

Run in turn (floor, warm, cold, floor, ...), so that a busy spell on this shared machine
slows all alike. Printed: the median and best of each, and the ratios of the medians to
the floor's. Goals (issue 16): warm <= 1.2x the floor, cold <= 1.5x. The subprocesses may
write byte-code (``__pycache__``), as an installed package has it.

Run: python benchmarks/cli_speed.py [--sipri PATH] [--runs N] [--countries LIST]
"""

from __future__ import annotations

import argparse
import os
import platform
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


def _time(cmd: list[str], env: dict[str, str]) -> float:
    t = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - t
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stderr}")
    return elapsed


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
    warm_env = {**base, "DEFBUDGET_CACHE_DIR": str(warm_dir)}
    cold_env = {**base, "DEFBUDGET_CACHE_DIR": str(cold_dir)}
    _time(chart, warm_env)  # fills the warm cache (and the OS file cache for all)
    _time(floor, base)
    times: dict[str, list[float]] = {"floor": [], "warm": [], "cold": [], "canvas": []}
    try:
        for _ in range(args.runs):
            times["floor"].append(_time(floor, base))
            times["canvas"].append(_time(canvas, base))
            times["warm"].append(_time(chart, warm_env))
            shutil.rmtree(cold_dir, ignore_errors=True)
            times["cold"].append(_time(chart, cold_env))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    floor_median = statistics.median(times["floor"])
    print(f"defbudget chart compare --sipri {args.sipri.name} --countries {args.countries}")
    print(f"machine: {machine()}; {args.runs} runs each, in turn")
    goals = {"warm": 1.2, "cold": 1.5}
    for name, ts in times.items():
        median = statistics.median(ts)
        line = f"  {name:6s} median {median:.3f} s, best {min(ts):.3f} s"
        ratio = median / floor_median
        if name in goals:
            line += (f"   {ratio:.2f}x the floor (goal <= {goals[name]}x: "
                     f"{'met' if ratio <= goals[name] else 'NOT met'})")
        elif name == "canvas":
            line += (f"   {ratio:.2f}x the floor: an empty figure of the chart's size at "
                     "300 dpi (what the PNG alone costs)")
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())

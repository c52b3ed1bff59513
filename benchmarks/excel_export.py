"""Benchmark: Excel export and read-back of the full SIPRI frame, today's writer against the
first one (kept verbatim in ``benchmarks/_excel_baseline.py``), side by side in one run; and
the peak memory of exporting a 1,000,000-row tidy frame and of reading it back, each
measured in a child process.

Prints, from one run on one machine (the machine is described first):

* the median of N exports (``to_excel``) of ``read_sipri`` of the newest SIPRI workbook, for
  both writers, alternating, and the ratio (goal, issue 16: at least 2);
* the median of N read-backs (``read_excel_export``) of each writer's own file, and the ratio
  (goal: at least 10); both read-backs are checked equal to the frame;
* calamine's bare read of the new file's ``_tidy`` sheet, the floor of any calamine
  read-back (the rest is the bounds check before parsing and the casts by dtype);
* the time XlsxWriter's own ``write_string``/``write_number`` calls take for the cells of
  today's tidy sheet of the SIPRI frame (format 3: the row key and the uncoded columns) in
  ``constant_memory`` mode: what writing the hidden tidy sheets through XlsxWriter would cost;
* the peak RSS (Linux's ``VmHWM``; ``ru_maxrss`` would report the parent's size, which a
  child inherits) of a child process that builds a 1,000,000-row tidy frame and exports it
  (goal, issue 15: under 500 MB), with the RSS of the frame alone for reference; then of a
  second child that reads that export back (goal: under ~1.5 GB).
  ``--baseline-memory`` runs the first writer too (the issue
  measured 3.9 GB; it takes minutes and that much memory, so it is off by default).

Figures of one run (2 CPUs shared with other work, load average 3.2; the ratios are what
to read): export 3.36 s against 17.53 s (5.2x), read-back 0.57 s against 9.24 s (16.3x),
calamine's bare read 0.24 s; 1,000,000 rows: export peak 411 MB, read-back peak 467 MB.
On a quieter moment the read-back took 0.27 s against 6.4-7.1 s (about 24x).

Usage::

    python benchmarks/excel_export.py [PATH] [--runs N] [--rows N] [--baseline-memory]

PATH: the SIPRI workbook, or a folder; default $DEFBUDGET_SIPRI, else ../shared/data/raw.
``--child {new,baseline,frame,read} --rows N --out DIR`` is the child process's mode (prints
JSON); ``read`` reads back ``DIR/million.xlsx`` that ``new`` wrote.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

DEFAULT_RAW = ROOT.parent / "shared" / "data" / "raw"
DEFAULT_FILE = "SIPRI-Milex-data-1949-2024_2.xlsx"


def million_row_frame(rows: int = 1_000_000):
    """A synthetic tidy frame of *rows* rows: rows/50 countries x 50 calendar years of
    military expenditure in US$ (made-up values), every 7th an estimate."""
    import numpy as np
    import pandas as pd

    from defbudget import schema

    years = 50
    countries = math.ceil(rows / years)
    names = np.array([f"Country {i:06d}" for i in range(countries)], dtype=object)
    idx = np.arange(rows)
    frame = pd.DataFrame({
        "country": names[idx // years], "iso3": None, "year": 1975 + idx % years,
        "period": "CY", "fy_start_month": 1, "measure": "milex", "basis": "sipri",
        "value": (idx % 997 + 1) * 1.0e6 + 0.25, "unit": "USD", "price_basis": "current",
        "stage": None, "flag": np.where(idx % 7 == 0, "estimate", None),
        "source": "synthetic-benchmark"})
    return schema.coerce(frame)


def _rss_mb() -> float:
    """Peak RSS of this process so far, in MB: Linux's VmHWM, which starts afresh at exec.

    ``ru_maxrss`` is kept across fork and exec (see getrusage(2)), so in a child started by a
    big parent it reports the parent's size; it is used only where /proc is missing."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def child(mode: str, rows: int, out: Path) -> None:
    """Build the frame, export it with one writer, print JSON with the peak RSS; or, with
    mode ``read``, read back the export ``new`` wrote (``out/million.xlsx``)."""
    if mode == "read":
        from defbudget.excel import read_excel_export

        start = time.perf_counter()
        back = read_excel_export(out / "million.xlsx")
        seconds = time.perf_counter() - start
        print(json.dumps({"mode": mode, "rows": len(back), "peak_rss_mb": round(_rss_mb(), 1),
                          "seconds": round(seconds, 2)}))
        return
    frame = million_row_frame(rows)
    frame_mb = _rss_mb()
    start = time.perf_counter()
    if mode == "new":
        from defbudget.excel import to_excel
        to_excel(frame, out / "million.xlsx", overwrite=True)
    elif mode == "baseline":
        from _excel_baseline import to_excel as old_to_excel  # type: ignore[import-not-found]
        old_to_excel(frame, out / "million_baseline.xlsx", overwrite=True)
    seconds = time.perf_counter() - start
    print(json.dumps({"mode": mode, "rows": len(frame), "frame_rss_mb": round(frame_mb, 1),
                      "peak_rss_mb": round(_rss_mb(), 1), "seconds": round(seconds, 2)}))


def run_child(mode: str, rows: int, out: Path) -> dict:
    done = subprocess.run([sys.executable, __file__, "--child", mode, "--rows", str(rows),
                           "--out", str(out)], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _xlsxwriter_cells_only(frame, path: Path) -> float:
    """Seconds XlsxWriter takes to write the cells of the frame's format-3 tidy sheet (the
    row key, then the uncoded columns) through its write_* calls."""
    import xlsxwriter

    from defbudget.excel import _keys, _tidy

    specs = [_tidy.column_spec(c, frame[c], "frame") for c in frame.columns]
    coded, keys, _ = _keys.plan(frame, specs)
    names = [c for c in frame.columns if c not in coded]
    start = time.perf_counter()
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = workbook.add_worksheet("_tidy")
    columns = ([] if keys is None else [keys.tolist()]) + [
        frame[c].astype(object).tolist() for c in names]
    for j, name in enumerate((["key"] if keys is not None else []) + names):
        ws.write_string(0, j, name)
    for i, row in enumerate(zip(*columns, strict=True), start=1):
        for j, v in enumerate(row):
            if isinstance(v, str):
                ws.write_string(i, j, v)
            elif isinstance(v, (int, float)) and v == v:
                ws.write_number(i, j, v)
    workbook.close()
    return time.perf_counter() - start


def _calamine_bare(path: Path) -> None:
    from python_calamine import CalamineWorkbook

    CalamineWorkbook.from_path(str(path)).get_sheet_by_name("_tidy").to_python()


def _machine() -> str:
    load = os.getloadavg() if hasattr(os, "getloadavg") else ("?",)
    return (f"{platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} "
            f"CPUs, load average {', '.join(f'{x:.2f}' for x in load)} (other work running "
            "on the machine slows both sides alike; read the ratios)")


def _timed_pair(fn_new, fn_old, runs: int) -> tuple[list[float], list[float]]:
    new, old = [], []
    for _ in range(runs):  # alternate, so that a busy moment hits both sides
        for fn, out in ((fn_new, new), (fn_old, old)):
            start = time.perf_counter()
            fn()
            out.append(time.perf_counter() - start)
    return new, old


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", help="SIPRI workbook or folder")
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement")
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows of the memory test")
    parser.add_argument("--baseline-memory", action="store_true",
                        help="also measure the first writer's memory (slow, ~4 GB)")
    parser.add_argument("--child", choices=["new", "baseline", "frame", "read"])
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child, args.rows, args.out)
        return 0
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]  # progress in a log

    import _excel_baseline as old  # type: ignore[import-not-found]
    import pandas as pd

    from defbudget import excel as new
    from defbudget.readers.sipri import read_sipri

    target = Path(args.path or os.environ.get("DEFBUDGET_SIPRI") or DEFAULT_RAW)
    if target.is_dir():
        target = target / DEFAULT_FILE
    if not target.is_file():
        print(f"no SIPRI workbook at {target}: pass its path (see ../shared/data/raw)")
        return 2
    print(f"machine: {_machine()}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SIPRI's own notes; not what is measured here
        frame = read_sipri(target)
    print(f"frame: read_sipri({target.name}) = {len(frame):,} rows x {frame.shape[1]} "
          f"columns ({frame.size:,} cells)")
    tmp = Path(tempfile.mkdtemp(prefix="excel-bench-"))
    new_path, old_path = tmp / "new.xlsx", tmp / "old.xlsx"
    t_new, t_old = _timed_pair(lambda: new.to_excel(frame, new_path, overwrite=True),
                               lambda: old.to_excel(frame, old_path, overwrite=True),
                               args.runs)
    r_new, r_old = _timed_pair(lambda: new.read_excel_export(new_path),
                               lambda: old.read_excel_export(old_path), args.runs)
    pd.testing.assert_frame_equal(new.read_excel_export(new_path), frame, check_exact=True)
    pd.testing.assert_frame_equal(old.read_excel_export(old_path), frame, check_exact=True)
    for what, a, b, goal in (("export", t_new, t_old, 2), ("read-back", r_new, r_old, 10)):
        ma, mb = statistics.median(a), statistics.median(b)
        print(f"{what:9}: today {ma:6.2f} s, first writer {mb:6.2f} s (medians of "
              f"{args.runs}) -> {mb / ma:4.1f}x faster (goal >= {goal}x)"
              f"{'' if mb / ma >= goal else '  NOT MET'}")
    floor = []
    for _ in range(args.runs):
        start = time.perf_counter()
        _calamine_bare(new_path)
        floor.append(time.perf_counter() - start)
    print(f"calamine's bare read of today's _tidy sheet (to_python, no checks, no dtypes): "
          f"{statistics.median(floor):.2f} s, the floor of any calamine read-back "
          f"({statistics.median(r_old) / statistics.median(floor):.1f}x faster than the "
          "first writer's whole read-back)")
    print(f"file size: today {new_path.stat().st_size / 1e6:.1f} MB, first writer "
          f"{old_path.stat().st_size / 1e6:.1f} MB")
    cells = _xlsxwriter_cells_only(frame, tmp / "cells.xlsx")
    print(f"XlsxWriter write_* calls for the tidy cells alone: {cells:.2f} s "
          f"({cells / statistics.median(t_new):.1f}x today's whole export)")
    mem = run_child("new", args.rows, tmp)
    print(f"memory: exporting {mem['rows']:,} rows: peak RSS {mem['peak_rss_mb']:.0f} MB (the "
          f"frame alone {mem['frame_rss_mb']:.0f} MB), {mem['seconds']:.1f} s (goal < 500 MB)"
          f"{'' if mem['peak_rss_mb'] < 500 else '  NOT MET'}")
    back = run_child("read", args.rows, tmp)
    print(f"memory: reading that export back: peak RSS {back['peak_rss_mb']:.0f} MB, "
          f"{back['seconds']:.1f} s (goal < 1,500 MB)"
          f"{'' if back['peak_rss_mb'] < 1500 else '  NOT MET'}")
    if args.baseline_memory:
        base = run_child("baseline", args.rows, tmp)
        print(f"memory, first writer: peak RSS {base['peak_rss_mb']:.0f} MB, "
              f"{base['seconds']:.1f} s")
    else:
        print("memory, first writer: not run (--baseline-memory); issue 15 measured 3.9 GB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

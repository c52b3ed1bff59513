"""Benchmark: read the full SIPRI workbook into the tidy frame (flags included) vs pandas.

Prints, from one run on one machine:

* the median of N cold reads with ``read_sipri(path, cache=False)`` (all sheets, font-colour
  flags, footnotes), and the first read of the process separately (it also imports
  country_converter);
* the median of N ``pandas.read_excel(path, sheet_name=None, engine="openpyxl")`` (values only:
  it loses the colours, markers stay text), and the ratio of the two medians;
* the median cached reload (same file content, ``cache=True``);
* peak memory of one cold read (tracemalloc, Python allocations) and the process's peak RSS.

Goals (issue 3): ratio ≥ 5, cached reload < 50 ms, peak < 200 MB.

Usage::

    python benchmarks/sipri_read.py [PATH] [--runs N]

PATH: the workbook, or a folder; default $DEFBUDGET_SIPRI, else ../shared/data/raw.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
import tracemalloc
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

DEFAULT_RAW = ROOT.parent / "shared" / "data" / "raw"
DEFAULT_FILE = "SIPRI-Milex-data-1949-2024_2.xlsx"


def _timed(fn, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", help="workbook or folder")
    parser.add_argument("--runs", type=int, default=5, help="runs per measurement")
    args = parser.parse_args(argv)

    import pandas as pd

    from defbudget.readers import _cache
    from defbudget.readers.sipri import find_sipri_workbook, read_sipri

    target = args.path or os.environ.get("DEFBUDGET_SIPRI")
    if target is None:
        target = DEFAULT_RAW / DEFAULT_FILE if (DEFAULT_RAW / DEFAULT_FILE).is_file() \
            else DEFAULT_RAW
    path = find_sipri_workbook(target)
    print(f"workbook: {path} ({path.stat().st_size / 1e6:.2f} MB)")
    warnings.simplefilter("ignore")  # row-level warnings (Myanmar's fiscal year) are expected

    start = time.perf_counter()
    frame = read_sipri(path, cache=False)
    first = time.perf_counter() - start
    ours = _timed(lambda: read_sipri(path, cache=False), args.runs)
    theirs = _timed(lambda: pd.read_excel(path, sheet_name=None, engine="openpyxl"),
                    args.runs)
    _cache.clear()
    read_sipri(path, cache=True)
    cached = _timed(lambda: read_sipri(path, cache=True), max(args.runs, 10))

    _cache.clear()
    tracemalloc.start()
    read_sipri(path, cache=False)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux

    m_ours, m_theirs, m_cached = map(statistics.median, (ours, theirs, cached))
    flags = frame["flag"].value_counts().to_dict()
    print(f"rows: {len(frame):,}; flags: {flags}")
    print(f"read_sipri, first call in process : {first * 1000:8.1f} ms")
    print(f"read_sipri (cache=False), median  : {m_ours * 1000:8.1f} ms  (n={args.runs})")
    print(f"pandas.read_excel openpyxl, median: {m_theirs * 1000:8.1f} ms  (n={args.runs})")
    print(f"ratio (pandas / read_sipri)       : {m_theirs / m_ours:8.1f} x   (goal >= 5)")
    print(f"cached reload, median             : {m_cached * 1000:8.1f} ms  (goal < 50)")
    print(f"peak traced memory, one read      : {peak / 2**20:8.1f} MB  (goal < 200)")
    print(f"peak RSS of this process          : {rss:8.1f} MB")
    ok = m_theirs / m_ours >= 5 and m_cached < 0.05 and peak / 2**20 < 200
    print("goals met" if ok else "GOALS NOT MET")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

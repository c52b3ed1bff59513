"""Benchmark: ``read_sipri`` cold against calamine's bare read of the same workbook.

Prints, from one run in one process on one machine (named in the output):

* the median of N bare reads: ``CalamineWorkbook.from_path(p)`` then
  ``get_sheet_by_name(n).to_python()`` for every sheet (values only: no flags, no checks,
  no frame);
* the median of N cold reads ``read_sipri(p, cache=False)`` (every sheet, font-colour
  flags, footnotes, every check of issue 15, display names), alternated with the bare reads
  so that both see the same machine load;
* the ratio of the two medians (goal: at most 2);
* each step's share of ``read_sipri``'s time, measured by timing the reader's own functions
  (exclusive time: a step called inside another counts once, for itself).

Usage::

    python benchmarks/sipri_vs_calamine.py [PATH] [--runs N]

PATH: the workbook, or a folder; default $DEFBUDGET_SIPRI, else ../shared/data/raw.
"""

from __future__ import annotations

import argparse
import functools
import os
import platform
import statistics
import sys
import time
import warnings
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

DEFAULT_RAW = ROOT.parent / "shared" / "data" / "raw"
DEFAULT_FILE = "SIPRI-Milex-data-1949-2024_2.xlsx"

#: Step name -> (module, function) pairs whose exclusive time counts for the step.
STEPS = {
    "zip guard and sheet bounds": [("open", "check_zip"), ("open", "scan_sheet")],
    "calamine parse": [("open", "_calamine"), ("assemble", "_sheet_rows")],
    "font-colour flags": [("assemble", "read_font_flags")],
    "layout (headers, rows, names)": [("sheets", "_find_header"), ("assemble", "_find_header"),
                                      ("sheets", "_body"), ("sheets", "_check_unique_names")],
    "value cells and their checks": [("sheets", "_values"), ("sheets", "_check_numbers"),
                                     ("sheets", "_check_plausible"), ("values", "_check_numbers")],
    "country names (ISO3, display)": [("sheets", "iso3_codes"), ("assemble", "_display_names")],
    "assembly of the frame": [("assemble", "_frame_and_values")],
    "validation (schema)": [("assemble", "_check_frame")],
}


def _bare(path: Path) -> None:
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(path))
    for name in wb.sheet_names:
        wb.get_sheet_by_name(name).to_python()


class _StepClock:
    """Exclusive time per step: wrappers around the reader's functions, with a stack so that
    a wrapped call inside another is subtracted from its caller."""

    def __init__(self):
        self.total: dict[str, float] = defaultdict(float)
        self._stack: list[list[float]] = []

    def wrap(self, step: str, fn):
        @functools.wraps(fn)
        def timed(*args, **kwargs):
            self._stack.append([0.0])
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                spent = time.perf_counter() - start
                inner = self._stack.pop()[0]
                self.total[step] += spent - inner
                if self._stack:
                    self._stack[-1][0] += spent
        return timed

    def install(self):
        import importlib

        undo = []
        for step, targets in STEPS.items():
            for mod_name, attr in targets:
                module = importlib.import_module(f"defbudget.readers.sipri.{mod_name}")
                original = getattr(module, attr)
                setattr(module, attr, self.wrap(step, original))
                undo.append((module, attr, original))
        return undo


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", help="workbook or folder")
    parser.add_argument("--runs", type=int, default=15, help="runs per measurement")
    args = parser.parse_args(argv)

    from defbudget.readers.sipri import find_sipri_workbook, read_sipri

    target = args.path or os.environ.get("DEFBUDGET_SIPRI")
    if target is None:
        target = DEFAULT_RAW / DEFAULT_FILE if (DEFAULT_RAW / DEFAULT_FILE).is_file() \
            else DEFAULT_RAW
    path = find_sipri_workbook(target)
    warnings.simplefilter("ignore")  # row-level warnings (Myanmar's fiscal year) are expected
    print(f"workbook: {path.name} ({path.stat().st_size / 1e6:.2f} MB)")
    print(f"machine : {platform.node()} {platform.machine()}, {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()}, {platform.platform()}")

    read_sipri(path, cache=False)  # imports and first-call caches out of the way
    _bare(path)
    ours, bare = [], []
    for _ in range(args.runs):  # alternated: both see the same load
        start = time.perf_counter()
        _bare(path)
        bare.append(time.perf_counter() - start)
        start = time.perf_counter()
        read_sipri(path, cache=False)
        ours.append(time.perf_counter() - start)
    m_ours, m_bare = statistics.median(ours), statistics.median(bare)

    clock = _StepClock()
    undo = clock.install()
    timed_total = 0.0
    try:
        for _ in range(args.runs):
            start = time.perf_counter()
            read_sipri(path, cache=False)
            timed_total += time.perf_counter() - start
    finally:
        for module, attr, original in undo:
            setattr(module, attr, original)

    print(f"calamine bare read, all sheets, median : {m_bare * 1000:7.1f} ms  (n={args.runs})")
    print(f"read_sipri(cache=False), median        : {m_ours * 1000:7.1f} ms  (n={args.runs})")
    ratio = m_ours / m_bare
    print(f"ratio read_sipri / calamine            : {ratio:7.2f} x   (goal <= 2)")
    print("steps of read_sipri (share of its time, exclusive):")
    rest = timed_total - sum(clock.total.values())
    for step in STEPS:
        spent = clock.total[step]
        print(f"  {step:32s} {spent / args.runs * 1000:6.1f} ms  {spent / timed_total:6.1%}")
    print(f"  {'everything else':32s} {rest / args.runs * 1000:6.1f} ms  "
          f"{rest / timed_total:6.1%}   (notes, currencies, fiscal years, footnotes, edition)")
    print("goal met" if ratio <= 2 else "GOAL NOT MET")
    return 0 if ratio <= 2 else 1


if __name__ == "__main__":
    raise SystemExit(main())

"""Benchmark: diff two SIPRI releases (``sipri_revisions``) against reading them both.

Prints, from one run on one machine (medians of N runs):

* warm cache (issue 18's goal, ratio < 1.5): ``read_sipri`` of both workbooks with the
  session cache warm, against ``sipri_revisions(old_path, new_path)`` with the cache warm
  (the diff of the same two files' content is itself cached);
* first diff of a session: both workbooks parsed (``cache=False``), against
  ``sipri_revisions`` with the cache cleared before each run (it parses both, then diffs);
* the diff alone, on two frames already read.

Usage::

    python benchmarks/sipri_revisions.py [OLD NEW] [--runs N]

Default: SIPRI-Milex-data-1949-2023.xlsx and SIPRI-Milex-data-1949-2024_2.xlsx in
../shared/data/raw.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

RAW = ROOT.parent / "shared" / "data" / "raw"
DEFAULT = (RAW / "SIPRI-Milex-data-1949-2023.xlsx", RAW / "SIPRI-Milex-data-1949-2024_2.xlsx")
GOAL = 1.5


def _median(fn, runs: int, before=None) -> float:
    out = []
    for _ in range(runs):
        if before is not None:
            before()
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return statistics.median(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", help="OLD and NEW workbooks")
    parser.add_argument("--runs", type=int, default=5, help="runs per measurement")
    args = parser.parse_args(argv)
    if args.paths and len(args.paths) != 2:
        parser.error("pass two workbooks, OLD and NEW (or none for the defaults)")
    old, new = (Path(p) for p in (args.paths or DEFAULT))
    for p in (old, new):
        if not p.is_file():
            print(f"{p} not found; pass two SIPRI workbooks")
            return 2
    warnings.simplefilter("ignore")  # row-level reader warnings (Myanmar's fiscal year)

    from defbudget.readers import _cache
    from defbudget.readers.sipri import read_sipri
    from defbudget.revisions import sipri_revisions

    print(f"old: {old.name}\nnew: {new.name}")
    frames = (read_sipri(old), read_sipri(new))  # warms imports and the cache
    rev = sipri_revisions(old, new)
    print(f"rows: {len(frames[0]):,} and {len(frames[1]):,}; changed cells: {len(rev):,}")

    read_warm = _median(lambda: (read_sipri(old), read_sipri(new)), max(args.runs, 10))
    diff_warm = _median(lambda: sipri_revisions(old, new), max(args.runs, 10))
    read_cold = _median(lambda: (read_sipri(old, cache=False), read_sipri(new, cache=False)),
                        args.runs)
    diff_cold = _median(lambda: sipri_revisions(old, new), args.runs, before=_cache.clear)
    diff_only = _median(lambda: sipri_revisions(*frames), args.runs)

    warm, cold = diff_warm / read_warm, diff_cold / read_cold
    print(f"read both, warm cache            : {read_warm * 1000:8.1f} ms")
    print(f"sipri_revisions, warm cache      : {diff_warm * 1000:8.1f} ms")
    print(f"ratio, warm cache                : {warm:8.2f} x   (goal < {GOAL})")
    print(f"read both, parsed (cache=False)  : {read_cold * 1000:8.1f} ms")
    print(f"sipri_revisions, first in session: {diff_cold * 1000:8.1f} ms  (parses both)")
    print(f"ratio, first diff of a session   : {cold:8.2f} x   (goal < {GOAL})")
    print(f"the diff alone, two frames       : {diff_only * 1000:8.1f} ms")
    ok = warm < GOAL and cold < GOAL
    print("goals met" if ok else "GOALS NOT MET")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

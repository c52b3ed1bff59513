"""Benchmark: how fast hostile workbooks are refused, against reading a good one side by side.

The tests check what a hostile input gives (the error, and the memory it may cost); how long
it takes is measured here, where a busy machine makes a slow run and not a failed test.
Every case is a small workbook from ``tests/corpus``, made in a temporary folder:

* ``bomb_in_styles`` / ``bomb_in_sheet``: a billion-laughs DTD inside the xlsx (refused);
* ``dimension_million_rows``: a sheet whose ``<dimension>`` claims a million rows (read);
* every ``bomb`` case of ``tests/corpus/sipri_hostile.py`` (issue 15): zip members over the
  size or ratio limit, zip headers that lie about sizes, one cell at ``XFD1048576`` and other
  cells beyond ``ZZ999`` (all refused).

For each case it prints the median of N runs, the median of N reads of the good generated
workbook run in turn with it, and their ratio. Goal (issue 20): every refusal within 2 s.

Usage::

    python benchmarks/hostile_inputs.py [--runs N]
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))

GOAL_S = 2.0


def _time(fn) -> float:
    start = time.perf_counter()
    with contextlib.suppress(ValueError):  # a refusal is the outcome whose time is measured
        fn()
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per case")
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")

    from corpus import READ_FINE_KINDS, _sipri, bomb_in_sheet, bomb_in_styles
    from corpus.sipri_hostile import CASES

    from defbudget.readers.sipri import read_sipri

    cases = {"bomb_in_styles": bomb_in_styles, "bomb_in_sheet": bomb_in_sheet,
             **READ_FINE_KINDS,
             **{n: c.make for n, c in sorted(CASES.items()) if c.extra.get("bomb")}}
    worst = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        good_dir = Path(tmp) / "good"
        good_dir.mkdir()
        good = _sipri(good_dir)
        print(f"{'case':<40}{'median s':>10}{'good s':>10}{'ratio':>8}")
        for name, make in cases.items():
            folder = Path(tmp) / name
            folder.mkdir()
            path = make(folder)
            hostile, baseline = [], []
            for _ in range(args.runs):  # in turn, so a busy spell slows both alike
                hostile.append(_time(lambda p=path: read_sipri(p, cache=False)))
                baseline.append(_time(lambda: read_sipri(good, cache=False)))
            h, b = statistics.median(hostile), statistics.median(baseline)
            worst = max(worst, min(hostile))
            print(f"{name:<40}{h:>10.3f}{b:>10.3f}{h / b:>8.1f}")
    print(f"worst best-run time {worst:.3f} s; goal < {GOAL_S} s: "
          f"{'met' if worst < GOAL_S else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

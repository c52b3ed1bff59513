"""Mutation testing: apply single-line mutations to the core modules and see which survive.

Each mutation replaces one exact piece of source text (found exactly once in its file) with a
plausible slip: a flipped comparison, an off-by-one, a swapped weight, a dropped guard. For
each, the script copies the project to a scratch folder beside it (so ``../shared`` still
resolves), applies the mutation there, and runs the test files that cover that module. A
mutation is *killed* when a test fails, *survives* when all pass, and is *stale* when its
text is no longer in the code (update the list). The working tree is never modified.

Usage::

    python scripts/mutate.py            # all mutations, prints a table and the score
    python scripts/mutate.py -k fx      # only those whose id contains "fx"

Exit status 1 when a mutation survives or is stale, so the list stays honest.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Mutation:
    id: str
    path: str  # relative to src/defbudget
    find: str
    replace: str
    tests: tuple[str, ...]


M = Mutation
MUTATIONS: tuple[Mutation, ...] = (
    # compare: growth and indexing
    M("compare-cagr-exponent", "compare/growth.py", "** (1.0 / (end - start)) - 1.0",
      "** (1.0 / (end - start + 1)) - 1.0", ("tests/test_compare.py",)),
    M("compare-yoy-ratio", "compare/growth.py", "change = value / prev_value - 1.0",
      "change = prev_value / value - 1.0", ("tests/test_compare.py",)),
    M("compare-yoy-gap", "compare/growth.py", "consecutive = prev_year.eq(df[\"year\"] - 1)",
      "consecutive = prev_year.le(df[\"year\"] - 1)", ("tests/test_compare.py",)),
    M("compare-index-100", "compare/growth.py", "out[\"value\"] = (df[\"value\"] / denom * 100.0)",
      "out[\"value\"] = (df[\"value\"] / denom * 10.0)", ("tests/test_compare.py",)),
    M("compare-index-base-year", "compare/growth.py",
      "at_base = df[\"year\"].eq(index_year) & df[\"value\"].notna()",
      "at_base = df[\"year\"].eq(index_year - 1) & df[\"value\"].notna()",
      ("tests/test_compare.py",)),
    # fiscal: year bounds and calendarisation weights
    M("fiscal-bounds-start", "fiscal.py", "first = dt.date(int(year), m, 1)",
      "first = dt.date(int(year) - 1, m, 1)", ("tests/test_fiscal.py",)),
    M("fiscal-bounds-end", "fiscal.py",
      "last = dt.date(int(year) + 1, m, 1) - dt.timedelta(days=1)",
      "last = dt.date(int(year) + 1, m, 1)", ("tests/test_fiscal.py",)),
    M("fiscal-weights-swapped", "fiscal.py", "w_prev, w_this = (m - 1) / 12, (13 - m) / 12",
      "w_this, w_prev = (m - 1) / 12, (13 - m) / 12", ("tests/test_fiscal.py",)),
    M("fiscal-weights-off-by-one", "fiscal.py", "w_prev, w_this = (m - 1) / 12, (13 - m) / 12",
      "w_prev, w_this = m / 12, (12 - m) / 12", ("tests/test_fiscal.py",)),
    # prices: deflator years and sources
    M("prices-deflate-inverted", "prices.py",
      "out.at[i, \"value\"] = float(row[\"value\"]) * i_to / i_from",
      "out.at[i, \"value\"] = float(row[\"value\"]) * i_from / i_to", ("tests/test_prices.py",)),
    M("prices-source-wrong-year", "prices.py", "idx[\"year\"].isin([from_year, base_year])",
      "idx[\"year\"].isin([int(row[\"year\"]), base_year])", ("tests/test_prices.py",)),
    # reconciliation: rounding interval and support
    M("reconcile-interval-inside", "reconciliation.py",
      "and hi >= rate_min and lo <= rate_max)", "and lo >= rate_min and hi <= rate_max)",
      ("tests/test_reconcile.py",)),
    M("reconcile-interval-low", "reconciliation.py",
      "lo = (local - d_loc) / (usd + d_usd)", "lo = (local - d_loc) / (usd - d_usd)",
      ("tests/test_reconcile.py",)),
    M("reconcile-window-one-year", "reconciliation.py",
      "first = fy_bounds(year - 1, start, year_is=year_is)[0]",
      "first = fy_bounds(year, start, year_is=year_is)[0]",
      ("tests/test_reconcile.py",)),
    # readers: the SIPRI workbook's units
    M("sipri-current-usd-millions", "readers/sipri.py",
      "SheetKind(\"current_usd\", re.compile(r\"^\\s*current\\s+us\\$\", re.I),\n"
      "              \"milex\", \"USD\", \"current\", \"CY\", 1e6)",
      "SheetKind(\"current_usd\", re.compile(r\"^\\s*current\\s+us\\$\", re.I),\n"
      "              \"milex\", \"USD\", \"current\", \"CY\", 1e3)",
      ("tests/test_readers_sipri.py",)),
    M("sipri-note-scale", "readers/sipri.py",
      "(re.compile(r\"US\\s?\\$\\s?m\\b|millions? of US\", re.I), 1e6)",
      "(re.compile(r\"US\\s?\\$\\s?m\\b|millions? of US\", re.I), 1e3)",
      ("tests/test_readers_sipri.py",)),
    # sanity: the plausibility limits
    M("sanity-negative", "sanity.py", "    if value < 0:\n", "    if value < -1:\n",
      ("tests/test_schema.py", "tests/test_properties.py")),
    M("sanity-share-limit", "sanity.py", "if limit is not None and value > limit:",
      "if limit is not None and value > 2 * limit:", ("tests/test_schema.py",
                                                         "tests/test_properties.py")),
    # excel: formula-looking text stays text
    M("excel-risky-leading", "excel/_cells.py",
      "_RISKY_LEADING = (\"=\", \"+\", \"-\", \"@\", \"\\t\", \"\\r\")",
      "_RISKY_LEADING = (\"=\", \"+\", \"-\", \"\\t\", \"\\r\")", ("tests/test_excel.py",)),
    M("excel-escape-literal", "excel/_cells.py",
      "text = _LITERAL_ESCAPE.sub(\"_x005F_\", text)", "text = text", ("tests/test_excel.py",)),
    # excel: a literal _xHHHH_ in the tidy sheet is JSON text, which calamine leaves alone
    M("excel-tidy-json-literal", "excel/_tidy.py", "|_x[0-9A-Fa-f]{4}_\")", "\")",
      ("tests/test_excel_guard.py", "tests/test_excel.py")),
    # fx: implied rate orientation
    M("fx-implied-rate", "fx.py", "result = local / foreign", "result = foreign / local",
      ("tests/test_fx.py", "tests/test_reconcile.py")),
)


def _copy_project(dest: Path) -> None:
    for name in ("src", "tests", "data", "notebooks", "scripts", "benchmarks", "pyproject.toml",
                 "README.md"):
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=shutil.ignore_patterns(
                "__pycache__", "*.pyc", ".pytest_cache"))
        elif src.exists():
            shutil.copy2(src, dest / name)


def _pytest(scratch: Path, tests: tuple[str, ...]) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(scratch / "src")}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", "--no-header",
         "-o", "addopts=--import-mode=importlib", *tests],
        cwd=scratch, env=env, capture_output=True, text=True, timeout=900)


def _run(mutation: Mutation, scratch: Path) -> str:
    target = scratch / "src" / "defbudget" / mutation.path
    original = target.read_text(encoding="utf-8")
    if original.count(mutation.find) != 1:
        return "stale"
    target.write_text(original.replace(mutation.find, mutation.replace), encoding="utf-8")
    try:
        code = _pytest(scratch, mutation.tests).returncode
    finally:
        target.write_text(original, encoding="utf-8")
    # pytest exits 1 when tests fail; 2-4 are usage or collection errors, not a kill
    return {0: "survived", 1: "killed"}.get(code, f"error (pytest exit {code})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-k", default="", help="run only mutations whose id contains this")
    args = parser.parse_args(argv)
    chosen = [m for m in MUTATIONS if args.k in m.id]
    with tempfile.TemporaryDirectory(prefix=".defbudget-mutants-", dir=ROOT.parent) as tmp:
        scratch = Path(tmp) / ROOT.name
        scratch.mkdir()
        _copy_project(scratch)
        baseline = _pytest(scratch, tuple(sorted({t for m in chosen for t in m.tests})))
        if baseline.returncode != 0:
            print("the unmutated tests do not pass in the scratch copy; fix that first:\n"
                  + baseline.stdout[-2000:])
            return 2
        outcomes = {}
        for m in chosen:
            outcomes[m.id] = _run(m, scratch)
            print(f"{m.id:<32} {outcomes[m.id]}", flush=True)
    killed = sum(o == "killed" for o in outcomes.values())
    scored = sum(o != "stale" for o in outcomes.values())
    print(f"mutation score: {killed}/{scored} killed"
          + (f" ({100 * killed / scored:.0f} %)" if scored else "")
          + f"; {len(outcomes) - scored} stale")
    return 0 if killed == len(outcomes) else 1


if __name__ == "__main__":
    raise SystemExit(main())

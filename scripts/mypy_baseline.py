"""Check mypy against the checked-in baseline: no new error may appear, and the baseline only
shrinks.

    python scripts/mypy_baseline.py            # exit 1 if mypy reports an error not in it
    python scripts/mypy_baseline.py --update   # rewrite it after fixing errors (never grows)

Errors are compared without line numbers (``path: error: message [code]``), as a multiset,
so moving code does not break the check but a second copy of an old error does.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "mypy-baseline.txt"
COMMAND = [sys.executable, "-m", "mypy", "--ignore-missing-imports", "--no-error-summary",
           "--no-color-output", "--hide-error-context", "src"]
_LINE = re.compile(r"^(?P<path>[^:]+):\d+(?::\d+)?: error: (?P<rest>.*)$")


def current() -> Counter[str]:
    """mypy's errors now, without line numbers."""
    run = subprocess.run(COMMAND, cwd=ROOT, capture_output=True, text=True, check=False)
    if run.returncode not in (0, 1) or ("error: " not in run.stdout and run.returncode):
        sys.exit(f"mypy did not run: {run.stderr or run.stdout}")
    found: Counter[str] = Counter()
    for line in run.stdout.splitlines():
        m = _LINE.match(line.replace("\\", "/"))
        if m:
            found[f"{m['path']}: error: {m['rest']}"] += 1
    return found


def baseline() -> Counter[str]:
    lines = BASELINE.read_text(encoding="utf-8").splitlines() if BASELINE.exists() else []
    return Counter(line for line in lines if line and not line.startswith("#"))


def write(errors: Counter[str]) -> None:
    header = ("# mypy --ignore-missing-imports src: known errors, one a line, without line "
              "numbers.\n# Only ever shrinks: fix an error, then run "
              "`python scripts/mypy_baseline.py --update`.\n")
    BASELINE.write_text(header + "".join(f"{e}\n" for e in sorted(errors.elements())),
                        encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--update", action="store_true",
                        help="rewrite the baseline with the current errors (if not more)")
    args = parser.parse_args(argv)
    now, known = current(), baseline()
    new = now - known
    if new:
        print(f"mypy: {sum(new.values())} error(s) not in {BASELINE.name}:")
        for error in sorted(new.elements()):
            print(f"  {error}")
        print("Fix them (or annotate); the baseline never grows.")
        return 1
    fixed = known - now
    if args.update:
        write(now)
        print(f"{BASELINE.name}: {sum(now.values())} error(s) (was {sum(known.values())}).")
    elif fixed:
        print(f"mypy: {sum(fixed.values())} baseline error(s) are fixed; run "
              f"`python {Path(__file__).relative_to(ROOT)} --update` to shrink the baseline.")
    print(f"mypy: {sum(now.values())} error(s), all in the baseline.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

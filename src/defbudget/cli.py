"""The ``defbudget`` command line.

Every sub-command is a thin wrapper over the package's functions; on bad arguments or bad
input it prints one clear line to stderr and exits with status 2 (no traceback).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    """argparse that exits with status 2 and one line (its default prints usage too)."""

    def error(self, message: str):  # pragma: no cover - exercised through subprocess tests
        self.exit(EXIT_USAGE, f"defbudget: error: {message} (see `{self.prog} --help`)\n")


def _cmd_report(args: argparse.Namespace) -> int:
    from defbudget.report import build_report

    written = build_report(Path(args.out), sipri=args.sipri, progress=not args.quiet)
    print(f"Wrote {len(written)} files to {Path(args.out).resolve()}")
    for path in written:
        print(f"  {path.name}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="defbudget",
        description="Cleaned, cited defence-budget series: charts, tables and exports.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="examples:\n  defbudget report --out report\n"
               "  defbudget report --out report --sipri SIPRI-Milex-data-1949-2024_2.xlsx",
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser(
        "report", help="write the charts and tables of the main report into a folder",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Write the report: Japan's defence budget charts, the series as CSV, and "
                    "(with --sipri) the Indo-Pacific comparisons.",
        epilog="examples:\n  defbudget report --out report\n"
               "  DEFBUDGET_SIPRI=~/Downloads defbudget report --out report --sipri",
    )
    p.add_argument("--out", required=True, metavar="DIR", help="folder to write into")
    p.add_argument("--sipri", nargs="?", const="", default=None, metavar="PATH",
                   help="SIPRI workbook (or a folder holding it); with no PATH, "
                        "$DEFBUDGET_SIPRI is used")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=_cmd_report)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``defbudget`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except (ValueError, FileNotFoundError, FileExistsError, PermissionError,
            KeyError, LookupError) as exc:
        message = str(exc).strip().splitlines()
        print(f"defbudget {args.command}: error: {' '.join(m.strip() for m in message)}",
              file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

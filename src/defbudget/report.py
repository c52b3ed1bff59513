"""The main job: write the defbudget report — charts and tables — into a folder.

The report is a list of items; each item draws or writes one file from the shipped data (and,
given a SIPRI workbook, from that). Items run in order under one progress bar; the first failure
stops the run with an error naming the item.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

__all__ = ["ReportError", "ReportItem", "build_report", "report_items"]


class ReportError(ValueError):
    """One item of the report could not be written; the message names the item and why."""


@dataclass(frozen=True)
class ReportItem:
    """One file of the report: its name, what it shows, and the function that writes it."""

    filename: str
    description: str
    write: Callable[[Path, dict], None]


def _write_csv_atomic(frame: pd.DataFrame, path: Path) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        frame.to_csv(tmp, index=False)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _japan_budget(context: dict) -> pd.DataFrame:
    if "japan" not in context:
        from defbudget.datasets import load

        context["japan"] = load("japan_mod_budget")
    return context["japan"]


def _japan_budget_chart(path: Path, context: dict) -> None:
    import matplotlib.pyplot as plt

    from defbudget import plot

    frame = _japan_budget(context)
    series = frame[frame["measure"] == "defense_budget"]
    with plot.house_style():
        fig, ax = plt.subplots(figsize=(9, 5.2))
        plot.trend(series, hue="basis", ax=ax,
                   title="Japan: initial defence budget, FY1990–FY2026")
        plot.save(fig, path)
        plt.close(fig)


def _japan_budget_csv(path: Path, context: dict) -> None:
    _write_csv_atomic(_japan_budget(context), path)


def report_items(*, sipri: str | os.PathLike | None = None) -> list[ReportItem]:
    """The items of the report, in the order they are written."""
    return [
        ReportItem("japan_budget_yen.png",
                   "Japan's MOD initial budget FY1990–FY2026 in yen, both bases",
                   _japan_budget_chart),
        ReportItem("japan_mod_budget.csv",
                   "The Japan budget series as a tidy CSV, one source per row",
                   _japan_budget_csv),
    ]


def build_report(out: str | os.PathLike, *, sipri: str | os.PathLike | None = None,
                 progress: bool = True) -> list[Path]:
    """Write the report into folder *out* (created if needed) and return the files written.

    Parameters
    ----------
    out
        Folder to write into. Existing report files in it are replaced.
    sipri
        Path of a SIPRI workbook (or a folder holding one); ``""`` means use
        ``$DEFBUDGET_SIPRI``; ``None`` leaves out the SIPRI comparisons.
    progress
        Show a progress bar over the report's items.
    """
    from tqdm.auto import tqdm

    out = Path(out)
    if out.exists() and not out.is_dir():
        raise NotADirectoryError(f"--out {out} is a file; give a folder to write the report into")
    out.mkdir(parents=True, exist_ok=True)
    items = report_items(sipri=sipri)
    context: dict = {"sipri": sipri}
    written: list[Path] = []
    for item in tqdm(items, desc="defbudget report", unit="file", disable=not progress):
        path = out / item.filename
        try:
            item.write(path, context)
        except (ValueError, OSError, LookupError) as exc:
            raise ReportError(f"report item {item.filename} failed: {exc}") from exc
        written.append(path)
    return written

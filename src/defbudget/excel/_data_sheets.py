"""One formatted data sheet per series, written row by row with XlsxWriter.

Layout (0-based rows): 0 title; 1 unit, prices, period convention and measure; 2 sources;
3 the key to the cell styles; 4 the table header (country, then basis etc. where needed, then
one column per year); 5... one row per country (and basis); then a note when the chart
leaves rows out, and the native line chart below, anchored right of the label columns.
In ``constant_memory`` mode a row cannot be revisited, so the sheet is planned first
(:func:`plan_sheet`) and written top to bottom.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from defbudget.excel._cells import Formats, _is_missing, plain_text, put
from defbudget.excel._labels import (
    MEASURE_TITLES,
    SERIES_COLUMNS,
    _categories,
    _period_text,
    _price_text,
    _row_dims,
    _sheet_fy,
    _unit_display,
    _year_label,
    _year_width,
)

#: At most this many rows of a data sheet are drawn in its chart (the largest most recent
#: values); the sheet says so when it leaves rows out. Every row is always in the table.
MAX_CHART_SERIES = 8
HEADER_ROW = 4
FIRST_ROW = HEADER_ROW + 1

#: XlsxWriter format properties of each style category, and the key's wording.
CATEGORY_PROPS: dict[str, dict[str, Any]] = {
    "estimate": {"italic": True, "font_color": "#1F4E9B"},
    "highly_uncertain": {"italic": True, "font_color": "#C00000"},
    "other": {"font_color": "#7030A0"},
    "draft": {"pattern": 1, "bg_color": "#FFF2CC"},
    "request": {"pattern": 1, "bg_color": "#FCE4D6"},
    "unavailable": {"pattern": 1, "bg_color": "#D9D9D9"},
}
KEY = (("estimate", "estimate"), ("highly_uncertain", "highly uncertain"),
       ("draft", "draft budget"), ("request", "budget request"),
       ("unavailable", "unavailable (blank)"), ("other", "other flag (see comment)"))
TITLE: dict[str, Any] = {"bold": True, "font_size": 14}
BOLD: dict[str, Any] = {"bold": True}
SMALL: dict[str, Any] = {"font_size": 9, "font_color": "#404040"}
HEADER: dict[str, Any] = {"bold": True, "pattern": 1, "bg_color": "#DDEBF7", "bottom": 1,
                          "bottom_color": "#808080"}
LINK: dict[str, Any] = {"font_color": "#0563C1", "underline": 1}
WRAP: dict[str, Any] = {"text_wrap": True, "valign": "top"}


def category_props(cats: tuple[str, ...] | list[str]) -> dict[str, Any]:
    props: dict[str, Any] = {}
    for cat in cats:
        props.update(CATEGORY_PROPS[cat])
    return props


@dataclass
class SheetPlan:
    """Everything a data sheet shows, worked out before its first row is written."""

    skey: tuple
    dims: list[str]
    years: list[int]
    headers: list[Any]
    labels: list[tuple]
    values: np.ndarray  # rows x years, NaN where no figure
    cats: dict[tuple[int, int], tuple[str, ...]]  # (row, year column) -> style categories
    observed: np.ndarray  # rows x years, True where the frame has an observation
    comments: dict[tuple[int, int], str]
    fmt: str
    unit_short: str
    scaling: str
    max_abs: float
    chart_rows: list[int]
    sources: list[str]
    period_text: str
    used_cats: set[str] = field(default_factory=set)


def plan_sheet(sub: pd.DataFrame, skey: tuple) -> SheetPlan:
    """Pivot one series to rows (label tuples, in order of first appearance) x years."""
    unit, period, start = skey[1], skey[4], int(skey[5])
    dims = _row_dims(sub)
    years = sorted(int(y) for y in sub["year"].unique())
    values = sub["value"].to_numpy(dtype=float, na_value=np.nan)
    finite = values[np.isfinite(values)]
    max_abs = float(np.abs(finite).max()) if finite.size else 0.0
    fmt, unit_short, scaling = _unit_display(unit, max_abs)
    fy = _sheet_fy(sub)
    headers: list[Any] = [d.replace("_", " ").capitalize() if d != "iso3" else "ISO3"
                          for d in dims]
    headers += [_year_label(y, period, start, *fy) for y in years]
    label_keys = list(zip(*(sub[d].astype(object).where(sub[d].notna(), None).tolist()
                            for d in dims), strict=True))
    codes: dict[tuple, int] = {}
    groups = np.array([codes.setdefault(k, len(codes)) for k in label_keys], dtype=np.int64)
    year_pos = np.searchsorted(np.array(years, dtype=np.int64),
                               sub["year"].to_numpy(dtype=np.int64))
    n_rows = len(codes)
    grid = np.full((n_rows, len(years)), np.nan)
    observed = np.zeros((n_rows, len(years)), dtype=bool)
    grid[groups, year_pos] = values
    observed[groups, year_pos] = True
    plan = SheetPlan(skey=skey, dims=dims, years=years, headers=headers, labels=list(codes),
                     values=grid, cats={}, observed=observed, comments={}, fmt=fmt,
                     unit_short=unit_short, scaling=scaling, max_abs=max_abs, chart_rows=[],
                     sources=sorted({str(s) for s in sub["source"].dropna()}),
                     period_text=_period_text(period, start, *fy))
    _plan_styles(plan, sub, groups, year_pos)
    plan.chart_rows = _chart_rows(grid, years)
    return plan


def _plan_styles(plan: SheetPlan, sub: pd.DataFrame, groups: np.ndarray,
                 year_pos: np.ndarray) -> None:
    flags, stages = sub["flag"].tolist(), sub["stage"].tolist()
    for g, y, flag, stage in zip(groups.tolist(), year_pos.tolist(), flags, stages,
                                 strict=True):
        flag = None if _is_missing(flag) else flag
        stage = None if _is_missing(stage) else stage
        if flag is None and stage not in ("draft", "request"):
            continue
        cats = tuple(_categories(flag, stage))
        if cats:
            plan.cats[(g, y)] = cats
            plan.used_cats.update(cats)
        if flag is not None and "other" in cats:
            plan.comments[(g, y)] = f"flag: {flag}" + (f"; stage: {stage}" if stage else "")


def _chart_rows(grid: np.ndarray, years: list[int]) -> list[int]:
    """Rows drawn in the chart: all, or the MAX_CHART_SERIES with the largest latest value."""
    n_rows = grid.shape[0]
    if n_rows <= MAX_CHART_SERIES:
        return list(range(n_rows))
    latest = np.full(n_rows, np.nan)
    for j in range(len(years)):  # the latest non-missing value of each row
        col = grid[:, j]
        latest = np.where(np.isfinite(col), col, latest)
    order = np.argsort(-np.nan_to_num(np.abs(latest), nan=-1.0), kind="stable")
    return sorted(int(r) for r in order[:MAX_CHART_SERIES])


def write_data_sheet(workbook: Any, ws: Any, plan: SheetPlan, formats: Formats, *,
                     sheet: str, frame_key: str | None, who: str) -> dict[str, Any]:
    """Write *plan* to *ws* top to bottom; return what Contents, Notes and _meta need."""
    _layout(ws, plan)
    _write_header_block(ws, plan, formats, frame_key=frame_key, who=who)
    _write_table(ws, plan, formats)
    _write_chart(workbook, ws, plan, formats, sheet=sheet)
    return {"series": dict(zip(SERIES_COLUMNS, plan.skey, strict=True)), "dims": plan.dims,
            "rows": len(plan.labels),
            "years": [plan.years[0], plan.years[-1]] if plan.years else [],
            "chart_rows": len(plan.chart_rows), "unit_label": plan.unit_short,
            "number_format": plan.fmt, "sources": plan.sources,
            "flags_used": sorted(plan.used_cats), "period_text": plan.period_text}


def _title(plan: SheetPlan) -> str:
    measure = plan.skey[0]
    return MEASURE_TITLES.get(measure, measure.replace("_", " ").capitalize())


def _write_header_block(ws: Any, plan: SheetPlan, formats: Formats, *,
                        frame_key: str | None, who: str) -> None:
    measure, unit, price_basis, base_year = plan.skey[:4]
    prices = _price_text(price_basis, base_year)
    heading = f"{_title(plan)} — {who} — {plan.unit_short}, {prices}"
    if frame_key is not None:
        heading = f"{frame_key}: {heading}"
    put(ws, 0, 0, heading, formats, **TITLE)
    put(ws, 1, 0, f"Unit: {plan.unit_short} ({unit}). {plan.scaling} Prices: {prices}. "
        f"Period: {plan.period_text}. Measure: {measure}.", formats, **SMALL)
    ids = plan.sources
    shown = ", ".join(ids[:4]) + (f" and {len(ids) - 4} more" if len(ids) > 4 else "")
    put(ws, 2, 0, f"Sources: {shown} (full citations on the Sources sheet; flags and "
        "conversions on the Notes sheet).", formats, **SMALL)
    put(ws, 3, 0, "Key:", formats, **BOLD)
    shown_key = [(c, t) for c, t in KEY if c in plan.used_cats]
    if not shown_key:
        put(ws, 3, 1, "no flagged values on this sheet: every figure is as published.",
            formats)
    col = 1
    year_width = _year_width(plan.fmt, plan.max_abs, plan.headers[len(plan.dims):])
    for cat, text in shown_key:
        span = max(1, math.ceil((len(text) + 2) / year_width))
        fmt = formats(**CATEGORY_PROPS[cat])
        if span > 1:
            ws.merge_range(3, col, 3, col + span - 1, text, fmt)
        else:
            ws.write_string(3, col, text, fmt)
        col += span


def _write_table(ws: Any, plan: SheetPlan, formats: Formats) -> None:
    first_year_col = len(plan.dims)
    for j, text in enumerate(plan.headers):
        center = {"align": "center"} if j >= first_year_col else {}
        put(ws, HEADER_ROW, j, text, formats, **HEADER, **center)
    for i, label in enumerate(plan.labels):
        row = FIRST_ROW + i
        for j, value in enumerate(label):
            put(ws, row, j, None if _is_missing(value) else value, formats)
        observed = plan.observed[i]
        for y in np.flatnonzero(observed).tolist():
            props = {"num_format": plan.fmt, **category_props(plan.cats.get((i, y), ()))}
            value = float(plan.values[i, y])
            put(ws, row, first_year_col + y, value if math.isfinite(value) else None,
                formats, **props)
            comment = plan.comments.get((i, y))
            if comment is not None:
                ws.write_comment(row, first_year_col + y, plain_text(comment),
                                 {"author": "defbudget"})


def _layout(ws: Any, plan: SheetPlan) -> None:
    label_cols = len(plan.dims)
    for j in range(label_cols):
        texts = [str(plan.headers[j])] + [str(lab[j]) for lab in plan.labels
                                          if not _is_missing(lab[j])]
        ws.set_column(j, j, min(45, max(8, max(len(t) for t in texts) + 2)))
    if plan.years:
        width = _year_width(plan.fmt, plan.max_abs, plan.headers[label_cols:])
        ws.set_column(label_cols, label_cols + len(plan.years) - 1, width)
    ws.freeze_panes(FIRST_ROW, label_cols)
    ws.repeat_rows(0, HEADER_ROW)
    ws.repeat_columns(0, label_cols - 1)
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(max(1, math.ceil(len(plan.years) / 20)), 0)
    ws.set_footer("&Ldefbudget export&C&A — page &P of &N")


def _write_chart(workbook: Any, ws: Any, plan: SheetPlan, formats: Formats, *,
                 sheet: str) -> None:
    n_rows = len(plan.labels)
    if not n_rows:
        return
    price_basis, base_year, period = plan.skey[2:5]
    first_year_col = len(plan.dims)
    last_col = first_year_col + len(plan.years) - 1
    note_row = FIRST_ROW + n_rows + 1
    if n_rows > MAX_CHART_SERIES:
        put(ws, note_row, 0, f"The chart draws {MAX_CHART_SERIES} of the {n_rows} rows: those "
            "with the largest latest value. Every row is in the table above.", formats,
            **SMALL)
    chart = workbook.add_chart({"type": "line"})
    for r in plan.chart_rows:
        name = " · ".join(str(v) for v in plan.labels[r] if not _is_missing(v))
        chart.add_series({
            "name": plain_text(name)[:255],
            "categories": [sheet, HEADER_ROW, first_year_col, HEADER_ROW, last_col],
            "values": [sheet, FIRST_ROW + r, first_year_col, FIRST_ROW + r, last_col],
            "marker": {"type": "circle" if len(plan.years) < 3 else "none"},
            "smooth": False,
        })
    chart.set_title({"name": plain_text(f"{_title(plan)} ({plan.unit_short})")})
    chart.set_x_axis({"name": "Calendar year" if period == "CY" else "Fiscal year"})
    chart.set_y_axis({"name": plain_text(f"{plan.unit_short}, "
                                         f"{_price_text(price_basis, base_year)}"),
                      "num_format": plan.fmt.replace("0.0", "0")})
    chart.show_blanks_as("gap")
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 907, "height": 454})  # 24 x 12 cm
    # Anchored right of the label columns: LibreOffice repeats those (print titles) on every
    # page, and would repeat any part of a chart lying in them.
    ws.insert_chart(note_row + 1, first_year_col, chart)

"""The front matter: Contents (with links), Sources (citations and licences) and Notes
(storage, series, conversion basis, flags and stages), written with XlsxWriter."""

from __future__ import annotations

import datetime as _dt
import math
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from defbudget.excel._cells import Formats, _is_missing, put
from defbudget.excel._data_sheets import (
    BOLD,
    CATEGORY_PROPS,
    HEADER,
    KEY,
    LINK,
    SMALL,
    TITLE,
    WRAP,
)
from defbudget.excel._labels import (
    FLAG_MEANINGS,
    MEASURE_TITLES,
    STAGE_MEANINGS,
    _price_text,
    _quote_sheet,
)
from defbudget.vocabulary import licence_text

TIDY_SHEET = "_tidy"
META_SHEET = "_meta"
CONTENTS_SHEET = "Contents"
SOURCES_SHEET = "Sources"
NOTES_SHEET = "Notes"
_SOURCE_ID_COLUMNS = ("source", "fx_source", "deflator_source")


def _page_setup(ws: Any) -> None:
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)


def _display_len(text: str) -> int:
    """Width of *text* in Latin characters: CJK (wide) characters count twice."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _lines(values: Sequence[Any], widths: Sequence[float]) -> int:
    """Lines a row of wrapped text needs: LibreOffice does not grow rows from xlsx itself."""
    lines = 1
    for value, width in zip(values, widths, strict=False):
        if isinstance(value, str):
            per_line = max(1.0, width * 1.2)
            lines = max(lines, sum(max(1, math.ceil(_display_len(part) / per_line))
                                   for part in value.split("\n")))
    return lines


class _Writer:
    """Writes a sheet line by line (XlsxWriter's constant_memory mode needs row order)."""

    def __init__(self, ws: Any, formats: Formats, widths: Sequence[float]):
        self.ws, self.formats, self.widths, self.r = ws, formats, widths, 0
        for j, width in enumerate(widths):
            ws.set_column(j, j, width)

    def line(self, text: str | None = None, col: int = 0, **props: Any) -> None:
        if text is not None:
            put(self.ws, self.r, col, text, self.formats, **props)
        self.r += 1

    def row(self, values: Sequence[Any], **props: Any) -> None:
        if props.get("text_wrap"):
            lines = _lines(values, self.widths)
            if lines > 1:
                self.ws.set_row(self.r, 15 * lines)
        for j, value in enumerate(values):
            put(self.ws, self.r, j, None if _is_missing(value) else value, self.formats,
                **props)
        self.r += 1

    def table(self, headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        self.row(headers, **BOLD, pattern=1, bg_color=HEADER["bg_color"])
        for values in rows:
            self.row(values, **WRAP)


# --------------------------------------------------------------------------------------------
# Contents
# --------------------------------------------------------------------------------------------

def write_contents(ws: Any, formats: Formats, *, title: str | None, total: int,
                   data_sheets: list[dict], kind: str) -> None:
    from defbudget._version import __version__

    width_a = max(14, max((len(d["sheet"]) for d in data_sheets), default=10) + 2)
    whats = [_contents_what(d, kind) for d in data_sheets]
    width_b = min(80, max((len(w) for w in whats), default=20) + 2)
    out = _Writer(ws, formats, (width_a, width_b, 8, 12, 60))
    out.line(title or "Defence budget data — defbudget export", **TITLE)
    today = _dt.date.today().isoformat()
    out.line(f"Written by defbudget {__version__} on {today}. Values are whole units (yen, "
             "dollars, ratios); number formats show them in billions or %.", **SMALL)
    out.line()
    out.row(("Sheet", "What it holds", "Rows", "Years", "Period convention"), **BOLD,
            pattern=1, bg_color=HEADER["bg_color"])
    for d, what in zip(data_sheets, whats, strict=True):
        years = d["years"]
        _contents_row(out, d["sheet"], (what, d["rows"], f"{years[0]}–{years[1]}" if years
                                        else "", d["period_text"]))
    _contents_row(out, SOURCES_SHEET, ("Full citation and licence of every source used",))
    _contents_row(out, NOTES_SHEET, ("Conversion basis (exchange rates, deflators), the "
                                     "meaning of each flag and budget stage",))
    out.line()
    out.line(f"The long (tidy) table of all {total:,} observations is in the hidden sheet "
             f"{TIDY_SHEET!r} (Format ▸ Sheet ▸ Unhide); defbudget.read_excel_export(path) "
             "reads it back exactly.", **SMALL)
    _page_setup(ws)


def _contents_what(d: dict, kind: str) -> str:
    s = d["series"]
    what = (f"{MEASURE_TITLES.get(s['measure'], s['measure'])}, {d['unit_label']}, "
            f"{_price_text(s['price_basis'], s['base_year'])}")
    return f"{d['frame']}: {what}" if kind == "dict" else what


def _contents_row(out: _Writer, sheet: str, rest: tuple) -> None:
    out.ws.write_url(out.r, 0, f"internal:{_quote_sheet(sheet)}!A1", out.formats(**LINK),
                     string=sheet)
    for j, value in enumerate(rest, start=1):
        put(out.ws, out.r, j, value, out.formats)
    out.r += 1


# --------------------------------------------------------------------------------------------
# Sources
# --------------------------------------------------------------------------------------------

def _source_ids(named: Mapping[str, pd.DataFrame]) -> dict[str, set[str]]:
    """Every source id used, with the columns it appears in."""
    found: dict[str, set[str]] = {}
    for frame in named.values():
        for col in _SOURCE_ID_COLUMNS:
            if col in frame.columns:
                for sid in frame[col].dropna().unique():
                    found.setdefault(str(sid), set()).add(col)
    return dict(sorted(found.items()))


def _package_sources() -> dict[str, dict]:
    from defbudget import datasets

    try:
        package = datasets.datapackage()
    except (OSError, LookupError, ValueError):
        package = {}
    out = {}
    for entry in package.get("sources", []) or []:
        sid = entry.get("id") or entry.get("name")
        if sid:
            out[str(sid)] = entry
    return out


def _resolve_sources(ids: Sequence[str]) -> dict[str, dict[str, str | None]]:
    """Citation, licence and URL of each id from defbudget.datasets; None where unknown."""
    from defbudget import datasets

    package_sources = _package_sources()
    out = {}
    for sid in ids:
        citation = None
        if sid.strip():
            try:
                citation = datasets.cite(sid, style="text")
            except (LookupError, ValueError):
                citation = None
        entry = package_sources.get(sid, {})
        citation = citation or entry.get("citation")
        # a source the kit knows and that states no licence says "not stated"; an id the
        # kit has no record of says "not recorded"
        out[sid] = {"citation": citation, "license": licence_text(entry) if entry else None,
                    "url": entry.get("path") or entry.get("url")}
    return out


def write_sources(ws: Any, formats: Formats, named: Mapping[str, pd.DataFrame],
                  data_sheets: list[dict]) -> None:
    ids = _source_ids(named)
    resolved = _resolve_sources(list(ids))
    sheets_of: dict[str, list[str]] = {}
    for d in data_sheets:
        for sid in d["sources"]:
            sheets_of.setdefault(sid, []).append(d["sheet"])
    out = _Writer(ws, formats, (24, 70, 22, 40, 28, 40))
    out.line("Sources", **TITLE)
    out.line("Every source id used in this workbook, with its full citation and licence. "
             "Cite the original sources, not this file.", **SMALL)
    out.line()
    out.row(("Source id", "Citation", "Licence", "URL", "Used for", "Note"), **BOLD,
            pattern=1, bg_color=HEADER["bg_color"])
    for sid, cols in ids.items():
        info = resolved[sid]
        used_for = ", ".join(sheets_of.get(sid, []))
        extra = sorted(c for c in cols if c != "source")
        if extra:
            used_for = "; ".join(p for p in (used_for, "as " + ", ".join(extra)) if p)
        note = None
        if info["citation"] is None:
            note = ("Not a source shipped with defbudget, so no citation is on file: add its "
                    "publisher, title, URL, date and licence here.")
        url = info["url"]
        r = out.r
        out.row((sid, info["citation"] or sid, info["license"] or "not recorded", url,
                 used_for, note), **WRAP)
        if isinstance(url, str) and url.startswith(("http://", "https://")) and len(url) < 2080:
            ws.write_url(r, 3, url, formats(**LINK, **WRAP), string=url)
    ws.freeze_panes(4, 0)
    _page_setup(ws)


# --------------------------------------------------------------------------------------------
# Notes
# --------------------------------------------------------------------------------------------

def write_notes(ws: Any, formats: Formats, named: Mapping[str, pd.DataFrame],
                data_sheets: list[dict], notes: list[str]) -> None:
    out = _Writer(ws, formats, (26, 36, 70, 18, 18, 18, 30, 14))
    out.line("Notes", **TITLE)
    for text in notes:
        out.line(text)
    if notes:
        out.line()
    out.line("How the numbers are stored", **BOLD)
    out.line("Every cell holds the value in whole units (yen, US dollars, ratios), exactly as "
             "in the tidy frame; the number format only changes how it is shown (¥ bn = "
             "billions of yen, % = ratio × 100). Formulas on these cells use the true values. "
             "Blank cells have no figure.")
    out.line()
    out.line("Series on each data sheet", **BOLD)
    out.table(("Sheet", "Measure", "Period convention", "Unit shown", "Prices"),
              [(d["sheet"], d["series"]["measure"], d["period_text"], d["unit_label"],
                _price_text(d["series"]["price_basis"], d["series"]["base_year"]))
               for d in data_sheets])
    out.line()
    out.line("Conversion basis (exchange rates and price deflators)", **BOLD)
    rows = _conversion_rows(named, data_sheets)
    if rows:
        out.table(("Sheet", "Converted from", "FX basis", "FX source", "Deflator",
                   "Deflator source", "FX rate (as quoted: local currency per US$)",
                   "Price base year"), rows)
    else:
        out.line("No currency conversion or deflation: every value is as published, in the "
                 "source's own currency and prices.")
    out.line()
    _flags_and_stages(out, named)
    out.line()
    out.line("Reading the data back", **BOLD)
    out.line(f"The hidden sheets {TIDY_SHEET!r} and {META_SHEET!r} hold the long (tidy) table "
             "and its column types: defbudget.read_excel_export(path) returns exactly the "
             "frame that was written.")
    _page_setup(ws)


def _flags_and_stages(out: _Writer, named: Mapping[str, pd.DataFrame]) -> None:
    out.line("Flags and budget stages", **BOLD)
    out.line("How flagged values look on the data sheets (the key is also on each sheet):")
    for j, (cat, text) in enumerate(KEY):
        put(out.ws, out.r, j, text, out.formats, **CATEGORY_PROPS[cat])
    out.r += 2
    used_flags: set[str] = set()
    used_stages: set[str] = set()
    for frame in named.values():
        for f in frame["flag"].dropna().unique():
            used_flags.update(x.strip() for x in str(f).split(","))
        used_stages.update(str(s) for s in frame["stage"].dropna().unique())
    flag_rows = [("flag", code, FLAG_MEANINGS.get(code, "Flag set by the source."),
                  "yes" if code in used_flags else "no") for code in
                 [*FLAG_MEANINGS, *sorted(used_flags - set(FLAG_MEANINGS))]]
    stage_rows = [("stage", code, STAGE_MEANINGS.get(code, "Stage set by the source."),
                   "yes" if code in used_stages else "no") for code in
                  [*STAGE_MEANINGS, *sorted(used_stages - set(STAGE_MEANINGS))]]
    out.table(("Kind", "Code", "Meaning", "Used here"), flag_rows + stage_rows)


def _conversion_rows(named: Mapping[str, pd.DataFrame], data_sheets: list[dict]
                     ) -> list[tuple]:
    conv_cols = ("fx_from", "fx_basis", "fx_source", "deflator", "deflator_source")
    rows = []
    for d in data_sheets:
        frame = named[d["frame"]]
        sub = frame.iloc[d["positions"]]
        present = [c for c in (*conv_cols, "fx_rate") if c in sub.columns]
        if not present or sub[present].isna().all().all():
            continue
        combos = sub[[c for c in conv_cols if c in sub.columns]].drop_duplicates()
        for combo in combos.itertuples(index=False):
            values = combo._asdict()
            rate = _combo_rate(sub, values)
            by = d["series"]["base_year"]
            rows.append((d["sheet"], *(None if _is_missing(values.get(c)) else values.get(c)
                                      for c in conv_cols), rate,
                         None if by is None else int(by)))
    return rows


def _combo_rate(sub: pd.DataFrame, combo: dict) -> str:
    if "fx_rate" not in sub.columns:
        return ""
    m = np.ones(len(sub), dtype=bool)
    for c, v in combo.items():
        m &= (sub[c].isna() if _is_missing(v) else sub[c] == v).to_numpy(bool)
    rates = sub.loc[m, "fx_rate"].dropna()
    if not len(rates):
        return ""
    return _rate_text(float(rates.min()), float(rates.max()), combo.get("fx_from"),
                      sub["unit"].iloc[0])


def _rate_text(lo: float, hi: float, source: Any, unit: Any) -> str:
    """An exchange rate (range) as quoted: local currency per US$ ('¥150.7/$'), or per euro
    when the dollar is not one side ('162.3 JPY per EUR')."""
    from defbudget.fx import _canonical
    from defbudget.tables import format_rate

    if _is_missing(source) or not isinstance(unit, str) or source == unit:
        return f"{lo:.6g}" if lo == hi else f"{lo:.6g} to {hi:.6g}"
    quote, base = _canonical(str(source), unit)

    def one(v: float) -> str:
        return format_rate(v, quote) if base == "USD" else f"{v:,.4g} {quote} per {base}"

    return one(lo) if lo == hi else f"{one(lo)} to {one(hi)}"

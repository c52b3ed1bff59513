"""The source line every chart carries: sources, price basis, period convention, conversion.

The line is generated from the tidy frame a chart draws — its ``source`` ids (resolved to
short titles through :mod:`defbudget.datasets` when it knows them), ``unit``/``price_basis``/
``base_year`` and ``deflator``, ``period``/``fy_start_month``, ``fx_basis``/``fx_source`` and
the ``stage`` of provisional rows — so a reader who only sees the image can tell what was
measured, on which basis and from where.
"""

from __future__ import annotations

import calendar
import functools
import textwrap
from collections.abc import Iterable

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure, SubFigure

from ._names import SHORT_BASIS_NAMES, basis_name

__all__ = ["add_source_line", "period_phrase", "source_line", "source_title"]

#: gid of the figure text holding the source line (tests and save() look it up by this).
SOURCE_GID = "defbudget-source"

#: Display titles for source ids the shipped datapackage may not list (e.g. a SIPRI
#: workbook the user downloaded); matched by id prefix.
_FALLBACK_TITLES = {
    "sipri": "SIPRI Military Expenditure Database",
    "ecb": "ECB euro reference rates",
    "fred": "FRED, Federal Reserve Bank of St. Louis",
    "wdi": "World Bank, World Development Indicators",
    "owid": "Our World in Data",
    "gmsd": "Global Military Spending Dataset (OWID)",
}

_CURRENCY_NAMES = {"JPY": "yen", "USD": "US$", "EUR": "euro", "GBP": "pounds sterling",
                   "CNY": "yuan", "KRW": "won", "INR": "rupees", "AUD": "A$", "TWD": "NT$"}

_FX_BASES = {"fy_average": "fiscal-year-average", "cy_average": "calendar-year-average",
             "fixed": "a fixed", "monthly_average": "monthly-average"}

#: Stages and flags whose values are not final; charts draw them hollow.
PROVISIONAL_STAGES = {"request": "budget request", "draft": "draft budget (not yet enacted)",
                      "proposal": "budget proposal (not yet passed)",
                      "estimate": "estimate"}
PROVISIONAL_FLAGS = {"estimate": "estimate", "highly_uncertain": "highly uncertain estimate"}


@functools.lru_cache(maxsize=256)
def source_title(source_id: str) -> str | None:
    """Short display title of a source id, from :mod:`defbudget.datasets` if it knows it.

    Returns None when no title is known (the caller then prints the id itself).

    Examples
    --------
    >>> from defbudget.plot import source_title
    >>> source_title("sipri_milex_2025")
    'SIPRI Military Expenditure Database'
    """
    title = _title_from_datasets(source_id)
    if title:
        return title
    low = source_id.lower()
    for prefix, text in _FALLBACK_TITLES.items():
        if low.startswith(prefix):
            return text
    return None


def _title_from_datasets(source_id: str) -> str | None:
    try:
        from defbudget import datasets
    except ImportError:  # the datasets layer is optional for charts
        return None
    for name in ("source_title", "short_title"):
        func = getattr(datasets, name, None)
        if callable(func):
            try:
                title = func(source_id)
            except (KeyError, LookupError, ValueError):
                title = None
            if title:
                return str(title)
    func = getattr(datasets, "datapackage", None)
    if not callable(func):
        return None
    try:
        package = func()
    except (OSError, ValueError, LookupError):
        return None
    candidates = list(package.get("sources", []))
    for res in package.get("resources", []):
        candidates += list(res.get("sources", []))
    for src in candidates:
        if source_id in (src.get("id"), src.get("name"), src.get("key")):
            title = src.get("short_title") or src.get("title")
            if title:
                return str(title)
    return None


@functools.lru_cache(maxsize=1)
def _datasets() -> tuple[tuple[str, str, frozenset[str]], ...]:
    """(name, title, source ids) of each shipped dataset, when defbudget.datasets exists."""
    try:
        from defbudget import datasets

        package = datasets.datapackage()
    except (ImportError, AttributeError, OSError, ValueError, LookupError):
        return ()
    out = []
    for res in package.get("resources", []):
        ids = frozenset(str(s.get("id") or s.get("name")) for s in res.get("sources", []))
        if res.get("name") and ids:
            out.append((str(res["name"]), str(res.get("title") or res["name"]), ids))
    return tuple(out)


def _renderable(text: str) -> bool:
    """True if the default sans-serif fonts can draw *text* (no CJK: it would print boxes)."""
    return all(ord(ch) < 0x2E80 for ch in text)


def _sources_phrase(ids: list[str], *, max_listed: int = 4) -> str:
    """Name the sources: a dataset's title when it supplies several ids, else each title."""
    remaining = list(ids)
    parts: list[str] = []
    for name, title, dataset_ids in _datasets():
        mine = [i for i in remaining if i in dataset_ids]
        if len(mine) >= 2 or (mine and len(remaining) > max_listed):
            label = title if _renderable(title) else name
            parts.append(f"{label} (defbudget dataset {name}; {len(mine)} sources, "
                         "listed by defbudget.cite)" if len(mine) > 1 else
                         f"{label} (defbudget: {mine[0]})")
            remaining = [i for i in remaining if i not in mine]
    listed = [_named(i) for i in remaining[:max_listed]]
    if len(remaining) > max_listed:
        listed.append(f"and {len(remaining) - max_listed} more (see the frame's 'source' "
                      "column and defbudget.cite)")
    return "; ".join(parts + listed)


def all_estimates(data: pd.DataFrame) -> bool:
    """True when every row with a value is flagged ``estimate`` (a modelled dataset such as
    GMSD): marking each point as provisional would then say nothing, so charts draw them
    plainly and the source line says so once. Decide on the whole chart's frame, not per
    series, or a country estimated throughout would look final beside the others."""
    if "flag" not in data.columns:
        return False
    rows = data[data["value"].notna()] if "value" in data.columns else data
    return bool(len(rows)) and bool(rows["flag"].eq("estimate").all())


def _unique(values: Iterable[object]) -> list[str]:
    """Distinct source ids in order; a cell may hold several joined with ';'."""
    out: list[str] = []
    for v in values:
        for part in v.split(";") if isinstance(v, str) else ():
            part = part.strip()
            if part and part not in out:
                out.append(part)
    return out


def _named(source_id: str) -> str:
    title = source_title(source_id)
    if title and not _renderable(title):
        title = None
    return f"{title} (defbudget: {source_id})" if title and title != source_id else source_id


def _money_phrase(frame: pd.DataFrame) -> str | None:
    parts = []
    cols = [c for c in ("unit", "price_basis", "base_year") if c in frame.columns]
    if "unit" not in cols:
        return None
    for key, _ in frame.groupby(cols, dropna=False, sort=False):
        key = key if isinstance(key, tuple) else (key,)
        rec = dict(zip(cols, key, strict=True))
        unit = rec["unit"]
        if not isinstance(unit, str):
            continue
        if unit == "ratio":
            measures = set(frame["measure"].dropna()) if "measure" in frame else set()
            parts.append("share of GDP, in %" if measures == {"milex_share_gdp"} else
                         "share of government spending, in %"
                         if measures == {"milex_share_govt"} else "ratios shown as %")
            continue
        if unit in ("index", "count"):
            continue
        name = _CURRENCY_NAMES.get(unit, unit)
        if unit == "USD/person":
            name = "US$ per person"
        if rec.get("price_basis") == "constant" and pd.notna(rec.get("base_year")):
            parts.append(f"constant {int(rec['base_year'])} {name}")
        else:
            parts.append(f"current {name} (not adjusted for inflation)")
    parts = _unique(parts)
    if "deflator" in frame.columns:
        defl = _unique(frame["deflator"].dropna())
        if defl:
            srcs = _unique(frame["deflator_source"].dropna()) if "deflator_source" in frame else []
            by = ", ".join(defl) + (f" ({'; '.join(map(_named, srcs))})" if srcs else "")
            parts.append(f"deflated by {by}")
    return "; ".join(parts) if parts else None


def period_phrase(frame: pd.DataFrame) -> str | None:
    """Describe the period convention(s) in *frame*, e.g. 'fiscal years Apr–Mar'.

    Examples
    --------
    >>> import pandas as pd
    >>> from defbudget.plot import period_phrase
    >>> period_phrase(pd.DataFrame({"period": ["FY"], "fy_start_month": [4]}))
    'fiscal years Apr–Mar, labelled by the year they start (FY2025 = Apr 2025–Mar 2026)'
    >>> period_phrase(pd.DataFrame({"period": ["CY"], "fy_start_month": [1]}))
    'calendar years'
    """
    if "period" not in frame.columns:
        return None
    cols = ["period"] + (["fy_start_month"] if "fy_start_month" in frame.columns else [])
    combos = frame[cols].drop_duplicates().dropna(subset=["period"])
    ends = (frame.loc[frame["fy_year_is"].eq("end"), cols].drop_duplicates()
            if "fy_year_is" in frame.columns else combos.iloc[0:0])
    end_keys = {(r["period"], r.get("fy_start_month")) for r in ends.to_dict("records")}
    phrases = {}
    for rec in combos.to_dict("records"):
        key = (rec["period"], rec.get("fy_start_month"))
        phrases[key] = _one_period(rec["period"], rec.get("fy_start_month"),
                                   "end" if key in end_keys else "start")
    if len(phrases) == 1:
        return next(iter(phrases.values()))
    if "country" not in frame.columns:
        return "; ".join(phrases.values())
    out = []
    for key, phrase in phrases.items():
        mask = frame["period"].eq(key[0])
        if "fy_start_month" in frame.columns:
            mask &= frame["fy_start_month"].eq(key[1])
        countries = _unique(frame.loc[mask, "country"])
        shown = ", ".join(countries[:4]) + (" and others" if len(countries) > 4 else "")
        out.append(f"{shown}: {phrase.split(',')[0]}")
    return "; ".join(out)


def _one_period(period: str, start: object, year_is: str = "start") -> str:
    if period != "FY" or pd.isna(start) or int(start) == 1:
        return "calendar years"
    start = int(start)
    first = calendar.month_abbr[start]
    last = calendar.month_abbr[(start - 2) % 12 + 1]
    if year_is == "end":  # the US naming (fiscal.FY_YEAR_IS)
        span = f"{first} 2024–{last} 2025"
        return f"fiscal years {first}–{last}, labelled by the year they end (FY2025 = {span})"
    span = f"{first} 2025–{last} 2026"
    return f"fiscal years {first}–{last}, labelled by the year they start (FY2025 = {span})"


def _fx_phrase(frame: pd.DataFrame) -> str | None:
    if "fx_basis" not in frame.columns:
        return None
    bases = _unique(frame["fx_basis"].dropna())
    if not bases:
        return None
    texts = []
    for basis in bases:
        if basis.startswith("spot:"):
            texts.append(f"the spot rate of {basis.split(':', 1)[1]}")
        else:
            texts.append(f"{_FX_BASES.get(basis, basis.replace('_', ' '))} rates")
    phrase = "converted at " + " and ".join(texts)
    if "fx_source" in frame.columns:
        srcs = _unique(frame["fx_source"].dropna())
        if srcs:
            phrase += " (" + "; ".join(_named(s) for s in srcs) + ")"
    return phrase


def _stage_phrase(frame: pd.DataFrame) -> str | None:
    if "stage" not in frame.columns or "year" not in frame.columns:
        return None
    notes = []
    for stage, text in PROVISIONAL_STAGES.items():
        mask = frame["stage"].eq(stage).fillna(False).astype(bool)
        if "value" in frame.columns:
            mask &= frame["value"].notna()
        rows = frame[mask]
        years = sorted({int(y) for y in rows["year"]})
        if years and len(years) <= 3:
            pre = "FY" if "period" in rows and rows["period"].eq("FY").all() else ""
            notes.append(", ".join(f"{pre}{y}" for y in years) + f": {text}")
    if "flag" in frame.columns and "value" in frame.columns and "year" in frame.columns:
        missing = (frame["flag"].eq("unavailable").fillna(False).astype(bool)
                   & frame["value"].isna())
        pre = "FY" if "period" in frame and frame["period"].eq("FY").all() else ""
        by = [c for c in ("country", "basis") if c in frame.columns
              and frame[c].nunique() > 1]
        texts: dict[str, list[str]] = {}
        groups = frame[missing].groupby(by, sort=False) if by else [((), frame[missing])]
        for key, grp in groups:
            runs = _runs(sorted({int(y) for y in grp["year"]}))
            if not runs or len(runs) > 3:
                continue
            text = ", ".join(_run_text(a, b, pre) for a, b in runs)
            key = key if isinstance(key, tuple) else (key,)
            who = ", ".join(SHORT_BASIS_NAMES.get(str(k), basis_name(str(k))) for k in key)
            texts.setdefault(text, []).append(who)
        if len(texts) > 3:
            notes.append("years without a value are left as gaps")
            texts = {}
        for text, whos in texts.items():
            who = f" ({'; '.join(w for w in whos if w)})" if len(texts) > 1 else ""
            notes.append(f"{text}{who}: not available")
    return "; ".join(notes) if notes else None


def _run_text(a: int, b: int, pre: str) -> str:
    return f"{pre}{a}" if a == b else f"{pre}{a}–{b}"


def _runs(years: list[int]) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    for y in years:
        if runs and y == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], y)
        else:
            runs.append((y, y))
    return runs


def source_line(frame: pd.DataFrame, *, note: str | None = None) -> str:
    """Build the source line for a chart of *frame*.

    Parameters
    ----------
    frame
        The tidy frame the chart draws (only the rows drawn).
    note
        Extra text appended after the generated line (e.g. "Author's calculations.").

    Examples
    --------
    >>> import pandas as pd
    >>> from defbudget.plot import source_line
    >>> f = pd.DataFrame({"year": [2025], "period": ["FY"], "fy_start_month": [4],
    ...                   "unit": ["JPY"], "price_basis": ["current"], "base_year": [None],
    ...                   "stage": ["draft"], "value": [8.7e12], "source": ["mod_budget"]})
    >>> print(source_line(f))
    Source: mod_budget. Current yen (not adjusted for inflation); fiscal years Apr–Mar, labelled
    by the year they start (FY2025 = Apr 2025–Mar 2026). FY2025: draft budget (not yet enacted).
    """
    ids = _unique(frame["source"].dropna()) if "source" in frame.columns else []
    sentences = []
    if ids:
        sentences.append(("Sources: " if len(ids) > 1 else "Source: ") + _sources_phrase(ids))
    basis = [p for p in (_money_phrase(frame), period_phrase(frame), _fx_phrase(frame)) if p]
    if basis:
        text = "; ".join(basis)
        sentences.append(text[0].upper() + text[1:])
    stage = _stage_phrase(frame)
    if stage:
        sentences.append(stage[0].upper() + stage[1:])
    if all_estimates(frame):
        sentences.append("Every value is an estimate (source's flag)")
    if note:
        sentences.append(note.rstrip("."))
    return ". ".join(sentences) + "." if sentences else ""


def _figure_of(target: Axes | Figure | SubFigure) -> Figure:
    fig = target.figure if isinstance(target, Axes) else target
    while isinstance(fig, SubFigure):
        fig = fig.figure
    return fig


def _wrap(text: str, fig: Figure, fontsize: float) -> str:
    width_pt = fig.get_figwidth() * 72 - 12
    chars = max(40, int(width_pt / (fontsize * 0.55)))
    return "\n".join(textwrap.fill(p, chars, break_on_hyphens=False)
                     for p in text.split("\n"))


def add_source_line(target: Axes | Figure, text: str, *, reserve: bool = True) -> None:
    """Print *text* as the figure's source line, bottom left, below everything else.

    Several charts on one figure share one line: each new text is appended once. With
    *reserve*, room is kept for the line in the figure's layout engine (constrained or tight
    layout; a figure without one is switched to constrained layout).
    """
    fig = _figure_of(target)
    if not text:
        return
    parts: list[str] = fig.__dict__.setdefault("_defbudget_source_parts", [])
    if text not in parts:
        parts.append(text)
    import matplotlib as mpl

    size = mpl.rcParams["font.size"] * 0.78
    artist = next((t for t in fig.texts if t.get_gid() == SOURCE_GID), None)
    if artist is None:
        artist = fig.text(0.008, 0.008, "", ha="left", va="bottom", fontsize=size,
                          color="#4D4D4D", gid=SOURCE_GID, linespacing=1.3,
                          parse_math=False)
        artist.set_in_layout(False)
    artist.set_text(_wrap("\n".join(parts), fig, size))
    fig.__dict__["_defbudget_source_reserve"] = reserve
    refresh_layout(fig)


def refresh_layout(fig: Figure) -> None:
    """Re-reserve room for the source line (after a resize or a new line of text)."""
    artist = next((t for t in fig.texts if t.get_gid() == SOURCE_GID), None)
    if artist is None or not fig.__dict__.get("_defbudget_source_reserve", True):
        return
    lines = artist.get_text().count("\n") + 1
    height_in = (lines * artist.get_fontsize() * 1.3 + 6) / 72
    frac = min(0.5, height_in / fig.get_figheight() + 0.008)
    engine = fig.get_layout_engine()
    if engine is None:
        fig.set_layout_engine("constrained")
        engine = fig.get_layout_engine()
    name = type(engine).__name__
    if name == "ConstrainedLayoutEngine":
        engine.set(rect=(0, frac, 1, 1 - frac))
    elif name == "TightLayoutEngine":
        engine.set(rect=(0, frac, 1, 1))
    else:  # placeholder engines (e.g. after colorbar): fall back to the subplot parameters
        fig.subplots_adjust(bottom=max(fig.subplotpars.bottom, frac + 0.08))


def get_source_text(target: Axes | Figure) -> str:
    """The source line printed on the figure of *target* ('' when there is none)."""
    fig = _figure_of(target)
    artist = next((t for t in fig.texts if t.get_gid() == SOURCE_GID), None)
    return "" if artist is None else artist.get_text()

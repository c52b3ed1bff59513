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
from collections.abc import Callable, Iterable

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure, SubFigure

from defbudget.vocabulary import (
    CURRENCY_NAMES,
    FY_LABEL_STYLE,
    FY_YEAR_IS,
    PROVISIONAL_STAGES,
    SHORT_BASIS_NAMES,
    basis_name,
    fiscal_year_label,
    fiscal_years_label,
)

__all__ = ["add_source_line", "period_phrase", "source_line", "source_title"]

#: Writes a run of years (first, last) for the source line, see :func:`year_run_label`.
YearRunLabel = Callable[[int, int], str]

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


_FX_BASES = {"fy_average": "fiscal-year-average", "cy_average": "calendar-year-average",
             "fixed": "a fixed", "monthly_average": "monthly-average"}



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


def _renderable(text: str) -> bool:
    """True if the default sans-serif fonts can draw *text* (no CJK: it would print boxes)."""
    return all(ord(ch) < 0x2E80 for ch in text)


#: Compact names of the exchange-rate sources, for phrases such as "Fed H.10 to 1998, ECB
#: from 1999" (matched by id prefix). Every other source is named from the citation registry.
_RATE_NAMES = {"frb-h10": "Fed H.10", "fed-h10": "Fed H.10", "ecb": "ECB"}

#: Longest registry citation printed whole on a chart; longer ones are named by publisher.
_MAX_CITATION = 200


@functools.lru_cache(maxsize=512)
def _entry(source_id: str) -> tuple[tuple[str, object], ...] | None:
    """The registry entry (datapackage source or id template) of *source_id*, or None."""
    try:
        from defbudget import datasets
    except ImportError:
        return None
    lookup = getattr(datasets, "_source", None)
    if not callable(lookup):
        return None
    for cand in dict.fromkeys((source_id, source_id.replace("_", "-"))):
        try:
            return tuple(lookup(cand).items())
        except (LookupError, ValueError, OSError, AttributeError):
            continue
    try:  # a shipped dataset's name: its title stands for its sources
        resources = datasets.datapackage().get("resources", [])
    except (OSError, ValueError, LookupError, AttributeError):
        return None
    for res in resources:
        if res.get("name") == source_id and res.get("title"):
            return (("publisher", str(res["title"])),)
    return None


def _strip_unrenderable(text: str) -> str:
    """Drop parentheses the fonts cannot draw ('Ministry of Defense of Japan (防衛省)')."""
    import re

    text = re.sub(r"\s*\([^()]*\)", lambda m: m.group(0) if _renderable(m.group(0)) else "",
                  text)
    return text.strip()


def publisher(source_id: str) -> str:
    """Who published *source_id*, in words (from the citation registry; the id if unknown).

    Examples
    --------
    >>> from defbudget.plot._source import publisher
    >>> publisher("mod-white-paper-2024")
    'Ministry of Defense of Japan'
    """
    import re

    entry = dict(_entry(source_id) or ())
    pub = str(entry.get("publisher") or "")
    pub = _strip_unrenderable(pub.split(";")[0]).rstrip(",. ")
    # a person's name or a platform in brackets is not the publisher: 'THX News (Ivan ...)'
    pub = re.sub(r"\s*\((?=[^()]*\s)[^()]*\)", "", pub).strip()
    if pub and _renderable(pub):
        return pub
    title = source_title(source_id) or ""
    if title and _renderable(title):
        return title
    # a publisher and title the fonts cannot draw (e.g. Japanese): name the site instead
    from urllib.parse import urlparse

    host = urlparse(str(entry.get("path") or entry.get("url") or "")).hostname or ""
    host = host.removeprefix("www.")
    return host if host and _renderable(host) else source_id


def _short_reference(source_id: str) -> str:
    """Publisher and year, for a secondary source in a line that names several."""
    entry = dict(_entry(source_id) or ())
    date = str(entry.get("date_published") or "")
    return publisher(source_id) + (f" ({date[:4]})" if date[:4].isdigit() else "")


def human_citation(source_id: str) -> str:
    """*source_id* as a reader would cite it: the publisher's requested citation when the
    registry has a short one the fonts can draw, else publisher and title (or URL).

    Examples
    --------
    >>> from defbudget.plot._source import human_citation
    >>> human_citation("sipri-milex-2025")
    'SIPRI Military Expenditure Database 2025, https://www.sipri.org/databases/milex'
    """
    import re

    entry = dict(_entry(source_id) or ())
    if not entry:
        return source_title(source_id) or source_id
    citation = str(entry.get("citation") or "").strip()
    citation = re.sub(r"\s*\((?:OWID )?import[^)]*\)", "", citation).rstrip(". ")
    if (citation and _renderable(citation) and len(citation) <= _MAX_CITATION
            and "not recorded" not in citation):
        return citation
    pub = publisher(source_id)
    title = str(entry.get("title") or "")
    text = f"{pub}, {title}" if title and _renderable(title) and len(title) <= 80 else pub
    path = str(entry.get("path") or "")
    if "://" in path and len(text) + len(path) <= _MAX_CITATION:
        text += f", {path}"
    return text


def _rate_name(source_id: str) -> str:
    low = source_id.lower()
    return next((v for k, v in _RATE_NAMES.items() if low.startswith(k)), publisher(source_id))


def _year_runs_text(years: Iterable[int], label: YearRunLabel, *,
                    max_runs: int = 3) -> str | None:
    runs = _runs(sorted({int(y) for y in years}))
    if not runs or len(runs) > max_runs:
        return None
    return ", ".join(label(a, b) for a, b in runs)


def _editions_citation(ids: list[str]) -> str | None:
    """One citation for several editions of one dataset, when their citations differ only
    in the edition year: 'SIPRI Military Expenditure Database 2024 and 2025, https://...'.
    None when they differ otherwise.

    Examples
    --------
    >>> from defbudget.plot._source import _editions_citation
    >>> _editions_citation(["sipri-milex-2025", "sipri-milex-2024"])
    'SIPRI Military Expenditure Database 2024 and 2025, https://www.sipri.org/databases/milex'
    """
    import re

    shapes = set()
    years = []
    for sid in ids:
        m = re.fullmatch(r"(.+?) (\d{4}), (.+)", human_citation(sid))
        if not m:
            return None
        shapes.add((m.group(1), m.group(3)))
        years.append(m.group(2))
    if len(shapes) != 1:
        return None
    (head, tail), ordered = shapes.pop(), sorted(set(years))
    joined = ordered[0] if len(ordered) == 1 else \
        ", ".join(ordered[:-1]) + " and " + ordered[-1]
    return f"{head} {joined}, {tail}"


def _publisher_years(frame: pd.DataFrame | None) -> dict[str, set[int]]:
    """The years of *frame* each publisher supplies (a row may cite several sources).

    The years of each distinct source cell are gathered first, so that a publisher is
    looked up once per cell, not once per row.
    """
    years: dict[str, set[int]] = {}
    if frame is None or not {"source", "year"} <= set(frame.columns):
        return years
    cell_years: dict[object, set[int]] = {}
    for sid_cell, year in zip(frame["source"], frame["year"], strict=True):
        if not pd.isna(year):
            cell_years.setdefault(sid_cell, set()).add(int(year))
    for sid_cell, in_cell in cell_years.items():
        for sid in _unique([sid_cell]):
            years.setdefault(publisher(sid), set()).update(in_cell)
    return years


def _sources_phrase(ids: list[str], frame: pd.DataFrame | None = None, *,
                    max_named: int = 4) -> tuple[str, bool]:
    """Name the sources for a reader; returns (phrase, plural).

    Sources are grouped by publisher. With one group, its citation (or the publisher and
    the number of its documents); with several, each group with the years it supplies, so
    the reader sees where the series changes source; beyond *max_named* groups the rest are
    counted ("and 9 other publications"). Internal ids never appear: the full list is in
    the CSV/Excel Sources sheet and ``defbudget.cite``.
    """
    groups: dict[str, list[str]] = {}
    for sid in ids:
        groups.setdefault(publisher(sid), []).append(sid)
    years = _publisher_years(frame)
    label = year_run_label(frame) if frame is not None else year_run_label(pd.DataFrame())
    order = sorted(groups, key=lambda g: (-len(years.get(g, ())), list(groups).index(g)))
    named = order if len(order) <= max_named else order[:2]
    parts = []
    for i, group in enumerate(named):
        members = groups[group]
        if len(members) > 1:
            text = _editions_citation(members) or f"{group} ({len(members)} documents)"
        elif i == 0:  # the main source, as its publisher asks to be cited
            text = human_citation(members[0])
        else:
            text = _short_reference(members[0])
        spans = {frozenset(years[g]) for g in order if years.get(g)}
        if len(spans) > 1:  # the series changes source (groups covering the same years: no)
            when = _year_runs_text(years.get(group, ()), label)
            if when:
                text += f" for {when}"
        parts.append(text)
    rest = [g for g in order if g not in named]
    if rest:
        n_docs = sum(len(groups[g]) for g in rest)
        rest_years = set().union(*(years.get(g, set()) for g in rest))
        when = _year_runs_text(rest_years, label)
        parts.append(f"{n_docs} other publications" + (f" for {when}" if when else "")
                     + " (see the Excel Sources sheet)")
    return "; ".join(parts), len(ids) > 1


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
    return human_citation(source_id)


def _index_name(index: str) -> str:
    """'Japan implicit GDP deflator (ESRI)' for 'jp_gdp_deflator' (from defbudget.prices)."""
    try:
        from defbudget.prices import INDICES
    except ImportError:
        INDICES = {}
    if index in INDICES:
        return str(INDICES[index][1]).split(",")[0]
    return index.replace("_", " ")


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
        name = CURRENCY_NAMES.get(unit, unit)
        if unit == "USD/person":
            name = "US$ per person"
        if rec.get("price_basis") == "constant" and pd.notna(rec.get("base_year")):
            parts.append(f"constant {int(rec['base_year'])} {name}")
        else:
            parts.append(f"current {name} (not adjusted for inflation)")
    parts = _unique(parts)
    current = [x for x in parts if x.startswith("current ") and x.endswith("inflation)")]
    if len(current) > 2:  # one chart of several currencies: say so once
        parts = ["current prices in national currencies (not adjusted for inflation)"] + [
            x for x in parts if x not in current]
    if "deflator" in frame.columns:
        defl = _unique(frame["deflator"].dropna())
        if defl:
            parts.append(f"deflated by {', '.join(_index_name(d) for d in defl)}")
    return "; ".join(parts) if parts else None


def period_phrase(frame: pd.DataFrame) -> str | None:
    """Describe the period convention(s) in *frame*, e.g. 'fiscal years Apr–Mar'.

    Examples
    --------
    >>> import pandas as pd
    >>> from defbudget.plot import period_phrase
    >>> period_phrase(pd.DataFrame({"period": ["FY"], "fy_start_month": [4]}))
    'fiscal years Apr–Mar (FY2025 = Apr 2025–Mar 2026)'
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
                                   "end" if key in end_keys else "start",
                                   iso3=_one_convention(frame, key))
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
        out.append(f"{shown}: {phrase.split(',')[0].split(' (')[0]}")
    return "; ".join(out)


def _one_convention(frame: pd.DataFrame, key: tuple) -> str | None:
    """A country whose way of naming fiscal years every row of the (period, fy_start_month)
    *key* shares (:data:`~defbudget.vocabulary.FY_LABEL_STYLE`, ``FY_YEAR_IS``), or None."""
    if "iso3" not in frame.columns:
        return None
    mask = frame["period"].eq(key[0])
    if "fy_start_month" in frame.columns:
        mask &= frame["fy_start_month"].eq(key[1])
    codes = [str(c) for c in frame.loc[mask, "iso3"]]
    ways = {(FY_LABEL_STYLE.get(c, "fy"), FY_YEAR_IS.get(c, "start")) for c in codes}
    return codes[0] if len(ways) == 1 else None


def _one_period(period: str, start: object, year_is: str = "start", *,
                iso3: str | None = None) -> str:
    if period != "FY" or pd.isna(start) or int(start) == 1:
        return "calendar years"
    month = int(start)  # type: ignore[call-overload]  # a month number, checked above
    first = calendar.month_abbr[month]
    last = calendar.month_abbr[(month - 2) % 12 + 1]
    if year_is == "end":  # the US naming (fiscal.FY_YEAR_IS)
        span = f"{first} 2024–{last} 2025"
        return f"fiscal years {first}–{last}, labelled by the year they end (FY2025 = {span})"
    span = f"{first} 2025–{last} 2026"
    name = fiscal_year_label(iso3, 2025, month)  # as the government writes it
    if name == "FY2026":  # a year held by its start, named by its end (the US)
        return (f"fiscal years {first}–{last}, held by the year they start "
                f"(2025 = {name} = {span})")
    return f"fiscal years {first}–{last} ({name} = {span})"


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
    if set(bases) == {"fy_average", "cy_average"}:  # each row at its own year's average
        texts = ["the average rate of each row's fiscal or calendar year"]
    phrase = "converted at " + " and ".join(texts)
    if "fx_source" in frame.columns:
        srcs = _unique(frame["fx_source"].dropna())
        if srcs:
            phrase += " (" + _rate_sources_text(srcs) + ")"
    return phrase


def _rate_sources_text(srcs: list[str]) -> str:
    """'Fed H.10 to 1998, ECB from 1999': each rate source and where it takes over."""
    try:
        from defbudget.fx import coverage

        cov = coverage()
    except (ImportError, OSError, ValueError, LookupError, AttributeError):
        cov = {}
    known = [s for s in srcs if s in cov]
    if len(known) == len(srcs) and len(srcs) > 1:
        known.sort(key=lambda s: cov[s][0])
        out = []
        for i, sid in enumerate(known):
            first, last = cov[sid]
            if i == 0:
                out.append(f"{_rate_name(sid)} to {last.year}")
            elif i == len(known) - 1:
                out.append(f"{_rate_name(sid)} from {first.year}")
            else:
                out.append(f"{_rate_name(sid)} {first.year}–{last.year}")
        return ", ".join(out)
    return "; ".join(_rate_name(s) for s in srcs)


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
            label = year_run_label(rows)
            notes.append(", ".join(label(y, y) for y in years) + f": {text}")
    if "flag" in frame.columns and "value" in frame.columns and "year" in frame.columns:
        missing = (frame["flag"].eq("unavailable").fillna(False).astype(bool)
                   & frame["value"].isna())
        label = year_run_label(frame)
        by = [c for c in ("country", "basis") if c in frame.columns
              and frame[c].nunique() > 1]
        texts: dict[str, list[str]] = {}
        groups = frame[missing].groupby(by, sort=False) if by else [((), frame[missing])]
        for key, grp in groups:
            runs = _runs(sorted({int(y) for y in grp["year"]}))
            if not runs or len(runs) > 3:
                continue
            text = ", ".join(label(a, b) for a, b in runs)
            key = key if isinstance(key, tuple) else (key,)
            who = ", ".join(SHORT_BASIS_NAMES.get(str(k), basis_name(str(k))) for k in key)
            texts.setdefault(text, []).append(who)
        if len(texts) > 3:
            notes.append("years without a value are left as gaps")
            texts = {}
        if len(texts) == 1:
            notes.append(f"{next(iter(texts))}: not available")
        elif texts:
            notes.append("not available: " + "; ".join(
                f"{text} ({', '.join(w.replace(' basis', '') for w in whos if w)})"
                for text, whos in texts.items()))
    return "; ".join(notes) if notes else None


def _run_text(a: int, b: int, pre: str) -> str:
    return f"{pre}{a}" if a == b else f"{pre}{a}–{b}"


def year_run_label(frame: pd.DataFrame) -> YearRunLabel:
    """How the source line writes a run of the frame's ``year`` values (first, last).

    Where every row is a fiscal year of one country's convention (or of countries writing
    their years alike), the government's own label of :mod:`defbudget.vocabulary`, as
    ``db.show`` and ``reconcile`` print it: "FY2025" (Japan; the US names its year by the
    year it ends in), "2025–26" (Australia, India). Otherwise "FY2025" when every row is a
    fiscal year, else "2025".

    Examples
    --------
    >>> import pandas as pd
    >>> aus = pd.DataFrame({"iso3": ["AUS"], "year": [2025], "period": ["FY"],
    ...                     "fy_start_month": [7]})
    >>> year_run_label(aus)(2024, 2025)
    '2024–25 to 2025–26'
    >>> us = pd.DataFrame({"iso3": ["USA"], "year": [2024], "period": ["FY"],
    ...                    "fy_start_month": [10]})
    >>> year_run_label(us)(2024, 2024)
    'FY2025'
    """
    fy = "period" in frame.columns and len(frame) > 0 and bool(frame["period"].eq("FY").all())
    pre = "FY" if fy else ""
    if not fy or "fy_start_month" not in frame.columns:
        return lambda a, b: _run_text(a, b, pre)
    iso = (frame["iso3"].astype(object) if "iso3" in frame.columns
           else pd.Series(None, index=frame.index, dtype=object))
    ends = (frame["fy_year_is"].astype(object).eq("end") if "fy_year_is" in frame.columns
            else pd.Series(False, index=frame.index))
    conventions = {(FY_LABEL_STYLE.get(str(i), "fy"), FY_YEAR_IS.get(str(i), "start"),
                    m, bool(e)) for i, m, e in zip(iso, frame["fy_start_month"], ends,
                                                   strict=True)}
    if len(conventions) != 1 or pd.isna(next(iter(conventions))[2]):
        return lambda a, b: _run_text(a, b, pre)
    code = next((str(i) for i in iso if isinstance(i, str)), None)
    month, shift = int(frame["fy_start_month"].iloc[0]), int(bool(ends.iloc[0]))
    return lambda a, b: fiscal_years_label(code, a - shift, b - shift, month)


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
    Source: mod_budget. Current yen (not adjusted for inflation); fiscal years Apr–Mar
    (FY2025 = Apr 2025–Mar 2026). FY2025: draft budget (not yet enacted).
    """
    ids = _unique(frame["source"].dropna()) if "source" in frame.columns else []
    sentences = []
    if ids:
        phrase, plural = _sources_phrase(ids, frame)
        sentences.append(("Sources: " if plural else "Source: ") + phrase)
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
        # In the layout: fig.savefig(bbox_inches="tight") (and Jupyter's inline display,
        # which saves that way) keeps the line inside the image instead of cropping it off.
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

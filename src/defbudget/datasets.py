"""The datasets shipped with defbudget: list them, load them as tidy frames, cite them.

The CSV files and their metadata (``datapackage.json``, Frictionless Data Package layout) live
in the wheel as ``defbudget/_data`` and, in a source checkout, in the top-level ``data/``
folder. Nothing is read at import; :func:`load` parses a file on first use, validates it
against :mod:`defbudget.schema` and returns a fresh copy on every call.

Examples
--------
>>> import defbudget
>>> df = defbudget.load("japan_mod_budget")
>>> fy2026 = df.query("year == 2026 and basis == 'mod_incl_saco_realignment'")
>>> float(fy2026["value"].iloc[0])  # whole yen
9035300000000.0
>>> print(defbudget.cite("sipri-milex-2025"))
SIPRI Military Expenditure Database 2025, https://www.sipri.org/databases/milex. Licence: ...
"""

from __future__ import annotations

import csv
import difflib
import functools
import io
import json
import re
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

import pandas as pd

from defbudget import schema
from defbudget.errors import UnknownNameError
from defbudget.vocabulary import licence_text

__all__ = ["UnknownNameError", "cite", "data_path", "datapackage", "list_datasets", "load"]

_PACKAGE_DATA = "_data"  # folder inside the installed package (wheel force-include)
_CHECKOUT_DATA = Path(__file__).resolve().parents[2] / "data"
_DATAPACKAGE = "datapackage.json"

#: Frictionless field types -> pandas dtypes for columns the tidy schema does not type.
_FIELD_DTYPES = {"integer": "Int64", "number": "float64", "string": "str", "boolean": "boolean",
                 "date": "str", "year": "Int64"}


def _data_root() -> Traversable | Path:
    """The folder holding the shipped data: the installed wheel's, else the checkout's."""
    try:
        root = resources.files("defbudget").joinpath(_PACKAGE_DATA)
        if root.is_dir() and root.joinpath(_DATAPACKAGE).is_file():
            return root
    except (ModuleNotFoundError, FileNotFoundError):  # pragma: no cover - defensive
        pass
    if (_CHECKOUT_DATA / _DATAPACKAGE).is_file():
        return _CHECKOUT_DATA
    raise FileNotFoundError(
        "defbudget's data folder was not found: neither the installed package's "
        f"'defbudget/{_PACKAGE_DATA}' nor the checkout's {_CHECKOUT_DATA} holds "
        f"{_DATAPACKAGE}. Reinstall defbudget (pip install --force-reinstall defbudget) or "
        "run from a complete source checkout.")


def data_path(filename: str) -> Traversable | Path:
    """Return the location of a shipped data file, for reading with ``.open()``.

    Parameters
    ----------
    filename
        A file name inside the data folder, e.g. ``"japan_mod_budget.csv"``.

    Returns
    -------
    importlib.resources.abc.Traversable or pathlib.Path
        Inside the installed package (``defbudget/_data``) when present, else the source
        checkout's ``data/`` folder.

    Raises
    ------
    UnknownNameError
        If no such file is shipped; the message lists the closest names.

    Examples
    --------
    >>> from defbudget.datasets import data_path
    >>> data_path("datapackage.json").name
    'datapackage.json'
    """
    root = _data_root()
    path = root.joinpath(filename)
    if not path.is_file():
        names = sorted(p.name for p in root.iterdir() if p.is_file())
        raise UnknownNameError(
            f"no shipped data file named {filename!r} in {root}. "
            f"{_suggest(filename, names)}Shipped files: {', '.join(names)}.")
    return path


@functools.cache
def _datapackage_text() -> str:
    return data_path(_DATAPACKAGE).read_text(encoding="utf-8")


def datapackage() -> dict:
    """Return the parsed ``datapackage.json`` (a fresh dict each call).

    Returns
    -------
    dict
        Frictionless Data Package: ``name``, ``licenses``, ``sources`` (with ``id``),
        ``source_templates`` and ``resources`` (each with ``schema.fields``).

    Examples
    --------
    >>> from defbudget.datasets import datapackage
    >>> "japan_mod_budget" in [r["name"] for r in datapackage()["resources"]]
    True
    """
    try:
        return json.loads(_datapackage_text())
    except json.JSONDecodeError as exc:
        raise ValueError(f"{data_path(_DATAPACKAGE)} is not valid JSON (line {exc.lineno}, "
                         f"column {exc.colno}: {exc.msg}). Restore it from the repository or "
                         "rerun scripts/build_data.py.") from exc


def _suggest(name: str, choices) -> str:
    close = difflib.get_close_matches(name, list(choices), n=3, cutoff=0.5)
    return f"Did you mean {', '.join(repr(c) for c in close)}? " if close else ""


def _resource(name: str) -> dict:
    res = {r["name"]: r for r in datapackage().get("resources", [])}
    if name not in res:
        raise UnknownNameError(
            f"unknown dataset {name!r}. {_suggest(name, res)}"
            f"Available: {', '.join(sorted(res))} (see defbudget.list_datasets()).")
    return res[name]


def list_datasets() -> pd.DataFrame:
    """List the shipped datasets.

    Returns
    -------
    pandas.DataFrame
        One row per dataset: ``name``, ``title``, ``rows`` (observations), ``units``
        (comma-separated values of the ``unit`` column), ``licence`` and ``file``.

    Examples
    --------
    >>> from defbudget import list_datasets
    >>> "japan_mod_budget" in set(list_datasets()["name"])
    True
    """
    out = []
    for res in datapackage().get("resources", []):
        text = data_path(res["path"]).read_text(encoding="utf-8")
        reader = csv.DictReader(io.StringIO(text))
        units: list[str] = []
        n = 0
        const_unit = (res.get("constants") or {}).get("unit")
        for row in reader:
            n += 1
            unit = row.get("unit") or const_unit
            if unit and unit not in units:
                units.append(unit)
        out.append({"name": res["name"], "title": res.get("title", ""), "rows": n,
                     "units": ", ".join(units),
                     "licence": ", ".join(lic.get("name", "?")
                                          for lic in res.get("licenses", [])),
                     "file": res["path"]})
    return pd.DataFrame(out, columns=["name", "title", "rows", "units", "licence", "file"])


@functools.cache
def _load_cached(name: str) -> pd.DataFrame:
    res = _resource(name)
    path = data_path(res["path"])
    fields = {f["name"]: f for f in res.get("schema", {}).get("fields", [])}
    with path.open("r", encoding="utf-8") as fh:
        frame = pd.read_csv(fh, dtype=str, keep_default_na=False, na_values=[""])
    declared, found = list(fields), list(frame.columns)
    if declared and declared != found:
        raise ValueError(
            f"{path}: columns {found} do not match the fields declared for {name!r} in "
            f"{_DATAPACKAGE} {declared}. Rerun scripts/build_data.py, or fix the file's "
            "header or the resource's schema.fields.")
    for col, value in (res.get("constants") or {}).items():
        if col in frame.columns:
            raise ValueError(f"{path}: column {col!r} is also declared constant in "
                             f"{_DATAPACKAGE}; keep one of them.")
        frame[col] = pd.NA if value is None else value
    typed = {**schema.COLUMNS, **schema.OPTIONAL_COLUMNS}
    for col in frame.columns:
        if col in typed or col not in fields:
            continue
        dtype = _FIELD_DTYPES.get(fields[col].get("type", "string"), "str")
        try:
            if dtype == "str":
                frame[col] = frame[col].astype(pd.StringDtype(na_value=float("nan")))
            else:
                frame[col] = pd.to_numeric(frame[col], errors="raise").astype(dtype)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"{path}: column {col!r} is declared {fields[col]['type']} in "
                             f"{_DATAPACKAGE} but holds a value that is not: {exc}") from exc
    try:
        frame = schema.coerce(frame)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{path}: cannot convert to the tidy schema ({exc}). Fix the "
                         "offending column, or rerun scripts/build_data.py.") from exc
    schema.validate(frame, name=str(path))
    return frame


def load(name: str) -> pd.DataFrame:
    """Load a shipped dataset as a validated tidy frame.

    Parameters
    ----------
    name
        Dataset name as listed by :func:`list_datasets`, e.g. ``"japan_mod_budget"``
        (Japan MOD initial budgets, whole yen, current prices, FY April-March),
        ``"reported_figures"``, ``"gmsd_burden"`` (ratio of GDP) or ``"japan_gdp"``.

    Returns
    -------
    pandas.DataFrame
        A new copy on every call, in the :mod:`defbudget.schema` layout: ``value`` in whole
        units of ``unit``, price basis in ``price_basis``/``base_year``, every row citing
        its ``source`` (resolve it with :func:`cite`).

    Raises
    ------
    UnknownNameError
        For an unknown name; the message lists the closest matches.
    defbudget.schema.SchemaError
        If the shipped file breaks the tidy contract (a packaging bug).

    Examples
    --------
    >>> from defbudget import load
    >>> jp = load("japan_mod_budget")
    >>> row = jp.query("year == 2025 and basis == 'mod_incl_saco_realignment'")
    >>> f"{row['value'].iloc[0]:,.0f} {row['unit'].iloc[0]}"
    '8,700,500,000,000 JPY'
    """
    from defbudget.countries import with_display_names  # one name per country everywhere

    return with_display_names(_load_cached(name)).copy(deep=True)


def _template_match(source_id: str) -> dict | None:
    for tmpl in datapackage().get("source_templates", []):
        m = re.match(tmpl["pattern"], source_id)
        if not m:
            continue
        params = {k: (v.upper() if k == "indicator" else v) for k, v in m.groupdict().items()}
        entry = {"id": source_id}
        for key, value in tmpl.items():
            if key in ("id", "pattern"):
                continue
            entry[key] = value.format(**params) if isinstance(value, str) else value
        return entry
    return None


def _source(source_id: str) -> dict:
    sources = {s["id"]: s for s in datapackage().get("sources", [])}
    if source_id in sources:
        return sources[source_id]
    entry = _template_match(source_id)
    if entry is not None:
        return entry
    names = [r["name"] for r in datapackage().get("resources", [])]
    raise UnknownNameError(
        f"{source_id!r} is neither a shipped dataset nor a known source id. "
        f"{_suggest(source_id, [*names, *sources])}Datasets: {', '.join(names)}. Dynamic ids: "
        "'sipri-milex-YYYY', 'worldbank-wdi-<INDICATOR>', 'owid-<grapher-slug>'.")


def _known_source(source_id: str) -> bool:
    try:
        _source(source_id)
    except UnknownNameError:
        return False
    return True


def _text(src: dict) -> str:
    citation = src.get("citation") or f"{src.get('publisher', '')}. {src.get('title', '')}."
    path = src.get("path")
    citation = citation.strip()
    if path and "://" in path and path not in citation:
        citation = f"{citation.rstrip('.')}. {path}"
    if not citation.endswith("."):
        citation += "."
    extra = [f"Licence: {licence_text(src).rstrip('.')}."]
    if src.get("date_accessed"):
        extra.append(f"Accessed {src['date_accessed']}.")
    return f"{citation} {' '.join(extra)}"


def _bibtex(src: dict) -> str:
    def esc(text: str) -> str:
        return text.replace("{", "\\{").replace("}", "\\}").replace("%", "\\%").replace(
            "&", "\\&")

    fields = {"title": src.get("title"), "author": src.get("publisher")}
    date = src.get("date_published") or ""
    if date[:4].isdigit():
        fields["year"] = date[:4]
    path = src.get("path")
    if path and "://" in path:
        fields["url"] = path
    notes = [f"Licence: {licence_text(src, links=False)}"]  # the URL field holds links
    if src.get("date_accessed"):
        fields["urldate"] = src["date_accessed"]
    fields["note"] = "; ".join(notes)
    def value(key: str, text: str) -> str:
        if key == "url":  # verbatim in biblatex/url.sty: percent-encode braces, escape nothing
            return text.replace("{", "%7B").replace("}", "%7D")
        return "{" + esc(text) + "}" if key == "author" else esc(text)

    body = ",\n".join(f"  {k} = {{{value(k, v)}}}" for k, v in fields.items() if v)
    return f"@misc{{{src['id']},\n{body}\n}}"


def cite(name_or_source_id: str, *, style: str = "text") -> str:
    """Return the citation of a dataset (all its sources) or of one source id.

    Parameters
    ----------
    name_or_source_id
        A dataset name (``"japan_mod_budget"``), a source id found in a frame's ``source``
        column (``"mod-white-paper-2004"``), or a dynamic id for user-supplied files:
        ``"sipri-milex-YYYY"`` (SIPRI edition year), ``"worldbank-wdi-<INDICATOR>"``
        (e.g. ``"worldbank-wdi-MS.MIL.XPND.CD"``) or ``"owid-<grapher-slug>"``.
    style
        ``"text"`` (one line per source) or ``"bibtex"`` (one ``@misc`` entry per source).

    Returns
    -------
    str
        The citation(s), separated by newlines (text) or blank lines (BibTeX).

    Raises
    ------
    UnknownNameError
        For an unknown name or id; the message lists the closest matches.

    Examples
    --------
    >>> from defbudget import cite
    >>> print(cite("worldbank-wdi-MS.MIL.XPND.CD"))
    The World Bank: World Development Indicators: MS.MIL.XPND.CD. ...
    >>> print(cite("sipri-milex-2025", style="bibtex"))
    @misc{sipri-milex-2025,
      title = {SIPRI Military Expenditure Database 2025},
    ...
    """
    if style not in ("text", "bibtex"):
        raise ValueError(f"style must be 'text' or 'bibtex', not {style!r}.")
    if not isinstance(name_or_source_id, str) or not name_or_source_id:
        raise TypeError("cite() expects a dataset name or source id as a non-empty string, "
                        f"got {name_or_source_id!r}.")
    fmt = _text if style == "text" else _bibtex
    sep = "\n" if style == "text" else "\n\n"
    resources_ = {r["name"]: r for r in datapackage().get("resources", [])}
    if name_or_source_id in resources_:
        out = []
        for i, src in enumerate(resources_[name_or_source_id].get("sources", [])):
            if isinstance(src, str):
                out.append(fmt(_source(src)))
            elif src.get("id") and _known_source(src["id"]):
                out.append(fmt(_source(src["id"])))
            else:  # an inline Frictionless source without an id of ours
                out.append(fmt({"id": src.get("id") or f"{name_or_source_id}-source-{i + 1}",
                                **src}))
        return sep.join(out)
    return fmt(_source(name_or_source_id))

"""defbudget — cleaned, cited defence-budget series for analysis in Jupyter.

Importing the package is light: no matplotlib, no data files, no network. Submodules load on
first use (``defbudget.plot`` brings matplotlib only when you ask for it). Its one effect is
the ``df.budget`` accessor (:mod:`defbudget.accessor`), registered on pandas' DataFrame here,
so that it exists whichever part of the kit was imported; the comparisons it delegates to load
on first use.
"""

from __future__ import annotations

import importlib

from defbudget import accessor as _accessor  # noqa: F401  registers df.budget
from defbudget._version import __version__

# name -> "module:attribute" (or "module" for a submodule); resolved lazily on first access.
_LAZY = {
    "schema": "defbudget.schema",
    "datasets": "defbudget.datasets",
    "formatting": "defbudget.formatting",
    "fiscal": "defbudget.fiscal",
    "fx": "defbudget.fx",
    "prices": "defbudget.prices",
    "compare": "defbudget.compare",
    "plot": "defbudget.plot",
    "excel": "defbudget.excel",
    "readers": "defbudget.readers",
    "revisions": "defbudget.revisions",
    "validate": "defbudget.schema:validate",
    "list_datasets": "defbudget.datasets:list_datasets",
    "load": "defbudget.datasets:load",
    "cite": "defbudget.datasets:cite",
    "read_sipri": "defbudget.readers.sipri:read_sipri",
    "sipri_revisions": "defbudget.revisions:sipri_revisions",
    "revisions_summary": "defbudget.revisions:revisions_summary",
    "read_wdi_csv": "defbudget.readers.worldbank:read_wdi_csv",
    "read_owid_csv": "defbudget.readers.owid:read_owid_csv",
    "convert": "defbudget.fx:convert",
    "reconcile": "defbudget.reconciliation:reconcile",
    "to_excel": "defbudget.excel:to_excel",
    "countries": "defbudget.countries",
    "tables": "defbudget.tables",
    "show": "defbudget.tables:show",
    "show_wide": "defbudget.tables:show_wide",
    "read_excel_export": "defbudget.excel:read_excel_export",
}

__all__ = ["__version__", "clear_caches", *sorted(_LAZY)]


def __getattr__(name: str):
    try:
        target = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module 'defbudget' has no attribute {name!r}") from None
    module_name, _, attr = target.partition(":")
    module = importlib.import_module(module_name)
    value = getattr(module, attr) if attr else module
    globals()[name] = value
    return value


#: Module-level dict caches (besides functools caches and readers._cache), emptied by
#: clear_caches() when their module is loaded.
_DICT_CACHES = (
    ("defbudget.readers._countries", "_ISO3_CACHE"),
    ("defbudget.readers._xlsx_styles", "_REF_MEMO"),
)


def clear_caches() -> None:
    """Empty every in-memory cache of defbudget (parsed workbooks, rates, names, datasets).

    Useful after replacing a data file during a session, or to free memory; files cached on
    disk are left alone. Modules not yet imported are not imported.
    """
    import sys

    for name, module in list(sys.modules.items()):
        if module is None or not (name == "defbudget" or name.startswith("defbudget.")):
            continue
        for value in list(vars(module).values()):
            clear = getattr(value, "cache_clear", None)
            if callable(clear) and getattr(value, "__module__", None) == name:
                clear()
    for name, attr in _DICT_CACHES:
        cache = getattr(sys.modules.get(name), attr, None)
        if cache is not None:
            cache.clear()
    store = sys.modules.get("defbudget.readers._cache")
    if store is not None:
        store.clear()


def __dir__():
    return sorted(set(globals()) | set(_LAZY))

"""Library code leaves the process alone: no backend switch outside the CLI, no blanket
warning filters, no umask changes, the CLI's warning printer restored, bounded caches that
defbudget.clear_caches() empties."""

from __future__ import annotations

import ast
import importlib
import inspect
import os
import pkgutil
import stat
import warnings
from pathlib import Path

import pytest

import defbudget

SRC = Path(defbudget.__file__).parent


def _calls(name: str):
    """(file, line, call node) for every call of ``<something>.name(...)`` in the package."""
    for path in sorted(SRC.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == name):
                yield path.relative_to(SRC).as_posix(), node.lineno, node


def test_only_the_cli_switches_the_matplotlib_backend():
    where = [(f, line) for f, line, node in _calls("use")
             if ast.unparse(node.func.value) == "matplotlib"]
    assert where, "the walk should find the CLI's matplotlib.use('Agg')"
    assert {f for f, _ in where} == {"cli.py"}


def test_build_report_does_not_switch_the_backend():
    from defbudget import report
    assert "matplotlib.use" not in inspect.getsource(report.build_report)


def test_no_blanket_warning_filter():
    """A filter that ignores every warning would hide UnknownCountryWarning: name the
    category."""
    blanket = []
    for f, line, node in [*_calls("simplefilter"), *_calls("filterwarnings")]:
        if ast.unparse(node.func.value) != "warnings":
            continue
        action = node.args[0].value if node.args and isinstance(node.args[0], ast.Constant) \
            else None
        has_category = len(node.args) > 1 or any(k.arg == "category" for k in node.keywords)
        if action == "ignore" and not has_category:
            blanket.append(f"{f}:{line}")
    assert blanket == []


def test_unknown_country_warns_every_time_not_just_the_first():
    from defbudget.readers._countries import UnknownCountryWarning, iso3_codes
    for _ in range(2):
        with pytest.warns(UnknownCountryWarning, match="Republic of Nowhere-in-Particular"):
            assert iso3_codes(["Republic of Nowhere-in-Particular"]) == {
                "Republic of Nowhere-in-Particular": None}


def test_no_umask_change(tmp_path, monkeypatch):
    from defbudget import _atomic
    expected = 0o666 & ~_current_umask()

    def refuse(*args):
        raise AssertionError("os.umask was called")

    monkeypatch.setattr(os, "umask", refuse)
    out = tmp_path / "chart.png"
    assert _atomic.new_file_mode(out) == expected
    with _atomic.atomic_output(out) as tmp:
        tmp.write_bytes(b"x")
    assert stat.S_IMODE(out.stat().st_mode) == expected
    assert list(tmp_path.iterdir()) == [out]  # no probe or temp file left behind
    out.chmod(0o600)  # a replaced file keeps its own permissions
    with _atomic.atomic_output(out) as tmp:
        tmp.write_bytes(b"y")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600 and out.read_bytes() == b"y"


def _current_umask() -> int:
    mask = os.umask(0o22)
    os.umask(mask)
    return mask


def test_no_umask_call_in_the_package():
    assert [f"{f}:{line}" for f, line, node in _calls("umask")] == []


def test_cli_restores_warnings_showwarning(capsys):
    from defbudget import cli
    before = warnings.showwarning
    assert cli.main(["datasets"]) == 0
    assert warnings.showwarning is before
    capsys.readouterr()


def _all_modules():
    for info in pkgutil.walk_packages(defbudget.__path__, "defbudget."):
        if info.name != "defbudget.__main__":
            yield importlib.import_module(info.name)


#: functools caches without a size limit, allowed because their keys are a closed set.
_UNBOUNDED_OK = {
    "defbudget.datasets._datapackage_text",  # no argument
    "defbudget.datasets._load_cached",  # one entry per shipped dataset
    "defbudget.countries._table",  # no argument
    "defbudget.readers._countries.country_rows",  # no argument
    "defbudget.readers._countries._exact_names",  # no argument
    "defbudget.plot._style._style_rc",  # one entry per house style
}


def test_module_caches_are_bounded():
    unbounded = []
    for module in _all_modules():
        for name, value in vars(module).items():
            info = getattr(value, "cache_info", None)
            if (callable(info) and getattr(value, "__module__", None) == module.__name__
                    and info().maxsize is None
                    and f"{module.__name__}.{name}" not in _UNBOUNDED_OK):
                unbounded.append(f"{module.__name__}.{name}")
    assert unbounded == []


def test_clear_caches_empties_them():
    from defbudget import countries, datasets, fx
    from defbudget.readers import _cache, _countries
    datasets.load(datasets.list_datasets()["name"].iloc[0])
    countries.to_iso3("Japan")
    _countries.iso3_codes(["Japan"])
    _cache.put("test-clear-caches", {"a": 1})
    fx_cached = [v for v in vars(fx).values() if hasattr(v, "cache_info")]
    defbudget.clear_caches()
    assert datasets._load_cached.cache_info().currsize == 0
    assert countries._to_iso3.cache_info().currsize == 0
    assert all(v.cache_info().currsize == 0 for v in fx_cached)
    assert _countries._ISO3_CACHE == {}
    assert _cache.get("test-clear-caches") is None
    assert "clear_caches" in defbudget.__all__
    assert callable(defbudget.clear_caches)

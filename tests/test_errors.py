"""One error family and one warning family: every kit exception derives from DefbudgetError,
every warning from DefbudgetWarning; warnings point at the caller's line."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import warnings

import pandas as pd
import pytest

import defbudget
from defbudget import errors
from defbudget.errors import (
    DefbudgetError,
    DefbudgetWarning,
    MissingColumnError,
    SchemaError,
    UnknownNameError,
)


def _all_modules():
    yield defbudget
    for info in pkgutil.walk_packages(defbudget.__path__, "defbudget."):
        if info.name == "defbudget.__main__":
            continue
        yield importlib.import_module(info.name)


def _kit_classes():
    """Every public Exception/Warning class defined in a defbudget module."""
    seen = set()
    for module in _all_modules():
        for name, obj in vars(module).items():
            if (inspect.isclass(obj) and issubclass(obj, BaseException)
                    and obj.__module__.startswith("defbudget") and not name.startswith("_")):
                seen.add(obj)
    return seen


def test_every_public_exception_is_a_defbudget_error_and_every_warning_a_defbudget_warning():
    classes = _kit_classes()
    assert len(classes) >= 20  # the walk found the readers, fx, compare, ... classes
    wrong = []
    for cls in classes:
        base = DefbudgetWarning if issubclass(cls, Warning) else DefbudgetError
        if not issubclass(cls, base):
            wrong.append(f"{cls.__module__}.{cls.__name__}")
    assert wrong == []


def test_errors_module_reexports_the_family():
    for name in errors.__all__:
        obj = getattr(errors, name)
        if inspect.isclass(obj):
            assert issubclass(obj, DefbudgetError | DefbudgetWarning), name
    from defbudget.fx import RateUnavailableError
    from defbudget.readers._common import SourceFormatError
    assert errors.RateUnavailableError is RateUnavailableError
    assert errors.SourceFormatError is SourceFormatError


@pytest.mark.parametrize(("name", "builtins"), [
    ("MissingColumnError", (KeyError, ValueError, LookupError)),
    ("UnknownNameError", (KeyError, ValueError, LookupError)),
    ("UnknownCountryError", (LookupError,)),
    ("CountryNameError", (LookupError,)),
    ("UnknownCurrencyError", (ValueError,)),
    ("SchemaError", (ValueError,)),
    ("BasisMismatchError", (ValueError,)),
    ("SourceFormatError", (ValueError,)),
    ("SipriFormatError", (ValueError,)),
    ("SipriWorkbookNotFoundError", (FileNotFoundError,)),
    ("RateUnavailableError", (LookupError,)),
    ("SanityError", (ValueError,)),
    ("RateFileError", (ValueError,)),
    ("DownloadError", (OSError,)),
])
def test_each_error_is_still_the_builtin_it_replaced(name, builtins):
    cls = getattr(errors, name)
    assert issubclass(cls, DefbudgetError)
    for b in builtins:
        assert issubclass(cls, b), (name, b)


def test_keyerror_family_prints_its_message_unquoted():
    assert str(UnknownNameError("no dataset 'x'")) == "no dataset 'x'"
    assert str(MissingColumnError("no column 'valu'", columns=["valu"])) == "no column 'valu'"


def test_missing_column_error_is_a_schema_error_with_failure_cases():
    from defbudget.schema import Violation
    err = MissingColumnError.in_frame(
        [Violation("required column is missing", column=c) for c in ("source", "flag")],
        name="the frame passed to f")
    assert isinstance(err, SchemaError) and isinstance(err, KeyError)
    assert err.columns == ("source", "flag")
    assert "the frame passed to f breaks the defbudget tidy contract in 2 place(s)" in str(err)
    assert err.failure_cases["column"].tolist() == ["source", "flag"]


def test_compare_missing_column_raises_missing_column_error():
    from defbudget import compare
    frame = pd.DataFrame({"country": ["Japan"], "value": [1.0]})
    with pytest.raises(MissingColumnError) as info:
        compare.yoy(frame)
    assert "source" in info.value.columns


def test_schema_failure_cases_are_not_capped():
    from defbudget.schema import coerce, validate
    n = 40
    frame = coerce(pd.DataFrame({
        "country": ["Japan"] * n, "iso3": ["JPN"] * n, "year": list(range(1980, 1980 + n)),
        "period": ["FY"] * n, "fy_start_month": [4] * n, "measure": ["defense_budget"] * n,
        "basis": ["mod_incl_saco_realignment"] * n, "value": [1.0] * n, "unit": ["YEN"] * n,
        "price_basis": ["current"] * n, "base_year": [pd.NA] * n, "stage": ["enacted"] * n,
        "flag": [None] * n, "source": ["mod-wp2020-file09"] * n,
    }))
    with pytest.raises(SchemaError) as info:
        validate(frame)
    assert "... and 15 more" in str(info.value)  # the message shows 25
    cases = info.value.failure_cases
    assert len(cases) == 40
    assert list(cases.columns) == ["rule", "column", "row", "value", "message"]
    assert cases["row"].tolist() == list(range(40))
    assert set(cases["value"]) == {"YEN"}


def _warn_from_deep_inside():
    from defbudget.readers._countries import iso3_codes
    return iso3_codes(["Atlantis Republic of the Test"])


def test_warnings_point_at_the_callers_line():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _warn_from_deep_inside()
    (w,) = [w for w in caught if issubclass(w.category, DefbudgetWarning)]
    assert w.filename == __file__
    assert w.lineno == _warn_from_deep_inside.__code__.co_firstlineno + 2


def test_warn_helper_points_outside_the_package():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        errors.warn("a message")  # this line
    (w,) = caught
    assert w.category is DefbudgetWarning
    assert w.filename == __file__


def test_ignoring_defbudget_warning_silences_the_kit():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.simplefilter("ignore", DefbudgetWarning)
        from defbudget.readers._countries import iso3_codes
        iso3_codes(["Another Atlantis of the Test"])
        errors.warn("silenced", errors.DefbudgetFutureWarning)
    assert [w for w in caught if "Atlantis" in str(w.message) or "silenced" in str(w.message)] \
        == []


def test_a_missing_column_is_one_class_everywhere():
    from defbudget import compare, prices, tables
    from defbudget.plot import _common
    frame = pd.DataFrame({"year": [2020], "value": [1.0]})
    calls = [
        lambda: compare.select(frame, measure="milex"),
        lambda: prices.rebase(pd.DataFrame({"year": [2020]}), base_year=2020),
        lambda: tables.show(frame, columns=["valu"]),
        lambda: _common.check_frame(frame, ["country"], func="plot.trend"),
    ]
    for call in calls:
        with pytest.raises(MissingColumnError) as info:
            call()
        assert info.value.columns  # names what is missing
        assert info.value.failure_cases["column"].tolist() == list(info.value.columns)
        assert isinstance(info.value, KeyError | ValueError)


def test_an_unknown_name_is_one_class_everywhere():
    from defbudget import coursework, datasets, prices
    from defbudget.plot import _style
    for call in (lambda: prices.price_index("no_such_index"),
                 lambda: datasets.load("no-such-dataset"),
                 lambda: coursework.check("no-such-exercise", 1.0),
                 lambda: _style._style_name("no-such-style")):
        with pytest.raises(UnknownNameError):
            call()

"""The tidy-frame contract: validate() catches each kind of breach and names row and column."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from defbudget import schema
from defbudget.schema import SchemaError, coerce, validate


def _frame(n: int = 3) -> pd.DataFrame:
    """A valid tidy frame: Japan's budget for n fiscal years, in yen."""
    return coerce(pd.DataFrame({
        "country": ["Japan"] * n, "iso3": ["JPN"] * n, "year": list(range(2020, 2020 + n)),
        "period": ["FY"] * n, "fy_start_month": [4] * n, "measure": ["defense_budget"] * n,
        "basis": ["mod_incl_saco_realignment"] * n,
        "value": [5.3133e12 + i * 1e11 for i in range(n)], "unit": ["JPY"] * n,
        "price_basis": ["current"] * n, "base_year": [pd.NA] * n, "stage": ["enacted"] * n,
        "flag": [None] * n, "source": ["mod-wp2020-file09"] * n,
    }))


def _only(frame: pd.DataFrame) -> list[schema.Violation]:
    return validate(frame, raise_=False)


def test_valid_frame_passes():
    assert _only(_frame()) == []
    assert validate(schema.empty_frame()) == []


def test_wrong_dtype_names_row_column_and_value():
    f = _frame()
    f["value"] = f["value"].astype(object)
    f.loc[1, "value"] = "5.3 trillion"
    (v,) = _only(f)
    assert v.column == "value" and v.row == 1 and v.value == "5.3 trillion"
    assert "wrong dtype" in str(v) and "expected float" in str(v)
    assert "row 1" in str(v) and "column 'value'" in str(v)


def test_year_as_float_is_a_dtype_error():
    f = _frame()
    f["year"] = f["year"].astype(float)
    (v,) = _only(f)
    assert v.column == "year" and "expected int" in v.rule


def test_missing_source_names_the_row():
    f = _frame()
    f.loc[2, "source"] = None
    (v,) = _only(f)
    assert (v.column, v.row) == ("source", 2)
    assert "must not be missing" in str(v)


def test_missing_required_column():
    f = _frame().drop(columns="source")
    (v,) = _only(f)
    assert v.column == "source" and "missing" in v.rule


def test_unknown_unit_yen():
    f = _frame()
    f.loc[0, "unit"] = "YEN"
    (v,) = _only(f)
    assert (v.column, v.row, v.value) == ("unit", 0, "YEN")
    assert "ISO 4217" in str(v)


def test_duplicate_keys_reported_on_the_second_row():
    f = pd.concat([_frame(), _frame(1)], ignore_index=True)
    (v,) = _only(f)
    assert v.rule == "duplicate key" and v.row == 3
    assert v.value["year"] == 2020


def test_constant_prices_need_base_year_and_current_must_not_have_one():
    f = _frame()
    f.loc[0, "price_basis"] = "constant"
    f.loc[1, "base_year"] = 2020
    vs = _only(f)
    assert {(v.column, v.row) for v in vs} == {("base_year", 0), ("base_year", 1)}
    assert any("need a base_year" in str(v) for v in vs)
    assert any("must not have a base_year" in str(v) for v in vs)


def test_calendar_year_must_start_in_january():
    f = _frame()
    f.loc[1, "period"] = "CY"
    (v,) = _only(f)
    assert (v.column, v.row, v.value) == ("fy_start_month", 1, 4)


def test_missing_value_needs_a_flag():
    f = _frame()
    f.loc[0, "value"] = float("nan")
    (v,) = _only(f)
    assert (v.column, v.row) == ("value", 0)
    assert "unavailable" in str(v)
    f.loc[0, "flag"] = "unavailable"
    assert _only(f) == []


@pytest.mark.parametrize(("column", "bad"), [
    ("period", "FYY"), ("price_basis", "nominal"), ("stage", "passed"), ("flag", "guess"),
    ("measure", "Defense Budget"), ("basis", "incl SACO"), ("iso3", "jp"),
    ("fy_start_month", 13),
])
def test_controlled_vocabularies(column, bad):
    f = _frame()
    f[column] = f[column].astype(object)
    f.loc[2, column] = bad
    f = coerce(f)
    vs = _only(f)
    assert [(v.column, v.row, v.value) for v in vs] == [(column, 2, bad)]


def test_all_violations_reported_at_once():
    f = _frame()
    f.loc[0, "unit"] = "YEN"
    f.loc[1, "source"] = None
    f.loc[2, "period"] = "CY"
    with pytest.raises(SchemaError) as err:
        validate(f, name="japan.csv")
    msg = str(err.value)
    assert "japan.csv" in msg and "3 place(s)" in msg
    for fragment in ("row 0, column 'unit'", "row 1, column 'source'",
                     "row 2, column 'fy_start_month'"):
        assert fragment in msg
    assert {v.row for v in err.value.violations} == {0, 1, 2}


def test_coerce_does_not_mutate_input():
    raw = pd.DataFrame({c: ["x"] for c in schema.COLUMNS})
    before = raw.copy()
    coerce(raw.assign(year=[2020], fy_start_month=[1], value=[1.0], base_year=[None]))
    pd.testing.assert_frame_equal(raw, before)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(1816, 2100),
                          st.floats(0, 1e15, allow_nan=False, allow_infinity=False)),
                min_size=1, max_size=20, unique_by=lambda t: t[0]))
def test_any_well_formed_frame_validates(rows):
    f = coerce(pd.DataFrame({
        "country": "Japan", "iso3": "JPN", "year": [y for y, _ in rows], "period": "CY",
        "fy_start_month": 1, "measure": "milex", "basis": "sipri", "value": [v for _, v in rows],
        "unit": "USD", "price_basis": "constant", "base_year": 2023, "stage": None,
        "flag": None, "source": "sipri-milex-2025"}))
    assert validate(f) == []


def test_known_values_stand_in_for_the_rows_and_a_value_no_row_holds_is_harmless():
    # a reader passes the values it built a column from: a superset of the column's values
    import numpy as np

    f = _frame()
    f.loc[1, "unit"] = "YEN"
    known = {"unit": np.array(["JPY", "YEN", "EURO", None], dtype=object),
             "country": np.array(["Japan", None], dtype=object)}
    found = schema._validate(f, schema._Distinct(f, known), name="f", raise_=False,
                             keys=True)
    assert [(v.column, v.row, v.value) for v in found] == [("unit", 1, "YEN")]
    assert schema._validate(_frame(), schema._Distinct(_frame(), known), name="f",
                            raise_=False, keys=True) == []

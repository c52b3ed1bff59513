"""The df.budget accessor: registered by import defbudget, and a thin delegation."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

from defbudget import compare as cmp
from defbudget.compare import _example_cross_section, _example_frame


def _run(code: str) -> list[str]:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True).stdout.split()


def test_import_defbudget_registers_the_accessor_without_loading_the_comparisons():
    out = _run("import sys, pandas as pd, defbudget; "
               "print(hasattr(pd.DataFrame, 'budget'), "
               "any(m.startswith('defbudget.compare') for m in sys.modules), "
               "'matplotlib' in sys.modules)")
    assert out == ["True", "False", "False"]


def test_importing_compare_registers_it():
    assert _run("import pandas as pd, defbudget.compare; "
                "print(hasattr(pd.DataFrame, 'budget'))") == ["True"]


CASES = [
    ("yoy", {}, {}),
    ("yoy", {"pct": False}, {"pct": False}),
    ("cagr", {"start": 2002, "end": 2023}, {"start": 2002, "end": 2023}),
    ("index_to", {"index_year": 2022}, {"index_year": 2022}),
    ("rolling_mean", {"window": 2}, {"window": 2}),
    ("select", {"year": 2023}, {"year": 2023}),
    ("wide_table", {}, {}),
]


@pytest.mark.parametrize("name,kwargs,fkwargs", CASES, ids=[c[0] for c in CASES])
def test_growth_methods_equal_the_functions(name, kwargs, fkwargs):
    f = _example_frame()
    pd.testing.assert_frame_equal(getattr(f.budget, name)(**kwargs),
                                  getattr(cmp, name)(f, **fkwargs))


def test_cross_section_methods_equal_the_functions():
    f = _example_cross_section()
    pd.testing.assert_frame_equal(f.budget.rank(year=2024), cmp.rank(f, year=2024))
    pd.testing.assert_frame_equal(f.budget.top_n(year=2024, n=3), cmp.top_n(f, year=2024, n=3))
    quad = {"Quad": ["JPN", "USA", "AUS", "IND"]}
    pd.testing.assert_frame_equal(f.budget.share_of_total(total=quad),
                                  cmp.share_of_total(f, total=quad))
    pd.testing.assert_frame_equal(f.budget.difference("USA", "CHN"),
                                  cmp.difference(f, "USA", "CHN"))
    pd.testing.assert_frame_equal(f.budget.ratio("USA", "CHN"), cmp.ratio(f, "USA", "CHN"))


def test_target_and_basis_methods_equal_the_functions():
    f = _example_cross_section().assign(measure="milex_share_gdp", unit="ratio", value=0.021)
    pd.testing.assert_frame_equal(f.budget.against_targets(), cmp.against_targets(f))
    pd.testing.assert_frame_equal(f.budget.first_year_meeting(target=0.02),
                                  cmp.first_year_meeting(f, target=0.02))
    j = _example_frame()
    b = cmp.Basis(period="FY", rate=150.0)
    pd.testing.assert_frame_equal(j.budget.to_basis(b), cmp.compare(j, basis=b))
    assert (j.budget.style().set_uuid("t").to_html()
            == cmp.style_table(j).set_uuid("t").to_html())


def test_chaining_and_errors_pass_through():
    f = _example_frame()
    out = f.budget.select(year=[2022, 2023]).budget.yoy()
    assert out["value"].iloc[1] == pytest.approx(68219 / 54005 - 1)
    with pytest.raises(cmp.UnknownCountryError, match="Japan"):
        f.budget.select(country="Japn")
    with pytest.raises(cmp.BasisMismatchError):
        pd.concat([_example_cross_section(),
                   _example_cross_section().assign(unit="JPY")]).budget.rank(year=2024)


def test_accessor_does_not_mutate():
    f = _example_frame()
    before = f.copy(deep=True)
    f.budget.yoy()
    f.budget.index_to(index_year=2022)
    pd.testing.assert_frame_equal(f, before)

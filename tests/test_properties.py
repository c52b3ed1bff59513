"""Properties of the growth, share, conversion and sanity transforms (hypothesis).

Complements ``test_money_properties.py`` (fx round trip, rebasing, calendarisation) and the
Excel round trip in ``test_excel.py``; each property runs 200 examples in the normal suite.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from defbudget import compare, schema
from defbudget.fx import convert
from defbudget.sanity import MAX_SHARE_GDP, SanityError, sanity_check

PROPS = settings(max_examples=200, deadline=None)
COUNTRIES = [("Japan", "JPN"), ("France", "FRA"), ("Germany", "DEU"), ("India", "IND"),
             ("Brazil", "BRA"), ("Australia", "AUS")]
positive = st.floats(min_value=1e3, max_value=1e13, allow_nan=False, allow_infinity=False)


def tidy(values, *, countries=None, years=None, unit="USD", measure="milex"):
    n = len(values)
    countries = countries or [COUNTRIES[0]] * n
    years = years if years is not None else list(range(2000, 2000 + n))
    return schema.coerce(pd.DataFrame({
        "country": [c for c, _ in countries], "iso3": [i for _, i in countries],
        "year": years, "period": "CY", "fy_start_month": 1, "measure": measure,
        "basis": "sipri", "value": [float(v) for v in values], "unit": unit,
        "price_basis": "current", "base_year": pd.NA, "stage": None, "flag": None,
        "source": "example"}))


# --- growth -------------------------------------------------------------------------------

#: Realistic series: each year between a fifth and five times the year before.
series = st.tuples(positive, st.lists(st.floats(min_value=0.2, max_value=5.0), min_size=1,
                                      max_size=11)).map(
    lambda t: [t[0] * float(np.prod(t[1][:k])) for k in range(len(t[1]) + 1)])
constant = st.tuples(positive, st.integers(2, 12)).map(lambda t: [t[0]] * t[1])


@PROPS
@given(values=st.one_of(series, constant))
def test_yoy_rebuilds_the_series_and_is_zero_for_a_constant(values):
    """value[t] == value[t-1] * (1 + yoy[t]); yoy is exactly 0 where the value repeats."""
    f = tidy(values)
    out = compare.yoy(f, pct=True).sort_values("year")
    rel = out["value"].to_numpy()
    v = np.array(values)
    np.testing.assert_allclose(v[:-1] * (1 + rel[1:]), v[1:], rtol=1e-9)
    assert (out["unit"] == "ratio").all() and np.isnan(rel[0])
    assert ((rel[1:] == 0) == (v[1:] == v[:-1])).all()


@PROPS
@given(values=series, pick=st.integers(0, 11),
       scale=st.floats(min_value=1e-3, max_value=1e3))
def test_index_to_is_100_at_base_and_scale_free(values, pick, scale):
    n = len(values)
    base = 2000 + pick % n
    # the same series twice, the second scaled: one call, two series
    f = tidy([*values, *(v * scale for v in values)],
             countries=[COUNTRIES[0]] * n + [COUNTRIES[1]] * n,
             years=list(range(2000, 2000 + n)) * 2)
    before = f.copy()
    out = compare.index_to(f, index_year=base)
    a = out[out["iso3"] == "JPN"].set_index("year")["value"]
    b = out[out["iso3"] == "FRA"].set_index("year")["value"]
    assert a[base] == pytest.approx(100.0, rel=1e-12) and b[base] == pytest.approx(100.0)
    np.testing.assert_allclose(a.to_numpy(), 100 * np.array(values) / values[pick % n],
                               rtol=1e-9)
    np.testing.assert_allclose(b.to_numpy(), a.to_numpy(), rtol=1e-9)
    assert (out["unit"] == "index").all()
    pd.testing.assert_frame_equal(f, before)  # input untouched


@PROPS
@given(start=positive, rate=st.floats(min_value=-0.5, max_value=1.0), n=st.integers(2, 10))
def test_cagr_of_a_geometric_series_is_its_rate(start, rate, n):
    f = tidy([start * (1 + rate) ** k for k in range(n)])
    got = compare.cagr(f, start=2000, end=2000 + n - 1)["value"].iloc[0]
    assert got == pytest.approx(rate, abs=1e-9)


# --- shares ---------------------------------------------------------------------------------

@PROPS
@given(values=st.lists(positive, min_size=12, max_size=12), split=st.integers(1, 5),
       n_years=st.integers(1, 2))
def test_shares_sum_to_one_over_a_partition(values, split, n_years):
    members = COUNTRIES
    rows = [(c, 2000 + y) for y in range(n_years) for c in members]
    f = tidy(values[: len(rows)], countries=[c for c, _ in rows], years=[y for _, y in rows])
    groups = {"A": [i for _, i in members[:split]], "B": [i for _, i in members[split:]]}
    out = compare.share_of_total(f, total=groups)
    sums = out.groupby(["total_name", "year"])["value"].sum()
    assert len(sums) == 2 * n_years
    np.testing.assert_allclose(sums.to_numpy(), 1.0, rtol=1e-12)
    assert ((out["value"] > 0) & (out["value"] <= 1)).all()
    assert (out["unit"] == "ratio").all()


# --- conversions (beyond the round trip in test_money_properties) -----------------------------

@PROPS
@given(values=st.lists(positive, min_size=1, max_size=5),
       r1=st.floats(min_value=1e-3, max_value=1e4), r2=st.floats(min_value=1e-3, max_value=1e4),
       k=st.floats(min_value=1e-3, max_value=1e3))
def test_convert_is_linear_and_composes(values, r1, r2, k):
    n = len(values)
    # the amounts and k times them, as two series of one frame
    f = tidy([*values, *(v * k for v in values)],
             countries=[COUNTRIES[0]] * n + [COUNTRIES[1]] * n,
             years=list(range(2000, 2000 + n)) * 2, unit="JPY")
    once = convert(f, to="USD", rate=r1)
    # provenance: the stored rate, yen per dollar as quoted, is exactly what divided the value
    np.testing.assert_allclose(once["fx_rate"], r1, rtol=1e-15)
    np.testing.assert_allclose(once["value"], f["value"] / once["fx_rate"], rtol=1e-12)
    # linear in the amount
    np.testing.assert_allclose(once["value"].to_numpy()[n:], once["value"].to_numpy()[:n] * k,
                               rtol=1e-12)
    # JPY -> USD -> EUR with fixed rates equals JPY -> EUR at the product of the multipliers;
    # the second rate is quoted euros per dollar (r2 was given as dollars per euro)
    twice = convert(once, to="EUR", rate=r2)
    np.testing.assert_allclose(twice["fx_rate"], 1 / r2, rtol=1e-15)
    direct_multiplier = 1 / once["fx_rate"].to_numpy() * twice["fx_rate"].to_numpy()
    np.testing.assert_allclose(twice["value"], f["value"] * direct_multiplier, rtol=1e-12)
    assert (twice["unit"] == "EUR").all() and (f["unit"] == "JPY").all()


# --- sanity checks --------------------------------------------------------------------------

@PROPS
@given(shares=st.lists(st.floats(min_value=0, max_value=MAX_SHARE_GDP), min_size=1,
                       max_size=6),
       bad=st.floats(min_value=-1e12, max_value=-1e-12), where=st.integers(0, 5))
def test_sanity_passes_plausible_and_flags_every_negative(shares, bad, where):
    f = tidy(shares, unit="ratio", measure="milex_share_gdp")
    assert sanity_check(f) is f
    pos = where % len(shares)
    g = f.copy()
    g.loc[pos, "value"] = bad
    with pytest.raises(SanityError) as info:
        sanity_check(g)
    assert info.value.rows["row"].tolist() == [pos]


@PROPS
@given(over=st.floats(min_value=MAX_SHARE_GDP, max_value=100.0, exclude_min=True),
       where=st.integers(0, 5))
def test_sanity_flags_any_share_of_gdp_over_the_limit(over, where):
    """Just over 50 % of GDP is refused as surely as 100 times over (a percent read twice)."""
    f = tidy([0.01, 0.02, 0.03, 0.04, 0.05, 0.06], unit="ratio", measure="milex_share_gdp")
    f.loc[where, "value"] = over
    with pytest.raises(SanityError) as info:
        sanity_check(f)
    assert info.value.rows["row"].tolist() == [where]

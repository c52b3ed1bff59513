"""Every kind of broken or hostile input gets one clear defbudget error — never a raw one.

The corpus (``tests/corpus``) is generated here, in a temporary folder; nothing binary is
committed. For each kind the test checks the exception type and that the message

* names where: the file, and the sheet/cell, line or part;
* says what was expected;
* suggests the fix.

``test_no_raw_tracebacks_escape`` runs the whole corpus once more and counts exceptions whose
type comes from a third-party library (zipfile, openpyxl, calamine, xml, pandas, ...) or that
were raised from inside one: the count must be zero.
"""

from __future__ import annotations

import sys
import traceback
import warnings
from pathlib import Path

import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import FILE_KINDS, READ_FINE_KINDS

from defbudget import compare, schema
from defbudget.compare import UnknownCountryError
from defbudget.excel import read_excel_export
from defbudget.readers.owid import read_owid_csv
from defbudget.readers.sipri import read_sipri
from defbudget.readers.worldbank import read_wdi_csv
from defbudget.sanity import KNOWN_OUTLIERS, SanityError, sanity_check
from defbudget.schema import BasisMismatchError


def _call_reader(reader: str, path: Path):
    if reader.startswith("sipri"):
        sheets = reader.split(":", 1)[1] if ":" in reader else None
        return read_sipri(path, sheets=sheets, cache=False)
    return {"wdi": read_wdi_csv, "owid": read_owid_csv, "export": read_excel_export}[reader](path)


def _contains(message: str, needles) -> list[str]:
    low = message.lower()
    return [n for n in needles if n.lower() not in low]


@pytest.mark.parametrize("kind", sorted(FILE_KINDS))
def test_file_kind_gives_one_clear_error(kind, tmp_path):
    spec = FILE_KINDS[kind]
    path = spec.make(tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # e.g. UnknownCountryWarning: not what is tested
        with pytest.raises(ValueError) as info:
            _call_reader(spec.reader, path)
    exc = info.value
    assert type(exc).__name__ == spec.error, (
        f"{kind}: expected {spec.error}, got {type(exc).__module__}.{type(exc).__name__}: {exc}")
    assert type(exc).__module__.startswith(("defbudget", "builtins"))
    assert isinstance(exc, ValueError)
    msg = str(exc)
    assert not _contains(msg, spec.where), f"{kind}: message does not say where: {msg}"
    assert not _contains(msg, spec.expected), f"{kind}: message lacks what was expected: {msg}"
    assert not _contains(msg, spec.fix), f"{kind}: message suggests no fix: {msg}"
    # the reader's own exceptions carry the location as attributes too
    if hasattr(exc, "path"):
        assert exc.path == path


def test_sipri_errors_name_the_sheet_and_cell_as_attributes(tmp_path):
    path = FILE_KINDS["text_cell_12%"].make(tmp_path)
    with pytest.raises(ValueError) as info:
        read_sipri(path, cache=False)
    assert (info.value.sheet, info.value.cell) == ("Current US$", "E15")


@pytest.mark.parametrize("kind", sorted(READ_FINE_KINDS))
def test_dimension_claiming_a_million_rows_reads_correctly(kind, tmp_path):
    good = tmp_path / "good"
    good.mkdir()
    from corpus import _sipri

    expected = read_sipri(_sipri(good), cache=False)
    path = READ_FINE_KINDS[kind](tmp_path)
    got = read_sipri(path, cache=False)
    pd.testing.assert_frame_equal(got, expected)


# --- errors in user calls ---------------------------------------------------------------------

def _frame():
    return compare._example_cross_section()


def test_unknown_country_suggests_closest_names():
    with pytest.raises(UnknownCountryError) as info:
        compare.select(_frame(), country="Untied States")
    msg = str(info.value)
    assert "'Untied States'" in msg  # what was passed
    assert "country name or ISO3 code" in msg  # what was expected
    assert "Did you mean: 'United States'" in msg  # the fix


def _mixed(**change):
    f = _frame().iloc[:6]
    return schema.coerce(pd.concat([f.iloc[:3], f.iloc[3:].assign(**change)], ignore_index=True))


@pytest.mark.parametrize(("change", "column", "a", "b", "fix"), [
    ({"unit": "EUR"}, "unit", "'USD'", "'EUR'", "defbudget.fx.convert"),
    ({"price_basis": "constant", "base_year": 2023}, "price_basis", "'current'", "'constant'",
     "defbudget.prices.to_constant"),
    ({"period": "FY", "fy_start_month": 4}, "period", "'CY'", "'FY'",
     "defbudget.fiscal.calendarise"),
], ids=["currencies", "price_bases", "periods"])
@pytest.mark.parametrize("operation", ["share_of_total", "difference"])
def test_arithmetic_mixing_bases_is_refused(change, column, a, b, fix, operation):
    frame = _mixed(**change)
    call = {"share_of_total": lambda: compare.share_of_total(frame),
            "difference": lambda: compare.difference(frame, "Japan", "Australia")}[operation]
    with pytest.raises(BasisMismatchError) as info:
        call()
    msg = str(info.value)
    assert f"compare.{operation}" in msg
    assert f"different {column}: {a} and {b}" in msg
    assert fix in msg


def _shares(values, iso3=("JPN", "DEU"), year=2020, measure="milex_share_gdp", unit="ratio"):
    return pd.DataFrame({"country": list(iso3), "iso3": list(iso3), "year": year,
                         "measure": measure, "unit": unit, "value": values})


@pytest.mark.parametrize(("frame", "needle"), [
    (_shares([0.01, -0.013]), "negative"),
    (_shares([0.01, 1.3]), "above the 50% limit"),
    (_shares([0.01, 1.3], measure="milex_share_govt"), "above the 100% limit"),
    (_shares([4e10, 5.5e16], measure="milex", unit="USD"), "more than the whole world"),
], ids=["negative", "share_of_gdp_above_50pct", "share_of_govt_above_100pct",
        "usd_scaled_twice"])
def test_sanity_check_flags_negative_and_absurd_values(frame, needle):
    with pytest.raises(SanityError) as info:
        sanity_check(frame, name="my_series.csv")
    msg = str(info.value)
    assert msg.startswith("my_series.csv: 1 implausible")  # the file
    assert "row 1 (index 1): DEU 2020" in msg  # the row
    assert needle in msg
    assert "expected non-negative values" in msg  # what was expected
    assert "allow=[(iso3, year)" in msg and "unit scaling" in msg  # the fixes
    assert info.value.rows["iso3"].tolist() == ["DEU"]


def test_known_outliers_pass_and_are_cited():
    kuwait = next(o for o in KNOWN_OUTLIERS if (o.iso3, o.year) == ("KWT", 1991))
    assert kuwait.value > 1.0 and "SIPRI" in kuwait.citation and "ourworldindata" in kuwait.citation
    frame = _shares([kuwait.value, 0.485], iso3=("KWT", "KWT"))
    frame["year"] = [1991, 1990]
    assert sanity_check(frame) is frame
    # Kuwait 1991 is allowed only for its share of GDP, not for any measure
    with pytest.raises(SanityError):
        sanity_check(frame.assign(measure="milex_share_govt"))


def test_sanity_check_user_allow_list_and_no_mutation():
    frame = _shares([0.01, 0.9])
    before = frame.copy()
    assert sanity_check(frame, allow=[("DEU", 2020)]) is frame
    pd.testing.assert_frame_equal(frame, before)


USER_CALL_KINDS = ("unknown_country", "mixed_currencies", "mixed_price_bases",
                   "mixed_periods", "sanity_negative", "sanity_share_gdp", "sanity_share_govt",
                   "sanity_usd_scaled_twice")


# --- the count: kinds, and raw tracebacks escaping from third-party code ----------------------

_OWN = str(Path(sys.modules["defbudget"].__file__).parent)


def _escaped(exc: BaseException) -> bool:
    """True if *exc* is a third-party exception type or was raised inside third-party code."""
    own_type = type(exc).__module__.startswith("defbudget") or type(exc).__module__ == "builtins"
    frames = traceback.extract_tb(exc.__traceback__)
    raised_in_own = bool(frames) and frames[-1].filename.startswith(_OWN)
    return not (own_type and raised_in_own)


def test_no_raw_tracebacks_escape(tmp_path, capsys):
    kinds = 0
    escaped = []
    for kind, spec in sorted(FILE_KINDS.items()):
        folder = tmp_path / kind.replace("/", "_").replace("%", "pct").replace(",", "_")
        folder.mkdir()
        path = spec.make(folder)
        kinds += 1
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                _call_reader(spec.reader, path)
        except Exception as exc:
            if _escaped(exc):
                escaped.append(f"{kind}: {type(exc).__module__}.{type(exc).__name__}: {exc}")
        else:
            escaped.append(f"{kind}: no error at all")
    kinds += len(READ_FINE_KINDS) + len(USER_CALL_KINDS)
    with capsys.disabled():
        print(f"\ncorpus: {kinds} kinds, {len(escaped)} raw tracebacks escaping")
    assert kinds >= 25
    assert escaped == []

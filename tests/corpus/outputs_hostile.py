"""Hostile inputs for the WDI/OWID readers, the kit's outputs, its arguments and its cache.

Each :class:`Case` builds what a hostile or careless user would hand the kit (a file, a
frame, a command line) in a temporary folder, runs the call they would make, and states
the exact outcome: the error class and the words its message must hold (the file, line,
argument or limit, and the fix), or a check of the exact frame or output written.
``tests/test_outputs_hostile.py`` runs every case. Nothing binary is committed.

Families: ``wdi``, ``owid`` (readers), ``rates`` (ECB rate file), ``csv_safety`` (formula
text, foreign files), ``temp`` (unique and stale temp files, OS errors), ``excel`` (row
limit), ``cache``, ``fx``, ``compare_empty``, ``plot_nan``, ``cli`` (arguments, Ctrl-C, inf,
error boundary).
"""

from __future__ import annotations

import contextlib
import io
import os
import pickle
import sys
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/, for sipri_factory

__all__ = ["CASES", "FORMULA_PAYLOAD", "Case", "cli_run"]

#: The issue's example: a CSV field Excel would run as a command.
FORMULA_PAYLOAD = "=cmd|' /C calc'!A0"

WDI_NAME = "API_MS.MIL.XPND.CD_DS2_en_csv_v2_1.csv"
WDI_META = "Metadata_Country_" + WDI_NAME
WDI_PREAMBLE = ('"Data Source","World Development Indicators",\n\n'
                '"Last Updated Date","2024-03-28",\n\n')
WDI_IDS = '"Country Name","Country Code","Indicator Name","Indicator Code"'
OWID_NAME = "military-spending-as-a-share-of-gdp-sipri.csv"
OWID_HEADER = "Entity,Code,Year,Military expenditure (% of GDP)\n"


@dataclass(frozen=True)
class Case:
    """One hostile input: *run(tmp)* makes it and calls the kit.

    Either *error* (the exception class name) and *needles* (each must appear in the
    message; ``{tmp}`` is replaced by the temporary folder), or *check(result, tmp)* for an
    outcome that is not an error.
    """

    family: str
    run: Callable[[Path], object]
    error: str | None = None
    needles: tuple[str, ...] = ()
    check: Callable[[object, Path], None] | None = None
    absent: tuple[str, ...] = field(default=())  # words the message must not hold


CASES: dict[str, Case] = {}


def case(name: str, family: str, **kwargs) -> Callable:
    def register(run: Callable[[Path], object]) -> Callable[[Path], object]:
        if name in CASES:
            raise AssertionError(f"duplicate case {name}")
        CASES[name] = Case(family, run, **kwargs)
        return run
    return register


# =========================================================================================
# WDI
# =========================================================================================

def _wdi_file(tmp: Path, rows: list[str], *, years=("2021", "2022"), meta: str | None = None,
              raw_meta: bytes | None = None, indicator: str = "MS.MIL.XPND.CD") -> Path:
    header = WDI_IDS + "".join(f',"{y}"' for y in years) + ",\n"
    body = "".join(
        f'"{r[0]}","{r[1]}","x","{indicator}",' + ",".join(f'"{v}"' for v in r[2:]) + ",\n"
        for r in rows)
    path = tmp / WDI_NAME
    path.write_text(WDI_PREAMBLE + header + body, encoding="utf-8-sig")
    if meta is not None:
        (tmp / WDI_META).write_text(meta, encoding="utf-8-sig")
    if raw_meta is not None:
        (tmp / WDI_META).write_bytes(raw_meta)
    return path


def _read_wdi(path: Path, **kw):
    from defbudget.readers.worldbank import read_wdi_csv

    return read_wdi_csv(path, **kw)


def _read_owid(path: Path, **kw):
    from defbudget.readers.owid import read_owid_csv

    return read_owid_csv(path, **kw)


JAPAN = ("Japan", "JPN", "1", "2")
META_OK = '"Country Code","Region",\n"JPN","East Asia & Pacific",\n"WLD","",\n'


@case("wdi_duplicate_row", "wdi", error="WdiFormatError",
      needles=(WDI_NAME, "lines 6 and 7", "Country Code='JPN'", "expected each once"))
def _(tmp):
    return _read_wdi(_wdi_file(tmp, [JAPAN, JAPAN], meta=META_OK))


@case("wdi_duplicate_row_zero_width_space", "wdi", error="WdiFormatError",
      needles=(WDI_NAME, "lines 6 and 7", "same country code and indicator"))
def _(tmp):
    return _read_wdi(_wdi_file(tmp, [JAPAN, ("Japan", "JP\u200bN", "1", "2")], meta=META_OK))


@case("wdi_duplicate_year_column", "wdi", error="WdiFormatError",
      needles=(WDI_NAME, "line 5", "year 2021 is both column 5 and column 6",
               "each year once"))
def _(tmp):
    return _read_wdi(_wdi_file(tmp, [JAPAN], years=("2021", "2021"), meta=META_OK))


@case("wdi_fractional_year_header", "wdi", error="WdiFormatError",
      needles=(WDI_NAME, "line 5, column 6", "'2021.5' is not a year", "whole years"))
def _(tmp):
    return _read_wdi(_wdi_file(tmp, [JAPAN], years=("2021", "2021.5"), meta=META_OK))


@case("wdi_negative_year_header", "wdi", error="WdiFormatError",
      needles=(WDI_NAME, "line 5, column 5", "'-2021' is not a year"))
def _(tmp):
    return _read_wdi(_wdi_file(tmp, [JAPAN], years=("-2021", "2022"), meta=META_OK))


@case("wdi_text_year_header", "wdi", error="WdiFormatError",
      needles=(WDI_NAME, "line 5, column 6", "'Total' is not a year"))
def _(tmp):
    return _read_wdi(_wdi_file(tmp, [JAPAN], years=("2021", "Total"), meta=META_OK))


@case("wdi_inf_value", "wdi", error="WdiFormatError",
      needles=(WDI_NAME, "line 6, column '2022'", "inf is not a finite number"))
def _(tmp):
    return _read_wdi(_wdi_file(tmp, [("Japan", "JPN", "1", "inf")], meta=META_OK))


@case("wdi_minus_inf_value", "wdi", error="WdiFormatError",
      needles=(WDI_NAME, "line 7, column '2021'", "-inf is not a finite number"))
def _(tmp):
    return _read_wdi(_wdi_file(tmp, [JAPAN, ("World", "WLD", "-Infinity", "")],
                               meta=META_OK))


def _japan_is_a_country(frame, tmp):
    jp = frame[frame["country"] == "Japan"]
    assert jp["iso3"].tolist() == ["JPN", "JPN"], jp
    assert jp["region"].tolist() == ["East Asia & Pacific"] * 2
    assert jp["value"].tolist() == [1.0, 2.0]


@case("wdi_lower_case_code", "wdi", check=_japan_is_a_country)
def _(tmp):
    return _read_wdi(_wdi_file(tmp, [("Japan", "jpn", "1", "2")], meta=META_OK))


@case("wdi_lower_case_code_in_metadata", "wdi", check=_japan_is_a_country)
def _(tmp):
    return _read_wdi(_wdi_file(tmp, [JAPAN], meta='"Country Code","Region",\n'
                                                  '"jpn","East Asia & Pacific",\n'))


@case("wdi_lower_case_code_without_metadata", "wdi",
      check=lambda f, tmp: (f["iso3"].tolist() == ["JPN", "JPN"]) or (_ for _ in ()).throw(
          AssertionError(f["iso3"].tolist())))
def _(tmp):
    return _read_wdi(_wdi_file(tmp, [("Japan", "jpn", "1", "2")]))


@case("wdi_invisible_character_in_code", "wdi", check=_japan_is_a_country)
def _(tmp):
    return _read_wdi(_wdi_file(tmp, [("Ja\u200bpan", "JP\u200bN", "1", "2")], meta=META_OK))


@case("wdi_metadata_empty", "wdi", error="WdiFormatError",
      needles=(WDI_META, "is empty", "Metadata_Country_"))
def _(tmp):
    return _read_wdi(_wdi_file(tmp, [JAPAN], raw_meta=b""))


@case("wdi_metadata_latin1", "wdi", error="WdiFormatError",
      needles=(WDI_META, "cannot be read as UTF-8", "Latin-1", "Metadata_Country_"))
def _(tmp):
    return _read_wdi(_wdi_file(tmp, [JAPAN], raw_meta='"Country Code","Region",\n'
                               '"CIV","Afrique de l\'Ouest \u00e9t\u00e9",\n'.encode("latin-1")))


@case("wdi_metadata_utf16", "wdi", error="WdiFormatError",
      needles=(WDI_META, "is UTF-16 text; expected UTF-8", "Metadata_Country_"))
def _(tmp):
    return _read_wdi(_wdi_file(tmp, [JAPAN], raw_meta=META_OK.encode("utf-16")))


@case("wdi_metadata_ragged", "wdi", error="WdiFormatError",
      needles=(WDI_META, "line 3", "cannot be parsed as CSV", "as many fields as the header"))
def _(tmp):
    return _read_wdi(_wdi_file(tmp, [JAPAN], raw_meta=b'"Country Code","Region"\n'
                               b'"JPN","East Asia"\n"WLD","","x","y"\n'))


@case("wdi_metadata_wrong_columns", "wdi", error="WdiFormatError",
      needles=(WDI_META, "'Country Code' and 'Region'", "Metadata_Country_"))
def _(tmp):
    return _read_wdi(_wdi_file(tmp, [JAPAN], raw_meta=b'"Code","Area"\n"JPN","Asia"\n'))


@case("wdi_over_long_field", "wdi", error="WdiFormatError",
      needles=(WDI_NAME, "cannot be parsed as CSV", "field larger than field limit",
               "data.worldbank.org"))
def _(tmp):
    path = tmp / WDI_NAME
    path.write_text('"Data Source","' + "W" * 200_000 + '",\n' + WDI_PREAMBLE[45:],
                    encoding="utf-8")
    return _read_wdi(path)


@case("wdi_utf16_file", "wdi", error="WdiFormatError",
      needles=(WDI_NAME, "cannot be read as a UTF-8 CSV", "data.worldbank.org"))
def _(tmp):
    path = tmp / WDI_NAME
    path.write_text(WDI_PREAMBLE, encoding="utf-16")
    return _read_wdi(path)


@case("wdi_ragged_data_line", "wdi", error="WdiFormatError",
      needles=(WDI_NAME, "line ", "cannot be parsed as CSV", "data.worldbank.org"))
def _(tmp):
    path = _wdi_file(tmp, [JAPAN], meta=META_OK)
    with open(path, "a", encoding="utf-8") as fh:
        fh.write('"World","WLD","x","MS.MIL.XPND.CD","1","2","3","4","5",\n')
    return _read_wdi(path)


@case("wdi_negative_spending", "wdi", error="SanityError",
      needles=(WDI_NAME, "Japan 2022 milex", "negative", "allow="))
def _(tmp):
    return _read_wdi(_wdi_file(tmp, [("Japan", "JPN", "1", "-2")], meta=META_OK))


@case("wdi_share_above_half_of_gdp", "wdi", error="SanityError",
      needles=(WDI_NAME, "Japan 2021 milex_share_gdp", "above the 50% limit"))
def _(tmp):
    return _read_wdi(_wdi_file(tmp, [("Japan", "JPN", "60", "1")], meta=META_OK,
                               indicator="MS.MIL.XPND.GD.ZS"))


@case("wdi_1e308_dollars", "wdi", error="SanityError",
      needles=(WDI_NAME, "Japan 2021", "more than the whole world spends"))
def _(tmp):
    return _read_wdi(_wdi_file(tmp, [("Japan", "JPN", "1E+308", "1")], meta=META_OK))


@case("wdi_negative_gdp", "wdi", error="SanityError",
      needles=(WDI_NAME, "Japan 2021 gdp", "is negative"))
def _(tmp):
    return _read_wdi(_wdi_file(tmp, [("Japan", "JPN", "-5e12", "1")], meta=META_OK,
                               indicator="NY.GDP.MKTP.CD"))


# =========================================================================================
# OWID
# =========================================================================================

def _owid_file(tmp: Path, body: str, *, header: str = OWID_HEADER, name: str = OWID_NAME,
               raw: bytes | None = None) -> Path:
    path = tmp / name
    if raw is not None:
        path.write_bytes(raw)
    else:
        path.write_text(header + body, encoding="utf-8")
    return path


@case("owid_duplicate_row", "owid", error="OwidFormatError",
      needles=(OWID_NAME, "lines 2 and 3", "Entity='Japan'", "expected each once"))
def _(tmp):
    return _read_owid(_owid_file(tmp, "Japan,JPN,2020,1.0\nJapan,JPN,2020,1.0\n"))


@case("owid_duplicate_row_zero_width_space", "owid", error="OwidFormatError",
      needles=(OWID_NAME, "lines 2 and 3", "same entity, code and year"))
def _(tmp):
    return _read_owid(_owid_file(tmp, "Japan,JPN,2020,1.0\nJa\u200bpan,JPN,2020,1.1\n"))


@case("owid_duplicate_row_bidi_override", "owid", error="OwidFormatError",
      needles=(OWID_NAME, "lines 2 and 3"))
def _(tmp):
    return _read_owid(_owid_file(tmp, "Japan,JPN,2020,1.0\n\u202eJapan,JPN,2020,1.1\n"))


@case("owid_same_code_two_names", "owid", error="OwidFormatError",
      needles=(OWID_NAME, "lines 2 and 3", "same code and year", "Code='JPN'"))
def _(tmp):
    return _read_owid(_owid_file(tmp, "Japan,JPN,2020,1.0\nNippon,JPN,2020,1.1\n"))


@case("owid_duplicate_year_column", "owid", error="OwidFormatError",
      needles=(OWID_NAME, "line 1", "['Year']", "more than once"))
def _(tmp):
    return _read_owid(_owid_file(tmp, "Japan,JPN,2020,2021,1.0\n",
                                 header="Entity,Code,Year,Year,Military expenditure "
                                        "(% of GDP)\n"))


@case("owid_fractional_year", "owid", error="OwidFormatError",
      needles=(OWID_NAME, "line 3, column 'Year'", "'2020.5'", "whole year"))
def _(tmp):
    return _read_owid(_owid_file(tmp, "Japan,JPN,2019,1.0\nJapan,JPN,2020.5,1.0\n"))


@case("owid_negative_year", "owid", error="OwidFormatError",
      needles=(OWID_NAME, "line 2, column 'Year'", "'-2020'", "no negative years"))
def _(tmp):
    return _read_owid(_owid_file(tmp, "Japan,JPN,-2020,1.0\n"))


@case("owid_empty_year", "owid", error="OwidFormatError",
      needles=(OWID_NAME, "line 2, column 'Year'", "''"))
def _(tmp):
    return _read_owid(_owid_file(tmp, "Japan,JPN,,1.0\n"))


@case("owid_inf_value", "owid", error="OwidFormatError",
      needles=(OWID_NAME, "line 3, column 'Military expenditure (% of GDP)'",
               "inf is not a finite number"))
def _(tmp):
    return _read_owid(_owid_file(tmp, "Japan,JPN,2019,1.0\nJapan,JPN,2020,inf\n"))


@case("owid_text_value", "owid", error="OwidFormatError",
      needles=(OWID_NAME, "line 2", "'1,2'", "ourworldindata.org"))
def _(tmp):
    return _read_owid(_owid_file(tmp, 'Japan,JPN,2019,"1,2"\n'))


def _jpn_country(frame, tmp):
    assert frame["iso3"].tolist() == ["JPN"], frame["iso3"].tolist()
    assert frame["value"].tolist() == [0.01]


@case("owid_lower_case_code", "owid", check=_jpn_country)
def _(tmp):
    return _read_owid(_owid_file(tmp, "Japan,jpn,2020,1.0\n"))


def _kosovo(frame, tmp):
    assert frame.set_index("country")["iso3"].to_dict() == {"Kosovo": "XKX", "World": None} \
        or (frame.loc[frame["country"] == "Kosovo", "iso3"].tolist() == ["XKX"]
            and frame.loc[frame["country"] == "World", "iso3"].isna().all()), frame


@case("owid_invisible_characters_in_name_and_code", "owid",
      check=lambda f, tmp: f[["country", "iso3"]].values.tolist() == [["Japan", "JPN"]] or (
          _ for _ in ()).throw(AssertionError(f[["country", "iso3"]])))
def _(tmp):
    return _read_owid(_owid_file(tmp, "\u202eJa\u200bpan,J\u200bPN,2020,1.0\n"))


@case("owid_kosovo_gets_xkx", "owid", check=_kosovo)
def _(tmp):
    return _read_owid(_owid_file(tmp, "Kosovo,OWID_KOS,2020,0.9\nWorld,OWID_WRL,2020,2.2\n"))


@case("owid_empty_file", "owid", error="OwidFormatError",
      needles=(OWID_NAME, "is empty", "Full data (CSV)"))
def _(tmp):
    return _read_owid(_owid_file(tmp, "", raw=b""))


@case("owid_latin1", "owid", error="OwidFormatError",
      needles=(OWID_NAME, "cannot be read as UTF-8", "Latin-1"))
def _(tmp):
    return _read_owid(_owid_file(tmp, "", raw=(OWID_HEADER + "C\u00f4te d'Ivoire,CIV,2020,1.0\n")
                                 .encode("latin-1")))


@case("owid_utf16", "owid", error="OwidFormatError",
      needles=(OWID_NAME, "is UTF-16 text; expected UTF-8"))
def _(tmp):
    return _read_owid(_owid_file(tmp, "", raw=(OWID_HEADER + "Japan,JPN,2020,1.0\n")
                                 .encode("utf-16")))


@case("owid_ragged_line", "owid", error="OwidFormatError",
      needles=(OWID_NAME, "line 3", "cannot be parsed as CSV"))
def _(tmp):
    return _read_owid(_owid_file(tmp, "Japan,JPN,2019,1.0\nJapan,JPN,2020,1.0,x,y\n"))


@case("owid_negative_share", "owid", error="SanityError",
      needles=(OWID_NAME, "Japan 2020 milex_share_gdp", "negative"))
def _(tmp):
    return _read_owid(_owid_file(tmp, "Japan,JPN,2020,-1.0\n"))


@case("owid_share_above_half_of_gdp", "owid", error="SanityError",
      needles=(OWID_NAME, "Japan 2020", "above the 50% limit", "KNOWN_OUTLIERS"))
def _(tmp):
    return _read_owid(_owid_file(tmp, "Japan,JPN,2020,60\n"))


@case("owid_kuwait_1991_is_a_known_outlier", "owid",
      check=lambda f, tmp: np.testing.assert_allclose(f["value"].tolist(), [1.1734983]))
def _(tmp):
    return _read_owid(_owid_file(tmp, "Kuwait,KWT,1991,117.34983\n"))


@case("owid_gmsd_share_above_100", "owid", error="SanityError",
      needles=("gmsd.csv", "Japan 2020", "above 100 %"))
def _(tmp):
    return _read_owid(_owid_file(tmp, "Japan,JPN,2020,101\n",
                                 name="military-spending-as-a-share-of-gdp-gmsd.csv"))


@case("owid_gmsd_wartime_share_is_kept", "owid",
      check=lambda f, tmp: np.testing.assert_allclose(f["value"].tolist(), [0.947]))
def _(tmp):
    return _read_owid(_owid_file(tmp, "Eswatini,SWZ,1969,94.7\n",
                                 name="military-spending-as-a-share-of-gdp-gmsd.csv"))


@case("wdi_kosovo_keeps_xkx", "wdi",
      check=lambda f, tmp: f.loc[f["country"] == "Kosovo", "iso3"].tolist() == ["XKX"] * 2
      or (_ for _ in ()).throw(AssertionError(f)))
def _(tmp):
    return _read_wdi(_wdi_file(tmp, [("Kosovo", "XKX", "1", "2")],
                               meta='"Country Code","Region",\n"XKX","Europe & Central Asia",\n'))


@case("gmsd_kosovo_is_xkx_like_sipri", "owid",
      check=lambda r, tmp: r == ({"XKX"}, "XKX") or (_ for _ in ()).throw(AssertionError(r)))
def _(tmp):
    from defbudget import load
    from defbudget.readers._countries import ISO3_OVERRIDES

    gmsd = load("gmsd_burden")
    return set(gmsd.loc[gmsd["country"] == "Kosovo", "iso3"]), ISO3_OVERRIDES["Kosovo"]


@case("schema_documents_xkx_as_user_assigned", "owid",
      check=lambda r, tmp: ("user-assigned" in r and "not ISO 3166-1" in r) or (
          _ for _ in ()).throw(AssertionError(r)))
def _(tmp):
    from defbudget import schema

    return schema.USER_ASSIGNED_CODES["XKX"] + " " + schema.__doc__


@case("rate_file_over_long_field", "rates", error="RateFileError",
      needles=("eurofxref-hist.csv", "cannot be parsed as CSV", "field larger than field limit",
               "defbudget get rates"))
def _(tmp):
    from defbudget._ratefile import describe

    path = tmp / "eurofxref-hist.csv"
    path.write_text("Date,USD,JPY\n2024-01-02," + "9" * 200_000 + ",150\n")
    return describe(path)


# =========================================================================================
# CSV safety: formula text, files the kit did not write
# =========================================================================================

def _text_frame(text: str) -> pd.DataFrame:
    return pd.DataFrame({"country": [text], "value": [1.5]})


def _write(tmp: Path, frame: pd.DataFrame, name: str = "out.csv", **kw) -> str:
    from defbudget._outputs import write_csv

    path = write_csv(frame, tmp / name, replace=kw.pop("replace", False), **kw)
    return path.read_bytes().decode("utf-8")


for _lead, _label in (("=", "equals"), ("+", "plus"), ("-", "minus"), ("@", "at"),
                      ("\t", "tab"), ("\r", "cr")):
    def _make(lead=_lead):
        text = f"{lead}HYPERLINK(\"http://x\")"

        def run(tmp):
            return _write(tmp, _text_frame(text))

        def check(out, tmp):
            rows = pd.read_csv(io.StringIO(out), dtype=str, keep_default_na=False)
            assert rows["country"].tolist() == ["'" + text], rows
            assert rows["value"].tolist() == ["1.5"]
        return run, check
    _run, _check = _make()
    case(f"csv_leading_{_label}_is_neutralised", "csv_safety", check=_check)(_run)


@case("csv_issue_payload_is_neutralised", "csv_safety",
      check=lambda out, tmp: out == "country,value\n'=cmd|' /C calc'!A0,1.5\n" or (
          _ for _ in ()).throw(AssertionError(repr(out))))
def _(tmp):
    return _write(tmp, _text_frame(FORMULA_PAYLOAD))


@case("csv_bare_cr_inside_text_is_quoted", "csv_safety",
      check=lambda out, tmp: out == '"country","value"\n"Ja\rpan",1.5\n"\'\r",1.5\n' or (
          _ for _ in ()).throw(AssertionError(repr(out))))
def _(tmp):
    """pandas leaves a field holding a bare CR unquoted, which readers take for a new row."""
    return _write(tmp, pd.DataFrame({"country": ["Ja\rpan", "\r"], "value": [1.5, 1.5]}))


@case("csv_column_name_is_neutralised", "csv_safety",
      check=lambda out, tmp: out.splitlines()[0] == "'=1+1,value" or (_ for _ in ()).throw(
          AssertionError(out)))
def _(tmp):
    return _write(tmp, pd.DataFrame({"=1+1": ["a"], "value": [1]}))


@case("csv_negative_numbers_stay_numbers", "csv_safety",
      check=lambda out, tmp: out == "country,value\nJapan,-1.5\n" or (_ for _ in ()).throw(
          AssertionError(out)))
def _(tmp):
    return _write(tmp, pd.DataFrame({"country": ["Japan"], "value": [-1.5]}))


def _sipri_with_payload(tmp: Path) -> Path:
    import openpyxl
    from sipri_factory import DEFAULT_COUNTRIES, FakeCountry, make_sipri_workbook

    countries = list(DEFAULT_COUNTRIES)[:3]
    first = countries[0]
    countries[0] = FakeCountry("PAYLOAD", first.region, first.subregion, values=first.values)
    path = make_sipri_workbook(tmp / "SIPRI-Milex-data-2019-2023.xlsx", countries=countries,
                               sheets=("current_usd",))
    wb = openpyxl.load_workbook(path)
    for ws in wb:
        for row in ws.iter_rows():
            for cell in row:
                if cell.value == "PAYLOAD":  # a text cell, as a hostile workbook holds it
                    cell.value = None
                    cell._value = FORMULA_PAYLOAD
                    cell.data_type = "s"
    wb.save(path)
    return path


def cli_run(argv: list[str]) -> tuple[int, str, str]:
    """Run ``defbudget ARGV`` in this process: (exit status, stdout, stderr)."""
    from defbudget import cli

    out, err = io.StringIO(), io.StringIO()
    with (contextlib.redirect_stdout(out), contextlib.redirect_stderr(err),
          warnings.catch_warnings()):
        warnings.simplefilter("ignore")
        try:
            code = cli.main(argv)
        except SystemExit as exc:  # argparse
            code = exc.code
    return code, out.getvalue(), err.getvalue()


def _sipri_csv_check(result, tmp):
    code, _, err = result
    assert code == 0, err
    lines = (tmp / "sipri.csv").read_text(encoding="utf-8").splitlines()
    payload = [ln for ln in lines if "calc" in ln]
    assert payload and all(ln.startswith("'=cmd|' /C calc'!A0,") for ln in payload), payload
    assert all(ln.endswith(",'=cmd|' /C calc'!A0") for ln in payload), payload


@case("cli_sipri_to_csv_neutralises_the_issue_payload", "csv_safety", check=_sipri_csv_check)
def _(tmp):
    book = _sipri_with_payload(tmp)
    return cli_run(["sipri", str(book), "--to", "csv", "-o", str(tmp / "sipri.csv")])


def _refused(needles: tuple[str, ...], keep: str, content: bytes):
    def check(result, tmp):
        code, out, err = result
        assert code == 2, (code, out, err)
        assert err.count("\n") == 1, err
        for n in needles:
            assert n.replace("{tmp}", str(tmp)) in err, (n, err)
        assert (tmp / keep).read_bytes() == content, "the file was modified"
    return check


INPUT_CSV = b"Entity,Code,Year,Military expenditure (% of GDP)\nJapan,JPN,2020,1.0\n"


@case("cli_sipri_force_refuses_an_input_csv", "csv_safety",
      check=_refused(("input.csv", "was not written by defbudget", "--force or not"),
                     "input.csv", INPUT_CSV))
def _(tmp):
    from sipri_factory import make_sipri_workbook

    book = make_sipri_workbook(tmp / "SIPRI-Milex-data-2019-2023.xlsx",
                               sheets=("current_usd",))
    (tmp / "input.csv").write_bytes(INPUT_CSV)
    return cli_run(["sipri", str(book), "--to", "csv", "--force", "-o", str(tmp / "input.csv")])


@case("cli_sipri_force_refuses_the_workbook_renamed_csv", "csv_safety",
      check=lambda r, tmp: (r[0] == 2 and "was not written by defbudget" in r[2]) or (
          _ for _ in ()).throw(AssertionError(r)))
def _(tmp):
    from sipri_factory import make_sipri_workbook

    book = make_sipri_workbook(tmp / "SIPRI-Milex-data-2019-2023.xlsx",
                               sheets=("current_usd",))
    (tmp / "copy.csv").write_bytes(book.read_bytes())
    return cli_run(["sipri", str(book), "--to", "csv", "--force", "-o", str(tmp / "copy.csv")])


@case("cli_sipri_without_force_refuses_an_existing_file", "csv_safety",
      check=_refused(("out.csv exists; pass --force",), "out.csv", b"old"))
def _(tmp):
    (tmp / "out.csv").write_bytes(b"old")
    return cli_run(["sipri", str(tmp / "x.xlsx"), "--to", "csv", "-o", str(tmp / "out.csv")])


def _replaced_own(result, tmp):
    code, _, err = result
    assert code == 0, err
    text = (tmp / "sipri.csv").read_text(encoding="utf-8")
    assert text.startswith("country,iso3,year,period,") and "old row" not in text


@case("cli_sipri_force_replaces_its_own_csv", "csv_safety", check=_replaced_own)
def _(tmp):
    from sipri_factory import make_sipri_workbook

    from defbudget.schema import COLUMNS

    book = make_sipri_workbook(tmp / "SIPRI-Milex-data-2019-2023.xlsx",
                               sheets=("current_usd",))
    (tmp / "sipri.csv").write_text(",".join(COLUMNS) + "\nold row\n", encoding="utf-8")
    return cli_run(["sipri", str(book), "--to", "csv", "--force", "-o", str(tmp / "sipri.csv")])


@case("report_csv_refuses_a_foreign_file", "csv_safety", error="FileExistsError",
      needles=("japan_mod_budget.csv", "was not written by defbudget", "report CSV"))
def _(tmp):
    from defbudget.report import _write_csv_atomic

    (tmp / "japan_mod_budget.csv").write_text("my,own\n1,2\n")
    return _write_csv_atomic(pd.DataFrame({"a": [1]}), tmp / "japan_mod_budget.csv")


@case("report_summary_refuses_a_foreign_file", "csv_safety", error="FileExistsError",
      needles=("summary.md", "was not written by defbudget"))
def _(tmp):
    from defbudget.report import _write_text_atomic

    (tmp / "summary.md").write_text("# My thesis notes\n")
    return _write_text_atomic("# defbudget report — key figures\n", tmp / "summary.md")


@case("report_summary_replaces_its_own", "csv_safety",
      check=lambda r, tmp: (tmp / "summary.md").read_text() == "# defbudget report — key "
      "figures\nnew\n" or (_ for _ in ()).throw(AssertionError((tmp / "summary.md").read_text())))
def _(tmp):
    from defbudget.report import _write_text_atomic

    (tmp / "summary.md").write_text("# defbudget report — key figures\nold\n")
    return _write_text_atomic("# defbudget report — key figures\nnew\n", tmp / "summary.md")


@case("chart_refuses_to_replace_a_csv_named_png", "csv_safety", error="FileExistsError",
      needles=("chart.png", "was not written by defbudget", "overwrite or not"))
def _(tmp):
    import matplotlib.pyplot as plt

    from defbudget import plot

    (tmp / "chart.png").write_bytes(INPUT_CSV)
    fig, _ = plt.subplots()
    return plot.save(fig, tmp / "chart.png")


@case("write_csv_refuses_a_symlink", "csv_safety", error="FileExistsError",
      needles=("link.csv", "was not written by defbudget"))
def _(tmp):
    (tmp / "target.csv").write_text("a\n1\n")
    (tmp / "link.csv").symlink_to(tmp / "target.csv")
    return _write(tmp, pd.DataFrame({"a": [2]}), name="link.csv", replace=True)


# =========================================================================================
# Temp files
# =========================================================================================

def _temps(tmp: Path) -> list[str]:
    return sorted(p.name for p in tmp.iterdir() if p.name.startswith("."))


def _unique(result, tmp):
    a, b = result
    assert a != b and a.parent == b.parent == tmp, result
    assert a.name.startswith(f".out.csv.{os.getpid()}-") and a.name.endswith(".csv")


@case("temp_names_are_unique", "temp", check=_unique)
def _(tmp):
    from defbudget._atomic import atomic_output

    with atomic_output(tmp / "out.csv", suffix=".csv") as a, \
            atomic_output(tmp / "out.csv", suffix=".csv") as b:
        a.write_text("1")
        b.write_text("2")
        return a, b


def _four_writers(result, tmp):
    assert result == [None] * 4, result
    text = (tmp / "same.csv").read_text()
    assert text in {f"writer\n{i}\n" for i in range(4)}, text
    assert _temps(tmp) == []


@case("temp_four_simultaneous_writers_into_one_file", "temp", check=_four_writers)
def _(tmp):
    import threading

    from defbudget.report import _write_csv_atomic

    errors: list = [None] * 4

    def work(i):
        try:
            for _ in range(20):
                _write_csv_atomic(pd.DataFrame({"writer": [i]}), tmp / "same.csv")
        except Exception as exc:
            errors[i] = exc

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def _dead_pid() -> int:
    pid = 4_000_000  # above Linux's pid_max (4,194,304 at most): never alive
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return pid
        except PermissionError:
            pass
        pid += 1


@case("temp_debris_of_a_killed_run_is_removed", "temp",
      check=lambda r, tmp: (_temps(tmp) == [] and (tmp / "out.csv").read_text() == "a\n1\n")
      or (_ for _ in ()).throw(AssertionError(_temps(tmp))))
def _(tmp):
    (tmp / f".out.csv.{_dead_pid()}-abc123.csv").write_text("trunc")
    return _write(tmp, pd.DataFrame({"a": [1]}))


@case("temp_of_a_live_writer_is_kept", "temp",
      check=lambda r, tmp: _temps(tmp) == [f".out.csv.{os.getppid()}-live.csv"] or (
          _ for _ in ()).throw(AssertionError(_temps(tmp))))
def _(tmp):
    (tmp / f".out.csv.{os.getppid()}-live.csv").write_text("in progress")
    return _write(tmp, pd.DataFrame({"a": [1]}))


@case("temp_old_fixed_name_debris_is_removed", "temp",
      check=lambda r, tmp: _temps(tmp) == [] or (_ for _ in ()).throw(
          AssertionError(_temps(tmp))))
def _(tmp):
    old = tmp / ".summary.md.tmp"
    old.write_text("trunc")
    os.utime(old, (1_000_000_000, 1_000_000_000))
    from defbudget.report import _write_text_atomic

    return _write_text_atomic("# defbudget report — key figures\n", tmp / "summary.md")


@case("temp_other_files_are_left_alone", "temp",
      check=lambda r, tmp: _temps(tmp) == [".other.csv.1-x.csv", ".out.csv.notapid.csv"]
      or (_ for _ in ()).throw(AssertionError(_temps(tmp))))
def _(tmp):
    (tmp / ".other.csv.1-x.csv").write_text("x")
    (tmp / ".out.csv.notapid.csv").write_text("x")
    return _write(tmp, pd.DataFrame({"a": [1]}))


@case("temp_os_error_names_the_destination", "temp", error="NotADirectoryError",
      needles=("cannot write '{tmp}/afile/out.csv'",), absent=(".tmp", ".out.csv."))
def _(tmp):
    (tmp / "afile").write_text("x")
    from defbudget._atomic import atomic_output

    with atomic_output(tmp / "afile" / "out.csv") as t:
        t.write_text("never")


@case("temp_disk_full_names_the_destination", "temp", error="OSError",
      needles=("[Errno 28] cannot write '{tmp}/out.csv': No space left on device",
               "free some disk space"), absent=(".out.csv.",))
def _(tmp):
    import errno

    from defbudget._atomic import atomic_output

    with atomic_output(tmp / "out.csv", suffix=".csv") as t:
        raise OSError(errno.ENOSPC, "No space left on device", str(t))


@case("excel_disk_full_names_the_workbook", "temp", error="OSError",
      needles=("cannot write '{tmp}/japan.xlsx': No space left on device",),
      absent=(".japan.xlsx.",))
def _(tmp):
    import errno

    import xlsxwriter

    from defbudget.excel import to_excel

    real = xlsxwriter.Workbook.close

    def full(self):
        raise OSError(errno.ENOSPC, "No space left on device", str(self.filename))

    xlsxwriter.Workbook.close = full
    try:
        return to_excel(_rows(3), tmp / "japan.xlsx")
    finally:
        xlsxwriter.Workbook.close = real


@case("temp_interrupted_write_leaves_nothing", "temp",
      check=lambda r, tmp: (r == "interrupted" and sorted(p.name for p in tmp.iterdir()) == [])
      or (_ for _ in ()).throw(AssertionError(list(tmp.iterdir()))))
def _(tmp):
    from defbudget._atomic import atomic_output

    try:
        with atomic_output(tmp / "out.csv") as t:
            t.write_text("half")
            raise KeyboardInterrupt
    except KeyboardInterrupt:
        return "interrupted"


# =========================================================================================
# Excel
# =========================================================================================

def _rows(n: int) -> pd.DataFrame:
    from defbudget.schema import coerce

    return coerce(pd.DataFrame({
        "country": "Japan", "iso3": "JPN", "year": np.arange(n) % 3000, "period": "CY",
        "fy_start_month": 1, "measure": "milex", "basis": "sipri", "value": 1.0,
        "unit": "USD", "price_basis": "current", "stage": None, "flag": None,
        "source": "x"}, index=range(n)))


@case("excel_over_the_row_limit", "excel", error="DataError",
      needles=("1,048,576 rows", "1,048,577 rows with the header", "Excel's limit of 1,048,576",
               "write a CSV instead"))
def _(tmp):
    from defbudget.excel import to_excel

    return to_excel(_rows(1_048_576), tmp / "big.xlsx")


@case("excel_over_the_row_limit_in_a_dict", "excel", error="DataError",
      needles=("frames['big']", "Excel's limit of 1,048,576"))
def _(tmp):
    from defbudget.excel import to_excel

    return to_excel({"small": _rows(3), "big": _rows(1_048_576)}, tmp / "big.xlsx")


@case("excel_formula_text_with_tab_is_text", "excel",
      check=lambda r, tmp: r == ("\t=1+1", True) or (_ for _ in ()).throw(AssertionError(r)))
def _(tmp):
    import openpyxl
    import xlsxwriter

    from defbudget.excel._cells import Formats, put

    wb = xlsxwriter.Workbook(str(tmp / "tab.xlsx"), {"constant_memory": True})
    put(wb.add_worksheet("s"), 0, 0, "\t=1+1", Formats(wb))
    wb.close()
    cell = openpyxl.load_workbook(tmp / "tab.xlsx")["s"]["A1"]
    return cell.value, bool(cell.quotePrefix)


# =========================================================================================
# Cache
# =========================================================================================

class _Boom:
    def __reduce__(self):
        return (os.system, ("touch PWNED",))


def _no_code_ran(result, tmp):
    assert result is None, result
    assert not (tmp / "PWNED").exists() and not Path("PWNED").exists()


@case("cache_planted_pickle_is_never_loaded", "cache", check=_no_code_ran)
def _(tmp):
    from defbudget.readers import _cache

    _cache.clear()
    (tmp / "k.pkl").write_bytes(pickle.dumps(_Boom()))
    return _cache.get("k", directory=tmp)


def _read_sipri_unharmed(result, tmp):
    got, clean, replaced = result
    pd.testing.assert_frame_equal(got, clean)
    assert replaced, "the planted file was not under the key read_sipri uses"
    assert not (tmp / "PWNED").exists() and not Path("PWNED").exists()


@case("cache_planted_in_cache_dir_during_read_sipri", "cache", check=_read_sipri_unharmed)
def _(tmp):
    """The issue's example: a pickle planted in DEFBUDGET_CACHE_DIR under the key read_sipri
    looks up (both the old .pkl name and the new .npz name)."""
    from sipri_factory import make_sipri_workbook

    from defbudget.readers import _cache
    from defbudget.readers.sipri import READER_VERSION, read_sipri

    book = make_sipri_workbook(tmp / "SIPRI-Milex-data-2019-2023.xlsx", sheets=("current_usd",))
    cache = tmp / "cache"
    cache.mkdir(mode=0o700)
    key = f"sipri-{_cache.file_digest(book)}-current_usd-v{READER_VERSION}"
    for name in (f"{key}.pkl", f"{key}.npz", _cache._disk_path(cache, key).name):
        (cache / name).write_bytes(pickle.dumps(_Boom()))
        os.chmod(cache / name, 0o600)
    _cache.clear()
    old = os.environ.get("DEFBUDGET_CACHE_DIR")
    os.environ["DEFBUDGET_CACHE_DIR"] = str(cache)
    try:
        got = read_sipri(book, sheets=["current_usd"])
    finally:
        if old is None:
            del os.environ["DEFBUDGET_CACHE_DIR"]
        else:
            os.environ["DEFBUDGET_CACHE_DIR"] = old
        _cache.clear()
    # read_sipri looked the key up, found no usable entry and stored its own under it
    replaced = isinstance(_cache._load(_cache._disk_path(cache, key)), tuple)
    return got, read_sipri(book, sheets=["current_usd"], cache=False), replaced


@case("cache_planted_npz_with_objects_is_a_miss", "cache", check=_no_code_ran)
def _(tmp):
    from defbudget.readers import _cache

    _cache.clear()
    with open(_cache._disk_path(tmp, "k"), "wb") as fh:
        np.savez(fh, meta=np.frombuffer(b'{"kind": "frame", "frame": {}}', dtype=np.uint8),
                 c0=np.array([_Boom()], dtype=object))
    return _cache.get("k", directory=tmp)


@case("cache_garbage_file_is_a_miss", "cache", check=_no_code_ran)
def _(tmp):
    from defbudget.readers import _cache

    _cache.clear()
    _cache._disk_path(tmp, "k").write_bytes(b"PK\x03\x04garbage")
    return _cache.get("k", directory=tmp)


def _ignored_with_warning(result, tmp):
    value, caught = result
    assert value is None
    texts = [str(w.message) for w in caught if w.category.__name__ == "CacheWarning"]
    assert len(texts) == 1 and "k-defbudget" in texts[0] and "ignoring the cache file" in \
        texts[0], \
        texts


def _planted_frame(tmp: Path) -> None:
    from defbudget.readers import _cache

    _cache.put("k", pd.DataFrame({"a": [1.0]}), directory=tmp)
    _cache.clear()


@case("cache_file_writable_by_others_is_ignored", "cache", check=_ignored_with_warning)
def _(tmp):
    from defbudget.readers import _cache

    _planted_frame(tmp)
    os.chmod(_cache._disk_path(tmp, "k"), 0o666)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        return _cache.get("k", directory=tmp), caught


@case("cache_file_of_another_user_is_ignored", "cache", check=_ignored_with_warning)
def _(tmp):
    from defbudget.readers import _cache

    _planted_frame(tmp)
    if os.getuid() == 0:
        os.chown(_cache._disk_path(tmp, "k"), 12345, 12345)
    else:  # cannot give a file away: stand in with a uid that is not ours
        _cache.os = _FakeUidOs(os)  # type: ignore[attr-defined]
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            return _cache.get("k", directory=tmp), caught
    finally:
        _cache.os = os  # type: ignore[attr-defined]


class _FakeUidOs:
    def __init__(self, real):
        self._real = real

    def __getattr__(self, name):
        return getattr(self._real, name)

    def getuid(self):
        return self._real.getuid() + 1


def _frame_back(result, tmp):
    pd.testing.assert_frame_equal(result, pd.DataFrame({
        "country": pd.array(["Japan", None], dtype="str"), "year": [2020, 2021],
        "value": [1.5, np.nan], "base_year": pd.array([2023, None], dtype="Int64")}))


@case("cache_returns_the_frame_it_stored", "cache", check=_frame_back)
def _(tmp):
    from defbudget.readers import _cache

    _cache.put("k", pd.DataFrame({
        "country": pd.array(["Japan", None], dtype="str"), "year": [2020, 2021],
        "value": [1.5, np.nan], "base_year": pd.array([2023, None], dtype="Int64")}),
        directory=tmp)
    _cache.clear()
    return _cache.get("k", directory=tmp)


@case("cache_stores_no_other_object_on_disk", "cache",
      check=lambda r, tmp: (r is None and list(tmp.iterdir()) == []) or (
          _ for _ in ()).throw(AssertionError((r, list(tmp.iterdir())))))
def _(tmp):
    from defbudget.readers import _cache

    _cache.put("k", {"not": "a frame"}, directory=tmp)
    _cache.clear()
    return _cache.get("k", directory=tmp)


# =========================================================================================
# fx.convert with a fixed rate
# =========================================================================================

def _money(units: list[str]) -> pd.DataFrame:
    from defbudget.schema import coerce

    return coerce(pd.DataFrame({
        "country": [f"C{i}" for i in range(len(units))], "iso3": None, "year": 2024,
        "period": "CY", "fy_start_month": 1, "measure": "milex", "basis": "sipri",
        "value": 1.5e12, "unit": units, "price_basis": "current", "stage": None,
        "flag": None, "source": "x"}))


@case("fx_fixed_rate_refuses_two_currencies", "fx", error="ArgumentError",
      needles=("rate=150", "2 currencies besides USD", "['EUR', 'JPY']",
               "Convert each currency separately"))
def _(tmp):
    from defbudget.fx import convert

    return convert(_money(["JPY", "EUR"]), to="USD", rate=150)


@case("fx_fixed_rate_with_rows_already_in_target", "fx",
      check=lambda f, tmp: np.testing.assert_allclose(f["value"].tolist(), [1e10, 1.5e12]))
def _(tmp):
    from defbudget.fx import convert

    return convert(_money(["JPY", "USD"]), to="USD", rate=150)


@case("fx_rate_with_infinite_inverse", "fx", error="ArgumentError",
      needles=("rate=1e-320", "inverse", "not a finite number"))
def _(tmp):
    from defbudget.fx import convert

    return convert(_money(["JPY"]), to="USD", rate=1e-320)


@case("fx_rate_inf", "fx", error="ValueError", needles=("rate=inf", "positive finite"))
def _(tmp):
    from defbudget.fx import convert

    return convert(_money(["JPY"]), to="USD", rate=float("inf"))


# =========================================================================================
# compare functions on an empty frame
# =========================================================================================

def _empty():
    from defbudget.schema import empty_frame

    return empty_frame()


_EMPTY_CALLS = {
    "yoy": lambda c: c.yoy(_empty()),
    "cagr": lambda c: c.cagr(_empty(), start=2010, end=2020),
    "index_to": lambda c: c.index_to(_empty(), base_year=2010),
    "rolling_mean": lambda c: c.rolling_mean(_empty(), window=3),
    "rank": lambda c: c.rank(_empty(), year=2020),
    "top_n": lambda c: c.top_n(_empty(), year="latest", n=3),
    "share_of_total": lambda c: c.share_of_total(_empty()),
    "difference": lambda c: c.difference(_empty(), "JPN", "CHN"),
    "ratio": lambda c: c.ratio(_empty(), "JPN", "CHN"),
    "against_targets": lambda c: c.against_targets(_empty()),
    "first_year_meeting": lambda c: c.first_year_meeting(_empty(), target=0.02),
    "compare": lambda c: c.compare(_empty(), _empty()),
    "select": lambda c: c.select(_empty(), country="JPN"),
    "wide_table": lambda c: c.wide_table(_empty()),
    "style_table": lambda c: c.style_table(_empty()),
}
_EMPTY_NAMES = {"top_n": "compare.rank", "style_table": "compare.wide_table",
                "difference": "compare.difference", "ratio": "compare.ratio"}

for _name, _call in _EMPTY_CALLS.items():
    def _make_empty(call=_call):
        def run(tmp):
            from defbudget import compare

            return call(compare)
        return run
    case(f"compare_{_name}_on_an_empty_frame", "compare_empty", error="DataError",
         needles=(_EMPTY_NAMES.get(_name, f"compare.{_name}"), "empty frame (no rows)",
                  "Check the filters"))(_make_empty())


# =========================================================================================
# Plots of all-NaN data
# =========================================================================================

def _nan_frame(measure: str = "milex", unit: str = "USD") -> pd.DataFrame:
    from defbudget.schema import coerce

    return coerce(pd.DataFrame({
        "country": ["Japan", "Japan", "China", "China"], "iso3": ["JPN", "JPN", "CHN", "CHN"],
        "year": [2020, 2021, 2020, 2021], "period": "CY", "fy_start_month": 1,
        "measure": measure, "basis": "sipri", "value": np.nan, "unit": unit,
        "price_basis": "current", "stage": None, "flag": "unavailable", "source": "x"}))


_PLOT_CALLS = {
    "trend": lambda p: p.trend(_nan_frame()),
    "compare_lines": lambda p: p.compare_lines(_nan_frame()),
    "indexed_growth": lambda p: p.indexed_growth(_nan_frame(), base=2020),
    "growth_bars": lambda p: p.growth_bars(_nan_frame()[lambda d: d["country"] == "Japan"]),
    "ranking_bars": lambda p: p.ranking_bars(_nan_frame(), year=2021),
    "slope": lambda p: p.slope(_nan_frame(), start=2020, end=2021),
    "burden_vs_targets": lambda p: p.burden_vs_targets(_nan_frame("milex_share_gdp", "ratio")),
}
for _name, _call in _PLOT_CALLS.items():
    def _make_plot(call=_call):
        def run(tmp):
            import matplotlib.pyplot as plt

            from defbudget import plot

            try:
                return call(plot)
            finally:
                plt.close("all")
        return run
    case(f"plot_{_name}_of_all_nan_data", "plot_nan", error="DataError",
         needles=(f"plot.{_name}", "no data for", "is missing (NaN)"))(_make_plot())


# =========================================================================================
# CLI: arguments that would draw a wrong chart, Ctrl-C, inf, the error boundary
# =========================================================================================

def _cli_error(*needles: str):
    def check(result, tmp):
        code, out, err = result
        assert code == 2, (code, out, err)
        assert err.count("\n") == 1 and "Traceback" not in err, err
        for n in needles:
            assert n.replace("{tmp}", str(tmp)) in err, (n, err)
        assert list(tmp.iterdir()) == [], list(tmp.iterdir())  # nothing was written
    return check


for _name, _argv, _needles in (
    ("cli_ranking_n_negative", ["chart", "ranking", "-n", "-5", "-o", "{tmp}/r.png"],
     ("-n -5", "at least 1")),
    ("cli_ranking_n_zero", ["chart", "ranking", "-n", "0", "-o", "{tmp}/r.png"],
     ("-n 0", "at least 1")),
    ("cli_slope_start_after_end", ["chart", "slope", "--start", "2019", "--end", "1990",
                                   "-o", "{tmp}/s.png"],
     ("--start 2019 --end 1990", "a fall is drawn as a rise")),
    ("cli_slope_start_equals_end", ["chart", "slope", "--start", "2000", "--end", "2000",
                                    "-o", "{tmp}/s.png"], ("--start 2000 --end 2000",)),
    ("cli_compare_span_zero", ["compare", "--span", "0"], ("--span 0", "at least 1")),
    ("cli_compare_span_negative", ["compare", "--span", "-3"], ("--span -3",)),
    ("cli_report_out_empty", ["report", "--out", ""], ("--out ''", "folder name is empty")),
    ("cli_chart_output_empty", ["chart", "trend", "-o", ""], ("-o ''", "file name is empty")),
    ("cli_sipri_output_empty", ["sipri", "x.xlsx", "--to", "csv", "-o", ""],
     ("-o ''", "file name is empty")),
    ("cli_sipri_diff_output_empty", ["sipri", "diff", "a.xlsx", "b.xlsx", "-o", ""],
     ("-o ''",)),
    ("cli_chart_countries_commas", ["chart", "burden", "--countries", ",,,",
                                    "-o", "{tmp}/b.png"], ("--countries ',,,' names nothing",)),
    ("cli_show_countries_commas", ["show", "gmsd_burden", "--countries", ",,,"],
     ("--countries ',,,' names nothing",)),
    ("cli_show_countries_empty", ["show", "gmsd_burden", "--countries", ""],
     ("--countries '' names nothing",)),
    ("cli_compare_countries_commas", ["compare", "--countries", " , ,"],
     ("--countries ' , ,' names nothing",)),
    ("cli_show_measure_commas", ["show", "gmsd_burden", "--measure", ","],
     ("--measure ',' names nothing",)),
    ("cli_chart_all_nan_years", ["chart", "trend", "gmsd_burden", "--countries", "JPN",
                                 "--years", "2030:2031", "-o", "{tmp}/t.png"],
     ("no rows in --years 2030:2031",)),
):
    def _make_cli(argv=_argv):
        def run(tmp):
            return cli_run([a.replace("{tmp}", str(tmp)) for a in argv])
        return run
    case(_name, "cli", check=_cli_error(*_needles))(_make_cli())


@case("build_report_empty_folder", "cli", error="ValueError",
      needles=("build_report", "output folder is empty", "'report'"))
def _(tmp):
    from defbudget.report import build_report

    return build_report("", progress=False)


def _interrupted(result, tmp):
    code, _out, err = result
    assert code == 130, (code, err)
    assert err == ("defbudget datasets: interrupted (Ctrl-C); files already written are "
                   "complete, nothing is half-written\n"), err


@case("cli_ctrl_c_is_one_line_and_130", "cli", check=_interrupted)
def _(tmp):
    from defbudget import cli

    real = cli._cmd_datasets

    def interrupted(args):
        raise KeyboardInterrupt

    cli._cmd_datasets = interrupted
    try:
        return cli_run(["datasets"])
    finally:
        cli._cmd_datasets = real


def _one_line(*needles: str):
    def check(result, tmp):
        code, _out, err = result
        assert code == 2 and err.count("\n") == 1 and "Traceback" not in err, (code, err)
        for n in needles:
            assert n in err, (n, err)
    return check


def _defused_error():
    from defusedxml import EntitiesForbidden

    return EntitiesForbidden("lol", None, None, None, None, None)


for _name, _make_exc, _needles in (
    ("cli_csv_error_is_one_line",
     lambda: __import__("csv").Error("field larger than field limit (131072)"),
     ("field larger than field limit",)),
    ("cli_bad_zip_is_one_line",
     lambda: __import__("zipfile").BadZipFile("File is not a zip file"),
     ("File is not a zip file",)),
    ("cli_overflow_is_one_line",
     lambda: OverflowError("cannot convert float infinity to integer"),
     ("cannot convert float infinity",)),
    ("cli_pandas_parser_error_is_one_line",
     lambda: pd.errors.ParserError("Error tokenizing data. C error: Expected 2 fields in "
                                   "line 3"),
     ("Expected 2 fields in line 3",)),
    ("cli_defusedxml_error_is_one_line", _defused_error, ("EntitiesForbidden",)),
):
    def _make_boundary(make_exc=_make_exc):
        def run(tmp):
            from defbudget import cli

            real = cli._cmd_datasets

            def fail(args):
                raise make_exc()

            cli._cmd_datasets = fail
            try:
                return cli_run(["datasets"])
            finally:
                cli._cmd_datasets = real
        return run
    case(_name, "cli", check=_one_line(*_needles))(_make_boundary())


@case("cli_bug_still_shows_a_traceback", "cli", error="TypeError", needles=("a bug",))
def _(tmp):
    from defbudget import cli

    real = cli._cmd_datasets

    def fail(args):
        raise TypeError("a bug")

    cli._cmd_datasets = fail
    try:
        return cli_run(["datasets"])
    finally:
        cli._cmd_datasets = real


@case("cli_formats_inf", "cli",
      check=lambda r, tmp: r == ["$inf", "-¥inf", "inf%", "inf", "+inf%"] or (
          _ for _ in ()).throw(AssertionError(r)))
def _(tmp):
    from defbudget import cli
    from defbudget.formatting import format_change

    inf = float("inf")
    return [cli._fmt(inf, "USD"), cli._fmt(-inf, "JPY"), cli._fmt(inf, "ratio"),
            cli._fmt(inf, "index"), format_change(inf, 1.0, "USD")]

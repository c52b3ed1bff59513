"""read_wdi_csv and read_owid_csv: real downloads (skipped when absent) and generated files."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from conftest import raw_file

from defbudget.readers.owid import OwidFormatError, read_owid_csv
from defbudget.readers.worldbank import INDICATORS, WdiFormatError, read_wdi_csv
from defbudget.schema import validate

WDI_FILES = {
    "MS.MIL.XPND.CD": "WDI_API_MS.MIL.XPND.CD_DS2_en_csv_v2_47475.csv",
    "NY.GDP.MKTP.CD": "WDI_API_NY.GDP.MKTP.CD_DS2_en_csv_v2_26.csv",
    "NY.GDP.DEFL.ZS": "WDI_API_NY.GDP.DEFL.ZS_DS2_en_csv_v2_10405103.csv",
    "PA.NUS.FCRF": "WDI_API_PA.NUS.FCRF_DS2_en_csv_v2_10322214.csv",
}
WDI_META = "WDI_Metadata_Country_API_MS.MIL.XPND.CD_DS2_en_csv_v2_47475.csv"
PREAMBLE = ('"Data Source","World Development Indicators",\n\n'
            '"Last Updated Date","2024-03-28",\n\n')
HEADER = '"Country Name","Country Code","Indicator Name","Indicator Code","2021","2022",\n'


def _wdi(tmp_path, rows: str, *, preamble: str = PREAMBLE, meta: str | None = None,
         name: str = "API_MS.MIL.XPND.CD_DS2_en_csv_v2_1.csv") -> Path:
    path = tmp_path / name
    path.write_text(preamble + HEADER + rows, encoding="utf-8-sig")
    if meta is not None:
        (tmp_path / ("Metadata_Country_" + name)).write_text(meta, encoding="utf-8-sig")
    return path


# --- WDI, real files --------------------------------------------------------------------

@pytest.mark.parametrize("indicator", sorted(WDI_FILES))
def test_wdi_real_files(raw_dir, indicator):
    path = raw_file(raw_dir, WDI_FILES[indicator])
    meta = raw_file(raw_dir, WDI_META)
    df = read_wdi_csv(path, metadata=meta)
    validate(df, name=path.name)
    measure, unit, *_ = INDICATORS[indicator]
    assert set(df["measure"]) == {measure} and set(df["unit"]) == {unit}
    assert set(df["source"]) == {f"worldbank-wdi-{indicator}"}
    japan = df.query("iso3 == 'JPN' and year == 2015")
    assert len(japan) == 1 and japan["value"].iloc[0] > 0
    aggregates = set(df.loc[df["iso3"].isna(), "country"])
    assert {"World", "Euro area", "High income"} <= aggregates
    assert "Japan" not in aggregates and "Aruba" not in aggregates
    missing = df["value"].isna()
    assert missing.any() and (df.loc[missing, "flag"] == "unavailable").all()


def test_wdi_military_expenditure_matches_the_csv_cell(raw_dir):
    path = raw_file(raw_dir, WDI_FILES["MS.MIL.XPND.CD"])
    df = read_wdi_csv(path)  # WDI_Metadata_Country_API_... beside it is found by name
    assert df.loc[df["country"] == "Euro area", "iso3"].isna().all()
    raw = pd.read_csv(path, skiprows=4, encoding="utf-8-sig")
    cell = raw.loc[raw["Country Code"] == "JPN", "2020"].iloc[0]
    got = df.query("country == 'Japan' and year == 2020")["value"].iloc[0]
    assert got == pytest.approx(cell)
    assert df["vintage"].iloc[0] == "2024-03-28"


def test_wdi_exchange_rate_unit_is_lcu_per_usd(raw_dir):
    df = read_wdi_csv(raw_file(raw_dir, WDI_FILES["PA.NUS.FCRF"]))
    jp = df.query("iso3 == 'JPN' and year == 2015")
    assert jp["unit"].iloc[0] == "LCU/USD" and 100 < jp["value"].iloc[0] < 130


# --- WDI, generated files ---------------------------------------------------------------

def test_wdi_metadata_beside_the_file_tells_aggregates(tmp_path):
    path = _wdi(tmp_path, '"Japan","JPN","x","MS.MIL.XPND.CD","1","2",\n'
                          '"Africa Eastern and Southern","AFE","x","MS.MIL.XPND.CD","3","",\n',
                meta='"Country Code","Region",\n"JPN","East Asia & Pacific",\n"AFE","",\n')
    df = read_wdi_csv(path)
    validate(df)
    assert set(df.loc[df["country"] == "Japan", "iso3"]) == {"JPN"}
    assert df.loc[df["country"] == "Africa Eastern and Southern", "iso3"].isna().all()
    assert df.loc[df["country"] == "Japan", "region"].iloc[0] == "East Asia & Pacific"
    assert df.loc[(df["country"] != "Japan") & (df["year"] == 2022), "flag"].iloc[0] == (
        "unavailable")


def test_wdi_without_metadata_uses_iso_codes(tmp_path):
    path = _wdi(tmp_path, '"Japan","JPN","x","MS.MIL.XPND.CD","1","2",\n'
                          '"World","WLD","x","MS.MIL.XPND.CD","3","4",\n')
    df = read_wdi_csv(path)
    assert df.loc[df["country"] == "Japan", "iso3"].iloc[0] == "JPN"
    assert df.loc[df["country"] == "World", "iso3"].isna().all()


def test_wdi_share_indicator_is_a_ratio(tmp_path):
    path = _wdi(tmp_path, '"Japan","JPN","x","MS.MIL.XPND.GD.ZS","1.0","1.1",\n')
    df = read_wdi_csv(path)
    assert df["value"].tolist() == pytest.approx([0.010, 0.011])
    assert set(df["unit"]) == {"ratio"}


@pytest.mark.parametrize("preamble", [
    "", '"Data Source","World Development Indicators",\n\n\n\n',
    '"Source","WDI",\n\n"Last Updated Date","2024-03-28",\n\n'])
def test_wdi_changed_preamble_is_an_error(tmp_path, preamble):
    path = _wdi(tmp_path, '"Japan","JPN","x","MS.MIL.XPND.CD","1","2",\n', preamble=preamble)
    with pytest.raises(WdiFormatError, match=r"API_MS\.MIL\.XPND\.CD"):
        read_wdi_csv(path)


def test_wdi_text_in_a_value_cell(tmp_path):
    path = _wdi(tmp_path, '"Japan","JPN","x","MS.MIL.XPND.CD","1","n/a",\n')
    with pytest.raises(WdiFormatError, match=r"line 6, column 2022: found 'n/a'"):
        read_wdi_csv(path)


def test_wdi_unknown_indicator(tmp_path):
    path = _wdi(tmp_path, '"Japan","JPN","x","SP.POP.TOTL","1","2",\n')
    with pytest.raises(WdiFormatError, match=r"SP\.POP\.TOTL"):
        read_wdi_csv(path)


# --- OWID --------------------------------------------------------------------------------

def test_owid_real_sipri_share(raw_dir):
    path = raw_file(raw_dir, "OWID_military-spending-as-a-share-of-gdp-sipri.csv")
    df = read_owid_csv(path)
    validate(df, name=path.name)
    assert set(df["source"]) == {"owid-military-spending-as-a-share-of-gdp-sipri"}
    assert set(df["unit"]) == {"ratio"} and set(df["basis"]) == {"sipri"}
    raw = pd.read_csv(path)
    cell = raw.query("Code == 'JPN' and Year == 2020")["Military expenditure (% of GDP)"]
    got = df.query("iso3 == 'JPN' and year == 2020")["value"].iloc[0]
    assert got == pytest.approx(cell.iloc[0] / 100)
    assert df.loc[df["country"] == "European Union (SIPRI)", "iso3"].isna().all()
    assert df.loc[df["iso3"] == "JPN", "region"].iloc[0] == "Asia"


def test_owid_real_gmsd_share(raw_dir):
    path = raw_file(raw_dir, "OWID_GMSD_military-spending-as-a-share-of-gdp-gmsd_1816-2019.csv")
    df = read_owid_csv(path)
    validate(df)
    assert set(df["basis"]) == {"gmsd"} and df["year"].min() < 1900


def test_owid_errors(tmp_path):
    p = tmp_path / "x.csv"
    p.write_text("Country,Year,Value\nJapan,2020,1\n")
    with pytest.raises(OwidFormatError, match=r"missing column\(s\) \['Entity', 'Code'\]"):
        read_owid_csv(p)
    p.write_text("Entity,Code,Year,Population\nJapan,JPN,2020,1\n")
    with pytest.raises(OwidFormatError, match="cannot tell the measure"):
        read_owid_csv(p)
    p.write_text("Entity,Code,Year,Military expenditure (% of GDP)\nJapan,JPN,2020,1.2%\n")
    with pytest.raises(OwidFormatError, match=r"line 2.*'1\.2%'"):
        read_owid_csv(p)
    p.write_text("Entity,Code,Year,Military expenditure (% of GDP),Military expenditure "
                 "(% of government spending)\nJapan,JPN,2020,1,2\n")
    with pytest.raises(OwidFormatError, match="pass column="):
        read_owid_csv(p)
    df = read_owid_csv(p, column="Military expenditure (% of government spending)")
    assert df["measure"].iloc[0] == "milex_share_govt" and df["value"].iloc[0] == 0.02

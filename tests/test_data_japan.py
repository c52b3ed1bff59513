"""Every row of data/japan_mod_budget.csv against the quotes in JAPAN_MOD_BUDGET_NOTES.md.

Each shipped figure is either *quoted* (pinned below with the fragment of the source sentence
it comes from, which must appear verbatim in the notes) or *derived* (pinned with the
arithmetic on quoted figures). The test fails if a row is neither, or if a value differs.
Amounts in the tables are 億円 (100 million yen); the shipped values are whole yen.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from defbudget import load

OKU = 100_000_000
INCL, EXCL = "mod_incl_saco_realignment", "mod_excl_saco_realignment"
SACO, REAL, AIR, RES = ("saco", "us_realignment_local_burden", "new_govt_aircraft",
                        "national_resilience")
COMBINED = "saco_and_us_realignment_local_burden"
NOTES = "JAPAN_MOD_BUDGET_NOTES.md"

_FILE09 = ('日本,"48,607","48,996","49,388","50,070","50,688" (億円),'
           '"50,541","51,251","51,911","52,574","53,133"')

#: (FY, basis, 億円, fragment of the quoted sentence, the amount inside it)
QUOTED = [
    (1990, INCL, 41593, "1990 4172000 662368 41593", "41593"),
    (1991, INCL, 43860, "1991 4132000 703474 43860", "43860"),
    (1992, INCL, 45518, "1992 4837000 722180 45518", "45518"),
    (1993, INCL, 46406, "1993 4953000 723548 46406", "46406"),
    (1994, INCL, 46835, "1994 4940000 730817 46835", "46835"),
    (1995, INCL, 47236, "1995 4928000 709871 47236", "47236"),
    (1996, INCL, 48455, "1996 4960000 751049 48455", "48455"),
    (1997, INCL, 49475, "1997年度の防衛関係費は4兆9475億円", "4兆9475億円"),
    (1998, INCL, 49397, "1998 5197000 776692 49397", "49397"),
    (2002, INCL, 49557, "2002年度の4兆9557億円が最高", "4兆9557億円"),
    (2004, EXCL, 48764, "その総額は、4兆8,764億円", "4兆8,764億円"),
    (2004, INCL, 49030, "500億円(1.0%)減額の4兆9,030億円", "4兆9,030億円"),
    (2004, SACO, 266, "SACO関係経費として266億円", "266億円"),
    (2006, INCL, 48139, "424億円(0.9%)減額の4兆8,139億円", "4兆8,139億円"),
    (2006, SACO, 233, "SACO関係経費として233億円", "233億円"),
    (2007, INCL, 48016, "123億円(0.3%)減額の4兆8,016億円", "4兆8,016億円"),
    (2007, SACO, 126, "SACO関係経費として126億円", "126億円"),
    (2007, REAL, 72, "(地元負担軽減分)2として72億円", "72億円"),
    (2008, EXCL, 47426, "¥4,742.6 billion (¥4,779.6 billion)", "¥4,742.6 billion"),
    (2008, INCL, 47796, "FY 2008 amount to ¥4,779.6 billion", "¥4,779.6 billion"),
    (2008, SACO, 180, "Including ¥18 billion in SACO-related expenses", "¥18 billion"),
    (2008, REAL, 191, "¥19.1 billion in expenses related to realignment", "¥19.1 billion"),
    (2009, INCL, 47741, "FY 2009 amount to 4,774.1 billion yen", "4,774.1 billion yen"),
    (2009, SACO, 112, "Including 11.2 billion yen in SACO-related", "11.2 billion yen"),
    (2009, REAL, 602, "60.2 billion yen in expenses for reducing", "60.2 billion yen"),
    (2010, EXCL, 46826, "202億円(0.4%)減額の4兆6,826億円", "4兆6,826億円"),
    (2010, INCL, 47903, "162億円(0.3%)増額の4兆7,903億円", "4兆7,903億円"),
    (2010, SACO, 169, "57億円(50.9%)増額の169億円", "169億円"),
    (2010, REAL, 909, "307億円(50.9%)増額の909億円", "909億円"),
    (2011, EXCL, 46625, "減額2の4兆6,625億円", "4兆6,625億円"),
    (2011, INCL, 47752, "151億円(0.3%)減額の4兆7,752億円", "4兆7,752億円"),
    (2011, SACO, 101, "68億円(40.2%)減額の101億円", "101億円"),
    (2011, REAL, 1027, "118億円(12.9%)増額の1,027億円", "1,027億円"),
    (2012, INCL, 47138, "防 衛 関 係 費 47,752億円 47,138億円", "47,138億円"),
    (2012, EXCL, 46453, "既 存 経 費 46,625億円 46,453億円", "46,453億円"),
    (2012, COMBINED, 685, "SACO・米軍再編経費 1,127億円 685億円", "685億円"),
    (2013, INCL, 47538, "400億円増額の4兆7,538億円", "4兆7,538億円"),
    (2013, EXCL, 46804, "351億円増額の4兆6,804億円", "4兆6,804億円"),
    (2014, INCL, 48848, "今年度の軍事費4兆8848億円", "4兆8848億円"),
    (2015, INCL, 49801, "953億円増額の4兆9,801億円", "4兆9,801億円"),
    (2015, EXCL, 48221, "383億円増額の4兆8,221億円", "4兆8,221億円"),
    (2016, EXCL, 48607, _FILE09, '"48,607"'),
    (2017, EXCL, 48996, _FILE09, '"48,996"'),
    (2018, EXCL, 49388, _FILE09, '"49,388"'),
    (2019, EXCL, 50070, _FILE09, '"50,070"'),
    (2020, EXCL, 50688, _FILE09, '"50,688"'),
    (2016, INCL, 50541, _FILE09, '"50,541"'),
    (2017, INCL, 51251, _FILE09, '"51,251"'),
    (2018, INCL, 51911, _FILE09, '"51,911"'),
    (2019, INCL, 52574, _FILE09, '"52,574"'),
    (2020, INCL, 53133, _FILE09, '"53,133"'),
    (2016, SACO, 28, "SACO関係経費(16年度:28億円", "28億円"),
    (2017, SACO, 28, "16年度:28億円、17年度:28億円", "28億円"),
    (2018, SACO, 51, "18年度:51億円、19年度:256億円", "51億円"),
    (2019, SACO, 256, "19年度:256億円、20年度:138億円", "256億円"),
    (2020, SACO, 138, "20年度:138億円)", "138億円"),
    (2016, REAL, 1766, "地元負担軽減分(16年度:1,766億円", "1,766億円"),
    (2017, REAL, 2011, "17年度:2,011億円", "2,011億円"),
    (2018, REAL, 2161, "18年度2,161億円", "2,161億円"),
    (2019, REAL, 1679, "19年度:1,679億円", "1,679億円"),
    (2020, REAL, 1799, "20年度:1,799億円", "1,799億円"),
    (2016, AIR, 140, "経費(16年度:140億円", "140億円"),
    (2017, AIR, 216, "17年度:216億円", "216億円"),
    (2018, AIR, 312, "18年度:312億円", "312億円"),
    (2019, AIR, 62, "19年度:62億円", "62億円"),
    (2020, AIR, 0.3, "20年度:0.3億円", "0.3億円"),
    (2019, RES, 508, "経費(19年度:508億円、20年度:508億円)", "508億円"),
    (2020, RES, 508, "19年度:508億円、20年度:508億円", "508億円"),
    (2017, EXCL, 48996, "389億円増額の4兆8,996億円", "4兆8,996億円"),
    (2017, INCL, 51251, "710億円増額の5兆1,251億円", "5兆1,251億円"),
    (2021, EXCL, 51235, "547億円増額の5兆1,235億円", "5兆1,235億円"),
    (2021, INCL, 53422, "289億円増額の5兆3,422億円", "5兆3,422億円"),
    (2022, EXCL, 51788, "553億円(1.1%)増の5兆1,788億円", "5兆1,788億円"),
    (2022, INCL, 54005, "米軍再編など2を含めると5兆4,005億円", "5兆4,005億円"),
    (2023, EXCL, 66001, "整備計画対象経費として6兆6,001億円", "6兆6,001億円"),
    (2023, INCL, 68219, "米軍再編等2を含めると6兆8,219億円", "6兆8,219億円"),
    (2024, EXCL, 77249, "防衛力整備計画対象経費として7兆7,249億円", "7兆7,249億円"),
    (2024, INCL, 79496, "防衛関係費は7兆9496億円", "7兆9496億円"),
    (2025, EXCL, 84748, "過去最大の8兆4748億円", "8兆4748億円"),
    (2025, INCL, 87005, "前年度比9.4%増の8兆7005億円", "8兆7005億円"),
    (2026, EXCL, 88093, "3345億円増え8兆8093億円", "8兆8093億円"),
    (2026, INCL, 90353, "含めると、9兆353億円となった", "9兆353億円"),
]

#: (FY, basis, 億円, how it follows from quoted figures)
DERIVED = [
    *[(fy, EXCL, q, "pre-SACO: equal to the one published total")
      for fy, b, q, *_ in QUOTED if b == INCL and fy <= 1996],
    (2003, EXCL, 48764 + 501, "FY2004 excl + stated decrease 501"),
    (2003, INCL, 49030 + 500, "FY2004 incl + stated decrease 500"),
    (2005, EXCL, (48139 - 233) + 394, "FY2006 excl + stated decrease 394"),
    (2005, INCL, 48139 + 424, "FY2006 incl + stated decrease 424"),
    (2006, EXCL, 48139 - 233, "incl - SACO"),
    (2007, EXCL, 48016 - 126 - 72, "incl - SACO - realignment"),
    (2009, EXCL, 47741 - 112 - 602, "incl - SACO - realignment"),
    (2014, EXCL, 48221 - 383, "FY2015 excl - stated increase 383"),
]

#: Rows shipped without a value (flag 'unavailable'): never interpolated.
MISSING = {(fy, b) for fy in (1999, 2000, 2001) for b in (INCL, EXCL)} | {
    (1997, EXCL), (1998, EXCL), (2002, EXCL)}


def raw_file(raw_dir, name: str):
    path = raw_dir / name
    if not path.is_file():
        pytest.skip(f"{name} not found in {raw_dir}")
    return path


def parse_oku(amount: str) -> float:
    """A printed amount -> 億円: '4兆8,764億円', '266億円', '¥4,742.6 billion', '"48,607"'."""
    text = amount.replace(",", "").replace('"', "").replace("¥", "").strip()
    if m := re.fullmatch(r"(?:(\d+)兆)?([\d.]+)億円", text):
        return int(m[1] or 0) * 10_000 + float(m[2])
    if m := re.fullmatch(r"([\d.]+) billion(?: yen)?", text):
        return round(float(m[1]) * 10, 6)  # 1 billion yen = 10 億円
    if re.fullmatch(r"\d+", text):
        return float(text)
    raise ValueError(f"unparsed amount {amount!r}")


@pytest.fixture(scope="module")
def jp() -> pd.DataFrame:
    return load("japan_mod_budget")


@pytest.fixture(scope="module")
def notes_text(raw_dir) -> str:
    return raw_file(raw_dir, NOTES).read_text(encoding="utf-8")


def _value(jp: pd.DataFrame, fy: int, basis: str) -> float:
    sel = jp[(jp["year"] == fy) & (jp["basis"] == basis)]
    assert len(sel) == 1, f"FY{fy} {basis}: {len(sel)} rows"
    return float(sel["value"].iloc[0])


def test_headline_values_in_whole_yen(jp):
    assert _value(jp, 2025, INCL) == 8_700_500_000_000  # ¥8,700.5 bn
    assert _value(jp, 2026, INCL) == 9_035_300_000_000  # ¥9,035.3 bn
    assert _value(jp, 2026, EXCL) == 8_809_300_000_000
    assert (jp["unit"] == "JPY").all() and (jp["price_basis"] == "current").all()
    assert (jp["period"] == "FY").all() and (jp["fy_start_month"] == 4).all()


@pytest.mark.parametrize(("fy", "basis", "oku", "fragment", "amount"), QUOTED,
                         ids=[f"{q[0]}-{q[1]}-{q[2]}" for q in QUOTED])
def test_quoted_figure(jp, notes_text, fy, basis, oku, fragment, amount):
    assert amount in fragment
    assert parse_oku(amount) == oku, f"{amount!r} does not read as {oku} 億円"
    assert fragment in notes_text, f"quote fragment not found in {NOTES}: {fragment!r}"
    assert _value(jp, fy, basis) == pytest.approx(oku * OKU, rel=0, abs=0.5)


@pytest.mark.parametrize(("fy", "basis", "oku", "how"), DERIVED,
                         ids=[f"{d[0]}-{d[1]}" for d in DERIVED])
def test_derived_figure(jp, fy, basis, oku, how):
    row = jp[(jp["year"] == fy) & (jp["basis"] == basis)].iloc[0]
    assert row["value"] == oku * OKU, how
    assert row["value_type"] == "derived" and row["flag"] == "derived"
    assert row["note"].startswith("Derived") or "Derived:" in row["note"]


def test_every_row_is_quoted_derived_or_declared_missing(jp):
    quoted = {(fy, b) for fy, b, *_ in QUOTED}
    derived = {(fy, b) for fy, b, *_ in DERIVED}
    assert not (derived & quoted)
    present = {(int(y), b) for y, b, v in zip(jp["year"], jp["basis"], jp["value"], strict=True)
               if pd.notna(v)}
    missing = {(int(y), b) for y, b, v in zip(jp["year"], jp["basis"], jp["value"], strict=True)
               if pd.isna(v)}
    assert present == quoted | derived
    assert missing == MISSING
    assert len(jp) == len(quoted | derived) + len(MISSING)


def test_reported_rows_are_marked_reported_or_transcribed(jp):
    derived = {(fy, b) for fy, b, *_ in DERIVED}
    for row in jp.itertuples():
        if pd.isna(row.value) or (row.year, row.basis) in derived:
            continue
        expected = "transcribed" if row.year <= 1998 else "reported"
        assert row.value_type == expected, (row.year, row.basis, row.value_type)


def test_missing_years_flagged_and_explained(jp):
    gaps = jp[jp["value"].isna()]
    assert (gaps["flag"] == "unavailable").all()
    assert gaps["note"].str.contains("not interpolated|not estimated").all()
    for fy in (1999, 2000, 2001):
        sel = jp[jp["year"] == fy]
        assert set(sel["basis"]) == {INCL, EXCL} and sel["value"].isna().all()


def test_both_bases_every_year(jp):
    totals = jp[jp["measure"] == "defense_budget"]
    for basis in (INCL, EXCL):
        years = sorted(totals.loc[totals["basis"] == basis, "year"])
        assert years == list(range(1990, 2027))


def test_components_add_up(jp):
    """excl + components = incl, within the ±1 億円 of rounding in the sources."""
    comps = jp[jp["measure"] == "defense_budget_component"].groupby("year")["value"].sum()
    for fy, total in comps.items():
        excl, incl = _value(jp, fy, EXCL), _value(jp, fy, INCL)
        assert abs(excl + total - incl) <= 1 * OKU, fy


def test_year_on_year_changes_stated_by_the_sources(jp):
    """Differences the white papers state in words, checked on the shipped series (億円)."""
    stated = [(2004, INCL, -500), (2004, EXCL, -501), (2006, INCL, -424), (2007, INCL, -123),
              (2009, INCL, -55), (2010, EXCL, -202),
              (2010, INCL, 162), (2011, EXCL, -201), (2011, INCL, -151), (2013, INCL, 400),
              (2013, EXCL, 351), (2015, INCL, 953), (2015, EXCL, 383), (2017, EXCL, 389),
              (2017, INCL, 710), (2021, EXCL, 547), (2021, INCL, 289), (2022, EXCL, 553),
              (2023, EXCL, 14213), (2024, EXCL, 11248), (2024, INCL, 11277),
              (2026, EXCL, 3345)]
    for fy, basis, delta in stated:
        change = (_value(jp, fy, basis) - _value(jp, fy - 1, basis)) / OKU
        assert abs(change - delta) <= 1, (fy, basis, change, delta)


def test_stages(jp):
    assert set(jp.loc[jp["year"] == 2026, "stage"]) == {"draft"}
    assert set(jp.loc[jp["year"] < 2026, "stage"]) == {"enacted"}


def test_matches_the_raw_compilation(jp, raw_dir):
    """The shipped yen values equal the compiled 億円 columns × 1e8, row by row."""
    raw = pd.read_csv(raw_file(raw_dir, "COMPILED_japan_mod_defense_budget_initial_FY1990-"
                               "FY2026_oku_yen.csv"))
    cols = {"incl_oku_yen": INCL, "excl_oku_yen": EXCL, "saco_oku_yen": SACO,
            "us_realignment_local_burden_oku_yen": REAL, "new_govt_aircraft_oku_yen": AIR,
            "national_resilience_emergency_oku_yen": RES}
    n = 0
    for rec in raw.to_dict("records"):
        for col, basis in cols.items():
            if pd.notna(rec[col]):
                assert _value(jp, int(rec["fiscal_year"]), basis) == pytest.approx(
                    rec[col] * OKU, abs=0.5)
                n += 1
    # every shipped value but the 7 pre-SACO excl rows and the FY2012 combined component
    assert n == int(jp["value"].notna().sum()) - 7 - 1


def test_fresh_copy_each_call(jp):
    a = load("japan_mod_budget")
    a.loc[0, "value"] = -1.0
    assert load("japan_mod_budget").loc[0, "value"] != -1.0

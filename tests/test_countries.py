"""Country names as people type them: select, every chart's highlight, the CLI --countries."""

from __future__ import annotations

import pandas as pd
import pytest

from defbudget import compare, datasets
from defbudget.countries import CountryNameError, display_name, to_iso3

from .test_cli import assert_bad_input, run

#: Each spelling and the ISO3 code it means (worked out by hand, not by the code under test).
SPELLINGS = {
    "South Korea": "KOR", "Republic of Korea": "KOR", "Korea, Rep.": "KOR",
    "Korea, South": "KOR", "S. Korea": "KOR", "kor": "KOR",
    "US": "USA", "USA": "USA", "United States": "USA", "United States of America": "USA",
    "UK": "GBR", "Britain": "GBR", "United Kingdom": "GBR",
    "Turkey": "TUR", "Türkiye": "TUR", "Russia": "RUS", "Taiwan": "TWN", "China": "CHN",
}


@pytest.mark.parametrize(("name", "iso3"), SPELLINGS.items())
def test_to_iso3(name, iso3):
    assert to_iso3(name) == iso3


def test_display_names_are_short():
    assert [display_name(n) for n in ("Korea, South", "United States of America", "CHN",
                                      "TUR", "Russian Federation")] == [
        "South Korea", "United States", "China", "Türkiye", "Russia"]
    assert display_name("World") == "World"


@pytest.mark.parametrize(("name", "suggested"), [
    ("Korea", ["'South Korea'", "'North Korea'"]),
    ("Congo", ["'Congo Republic'", "'DR Congo'"]),
    ("Japn", ["'Japan'"]),
    ("Untied Kingdom", ["'United Kingdom'"]),
])
def test_ambiguous_or_unknown_names_list_the_nearest(name, suggested):
    with pytest.raises(CountryNameError) as err:
        to_iso3(name)
    for s in suggested:
        assert s in str(err.value)


@pytest.fixture(scope="module")
def gmsd() -> pd.DataFrame:
    return compare.select(datasets.load("gmsd_burden"), year=[2018, 2019])


@pytest.mark.parametrize("name", ["South Korea", "Republic of Korea", "Korea, South", "KOR",
                                  "US", "UK", "Turkey", "Taiwan"])
def test_select_resolves_common_names(gmsd, name):
    got = compare.select(gmsd, country=name)
    assert set(got["iso3"]) == {SPELLINGS.get(name, name.upper())}
    assert len(got) == 2


def test_select_on_sipri_style_names():
    """A frame that spells countries SIPRI's way (and has no iso3 values) still resolves."""
    f = pd.DataFrame({"country": ["Korea, South", "United States of America", "Japan"],
                      "iso3": [None, None, None], "year": 2024, "value": [1.0, 2.0, 3.0]})
    assert compare.select(f, country="South Korea")["value"].tolist() == [1.0]
    assert compare.select(f, country=["US", "JPN"])["value"].tolist() == [2.0, 3.0]


def test_select_error_lists_nearest_real_names(gmsd):
    with pytest.raises(compare.UnknownCountryError, match="'South Korea', 'North Korea'"):
        compare.select(gmsd, country="Korea")
    with pytest.raises(compare.UnknownCountryError, match="Nearest names: 'Japan'"):
        compare.select(gmsd, country="Japn")
    one = compare.select(gmsd, country="Japan")
    with pytest.raises(compare.UnknownCountryError, match=r"'South Korea' \(KOR\) has no row"):
        compare.select(one, country="South Korea")


@pytest.mark.parametrize("name", ["South Korea", "Republic of Korea", "US", "UK", "Turkey",
                                  "Taiwan"])
def test_every_chart_highlight_resolves(gmsd, name):
    import matplotlib.pyplot as plt

    from defbudget import plot as dplot
    from defbudget.plot._common import highlight_names

    code = SPELLINGS[name]
    want = gmsd.loc[gmsd["iso3"] == code, "country"].iloc[0]
    assert highlight_names(gmsd, name, "country") == [want]
    group = compare.select(gmsd, country=["JPN", "CHN", code])
    year = 2019 if code != "TWN" else 2018
    for draw in (lambda: dplot.compare_lines(group, highlight=name),
                 lambda: dplot.indexed_growth(group, index_year=2018, highlight=name),
                 lambda: dplot.burden_vs_targets(group, highlight=name),
                 lambda: dplot.ranking_bars(group, year=year, highlight=name),
                 lambda: dplot.slope(group, start=2018, end=2019, highlight=name)):
        draw()
        plt.close("all")
    with pytest.raises(ValueError, match="Nearest names: 'Japan'"):
        dplot.compare_lines(group, highlight="Japn")


def test_cli_countries_accept_common_names():
    proc = run("show", "gmsd_burden", "--countries", "South Korea,US,UK,Turkey,Taiwan",
               "--years", "2019:2019", "--format", "csv")
    assert proc.returncode == 0, proc.stderr
    first = {line.split(",")[0] for line in proc.stdout.splitlines()[1:] if line}
    assert first >= {"South Korea", "United States", "United Kingdom", "Taiwan"}
    assert len(first) == 5


def test_cli_unknown_country_names_the_nearest():
    assert_bad_input(run("show", "gmsd_burden", "--countries", "Japn"),
                     "--countries", "Japn", "'Japan'")


def test_names_written_as_country_converter_writes_them_get_its_codes_without_its_regexes():
    from defbudget.readers._countries import _converter, _exact_names

    exact = _exact_names()
    names = list(exact)
    assert len(names) > 400 and exact["Japan"] == "JPN" and exact["Brunei Darussalam"] == "BRN"
    assert "Soviet Union (former)" not in exact  # obsolete entries: country_converter skips them
    assert _converter().convert(names, to="ISO3", not_found=None) == [exact[n] for n in names]


@pytest.mark.sipri
def test_a_real_release_is_read_without_building_country_converter(sipri_latest, monkeypatch):
    import defbudget.readers._countries as countries_of_sipri
    import defbudget.readers.sipri as sipri
    from defbudget.readers.sipri import read_sipri

    monkeypatch.setattr(countries_of_sipri, "_COCO", None)
    monkeypatch.setattr(countries_of_sipri, "_ISO3_CACHE", {})
    with pytest.warns(sipri.SipriFiscalYearWarning, match="Myanmar"):  # as the release warns
        frame = read_sipri(sipri_latest, cache=False)
    assert countries_of_sipri._COCO is None  # every name: an override or written exactly
    assert frame.loc[frame["country_as_published"] == "Brunei", "iso3"].unique().tolist() == [
        "BRN"]


def test_current_iso3_are_the_codes_country_converter_holds():
    from defbudget.readers._countries import _converter, current_iso3

    assert current_iso3() == set(_converter().data["ISO3"].dropna())
    assert {"JPN", "TWN", "XKX"} <= current_iso3() and "SUN" not in current_iso3()

"""Source lines for people holding the PNG: publishers, citations, where the series changes
source; never a defbudget id (issue 14)."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))
from plot_frames import japan_budget, sipri_like

from defbudget import plot


def test_sipri_is_cited_as_sipri_asks():
    frame = sipri_like({"Japan": 5e10}).assign(source="sipri-milex-2025")
    assert plot.source_line(frame) == (
        "Source: SIPRI Military Expenditure Database 2025, "
        "https://www.sipri.org/databases/milex. Constant 2023 US$; calendar years.")


def test_underscore_ids_resolve_like_the_registry_ids():
    frame = sipri_like({"Japan": 5e10})  # source "sipri_milex_2025"
    assert plot.source_line(frame).startswith(
        "Source: SIPRI Military Expenditure Database 2025, https://www.sipri.org/databases/milex.")


def test_rate_sources_say_where_each_takes_over():
    frame = japan_budget(draft_year=0).assign(
        unit="USD", fx_basis="fy_average", fx_source="frb-h10-exjpus;ecb-eurofxref-hist")
    assert plot.source_line(frame) == (
        "Source: Japan Ministry of Defense initial defence budgets, FY1990-FY2026 (yen). "
        "Current US$ (not adjusted for inflation); fiscal years Apr–Mar (FY2025 = Apr 2025–Mar "
        "2026); converted at fiscal-year-average rates (Fed H.10 to 1998, ECB from 1999).")


def test_several_sources_are_plural_and_say_where_the_series_changes_source():
    frame = japan_budget(draft_year=0)
    frame["source"] = ["blog-scopedog-2009-09-20"] * 3 + ["mod-white-paper-2024"] * 6
    assert plot.source_line(frame) == (
        "Sources: Ministry of Defense of Japan, "
        "https://www.mod.go.jp/j/press/wp/wp2024/html/n230201000.html for FY2021–2026; "
        "scopedog (2009) for FY2018–2020. Current yen (not adjusted for inflation); fiscal "
        "years Apr–Mar (FY2025 = Apr 2025–Mar 2026).")


def test_outlets_and_rate_source_named_without_ids():
    frame = pd.DataFrame({"source": ["seed-washington-times-hegseth-koizumi",
                                     "seed-thx-news-us-japan-missile-defense-pact",
                                     "ecb-eurofxref-hist"],
                          "unit": "USD", "price_basis": "current"})
    assert plot.source_line(frame) == (
        "Sources: The Washington Times; THX News (2025); European Central Bank. "
        "Current US$ (not adjusted for inflation).")


def test_many_publishers_are_counted_and_pointed_to_the_sources_sheet():
    from defbudget import load

    jp = load("japan_mod_budget")
    jp = jp[(jp["measure"] == "defense_budget")
            & (jp["basis"] == "mod_incl_saco_realignment")]
    text = plot.source_line(jp)
    first = text.split(". ")[0]
    assert first.startswith("Sources: Ministry of Defense of Japan (")
    assert "other publications" in first and "(see the Excel Sources sheet)" in first
    ids = set(";".join(jp["source"].dropna()).split(";"))
    assert not [i for i in ids if i in text]  # no internal id on the chart


def test_every_shipped_source_is_named_in_characters_the_chart_fonts_draw():
    """A Japanese publisher or title would print as empty boxes (and warn in Jupyter): the
    source line falls back to the site's host name, e.g. the Sankei article on Yahoo! News."""
    from defbudget.datasets import datapackage
    from defbudget.plot._source import _renderable, _short_reference, publisher

    ids = [s["id"] for s in datapackage()["sources"]]
    assert len(ids) > 20
    for sid in ids:
        assert _renderable(publisher(sid)) and _renderable(_short_reference(sid)), sid
    assert publisher("press-sankei-yahoo-2024-12") == "news.yahoo.co.jp"

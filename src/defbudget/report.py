"""The main job: write the defbudget report — charts, tables, a workbook and a summary.

The report is a list of items; each item draws or writes one file from the shipped data (and,
given a SIPRI workbook, from that). Items run in order under one progress bar; the first failure
stops the run with an error naming the item.

Without SIPRI the report holds Japan's MOD budget in yen (both bases), its year-on-year growth,
its composition, the budget in US$ at fiscal-year-average rates and at constant prices, the
budget as a share of GDP against Japan's 2% goal, the reconciliation of press US$ figures for
FY2025 and FY2026, the GMSD burden of an Indo-Pacific group over time and in two years
(slope), the 15 highest GMSD burdens, the CSVs, an Excel workbook and ``summary.md``. With
SIPRI it adds the Indo-Pacific comparisons and a small-multiples PDF of every country.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from defbudget.errors import DefbudgetError, DefbudgetWarning

__all__ = ["INDO_PACIFIC", "ReportError", "ReportItem", "build_report", "report_items"]

#: The default comparison group: Japan, China, South Korea, Australia, India, Taiwan (ISO3).
INDO_PACIFIC: tuple[str, ...] = ("JPN", "CHN", "KOR", "AUS", "IND", "TWN")

#: Price year of the constant-yen chart (Japan's GDP deflator, calendar 2020 = 100).
CONSTANT_BASE_YEAR = 2020
#: First year of the Indo-Pacific indexed-growth chart (index = 100).
INDEX_BASE_YEAR = 2000
#: Earlier year of the GMSD slope chart (the end of the Cold War); the later one is the
#: last year every country of the group has a value.
SLOPE_START_YEAR = 1990

TOTAL_BASIS = "mod_incl_saco_realignment"
CORE_BASIS = "mod_excl_saco_realignment"
BASIS_LABEL = {
    TOTAL_BASIS: "incl. SACO & US realignment",
    CORE_BASIS: "excl. SACO & US realignment",
}


class ReportError(DefbudgetError, ValueError):
    """One item of the report could not be written; the message names the item and why."""


class _ItemSkipped(Exception):
    """An item that cannot be made from the inputs given; build_report warns and goes on."""


class ReportItemSkippedWarning(DefbudgetWarning):
    """A report item was not written; the message names it and says why."""


@dataclass(frozen=True)
class ReportItem:
    """One file of the report: its name, what it shows, and the function that writes it."""

    filename: str
    description: str
    write: Callable[[Path, dict], None]


# --------------------------------------------------------------------------- file helpers
def _write_text_atomic(text: str, path: Path) -> None:
    """Write *text* through a unique temp file; only a file the report wrote is replaced."""
    from defbudget._outputs import write_text

    write_text(text, path, replace=True, what="report file")


def _write_csv_atomic(frame: pd.DataFrame, path: Path) -> None:
    """Write a formula-safe CSV through a unique temp file; only a CSV the report wrote
    (same header) is replaced."""
    from defbudget._outputs import write_csv

    write_csv(frame, path, replace=True, what="report CSV")


def _draw(path: Path, draw: Callable, *, figsize=(9, 5.2)) -> None:
    """Draw on a fresh Axes in the house style, save atomically, close the figure."""
    import matplotlib.pyplot as plt

    from defbudget import plot

    with plot.house_style():
        fig, ax = plt.subplots(figsize=figsize)
        try:
            draw(ax)
            plot.save(fig, path)
        finally:
            plt.close(fig)


# --------------------------------------------------------------------------- the frames
def _cached(context: dict, key: str, make: Callable[[], pd.DataFrame]) -> pd.DataFrame:
    if key not in context:
        context[key] = make()
    return context[key]


def _japan_all(context: dict) -> pd.DataFrame:
    from defbudget.datasets import load

    return _cached(context, "japan", lambda: load("japan_mod_budget"))


def _japan_budget(context: dict) -> pd.DataFrame:
    """Japan's MOD initial budget, both bases, current yen."""
    def make():
        frame = _japan_all(context)
        return frame[frame["measure"] == "defense_budget"].reset_index(drop=True)
    return _cached(context, "budget", make)


def _japan_usd(context: dict) -> pd.DataFrame:
    """The budget in current US$ at fiscal-year-average rates (NaN where no rate yet)."""
    from defbudget.fx import convert

    return _cached(context, "usd", lambda: convert(
        _japan_budget(context), to="USD", rate="fy_average", on_missing="nan"))


def _japan_constant(context: dict) -> pd.DataFrame:
    """The budget in constant CONSTANT_BASE_YEAR yen (Japan's GDP deflator)."""
    from defbudget.prices import to_constant

    return _cached(context, "constant", lambda: to_constant(
        _japan_budget(context), base_year=CONSTANT_BASE_YEAR, index="jp_gdp_deflator",
        on_missing="nan"))


def _japan_share_gdp(context: dict) -> pd.DataFrame:
    """MOD budget (incl. SACO & realignment) as a share of nominal GDP, same fiscal year."""
    def make():
        from defbudget.datasets import load

        budget = _japan_budget(context)
        budget = budget[budget["basis"] == TOTAL_BASIS]
        gdp = load("japan_gdp")
        gdp = gdp[(gdp["measure"] == "gdp") & (gdp["period"] == "FY")]
        merged = budget.merge(gdp[["year", "value", "source"]], on="year",
                              suffixes=("", "_gdp"), validate="one_to_one")
        out = merged.drop(columns=["value_gdp", "source_gdp"]).copy()
        out["value"] = merged["value"] / merged["value_gdp"]
        out["measure"] = "defense_budget_share_gdp"
        out["unit"] = "ratio"
        out["note"] = ("MOD initial budget / nominal GDP of the same fiscal year (GDP: "
                       + merged["source_gdp"] + ")")
        return out.reset_index(drop=True)
    return _cached(context, "share_gdp", make)


def _reconcile_table(context: dict) -> pd.DataFrame:
    from defbudget.reconciliation import reconcile

    return _cached(context, "reconcile", lambda: reconcile(country="JPN"))


def _budget_label(table: pd.DataFrame, year: int) -> str:
    """The budget of fiscal *year* to draw: the most final stage reported (enacted > draft,
    :data:`defbudget.vocabulary.STAGE_PRIORITY`)."""
    from defbudget.vocabulary import STAGE_PRIORITY as order

    rows = table[table["year"] == year]
    if rows.empty:
        raise LookupError(f"the reconcile table has no budget for FY{year}")
    for stage in order:
        hit = rows[rows["stage"] == stage]
        if not hit.empty:
            return str(hit["budget"].iloc[0])
    return str(rows["budget"].iloc[0])


def _gmsd_group(context: dict) -> pd.DataFrame:
    def make():
        from defbudget.compare import split_unreliable_countries
        from defbudget.datasets import load

        g = load("gmsd_burden")
        group = g[g["iso3"].isin(INDO_PACIFIC) & (g["year"] >= 1950)]
        # Taiwan's GMSD values (~90% of GDP in every year) are flagged highly_uncertain in
        # the data; drawn, they would flatten every other line.
        kept, set_aside = split_unreliable_countries(group)
        context["gmsd_set_aside"] = set_aside
        return kept.reset_index(drop=True)
    return _cached(context, "gmsd", make)


def _sipri(context: dict) -> pd.DataFrame:
    def make():
        from defbudget.readers.sipri import read_sipri

        path = context["sipri"] or None  # "" -> $DEFBUDGET_SIPRI
        from defbudget.readers.sipri import SipriFiscalYearWarning

        with warnings.catch_warnings():
            # Fiscal-year footnote warnings concern the local-currency sheets we do not read;
            # every other warning (an unknown country, a note) reaches the caller.
            warnings.simplefilter("ignore", SipriFiscalYearWarning)
            return read_sipri(path, sheets=["constant_usd", "share_gdp"])
    return _cached(context, "sipri_frame", make)


def _sipri_measure(context: dict, measure: str, *, group: bool = True) -> pd.DataFrame:
    frame = _sipri(context)
    frame = frame[(frame["measure"] == measure) & frame["value"].notna()]
    if group:
        frame = frame[frame["iso3"].isin(INDO_PACIFIC)]
        missing = set(INDO_PACIFIC) - set(frame["iso3"])
        if missing:
            raise LookupError(f"the SIPRI workbook has no {measure} rows for {sorted(missing)}")
    return frame.reset_index(drop=True)


def _targets_japan() -> pd.DataFrame:
    from defbudget.datasets import load

    t = load("targets")
    return t[t["country"] == "Japan"]


# --------------------------------------------------------------------------- chart items
def _chart_yen(path: Path, context: dict) -> None:
    from defbudget import plot

    years = _japan_budget(context)["year"]
    _draw(path, lambda ax: plot.trend(
        _japan_budget(context), hue="basis", ax=ax,
        title=f"Japan: MOD initial defence budget, FY{years.min()}–FY{years.max()}"))


def _chart_growth(path: Path, context: dict) -> None:
    from defbudget import plot

    core = _japan_budget(context)
    core = core[core["basis"] == CORE_BASIS]
    _draw(path, lambda ax: plot.growth_bars(
        core, ax=ax, title="Japan: MOD initial budget, change on previous fiscal year "
                           f"({BASIS_LABEL[CORE_BASIS]})"))


def _chart_composition(path: Path, context: dict) -> None:
    from defbudget import plot

    _draw(path, lambda ax: plot.stacked_composition(
        _japan_all(context), ax=ax,
        title="Japan: what the MOD initial budget is made of"))


def _chart_reconciliation(year: int) -> Callable[[Path, dict], None]:
    def write(path: Path, context: dict) -> None:
        from defbudget import plot

        table = _reconcile_table(context)
        budget = _budget_label(table, year)
        _draw(path, lambda ax: plot.reconciliation_dots(table, budget=budget, ax=ax),
              figsize=(10.5, 5.8))
    return write


def _chart_usd(path: Path, context: dict) -> None:
    from defbudget import plot

    usd = _japan_usd(context)
    last = int(usd.dropna(subset=["value"])["year"].max())
    _draw(path, lambda ax: plot.trend(
        usd, hue="basis", ax=ax,
        title="Japan: MOD initial budget in US$ at fiscal-year-average exchange rates",
        note=f"Ends at FY{last}: an average rate needs the whole year"
        if last < int(usd["year"].max()) else None))


def _chart_constant(path: Path, context: dict) -> None:
    from defbudget import plot

    real = _japan_constant(context)
    _draw(path, lambda ax: plot.trend(
        real, hue="basis", ax=ax,
        title=f"Japan: MOD initial budget in constant FY{CONSTANT_BASE_YEAR} yen "
              "(GDP deflator)"))


def _chart_share_gdp(path: Path, context: dict) -> None:
    from defbudget import plot

    share = _japan_share_gdp(context)
    _draw(path, lambda ax: plot.burden_vs_targets(
        share, targets=_targets_japan(), ax=ax,
        title="Japan: MOD initial budget as a share of GDP, and the 2% goal (defined on "
              "defence-related spending)",
        note=f"Share = MOD initial budget ({BASIS_LABEL[TOTAL_BASIS]}) / nominal fiscal-year "
             "GDP (Cabinet Office ESRI, SNA 2020 base)"))


def _chart_gmsd(path: Path, context: dict) -> None:
    from defbudget import plot

    group = _gmsd_group(context)
    shown = group[group["year"] >= plot.lines.BURDEN_START]
    _draw(path, lambda ax: plot.burden_vs_targets(
        group, ax=ax, highlight="Japan", years=(plot.lines.BURDEN_START, None),
        title=f"{_names(shown)}: military spending as a share of GDP, "
              f"{int(shown['year'].min())}–{int(shown['year'].max())} (GMSD)",
        note=_set_aside_note(context.get("gmsd_set_aside", {}))))


def _names(frame: pd.DataFrame) -> str:
    """'Japan, China, South Korea and Australia': the countries a chart compares."""
    from defbudget.plot._common import countries_text

    return countries_text(frame)


def _chart_gmsd_slope(path: Path, context: dict) -> None:
    from defbudget import plot

    group = _gmsd_group(context)
    end = int(group.groupby("country")["year"].max().min())
    _draw(path, lambda ax: plot.slope(
        group, start=SLOPE_START_YEAR, end=end, ax=ax, highlight="Japan",
        title=(f"{_names(group)}: military spending as a share of GDP, {SLOPE_START_YEAR} "
               f"and {end} (GMSD)"),
        note=_set_aside_note(context.get("gmsd_set_aside", {}))))


def _chart_gmsd_ranking(path: Path, context: dict) -> None:
    from defbudget import plot
    from defbudget.compare import split_unreliable_countries
    from defbudget.datasets import load

    gmsd = load("gmsd_burden")
    year = int(gmsd["year"].max())
    ranked, set_aside = split_unreliable_countries(gmsd[gmsd["year"] == year])
    _draw(path, lambda ax: plot.ranking_bars(
        ranked, year=year, n=15, ax=ax, highlight="Japan",
        title=f"The 15 highest military burdens in {year}, share of GDP (GMSD)",
        note=_set_aside_note(set_aside)), figsize=(9, 6.4))


def _set_aside_note(set_aside: dict[str, str]) -> str | None:
    if not set_aside:
        return None
    return (f"Left out: {', '.join(set_aside)} (GMSD level implausible against SIPRI's; "
            "flagged highly uncertain in the data)")


def _chart_sipri_constant(path: Path, context: dict) -> None:
    from defbudget import plot

    frame = _sipri_measure(context, "milex")
    _draw(path, lambda ax: plot.compare_lines(
        frame[frame["year"] >= 1990], ax=ax, highlight="Japan",
        title=f"{_names(frame)}: military expenditure, constant US$ (SIPRI)"))


def _chart_sipri_share(path: Path, context: dict) -> None:
    from defbudget import plot

    frame = _sipri_measure(context, "milex_share_gdp")
    _draw(path, lambda ax: plot.burden_vs_targets(
        frame[frame["year"] >= 1990], ax=ax, highlight="Japan",
        title=f"{_names(frame)}: military expenditure as a share of GDP (SIPRI)"))


def _chart_sipri_indexed(path: Path, context: dict) -> None:
    from defbudget import plot

    frame = _sipri_measure(context, "milex")
    _draw(path, lambda ax: plot.indexed_growth(
        frame[frame["year"] >= INDEX_BASE_YEAR], index_year=INDEX_BASE_YEAR, ax=ax,
        highlight="Japan",
        title=f"{_names(frame)}: real growth of military expenditure "
              f"({INDEX_BASE_YEAR} = 100, SIPRI)"))


def _chart_sipri_ranking(path: Path, context: dict) -> None:
    from defbudget import plot

    frame = _sipri_measure(context, "milex", group=False)
    frame = frame[frame["iso3"].notna()]  # countries only, no regional totals
    year = int(frame["year"].max())
    _draw(path, lambda ax: plot.ranking_bars(
        frame, year=year, n=15, ax=ax, highlight="Japan",
        title=f"The 15 largest military spenders in {year}, constant US$ (SIPRI)"),
        figsize=(9, 6.4))


def _chart_sipri_multiples(path: Path, context: dict) -> None:
    from defbudget import plot

    frame = _sipri_measure(context, "milex", group=False)
    frame = frame[frame["iso3"].notna()]
    plot.save_small_multiples(
        frame, path, title="Military expenditure by country, constant US$ (SIPRI)",
        progress=False)


# --------------------------------------------------------------------------- official budgets
#: Base year of the official-budget growth chart: each government's fiscal year 2015 = 100.
OFFICIAL_BASE_YEAR = 2015


def _official_headline(context: dict) -> pd.DataFrame:
    """Japan and the official_budgets group, one headline budget per country and year."""
    def make():
        from defbudget.official import headline

        frame = headline()
        # one dataset name per series in the charts' source line (rows keep their sources
        # in the CSV and in OFFICIAL_BUDGETS_NOTES.md)
        frame = frame.assign(source=frame["iso3"].map(
            lambda i: "japan_mod_budget" if i == "JPN" else "official_budgets"))
        return frame[frame["year"] >= OFFICIAL_BASE_YEAR].reset_index(drop=True)
    return _cached(context, "official_headline", make)


def _official_colours(context: dict) -> dict[str, str]:
    """Each country's house colour (plot.country_colour: Japan blue in every chart); a
    country without one gets the first Okabe–Ito colour no other country here uses."""
    from defbudget.plot import OKABE_ITO, country_colour

    every = sorted(_official_headline(context)["country"].unique())
    out = {c: country_colour(c) for c in every}
    spare = [x for x in OKABE_ITO if x.lower() not in {v.lower() for v in out.values() if v}]
    for c in every:
        if out[c] is None:
            out[c] = spare.pop(0) if spare else "#555555"
    return out


def _official_usd(context: dict) -> pd.DataFrame:
    from defbudget.official import in_usd

    return _cached(context, "official_usd", lambda: in_usd(_official_headline(context)))


def _left_out(frame: pd.DataFrame, kept: pd.DataFrame, why: str) -> str | None:
    gone = sorted(set(frame["country"]) - set(kept["country"]))
    return f"Not shown: {', '.join(gone)} ({why})." if gone else None


def _chart_official_indexed(path: Path, context: dict) -> None:
    from defbudget import plot

    frame = _official_headline(context)
    has_base = frame.loc[frame["year"] == OFFICIAL_BASE_YEAR, "country"].unique()
    kept = frame[frame["country"].isin(has_base)]
    note = " ".join(filter(None, [
        "Headline basis, latest stage of each year.",
        _left_out(frame, kept, f"no {OFFICIAL_BASE_YEAR} figure on its headline basis")]))
    _draw(path, lambda ax: plot.indexed_growth(
        kept, index_year=OFFICIAL_BASE_YEAR, ax=ax, note=note,
        palette={c: _official_colours(context)[c] for c in kept["country"].unique()},
        title=f"Official defence budgets in national currency, {OFFICIAL_BASE_YEAR} = 100"),
        figsize=(10.5, 5.8))


def _chart_official_usd(path: Path, context: dict) -> None:
    from defbudget import plot
    from defbudget.formatting import format_money

    every = _official_usd(context)
    us = every[(every["iso3"] == "USA") & every["value"].notna()].sort_values("year")
    usd = every[every["iso3"] != "USA"]  # many times the others: it would flatten them
    kept = usd[usd["value"].notna()]
    gone = sorted(set(usd["country"]) - set(kept["country"]))
    hidden = [f"{c} (no rate source in the kit)" for c in gone]
    if len(us):
        hidden.append(f"United States ({format_money(us['value'].iloc[-1], 'USD')} in "
                      f"FY{int(us['year'].iloc[-1])}), for scale")
    note = "Complete years only." + (f" Not shown: {'; '.join(hidden)}." if hidden else "")
    _draw(path, lambda ax: plot.trend(
        kept, hue="country", ax=ax, note=note,
        palette={c: _official_colours(context)[c] for c in kept["country"].unique()},
        title="Official defence budgets in US$ at fiscal-year-average exchange rates"),
        figsize=(10.5, 5.8))


def _official_growth(context: dict) -> pd.DataFrame:
    from defbudget.official import latest_growth

    return _cached(context, "official_growth", latest_growth)


def _chart_official_growth(path: Path, context: dict) -> None:
    from defbudget import plot
    from defbudget.official import HEADLINE_BASIS

    growth = _official_growth(context)
    growth = growth[growth["basis"] == growth["iso3"].map(HEADLINE_BASIS)]
    growth = growth.sort_values("growth", kind="stable").reset_index(drop=True)
    labels = [f"{r.country} {r.latest} {r.stage}"
              + ("" if r.stage == r.compared_with else f" (vs {r.compared_with})")
              for r in growth.itertuples()]
    colours = _official_colours(context)

    def draw(ax):
        ax.barh(range(len(growth)), growth["growth"] * 100,
                color=[colours[c] for c in growth["country"]])
        ax.set_yticks(range(len(growth)), labels)
        ax.axvline(0, color="0.3", linewidth=0.8)
        for i, g in enumerate(growth["growth"]):
            ax.annotate(f"{g * 100:+.1f}%", (g * 100, i), xytext=(4 if g >= 0 else -4, 0),
                        textcoords="offset points", va="center",
                        ha="left" if g >= 0 else "right", fontsize=8)
        ax.set_xlabel("Change on the previous fiscal year, same stage, national currency (%)")
        ax.margins(x=0.15)
        ax.set_title("Latest official defence budgets: change on the year before, by stage")
        plot.add_source_line(ax, "Source: defbudget official_budgets and japan_mod_budget "
                                 "(quotes in OFFICIAL_BUDGETS_NOTES.md); headline basis of "
                                 "each country; current prices.")
    _draw(path, draw, figsize=(9, 5.6))


def _csv_official_growth(path: Path, context: dict) -> None:
    _write_csv_atomic(_official_growth(context), path)


def _official_sipri(context: dict) -> pd.DataFrame:
    def make():
        from defbudget.official import against_sipri
        from defbudget.readers.sipri import (
            SipriDuplicateWarning,
            SipriFiscalYearWarning,
            SipriNoteWarning,
            read_sipri,
            sipri_release_info,
        )

        path = context["sipri"] or None
        info = sipri_release_info(path)
        if "lcu_fy" not in info["sheets"]:
            raise _ItemSkipped(
                f"{Path(info['path']).name} has no 'Local currency financial years' sheet, "
                "which the comparison with official budgets needs (every full SIPRI release "
                "has one)")
        with warnings.catch_warnings():
            # the workbook's own notes concern sheets and rows the comparison does not use;
            # an unknown country still reaches the caller
            for category in (SipriFiscalYearWarning, SipriNoteWarning, SipriDuplicateWarning):
                warnings.simplefilter("ignore", category)
            lcu = read_sipri(path, sheets=["lcu_fy"])
        return against_sipri(lcu, _official_headline(context))
    return _cached(context, "official_sipri", make)


def _csv_official_sipri(path: Path, context: dict) -> None:
    _write_csv_atomic(_official_sipri(context), path)


def _chart_official_sipri(path: Path, context: dict) -> None:
    from defbudget import plot

    table = _official_sipri(context)
    frame = table.rename(columns={"ratio": "value"}).assign(
        unit="ratio", measure="official_to_sipri",
        basis="headline", price_basis="current", source="official_budgets")
    frame = frame[frame["value"].notna()]
    _draw(path, lambda ax: plot.trend(
        frame, hue="country", ax=ax,
        palette={c: _official_colours(context)[c] for c in frame["country"].unique()},
        title="Official defence budgets as a share of SIPRI's military expenditure",
        note="Same fiscal year and national currency (SIPRI local-currency financial-year "
             "sheet). Below 100%: SIPRI counts spending the headline budget leaves out; "
             "SIPRI's footnotes on what it counts are in official_vs_sipri.csv (sipri_note)."),
        figsize=(10.5, 5.8))


# --------------------------------------------------------------------------- table items
def _csv_budget(path: Path, context: dict) -> None:
    _write_csv_atomic(_japan_all(context), path)


def _csv_usd(path: Path, context: dict) -> None:
    _write_csv_atomic(_japan_usd(context), path)


def _csv_reconcile(path: Path, context: dict) -> None:
    _write_csv_atomic(_reconcile_table(context), path)


def _workbook(path: Path, context: dict) -> None:
    from defbudget.excel import to_excel

    frames = {
        "Japan budget (yen)": _japan_budget(context),
        "Japan budget (US$)": _japan_usd(context),
        f"Japan budget ({CONSTANT_BASE_YEAR} yen)": _japan_constant(context),
        "Japan budget share GDP": _japan_share_gdp(context),
    }
    if context.get("sipri") is not None:
        frames["SIPRI constant US$"] = _sipri_measure(context, "milex")
        frames["SIPRI share of GDP"] = _sipri_measure(context, "milex_share_gdp")
    to_excel(frames, path, overwrite=True, title="defbudget report",
             notes=["US$ at ECB fiscal-year-average rates (April–March); FY2026 has no "
                    "full-year rate yet.",
                    f"Constant prices: Japan's GDP deflator, rebased to FY{CONSTANT_BASE_YEAR}."])


def _fmt_yen(value: float) -> str:
    return f"¥{value / 1e12:,.2f}T" if pd.notna(value) else "n/a"


def _fmt_usd(value: float) -> str:
    return f"${value / 1e9:,.1f}B" if pd.notna(value) else "n/a"


def _freshness_section(context: dict) -> list[str]:
    """The lines of `defbudget sources`: each input's vintage and what a newer one unlocks."""
    from defbudget.sources import freshness_lines

    return ["## Inputs: vintage and what a newer one would unlock", "",
            *(f"- {line}" for line in freshness_lines(sipri=context.get("sipri"))), ""]


def _summary(path: Path, context: dict) -> None:
    from defbudget.datasets import cite

    budget = _japan_budget(context)
    usd = _japan_usd(context)
    lines = ["# defbudget report — key figures", ""]
    lines += ["## Japan: MOD initial defence budget", "",
              "| Fiscal year | Basis | Stage | Yen | Change on previous FY | "
              "US$ at FY-average rate |",
              "|---|---|---|---:|---:|---:|"]
    latest = int(budget["year"].max())
    for year in (latest - 1, latest):
        for basis in (TOTAL_BASIS, CORE_BASIS):
            row = budget[(budget["year"] == year) & (budget["basis"] == basis)]
            prev = budget[(budget["year"] == year - 1) & (budget["basis"] == basis)]
            if row.empty:
                continue
            value = float(row["value"].iloc[0])
            growth = (f"{value / float(prev['value'].iloc[0]) - 1:+.1%}" if not prev.empty
                      else "n/a")
            conv = usd[(usd["year"] == year) & (usd["basis"] == basis)]["value"]
            lines.append(f"| FY{year} | {BASIS_LABEL[basis]} | {row['stage'].iloc[0]} | "
                         f"{_fmt_yen(value)} | {growth} | "
                         f"{_fmt_usd(conv.iloc[0]) if len(conv) else 'n/a'} |")
    lines += ["", "FY = April–March (FY2025 = April 2025–March 2026). US$ at ECB "
              "fiscal-year-average rates; n/a where the fiscal year has not ended.", ""]

    share = _japan_share_gdp(context)
    last = share.sort_values("year").iloc[-1]
    lines += [f"MOD initial budget as a share of GDP, FY{int(last['year'])}: "
              f"{last['value']:.2%} (the 2% goal for FY2027 counts defence and related "
              "spending against FY2022 GDP).", ""]

    table = _reconcile_table(context)
    lines += ["## Press US$ figures, reconciled", "",
              "| Budget | Outlet | Reported | Implied ¥/$ | Verdict |", "|---|---|---:|---:|---|"]
    for _, r in table.iterrows():
        verdict = str(r["verdict"]).replace("|", "/")
        lines.append(f"| {r['budget']} | {r['outlet']} | {_fmt_usd(r['reported_usd'])} | "
                     f"{r['implied_rate']:.1f} | {verdict} |")
    lines.append("")
    lines += _summary_official(context)

    sources = sorted(set(budget["source"]) | set(table["source"]) | set(table["fx_source"])
                     | set(_gmsd_group(context)["source"]) | set(share["note"].str.extract(
                         r"GDP: (.*)\)")[0].dropna()))
    if context.get("sipri") is not None:
        sources += sorted(set(_sipri(context)["source"].dropna()) - set(sources))
    lines += _freshness_section(context)
    lines += ["## Sources", ""]
    for source in sources:
        try:
            lines.append(f"- {cite(source)}")
        except LookupError:
            lines.append(f"- {source}")
    lines.append("")
    _write_text_atomic("\n".join(lines), path)


def _summary_official(context: dict) -> list[str]:
    """The latest official budget of each country of the group, with its stage and growth."""
    from defbudget.formatting import format_money

    growth = _official_growth(context)
    from defbudget.official import HEADLINE_BASIS

    growth = growth[growth["basis"] == growth["iso3"].map(HEADLINE_BASIS)]
    lines = ["## Official budgets of the group: the latest year", "",
             "| Country | Fiscal year | Basis | Stage | Amount | Change on previous year |",
             "|---|---|---|---|---:|---:|"]
    for r in growth.itertuples():
        versus = "" if r.stage == r.compared_with else f" (vs {r.compared_with})"
        lines.append(f"| {r.country} | {r.latest} | {r.basis} | {r.stage} | "
                     f"{format_money(r.latest_value, r.unit, sig=4)} | "
                     f"{r.growth:+.1%}{versus} |")
    lines += ["", "Each government's own fiscal year (the US names its fiscal year by the year "
              "it ends in); national currency, current prices. Sources and quotes: "
              "`defbudget.cite(source id)` and OFFICIAL_BUDGETS_NOTES.md "
              "(official_budgets_latest_growth.csv lists the source of every figure).", ""]
    return lines


# --------------------------------------------------------------------------- the report
def report_items(*, sipri: str | os.PathLike | None = None) -> list[ReportItem]:
    """The items of the report, in the order they are written."""
    items = [
        ReportItem("japan_budget_yen.png",
                   "Japan's MOD initial budget FY1990–FY2026 in yen, both bases",
                   _chart_yen),
        ReportItem("japan_budget_growth.png",
                   "Year-on-year change of the budget (excl. SACO & realignment)",
                   _chart_growth),
        ReportItem("japan_budget_composition.png",
                   "The budget stacked: core, SACO, US realignment and other items",
                   _chart_composition),
        ReportItem("japan_budget_usd.png",
                   "The budget in US$ at fiscal-year-average rates", _chart_usd),
        ReportItem("japan_budget_constant.png",
                   f"The budget in constant FY{CONSTANT_BASE_YEAR} yen (GDP deflator)",
                   _chart_constant),
        ReportItem("japan_budget_share_gdp.png",
                   "The budget as a share of GDP against Japan's 2% goal", _chart_share_gdp),
        ReportItem("reconciliation_fy2025.png",
                   "Press US$ figures for the FY2025 budget against its conversions",
                   _chart_reconciliation(2025)),
        ReportItem("reconciliation_fy2026.png",
                   "Press US$ figures for the FY2026 draft against its conversions",
                   _chart_reconciliation(2026)),
        ReportItem("gmsd_burden_indo_pacific.png",
                   "Military burden of the Indo-Pacific group (GMSD), with the 2% lines",
                   _chart_gmsd),
        ReportItem("gmsd_burden_slope.png",
                   f"Slope chart: the group's military burden in {SLOPE_START_YEAR} and in "
                   "the latest GMSD year", _chart_gmsd_slope),
        ReportItem("gmsd_burden_ranking.png",
                   "The 15 countries with the highest military burden in the latest GMSD year",
                   _chart_gmsd_ranking),
        ReportItem("japan_mod_budget.csv",
                   "The Japan budget series as a tidy CSV, one source per row", _csv_budget),
        ReportItem("japan_budget_usd.csv",
                   "The budget converted to US$ with the rate used", _csv_usd),
        ReportItem("reconcile.csv", "Press US$ figures with their implied rates and verdicts",
                   _csv_reconcile),
        ReportItem("official_budgets_indexed.png",
                   f"Official budgets of the group in national currency, "
                   f"{OFFICIAL_BASE_YEAR} = 100", _chart_official_indexed),
        ReportItem("official_budgets_usd.png",
                   "Official budgets in US$ at fiscal-year-average rates (complete years)",
                   _chart_official_usd),
        ReportItem("official_budgets_latest_growth.png",
                   "The latest official budgets' change on the year before, by stage",
                   _chart_official_growth),
        ReportItem("official_budgets_latest_growth.csv",
                   "The latest year's growth of every official basis and stage",
                   _csv_official_growth),
    ]
    if sipri is not None:
        items += [
            ReportItem("sipri_constant_usd.png",
                       "SIPRI military expenditure, constant US$, Indo-Pacific",
                       _chart_sipri_constant),
            ReportItem("sipri_share_gdp.png",
                       "SIPRI military burden, Indo-Pacific, against the 2% lines",
                       _chart_sipri_share),
            ReportItem("sipri_indexed_growth.png",
                       f"SIPRI real growth, Indo-Pacific, {INDEX_BASE_YEAR} = 100",
                       _chart_sipri_indexed),
            ReportItem("sipri_ranking.png", "The 15 largest spenders in the latest year",
                       _chart_sipri_ranking),
            ReportItem("sipri_all_countries.pdf",
                       "Small multiples: every country, constant US$", _chart_sipri_multiples),
            ReportItem("official_vs_sipri.csv",
                       "Official budget against SIPRI's figure, same year and currency, with "
                       "SIPRI's footnotes", _csv_official_sipri),
            ReportItem("official_vs_sipri.png",
                       "Official budget as a share of SIPRI's figure", _chart_official_sipri),
        ]
    items += [
        ReportItem("defbudget_report.xlsx", "The key frames as a formatted Excel workbook",
                   _workbook),
        ReportItem("summary.md", "Key figures and their sources, in Markdown", _summary),
    ]
    return items


def build_report(out: str | os.PathLike, *, sipri: str | os.PathLike | None = None,
                 progress: bool = True) -> list[Path]:
    """Write the report into folder *out* (created if needed) and return the files written.

    Parameters
    ----------
    out
        Folder to write into. Existing report files in it are replaced.
    sipri
        Path of a SIPRI workbook (or a folder holding one); ``""`` means use
        ``$DEFBUDGET_SIPRI``; ``None`` leaves out the SIPRI comparisons.
    progress
        Show a progress bar over the report's items (on stderr).

    Returns
    -------
    list of pathlib.Path
        The files written, in order.

    Raises
    ------
    ReportError
        An item failed; the message names the file and the cause.
    NotADirectoryError
        *out* is an existing file.

    Examples
    --------
    >>> from defbudget.report import build_report
    >>> files = build_report("report", progress=False)  # doctest: +SKIP
    """
    from tqdm.auto import tqdm

    # The backend is the caller's: each figure is closed once saved, so none is shown (the
    # CLI entry point selects Agg; a notebook keeps its own backend).
    if not str(os.fspath(out)).strip():
        raise ValueError("build_report: the output folder is empty (''); name it, e.g. "
                         "'report' (or '.' for the current folder)")
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise NotADirectoryError(f"--out {out} is a file; give a folder to write the report into")
    out.mkdir(parents=True, exist_ok=True)
    items = report_items(sipri=sipri)
    context: dict = {"sipri": sipri}
    if sipri is not None:  # read the workbook first: a bad --sipri fails before any drawing
        try:
            _sipri(context)
        except (ValueError, OSError, LookupError) as exc:
            raise ReportError(f"--sipri: {exc}") from exc
    written: list[Path] = []
    bar = tqdm(items, desc="defbudget report", unit="file", disable=not progress)
    for item in bar:
        bar.set_postfix_str(item.filename, refresh=False)
        path = out / item.filename
        try:
            item.write(path, context)
        except _ItemSkipped as why:
            warnings.warn(f"report: {item.filename} not written: {why}.",
                          ReportItemSkippedWarning, stacklevel=2)
            continue
        except (ValueError, OSError, LookupError) as exc:
            raise ReportError(f"report item {item.filename} failed: {exc}") from exc
        written.append(path)
    return written

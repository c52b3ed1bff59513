"""Official defence budgets beyond Japan: from the research files to data/.

    python scripts/build_official.py --import ../research   # snapshot research CSVs, rebuild
    python scripts/build_official.py                         # rebuild from the snapshot
    python scripts/build_official.py --check                 # fail if data/ differs

The research files (one set per country, layout in the issue-17 research brief) are copied
unchanged into ``scripts/official_research/`` so that the build is reproducible from the
repository alone. :mod:`build_data` (which owns ``reported_figures.csv`` and
``datapackage.json``) calls :func:`build` and writes:

- ``data/official_budgets.csv``: one row per country, fiscal year, basis and stage, in whole
  national-currency units, each citing its source; years without a sourced value are rows
  flagged ``unavailable`` (never interpolated);
- ``data/OFFICIAL_BUDGETS_NOTES.md``: the sentence each value is quoted from, the bases, the
  coverage, and every place where sources disagree;
- the press conversions (US dollars, shares of GDP) appended to ``reported_figures.csv``;
- the ``official_budgets`` resource and one ``sources`` entry per cited page.

Choosing among sources of one figure: the row the researcher marked ``PREFERRED`` in its note;
else the only row; else, when all rows agree, the first; else the first listed, and the notes
say that no preference was recorded. Every row not chosen is quoted in the notes.
"""

from __future__ import annotations

import csv
import re
import shutil
import sys
from collections import OrderedDict
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SNAPSHOT = ROOT / "scripts" / "official_research"
FIRST_YEAR, LAST_YEAR = 2015, 2026

BUDGET_COLUMNS = ["iso3", "fy_label", "fy_first_month", "fy_last_month", "basis", "stage",
                  "value", "unit", "amount_as_printed", "source_id", "publisher", "title",
                  "published", "url", "quote", "note"]
PRESS_COLUMNS = ["iso3", "fy_label", "basis", "stage", "kind", "amount_as_printed", "value",
                 "unit", "local_amount_as_printed", "outlet", "published", "url", "quote",
                 "note"]
RATE_COLUMNS = ["period", "twd_per_usd", "source_id", "publisher", "url", "published", "quote"]

#: iso3 -> (display name, currency, fiscal-year start month, year names the FY's start/end)
COUNTRIES = OrderedDict([
    ("CHN", ("China", "CNY", 1, "start")),
    ("KOR", ("South Korea", "KRW", 1, "start")),
    ("TWN", ("Taiwan", "TWD", 1, "start")),
    ("AUS", ("Australia", "AUD", 7, "start")),
    ("IND", ("India", "INR", 4, "start")),
    ("USA", ("United States", "USD", 10, "end")),
])

#: The headline bases of each country, and their definitions (datapackage and notes).
BASES = {
    "chn_mof_national_defence": (
        "CHN", True,
        "China: national defence expenditure (国防支出) of the central budget in the Ministry "
        "of Finance's report on the draft central and local budgets presented to the National "
        "People's Congress each March (stage draft; the NPC approves it days later)."),
    "chn_mof_national_defence_all_levels": (
        "CHN", False,
        "China: national defence expenditure of central and local governments together, as "
        "the same MOF budget report gives it (a little above the central figure)."),
    "kor_mnd_budget": (
        "KOR", True,
        "South Korea: the Ministry of National Defense budget (국방예산), as the government "
        "proposes it to the National Assembly (stage proposal; MND's earlier request to the "
        "finance ministry is stage request) and as the Assembly passes it (enacted)."),
    "twn_mnd_budget": (
        "TWN", True,
        "Taiwan: the Ministry of National Defense annual (general) budget proposed by the "
        "Executive Yuan, without special budgets."),
    "twn_total_defence_budget": (
        "TWN", True,
        "Taiwan: total defence budget as the Executive Yuan presents it, the MND annual budget "
        "plus special budgets and the Non-Profit Fund and, from 2026, the coast guard and "
        "veterans' affairs (NATO definition)."),
    "twn_total_defence_budget_excl_cg_veterans": (
        "TWN", False,
        "Taiwan: the 2026 total defence budget on the pre-2026 scope (MND annual budget, "
        "special budgets and the Non-Profit Fund, without the coast guard and veterans), "
        "as quoted from Executive Yuan meeting papers, for comparison with earlier years."),
    "aus_defence_portfolio_funding": (
        "AUS", True,
        "Australia: total funding of the Defence portfolio (Department of Defence; from "
        "2016-17 as 'total defence funding') in the Portfolio Budget Statements of each May "
        "budget (stage proposal: the Budget as presented; revised: the estimate a year later)."),
    "aus_defence_department_funding_excl_own_source": (
        "AUS", False,
        "Australia: Department of Defence funding from government, excluding its own-source "
        "revenue, as the Portfolio Budget Statements name it."),
    "ind_mod_be_incl_pensions": (
        "IND", True,
        "India: Ministry of Defence budget estimate (BE) in the Union Budget, including "
        "defence pensions (all MOD demands for grants)."),
    "ind_mod_be_excl_pensions": (
        "IND", True,
        "India: Ministry of Defence budget estimate (BE) in the Union Budget, excluding "
        "defence pensions."),
    "ind_defence_services_be": (
        "IND", False,
        "India: budget estimate of the Defence Services demands only (revenue and capital of "
        "the armed forces), excluding both defence pensions and MoD (Civil); the press "
        "headline up to 2015-16 and in interim budgets; not comparable with the MOD bases."),
    "usa_dod_051_discretionary_ba": (
        "USA", True,
        "United States: Department of Defense military, subfunction 051, discretionary budget "
        "authority, base and war/OCO funding together, as requested by the President's budget "
        "and as enacted by Congress."),
    "usa_national_defense_050_discretionary_ba": (
        "USA", True,
        "United States: national defence, budget function 050 (DoD 051 plus DOE atomic energy "
        "defence 053 and other defence-related 054), discretionary budget authority, requested "
        "and enacted."),
    "usa_dod_base_discretionary_ba": (
        "USA", False,
        "United States: DoD base discretionary budget authority, without Overseas Contingency "
        "Operations (OCO) funding (the headline of FY2015-FY2017 budgets)."),
    "usa_dod_051_total_ba": (
        "USA", False,
        "United States: DoD subfunction 051 total budget authority (discretionary and "
        "mandatory)."),
    "usa_national_defense_050_total_ba": (
        "USA", False,
        "United States: national defence function 050, total budget authority (discretionary "
        "and mandatory)."),
    "usa_dod_appropriations_act_discretionary": (
        "USA", False,
        "United States: discretionary total of the annual Department of Defense Appropriations "
        "Act as enacted (excludes military construction and DOE, which other acts fund)."),
}

#: The research's choice where its CSV marks none but its notes do (AUS_notes.md "Preferred
#: headline series" and "Disagreements and choices"; USA_notes.md "Preferred headline per
#: year" and "Disagreements and choices"): (iso3, fy_label, basis, stage) -> (source id, why).
CHOSEN_IN_NOTES = {
    ("AUS", "2015–16", "aus_defence_portfolio_funding", "proposal"): (
        "afr-2015-05-12-federal-budget-2015-defence-close-to-2pc",
        "AUS_notes.md: 'Chosen: 32.1 (PBS total funding, AFR + Parliamentary Library)'"),
    ("AUS", "2016–17", "aus_defence_portfolio_funding", "proposal"): (
        "aspi-strategist-2016-05-04-no-surprises-defence-budget",
        "AUS_notes.md: 'Chosen: 32.4 (budget-night, analyst reading the PBS)'"),
    ("AUS", "2020–21", "aus_defence_portfolio_funding", "proposal"): (
        "aspi-cost-of-defence-2020-21-part-2",
        "AUS_notes.md: ADBR's figure probably excludes ASD; 'Chosen: 42.7'"),
    ("AUS", "2021–22", "aus_defence_portfolio_funding", "proposal"): (
        "aph-budget-review-2021-22-defence",
        "AUS_notes.md: 'Rounding only. Chosen: 44,618 $m (official table)'"),
    ("AUS", "2023–24", "aus_defence_portfolio_funding", "proposal"): (
        "breakingdefense-2023-05-09-australia-budget-long-range-strike",
        "AUS_notes.md preferred series: '$ million precision; ASPI 52.6 agrees'"),
    ("AUS", "2024–25", "aus_defence_portfolio_funding", "proposal"): (
        "australiandefence-2024-05-government-hands-down-2024-budget",
        "AUS_notes.md: 'Chosen 55.687'"),
    ("AUS", "2025–26", "aus_defence_portfolio_funding", "proposal"): (
        "australiandefence-2025-03-defence-budget-inches-upwards",
        "AUS_notes.md: 'chosen 58,988.7 $m'"),
    ("USA", "FY2023", "usa_dod_051_discretionary_ba", "enacted"): (
        "shephard-2022-12-23-us-fy2023-defence-budget",
        "USA_notes.md: 'Not resolved from stored pages: both rows kept; lean 816.7 (matches "
        "DoD/Brookings comparisons)'; 797.7 (GovWin) may exclude items"),
    ("USA", "FY2023", "usa_national_defense_050_discretionary_ba", "enacted"): (
        "crs-in12183-fra-caps-under-cr-faqs",
        "USA_notes.md preferred headline: '050 discretionary, enacted ... FY2023 858.36'"),
    ("USA", "FY2024", "usa_national_defense_050_discretionary_ba", "request"): (
        "crs-r47582-fy2024-defense-budget-request",
        "USA_notes.md: 'Chosen 886.4' (OMB request; 886.3 is the FRA cap)"),
    ("USA", "FY2025", "usa_dod_051_discretionary_ba", "request"): (
        "dod-news-2024-05-fy2025-budget-focuses",
        "USA_notes.md: 'Same figure; chosen 849.8' (CRS rounds to 850)"),
}

#: Quotes checked by the integrator against the stored copy of the page (search tool, corpus
#: "pages", 2026-11-28): source id -> what was found.
CHECKED = {
    "xinhua-2025-03-05-china-defense-7-2": "en.people.cn page: '1.784665 trillion yuan (about "
                                           "249 billion U.S. dollars)', as quoted",
    "globaltimes-2026-03-05-defence-7": "stored mirror page: '2026年我国国防支出为19095.61亿元"
                                        "人民币', as quoted",
    "heraldcorp-2025-12-03-kor-2026-enacted": "the same MND figure and sentence (65조8642억원, "
                                              "+7.5%) found at segye.com 2025-12-03; the "
                                              "heraldcorp page itself was not returned",
    "mnd-2025-10-01-key-points-2026": "mnd.gov.tw page: 'NT$949.5 billion ... 3.32% of GDP' "
                                      "and 'Annual defense budget of NT$561.4 billion', as "
                                      "quoted",
    "nie-2025-02-01-ind-2025-26-mod-budget": "newindianexpress.com page: 'Rs 6,81,210.27 "
                                             "Crore', as quoted (the same page gives 2024-25 "
                                             "as Rs 6,21,540.85 crore, where other pages give "
                                             "6,21,940.85: a typo on that page)",
    "australiandefence-2025-03-defence-budget-inches-upwards": "australiandefence.com.au "
                                                               "page: '$58,988.7 million', as "
                                                               "quoted",
    "dod-news-2024-05-fy2025-budget-focuses": "the $849.8 billion FY2025 DoD request found on "
                                              "several stored pages (CRS IN12425 via "
                                              "legistorm, sofrep); the aetc.af.mil page itself "
                                              "was not returned",
    "press-reuters-2025-10-01-kor": "asahi.com AJW page: '66.3 trillion won ($47.1 billion)', "
                                    "as quoted",
    "press-china-daily-2025-03-05-chn": "stored copy of the China Daily article: '1.78 "
                                        "trillion yuan ($246 billion)', as quoted",
}

STAGES = ("request", "draft", "proposal", "enacted", "revised", "supplementary", "actual")
_UNKNOWN_TERMS = {"name": "unknown",
                  "title": "Terms of the page not retrieved; cited as the source of facts"}
COMPILATION = "defbudget-official-budgets-compilation"


class ResearchError(ValueError):
    """A research file row breaks the layout; the message names file, line and fix."""


def _read(path: Path, columns: list[str]) -> list[dict]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        if reader.fieldnames != columns:
            raise ResearchError(f"{path}: header {reader.fieldnames} is not the research "
                                f"layout {columns}; fix the header.")
        rows = []
        for i, row in enumerate(reader, start=2):
            if None in row:
                raise ResearchError(f"{path} line {i}: more cells than columns; quote cells "
                                    "holding commas.")
            row = {k: (v or "").strip() for k, v in row.items()}
            row["_where"] = f"{path.name} line {i}"
            rows.append(row)
    return rows


def _slug(text: str) -> str:
    text = re.sub(r"\(.*?\)", "", text.lower())
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:40].strip("-")


def year_of_label(iso3: str, label: str, where: str) -> int:
    """The frame year of a government label: start year, except US end-named FYs."""
    m = re.fullmatch(r"(?:FY)?(\d{4})(?:[–-](\d{2}))?", label.strip())
    if not m:
        raise ResearchError(f"{where}: fy_label {label!r} is not like '2025', '2025–26' or "
                            "'FY2025'.")
    return int(m.group(1))


def _year(row: dict) -> tuple[int, int]:
    """(frame year, fy_start_month) of a budget row, checked against its months."""
    iso3, where = row["iso3"], row["_where"]
    _, _, month, year_is = COUNTRIES[iso3]
    first, last = row["fy_first_month"], row["fy_last_month"]
    if not re.fullmatch(r"\d{4}-\d{2}", first) or not re.fullmatch(r"\d{4}-\d{2}", last):
        raise ResearchError(f"{where}: fy_first_month/fy_last_month {first!r}/{last!r} are "
                            "not YYYY-MM.")
    fy, fm = map(int, first.split("-"))
    ly, lm = map(int, last.split("-"))
    if fm != month or (ly * 12 + lm) - (fy * 12 + fm) != 11:
        raise ResearchError(f"{where}: months {first}..{last} are not a {iso3} fiscal year "
                            f"starting in month {month}.")
    year = ly if year_is == "end" else fy
    if year_of_label(iso3, row["fy_label"], where) != year:
        raise ResearchError(f"{where}: fy_label {row['fy_label']!r} does not name the fiscal "
                            f"year {first}..{last}.")
    return year, month


def _is_preferred(note: str) -> bool:
    return bool(re.search(r"(?<!NOT )\bPREFERRED\b", note))


def _amount(value: int) -> str:
    return f"{value:,}"


def _parse_local(text: str, currency: str) -> int | None:
    """Whole units of a local amount printed in English words, or None when not plain."""
    if not text or re.search(r"sic|\band\b|\(overall|excl", text, re.I):
        return None
    t = text.replace("\u00a0", " ")
    m = re.fullmatch(
        r"(?:about|nearly|approximately|around|some|more than)?\s*"
        r"(?:[A-Z]{2,3}\s?\$?|A\$|AU\$|\$|Rs\.?|₹|CNY|INR|KRW|AUD|NT\$)?\s*"
        r"(\d[\d,]*(?:\.\d+)?)\s*"
        r"(trillion|billion|bn|million|lakh crore|crore)\b\s*"
        r"(?:yuan|renminbi|won|rupees|dollars|\(2\.2 trillion\))?\.?", t.strip(), re.I)
    if not m:
        return None
    scale = {"trillion": 10**12, "billion": 10**9, "bn": 10**9, "million": 10**6,
             "lakh crore": 10**12, "crore": 10**7}[m.group(2).lower()]
    return int(Decimal(m.group(1).replace(",", "")) * scale)


def load_research(folder: Path = SNAPSHOT) -> dict:
    budgets, press, notes, rates = [], [], {}, []
    for iso3 in COUNTRIES:
        b = folder / f"{iso3}_budgets.csv"
        if b.is_file():
            budgets += _read(b, BUDGET_COLUMNS)
        p = folder / f"{iso3}_press.csv"
        if p.is_file():
            press += _read(p, PRESS_COLUMNS)
        n = folder / f"{iso3}_notes.md"
        if n.is_file():
            notes[iso3] = n.read_text(encoding="utf-8")
    r = folder / "TWN_rates.csv"
    if r.is_file():
        rates = _read(r, RATE_COLUMNS)
    return {"budgets": budgets, "press": press, "notes": notes, "rates": rates}


def _check_budget(row: dict) -> None:
    where = row["_where"]
    if row["iso3"] not in COUNTRIES:
        raise ResearchError(f"{where}: iso3 {row['iso3']!r} is not one of {list(COUNTRIES)}.")
    if row["basis"] not in BASES:
        raise ResearchError(f"{where}: basis {row['basis']!r} has no definition in "
                            "scripts/build_official.py BASES nor in the research notes; "
                            "define it in one of them.")
    if BASES[row["basis"]][0] != row["iso3"]:
        raise ResearchError(f"{where}: basis {row['basis']!r} belongs to "
                            f"{BASES[row['basis']][0]}, not {row['iso3']}.")
    if row["value"]:
        if not re.fullmatch(r"\d+", row["value"]):
            raise ResearchError(f"{where}: value {row['value']!r} is not a whole number of "
                                f"{row['unit']}; write it in whole units without separators.")
        if row["stage"] not in STAGES:
            raise ResearchError(f"{where}: stage {row['stage']!r} is not one of {STAGES}.")
        if row["unit"] != COUNTRIES[row["iso3"]][1]:
            raise ResearchError(f"{where}: unit {row['unit']!r}; expected "
                                f"{COUNTRIES[row['iso3']][1]}.")
        for col in ("source_id", "url", "quote", "published"):
            if not row[col]:
                raise ResearchError(f"{where}: a value without {col}; every value must cite "
                                    "its page and quote its sentence.")


def choose(rows: list[dict]) -> tuple[dict, str]:
    """The row to ship among sources of one figure, and why."""
    preferred = [r for r in rows if _is_preferred(r["note"])]
    if preferred:
        return preferred[0], "marked preferred by the research"
    first = rows[0]
    key = (first["iso3"], first["fy_label"], first["basis"], first["stage"])
    if key in CHOSEN_IN_NOTES:
        sid, why = CHOSEN_IN_NOTES[key]
        hit = [r for r in rows if r["source_id"] == sid]
        if not hit:
            raise ResearchError(f"{first['_where']}: CHOSEN_IN_NOTES names {sid!r} for {key}, "
                                "which no research row cites; update the choice.")
        return hit[0], f"chosen in the research notes: {why}"
    if len(rows) == 1:
        return rows[0], "only source found"
    if len({r["value"] for r in rows}) == 1:
        return rows[0], "all sources agree; first listed shipped"
    return rows[0], ("sources disagree and the research recorded no preference; the first "
                     "listed is shipped")


def _basis_from_notes(basis: str, iso3: str, notes: dict) -> str | None:
    """The researcher's definition of an extra basis: the notes bullet naming it."""
    text = notes.get(iso3, "")
    m = re.search(r"^\s*[-*]\s*\**`" + re.escape(basis) + r"`\**[^:—\n]*[:—]\s*(.+?)"
                  r"(?=\n\s*[-*]\s|\n\s*\n|\n#|\Z)", text, re.S | re.M)
    if not m:
        return None
    return re.sub(r"\s+", " ", m.group(1).replace("**", "")).strip()


def build(folder: Path = SNAPSHOT) -> dict:
    """Rows of official_budgets, the ledger rows, sources, and the notes text."""
    research = load_research(folder)
    for row in research["budgets"]:
        b, iso3 = row["basis"], row["iso3"]
        if b and b not in BASES and iso3 in COUNTRIES:
            text = _basis_from_notes(b, iso3, research["notes"])
            if text:
                BASES[b] = (iso3, False, f"{COUNTRIES[iso3][0]}: {text} (definition from "
                                         "the research notes)")
    for row in research["budgets"]:
        _check_budget(row)
    groups: OrderedDict[tuple, list[dict]] = OrderedDict()
    missing_notes: dict[tuple, list[dict]] = {}
    for row in research["budgets"]:
        year, month = _year(row)
        row["_year"], row["_month"] = year, month
        if row["value"]:
            groups.setdefault((row["iso3"], year, row["basis"], row["stage"]), []).append(row)
        else:
            missing_notes.setdefault((row["iso3"], year, row["basis"]), []).append(row)

    sources: OrderedDict[str, dict] = OrderedDict()

    def add_source(sid, *, title, publisher, url, published, where):
        entry = {"id": sid, "title": title or f"{publisher}, {published}",
                 "publisher": publisher, "path": url}
        if re.fullmatch(r"\d{4}(-\d{2}){0,2}", published or ""):
            entry["date_published"] = published
        entry["license"] = _UNKNOWN_TERMS
        entry["citation"] = f"{publisher} ({published or 'n.d.'}). {entry['title']}. {url}"
        old = sources.get(sid)
        if old is not None and old["path"] != url:
            raise ResearchError(f"{where}: source_id {sid!r} is used for two URLs "
                                f"({old['path']} and {url}); give each page its own id.")
        sources.setdefault(sid, entry)

    out, chosen_groups = [], []
    for key, rows in groups.items():
        iso3, year, basis, stage = key
        row, why = choose(rows)
        chosen_groups.append((key, row, why, [r for r in rows if r is not row]))
        for r in rows:
            add_source(r["source_id"], title=r["title"], publisher=r["publisher"],
                       url=r["url"], published=r["published"], where=r["_where"])
        name, cur, month, year_is = COUNTRIES[iso3]
        others = [r for r in rows if r is not row]
        differ = [r for r in others if r["value"] != row["value"]]
        derived = row["amount_as_printed"].upper().startswith("DERIVED")
        note = row["note"]
        if others:
            note += (f" [{len(others)} other source(s), "
                     f"{len(differ)} with a different value; see OFFICIAL_BUDGETS_NOTES.md]")
        out.append({"country": name, "iso3": iso3, "year": year, "period": "FY"
                    if month != 1 else "CY", "fy_start_month": month, "fy_year_is": year_is,
                    "fy_label": row["fy_label"], "measure": "defense_budget",
                    "basis": basis, "value": row["value"], "unit": cur,
                    "price_basis": "current", "base_year": "", "stage": stage,
                    "flag": "derived" if derived else "",
                    "source": row["source_id"],
                    "value_type": "derived" if derived else "reported",
                    "amount_as_printed": row["amount_as_printed"],
                    "published": row["published"], "url": row["url"], "note": note.strip()})

    # every country-year-headline basis without a value: a row flagged unavailable
    have = {(r["iso3"], r["year"], r["basis"]) for r in out}
    unavailable = []
    for basis, (iso3, headline, _) in BASES.items():
        if not headline:
            continue
        name, cur, month, year_is = COUNTRIES[iso3]
        for year in range(FIRST_YEAR, LAST_YEAR + 1):
            if (iso3, year, basis) in have:
                continue
            why = [r["note"] for r in missing_notes.get((iso3, year, basis), []) if r["note"]]
            reason = ("; ".join(why) or
                      "no stored page quoting this figure was found by the research of "
                      "2026-11-28")
            label = _label(iso3, year)
            unavailable.append({
                "country": name, "iso3": iso3, "year": year,
                "period": "FY" if month != 1 else "CY", "fy_start_month": month,
                "fy_year_is": year_is, "fy_label": label, "measure": "defense_budget",
                "basis": basis, "value": "", "unit": cur, "price_basis": "current",
                "base_year": "", "stage": "", "flag": "unavailable", "source": COMPILATION,
                "value_type": "", "amount_as_printed": "", "published": "", "url": "",
                "note": f"Not available: {reason}"})
    order = list(COUNTRIES)
    rows_all = sorted(out + unavailable, key=lambda r: (
        order.index(r["iso3"]), r["basis"], r["year"], STAGES.index(r["stage"])
        if r["stage"] else -1))

    ledger = _press_rows(research["press"], add_source)
    sources[COMPILATION] = {
        "id": COMPILATION,
        "title": "defbudget compilation of official defence budgets (China, South Korea, "
                 "Taiwan, Australia, India, United States): choices among sources and years "
                 "not found",
        "publisher": "defbudget developers", "path": "scripts/build_official.py",
        "license": {"name": "MIT", "title": "MIT License (compilation by the defbudget "
                                             "developers)",
                    "path": "https://opensource.org/licenses/MIT"},
        "citation": "defbudget developers. Compilation of official defence budgets, "
                    "data/OFFICIAL_BUDGETS_NOTES.md (built by scripts/build_official.py)."}
    notes = _notes(rows_all, chosen_groups, research, ledger)
    return {"rows": rows_all, "ledger": ledger, "sources": list(sources.values()),
            "notes": notes, "rates": research["rates"]}


def _label(iso3: str, year: int) -> str:
    month = COUNTRIES[iso3][2]
    if month == 1:
        return str(year)
    if iso3 in ("AUS", "IND"):
        return f"{year}–{(year + 1) % 100:02d}"
    return f"FY{year}"


def _press_rows(press: list[dict], add_source) -> list[dict]:
    rows, seen = [], {}
    for p in press:
        where = p["_where"]
        iso3 = p["iso3"]
        if iso3 not in COUNTRIES:
            raise ResearchError(f"{where}: iso3 {iso3!r} unknown.")
        if not p["value"] or not p["quote"]:
            raise ResearchError(f"{where}: a press figure without value or quote.")
        name, cur, month, year_is = COUNTRIES[iso3]
        year = year_of_label(iso3, p["fy_label"], where)
        kind = p["kind"]
        if kind not in ("usd_conversion", "share_of_gdp"):
            raise ResearchError(f"{where}: kind {kind!r}; expected usd_conversion or "
                                "share_of_gdp.")
        unit = "USD" if kind == "usd_conversion" else "ratio"
        if p["unit"] and p["unit"] != unit:
            raise ResearchError(f"{where}: unit {p['unit']!r} for {kind}; expected {unit}.")
        value = Decimal(p["value"])
        sid = f"press-{_slug(p['outlet'])}-{p['published'] or 'undated'}-{iso3.lower()}"
        add_source(sid, title=f"{p['outlet']}: {name} {p['fy_label']} defence budget",
                   publisher=p["outlet"], url=p["url"], published=p["published"],
                   where=where) if p["url"] else add_source(
            sid, title=f"{p['outlet']}: {name} {p['fy_label']} defence budget",
            publisher=p["outlet"], url="", published=p["published"], where=where)
        base = f"{iso3.lower()}-{p['fy_label']}-{p['stage'] or 'na'}-{kind}-{_slug(p['outlet'])}"
        base = re.sub(r"[^a-z0-9-]+", "-", base.lower())
        n = seen.get(base, 0) + 1
        seen[base] = n
        local = _parse_local(p["local_amount_as_printed"], cur) if kind == "usd_conversion" \
            else None
        stage = p["stage"] if p["stage"] in STAGES else ""
        note = p["note"]
        quote = p["quote"]
        rows.append({
            "country": name, "iso3": iso3, "year": year,
            "period": "FY" if month != 1 else "CY", "fy_start_month": month,
            "fy_year_is": year_is if month != 1 else "", "measure": "reported_figure",
            "basis": p["basis"] or "unspecified", "value": format(value.normalize(), "f")
            if value != value.to_integral_value() else str(int(value)), "unit": unit,
            "price_basis": "current", "base_year": "", "stage": stage, "flag": "",
            "source": sid, "value_type": "reported",
            "figure_id": base + (f"-{n}" if n > 1 else ""), "outlet": p["outlet"],
            "published": p["published"], "url": p["url"], "refers_to": "budget",
            "item": f"{name} defence budget ({p['basis'] or 'basis not stated'})",
            "quantity": "", "amount_as_printed": p["amount_as_printed"],
            "local_amount": str(local) if local is not None else "",
            "local_unit": cur if local is not None else "",
            "budget_basis": p["local_amount_as_printed"],
            "note": (f"Quote: \"{quote}\"" + (f" {note}" if note else "")).strip()})
    return rows


def _fmt_value(r: dict) -> str:
    return f"{int(r['value']):,} {r['unit']}" if r["value"] else "—"


def _notes(rows, chosen_groups, research, ledger) -> str:
    lines = [
        "# Official defence budgets beyond Japan — source quotes",
        "",
        "Companion to `official_budgets.csv` (built by `scripts/build_official.py` from the "
        "research files in `scripts/official_research/`). Values are whole national-currency "
        "units at current prices. Each value below is followed by the sentence it was read "
        "from, the page and its date. A year without a sourced value is a row flagged "
        "`unavailable` with the reason; nothing is interpolated.",
        "",
        "Fiscal years as each government writes them: China, South Korea and Taiwan use "
        "calendar years (\"2025\"); Australia July–June and India April–March, labelled "
        "\"2025–26\" and stored with the year they start in (`year=2025`); the United States "
        "October–September, labelled by the year it ends in (\"FY2025\" = October 2024 – "
        "September 2025), stored as `year=2025` with `fy_year_is=end`.",
        "",
        "Stages are as the source reports them: `draft` (China's budget report to the NPC), "
        "`proposal` (a government's budget presented to parliament), `request` (a ministry's "
        "or the President's request), `enacted` (passed), `revised` (a later estimate of the "
        "same year). A figure whose source reports a draft is never labelled enacted.",
        "",
        "How one figure is chosen among sources: the one the research marked PREFERRED; "
        "else the only one; else, when all agree, the first; else the first listed, said "
        "below. Every other source is quoted under the figure.",
        "",
        "## Bases",
        "",
    ]
    for basis, (_iso3, headline, text) in BASES.items():
        used = any(r["basis"] == basis and r["value"] for r in rows)
        if used or headline:
            lines.append(f"- `{basis}`{' (headline)' if headline else ''}: {text}")
    lines += ["", "## Coverage, FY2015–FY2026", ""]
    for iso3 in COUNTRIES:
        crow = [r for r in rows if r["iso3"] == iso3]
        if not crow:
            continue
        bases = list(OrderedDict.fromkeys(r["basis"] for r in crow))
        lines.append(f"### {COUNTRIES[iso3][0]} ({iso3})")
        lines.append("")
        lines.append("| year | " + " | ".join(f"`{b}`" for b in bases) + " |")
        lines.append("|---|" + "---|" * len(bases))
        for year in range(FIRST_YEAR, LAST_YEAR + 1):
            cells = []
            for b in bases:
                hit = [r for r in crow if r["year"] == year and r["basis"] == b]
                vals = [f"{int(r['value']) / 1e9:,.1f} bn ({r['stage']})" for r in hit
                        if r["value"]]
                cells.append(", ".join(vals) or ("unavailable" if hit else ""))
            lines.append(f"| {_label(iso3, year)} | " + " | ".join(cells) + " |")
        lines.append("")
    lines += ["## Quotes, by country and fiscal year", ""]
    for iso3 in COUNTRIES:
        groups = [g for g in chosen_groups if g[0][0] == iso3]
        if not groups:
            continue
        lines.append(f"### {COUNTRIES[iso3][0]}")
        lines.append("")
        for (_, _y, basis, stage), row, why, others in sorted(
                groups, key=lambda g: (g[0][2], g[0][1], STAGES.index(g[0][3]))):
            lines.append(f"**{row['fy_label']} `{basis}` {stage}: {_amount(int(row['value']))} "
                         f"{row['unit']}** (printed \"{row['amount_as_printed']}\") — "
                         f"source `{row['source_id']}`: {row['publisher']}, "
                         f"{row['published']}, {row['url']} ({why})")
            lines.append(f"> {row['quote']}")
            if row["note"]:
                lines.append(f"Note: {row['note']}")
            for o in others:
                agree = "agrees" if o["value"] == row["value"] else (
                    f"DISAGREES: {_amount(int(o['value']))} {o['unit']}")
                lines.append(f"- Other source `{o['source_id']}` ({o['publisher']}, "
                             f"{o['published']}, {o['url']}) {agree}, printed "
                             f"\"{o['amount_as_printed']}\":")
                lines.append(f"  > {o['quote']}")
                if o["note"]:
                    lines.append(f"  Note: {o['note']}")
            lines.append("")
    lines += ["## Disagreements between sources", ""]
    dis = [(k, row, o) for k, row, _, others in chosen_groups for o in others
           if o["value"] != row["value"]]
    if not dis:
        lines.append("None recorded.")
    for (iso3, _y, basis, stage), row, o in dis:
        diff = int(o["value"]) - int(row["value"])
        lines.append(f"- {COUNTRIES[iso3][0]} {row['fy_label']} `{basis}` {stage}: shipped "
                     f"{_amount(int(row['value']))} ({row['source_id']}); "
                     f"{o['source_id']} gives {_amount(int(o['value']))} "
                     f"(difference {diff:+,} {row['unit']}).")
    lines += ["", "## Quotes checked against the stored pages", "",
              "A sample checked by the integrator (search tool, stored pages, 2026-11-28):", ""]
    lines += [f"- `{sid}`: {text}." for sid, text in CHECKED.items()]
    lines += ["", "## Years not available", ""]
    for r in rows:
        if not r["value"]:
            lines.append(f"- {r['country']} {r['fy_label']} `{r['basis']}`: {r['note']}")
    lines += ["", "## Press conversions added to reported_figures.csv", "",
              f"{len(ledger)} figures (US-dollar conversions and shares of GDP printed next to "
              "these budgets), each with outlet, date, URL and the quoted sentence in its "
              "`note`.", ""]
    if research["notes"]:
        lines += ["## Researchers' notes (verbatim)", ""]
        for iso3, text in research["notes"].items():
            body = re.sub(r"^#", "###", text.strip(), flags=re.M)
            lines += [f"### {COUNTRIES[iso3][0]} ({iso3}_notes.md)", "", body, ""]
    return "\n".join(lines).rstrip() + "\n"


OFFICIAL_FIELDS = ["country", "iso3", "year", "period", "fy_start_month", "fy_year_is",
                   "fy_label", "measure", "basis", "value", "unit", "price_basis", "base_year",
                   "stage", "flag", "source", "value_type", "amount_as_printed", "published",
                   "url", "note"]

FIELD_TEXT = {
    "fy_year_is": ("string", "'start' when `year` is the calendar year the fiscal year starts "
                             "in, 'end' when it is the year it ends in (US: FY2025 = October "
                             "2024 - September 2025 is year 2025, fy_year_is end)."),
    "fy_label": ("string", "The fiscal year as the government writes it: '2025' (calendar "
                           "year), '2025–26' (Australia, India), 'FY2025' (United States)."),
}


def resource(rows: list[dict], sources: list[dict]) -> dict:
    ids = list(OrderedDict.fromkeys(r["source"] for r in rows))
    by_id = {s["id"]: s for s in sources}
    bases = "; ".join(f"{b}: {t}" for b, (_, _, t) in BASES.items()
                      if any(r["basis"] == b for r in rows))
    return {
        "name": "official_budgets",
        "path": "official_budgets.csv",
        "title": "Official defence budgets of China, South Korea, Taiwan, Australia, India and "
                 "the United States, FY2015-FY2026 (national currency)",
        "description": "Headline defence budgets as each government states them, in whole "
                       "national-currency units at current prices, by fiscal year as the "
                       "government writes it, with the stage of each figure. Every value "
                       "cites its source and its quoted sentence is in "
                       "OFFICIAL_BUDGETS_NOTES.md; years without a sourced value are rows "
                       "flagged 'unavailable'. Bases: " + bases,
        "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
        "licenses": [{"name": "MIT", "title": "MIT License (compilation by the defbudget "
                                              "developers)",
                      "path": "https://opensource.org/licenses/MIT"}],
        "sources": [{"id": s, "title": by_id[s]["title"],
                     **({"path": by_id[s]["path"]} if by_id[s].get("path") else {})}
                    for s in ids],
        "bases": {b: t for b, (_, _, t) in BASES.items()
                  if any(r["basis"] == b for r in rows)},
    }


def import_research(src: Path) -> list[str]:
    """Copy the research files (unchanged) into the snapshot folder."""
    SNAPSHOT.mkdir(parents=True, exist_ok=True)
    copied = []
    for path in sorted(src.iterdir()):
        if re.fullmatch(r"[A-Z]{3}_(budgets|press|rates)\.csv|[A-Z]{3}_notes\.md", path.name):
            shutil.copyfile(path, SNAPSHOT / path.name)
            copied.append(path.name)
    return copied


def main(argv: list[str] | None = None) -> int:
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--import", dest="src", type=Path,
                    help="copy the research files from this folder first")
    ap.add_argument("--check", action="store_true", help="fail if data/ is out of date")
    args = ap.parse_args(argv)
    if args.src:
        print("imported: " + ", ".join(import_research(args.src)))
    sys.path.insert(0, str(Path(__file__).parent))
    import build_data

    return build_data.main(["--check"] if args.check else [])


if __name__ == "__main__":
    raise SystemExit(main())

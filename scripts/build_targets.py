"""Write data/targets.csv and upsert its resource and sources into data/datapackage.json.

    python scripts/build_targets.py           # rewrite data/targets.csv, upsert datapackage
    python scripts/build_targets.py --check   # fail if data/ differs (nothing is written)

Spending targets as data, each row citing the document that set it. The table is in the tidy
layout of :mod:`defbudget.schema` (so ``defbudget.load("targets")`` works): ``value`` is the
threshold as a ratio of GDP, ``year`` the deadline year, ``measure``/``basis`` what the
target is defined on. Extra columns name the target and quote the text.

``datapackage.json`` is updated by read-modify-write: only the ``targets`` resource and the
sources listed here are replaced; everything else (owned by scripts/build_data.py and
scripts/build_money_data.py) is kept as it is, in its order.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data"

UNKNOWN_TERMS = {"name": "unknown",
                 "title": "Terms of the page not retrieved; cited as the source of facts"}

SOURCES = [
    {
        "id": "nato-wales-summit-2014",
        "title": "Wales Summit Declaration, issued by the Heads of State and Government "
                 "participating in the meeting of the North Atlantic Council in Wales "
                 "(Press Release (2014) 120), paragraph 14",
        "publisher": "North Atlantic Treaty Organization (NATO)",
        "path": "https://www.nato.int/cps/en/natohq/official_texts_112964.htm",
        "date_published": "2014-09-05",
        "license": UNKNOWN_TERMS,
        "citation": "NATO (2014-09-05). Wales Summit Declaration, Press Release (2014) 120, "
                    "para. 14 (Defence Investment Pledge). "
                    "https://www.nato.int/cps/en/natohq/official_texts_112964.htm",
        "note": "The 2% guideline itself was agreed by NATO defence ministers in 2006 and "
                "referred to at the Riga Summit (November 2006); Wales (2014) made it a "
                "pledge: Allies below 2% 'aim to move towards the 2% guideline within a "
                "decade', i.e. by 2024. Quote checked against copies of the declaration "
                "text; the nato.int page itself was not retrieved here.",
    },
    {
        "id": "nato-hague-summit-2025",
        "title": "The Hague Summit Declaration, issued by NATO Heads of State and Government "
                 "participating in the meeting of the North Atlantic Council in The Hague, "
                 "paragraphs 2-3",
        "publisher": "North Atlantic Treaty Organization (NATO)",
        "path": "https://www.nato.int/cps/en/natohq/official_texts_236705.htm",
        "date_published": "2025-06-25",
        "license": UNKNOWN_TERMS,
        "citation": "NATO (2025-06-25). The Hague Summit Declaration, paras. 2-3. "
                    "https://www.nato.int/cps/en/natohq/official_texts_236705.htm",
        "note": "5% of GDP annually by 2035: at least 3.5% on core defence requirements "
                "(agreed NATO definition of defence expenditure) plus up to 1.5% on defence- "
                "and security-related spending; progress review in 2029. Quote checked "
                "against copies of the declaration text; the nato.int page itself was not "
                "retrieved here.",
    },
    {
        "id": "japan-nss-2022",
        "title": "National Security Strategy of Japan (provisional translation), section VI "
                 "(budget level for the fundamental reinforcement of defense capabilities "
                 "and complementary initiatives)",
        "publisher": "Cabinet Secretariat, Government of Japan",
        "path": "https://www.cas.go.jp/jp/siryou/221216anzenhoshou/nss-e.pdf",
        "date_published": "2022-12-16",
        "license": UNKNOWN_TERMS,
        "citation": "Government of Japan (2022-12-16). National Security Strategy of Japan "
                    "(provisional translation). Cabinet decision of 16 December 2022. "
                    "https://www.cas.go.jp/jp/siryou/221216anzenhoshou/nss-e.pdf",
        "note": "'2% of the current GDP' refers to GDP at the time of the decision "
                "(FY2022), and the spending counted is defence capabilities plus "
                "complementary security-related initiatives (coast guard, R&D, public "
                "infrastructure, cyber, international cooperation) - wider than the MOD "
                "budget and than SIPRI's military expenditure. Quote checked against the "
                "GRIPS 'World and Japan' database copy and press reports.",
    },
]

FIELDS = [
    ("country", "string", "Who set the target: 'NATO Allies' (a benchmark, no ISO3) or the "
                          "country it is for."),
    ("iso3", "string", "ISO 3166-1 alpha-3 of the country the target is for; empty for an "
                       "alliance-wide target."),
    ("year", "integer", "Deadline year (label year; a fiscal year is labelled by the year it "
                        "starts in: Japan FY2027 = April 2027 - March 2028)."),
    ("period", "string", "CY or FY: the period convention of the deadline year."),
    ("fy_start_month", "integer", "First month of the fiscal year (1 for calendar years)."),
    ("measure", "string", "Measure the target is set on, e.g. milex_share_gdp (military "
                          "expenditure as a share of GDP)."),
    ("basis", "string", "Definition of spending the target counts, e.g. nato_definition."),
    ("value", "number", "Threshold as a ratio of GDP (unit ratio: 0.02 = 2% of GDP)."),
    ("unit", "string", "Unit of value: ratio."),
    ("price_basis", "string", "current (a ratio of nominal spending to nominal GDP)."),
    ("base_year", "integer", "Empty: not a constant-price figure."),
    ("stage", "string", "Empty: not a budget stage."),
    ("flag", "string", "Empty: no quality flag."),
    ("source", "string", "Source id of the document that set the target (see sources)."),
    ("target_id", "string", "Stable id used by defbudget.compare (e.g. nato_2pct_guideline)."),
    ("label", "string", "Short label for tables and charts."),
    ("direction", "string", "at_least: met when the share is at or above value; up_to: an "
                            "allowance that may be counted, never 'met'."),
    ("applies_to", "string", "Who committed: 'NATO Allies' or an ISO3 code. defbudget uses "
                             "alliance targets as benchmarks for any country."),
    ("gdp_reference", "string", "Which GDP the share is of: 'same year' or a fixed year."),
    ("adopted", "date", "Date the document was adopted (ISO 8601)."),
    ("url", "string", "Address of the document."),
    ("quote", "string", "The sentence that sets the target."),
]

ROWS = [
    {
        "country": "NATO Allies", "iso3": "", "year": 2024, "period": "CY",
        "fy_start_month": 1, "measure": "milex_share_gdp", "basis": "nato_definition",
        "value": 0.02, "source": "nato-wales-summit-2014", "target_id": "nato_2pct_guideline",
        "label": "NATO 2% guideline", "direction": "at_least", "applies_to": "NATO Allies",
        "gdp_reference": "same year", "adopted": "2014-09-05",
        "url": "https://www.nato.int/cps/en/natohq/official_texts_112964.htm",
        "quote": "Allies whose current proportion of GDP spent on defence is below this level "
                 "will: halt any decline in defence expenditure; aim to increase defence "
                 "expenditure in real terms as GDP grows; aim to move towards the 2% guideline "
                 "within a decade with a view to meeting their NATO Capability Targets and "
                 "filling NATO's capability shortfalls.",
    },
    {
        "country": "NATO Allies", "iso3": "", "year": 2035, "period": "CY",
        "fy_start_month": 1, "measure": "milex_share_gdp", "basis": "nato_definition",
        "value": 0.035, "source": "nato-hague-summit-2025", "target_id": "nato_hague_core_3_5",
        "label": "NATO Hague 3.5% core defence", "direction": "at_least",
        "applies_to": "NATO Allies", "gdp_reference": "same year", "adopted": "2025-06-25",
        "url": "https://www.nato.int/cps/en/natohq/official_texts_236705.htm",
        "quote": "Allies will allocate at least 3.5% of GDP annually based on the agreed "
                 "definition of NATO defence expenditure by 2035 to resource core defence "
                 "requirements, and to meet the NATO Capability Targets.",
    },
    {
        "country": "NATO Allies", "iso3": "", "year": 2035, "period": "CY",
        "fy_start_month": 1, "measure": "security_related_share_gdp",
        "basis": "nato_hague_related", "value": 0.015, "source": "nato-hague-summit-2025",
        "target_id": "nato_hague_related_1_5", "label": "NATO Hague up to 1.5% related",
        "direction": "up_to", "applies_to": "NATO Allies", "gdp_reference": "same year",
        "adopted": "2025-06-25",
        "url": "https://www.nato.int/cps/en/natohq/official_texts_236705.htm",
        "quote": "Allies will account for up to 1.5% of GDP annually to inter alia protect our "
                 "critical infrastructure, defend our networks, ensure our civil preparedness "
                 "and resilience, unleash innovation, and strengthen our defence industrial "
                 "base.",
    },
    {
        "country": "NATO Allies", "iso3": "", "year": 2035, "period": "CY",
        "fy_start_month": 1, "measure": "defense_and_related_share_gdp",
        "basis": "nato_hague_total", "value": 0.05, "source": "nato-hague-summit-2025",
        "target_id": "nato_hague_total_5", "label": "NATO Hague 5% total",
        "direction": "at_least", "applies_to": "NATO Allies", "gdp_reference": "same year",
        "adopted": "2025-06-25",
        "url": "https://www.nato.int/cps/en/natohq/official_texts_236705.htm",
        "quote": "Allies commit to invest 5% of GDP annually on core defence requirements as "
                 "well as defence- and security-related spending by 2035 to ensure our "
                 "individual and collective obligations, in accordance with Article 3 of the "
                 "Washington Treaty.",
    },
    {
        "country": "Japan", "iso3": "JPN", "year": 2027, "period": "FY", "fy_start_month": 4,
        "measure": "defense_and_related_share_gdp", "basis": "japan_nss_2022",
        "value": 0.02, "source": "japan-nss-2022", "target_id": "japan_2pct_fy2027",
        "label": "Japan 2% of FY2022 GDP by FY2027", "direction": "at_least",
        "applies_to": "JPN", "gdp_reference": "FY2022",
        "adopted": "2022-12-16",
        "url": "https://www.cas.go.jp/jp/siryou/221216anzenhoshou/nss-e.pdf",
        "quote": "Japan will take necessary measures for making the level of budget for both "
                 "the fundamental reinforcement of defense capabilities and complementing "
                 "initiatives combined to reach 2% of the current gross domestic product (GDP) "
                 "in FY2027.",
    },
]

RESOURCE = {
    "name": "targets",
    "path": "targets.csv",
    "title": "Defence-spending targets as a share of GDP (NATO 2% guideline, NATO Hague "
             "2025 commitment, Japan's FY2027 goal)",
    "description": "One row per target: threshold (value, a ratio of GDP), deadline year, the "
                   "measure and definition it is set on, who set it and the sentence that "
                   "sets it, each citing its document. Used by defbudget.compare."
                   "against_targets and first_year_meeting. Loads as a tidy frame.",
    "format": "csv",
    "mediatype": "text/csv",
    "encoding": "utf-8",
    "licenses": [{"name": "MIT",
                  "title": "MIT License (compilation by the defbudget developers)",
                  "path": "https://opensource.org/licenses/MIT"}],
    "sources": [{"id": s["id"], "title": s["title"], "path": s["path"]} for s in SOURCES],
    "schema": {"fields": [
        {"name": n, "type": t, "description": d, **({"unit": "ratio"} if n == "value" else {})}
        for n, t, d in FIELDS]},
}


def csv_text() -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    names = [n for n, _, _ in FIELDS]
    w.writerow(names)
    for row in ROWS:
        row = {"unit": "ratio", "price_basis": "current", **row}
        w.writerow(["" if row.get(n) is None else row.get(n, "") for n in names])
    return buf.getvalue()


def _upsert(items: list[dict], ours: list[dict], key: str) -> list[dict]:
    by_key = {o[key]: o for o in ours}
    out = [by_key.get(i[key], i) for i in items]
    done = {i[key] for i in items}
    return out + [o for o in ours if o[key] not in done]


def datapackage_text() -> str:
    path = DATA / "datapackage.json"
    pkg = json.loads(path.read_text(encoding="utf-8"))
    pkg["sources"] = _upsert(pkg.get("sources", []), SOURCES, "id")
    pkg["resources"] = _upsert(pkg.get("resources", []), [RESOURCE], "name")
    return json.dumps(pkg, ensure_ascii=False, indent=2) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true",
                    help="fail if data/targets.csv or datapackage.json differ; write nothing")
    args = ap.parse_args(argv)
    if not (DATA / "datapackage.json").is_file():
        print("data/datapackage.json not found: run scripts/build_data.py first",
              file=sys.stderr)
        return 1
    outputs = {"targets.csv": csv_text(), "datapackage.json": datapackage_text()}
    if args.check:
        stale = [n for n, t in outputs.items()
                 if not (DATA / n).is_file() or (DATA / n).read_text(encoding="utf-8") != t]
        if stale:
            print("build_targets --check: out of date: " + ", ".join(stale), file=sys.stderr)
            return 1
        print("build_targets --check: data/ is up to date")
        return 0
    for name, text in outputs.items():
        tmp = DATA / f".{name}.tmp"
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(DATA / name)
        print(f"wrote data/{name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

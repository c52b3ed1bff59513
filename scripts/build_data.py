"""Regenerate defbudget's shipped datasets in ``data/`` from the raw inputs in ../shared/data/raw.

Run from the repository root::

    python scripts/build_data.py            # rewrite data/*.csv and upsert datapackage.json
    python scripts/build_data.py --check    # rebuild in memory, fail if data/ differs

Every number written here comes from a raw file or from the cited table of reported figures
below (each row names its source id); nothing is interpolated. The raw folder can be moved with
``DEFBUDGET_RAW_DIR``. Input files are only read, never modified.

Datasets built (one function each):

- ``japan_mod_budget.csv``  Japan MOD initial defence budgets FY1990–FY2026, yen, two bases
- ``reported_figures.csv``  ledger of monetary figures as outlets printed them
- ``gmsd_burden.csv``       GMSD military burden (share of GDP), 172 countries, 1816–2019
- ``japan_gdp.csv``         Japan nominal/real GDP and implicit deflator, FY1994–FY2025 (ESRI)

``datapackage.json`` is updated by read-modify-write: this script owns the resources and source
entries it names and leaves every other resource and source untouched.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import statistics
import sys
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import build_official as official  # scripts/ sibling: official budgets (issue 17)

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
RAW = Path(os.environ.get("DEFBUDGET_RAW_DIR", ROOT.parent / "shared" / "data" / "raw"))

JAPAN_RAW = "COMPILED_japan_mod_defense_budget_initial_FY1990-FY2026_oku_yen.csv"
GMSD_RAW = "OWID_GMSD_military-spending-as-a-share-of-gdp-gmsd_1816-2019.csv"
GDP_RAW = ("DERIVED_ESRI_japan_gdp_FY1994-FY2025_nominal_real_implicit_deflator_"
           "2020base_QE2026Q2-2nd.csv")

OKU = Decimal(100_000_000)  # 1 億円 = 100 million yen
BASIS_EXCL = "mod_excl_saco_realignment"
BASIS_INCL = "mod_incl_saco_realignment"

UNKNOWN_TERMS = {"name": "unknown",
                 "title": "Terms of the page not retrieved; cited as the source of facts"}
PDL = {"name": "PDL-1.0", "title": "Public Data License (Version 1.0)",
       "path": "https://www.digital.go.jp/resources/open_data/public_data_license_v1.0"}
CC_BY = {"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0",
         "path": "https://creativecommons.org/licenses/by/4.0/"}
CC0 = {"name": "CC0-1.0", "title": "Creative Commons Zero 1.0",
       "path": "https://creativecommons.org/publicdomain/zero/1.0/"}
MIT = {"name": "MIT", "title": "MIT License (compilation by the defbudget developers)",
       "path": "https://opensource.org/licenses/MIT"}


# --------------------------------------------------------------------------------------------
# Sources. One entry per distinct URL of the raw compilation and of the ledger. ``date_published``
# is ISO 8601 (YYYY, YYYY-MM or YYYY-MM-DD) and only given where the source states it.
# --------------------------------------------------------------------------------------------

def _mod(id_, year, title, path, *, publisher="Ministry of Defense of Japan (防衛省・自衛隊)",
         date=None, note=None):
    src = {"id": id_, "title": title, "publisher": publisher, "path": path,
           "date_published": date or str(year), "license": UNKNOWN_TERMS,
           "citation": f"{publisher} ({year}). {title}. {path}"}
    if note:
        src["note"] = note
    return src


SOURCES: list[dict] = [
    # --- Japan MOD budget series --------------------------------------------------------------
    {"id": "blog-scopedog-2009-09-20",
     "title": "日本の防衛費について (table of Japan's defence budgets transcribed from the MOD "
              "Defense White Paper reference tables)",
     "publisher": "scopedog (Hatena Blog)",
     "path": "https://scopedog.hatenablog.com/entry/20090920/1253465832",
     "date_published": "2009-09-20", "license": UNKNOWN_TERMS,
     "citation": "scopedog (2009-09-20). 日本の防衛費について [blog table transcribed from the "
                 "MOD Defense White Paper]. https://scopedog.hatenablog.com/entry/20090920/"
                 "1253465832",
     "note": "Third-party transcription, not primary; the same table has wrong amounts for "
             "FY1978/FY1979, and the stored copy ends at FY1998."},
    {"id": "kotobank-boei-kankeihi",
     "title": "防衛関係費 (entry in 世界大百科事典, Heibonsha)",
     "publisher": "Heibonsha, via kotobank.jp",
     "path": "https://kotobank.jp/word/%E9%98%B2%E8%A1%9B%E9%96%A2%E4%BF%82%E8%B2%BB-159125",
     "license": UNKNOWN_TERMS,
     "citation": "Heibonsha. 防衛関係費. 世界大百科事典 (entry written 1997), kotobank.jp. "
                 "https://kotobank.jp/word/%E9%98%B2%E8%A1%9B%E9%96%A2%E4%BF%82%E8%B2%BB-159125"},
    {"id": "akahata-2014-07-19", "title": "来年度軍事費 5兆円超も",
     "publisher": "しんぶん赤旗 (Shimbun Akahata)",
     "path": "https://yvn6x4-u445.jcp.or.jp/akahata/aik14/2014-07-19/2014071902_01_1.html",
     "date_published": "2014-07-19", "license": UNKNOWN_TERMS,
     "citation": "しんぶん赤旗 (2014-07-19). 来年度軍事費 5兆円超も. https://yvn6x4-u445.jcp.or.jp/"
                 "akahata/aik14/2014-07-19/2014071902_01_1.html",
     "note": "Mirror host of jcp.or.jp; quotes MOD for the FY2002 figure."},
    _mod("mod-white-paper-2004", 2004, "防衛白書 平成16年版, 第2章 3 防衛関係費",
         "http://www.clearing.mod.go.jp/hakusho_data/2004/2004/html/162330.html"),
    _mod("mod-white-paper-2006", 2006, "防衛白書 平成18年版, 第2章 6 防衛関係費",
         "http://www.clearing.mod.go.jp/hakusho_data/2006/2006/html/i2260000.html"),
    _mod("mod-white-paper-2007", 2007, "防衛白書 平成19年版, 第II部 第5節 防衛関係費",
         "http://www.clearing.mod.go.jp/hakusho_data/2007/2007/html/j2250000.html"),
    _mod("mod-defense-of-japan-2008-en", 2008,
         "Defense of Japan 2008, Part II, Section 5: Defense-Related Expenditures",
         "https://studylib.net/doc/11048219/",
         note="English edition; copy hosted on studylib.net (document 11048219; the URL slug "
              "after the id was truncated in our records)."),
    _mod("mod-defense-of-japan-2009-en", 2009,
         "Defense of Japan 2009, Part II, Section 6: Defense-Related Expenditures",
         "https://studylib.net/doc/11050134/",
         note="English edition; copy hosted on studylib.net (document 11050134; the URL slug "
              "after the id was truncated in our records)."),
    _mod("mod-white-paper-2010", 2010, "防衛白書 平成22年版, 第II部 第5節 防衛関係費",
         "http://www.clearing.mod.go.jp/hakusho_data/2010/2010/html/m2251000.html"),
    _mod("mod-white-paper-2011", 2011, "防衛白書 平成23年版, 第II部 第4節 防衛関係費",
         "http://www.clearing.mod.go.jp/hakusho_data/2011/2011/html/n2341000.html"),
    {"id": "mof-fy2012-defense-budget-points",
     "title": "平成24年度防衛関係予算のポイント",
     "publisher": "Ministry of Finance of Japan, Budget Bureau (財務省主計局)",
     "path": "https://happylibus.com/doc/134040/%E5%B9%B3%E6%88%90-24%E5%B9%B4%E5%BA%A6%E9%98"
             "%B2%E8%A1%9B%E9%96%A2%E4%BF%82%E4%BA%88%E7%AE%97%E3%81%AE%E3%83%9D%E3%82%A4%E3"
             "%83%B3%E3%83%88",
     "date_published": "2011-12", "license": UNKNOWN_TERMS,
     "citation": "財務省主計局 (2011-12). 平成24年度防衛関係予算のポイント. Copy hosted on "
                 "happylibus.com, https://happylibus.com/doc/134040/"},
    _mod("mod-white-paper-2013", 2013, "防衛白書 平成25年版, 第II部 第4節 防衛関係費",
         "http://www.clearing.mod.go.jp/hakusho_data/2013/2013/html/n2241000.html"),
    _mod("mod-white-paper-2015", 2015, "防衛白書 平成27年版, 第III部 第3節 防衛関係費",
         "http://www.clearing.mod.go.jp/hakusho_data/2015/html/n3131000.html"),
    _mod("mod-white-paper-2017", 2017, "防衛白書 平成29年版, 第II部 第4節 防衛関係費",
         "http://www.clearing.mod.go.jp/hakusho_data/2017/html/n2241000.html"),
    _mod("mod-wp2020-file09", 2020, "防衛白書 令和2年版, 資料9 各国国防費の推移 (CSV attachment)",
         "https://www.mod.go.jp/j/publication/wp/wp2020/doc/att/file-09.csv"),
    _mod("mod-white-paper-2021", 2021, "防衛白書 令和3年版, 第II部 第4章 第2節 防衛関係費",
         "https://www.mod.go.jp/j/publication/wp/wp2021/html/n240201000.html"),
    _mod("mod-white-paper-2022", 2022, "防衛白書 令和4年版, 第II部 第4章 第2節 防衛関係費",
         "https://www.mod.go.jp/j/publication/wp/wp2022/html/n240201000.html"),
    _mod("mod-white-paper-2023", 2023, "防衛白書 令和5年版, 第II部 第4章 第3節 防衛関係費",
         "http://www.clearing.mod.go.jp/hakusho_data/2023/html/n240301000.html"),
    _mod("mod-white-paper-2024", 2024,
         "防衛白書 令和6年版, 第II部 第3章 第2節 1 令和6(2024)年度防衛関係費の概要",
         "https://www.mod.go.jp/j/press/wp/wp2024/html/n230201000.html"),
    {"id": "dailydefense-fy2024-draft",
     "title": "令和6年度予算案 閣議決定 (防衛関係費)",
     "publisher": "Daily Defense (dailydefense.jp)",
     "path": "https://dailydefense.jp/_ct/17675529", "date_published": "2023-12",
     "license": UNKNOWN_TERMS,
     "citation": "Daily Defense (2023-12). 令和6年度予算案 閣議決定 (防衛関係費). "
                 "https://dailydefense.jp/_ct/17675529"},
    {"id": "press-sankei-yahoo-2024-12", "title": "防衛費、過去最大の8兆5千億円に",
     "publisher": "産経新聞 (Sankei Shimbun), via Yahoo! News Japan",
     "path": "https://news.yahoo.co.jp/articles/669e81268e55f2dfbfb633bd9c9e54a5d53055ad",
     "date_published": "2024-12", "license": UNKNOWN_TERMS,
     "citation": "産経新聞 (2024-12). 防衛費、過去最大の8兆5千億円に. Yahoo! News Japan, "
                 "https://news.yahoo.co.jp/articles/669e81268e55f2dfbfb633bd9c9e54a5d53055ad"},
    {"id": "dailydefense-fy2025-draft",
     "title": "令和7年度予算案が決定 防衛関係費は前年度比9.4%増の8兆7005億円 (tag page 予算案)",
     "publisher": "Daily Defense (dailydefense.jp)",
     "path": "https://dailydefense.jp/_tags/%E4%BA%88%E7%AE%97%E6%A1%88",
     "date_published": "2024-12", "license": UNKNOWN_TERMS,
     "citation": "Daily Defense (2024-12). 令和7年度予算案が決定 防衛関係費は前年度比9.4%増の"
                 "8兆7005億円. https://dailydefense.jp/_tags/%E4%BA%88%E7%AE%97%E6%A1%88",
     "note": "Reports the cabinet decision of 27 December 2024 on the FY2025 draft budget."},
    {"id": "press-livedoor-2025-12-26", "title": "2026年度予算案 閣議決定 (防衛関係費)",
     "publisher": "livedoor News", "path": "https://news.livedoor.com/topics/detail/30273874/",
     "date_published": "2025-12-26", "license": UNKNOWN_TERMS,
     "citation": "livedoor News (2025-12-26). 2026年度予算案 閣議決定 (防衛関係費). "
                 "https://news.livedoor.com/topics/detail/30273874/"},
    {"id": "press-diplomat-2025-12",
     "title": "Japan Accelerates Defense Buildup With Record Budget and Expanded Unmanned "
              "Capabilities",
     "publisher": "The Diplomat (Takahashi Kosuke)",
     "path": "https://qoshe.com/the-diplomat/takahashi-kosuke/japan-accelerates-defense-buildup-"
             "with-record-budget-and-expanded-unmanned-capabilities/186968820/amp",
     "date_published": "2025-12", "license": UNKNOWN_TERMS,
     "citation": "Takahashi Kosuke (2025-12). Japan Accelerates Defense Buildup With Record Budget "
                 "and Expanded Unmanned Capabilities. The Diplomat (copy on qoshe.com), "
                 "https://qoshe.com/the-diplomat/takahashi-kosuke/japan-accelerates-defense-"
                 "buildup-with-record-budget-and-expanded-unmanned-capabilities/186968820/amp"},
    {"id": "defbudget-compilation",
     "title": "defbudget compilation of Japan MOD initial defence budgets: gaps and derivations",
     "publisher": "The defbudget developers", "path": "scripts/build_data.py",
     "license": MIT,
     "citation": "The defbudget developers (2026). Compilation of Japan MOD initial defence "
                 "budgets, FY1990-FY2026 (scripts/build_data.py in the defbudget repository).",
     "note": "Cited by rows that hold no published figure (years not recovered)."},
    # --- reported-figures ledger --------------------------------------------------------------
    {"id": "seed-thx-news-us-japan-missile-defense-pact",
     "title": "Report on the September 2025 US-Japan missile defence agreement (table "
              "'Missile Defense Agreement Highlights')",
     "publisher": "THX News (Ivan Alexander Golden)", "date_published": "2025",
     "license": UNKNOWN_TERMS,
     "citation": "THX News (2025). Article on the US-Japan missile defence agreement signed in "
                 "September 2025, by Ivan Alexander Golden. URL not recorded in the stored copy.",
     "note": "Cited by outlet and subject; the stored copy carries no URL or exact date."},
    {"id": "seed-washington-times-hegseth-koizumi",
     "title": "Report by Bill Gertz on the meeting of US Defense Secretary Pete Hegseth and "
              "Japanese Defense Minister Shinjiro Koizumi",
     "publisher": "The Washington Times (Bill Gertz)", "license": UNKNOWN_TERMS,
     "citation": "Gertz, Bill. Report on the Hegseth-Koizumi meeting on missiles and exercises "
                 "along the First Island Chain. The Washington Times (after the December 2025 "
                 "cabinet budget decision). URL not recorded in the stored copy.",
     "note": "Cited by outlet and subject; the stored copy carries no URL or exact date."},
    {"id": "seed-dsca-hvgp-notification-report",
     "title": "News report of the DSCA notification of a possible sale of support services "
              "for Japan's Hyper Velocity Gliding Projectile (HVGP) programme",
     "publisher": "unnamed outlet", "license": UNKNOWN_TERMS,
     "citation": "News report of the DSCA notification to Congress of a possible $200 million "
                 "FMS of HVGP support services to Japan (outlet not named in the stored copy; "
                 "URL not recorded).",
     "note": "The outlet is not named in the stored copy."},
    {"id": "press-defencetalks-2025-03-hvgp",
     "title": "U.S. has approved a $200 million deal to boost Japan's high-speed weaponry",
     "publisher": "Defence Talks (defencetalks.com)",
     "path": "https://defencetalks.com/u-s-has-approved-a-200-million-deal-to-boost-japans-high"
             "-speed-weaponry",
     "date_published": "2025-03", "license": UNKNOWN_TERMS,
     "citation": "Defence Talks (2025-03). U.S. has approved a $200 million deal to boost "
                 "Japan's high-speed weaponry. https://defencetalks.com/u-s-has-approved-a-200-"
                 "million-deal-to-boost-japans-high-speed-weaponry",
     "note": "Dates the HVGP notification (11 March 2025); cross-check only."},
    {"id": "dailydefense-fy2025-request",
     "title": "令和7年度予算概算要求・防衛関係費 過去最大8兆5389億円 (tag page 概算要求)",
     "publisher": "Daily Defense (dailydefense.jp)",
     "path": "https://dailydefense.jp/_tags/%E6%A6%82%E7%AE%97%E8%A6%81%E6%B1%82",
     "date_published": "2024-08", "license": UNKNOWN_TERMS,
     "citation": "Daily Defense (2024-08). 令和7年度予算概算要求・防衛関係費 過去最大8兆5389億円. "
                 "https://dailydefense.jp/_tags/%E6%A6%82%E7%AE%97%E8%A6%81%E6%B1%82",
     "note": "Reports MOD's FY2025 request of 30 August 2024 (excluding SACO-related costs etc.)."},
    {"id": "press-livedoor-2025-09-17", "title": "2026年度予算 防衛省概算要求 (editorial)",
     "publisher": "livedoor News", "path": "https://news.livedoor.com/topics/detail/29587249/",
     "date_published": "2025-09-17", "license": UNKNOWN_TERMS,
     "citation": "livedoor News (2025-09-17). 防衛省の2026年度予算概算要求. "
                 "https://news.livedoor.com/topics/detail/29587249/"},
    {"id": "press-sputnik-2024-12-27",
     "title": "Japanese government approves 2025 draft budget with record defense spending",
     "publisher": "Sputnik",
     "path": "https://sputnikglobe.com/20241227/japanese-govt-approves-2025-draft-budget-with-"
             "record-defense-spending-1121280047.html",
     "date_published": "2024-12-27", "license": UNKNOWN_TERMS,
     "citation": "Sputnik (2024-12-27). Japanese government approves 2025 draft budget with "
                 "record defense spending. https://sputnikglobe.com/20241227/japanese-govt-"
                 "approves-2025-draft-budget-with-record-defense-spending-1121280047.html"},
    {"id": "press-xinhua-sunstar-2025-12", "title": "Japan sets record defense budget",
     "publisher": "Xinhua, via SunStar",
     "path": "https://www.sunstar.com.ph/network/japan-sets-record-defense-budget",
     "license": UNKNOWN_TERMS,
     "citation": "Xinhua (via SunStar). Japan sets record defense budget. "
                 "https://www.sunstar.com.ph/network/japan-sets-record-defense-budget"},
]

# Press reports known by outlet only (table "Further press conversions" of the project's
# notes): no URL or date was recorded, so they are cited by outlet and subject.
_PRESS_BY_OUTLET = [
    ("press-stars-and-stripes-fy2025-draft", "Stars and Stripes",
     "Report of Japan's FY2025 cabinet draft defence budget (December 2024)"),
    ("press-ap-fy2025-draft", "AP (Associated Press)",
     "Report of Japan's FY2025 cabinet draft defence budget (December 2024)"),
    ("press-kyodo-fy2025-draft", "Kyodo News",
     "Report of Japan's FY2025 cabinet draft defence budget (December 2024)"),
    ("press-trt-fy2025-draft", "TRT World",
     "Report of Japan's FY2025 cabinet draft defence budget (December 2024)"),
    ("press-report-az-fy2026-draft", "report.az",
     "Report of Japan's FY2026 cabinet draft defence budget (December 2025)"),
    ("press-fy2025-request-report-a", "unnamed outlet (press report of the request)",
     "First press report of MOD's FY2025 budget request (August 2024)"),
    ("press-fy2025-request-report-b", "unnamed outlet (press report of the request)",
     "Second press report of MOD's FY2025 budget request (August 2024)"),
]
for _id, _outlet, _title in _PRESS_BY_OUTLET:
    SOURCES.append({
        "id": _id, "title": _title, "publisher": _outlet, "license": UNKNOWN_TERMS,
        "citation": f"{_outlet}. {_title}. URL not recorded.",
        "note": "Cited by outlet and subject; URL and exact date were not recorded."})

SOURCES += [
    # --- GMSD via OWID ------------------------------------------------------------------------
    {"id": "gmsd-owid-2024",
     "title": "Military expenditure (% of GDP) - Global Military Spending Dataset "
              "(Our World in Data grapher 'military-spending-as-a-share-of-gdp-gmsd')",
     "publisher": "Our World in Data, based on Barnum, Fariss, Markowitz and Morales",
     "path": "https://ourworldindata.org/grapher/military-spending-as-a-share-of-gdp-gmsd",
     "date_published": "2024-07-22", "license": CC_BY,
     "citation": "Our World in Data based on Barnum et al. (2025), Global Military Spending "
                 "Dataset - processed by Our World in Data. https://ourworldindata.org/grapher/"
                 "military-spending-as-a-share-of-gdp-gmsd (OWID import of 2024-07-22).",
     "note": "OWID publishes the posterior mean of GMSD's latent-model burden (milexgdp x 100) "
             "without uncertainty; GMSD caps the burden at 100% of GDP. Older GMSD vintage than "
             "Dataverse V8."},
    {"id": "gmsd-barnum-2025",
     "title": "Global Military Spending Dataset (Harvard Dataverse); described in Journal of "
              "Conflict Resolution 69(2-3): 540-567 (2025)",
     "publisher": "Barnum, Fariss, Markowitz and Morales",
     "path": "https://doi.org/10.7910/DVN/DHMZOW", "date_published": "2022", "license": CC0,
     "citation": "Barnum, Fariss, Markowitz and Morales (2022). Global Military Spending "
                 "Dataset. Harvard Dataverse, https://doi.org/10.7910/DVN/DHMZOW (CC0). "
                 "Article: Barnum et al. (2025), Journal of Conflict Resolution 69(2-3): "
                 "540-567, https://doi.org/10.1177/00220027241232964.",
     "note": "Licence CC0 as recorded in OWID's ETL snapshot metadata; the Dataverse landing "
             "page itself was not retrieved. OWID's copy is an older Dataverse version."},
    {"id": "owid-military-spending-as-a-share-of-gdp-sipri",
     "title": "Military spending as a share of GDP (Our World in Data grapher "
              "'military-spending-as-a-share-of-gdp-sipri')",
     "publisher": "Our World in Data, based on SIPRI",
     "path": "https://ourworldindata.org/grapher/military-spending-as-a-share-of-gdp-sipri",
     "license": {"name": "SIPRI-terms", "title": "SIPRI's terms of use apply (third-party data "
                 "redistributed by OWID)", "path": "https://www.sipri.org/databases/milex"},
     "citation": "Our World in Data based on SIPRI Military Expenditure Database. "
                 "https://ourworldindata.org/grapher/military-spending-as-a-share-of-gdp-sipri",
     "note": "Used only to check GMSD's levels (the ratio is in gmsd_burden's notes); none of "
             "its values is shipped."},
    # --- ESRI GDP ----------------------------------------------------------------------------
    {"id": "esri-sna-qe-2026q2-2nd",
     "title": "国民経済計算 四半期別GDP速報 2026年4-6月期 2次速報 (2020年基準): 名目・実質 年度 "
              "(gaku-mfy2622.csv, gaku-jfy2622.csv)",
     "publisher": "Cabinet Office of Japan, Economic and Social Research Institute (内閣府 "
                  "経済社会総合研究所)",
     "path": "https://www.esri.cao.go.jp/jp/sna/data/data_list/sokuhou/files/2026/qe262_2/"
             "gdemenuja.html",
     "date_published": "2026", "license": PDL,
     "citation": "内閣府経済社会総合研究所 (2026). 国民経済計算 四半期別GDP速報 2026年4-6月期 "
                 "2次速報, 年度 名目・実質 GDP (2020年基準). https://www.esri.cao.go.jp/jp/sna/"
                 "data/data_list/sokuhou/files/2026/qe262_2/gdemenuja.html. Edited by the "
                 "defbudget developers (GDP column transcribed; deflator computed).",
     "note": "The GDP column of gaku-mfy2622.csv and gaku-jfy2622.csv was transcribed by hand "
             "from a copy in akimori-hi/unexpected-inflation-japan-debt (commit 2dbcbc5f); the "
             "implicit deflator (nominal / real x 100) is computed by defbudget and is not an "
             "official release."},
]

SOURCE_TEMPLATES = [
    {"id": "sipri-milex-{edition}", "pattern": r"^sipri-milex-(?P<edition>\d{4})$",
     "title": "SIPRI Military Expenditure Database {edition}",
     "publisher": "Stockholm International Peace Research Institute (SIPRI)",
     "path": "https://www.sipri.org/databases/milex",
     "citation": "SIPRI Military Expenditure Database {edition}, "
                 "https://www.sipri.org/databases/milex",
     "license": {"name": "SIPRI-fair-use",
                 "title": "SIPRI fair use: non-commercial use with the citation above; no more "
                          "than 10% of the dataset reproduced"},
     "note": "Workbook downloaded by the user from SIPRI; not shipped with defbudget."},
    {"id": "worldbank-wdi-{indicator}",
     "pattern": r"^worldbank-wdi-(?P<indicator>[A-Za-z0-9]+(?:\.[A-Za-z0-9]+)+)$",
     "title": "World Development Indicators: {indicator}", "publisher": "The World Bank",
     "path": "https://data.worldbank.org/indicator/{indicator}",
     "citation": "The World Bank: World Development Indicators: {indicator}. "
                 "https://data.worldbank.org/indicator/{indicator}",
     "license": CC_BY,
     "note": "MS.MIL.* indicators redistribute SIPRI data; SIPRI's terms may apply."},
    {"id": "owid-{slug}", "pattern": r"^owid-(?P<slug>[a-z0-9][a-z0-9-]*)$",
     "title": "Our World in Data grapher: {slug}", "publisher": "Our World in Data",
     "path": "https://ourworldindata.org/grapher/{slug}",
     "citation": "Our World in Data, grapher '{slug}'. https://ourworldindata.org/grapher/{slug}",
     "license": CC_BY,
     "note": "OWID's own work is CC BY 4.0; third-party data keep their original licence."},
]


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------

def _raw(name: str) -> Path:
    path = RAW / name
    if not path.is_file():
        sys.exit(f"build_data: raw input {path} not found. Clone the project beside "
                 "../shared/data/raw or set DEFBUDGET_RAW_DIR to the folder holding it.")
    return path


def _read_csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _num(text: str | Decimal | None) -> str:
    """Format a Decimal/str amount for CSV: integers without '.0', others as plain decimals."""
    if text is None or text == "":
        return ""
    d = Decimal(text)
    if d == d.to_integral_value():
        return str(int(d))
    return format(d.normalize(), "f")


def _write(rows: list[dict], fields: list[str]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n", extrasaction="raise")
    w.writeheader()
    for row in rows:
        w.writerow({k: ("" if row.get(k) is None else row.get(k)) for k in fields})
    return buf.getvalue()


TIDY = ["country", "iso3", "year", "period", "fy_start_month", "measure", "basis", "value",
        "unit", "price_basis", "base_year", "stage", "flag", "source"]

# --------------------------------------------------------------------------------------------
# 1. Japan MOD initial defence budgets
# --------------------------------------------------------------------------------------------

#: source key of the raw compilation -> source id
JAPAN_KEYS = {
    "scope": "blog-scopedog-2009-09-20", "koto": "kotobank-boei-kankeihi",
    "akahata": "akahata-2014-07-19", "wp2004": "mod-white-paper-2004",
    "wp2006": "mod-white-paper-2006", "wp2007": "mod-white-paper-2007",
    "wp2008en": "mod-defense-of-japan-2008-en", "wp2009en": "mod-defense-of-japan-2009-en",
    "wp2010": "mod-white-paper-2010", "wp2011": "mod-white-paper-2011",
    "mof2012": "mof-fy2012-defense-budget-points", "wp2013": "mod-white-paper-2013",
    "wp2015": "mod-white-paper-2015", "wp2017": "mod-white-paper-2017",
    "wp2020csv": "mod-wp2020-file09", "wp2021": "mod-white-paper-2021",
    "wp2022": "mod-white-paper-2022", "wp2023": "mod-white-paper-2023",
    "wp2024": "mod-white-paper-2024", "dd2024": "dailydefense-fy2024-draft",
    "sankei2025": "press-sankei-yahoo-2024-12", "dd2025": "dailydefense-fy2025-draft",
    "ld2026": "press-livedoor-2025-12-26", "dip2026": "press-diplomat-2025-12",
}

#: Where a raw row names several sources: which one each basis takes its figure from
#: (the others are cross-checks named in the note).
JAPAN_ROW_SOURCE = {
    (1997, "incl"): "scope", (2009, "excl"): "wp2009en", (2009, "incl"): "wp2009en",
    (2014, "incl"): "akahata", (2014, "excl"): "wp2015",
    (2017, "excl"): "wp2020csv", (2017, "incl"): "wp2020csv",
    (2024, "excl"): "wp2024", (2024, "incl"): "dd2024",
    (2025, "excl"): "sankei2025", (2025, "incl"): "dd2025",
    (2026, "excl"): "ld2026", (2026, "incl"): "ld2026",
}

#: Notes per (FY, side): how a figure was derived and which second source confirms it.
#: Figures are 億円; source ids resolve through defbudget.cite().
JAPAN_NOTES = {
    (1990, "incl"): "FY1990 GNP ratio 0.997% in the same table.",
    (1996, "incl"): "The source does not say whether SACO-related items are included.",
    (1997, "incl"): "Same value in kotobank-boei-kankeihi (Heibonsha encyclopedia). Believed to "
                    "include SACO-related costs; not confirmed by a primary source.",
    (1998, "incl"): "Believed to include SACO-related costs; not confirmed by a primary source.",
    (2002, "incl"): "MOD figure quoted by Akahata as the highest before FY2015; basis includes "
                    "SACO-related costs.",
    (2003, "incl"): "Derived: FY2004 49,030 + the 500 decrease stated in mod-white-paper-2004.",
    (2003, "excl"): "Derived: FY2004 48,764 + the 501 decrease stated in mod-white-paper-2004.",
    (2005, "incl"): "Derived: FY2006 48,139 + the 424 decrease stated in mod-white-paper-2006.",
    (2005, "excl"): "Derived: FY2006 47,906 + the 394 decrease stated in mod-white-paper-2006 "
                    "(±1 rounding).",
    (2006, "excl"): "Derived: 48,139 including SACO - SACO 233.",
    (2007, "excl"): "Derived: 48,016 - SACO 126 - realignment 72; equals FY2006 47,906 - the "
                    "stated 88 decrease.",
    (2008, "incl"): "Given as ¥4,779.6 billion.",
    (2008, "excl"): "Given as ¥4,742.6 billion; + SACO 180 + realignment 191 = 47,797 (±1 "
                    "rounding against 47,796).",
    (2009, "incl"): "Given as 4,774.1 billion yen.",
    (2009, "excl"): "Derived: 47,741 - SACO 112 - realignment 602; mod-white-paper-2010 implies "
                    "47,028 (FY2010 46,826 + 202), ±1 rounding.",
    (2011, "incl"): "Excludes the FY2011 first supplementary budget (1,886, earthquake).",
    (2011, "excl"): "Excludes the FY2011 first supplementary budget (1,886, earthquake).",
    (2012, "incl"): "Excludes 1,136 of reconstruction costs (total 48,274).",
    (2012, "excl"): "MOF's 既存経費; SACO and realignment given only combined (685).",
    (2014, "incl"): "Akahata's figure for the current year; mod-white-paper-2015 gives the same "
                    "(FY2015 49,801 - 953).",
    (2014, "excl"): "Derived: FY2015 48,221 - the 383 increase stated in mod-white-paper-2015.",
    (2017, "incl"): "Confirmed by mod-white-paper-2017 (5兆1,251億円).",
    (2017, "excl"): "Confirmed by mod-white-paper-2017 (4兆8,996億円).",
    (2020, "excl"): "The new-government-aircraft component is 0.3 億円 (30 million yen).",
    (2021, "incl"): "Includes costs transferred to the Cabinet Secretariat / Digital Agency.",
    (2021, "excl"): "Includes costs transferred to the Cabinet Secretariat / Digital Agency.",
    (2022, "incl"): "Includes Digital Agency costs; with the FY2021 supplementary budget "
                    "61,744.",
    (2022, "excl"): "Includes Digital Agency costs.",
    (2023, "excl"): "From FY2023 the headline is 防衛力整備計画対象経費 (expenditure covered by "
                    "the Defense Buildup Program).",
    (2024, "incl"): "Reported for the cabinet draft (December 2023); the white paper's "
                    "excluding-basis figure is the enacted one.",
    (2025, "excl"): "Figure as reported for the cabinet draft of 27 Dec 2024; no source for the "
                    "Diet-enacted total was obtained, so the draft figure stands for the "
                    "enacted initial budget.",
    (2025, "incl"): "Figure as reported for the cabinet draft of 27 Dec 2024; no source for the "
                    "Diet-enacted total was obtained, so the draft figure stands for the "
                    "enacted initial budget.",
    (2026, "excl"): "Cabinet draft approved 26 Dec 2025 (Diet enactment pending at the time of "
                    "the reports); 84,748 + the 3,345 increase stated by the source.",
    (2026, "incl"): "Cabinet draft approved 26 Dec 2025 (Diet enactment pending at the time of "
                    "the reports). press-diplomat-2025-12 reports 9.04 trillion yen including "
                    "US-forces realignment costs.",
}

JAPAN_VALUE_TYPE = {
    "reported": "reported", "derived": "derived", "reported(third-party)": "transcribed",
    "reported(newspaper citing MOD)": "reported", "reported(press)": "reported",
    "reported(press, cabinet draft)": "reported",
}

#: Components: raw column -> (basis, what it is)
JAPAN_COMPONENTS = {
    "saco_oku_yen": "saco",
    "us_realignment_local_burden_oku_yen": "us_realignment_local_burden",
    "new_govt_aircraft_oku_yen": "new_govt_aircraft",
    "national_resilience_emergency_oku_yen": "national_resilience",
}

#: FY2012: MOF gives SACO and realignment only combined (685 億円); a quoted component too.
JAPAN_COMBINED = {2012: ("saco_and_us_realignment_local_burden", 685, "mof2012")}

FIRST_YEAR, LAST_YEAR = 1990, 2026
MISSING_YEARS = (1999, 2000, 2001)
#: Years whose published total predates every excluded item (SACO-related costs start in
#: FY1997, US-realignment in FY2007, the new government aircraft in FY2015, the resilience
#: measures in FY2019 — JAPAN_MOD_BUDGET_NOTES.md, "Two bases").
PRE_SACO_LAST = 1996


def _stage(fy: int) -> str:
    return "draft" if fy == 2026 else "enacted"


def _japan_note(fy: int, side: str, raw: dict) -> str:
    parts = []
    if side == "excl" and raw.get("excl_basis") and raw.get("excl_oku_yen"):
        parts.append(f"Basis: {raw['excl_basis']}.")
    parts.append(JAPAN_NOTES.get((fy, side), ""))
    if fy <= 1998 and side == "incl":
        parts.append("Transcribed by a third-party blog from the MOD white-paper table; not "
                     "checked against a primary copy.")
    return " ".join(p for p in parts if p)


def build_japan() -> tuple[list[dict], list[str]]:  # noqa: C901 - see docstring
    """Japan's budget rows from the raw table, one rule per column of the source.

    (Complexity, C901: each branch is one column of the MOD table and its citation.)
    """
    raw = {int(r["fiscal_year"]): r for r in _read_csv(_raw(JAPAN_RAW))}
    rows: list[dict] = []

    def add(fy, measure, basis, oku, *, source, value_type=None, flag=None, note=""):
        value = "" if oku in (None, "") else _num(Decimal(str(oku)) * OKU)
        rows.append({
            "country": "Japan", "iso3": "JPN", "year": fy, "period": "FY",
            "fy_start_month": 4, "measure": measure, "basis": basis, "value": value,
            "unit": "JPY", "price_basis": "current", "base_year": "", "stage": _stage(fy),
            "flag": flag or "", "source": source, "value_type": value_type or "",
            "note": note.strip()})

    for fy in range(FIRST_YEAR, LAST_YEAR + 1):
        r = raw.get(fy)
        if fy in MISSING_YEARS:
            assert r is None, f"FY{fy} appeared in the raw compilation; revisit MISSING_YEARS"
            for basis in (BASIS_EXCL, BASIS_INCL):
                add(fy, "defense_budget", basis, None, source="defbudget-compilation",
                    flag="unavailable",
                    note="Not recovered: the MOD reference table for FY1999-FY2001 was not found "
                         "in any source obtained. Left missing, not interpolated.")
            continue
        assert r is not None, f"FY{fy} missing from {JAPAN_RAW}"
        keys = r["source_keys"].split(";")
        for side, basis in (("incl", BASIS_INCL), ("excl", BASIS_EXCL)):
            oku = r[f"{side}_oku_yen"]
            key = JAPAN_ROW_SOURCE.get((fy, side), keys[0])
            assert key in keys, (fy, side, key, keys)
            note = _japan_note(fy, side, r)
            if oku:
                vt = JAPAN_VALUE_TYPE[r[f"{side}_value_type"]]
                if vt == "derived":
                    assert "Derived" in note, f"FY{fy} {side}: derived without a note saying how"
                add(fy, "defense_budget", basis, oku, source=JAPAN_KEYS[key], value_type=vt,
                    flag={"derived": "derived", "transcribed": "transcribed"}.get(vt),
                    note=note)
            elif side == "excl" and fy <= PRE_SACO_LAST:
                add(fy, "defense_budget", basis, r["incl_oku_yen"], source=JAPAN_KEYS[key],
                    value_type="derived", flag="derived",
                    note="Derived: equal to the one published total, as none of the excluded "
                         "items existed yet (SACO-related costs start in FY1997).")
            elif side == "excl":
                why = ("SACO-related costs (from FY1997) are believed to be inside the published "
                       "total, but their amount was not recovered"
                       if fy < 2002 else
                       "only the total including SACO-related costs was recovered for FY2002")
                add(fy, "defense_budget", basis, None, source=JAPAN_KEYS[key],
                    flag="unavailable", note=f"Not recovered: {why}. Left missing, not estimated.")
            else:
                raise AssertionError(f"FY{fy}: no incl figure in {JAPAN_RAW}")
        comp_source = JAPAN_KEYS[JAPAN_ROW_SOURCE.get((fy, "excl"), keys[0])]
        for col, basis in JAPAN_COMPONENTS.items():
            if r[col]:
                add(fy, "defense_budget_component", basis, r[col], source=comp_source,
                    value_type="reported",
                    note="Component excluded from the mod_excl_saco_realignment basis.")
        if fy in JAPAN_COMBINED:
            basis, oku, key = JAPAN_COMBINED[fy]
            assert int(Decimal(r["incl_oku_yen"]) - Decimal(r["excl_oku_yen"])) == oku
            add(fy, "defense_budget_component", basis, oku, source=JAPAN_KEYS[key],
                value_type="reported",
                note="SACO and US-realignment (local-burden portion) reported only combined.")
    fields = [*TIDY, "value_type", "note"]
    return rows, fields


# --------------------------------------------------------------------------------------------
# 2. Reported-figures ledger
# --------------------------------------------------------------------------------------------

LEDGER_FIELDS = [*TIDY, "fy_year_is", "value_type", "figure_id", "outlet", "published", "url",
                 "refers_to",
                 "item", "quantity", "amount_as_printed", "local_amount", "local_unit",
                 "budget_basis", "note"]

_JP = {"country": "Japan", "iso3": "JPN"}
_FY = {"period": "FY", "fy_start_month": 4, "refers_to": "budget",
       "item": "Japan Ministry of Defense budget"}
_CY = {"period": "CY", "fy_start_month": 1}

#: One dict per figure; ``value`` and ``local_amount`` are strings of whole units as printed.
LEDGER: list[dict] = [
    # seed 001 (THX News)
    {"figure_id": "thx-jp-budget-2025-table", **_JP, **_FY, "year": 2025,
     "basis": "unspecified_total_budget", "value": "60.1e9", "unit": "USD", "stage": "enacted",
     "source": "seed-thx-news-us-japan-missile-defense-pact", "outlet": "THX News",
     "amount_as_printed": "$60.1 billion", "budget_basis": "not stated",
     "note": "Table row 'Total Japanese Defense Budget (2025)'; the article does not say fiscal "
             "or calendar year, nor which MOD basis; no yen figure or rate given."},
    {"figure_id": "thx-jp-budget-2025-text", **_JP, **_FY, "year": 2025,
     "basis": "unspecified_defense_spending", "value": "60e9", "unit": "USD", "stage": "enacted",
     "source": "seed-thx-news-us-japan-missile-defense-pact", "outlet": "THX News",
     "amount_as_printed": "$60 billion", "budget_basis": "not stated",
     "note": "Body text ('defense spending ... in 2025'), a rounded form of the table figure."},
    {"figure_id": "thx-tomahawk-400", **_JP, **_CY, "year": 2024, "basis": "sale_value",
     "value": "2.35e9", "unit": "USD", "stage": "agreement",
     "source": "seed-thx-news-us-japan-missile-defense-pact", "outlet": "THX News",
     "refers_to": "sale", "item": "Tomahawk cruise missiles", "quantity": 400,
     "amount_as_printed": "$2.35 billion",
     "note": "Table row 'Tomahawk Missiles Purchased'. The article gives no date; year 2024 is "
             "the agreement year reported by seed-washington-times-hegseth-koizumi."},
    {"figure_id": "thx-sm6-block1", **_JP, **_CY, "year": 2025, "basis": "sale_value",
     "value": "900e6", "unit": "USD", "stage": "",
     "source": "seed-thx-news-us-japan-missile-defense-pact", "outlet": "THX News",
     "refers_to": "sale", "item": "SM-6 Block I missiles", "amount_as_printed": "$900 million",
     "note": "Table row 'SM-6 Block I Sale'. The article gives neither date nor stage "
             "(notification, agreement or delivery); year is the article's year."},
    {"figure_id": "thx-gpi-programme", "country": "United States and Japan", "iso3": "",
     **_CY, "year": 2025, "basis": "programme_cost", "value": "3e9", "unit": "USD",
     "stage": "projection", "source": "seed-thx-news-us-japan-missile-defense-pact",
     "outlet": "THX News", "refers_to": "programme",
     "item": "Glide Phase Interceptor (GPI) co-development",
     "amount_as_printed": "$3 billion",
     "note": "Projected programme cost shared by the US and Japan; year is the article's year."},
    # seed 003 (The Washington Times)
    {"figure_id": "wt-jp-budget-fy2025", **_JP, **_FY, "year": 2025, "basis": "unspecified",
     "value": "55.5e9", "unit": "USD", "stage": "enacted",
     "source": "seed-washington-times-hegseth-koizumi", "outlet": "The Washington Times",
     "amount_as_printed": "$55.5 billion", "budget_basis": "not stated",
     "note": "The previous year's (FY2025) budget, called a record; no yen figure or rate."},
    {"figure_id": "wt-jp-budget-fy2026", **_JP, **_FY, "year": 2026, "basis": "unspecified",
     "value": "58e9", "unit": "USD", "stage": "draft",
     "source": "seed-washington-times-hegseth-koizumi", "outlet": "The Washington Times",
     "amount_as_printed": "$58 billion", "budget_basis": "not stated",
     "note": "Approved in December (cabinet draft) for fiscal 2026 starting 1 April; no yen "
             "figure or rate."},
    {"figure_id": "wt-tomahawk-400", **_JP, **_CY, "year": 2024, "basis": "sale_value",
     "value": "2.35e9", "unit": "USD", "stage": "agreement",
     "source": "seed-washington-times-hegseth-koizumi", "outlet": "The Washington Times",
     "refers_to": "sale", "item": "Tomahawk cruise missiles", "quantity": 400,
     "amount_as_printed": "around $2.35 billion",
     "note": "Agreed in January 2024 per the article; 200 Block IV and 200 Block V."},
    # seed 000 (outlet not named)
    {"figure_id": "dsca-hvgp-support", **_JP, **_CY, "year": 2025, "basis": "sale_value",
     "value": "200e6", "unit": "USD", "stage": "notification",
     "source": "seed-dsca-hvgp-notification-report",
     "outlet": "unnamed (news report of the DSCA notification)", "refers_to": "sale",
     "item": "Support services for the Hyper Velocity Gliding Projectile (HVGP) programme",
     "amount_as_printed": "$200 million",
     "note": "Possible FMS notified to Congress by DSCA (maximum value). The stored copy names "
             "no outlet or date; press-defencetalks-2025-03-hvgp dates the notification "
             "11 March 2025."},
    # FY2025 request (August 2024)
    {"figure_id": "dd-jp-request-fy2025", **_JP, **_FY, "year": 2025, "basis": BASIS_EXCL,
     "value": "8.5389e12", "unit": "JPY", "stage": "request",
     "source": "dailydefense-fy2025-request", "outlet": "Daily Defense", "published": "2024-08",
     "url": "https://dailydefense.jp/_tags/%E6%A6%82%E7%AE%97%E8%A6%81%E6%B1%82",
     "amount_as_printed": "8兆5389億円", "local_amount": "8.5389e12", "local_unit": "JPY",
     "budget_basis": "excluding SACO-related costs etc.",
     "note": "MOD's FY2025 budget request announced 30 August 2024."},
    {"figure_id": "press-a-jp-request-fy2025", **_JP, **_FY, "year": 2025, "basis": BASIS_EXCL,
     "value": "58.5e9", "unit": "USD", "stage": "request",
     "source": "press-fy2025-request-report-a", "outlet": "unnamed (press report of the request)",
     "amount_as_printed": "$58.5 billion", "local_amount": "8.5389e12", "local_unit": "JPY",
     "budget_basis": "request (MOD basis excluding SACO etc.)",
     "note": "Same yen request as printed by another report at $59.4 billion."},
    {"figure_id": "press-b-jp-request-fy2025", **_JP, **_FY, "year": 2025, "basis": BASIS_EXCL,
     "value": "59.4e9", "unit": "USD", "stage": "request",
     "source": "press-fy2025-request-report-b", "outlet": "unnamed (press report of the request)",
     "amount_as_printed": "$59.4 billion", "local_amount": "8.5389e12", "local_unit": "JPY",
     "budget_basis": "request (MOD basis excluding SACO etc.)",
     "note": "Same yen request as printed by another report at $58.5 billion."},
    # FY2025 cabinet draft (December 2024)
    *[{"figure_id": fid, **_JP, **_FY, "year": 2025, "basis": BASIS_INCL, "value": usd,
       "unit": "USD", "stage": "draft", "source": src, "outlet": outlet,
       "amount_as_printed": printed, "local_amount": "8.7e12", "local_unit": "JPY",
       "budget_basis": "including US-forces realignment costs etc. (8.7 trillion yen)",
       "published": pub, "url": url,
       "note": "Cabinet draft of December 2024; yen printed as 8.7 trillion."}
      for fid, usd, src, outlet, printed, pub, url in [
          ("stripes-jp-draft-fy2025", "54.8e9", "press-stars-and-stripes-fy2025-draft",
           "Stars and Stripes", "$54.8 billion", "", ""),
          ("ap-jp-draft-fy2025", "55e9", "press-ap-fy2025-draft", "AP (Associated Press)",
           "$55 billion", "", ""),
          ("kyodo-jp-draft-fy2025", "55.4e9", "press-kyodo-fy2025-draft", "Kyodo News",
           "$55.4 billion", "", ""),
          ("sputnik-jp-draft-fy2025", "55.4e9", "press-sputnik-2024-12-27", "Sputnik",
           "$55.4 billion", "2024-12-27",
           "https://sputnikglobe.com/20241227/japanese-govt-approves-2025-draft-budget-with-"
           "record-defense-spending-1121280047.html"),
          ("trt-jp-draft-fy2025", "55.7e9", "press-trt-fy2025-draft", "TRT World",
           "$55.7 billion", "", ""),
      ]],
    # FY2026 request (August 2025) and cabinet draft (26 December 2025)
    {"figure_id": "livedoor-jp-request-fy2026", **_JP, **_FY, "year": 2026, "basis": BASIS_EXCL,
     "value": "8.8454e12", "unit": "JPY", "stage": "request",
     "source": "press-livedoor-2025-09-17", "outlet": "livedoor News", "published": "2025-09-17",
     "url": "https://news.livedoor.com/topics/detail/29587249/",
     "amount_as_printed": "8兆8454億円", "local_amount": "8.8454e12", "local_unit": "JPY",
     "budget_basis": "Defense Buildup Program basis (excluding SACO/realignment)",
     "note": "MOD's FY2026 budget request (August 2025), a record."},
    {"figure_id": "diplomat-jp-draft-fy2026", **_JP, **_FY, "year": 2026, "basis": BASIS_INCL,
     "value": "58e9", "unit": "USD", "stage": "draft", "source": "press-diplomat-2025-12",
     "outlet": "The Diplomat", "published": "2025-12",
     "url": "https://qoshe.com/the-diplomat/takahashi-kosuke/japan-accelerates-defense-buildup-"
            "with-record-budget-and-expanded-unmanned-capabilities/186968820/amp",
     "amount_as_printed": "$58 billion", "local_amount": "9.04e12", "local_unit": "JPY",
     "budget_basis": "including US-forces realignment expenditures",
     "note": "Cabinet draft approved 26 December 2025; yen printed as 9.04 trillion."},
    {"figure_id": "reportaz-jp-draft-fy2026", **_JP, **_FY, "year": 2026, "basis": BASIS_INCL,
     "value": "85.9e9", "unit": "USD", "stage": "draft", "source": "press-report-az-fy2026-draft",
     "outlet": "report.az", "amount_as_printed": "$85.9 billion", "local_amount": "9e12",
     "local_unit": "JPY", "budget_basis": "not stated (9 trillion yen)",
     "note": "Implies about 105 yen per dollar, far from any 2025 market rate: almost certainly "
             "a conversion error. Kept as printed for reconciliation."},
    # FY2025 supplementary (December 2025)
    {"figure_id": "xinhua-jp-supplementary-fy2025", **_JP, **_FY, "year": 2025,
     "basis": "security_and_diplomacy", "value": "1.7e12", "unit": "JPY",
     "stage": "supplementary", "source": "press-xinhua-sunstar-2025-12",
     "outlet": "Xinhua (via SunStar)",
     "url": "https://www.sunstar.com.ph/network/japan-sets-record-defense-budget",
     "item": "FY2025 supplementary budget, security and diplomacy",
     "amount_as_printed": "1.7 trillion yen", "local_amount": "1.7e12", "local_unit": "JPY",
     "budget_basis": "security and diplomacy (wider than MOD)",
     "note": "Supplementary budget of December 2025; not part of the initial budgets."},
]


def build_ledger() -> tuple[list[dict], list[str]]:
    rows = []
    seen = set()
    for fig in LEDGER:
        row = {"price_basis": "current", "base_year": "", "flag": "", "value_type": "reported",
               "published": "", "url": "", "item": "", "quantity": "", "local_amount": "",
               "local_unit": "", "budget_basis": "", **fig}
        row["measure"] = "reported_figure"
        row["value"] = _num(Decimal(row["value"]))
        row["local_amount"] = _num(row["local_amount"] or None)
        assert row["figure_id"] not in seen, row["figure_id"]
        seen.add(row["figure_id"])
        rows.append(row)
    for row in official.build()["ledger"]:
        assert row["figure_id"] not in seen, row["figure_id"]
        seen.add(row["figure_id"])
        rows.append(row)
    return rows, LEDGER_FIELDS


# --------------------------------------------------------------------------------------------
# 3. GMSD military burden (OWID)
# --------------------------------------------------------------------------------------------

GMSD_FIELDS = ["country", "iso3", "year", "value", "flag", "note"]
#: Columns constant over the whole file: written to datapackage.json, added back by load().
GMSD_CONSTANTS = {"period": "CY", "fy_start_month": 1, "measure": "milex_share_gdp",
                  "basis": "gmsd_latent_mean", "unit": "ratio", "price_basis": "current",
                  "base_year": None, "stage": None, "source": "gmsd-owid-2024"}
GMSD_VALUE_COLUMN = "Military expenditure (% of GDP)"
#: SIPRI's share of GDP as Our World in Data publishes it: the yardstick for GMSD's levels.
SIPRI_SHARE_RAW = "OWID_military-spending-as-a-share-of-gdp-sipri.csv"
SIPRI_SHARE_SOURCE = "owid-military-spending-as-a-share-of-gdp-sipri"
#: A country whose GMSD burden is, in the median year both cover, more than this many times
#: SIPRI's is flagged highly_uncertain on every row. Measured on the raw files: Taiwan 26.6x
#: and Syria 10.9x stand alone; the next, Myanmar, is 2.5x.
GMSD_IMPLAUSIBLE_RATIO = 5


def gmsd_implausible(gmsd: list[dict]) -> dict[str, str]:
    """ISO3 -> note, for countries whose GMSD level is far from SIPRI's in the years both cover."""
    sipri_rows = _read_csv(_raw(SIPRI_SHARE_RAW))
    column = "Military expenditure (% of GDP)"
    if column not in sipri_rows[0]:
        sys.exit(f"build_data: {SIPRI_SHARE_RAW} has no column {column!r}")
    sipri = {(r["Code"], int(r["Year"])): Decimal(r[column])
             for r in sipri_rows if r[column] and Decimal(r[column]) > 0}
    ratios: dict[str, list[tuple[Decimal, Decimal]]] = {}
    for r in gmsd:
        key = (r["Code"], int(r["Year"]))
        if key in sipri:
            ratios.setdefault(r["Code"], []).append((Decimal(r[GMSD_VALUE_COLUMN]), sipri[key]))
    notes = {}
    for code, pairs in sorted(ratios.items()):
        ratio = statistics.median(g / s for g, s in pairs)
        if ratio <= GMSD_IMPLAUSIBLE_RATIO:
            continue
        lo = min(g for g, _ in pairs)
        hi = max(g for g, _ in pairs)
        notes[code] = (
            f"Implausible level: in the {len(pairs)} years that SIPRI also covers, this GMSD "
            f"series gives {lo:.0f}-{hi:.0f}% of GDP, a median {ratio:.1f} times SIPRI's share "
            f"of GDP for the same years (source {SIPRI_SHARE_SOURCE}). Treat as a failure of "
            "this GMSD vintage for this country, not as a measurement.")
    return notes


#: OWID's codes for entities that other datasets give a user-assigned code (the schema's
#: ``USER_ASSIGNED_CODES``): Kosovo is XKX in SIPRI and the World Bank.
OWID_USER_ASSIGNED = {"OWID_KOS": "XKX"}


def build_gmsd() -> tuple[list[dict], list[str]]:
    src = _read_csv(_raw(GMSD_RAW))
    expected = ["Entity", "Code", "Year", GMSD_VALUE_COLUMN]
    if list(src[0]) != expected:
        sys.exit(f"build_data: {GMSD_RAW} has columns {list(src[0])}, expected {expected}")
    implausible = gmsd_implausible(src)
    rows = []
    for i, r in enumerate(src, start=2):
        pct = Decimal(r[GMSD_VALUE_COLUMN])
        if not Decimal(0) <= pct <= Decimal(100):
            sys.exit(f"build_data: {GMSD_RAW} line {i}: {GMSD_VALUE_COLUMN}={pct} outside 0-100")
        code = r["Code"]
        notes = []
        if code in OWID_USER_ASSIGNED:  # Kosovo: one code in every dataset (see schema)
            code = OWID_USER_ASSIGNED[code]
            notes.append(f"{code} is a user-assigned code (not ISO 3166-1), as in SIPRI and "
                         f"the World Bank; OWID code {r['Code']}.")
        if len(code) != 3:
            notes.append(f"Historical entity without an ISO 3166 code (OWID code {code}).")
            code = ""
        if pct == 100:
            notes.append("At GMSD's cap of 100% of GDP (burden capped at 1.0); the true value "
                         "is not identified.")
        flag = "estimate"  # every GMSD value is a model estimate (posterior mean)
        if code in implausible:
            flag = "highly_uncertain"
            notes.append(implausible[code])
        rows.append({"country": r["Entity"], "iso3": code, "year": int(r["Year"]),
                     "value": _num(pct.scaleb(-2)), "flag": flag, "note": " ".join(notes)})
    return rows, GMSD_FIELDS


# --------------------------------------------------------------------------------------------
# 4. Japan GDP (ESRI)
# --------------------------------------------------------------------------------------------

GDP_VINTAGE = "2026Q2-2nd"
GDP_BASIS = "esri_sna_2020_benchmark"


def build_gdp() -> tuple[list[dict], list[str]]:
    src = _read_csv(_raw(GDP_RAW))
    rows = []
    base = {**_JP, "period": "FY", "fy_start_month": 4, "basis": GDP_BASIS, "stage": "",
            "source": "esri-sna-qe-2026q2-2nd", "vintage": GDP_VINTAGE}
    for r in src:
        fy = int(r["fiscal_year"])
        nominal = Decimal(r["nominal_gdp_bn_yen"])
        real = Decimal(r["real_gdp_bn_chained_2020_yen"])
        deflator = (nominal / real * 100).quantize(Decimal("0.0001"))
        printed = Decimal(r["implicit_gdp_deflator_cy2020_eq_100"])
        if abs(deflator - printed) > Decimal("0.006"):
            sys.exit(f"build_data: {GDP_RAW} FY{fy}: deflator {printed} != nominal/real*100 "
                     f"= {deflator}")
        rows.append({**base, "year": fy, "measure": "gdp", "value": _num(nominal.scaleb(9)),
                     "unit": "JPY", "price_basis": "current", "base_year": "",
                     "flag": "transcribed", "value_type": "transcribed",
                     "note": "Nominal GDP (expenditure approach), fiscal year, current yen."})
        rows.append({**base, "year": fy, "measure": "gdp_real", "value": _num(real.scaleb(9)),
                     "unit": "JPY", "price_basis": "constant", "base_year": 2020,
                     "flag": "transcribed", "value_type": "transcribed",
                     "note": "Real GDP, fiscal year, chained (calendar 2020) yen."})
        rows.append({**base, "year": fy, "measure": "gdp_deflator", "value": _num(deflator),
                     "unit": "index", "price_basis": "current", "base_year": "",
                     "flag": "derived", "value_type": "derived",
                     "note": "Implicit GDP deflator, calendar 2020 = 100: nominal / real x 100, "
                             "computed by defbudget (not an official release)."})
    fields = [*TIDY, "value_type", "vintage", "note"]
    return rows, fields


# --------------------------------------------------------------------------------------------
# datapackage.json
# --------------------------------------------------------------------------------------------

F = {  # field descriptions shared by the tidy files
    "country": ("string", "Country or aggregate display name, e.g. 'Japan'."),
    "iso3": ("string", "ISO 3166-1 alpha-3 code (XKX for Kosovo: user-assigned, not ISO "
                       "3166-1, as in SIPRI and the World Bank); empty for aggregates and "
                       "historical entities."),
    "year": ("integer", "Label year of the period; a fiscal year is labelled by the calendar "
                        "year it starts in (Japan FY2025 = April 2025 - March 2026)."),
    "period": ("string", "CY (calendar year) or FY (fiscal year)."),
    "fy_start_month": ("integer", "First month of the period: 1 for calendar years, 4 for "
                                  "Japan's April-March fiscal year."),
    "measure": ("string", "What is measured (snake_case), e.g. defense_budget."),
    "basis": ("string", "Definitional scope of the measure (snake_case)."),
    "value": ("number", "The observation in whole units of `unit` (yen, dollars, ratio), never "
                        "thousands or millions; empty when not available (see flag)."),
    "unit": ("string", "ISO 4217 currency code, or 'ratio' (share, 0.01 = 1%) or 'index'."),
    "price_basis": ("string", "current or constant prices."),
    "base_year": ("integer", "Price base year when price_basis is constant; empty otherwise."),
    "stage": ("string", "Stage of the figure: request, draft, enacted, supplementary, actual, "
                        "estimate, notification, agreement, projection."),
    "flag": ("string", "Quality flag: estimate, unavailable, derived, transcribed, ..."),
    "source": ("string", "Source id; resolves to a full citation in `sources` "
                         "(defbudget.cite(id))."),
    "value_type": ("string", "reported (quoted by the source), derived (computed from quoted "
                             "figures), transcribed (copied by hand or by a third party)."),
    "note": ("string", "Free-text note: derivation, caveats, cross-checks."),
    "vintage": ("string", "Data release the value comes from, e.g. 2026Q2-2nd (ESRI 2026 "
                          "April-June second preliminary estimate)."),
    "figure_id": ("string", "Stable identifier of the reported figure."),
    "outlet": ("string", "Outlet that printed the figure, as named."),
    "published": ("string", "Publication date, ISO 8601 (YYYY-MM-DD, or YYYY-MM when only the "
                            "month is known); empty when unknown."),
    "url": ("string", "URL of the article or page; empty when not recorded."),
    "refers_to": ("string", "What the figure is: budget, sale or programme."),
    "item": ("string", "The budget, equipment or programme the figure refers to."),
    "quantity": ("integer", "Number of items bought or sold, when printed (count)."),
    "amount_as_printed": ("string", "The amount as the outlet printed it, e.g. '$55.5 billion'."),
    "local_amount": ("number", "Local-currency amount in whole units printed by the same source "
                               "(e.g. 9.04e12 yen), when given."),
    "local_unit": ("string", "ISO 4217 currency of local_amount."),
    "budget_basis": ("string", "What the outlet says the budget figure includes, in words."),
    **official.FIELD_TEXT,
}


def _fields(names: list[str], overrides: dict | None = None) -> list[dict]:
    out = []
    for n in names:
        typ, desc = F[n]
        if overrides and n in overrides:
            desc = overrides[n]
        out.append({"name": n, "type": typ, "description": desc})
    return out


def _resource(name, title, description, fields, sources, licenses, overrides=None,
              constants=None) -> dict:
    by_id = {s["id"]: s for s in SOURCES}
    res = {"name": name, "path": f"{name}.csv", "title": title, "description": description,
           "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
           "licenses": licenses,
           "sources": [{"id": s, "title": by_id[s]["title"], **(
               {"path": by_id[s]["path"]} if "path" in by_id[s] else {})} for s in sources],
           "schema": {"fields": _fields(fields, overrides)}}
    if constants:
        res["constants"] = constants
    return res


def _ordered_sources(rows: list[dict], extra: tuple[str, ...] = ()) -> list[str]:
    out: list[str] = []
    for r in rows:
        if r["source"] not in out:
            out.append(r["source"])
    for s in extra:
        if s not in out:
            out.append(s)
    return out


def build_all() -> tuple[dict[str, str], list[dict]]:
    japan, jf = build_japan()
    ledger, lf = build_ledger()
    gmsd, gf = build_gmsd()
    gdp, df = build_gdp()
    off = official.build()
    ours = {s["id"]: s for s in SOURCES}
    clash = [s["id"] for s in off["sources"] if s["id"] in ours and s != ours[s["id"]]]
    if clash:
        sys.exit(f"build_data: official-budget source ids {clash} are already used by other "
                 "sources; rename them in the research files.")
    SOURCES.extend(s for s in off["sources"] if s["id"] not in ours)
    files = {"japan_mod_budget.csv": _write(japan, jf), "reported_figures.csv": _write(ledger, lf),
             "gmsd_burden.csv": _write(gmsd, gf), "japan_gdp.csv": _write(gdp, df),
             "official_budgets.csv": _write(off["rows"], official.OFFICIAL_FIELDS),
             "OFFICIAL_BUDGETS_NOTES.md": off["notes"]}
    off_resource = official.resource(off["rows"], off["sources"])
    off_resource["schema"] = {"fields": _fields(official.OFFICIAL_FIELDS, {
        "value": "Budget in whole units of the national currency (yuan, won, NT dollars, "
                 "Australian dollars, rupees, US dollars); empty when not available.",
        "unit": "ISO 4217 code of the national currency: CNY, KRW, TWD, AUD, INR, USD.",
        "basis": "The budget basis, defined in the resource's `bases`.",
        "year": "Fiscal year: the calendar year it starts in, except US rows, which carry "
                "the year it ends in (see fy_year_is).",
        "fy_start_month": "First month of the fiscal year: 1 (China, South Korea, Taiwan), "
                          "7 (Australia), 4 (India), 10 (United States).",
        "stage": "request, draft, proposal, enacted, revised, supplementary or actual, as "
                 "the source reports it.",
        "published": "Publication date of the cited source.",
        "url": "URL of the cited source.",
        "amount_as_printed": "The amount as the source printed it.",
        "note": "Choice among sources, caveats; the quote is in OFFICIAL_BUDGETS_NOTES.md."})}
    resources = [
        _resource(
            "japan_mod_budget",
            "Japan Ministry of Defense initial defence budgets, FY1990-FY2026 (yen)",
            "Initial (当初) defence-related expenditure of Japan's Ministry of Defense by fiscal "
            "year (April-March), in yen, on two bases: excluding, and including, SACO-related "
            "costs, the local-burden part of US-forces realignment costs, the new government "
            "aircraft and the national-resilience emergency measures. Components where quoted. "
            "Supplementary budgets are excluded. FY1999-FY2001 were not recovered and are "
            "missing (flag 'unavailable'). FY2026 is the cabinet draft of 26 December 2025.",
            jf, _ordered_sources(japan, ("kotobank-boei-kankeihi", "mod-white-paper-2010",
                                         "mod-white-paper-2015", "mod-white-paper-2017",
                                         "press-diplomat-2025-12")),
            [MIT],
            overrides={"value": "Amount in whole yen (億円 x 100,000,000); empty when not "
                                "recovered.",
                       "unit": "JPY (yen, current prices).",
                       "measure": "defense_budget (total) or defense_budget_component.",
                       "basis": "mod_excl_saco_realignment or mod_incl_saco_realignment for "
                                "totals; saco, us_realignment_local_burden, new_govt_aircraft, "
                                "national_resilience or saco_and_us_realignment_local_burden for "
                                "components."}),
        _resource(
            "reported_figures",
            "Reported figures: defence budgets, arms sales and programme costs as printed",
            "A ledger of monetary figures as outlets printed them (press conversions of Japan's "
            "budgets into dollars, sale notifications, programme costs), with the yen amount "
            "where the same source gives it, so the exchange rate each implied can be "
            "reconstructed. Values are in whole units of the printed currency.",
            lf, _ordered_sources(ledger, ("press-defencetalks-2025-03-hvgp",)), [MIT],
            overrides={"measure": "reported_figure (what it refers to is in refers_to).",
                       "year": "Japanese fiscal year for budget figures (period FY); calendar "
                               "year of the notification or agreement for sales (period CY).",
                       "value": "Amount as printed, in whole units of `unit` "
                                "(e.g. 55500000000 for '$55.5 billion').",
                       "basis": "mod_incl_saco_realignment / mod_excl_saco_realignment where "
                                "the figure is identifiable as a MOD basis; unspecified* when "
                                "the outlet does not say; sale_value or programme_cost; for "
                                "other countries the official_budgets basis.",
                       "fy_year_is": "'end' for US fiscal years named by the year they end "
                                     "in; empty (= start) otherwise."}),
        _resource(
            "gmsd_burden",
            "Military spending as a share of GDP, 172 countries, 1816-2019 (GMSD via OWID)",
            "Global Military Spending Dataset military burden (posterior mean of the latent "
            "model, capped at 1.0) as processed by Our World in Data, stored as a ratio "
            "(0.01 = 1% of GDP). Columns that are the same on every row are listed under "
            "`constants` and added back by defbudget.load().",
            gf, ["gmsd-owid-2024", "gmsd-barnum-2025", SIPRI_SHARE_SOURCE], [CC_BY, CC0],
            overrides={"value": "Military expenditure as a share of GDP, ratio (percent / 100).",
                       "country": "Entity name as given by Our World in Data.",
                       "flag": "estimate on every row (a model's posterior mean); "
                               "highly_uncertain for countries whose level is implausible "
                               "against SIPRI's (the note gives the ratio)."},
            constants=GMSD_CONSTANTS),
        off_resource,
        _resource(
            "japan_gdp",
            "Japan GDP by fiscal year, FY1994-FY2025: nominal, real and implicit deflator "
            "(ESRI, 2020 benchmark)",
            "Cabinet Office ESRI national accounts, quarterly estimate 2026 April-June second "
            "preliminary release (vintage 2026Q2-2nd), fiscal years April-March: nominal GDP in "
            "current yen, real GDP in chained calendar-2020 yen, and the implicit deflator "
            "(index, calendar 2020 = 100) computed as nominal / real x 100. GDP is revised with "
            "each release; a share of GDP must name its vintage.",
            df, ["esri-sna-qe-2026q2-2nd"], [PDL],
            overrides={"value": "gdp and gdp_real: whole yen; gdp_deflator: index, calendar "
                                "2020 = 100.",
                       "unit": "JPY for gdp and gdp_real; index for gdp_deflator.",
                       "price_basis": "current for gdp (and for the deflator index, which has "
                                      "no price basis of its own); constant for gdp_real.",
                       "base_year": "2020 for gdp_real (chained calendar-2020 yen)."}),
    ]
    return files, resources


def _merge(existing: list[dict], ours: list[dict], key: str) -> list[dict]:
    """Replace our entries in place, keep everyone else's, append ours that are new."""
    by_key = {o[key]: o for o in ours}
    out, done = [], set()
    for item in existing:
        k = item.get(key)
        if k in by_key:
            if k not in done:
                out.append(by_key[k])
                done.add(k)
        else:
            out.append(item)
    return out + [o for o in ours if o[key] not in done]


def upsert_datapackage(resources: list[dict]) -> dict:
    """Read-modify-write of data/datapackage.json: replace our resources and sources only."""
    path = DATA / "datapackage.json"
    pkg = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    pkg.setdefault("profile", "data-package")
    pkg.setdefault("name", "defbudget-data")
    pkg.setdefault("title", "defbudget: curated, cited defence-budget datasets")
    pkg.setdefault("description",
                   "Datasets shipped with defbudget. Every row's `source` id resolves to an "
                   "entry of `sources`; each resource lists its own sources, licences and "
                   "fields with units.")
    pkg.setdefault("homepage", "https://github.com/defbudget/defbudget")
    pkg["licenses"] = pkg.get("licenses") or [MIT]
    pkg["sources"] = _merge(pkg.get("sources", []), SOURCES, "id")
    pkg["source_templates"] = _merge(pkg.get("source_templates", []), SOURCE_TEMPLATES, "id")
    pkg["resources"] = _merge(pkg.get("resources", []), resources, "name")
    return pkg


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true",
                    help="rebuild in memory and fail if data/ differs (nothing is written)")
    args = ap.parse_args(argv)
    files, resources = build_all()
    pkg = upsert_datapackage(resources)
    pkg_text = json.dumps(pkg, ensure_ascii=False, indent=2) + "\n"
    outputs = {**files, "datapackage.json": pkg_text}
    if args.check:
        stale = [n for n, text in outputs.items()
                 if not (DATA / n).exists() or (DATA / n).read_text(encoding="utf-8") != text]
        if stale:
            print("build_data --check: out of date: " + ", ".join(stale), file=sys.stderr)
            return 1
        print("build_data --check: data/ is up to date")
        return 0
    DATA.mkdir(exist_ok=True)
    for name, text in outputs.items():
        tmp = DATA / f".{name}.tmp"
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(DATA / name)
        print(f"wrote data/{name} ({text.count(chr(10)) - 1} rows)"
              if name.endswith(".csv") else f"wrote data/{name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

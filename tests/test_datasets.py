"""defbudget.datasets and the shipped data: loading, metadata, citations, packaging."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import defbudget
from defbudget import cite, datasets, list_datasets, load
from defbudget.datasets import UnknownNameError, data_path, datapackage
from defbudget.schema import validate

ROOT = Path(__file__).resolve().parents[1]
OURS = ("japan_mod_budget", "reported_figures", "gmsd_burden", "japan_gdp")
ALL = [r["name"] for r in datapackage()["resources"]]
SEEDS = "seeds"


def _raw(raw_dir: Path, name: str) -> Path:
    path = raw_dir / name
    if not path.is_file():
        pytest.skip(f"{name} not found in {raw_dir}")
    return path


def _valid_date(text: str) -> bool:
    """ISO 8601 calendar date, full or reduced precision (YYYY, YYYY-MM, YYYY-MM-DD)."""
    if re.fullmatch(r"\d{4}", text):
        return 1000 <= int(text) <= dt.date.today().year + 1
    if re.fullmatch(r"\d{4}-\d{2}", text):
        text += "-01"
    try:
        return dt.date.fromisoformat(text) <= dt.date.today() + dt.timedelta(days=366)
    except ValueError:
        return False


# --- loading ----------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ALL)
def test_every_resource_loads_and_validates(name):
    frame = load(name)
    assert len(frame) > 0
    assert validate(frame, name=name) == []


@pytest.mark.parametrize("name", OURS)
def test_our_datasets_cite_every_row(name):
    frame = load(name)
    pkg_ids = {s["id"] for s in datapackage()["sources"]}
    res = next(r for r in datapackage()["resources"] if r["name"] == name)
    res_ids = {s["id"] for s in res["sources"]}
    for sid in frame["source"].unique():
        assert sid in pkg_ids and sid in res_ids, f"{name}: source {sid!r} not declared"
        text = cite(sid)
        assert len(text) > 40 and "Licence:" in text
        assert cite(sid, style="bibtex").startswith(f"@misc{{{sid},")


def test_load_returns_fresh_copies():
    a = load("gmsd_burden")
    a["value"] = 0.0
    assert load("gmsd_burden")["value"].max() > 0.5


def test_unknown_dataset_suggests_closest():
    with pytest.raises(UnknownNameError, match="japan_mod_budget"):
        load("japan_mod_budgets")
    with pytest.raises(UnknownNameError, match="Available: "):
        load("nato")


def test_list_datasets():
    table = list_datasets()
    assert list(table.columns) == ["name", "title", "rows", "units", "licence", "file"]
    got = table.set_index("name")
    assert got.loc["japan_mod_budget", "rows"] == len(load("japan_mod_budget"))
    assert got.loc["gmsd_burden", "rows"] == 14_700
    assert got.loc["gmsd_burden", "units"] == "ratio"
    assert got.loc["japan_gdp", "units"] == "JPY, index"
    assert got.loc["reported_figures", "units"] == "USD, JPY, ratio"  # shares of GDP (issue 17)
    assert set(OURS) <= set(table["name"])


def test_data_path_unknown_file():
    assert data_path("japan_mod_budget.csv").is_file()
    with pytest.raises(UnknownNameError, match=r"japan_mod_budget\.csv"):
        data_path("japan_mod_budgt.csv")


def test_bad_file_is_reported_with_path_and_fix(tmp_path, monkeypatch):
    """A shipped file whose header drifted from datapackage.json fails loudly, naming both."""
    pkg = datapackage()
    res = next(r for r in pkg["resources"] if r["name"] == "japan_gdp")
    text = data_path(res["path"]).read_text(encoding="utf-8").replace("vintage", "release", 1)
    (tmp_path / res["path"]).write_text(text, encoding="utf-8")
    (tmp_path / "datapackage.json").write_text(json.dumps(pkg), encoding="utf-8")
    monkeypatch.setattr(datasets, "_data_root", lambda: tmp_path)
    datasets._load_cached.cache_clear()
    datasets._datapackage_text.cache_clear()
    try:
        with pytest.raises(ValueError, match=r"japan_gdp\.csv.*release.*build_data"):
            load("japan_gdp")
    finally:
        datasets._load_cached.cache_clear()
        datasets._datapackage_text.cache_clear()


# --- cite -------------------------------------------------------------------------------------

def test_cite_dataset_lists_all_its_sources():
    text = cite("gmsd_burden").splitlines()
    assert len(text) == 3  # OWID's GMSD, GMSD itself, and OWID's SIPRI series it is checked by
    assert text[0].startswith("Our World in Data based on Barnum et al. (2025)")
    assert text[0].endswith("Licence: Creative Commons Attribution 4.0 "
                            "(https://creativecommons.org/licenses/by/4.0/).")
    assert "10.7910/DVN/DHMZOW" in text[1] and "10.1177/00220027241232964" in text[1]
    assert "Creative Commons Zero" in text[1]
    bib = cite("gmsd_burden", style="bibtex")
    assert bib.count("@misc{") == 3
    assert "military-spending-as-a-share-of-gdp-sipri" in text[2]


def test_cite_dynamic_ids():
    assert cite("sipri-milex-2025").startswith(
        "SIPRI Military Expenditure Database 2025, https://www.sipri.org/databases/milex")
    assert "2023" in cite("sipri-milex-2023")
    wdi = cite("worldbank-wdi-MS.MIL.XPND.CD")
    assert wdi.startswith("The World Bank: World Development Indicators: MS.MIL.XPND.CD")
    assert "Creative Commons Attribution 4.0" in wdi
    assert "MS.MIL.XPND.CD" in cite("worldbank-wdi-ms.mil.xpnd.cd")
    owid = cite("owid-military-spending-as-a-share-of-gdp-sipri")
    assert "https://ourworldindata.org/grapher/military-spending-as-a-share-of-gdp-sipri" in owid
    bib = cite("sipri-milex-2025", style="bibtex")
    assert "url = {https://www.sipri.org/databases/milex}" in bib


def test_cite_unknown_and_bad_style():
    with pytest.raises(UnknownNameError, match="Did you mean 'mod-white-paper-20"):
        cite("mod-white-paper-2005")
    with pytest.raises(UnknownNameError, match="sipri-milex-YYYY"):
        cite("sipri-milex-latest")
    with pytest.raises(ValueError, match="style"):
        cite("japan_mod_budget", style="apa")


def test_top_level_api_is_the_datasets_module():
    assert defbudget.load is load and defbudget.cite is cite
    assert defbudget.list_datasets is list_datasets


# --- datapackage.json -------------------------------------------------------------------------

def test_datapackage_top_level():
    pkg = datapackage()
    for key in ("name", "title", "licenses", "sources", "resources"):
        assert pkg.get(key), key
    ids = [s["id"] for s in pkg["sources"]]
    assert len(ids) == len(set(ids)), "duplicate source ids"


@pytest.mark.parametrize("source", datapackage()["sources"], ids=lambda s: s.get("id", "?"))
def test_every_source_is_complete(source):
    assert re.fullmatch(r"[a-z0-9][a-z0-9._-]*", source["id"])
    for key in ("title", "citation", "license"):
        assert source.get(key), f"{source['id']}: {key} missing"
    assert source.get("publisher") or source.get("producer")
    lic = source["license"]
    assert (lic.get("name") or lic.get("title")) if isinstance(lic, dict) else lic
    assert source.get("path") or "not recorded" in (source["citation"] + source.get("note", ""))
    for key in ("date_published", "date_accessed"):
        if source.get(key):
            assert _valid_date(source[key]), f"{source['id']}: {key}={source[key]!r}"


@pytest.mark.parametrize("res", datapackage()["resources"], ids=lambda r: r["name"])
def test_every_resource_is_described(res):
    for key in ("name", "path", "title", "licenses", "sources", "schema"):
        assert res.get(key), f"{res['name']}: {key} missing"
    path = data_path(res["path"])
    with path.open(encoding="utf-8") as fh:
        header = next(csv.reader(fh))
    fields = res["schema"]["fields"]
    assert [f["name"] for f in fields] == header, f"{res['path']}: fields != header"
    for f in fields:
        assert f.get("type") and f.get("description"), f"{res['name']}.{f['name']}"
    value = next((f for f in fields if f["name"] == "value"), None)
    if value is not None:  # units stated for the value column
        assert "unit" in value or re.search(r"unit|yen|ratio|index|whole",
                                            value["description"], re.I)
    pkg_ids = {s["id"] for s in datapackage()["sources"]}
    for s in res["sources"]:
        sid = s["id"] if isinstance(s, dict) else s
        assert sid in pkg_ids or (isinstance(s, dict) and s.get("title")), sid


def test_every_source_id_used_by_a_row_exists():
    pkg_ids = {s["id"] for s in datapackage()["sources"]}
    for name in ALL:
        for sid in load(name)["source"].unique():
            try:
                cite(sid)
            except UnknownNameError:
                pytest.fail(f"{name}: row source {sid!r} does not resolve "
                            f"(known: {len(pkg_ids)} ids)")


def test_source_ids_named_in_notes_exist():
    pkg_ids = {s["id"] for s in datapackage()["sources"]}
    token = re.compile(r"\b(?:mod|press|seed|dailydefense|kotobank|akahata|mof|gmsd|esri)"
                       r"-[a-z0-9-]*[a-z0-9]")
    for name in ("japan_mod_budget", "reported_figures"):
        for note in load(name)["note"].dropna():
            for sid in token.findall(note):
                assert sid in pkg_ids, f"{name}: note names unknown source {sid!r}"


def test_build_script_reproduces_the_shipped_files(raw_dir):
    """scripts/build_data.py --check: the committed CSVs are exactly what the raw inputs give."""
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "build_data.py"), "--check"],
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "DEFBUDGET_RAW_DIR": str(raw_dir)})
    assert proc.returncode == 0, proc.stderr + proc.stdout


# --- the other shipped datasets ---------------------------------------------------------------

def test_gmsd_burden():
    g = load("gmsd_burden")
    assert len(g) == 14_700 and g["country"].nunique() == 172
    assert (g["year"].min(), g["year"].max()) == (1816, 2019)
    assert ((g["value"] > 0) & (g["value"] <= 1)).all()
    assert set(g["unit"]) == {"ratio"} and set(g["period"]) == {"CY"}
    capped = g[g["value"] == 1.0]
    assert list(zip(capped["country"], capped["year"], strict=True)) == [("Syria", 1981)]
    assert "cap" in capped["note"].iloc[0]
    no_iso = g[g["iso3"].isna()]
    assert set(no_iso["country"]) == {"Austria-Hungary", "Czechoslovakia", "East Germany",
                                      "Yugoslavia"}
    # Kosovo: the user-assigned code SIPRI and the World Bank use, so joins keep it
    assert set(g.loc[g["country"] == "Kosovo", "iso3"]) == {"XKX"}
    assert no_iso["note"].str.contains("OWID code OWID_").all()
    jp = g[g["iso3"] == "JPN"].set_index("year")["value"]
    assert 0.005 < jp.loc[2019] < 0.015
    # Every GMSD value is a model estimate; Taiwan and Syria (~90% of GDP in every year,
    # 10-27x SIPRI's share) are flagged throughout, with the ratio in the note.
    implausible = g[g["flag"] == "highly_uncertain"]
    assert set(implausible["country"]) == {"Taiwan", "Syria"}
    assert set(g.loc[g["flag"] != "highly_uncertain", "flag"]) == {"estimate"}
    assert implausible["note"].str.contains("times SIPRI's share of GDP").all()
    assert (g[g["country"].isin(["Taiwan", "Syria"])]["flag"] == "highly_uncertain").all()


def test_gmsd_matches_raw(raw_dir):
    raw = pd.read_csv(_raw(raw_dir, "OWID_GMSD_military-spending-as-a-share-of-gdp-gmsd_"
                                    "1816-2019.csv"))
    g = load("gmsd_burden")
    assert len(raw) == len(g)
    pd.testing.assert_series_equal(
        g["value"].reset_index(drop=True),
        (raw["Military expenditure (% of GDP)"] / 100).rename("value"),
        check_exact=False, rtol=1e-12)


def test_japan_gdp():
    gdp = load("japan_gdp")
    assert len(gdp) == 32 * 3 and set(gdp["vintage"]) == {"2026Q2-2nd"}
    wide = gdp.pivot(index="year", columns="measure", values="value")
    assert list(wide.index) == list(range(1994, 2026))
    assert wide.loc[2025, "gdp"] == 672_669.5e9
    assert wide.loc[2024, "gdp"] == 645_138.7e9
    assert wide.loc[2025, "gdp_real"] == 594_533.0e9
    pd.testing.assert_series_equal(wide["gdp_deflator"], wide["gdp"] / wide["gdp_real"] * 100,
                                   check_names=False, atol=1e-4)
    real = gdp[gdp["measure"] == "gdp_real"]
    assert set(real["price_basis"]) == {"constant"} and set(real["base_year"]) == {2020}
    assert set(gdp.loc[gdp["measure"] != "gdp_deflator", "value_type"]) == {"transcribed"}


def test_japan_gdp_matches_raw_deflator(raw_dir):
    raw = pd.read_csv(_raw(raw_dir, "DERIVED_ESRI_japan_gdp_FY1994-FY2025_nominal_real_"
                                    "implicit_deflator_2020base_QE2026Q2-2nd.csv"))
    gdp = load("japan_gdp")
    defl = gdp[gdp["measure"] == "gdp_deflator"].set_index("year")["value"]
    for rec in raw.to_dict("records"):
        assert abs(defl[rec["fiscal_year"]] - rec["implicit_gdp_deflator_cy2020_eq_100"]) < 0.006


# --- the reported-figures ledger --------------------------------------------------------------

LEDGER_PINNED = {  # figure_id: (value, unit, stage, year, period)
    "thx-jp-budget-2025-table": (60.1e9, "USD", "enacted", 2025, "FY"),
    "thx-jp-budget-2025-text": (60e9, "USD", "enacted", 2025, "FY"),
    "wt-jp-budget-fy2025": (55.5e9, "USD", "enacted", 2025, "FY"),
    "wt-jp-budget-fy2026": (58e9, "USD", "draft", 2026, "FY"),
    "thx-tomahawk-400": (2.35e9, "USD", "agreement", 2024, "CY"),
    "wt-tomahawk-400": (2.35e9, "USD", "agreement", 2024, "CY"),
    "thx-sm6-block1": (900e6, "USD", None, 2025, "CY"),
    "thx-gpi-programme": (3e9, "USD", "projection", 2025, "CY"),
    "dsca-hvgp-support": (200e6, "USD", "notification", 2025, "CY"),
    "livedoor-jp-request-fy2026": (8.8454e12, "JPY", "request", 2026, "FY"),
    "diplomat-jp-draft-fy2026": (58e9, "USD", "draft", 2026, "FY"),
    "reportaz-jp-draft-fy2026": (85.9e9, "USD", "draft", 2026, "FY"),
}


@pytest.fixture(scope="module")
def ledger() -> pd.DataFrame:
    return load("reported_figures")


def test_ledger_pinned_figures(ledger):
    by_id = ledger.set_index("figure_id")
    assert by_id.index.is_unique
    for fid, (value, unit, stage, year, period) in LEDGER_PINNED.items():
        row = by_id.loc[fid]
        assert row["value"] == value and row["unit"] == unit, fid
        assert (None if pd.isna(row["stage"]) else row["stage"]) == stage, fid
        assert (row["year"], row["period"]) == (year, period), fid
    assert by_id.loc["diplomat-jp-draft-fy2026", "local_amount"] == 9.04e12
    assert by_id.loc["thx-tomahawk-400", "quantity"] == 400
    sales = ledger[ledger["refers_to"] == "sale"]
    assert (sales["period"] == "CY").all()
    budgets = ledger[(ledger["refers_to"] == "budget") & ledger["iso3"].eq("JPN")]
    assert (budgets["period"] == "FY").all() and (budgets["fy_start_month"] == 4).all()
    # other countries' budgets (issue 17): their own fiscal years
    others = ledger[(ledger["refers_to"] == "budget") & ledger["iso3"].ne("JPN")]
    months = {"CHN": 1, "KOR": 1, "TWN": 1, "AUS": 7, "IND": 4, "USA": 10}
    assert set(others["iso3"]) <= set(months)
    assert (others["fy_start_month"] == others["iso3"].map(months)).all()
    assert (others["period"] == others["fy_start_month"].map(
        lambda m: "CY" if m == 1 else "FY")).all()


def test_ledger_columns_are_coherent(ledger):
    assert set(ledger["measure"]) == {"reported_figure"}
    assert set(ledger["refers_to"]) == {"budget", "sale", "programme"}
    has_local = ledger["local_amount"].notna()
    currency = {"JPN": "JPY", "CHN": "CNY", "KOR": "KRW", "TWN": "TWD", "AUS": "AUD",
                "IND": "INR", "USA": "USD"}
    assert (ledger.loc[has_local, "local_unit"]
            == ledger.loc[has_local, "iso3"].map(currency)).all()
    assert ledger.loc[~has_local, "local_unit"].isna().all()
    for pub in ledger["published"].dropna():
        assert _valid_date(pub), pub
    seeds = ledger[ledger["source"].str.startswith("seed-")]
    assert seeds["url"].isna().all()  # seeds are cited by outlet and subject, not by URL


def _dollar_figures(text: str) -> list[str]:
    return re.findall(r"\$\d+(?:\.\d+)? (?:billion|million)", text)


def _to_units(printed: str) -> float:
    num, scale = re.fullmatch(r"\$(\d+(?:\.\d+)?) (billion|million)", printed).groups()
    return float(num) * (1e9 if scale == "billion" else 1e6)


def test_ledger_covers_every_dollar_figure_in_the_seeds(ledger, raw_dir):
    seed_dir = raw_dir.parent.parent / SEEDS
    if not seed_dir.is_dir():
        pytest.skip(f"seed articles not found at {seed_dir}")
    outlet_of = {"000": "unnamed", "001": "THX News", "003": "The Washington Times"}
    found = 0
    for path in sorted(seed_dir.glob("*.txt")):
        figures = _dollar_figures(path.read_text(encoding="utf-8"))
        prefix = path.name[:3]
        if figures:
            assert prefix in outlet_of, f"{path.name} has figures {figures} not in the ledger"
        rows = ledger[ledger["outlet"].str.startswith(outlet_of.get(prefix, "?"))]
        for printed in figures:
            found += 1
            assert (rows["value"] == _to_units(printed)).any(), (path.name, printed)
    assert found >= 8


def test_ledger_covers_the_press_conversion_table(ledger, raw_dir):
    text = _raw(raw_dir, "JAPAN_MOD_BUDGET_NOTES.md").read_text(encoding="utf-8")
    table = text.split("## Further press conversions")[1].split("\n## ")[0]
    rows = [r.strip().strip("|").split("|") for r in table.splitlines()
            if r.startswith("| FY") or r.startswith('| "2025"')]
    assert len(rows) >= 9
    for cells in rows:
        budget, _yen, usd, outlet = (c.strip() for c in cells[:4])
        years = [int(y) for y in re.findall(r"20\d\d", budget)]
        figures = _dollar_figures(usd)
        assert figures, cells
        for i, printed in enumerate(figures):
            fy = years[i] if len(years) == len(figures) else years[0]
            hits = ledger[(ledger["value"] == _to_units(printed)) & (ledger["year"] == fy)]
            assert len(hits), (budget, printed, outlet)
            named = outlet.split(";")[0].split("(")[0].strip()
            if named not in ("press report of the request", "seed article 001",
                             "seed article 003"):
                assert hits["outlet"].str.contains(named.split()[0]).any(), (printed, outlet)


# --- import stays light -----------------------------------------------------------------------

def test_import_is_light_and_reads_no_data():
    code = (
        "import sys\n"
        "opened = []\n"
        "sys.addaudithook(lambda ev, args: opened.append(str(args[0])) "
        "if ev == 'open' and args and isinstance(args[0], str) else None)\n"
        "import defbudget\n"
        "bad = [p for p in opened if p.endswith(('.csv', '.json', '.xlsx'))]\n"
        "print('OPENED', bad)\n"
        "print('MPL', 'matplotlib' in sys.modules)\n")
    proc = subprocess.run([sys.executable, "-X", "importtime", "-c", code],
                          capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert "OPENED []" in proc.stdout and "MPL False" in proc.stdout
    assert "matplotlib" not in proc.stderr  # -X importtime lists every module imported


@pytest.mark.slow
def test_data_loads_from_an_installed_wheel(tmp_path):
    """Build the wheel, install it into a bare target dir, load from there (not the checkout)."""
    wheel_dir, site = tmp_path / "wheel", tmp_path / "site"
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(wheel_dir), str(ROOT)], capture_output=True, text=True, timeout=300)
    if build.returncode != 0:
        pytest.fail(f"wheel build failed:\n{build.stderr[-2000:]}")
    (wheel,) = wheel_dir.glob("defbudget-*.whl")
    inst = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(site),
         str(wheel)], capture_output=True, text=True, timeout=300)
    assert inst.returncode == 0, inst.stderr
    code = (
        "import defbudget, defbudget.datasets as d\n"
        "print(defbudget.__file__)\n"
        "print(d.data_path('japan_mod_budget.csv'))\n"
        "f = defbudget.load('japan_mod_budget')\n"
        "v = f.query(\"year == 2025 and basis == 'mod_incl_saco_realignment'\")['value']\n"
        "print(int(v.iloc[0]))\n"
        "print(len(defbudget.load('gmsd_burden')))\n")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = str(site)
    proc = subprocess.run([sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, "
                           f"{str(site)!r}); exec({code!r})"],
                          capture_output=True, text=True, timeout=120, cwd=tmp_path, env=env)
    assert proc.returncode == 0, proc.stderr
    pkg_file, data_file, fy2025, n_gmsd = proc.stdout.split("\n")[:4]
    assert pkg_file.startswith(str(site)), pkg_file
    assert data_file.startswith(str(site / "defbudget" / "_data")), data_file
    assert int(fy2025) == 8_700_500_000_000 and int(n_gmsd) == 14_700


def test_frames_written_back_roundtrip(ledger):
    """The ledger survives a CSV round trip through pandas without losing figures."""
    buf = io.StringIO()
    ledger.to_csv(buf, index=False)
    back = pd.read_csv(io.StringIO(buf.getvalue()))
    assert back["value"].tolist() == ledger["value"].tolist()


def test_lazy_functions_are_not_shadowed_by_submodules():
    """``from defbudget import reconcile`` must give the function even after ``import
    defbudget.<x>`` has bound every submodule on the package (a module named like a lazy
    function would replace it)."""
    import importlib
    import pkgutil

    import defbudget

    functions = {name for name, target in defbudget._LAZY.items() if ":" in target}
    submodules = {m.name for m in pkgutil.iter_modules(defbudget.__path__)
                  if not m.name.startswith("__")}
    assert not functions & submodules, functions & submodules
    for name in sorted(submodules):
        importlib.import_module(f"defbudget.{name}")
    for name in sorted(functions):
        assert callable(getattr(defbudget, name)), name

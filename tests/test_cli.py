"""The `defbudget` command through its real entry point, in a subprocess.

Every sub-command has a working case and a bad-input case: exit status 2, exactly one line on
stderr, and no traceback.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    full_env = {**os.environ, "MPLBACKEND": "Agg", **(env or {})}
    return subprocess.run([sys.executable, "-m", "defbudget", *map(str, args)],
                          capture_output=True, text=True, timeout=120, env=full_env)


def assert_bad_input(proc: subprocess.CompletedProcess, *phrases: str) -> None:
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert lines[0].startswith("defbudget")
    for phrase in phrases:
        assert phrase in lines[0], lines[0]


def test_help_lists_commands_with_examples():
    proc = run("--help")
    assert proc.returncode == 0
    for command in ("datasets", "show", "chart", "compare", "reconcile", "report", "sipri"):
        assert command in proc.stdout
    assert "examples:" in proc.stdout


@pytest.mark.parametrize("command", ["datasets", "show", "chart", "compare", "reconcile",
                                     "report", "sipri"])
def test_every_command_help_has_examples(command):
    proc = run(command, "--help")
    assert proc.returncode == 0
    assert "examples:" in proc.stdout and f"defbudget {command}" in proc.stdout


def test_unknown_command_and_missing_argument():
    assert_bad_input(run("frobnicate"), "invalid choice")
    assert_bad_input(run("report"), "--out")


def test_console_script_and_module_agree():
    script = os.path.join(os.path.dirname(sys.executable), "defbudget")
    if not os.path.exists(script):
        pytest.skip("console script not installed")
    proc = subprocess.run([script, "datasets"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and proc.stdout == run("datasets").stdout


# --------------------------------------------------------------------------- datasets
def test_datasets_lists_and_cites():
    proc = run("datasets")
    assert proc.returncode == 0
    for name in ("japan_mod_budget", "reported_figures", "gmsd_burden", "targets"):
        assert name in proc.stdout
    cite = run("datasets", "--cite", "japan_mod_budget")
    assert cite.returncode == 0 and "Ministry of Defense" in cite.stdout


def test_datasets_cite_unknown():
    assert_bad_input(run("datasets", "--cite", "japan_mod_budgte"), "japan_mod_budgte")


# --------------------------------------------------------------------------- show
def test_show_table_formats_yen_and_filters_years():
    proc = run("show", "japan_mod_budget", "--years", "2024:2026")
    assert proc.returncode == 0, proc.stderr
    assert "¥8.70T" in proc.stdout and "¥9.04T" in proc.stdout
    assert "2023" not in proc.stdout.splitlines()[0]


def test_show_usd_and_constant_csv():
    proc = run("show", "japan_mod_budget", "--basis", "mod_incl_saco_realignment",
               "--to", "USD", "--years", "2025:2025", "--format", "csv")
    frame = pd.read_csv(__import__("io").StringIO(proc.stdout))
    assert list(frame["unit"]) == ["USD"] and 55e9 < frame["value"].iloc[0] < 60e9
    proc = run("show", "japan_mod_budget", "--basis", "mod_incl_saco_realignment", "--real",
               "2020", "--index", "jp_gdp_deflator", "--years", "2020:2020", "--format", "csv")
    frame = pd.read_csv(__import__("io").StringIO(proc.stdout))
    assert frame["price_basis"].tolist() == ["constant"]
    assert frame["value"].iloc[0] == pytest.approx(5.3133e12, rel=1e-4)  # base year: unchanged


@pytest.mark.parametrize("args, phrase", [
    (["nope"], "unknown dataset"),
    (["japan_mod_budget", "--basis", "mod_incl_saco"], "did you mean"),
    (["japan_mod_budget", "--years", "2026:2015"], "--years"),
    (["japan_mod_budget", "--years", "abc"], "FIRST:LAST"),
    (["japan_mod_budget", "--real", "2020", "--index", "no_such_index"], "no_such_index"),
])
def test_show_bad_input(args, phrase):
    assert_bad_input(run("show", *args), phrase)


# --------------------------------------------------------------------------- chart
@pytest.mark.parametrize("args", [
    ["trend", "-o", "{tmp}/trend.png"],
    ["growth", "--basis", "mod_excl_saco_realignment", "-o", "{tmp}/growth.svg"],
    ["composition", "-o", "{tmp}/composition.pdf"],
    ["reconciliation", "--budget", "FY2026", "-o", "{tmp}/rec.png"],
    ["burden", "--countries", "JPN,CHN,KOR", "-o", "{tmp}/burden.png"],
])
def test_chart_kinds_on_shipped_data(args, tmp_path):
    args = [a.format(tmp=tmp_path) for a in args]
    proc = run("chart", *args)
    assert proc.returncode == 0, proc.stderr
    out = tmp_path / os.path.basename(args[-1])
    magic = {".png": b"\x89PNG", ".svg": b"<?xml", ".pdf": b"%PDF"}[out.suffix]
    assert out.read_bytes().startswith(magic)


@pytest.mark.parametrize("args, phrase", [
    (["trend", "-o", "x.jpeg"], ".png, .svg or .pdf"),
    (["growth", "-o", "x.png"], "one series"),
    (["reconciliation", "--budget", "FY1999", "-o", "x.png"], "FY1999"),
    (["burden", "--countries", "JPN,Narnia", "-o", "x.png"], "Narnia"),
    (["pie", "-o", "x.png"], "invalid choice"),
])
def test_chart_bad_input(args, phrase, tmp_path):
    proc = subprocess.run([sys.executable, "-m", "defbudget", "chart", *args],
                          capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert_bad_input(proc, phrase)
    assert not (tmp_path / "x.png").exists()


def test_chart_from_sipri(sipri_latest, tmp_path):
    out = tmp_path / "rank.png"
    proc = run("chart", "ranking", "--sipri", sipri_latest, "-n", "12", "-o", out)
    assert proc.returncode == 0, proc.stderr
    assert out.read_bytes().startswith(b"\x89PNG")


# --------------------------------------------------------------------------- compare
def test_compare_gmsd_without_sipri():
    proc = run("compare", "--countries", "JPN,CHN,KOR")
    assert proc.returncode == 0, proc.stderr
    assert "GMSD" in proc.stdout and "2019" in proc.stdout
    body = proc.stdout.splitlines()
    assert [line.split()[0] for line in body[2:5]] == ["1", "2", "3"]


def test_compare_sets_aside_implausible_gmsd_countries():
    """Taiwan's GMSD values (~90% of GDP) are left out of the ranking, and the user is told."""
    proc = run("compare")
    assert proc.returncode == 0, proc.stderr
    assert "Taiwan" not in proc.stdout
    assert proc.stdout.splitlines()[2].split()[:2] == ["1", "South"]
    assert "Left out Taiwan" in proc.stderr and "times SIPRI's share" in proc.stderr


def test_compare_sipri_ranks_china_first(sipri_latest):
    proc = run("compare", "--sipri", sipri_latest, "--measure", "constant_usd")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert "2024" in lines[0]
    assert "China" in lines[2] and "$" in lines[2]
    assert len(lines) == 2 + 6  # title, header, six countries


@pytest.mark.parametrize("args, phrase", [
    (["--measure", "constant_usd"], "needs --sipri"),
    (["--year", "1700"], "1700"),
    (["--countries", "JPN,XYZ"], "XYZ"),
    (["--sipri", "/no/such/SIPRI.xlsx"], "does not exist"),
])
def test_compare_bad_input(args, phrase):
    assert_bad_input(run("compare", *args), phrase)


# --------------------------------------------------------------------------- reconcile
def test_reconcile_prints_verdicts():
    proc = run("reconcile", "--budget", "FY2026")
    assert proc.returncode == 0, proc.stderr
    assert "Japan FY2026 cabinet draft" in proc.stdout and "FY2025" not in proc.stdout
    assert "report.az" in proc.stdout and "NO" in proc.stdout


def test_reconcile_csv_is_the_table():
    proc = run("reconcile", "--format", "csv")
    frame = pd.read_csv(__import__("io").StringIO(proc.stdout))
    assert {"budget", "outlet", "implied_rate", "verdict"} <= set(frame.columns)
    assert frame["budget"].str.contains("FY2025").any()


def test_reconcile_bad_budget():
    assert_bad_input(run("reconcile", "--budget", "FY1990"), "matches none")


# --------------------------------------------------------------------------- report
def test_report_bad_sipri_fails_before_drawing(tmp_path):
    # The full run is shared in test_report.py; here the bad-input path, with progress on.
    out = tmp_path / "r"
    assert_bad_input(run("report", "--out", out, "--sipri", tmp_path / "none.xlsx"),
                     "--sipri", "does not exist")
    assert list(out.iterdir()) == []


def test_report_out_is_a_file(tmp_path):
    target = tmp_path / "f"
    target.write_text("x")
    assert_bad_input(run("report", "--out", target), "is a file")


def test_report_without_sipri_env(tmp_path):
    env = {"DEFBUDGET_SIPRI": ""}
    assert_bad_input(run("report", "--out", tmp_path / "r", "--sipri", env=env), "SIPRI")


# --------------------------------------------------------------------------- sipri
def test_sipri_to_csv_and_xlsx(sipri_latest, tmp_path):
    out = tmp_path / "s.csv"
    proc = run("sipri", sipri_latest, "--to", "csv", "--sheets", "share_gdp", "-o", out)
    assert proc.returncode == 0, proc.stderr
    frame = pd.read_csv(out)
    assert set(frame["measure"]) == {"milex_share_gdp"}
    assert "Japan" in set(frame["country"])
    again = run("sipri", sipri_latest, "--to", "csv", "-o", out)
    assert_bad_input(again, "--force")


def test_sipri_bad_path_and_sheet(tmp_path, sipri_latest):
    out = tmp_path / "o.csv"
    assert_bad_input(run("sipri", tmp_path / "none.xlsx", "--to", "csv", "-o", out),
                     "does not exist")
    assert_bad_input(run("sipri", sipri_latest, "--to", "csv", "--sheets", "bogus", "-o", out),
                     "bogus")


def test_sipri_output_name_checked_before_reading(tmp_path):
    """A wrong extension is refused at once, before any workbook is read (none exists here)."""
    proc = run("sipri", tmp_path / "none.xlsx", "--to", "xlsx", "-o", tmp_path / "x.csv")
    assert_bad_input(proc, "x.xlsx")
    assert not (tmp_path / "x.csv").exists()


# --------------------------------------------------------------------------- defaults that fit
def test_chart_indexed_defaults_to_a_base_year_every_series_covers(tmp_path, saved_figures):
    """In process, with plot.save watched: each country drawn is 100 in one base year, and
    the shipped GMSD CSV has a value for every drawn country in that year."""
    out = tmp_path / "i.png"
    fig = _saved_figure(saved_figures, "indexed", "-o", str(out))
    assert out.read_bytes().startswith(b"\x89PNG")
    (ax,) = [a for a in fig.axes if a.get_lines()]
    series = {line.get_label(): line for line in ax.get_lines()
              if not line.get_label().startswith("_")}
    assert len(series) >= 4, sorted(series)
    bases = {float(line.get_xdata()[0]) for line in series.values()}
    assert len(bases) == 1
    (base,) = bases
    for name, line in series.items():
        assert line.get_ydata()[0] == pytest.approx(100.0), name
    gmsd = pd.read_csv(ROOT / "data" / "gmsd_burden.csv")
    for name in series:
        years = gmsd.loc[gmsd["country"].eq(name) & gmsd["value"].notna(), "year"]
        assert base in set(years.astype(float)), (name, base)
    assert f"{int(base)} = 100" in ax.get_ylabel()


def test_default_group_applies_only_to_countries_the_data_has(tmp_path):
    """targets has no Indo-Pacific rows besides Japan: the default group must not fail."""
    out = tmp_path / "t.png"
    proc = run("chart", "trend", "targets", "-o", out)
    assert proc.returncode == 0, proc.stderr


def test_reconcile_footer_names_a_real_command():
    proc = run("reconcile", "--budget", "FY2025")
    assert proc.returncode == 0, proc.stderr
    hint = next(line for line in proc.stdout.splitlines() if line.startswith("Sources:"))
    assert "defbudget datasets --cite" in hint
    assert run("datasets", "--cite", "japan_mod_budget").returncode == 0


def test_output_cut_short_by_a_closed_pipe_is_not_an_error():
    """`defbudget show ... | head -1`: no traceback when the reader stops early."""
    proc = subprocess.run(f"{sys.executable} -m defbudget show gmsd_burden | head -1",
                          shell=True, capture_output=True, text=True, timeout=120)
    assert "country" in proc.stdout
    assert "Traceback" not in proc.stderr and "Broken pipe" not in proc.stderr, proc.stderr


def test_show_names_a_fixed_rate_with_its_units():
    proc = run("show", "japan_mod_budget", "--years", "2025", "--to", "EUR", "--rate", "160")
    assert proc.returncode == 0, proc.stderr
    assert "converted at 160 JPY per EUR" in proc.stdout


def test_show_prints_the_rates_used_as_yen_per_dollar():
    proc = run("show", "japan_mod_budget", "--years", "2024:2025", "--to", "USD",
               "--basis", "mod_incl_saco_realignment")
    assert proc.returncode == 0, proc.stderr
    # FY2024 and FY2025 averages of the daily ECB cross rates: 152.44 and 150.74 yen per dollar
    # (the same averages test_fx pins from the raw ECB file).
    assert "converted at fy_average (¥150.7/$ to ¥152.4/$)" in proc.stdout
    assert "$52.1B" in proc.stdout and "$57.7B" in proc.stdout


def _saved_figure(saved_figures: list, *argv):
    """Run `defbudget chart ...` in process and return the figure it saved."""
    import matplotlib

    from defbudget import cli

    matplotlib.use("Agg")
    assert cli.main(["chart", *argv]) == 0
    return saved_figures[-1]


def test_chart_trend_draws_both_bases_of_the_shipped_series(tmp_path, saved_figures):
    fig = _saved_figure(saved_figures, "trend", "-o", str(tmp_path / "t.png"))
    (ax,) = [a for a in fig.axes if a.get_lines()]
    drawn = {}
    for line in ax.get_lines():
        drawn.update({(line.get_label(), int(x)): y
                      for x, y in zip(line.get_xdata(), line.get_ydata(), strict=True)
                      if x == x})
    # data/japan_mod_budget.csv: FY2025 ¥8,700.5 bn incl. and ¥8,474.8 bn excl. SACO etc.
    values = sorted(v for (label, year), v in drawn.items() if year == 2025 and v == v)
    top = max(values)
    unit = next(u for u in (1, 1e9, 1e12) if top == pytest.approx(8_700.5e9 / u, rel=1e-9))
    assert values[0] == pytest.approx(8_474.8e9 / unit, rel=1e-9)
    assert "Source" in " ".join(t.get_text() for t in fig.texts)


def test_chart_burden_opens_on_1990_with_the_countries_asked(tmp_path, saved_figures):
    fig = _saved_figure(saved_figures, "burden", "--countries", "Japan,China,South Korea",
                        "-o", str(tmp_path / "b.png"))
    (ax,) = [a for a in fig.axes if a.get_lines()]
    series = {line.get_label(): line for line in ax.get_lines()
              if line.get_label() in {"Japan", "China", "South Korea"}}
    assert set(series) == {"Japan", "China", "South Korea"}
    assert min(min(line.get_xdata()) for line in series.values()) == 1990
    gmsd = pd.read_csv(ROOT / "data" / "gmsd_burden.csv")
    japan = gmsd.query("iso3 == 'JPN' and year == 2019")["value"].item()
    line = series["Japan"]
    assert dict(zip(line.get_xdata(), line.get_ydata(), strict=True))[2019] == \
        pytest.approx(japan)


def _official_chart_data(*argv: str):
    from defbudget import cli

    args = cli.build_parser().parse_args(["chart", *argv, "-o", "x.png"])
    return cli._chart_data(args), args


def test_official_budgets_chart_one_figure_per_country_and_year():
    data, _ = _official_chart_data("trend", "official_budgets", "--countries", "South Korea")
    assert not data.duplicated(["country", "year"]).any()
    assert set(data["basis"]) == {"kor_mnd_budget"}
    # 2015: the proposal (37.56 trillion won) and the budget as passed (37.456 trillion);
    # the chart draws the one passed (data/OFFICIAL_BUDGETS_NOTES.md)
    row = data[data["year"] == 2015].iloc[0]
    assert (row["stage"], row["value"]) == ("enacted", 37_456_000_000_000)


def test_official_budgets_across_currencies_are_drawn_in_us_dollars(tmp_path):
    data, args = _official_chart_data("compare", "official_budgets")
    assert set(data["unit"]) == {"USD"} and data["value"].notna().all()
    assert "Japan" in set(data["country"])  # its MOD budget, as the report draws it
    assert "Taiwan" not in set(data["country"]) and "Taiwan" in args.left_out
    indexed, args = _official_chart_data("indexed", "official_budgets")
    assert len(set(indexed["unit"])) > 1 and "Taiwan" in set(indexed["country"])
    assert not getattr(args, "left_out", {})
    proc = run("chart", "compare", "official_budgets", "-o", tmp_path / "c.png")
    assert proc.returncode == 0, proc.stderr
    assert "Left out Taiwan: no exchange rate for TWD" in proc.stderr
    assert "Left out the 2026 budgets of China" in proc.stderr  # a year not over
    assert (tmp_path / "c.png").stat().st_size > 10_000
    proc = run("chart", "trend", "official_budgets", "--countries", "South Korea", "-o",
               tmp_path / "k.png")
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr

"""The README's tour runs as written, and its two commands are the ones CI and users run."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README, flags=re.S)


def test_readme_tour_runs(tmp_path, monkeypatch):
    """Every Python block that needs no SIPRI workbook runs top to bottom."""
    monkeypatch.chdir(tmp_path)
    blocks = [b for b in _python_blocks() if "read_sipri" not in b]
    assert blocks, "the README has a Python tour"
    namespace: dict = {}
    for block in blocks:
        exec(compile(block, "README.md", "exec"), namespace)
    # The values the tour prints, worked from the raw files (../shared/data/raw):
    # FY2025 incl. SACO/realignment ¥8,700.5 bn and FY2022 ¥5,400.5 bn, FY2026 ¥9,035.3 bn
    # (COMPILED_japan_mod_defense_budget...csv, oku yen); the ECB daily JPY/EUR ÷ USD/EUR
    # crosses from 2025-04-01 to 2026-03-31 average 150.73699 yen per dollar (255 days).
    incl = namespace["incl"].set_index("year")["value"]
    assert (incl[2022], incl[2025], incl[2026]) == (5_400.5e9, 8_700.5e9, 9_035.3e9)
    growth = namespace["compare"].cagr(namespace["incl"], start=2022, end=2026)
    assert growth["value"].item() == pytest.approx((90_353 / 54_005) ** 0.25 - 1, abs=1e-12)
    assert growth["value"].item() == pytest.approx(0.137306, abs=1e-6)
    usd = namespace["usd"]
    assert usd["value"].item() == pytest.approx(8_700.5e9 / 150.73699, rel=1e-6)  # $57.72 bn
    assert (usd["unit"].item(), usd["fx_basis"].item()) == ("USD", "fy_average")
    wt = namespace["table"].set_index("outlet").loc["The Washington Times"]
    wt = wt[wt["budget"].str.contains("FY2025")].iloc[0]
    # $55.5 bn for ¥8,700.5 bn: 8,700.5 / 55.5 = 156.77 yen per dollar
    assert wt["implied_rate"] == pytest.approx(8_700.5 / 55.5, abs=1e-9)
    ax = namespace["ax"]
    drawn = [y for line in ax.get_lines() for y in line.get_ydata()]
    # the highest point drawn is FY2026's ¥9,035.3 bn, in yen, ¥ bn or ¥ tn
    top = max(y for y in drawn if y == y)
    assert any(top == pytest.approx(9_035.3e9 / unit, rel=1e-9) for unit in (1, 1e9, 1e12))
    assert ax.get_title(loc="left").startswith("Japan: initial defence budget")
    assert (tmp_path / "japan_budget.png").stat().st_size > 10_000


def test_ci_runs_exactly_the_readme_test_command():
    commands = re.findall(r"```bash\n(python3 -m venv .*?)\n```", README)
    assert len(commands) >= 2, "the README gives the setup+run and the setup+test commands"
    test_command = next(c for c in commands if "pytest" in c)
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert test_command in ci.splitlines()

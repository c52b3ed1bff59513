"""The README's tour runs as written, and its two commands are the ones CI and users run."""

from __future__ import annotations

import re
from pathlib import Path

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
    assert (tmp_path / "japan_budget.png").stat().st_size > 10_000


def test_ci_runs_exactly_the_readme_test_command():
    commands = re.findall(r"```bash\n(python3 -m venv .*?)\n```", README)
    assert len(commands) >= 2, "the README gives the setup+run and the setup+test commands"
    test_command = next(c for c in commands if "pytest" in c)
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert test_command in ci.splitlines()

"""Every notebook runs top to bottom in a real Jupyter kernel, and what it shows is checked.

The notebooks are Jupytext percent-format ``.py`` files in ``notebooks/`` (any
``NN_name.py``); they are read with jupytext and executed with nbclient in kernel
``python3``, cwd ``notebooks/``, with matplotlib's inline backend, so every chart is a
``image/png`` output as a student sees it. ``DEFBUDGET_SIPRI`` points at
``../shared/data/raw``; the SIPRI notebooks also run with it unset and must then stop
cleanly, saying how to get the workbook.

A probe registered in the kernel before the notebook runs records, at the end of every cell,
the figures the inline backend is about to show, and whether each carries its source line
(the figure text with gid ``defbudget-source``). Run times are printed, not asserted.
"""

from __future__ import annotations

import functools
import json
import math
import os
import re
import time
from pathlib import Path

import nbformat
import pytest

from defbudget import coursework

from .conftest import RAW_DIR, SIPRI_RELEASES

nbclient = pytest.importorskip("nbclient")
jupytext = pytest.importorskip("jupytext")

ROOT = Path(__file__).resolve().parents[1]
NB_DIR = ROOT / "notebooks"
NOTEBOOKS = sorted(NB_DIR.glob("[0-9][0-9]_*.py"))
#: The notebooks shipped before this harness; others (e.g. 08) are picked up by the glob.
EXPECTED = {"01_quickstart.py", "02_55_or_60_billion.py", "03_indo_pacific_sipri.py",
            "04_targets_and_burden.py", "05_nominal_vs_real.py", "06_coursework.py",
            "06_coursework_solutions.py", "07_arms_sales_in_the_news.py"}
TIMINGS: dict[str, float] = {}
SOURCE_GID = "defbudget-source"

#: Run in the kernel before the notebook, without importing pyplot, so that its post_execute
#: callback runs before the inline backend's flush_figures (which shows, then closes, the
#: figures). It records, per cell, each open figure's source-line text and its titles.
PROBE = f"""
def _defbudget_probe():
    import sys
    shell = get_ipython()
    record = []

    def check(*_args):
        plt = sys.modules.get("matplotlib.pyplot")
        if plt is None:
            return
        for num in plt.get_fignums():
            fig = plt.figure(num)
            record.append({{
                "cell": shell.execution_count - 1,  # already counted at post_execute
                "source": [t.get_text() for t in fig.texts if t.get_gid() == {SOURCE_GID!r}],
                "titles": [ax.get_title(loc) for ax in fig.axes
                           for loc in ("left", "center", "right")]
                          + [fig._suptitle.get_text() if fig._suptitle is not None else ""],
            }})

    shell.events.register("post_execute", check)
    return record


_defbudget_figures = _defbudget_probe()
"""
DUMP = "import json as _j; print(_j.dumps(_defbudget_figures))"


def _needs_sipri(path: Path) -> bool:
    return "read_sipri(" in path.read_text(encoding="utf-8")


def _cells(nb):
    return [c for c in nb.cells if c.cell_type == "code"]


@functools.cache
def _execute(path: Path, sipri: str | None) -> tuple[nbformat.NotebookNode, float, list[dict]]:
    """Execute the notebook (cached per path and SIPRI setting), with the figure probe."""
    nb = jupytext.read(path)
    env_before = {k: os.environ.get(k) for k in ("DEFBUDGET_SIPRI", "MPLBACKEND")}
    os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    if sipri is None:
        os.environ.pop("DEFBUDGET_SIPRI", None)
    else:
        os.environ["DEFBUDGET_SIPRI"] = sipri
    try:
        client = nbclient.NotebookClient(nb, timeout=120, kernel_name="python3",
                                         resources={"metadata": {"path": str(NB_DIR)}})
        probe = nbformat.v4.new_code_cell(PROBE)
        dump = nbformat.v4.new_code_cell(DUMP)
        nb.cells = [probe, *nb.cells, dump]  # nbclient writes each cell back by index
        with client.setup_kernel():
            client.execute_cell(probe, 0, store_history=False)
            start = time.perf_counter()
            for index, cell in enumerate(nb.cells[1:-1], 1):
                client.execute_cell(cell, index)
            seconds = time.perf_counter() - start
            client.execute_cell(dump, len(nb.cells) - 1, store_history=False)
        nb.cells = nb.cells[1:-1]
    finally:
        for k, v in env_before.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    assert not probe.outputs, probe.outputs
    figures = json.loads("".join(o["text"] for o in dump.outputs if o.get("name") == "stdout"))
    return nb, seconds, figures


def _run(path: Path) -> tuple[nbformat.NotebookNode, float, list[dict]]:
    """The notebook run with the shared raw-data folder as DEFBUDGET_SIPRI (skips without)."""
    if _needs_sipri(path) and not RAW_DIR.is_dir():
        pytest.skip(f"SIPRI workbooks not found at {RAW_DIR}; the no-workbook run is tested")
    return _execute(path, str(RAW_DIR) if RAW_DIR.is_dir() else None)


def _text(nb, *, html: bool = False) -> str:
    """Every text output: streams, text/plain (and text/html if asked)."""
    out = []
    for cell in _cells(nb):
        for o in cell.get("outputs", []):
            if o.get("output_type") == "stream":
                out.append(o["text"])
            for mime in ("text/plain", "text/html") if html else ("text/plain",):
                if mime in o.get("data", {}):
                    out.append(o["data"][mime])
    return "\n".join(out)


def _images(cell) -> int:
    return sum("image/png" in o.get("data", {}) for o in cell.get("outputs", []))


def test_shipped_notebooks_present_and_no_ipynb():
    assert {p.name for p in NOTEBOOKS} >= EXPECTED
    assert not list(NB_DIR.glob("*.ipynb")), "notebooks are committed as .py files only"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_is_a_percent_notebook_for_python3(path):
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# ---\n# jupyter:\n#   jupytext:")
    nb = jupytext.read(path)
    assert nb.metadata["jupytext"]["text_representation"]["format_name"] == "percent"
    assert nb.metadata["kernelspec"]["name"] == "python3"
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
    assert len(_cells(nb)) >= 2


@pytest.mark.notebook
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_runs_without_stderr_or_warning(path):
    nb, seconds, _ = _run(path)
    TIMINGS[path.name] = seconds
    print(f"{path.name}: {seconds:.1f} s")
    for i, cell in enumerate(_cells(nb)):
        for o in cell.outputs:
            assert o.get("name") != "stderr", f"{path.name} code cell {i}: stderr {o['text']!r}"
    text = _text(nb)
    assert not re.search(r"\w*Warning\b", text), re.search(r".*\w*Warning\b.*", text)[0]
    if _needs_sipri(path):
        assert "SIPRI release" in text and "This notebook needs" not in text


#: A number in scientific notation (5.0688e+12, 1E-9).
E_NOTATION = re.compile(r"\b\d+(\.\d+)?[eE][+-]?\d+\b")
#: A decimal with five or more digits after the point (0.0066338, 150.70000000000002).
SPURIOUS = re.compile(r"(?<![\w.])\d+\.\d{5,}\b")


@pytest.mark.notebook
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_e_notation_or_spurious_digits(path):
    nb, _, _ = _run(path)
    text = _text(nb, html=True)
    assert not E_NOTATION.search(text), E_NOTATION.search(text)[0]
    assert not SPURIOUS.search(text), SPURIOUS.search(text)[0]


@pytest.mark.notebook
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_displayed_figure_carries_its_source_line(path):
    nb, _, figures = _run(path)
    by_cell: dict[int, list[dict]] = {}
    for fig in figures:
        by_cell.setdefault(fig["cell"], []).append(fig)
    shown = 0
    for cell in _cells(nb):
        recorded = by_cell.get(cell.execution_count, [])
        assert _images(cell) == len(recorded), (path.name, cell.source[:80])
        for fig in recorded:
            assert len(fig["source"]) == 1 and fig["source"][0].startswith("Source"), (
                path.name, cell.source[:80], fig)
            assert any(t.strip() for t in fig["titles"]), (path.name, cell.source[:80])
        shown += len(recorded)
    if "dplot." in path.read_text(encoding="utf-8"):
        assert shown, f"{path.name} draws charts but none was shown"


def test_readme_command_installs_jupyterlab_and_opens_the_notebooks():
    import tomllib

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    command = next(c for c in re.findall(r"```bash\n(python3 -m venv .*?)\n```", readme)
                   if "jupyter lab" in c)
    assert '.venv/bin/pip install -q -e ".[notebooks]"' in command
    assert "set-default-viewer python" in command and command.endswith("jupyter lab notebooks")
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "optional-dependencies"]
    assert any(r.startswith("jupyterlab") for r in extras["notebooks"])
    assert any(r.startswith("jupytext") for r in extras["notebooks"])
    assert any(r.startswith("jupytext") for r in extras["test"])
    assert "style=None" in readme


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_readme_sections_a_notebook_points_to_exist(path):
    headings = {line.lstrip("#").strip() for line in
                (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
                if line.startswith("#")}
    for named in re.findall(r"[Ss]ee '([^']+)' in the README", path.read_text(encoding="utf-8")):
        assert named in headings, (path.name, named)


@pytest.mark.notebook
@pytest.mark.parametrize("name", sorted(p.name for p in NOTEBOOKS if _needs_sipri(p)))
def test_sipri_notebooks_stop_cleanly_without_workbook(name):
    nb, _, _ = _execute(NB_DIR / name, None)
    text = _text(nb)
    assert "This notebook needs the SIPRI" in text or "needs two SIPRI releases" in text
    assert "sipri.org/databases/milex" in text
    for cell in _cells(nb):
        assert all(o.get("name") != "stderr" for o in cell.outputs)


# --- each notebook answers its question ----------------------------------------------------

@pytest.mark.notebook
def test_01_growth_since_fy1990():
    text = _text(_run(NB_DIR / "01_quickstart.py")[0])
    # MOD excl. basis: FY1990 41,593 oku yen, FY2025 84,748 oku yen (JAPAN_MOD_BUDGET_NOTES):
    # (84748 / 41593) ** (1 / 35) - 1 = 0.02054 -> 2.05% a year.
    assert "CAGR FY1990–FY2025: 2.05% a year" in text
    assert "FY2025: ¥8.47T = $56.2B at ¥150.7/$" in text


@pytest.mark.notebook
def test_02_implied_rates_of_the_two_figures():
    nb, _, _ = _run(NB_DIR / "02_55_or_60_billion.py")
    text = _text(nb)
    # The enacted FY2025 budget incl. SACO/realignment, ¥8,700.5bn, over each dollar figure:
    # 8700.5e9 / 55.5e9 = 156.77 and 8700.5e9 / 60.1e9 = 144.77 yen per dollar.
    assert "The Washington Times: $55.5B for ¥8.70T implies ¥156.8/$" in text
    assert "THX News: $60.1B for ¥8.70T implies ¥144.8/$" in text
    # one chart per budget that has dollar figures: request, draft FY2025, initial, draft FY2026
    assert sum(_images(c) for c in _cells(nb)) == 4


@pytest.mark.notebook
def test_03_explains_sipri_against_the_mod():
    path = NB_DIR / "03_indo_pacific_sipri.py"
    if not RAW_DIR.is_dir():
        pytest.skip("needs the SIPRI workbook")
    text = _text(_run(path)[0])
    assert ("include the budgeted amount for the Special Action Committee on Okinawa (SACO) "
            "and exclude military pensions") in text
    assert "Supplementary budgets are excluded" in text
    # SIPRI FY2024 8,776.4bn yen vs MOD incl. 7,949.6bn (JAPAN_MOD_BUDGET_NOTES): ¥827B apart
    assert "FY2024: SIPRI ¥8.78T vs MOD initial budget ¥7.95T" in text
    assert "none of the ¥827B (10.4%)" in text


@pytest.mark.notebook
def test_04_first_years_and_japans_goal():
    path = NB_DIR / "04_targets_and_burden.py"
    if not RAW_DIR.is_dir():
        pytest.skip("needs the SIPRI workbook")
    text = _text(_run(path)[0])
    # Worked from the GMSD CSV and from SIPRI's 'Share of GDP' sheet with pandas alone:
    # first year >= 0.02, first year of data, last year >= 0.02.
    for pattern in [r"Japan\s+first in 1904 \(data from 1860\)\s+1945",
                    r"China\s+first in 1899 \(data from 1860\)\s+2019",
                    r"South Korea\s+first in 1952 \(data from 1949\)\s+2019",
                    r"Australia\s+first in 1940 \(data from 1920\)\s+2019",
                    r"India\s+first in 1949 \(data from 1947\)\s+2019",
                    r"South Korea\s+at or above 2 % since the data begin \(1953\)\s+2024",
                    r"United States\s+at or above 2 % since the data begin \(1949\)\s+2024",
                    r"Japan\s+at or above 2 % since the data begin \(1952\); below in 69 later "
                    r"years\s+1955"]:
        assert re.search(pattern, text), pattern
    assert "already in" not in text and "the window's first year" not in text
    # Japan's goal on its own definition: 2% of FY2022 GDP, read here from the shipped CSV.
    import csv

    with (ROOT / "data" / "japan_gdp.csv").open(encoding="utf-8") as fh:
        gdp22 = next(float(r["value"]) for r in csv.DictReader(fh)
                     if r["year"] == "2022" and r["measure"] == "gdp")
    from defbudget.formatting import format_money

    assert f"= {format_money(0.02 * gdp22, 'JPY')} in FY2027" in text
    assert "complementing initiatives combined" in text


@pytest.mark.notebook
def test_05_two_releases_when_defbudget_sipri_names_a_file():
    latest = RAW_DIR / SIPRI_RELEASES["1949-2024_2"]
    if not latest.is_file():
        pytest.skip(f"{latest} not found")
    nb, _, _ = _execute(NB_DIR / "05_nominal_vs_real.py", str(latest))
    text = _text(nb)
    assert "Skipped" not in text
    assert ("Old release: SIPRI-Milex-data-1949-2023.xlsx: SIPRI release 2024, constant US$ "
            "of 2022") in text
    assert ("New release: SIPRI-Milex-data-1949-2024_2.xlsx: SIPRI release 2025, constant US$ "
            "of 2023") in text
    # counts checked cell by cell in tests/test_revisions.py; Japan 2023 in current US$ read
    # from the two workbooks' "Current US$" sheets: 50,160.3 -> 48,188.6 US$ m.
    assert "11,126 revised" in text and "7,364 rebased" in text
    # columns: old value, old value rebased (no base year in current US$), new, change
    assert re.search(r"current_usd\s+2023\s+\$50\.16B\s+\$50\.16B\s+\$48\.19B\s+-3\.93%",
                     text), text[-3000:]
    assert "constant 2022 to constant 2023 US$ for Japan: 0.9672" in text
    assert "appears 2 times" in text  # the mixed-editions error, printed


@pytest.mark.parametrize("name", ["06_coursework.py", "06_coursework_solutions.py"])
def test_06_questions_are_the_checkers_questions(name):
    """The exercise text in the notebook is the text coursework.check marks against."""
    nb = jupytext.read(NB_DIR / name)
    markdown = " ".join(" ".join(c.source.split()) for c in nb.cells if c.cell_type == "markdown")
    for ex_id, ex in coursework.EXERCISES.items():
        assert f"`{ex_id}`" in markdown and " ".join(ex.question.split()) in markdown, ex_id


@pytest.mark.notebook
def test_06_coursework_student_copy_says_nothing_is_answered():
    nb, _, _ = _run(NB_DIR / "06_coursework.py")
    text = _text(nb)
    assert text.count("not answered yet — hint:") == len(coursework.EXERCISES)
    assert f"0 of {len(coursework.EXERCISES)} right" in text


@pytest.mark.notebook
def test_06_coursework_solutions_all_right():
    nb, _, _ = _run(NB_DIR / "06_coursework_solutions.py")
    text = _text(nb)
    assert text.count(": right (") == len(coursework.EXERCISES)
    assert "not right" not in text and "not answered" not in text
    assert f"{len(coursework.EXERCISES)} of {len(coursework.EXERCISES)} right" in text
# --- coursework self-checks -------------------------------------------------------------

@pytest.mark.parametrize("ex_id", coursework.exercise_ids())
def test_coursework_right_answer_passes(ex_id):
    want = coursework.expected(ex_id)
    assert math.isfinite(want)
    result = coursework.check(ex_id, want)
    assert result.passed is True and bool(result)
    assert "right" in str(result) and "not right" not in str(result)


@pytest.mark.parametrize("ex_id", coursework.exercise_ids())
def test_coursework_wrong_answers_fail_with_hint(ex_id):
    ex = coursework.EXERCISES[ex_id]
    want = coursework.expected(ex_id)
    # Just outside the tolerance on both sides, plus typical mistakes: percent not ratio,
    # a unit off by 1e8 (oku) or 1e9 (billions), the inverse of a rate.
    margin = ex.tolerance * (abs(want) if ex.tolerance_kind == "rel" else 1) * 1.5
    wrong = [want + margin, want - margin, want * 100, want / 1e9, want * 1e8]
    if want:
        wrong.append(1 / want)
    for answer in wrong:
        result = coursework.check(ex_id, answer)
        assert result.passed is False, (ex_id, answer, want)
        assert "hint:" in str(result) and ex.hint in str(result)


@pytest.mark.parametrize("ex_id", coursework.exercise_ids())
def test_coursework_tolerance_edge_inside_passes(ex_id):
    ex = coursework.EXERCISES[ex_id]
    want = coursework.expected(ex_id)
    margin = ex.tolerance * (abs(want) if ex.tolerance_kind == "rel" else 1) * 0.9
    assert coursework.check(ex_id, want + margin).passed is True
    assert coursework.check(ex_id, want - margin).passed is True


def test_coursework_unanswered_and_bad_types():
    import numpy as np
    import pandas as pd

    ex_id = "yoy_fy2026"
    want = coursework.expected(ex_id)
    r = coursework.check(ex_id, None)
    assert r.passed is None and not r and "not answered yet — hint:" in str(r)
    for bad in ["0.04", True, float("nan"), float("inf"), pd.Series([want, want]),
                pd.DataFrame({"v": [want]}), [want]]:
        r = coursework.check(ex_id, bad)
        assert r.passed is False and "one number" in str(r), bad
    assert coursework.check(ex_id, pd.Series([want])).passed is True
    assert coursework.check(ex_id, np.float64(want)).passed is True
    assert coursework.check(ex_id, np.array([want])).passed is True
    with pytest.raises(KeyError, match="yoy_fy2026"):
        coursework.check("yoy_fy2062", want)


def test_coursework_expected_values_follow_the_data():
    """The expected answers are computed from the shipped data, not stored."""
    from defbudget import compare, datasets

    b = compare.select(datasets.load("japan_mod_budget"), measure="defense_budget",
                       basis="mod_excl_saco_realignment").set_index("year")["value"]
    assert coursework.expected("budget_fy2026_yen") == b[2026]
    assert coursework.expected("yoy_fy2026") == pytest.approx(b[2026] / b[2025] - 1)
    assert coursework.expected("cagr_2015_2025") == pytest.approx((b[2025] / b[2015]) ** 0.1 - 1)


def test_report_timings():
    """Print the recorded run times and their total (runs last in this module)."""
    if not TIMINGS:
        pytest.skip("no notebook was run in this session")
    for name, s in sorted(TIMINGS.items()):
        print(f"{name}: {s:.1f} s")
    print(f"total: {sum(TIMINGS.values()):.1f} s")
    print(json.dumps({k: round(v, 2) for k, v in TIMINGS.items()}))

"""Every notebook runs top to bottom in a real Jupyter kernel; none is committed with outputs.

The notebooks are executed with nbclient (kernel ``python3``, cwd ``notebooks/``,
``MPLBACKEND=Agg``) and ``DEFBUDGET_SIPRI`` pointed at ``../shared/data/raw``. The SIPRI
notebooks also run with the variable unset and must then stop cleanly, saying how to get the
workbook. Each run is timed against a budget of 30 s, printed, and written to
``notebook_timings.json`` in pytest's cache directory.
"""

from __future__ import annotations

import json
import math
import os
import time
from pathlib import Path

import nbformat
import pytest

from defbudget import coursework

from .conftest import RAW_DIR

nbclient = pytest.importorskip("nbclient")

ROOT = Path(__file__).resolve().parents[1]
NB_DIR = ROOT / "notebooks"
NOTEBOOKS = sorted(NB_DIR.glob("*.ipynb"))
SIPRI_NOTEBOOKS = {"03_indo_pacific_sipri.ipynb", "04_targets_and_burden.ipynb",
                   "05_nominal_vs_real.ipynb"}
EXPECTED = {"01_quickstart.ipynb", "02_55_or_60_billion.ipynb", "06_coursework.ipynb",
            "06_coursework_solutions.ipynb", "07_arms_sales_in_the_news.ipynb",
            *SIPRI_NOTEBOOKS}
BUDGET_S = 30.0
TIMINGS: dict[str, float] = {}


def _run(path: Path, sipri: Path | None) -> tuple[nbformat.NotebookNode, float]:
    nb = nbformat.read(path, as_version=4)
    env_before = {k: os.environ.get(k) for k in ("DEFBUDGET_SIPRI", "MPLBACKEND")}
    os.environ["MPLBACKEND"] = "Agg"
    if sipri is None:
        os.environ.pop("DEFBUDGET_SIPRI", None)
    else:
        os.environ["DEFBUDGET_SIPRI"] = str(sipri)
    try:
        client = nbclient.NotebookClient(nb, timeout=120, kernel_name="python3",
                                         resources={"metadata": {"path": str(NB_DIR)}})
        start = time.perf_counter()
        client.execute()
        return nb, time.perf_counter() - start
    finally:
        for k, v in env_before.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _text(nb) -> str:
    out = []
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            if o.get("output_type") == "stream":
                out.append(o["text"])
            elif "data" in o and "text/plain" in o["data"]:
                out.append(o["data"]["text/plain"])
    return "\n".join(out)


def _errors(nb) -> list[str]:
    return [f"{o['ename']}: {o['evalue']}" for c in nb.cells for o in c.get("outputs", [])
            if o.get("output_type") == "error"]


def test_all_notebooks_present():
    assert {p.name for p in NOTEBOOKS} == EXPECTED


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path.name}: a cell holds outputs"
            assert cell.execution_count is None, f"{path.name}: execution_count is set"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs(path, request):
    if path.name in SIPRI_NOTEBOOKS and not RAW_DIR.is_dir():
        pytest.skip(f"SIPRI workbooks not found at {RAW_DIR}; the no-workbook run is tested")
    nb, seconds = _run(path, RAW_DIR)
    TIMINGS[path.name] = seconds
    print(f"{path.name}: {seconds:.1f} s")
    cache = getattr(request.config, "cache", None)  # absent under -p no:cacheprovider
    if cache is not None:
        stored = cache.get("defbudget/notebook_timings", {})
        stored[path.name] = round(seconds, 2)
        cache.set("defbudget/notebook_timings", stored)
    assert not _errors(nb)
    text = _text(nb)
    assert "Traceback" not in text
    if path.name in SIPRI_NOTEBOOKS:
        assert "SIPRI release" in text and "This notebook needs" not in text
    if path.name == "06_coursework.ipynb":
        assert text.count("not answered yet — hint:") == len(coursework.EXERCISES)
        assert f"0 of {len(coursework.EXERCISES)} right" in text
    if path.name == "06_coursework_solutions.ipynb":
        assert text.count(": right (") == 2 * len(coursework.EXERCISES) - len(
            coursework.EXERCISES)
        assert "not right" not in text and "not answered" not in text
        assert f"{len(coursework.EXERCISES)} of {len(coursework.EXERCISES)} right" in text
    assert seconds < BUDGET_S, f"{path.name} took {seconds:.1f} s (budget {BUDGET_S} s)"


@pytest.mark.parametrize("name", sorted(SIPRI_NOTEBOOKS))
def test_sipri_notebooks_stop_cleanly_without_workbook(name):
    nb, _ = _run(NB_DIR / name, None)
    assert not _errors(nb)
    text = _text(nb)
    assert "This notebook needs the SIPRI" in text or "needs two SIPRI releases" in text
    assert "sipri.org/databases/milex" in text


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

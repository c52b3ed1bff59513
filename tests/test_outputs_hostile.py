"""The hostile corpus of the readers' WDI/OWID side, the outputs, arguments and cache.

Every case of ``tests/corpus/outputs_hostile.py`` is run here; each asserts its exact
outcome (the error class and the words that name the file, line, argument or limit and the
fix; or the frame or file written). Errors must be the kit's own (or Python's built-in
ones), never a raw pandas/csv/openpyxl exception.
"""

from __future__ import annotations

import collections
import sys
import warnings
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus.outputs_hostile import CASES

THIRD_PARTY = ("pandas", "_csv", "csv", "openpyxl", "python_calamine", "defusedxml",
               "zipfile", "numpy")


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_case(name, tmp_path):
    spec = CASES[name]
    work = tmp_path / "case"
    work.mkdir()
    if spec.error is None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = spec.run(work)
        spec.check(result, work)
        return
    exc = None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            spec.run(work)
        except Exception as caught:  # the class is checked by name just below
            exc = caught
    if exc is None:
        pytest.fail(f"{name}: expected {spec.error}, but nothing was raised")
    assert type(exc).__name__ == spec.error, (
        f"{name}: expected {spec.error}, got {type(exc).__module__}.{type(exc).__name__}: "
        f"{exc}")
    assert not (type(exc).__module__ or "").startswith(THIRD_PARTY), type(exc).__module__
    message = str(exc)
    for needle in spec.needles:
        assert needle.replace("{tmp}", str(work)) in message, (
            f"{name}: {needle!r} not in the message: {message}")
    for word in spec.absent:
        assert word not in message, f"{name}: {word!r} should not be in: {message}"


def test_corpus_size_per_family():
    counts = collections.Counter(c.family for c in CASES.values())
    print("hostile outputs corpus:", dict(sorted(counts.items())), "total", len(CASES))
    assert len(CASES) >= 70
    assert set(counts) == {"wdi", "owid", "rates", "csv_safety", "temp", "excel", "cache", "fx",
                           "compare_empty", "plot_nan", "cli"}


def test_ctrl_c_during_report_is_one_line_and_leaves_no_temp(tmp_path):
    """A real SIGINT once the report has written its first file: exit 130, one line on
    stderr, no traceback, and no hidden temp file left in the folder."""
    import os
    import signal
    import subprocess
    import time

    out = tmp_path / "rep"
    proc = subprocess.Popen([sys.executable, "-m", "defbudget", "report", "--out", str(out),
                             "-q"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        for _ in range(1200):  # until the first finished file (at most about 2 minutes)
            if out.is_dir() and any(not p.name.startswith(".") for p in out.iterdir()):
                break
            if proc.poll() is not None:
                break
            time.sleep(0.1)
        if proc.poll() is not None:
            pytest.fail(f"the report ended before it could be interrupted: {proc.returncode}")
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, err
    assert err == ("defbudget report: interrupted (Ctrl-C); files already written are "
                   "complete, nothing is half-written\n")
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []
    assert os.listdir(out)  # what was finished stays


def _report(out: Path, **kw):
    import subprocess

    return subprocess.Popen([sys.executable, "-m", "defbudget", "report", "--out", str(out),
                             "-q"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            **kw)


def test_four_simultaneous_reports_into_one_folder(tmp_path):
    """The issue's race: four `report` runs into one folder all succeed (unique temp names)
    and leave no temp file."""
    out = tmp_path / "rep"
    procs = [_report(out) for _ in range(4)]
    results = [p.communicate(timeout=600) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0], [r[1] for r in results]
    assert all(r[1] == "" for r in results), [r[1] for r in results]
    names = sorted(p.name for p in out.iterdir())
    assert [n for n in names if n.startswith(".")] == []
    assert {"summary.md", "japan_mod_budget.csv", "reconcile.csv",
            "defbudget_report.xlsx"} <= set(names)


def test_a_later_report_removes_the_debris_of_a_killed_one(tmp_path):
    """kill -9 during a report, then run it again: no hidden temp file is left (the killed
    run's debris, real or laid under its dead pid, is removed)."""
    import signal
    import time

    out = tmp_path / "rep"
    proc = _report(out)
    for _ in range(1200):
        if out.is_dir() and any(not p.name.startswith(".") for p in out.iterdir()):
            break
        time.sleep(0.1)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    debris = out / f".summary.md.{proc.pid}-killed.md"  # as the killed run would name it
    debris.write_text("# defbudget report — half")
    again = _report(out)
    _, err = again.communicate(timeout=600)
    assert again.returncode == 0, err
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")) == []


def test_csv_neutralising_round_trip_property():
    """Any text: a CSV written by the kit reads back as the text itself, or, when it starts
    with = + - @, tab or CR, as an apostrophe and the text; numbers are never touched."""
    import io

    import pandas as pd
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from defbudget._outputs import RISKY_LEADING, csv_text

    @settings(max_examples=300, deadline=None)
    @given(st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12),
                    min_size=1, max_size=5),
           st.floats(allow_nan=False, allow_infinity=False))
    def check(texts, number):
        frame = pd.DataFrame({"text": texts, "value": number})
        back = pd.read_csv(io.StringIO(csv_text(frame)), dtype=str, keep_default_na=False)
        want = ["'" + t if t.startswith(RISKY_LEADING) else t for t in texts]
        # csv quoting keeps every character; pandas reads "" back as empty text
        assert back["text"].tolist() == want
        assert [float(v) for v in back["value"]] == [number] * len(texts)

    check()

"""Entity-expansion ("billion laughs") workbooks are refused fast and in bounded memory.

Each measurement runs in a fresh subprocess so that the peak resident memory
(``resource.getrusage``) and the Python-level peak (``tracemalloc``) belong to that one call.
The bomb expands to ~3 GB if a parser honoured it; refusing it must take < 2 s and < 200 MB,
on the fast direct-XML path, on the openpyxl fallback, and through ``read_sipri`` itself.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path
from xml.parsers import expat

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import BILLION_LAUGHS_DTD, billion_laughs, bomb_in_sheet, bomb_in_styles

from defbudget.readers._common import SourceFormatError
from defbudget.readers._xlsx_styles import read_font_flags

MEMORY_LIMIT_MB = 200

_RUNNER = textwrap.dedent("""
    import json, resource, sys, time, tracemalloc, warnings
    warnings.simplefilter("ignore")
    from defbudget.readers.sipri import read_sipri
    from defbudget.readers._xlsx_styles import read_font_flags
    import openpyxl, python_calamine  # imported before timing: the refusal is what is timed
    path, how = sys.argv[1], sys.argv[2]
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    start = time.perf_counter()
    try:
        if how == "read_sipri":
            read_sipri(path, cache=False)
        else:
            read_font_flags(path, ["Current US$"], method=how)
        outcome = "no error"
    except Exception as exc:
        outcome = f"{type(exc).__module__}.{type(exc).__name__}: {exc}"
    elapsed = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kB on Linux
    # ru_maxrss survives exec (it can report the forking parent's peak); VmHWM is this
    # process's own peak resident memory
    hwm = after
    try:
        with open("/proc/self/status") as fh:
            hwm = next(int(line.split()[1]) for line in fh if line.startswith("VmHWM:"))
    except (OSError, StopIteration):
        pass
    print(json.dumps({"outcome": outcome, "seconds": elapsed, "py_peak_mb": peak / 2**20,
                      "rss_mb": hwm / 1024, "rss_growth_mb": (after - before) / 1024}))
""")


def _measure(path: Path, how: str) -> dict:
    out = subprocess.run([sys.executable, "-c", _RUNNER, str(path), how], capture_output=True,
                         text=True, timeout=60, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_the_payload_really_is_an_entity_bomb():
    """A shallow version of the same construction does expand under a permissive parser."""
    small = ('<!DOCTYPE r [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
             '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><r>&c;</r>')
    text = []
    p = expat.ParserCreate()
    p.CharacterDataHandler = text.append
    p.Parse(small, True)
    assert "".join(text) == "lol" * 100
    assert BILLION_LAUGHS_DTD.count("<!ENTITY") == 10  # lol, lol1..lol9: 10**9 copies
    assert b"&lol9;" in billion_laughs(b"<root/>")


@pytest.mark.parametrize(("make", "how"), [
    (bomb_in_styles, "auto"),  # fast path: styles.xml through defusedxml
    (bomb_in_sheet, "auto"),  # fast path: sheet XML sent to expat, which refuses the DTD
    (bomb_in_sheet, "expat"),
    (bomb_in_styles, "openpyxl"),  # the fallback: openpyxl with defusedxml installed
    (bomb_in_sheet, "openpyxl"),
    (bomb_in_styles, "read_sipri"),  # the whole reader, calamine included
    (bomb_in_sheet, "read_sipri"),
], ids=["styles-fast", "sheet-fast", "sheet-expat", "styles-openpyxl", "sheet-openpyxl",
        "styles-read_sipri", "sheet-read_sipri"])
def test_bomb_refused_fast_with_bounded_memory(make, how, tmp_path):
    path = make(tmp_path)
    m = _measure(path, how)
    assert m["outcome"].startswith(("defbudget.readers._common.SourceFormatError",
                                    "defbudget.readers.sipri.SipriFormatError")), m
    assert "DTD or entities" in m["outcome"], m
    assert m["py_peak_mb"] < MEMORY_LIMIT_MB, m
    assert m["rss_mb"] < MEMORY_LIMIT_MB, m  # the whole process, interpreter and pandas included


@pytest.mark.parametrize("method", ["auto", "expat", "openpyxl"])
def test_read_font_flags_raises_defbudget_error_naming_the_part(method, tmp_path):
    path = bomb_in_styles(tmp_path)
    with pytest.raises(SourceFormatError) as info:
        read_font_flags(path, ["Current US$"], method=method)
    assert info.value.path == path
    assert "billion laughs" in str(info.value)
    if method != "openpyxl":
        assert "xl/styles.xml" in str(info.value)


def test_no_bomb_member_is_ever_inflated(tmp_path):
    """The bomb is tiny on disk: the danger is only in expansion, which never happens."""
    path = bomb_in_sheet(tmp_path)
    with zipfile.ZipFile(path) as zf:
        assert max(i.file_size for i in zf.infolist()) < 1 << 20

"""Readers and writers never change an input file; an interrupted export leaves nothing behind.

Every input file is hashed (SHA-256, plus size and mtime) before and after each reader and
writer call: the real raw SIPRI, WDI and OWID files in ``../shared/data/raw`` (skipped when
absent), generated workbooks and CSVs, and every file of the broken-input corpus (a reader
that fails must not "repair" the file either).
"""

from __future__ import annotations

import hashlib
import sys
import warnings
from pathlib import Path

import matplotlib.pyplot as plt
import pytest
import xlsxwriter

sys.path.insert(0, str(Path(__file__).resolve().parent))

from conftest import RAW_DIR
from corpus import FILE_KINDS, wdi_good_text
from sipri_factory import make_sipri_workbook

import defbudget.plot as dplot
from defbudget.excel import read_excel_export, to_excel
from defbudget.readers.owid import read_owid_csv
from defbudget.readers.sipri import read_sipri, sipri_release_info
from defbudget.readers.worldbank import read_wdi_csv


def _state(path: Path) -> tuple[str, int, int]:
    st = path.stat()
    return hashlib.sha256(path.read_bytes()).hexdigest(), st.st_size, st.st_mtime_ns


def _intact(paths, call):
    """Run *call*; assert every file in *paths* is byte-for-byte and mtime unchanged."""
    before = {p: _state(p) for p in paths}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            result = call()
        except ValueError as exc:  # defbudget's own format errors: the file must still be intact
            result = exc
    after = {p: _state(p) for p in paths}
    changed = [p.name for p in paths if before[p] != after[p]]
    assert not changed, f"changed by the call: {changed}"
    return result


def _raw(pattern: str) -> list[Path]:
    if not RAW_DIR.is_dir():
        pytest.skip(f"raw inputs not found at {RAW_DIR}")
    found = sorted(RAW_DIR.glob(pattern))
    if not found:
        pytest.skip(f"no {pattern} in {RAW_DIR}")
    return found


@pytest.mark.sipri
def test_real_sipri_workbooks_unchanged_by_reading():
    for path in _raw("SIPRI-Milex-data-*.xlsx")[-1:]:  # the newest: reading all takes minutes
        frame = _intact([path], lambda p=path: read_sipri(p, cache=False))
        assert len(frame) > 10000
        _intact([path], lambda p=path: sipri_release_info(p))


def test_real_wdi_and_owid_files_unchanged_by_reading():
    wdi = [p for p in _raw("WDI_API_*.csv")]
    owid = _raw("OWID_military-spending-as-a-share-of-gdp-sipri.csv")
    everything = wdi + owid
    for path in wdi:
        _intact(everything, lambda p=path: read_wdi_csv(p))
    frame = _intact(everything, lambda: read_owid_csv(owid[0]))
    assert len(frame) > 1000


def test_generated_inputs_unchanged_by_readers_and_writers(tmp_path):
    sipri = make_sipri_workbook(tmp_path / "SIPRI-Milex-data-2019-2023.xlsx")
    wdi = tmp_path / "API_MS.MIL.XPND.CD_DS2_en_csv_v2_1.csv"
    wdi.write_text(wdi_good_text(), encoding="utf-8")
    owid = tmp_path / "military-spending-as-a-share-of-gdp-sipri.csv"
    owid.write_text("Entity,Code,Year,Military expenditure (% of GDP)\nJapan,JPN,2020,1.0\n",
                    encoding="utf-8")
    inputs = [sipri, wdi, owid]
    frame = _intact(inputs, lambda: read_sipri(sipri, cache=False))
    _intact(inputs, lambda: read_sipri(sipri, cache=True))
    _intact(inputs, lambda: read_sipri(sipri, cache=True))  # the cached path too
    _intact(inputs, lambda: read_wdi_csv(wdi))
    _intact(inputs, lambda: read_owid_csv(owid))
    # writers: the export and the chart go beside the inputs, which stay untouched
    snapshot = frame.copy()
    out = _intact(inputs, lambda: to_excel(frame, tmp_path / "export.xlsx"))
    assert frame.equals(snapshot)  # nor is the frame changed
    inputs.append(out)
    _intact(inputs, lambda: read_excel_export(out))
    # writing over an input is refused, the input untouched: SIPRI's download by its name
    # (even with overwrite=True), any other existing file without overwrite=True
    for overwrite in (False, True):
        refused = _intact(inputs, lambda o=overwrite: to_excel(frame, sipri, overwrite=o))
        assert isinstance(refused, ValueError) and "only ever reads" in str(refused)
    with pytest.raises(FileExistsError):
        _intact(inputs, lambda: to_excel(frame, out))
    fig, ax = plt.subplots()
    ax.plot([1, 2], [3, 4])
    _intact(inputs, lambda: dplot.save(fig, tmp_path / "chart.png"))
    plt.close(fig)


@pytest.mark.parametrize("kind", sorted(FILE_KINDS))
def test_corpus_files_unchanged_by_a_failing_reader(kind, tmp_path):
    spec = FILE_KINDS[kind]
    path = spec.make(tmp_path)
    others = sorted(p for p in tmp_path.iterdir() if p.is_file())
    from test_corpus import _call_reader

    result = _intact(others, lambda: _call_reader(spec.reader, path))
    assert isinstance(result, ValueError)


# --- interrupted exports ----------------------------------------------------------------------

def _interrupt_mid_write(real):
    """A writer that puts half the bytes on disk, then is interrupted (Ctrl-C in Jupyter)."""
    def half_then_interrupt(self_or_fig, target, *args, **kwargs):
        import io

        buffer = io.BytesIO()
        real(self_or_fig, buffer, *args, **kwargs)
        data = buffer.getvalue()
        if hasattr(target, "write"):
            target.write(data[: len(data) // 2])
        else:
            Path(target).write_bytes(data[: len(data) // 2])
        raise KeyboardInterrupt
    return half_then_interrupt


def test_interrupted_excel_export_leaves_old_file_and_no_partial(tmp_path, monkeypatch):
    frame = read_sipri(make_sipri_workbook(tmp_path / "SIPRI-Milex-data-2019-2023.xlsx",
                                           sheets=("current_usd",)), cache=False)
    good = to_excel(frame.head(5), tmp_path / "export.xlsx")
    before = _state(good)
    listing = sorted(p.name for p in tmp_path.iterdir())
    def half_then_interrupt(self):  # XlsxWriter writes its file when the workbook closes
        Path(self.filename).write_bytes(b"PK\x03\x04 half a workbook")
        raise KeyboardInterrupt

    monkeypatch.setattr(xlsxwriter.Workbook, "close", half_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        to_excel(frame, good, overwrite=True)
    with pytest.raises(KeyboardInterrupt):
        to_excel(frame, tmp_path / "new.xlsx")
    assert sorted(p.name for p in tmp_path.iterdir()) == listing  # no temp, no new.xlsx
    assert _state(good) == before
    monkeypatch.undo()
    assert len(read_excel_export(good)) == 5


def test_interrupted_chart_save_leaves_old_file_and_no_partial(tmp_path, monkeypatch):
    from matplotlib.figure import Figure

    fig, ax = plt.subplots()
    ax.plot([1, 2], [3, 4])
    good = dplot.save(fig, tmp_path / "chart.png")
    before = _state(good)
    monkeypatch.setattr(Figure, "savefig", _interrupt_mid_write(Figure.savefig))
    for target in (good, tmp_path / "new.png", tmp_path / "new.pdf"):
        with pytest.raises(KeyboardInterrupt):
            dplot.save(fig, target)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["chart.png"]
    assert _state(good) == before
    plt.close(fig)

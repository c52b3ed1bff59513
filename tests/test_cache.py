"""The on-disk cache of parsed files: on by default, keyed by content and versions, data only,
exact, and controlled by DEFBUDGET_NO_CACHE, ``--no-cache`` and ``defbudget cache info|clear``.

The planted-pickle and foreign-file cases live in the hostile corpus (tests/corpus)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from conftest import SIPRI_RELEASES, raw_file
from sipri_factory import make_sipri_workbook

import defbudget
import defbudget._version
from defbudget.errors import DefbudgetWarning
from defbudget.readers import _cache
from defbudget.readers._cache import CacheWarning
from defbudget.readers.owid import read_owid_csv
from defbudget.readers.sipri import read_sipri
from defbudget.readers.worldbank import read_wdi_csv

VERSIONS = f"-defbudget{defbudget.__version__}-pandas{pd.__version__}.npz"


@pytest.fixture
def folder(tmp_path, monkeypatch) -> Path:
    """A fresh cache folder named by DEFBUDGET_CACHE_DIR, with an empty memory layer."""
    path = tmp_path / "cache"
    monkeypatch.setenv("DEFBUDGET_CACHE_DIR", str(path))
    monkeypatch.delenv("DEFBUDGET_NO_CACHE", raising=False)
    _cache.clear()
    yield path
    _cache.clear()


@pytest.fixture(scope="module")
def book(tmp_path_factory) -> Path:
    return make_sipri_workbook(tmp_path_factory.mktemp("cache") / "SIPRI-Milex-data-2019-2023.xlsx",
                               sheets=("current_usd", "constant_usd"))


def _quiet(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DefbudgetWarning)
        return fn(*args, **kwargs)


def _files(path: Path) -> list[str]:
    return sorted(p.name for p in path.iterdir()) if path.is_dir() else []


# ------------------------------------------------------------------------------ where
def test_default_folder_is_the_platform_user_cache(monkeypatch):
    import platformdirs

    monkeypatch.delenv("DEFBUDGET_CACHE_DIR")
    monkeypatch.delenv("DEFBUDGET_NO_CACHE", raising=False)
    expected = Path(platformdirs.user_cache_dir("defbudget", appauthor=False))
    assert _cache.default_dir() == expected
    assert _cache.cache_dir() == expected
    monkeypatch.setenv("DEFBUDGET_CACHE_DIR", "/somewhere/else")
    assert _cache.cache_dir() == Path("/somewhere/else")
    assert _cache.cache_dir("/given") == Path("/given")
    for off in ("1", "yes", "TRUE", "on"):
        monkeypatch.setenv("DEFBUDGET_NO_CACHE", off)
        assert _cache.cache_dir() is None and _cache.cache_dir("/given") is None
    monkeypatch.setenv("DEFBUDGET_NO_CACHE", "0")
    assert _cache.cache_dir() == Path("/somewhere/else")


def test_the_test_run_never_touches_the_real_user_cache():
    import platformdirs

    here = Path(os.environ["DEFBUDGET_CACHE_DIR"])
    assert here != Path(platformdirs.user_cache_dir("defbudget", appauthor=False))
    assert here.name.startswith("defbudget-test-cache-")
    assert here.parent == Path(tempfile.gettempdir())


# ------------------------------------------------------------------------------ read_sipri
def test_read_sipri_keeps_its_frame_on_disk_by_default(folder, book):
    first = _quiet(read_sipri, book, sheets=["current_usd"])
    files = _files(folder)
    assert len(files) == 1
    digest = _cache.file_digest(book)
    assert files[0].startswith(f"sipri-{digest}-current_usd-v")
    assert files[0].endswith(VERSIONS)
    _cache.clear()  # the disk layer answers now
    again = _quiet(read_sipri, book, sheets=["current_usd"])
    pd.testing.assert_frame_equal(again, first)
    assert (folder / files[0]).stat().st_mode & 0o077 == 0  # only you may read it


def test_no_cache_env_and_cache_false_write_nothing(folder, book, monkeypatch):
    _quiet(read_sipri, book, sheets=["current_usd"], cache=False)
    assert _files(folder) == []
    monkeypatch.setenv("DEFBUDGET_NO_CACHE", "1")
    _quiet(read_sipri, book, sheets=["current_usd"])
    assert _files(folder) == []


def test_a_file_of_another_version_is_not_read(folder, monkeypatch):
    old = defbudget.__version__
    _cache.put("k", pd.DataFrame({"a": [1.0]}), directory=folder)
    _cache.clear()
    monkeypatch.setattr(defbudget._version, "__version__", "99.0")
    assert _cache.get("k", directory=folder) is None
    [entry] = _cache.disk_entries(folder)
    assert entry["current"] is False
    assert entry["versions"] == f"defbudget{old}-pandas{pd.__version__}"


def test_an_unwritable_cache_folder_warns_and_the_read_still_works(tmp_path, monkeypatch,
                                                                   book):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("DEFBUDGET_CACHE_DIR", str(blocker / "cache"))
    _cache.clear()
    with pytest.warns(CacheWarning, match="could not write the cache file.*DEFBUDGET_NO_CACHE"):
        frame = _quiet_except_cache(book)
    pd.testing.assert_frame_equal(frame, _quiet(read_sipri, book, sheets=["current_usd"],
                                                cache=False))


def _quiet_except_cache(book):
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=DefbudgetWarning)
        warnings.filterwarnings("always", category=CacheWarning)
        return read_sipri(book, sheets=["current_usd"])


# ------------------------------------------------------------------------------ the format
def _awkward() -> pd.DataFrame:
    frame = pd.DataFrame({
        "s": pd.array(["Côte d'Ivoire", None, "", "lone \ud800 surrogate", "Côte d'Ivoire"],
                      dtype="str"),
        "t": pd.array(["a", pd.NA, "b", "a", "c"], dtype="string"),
        "o": pd.Series(["x", None, 1, 2.5, True], dtype=object),
        "f": [1.5, np.nan, -0.0, 1e308, 2.0],
        "i": np.array([1, 2, 3, 4, 2**62], dtype=np.int64),
        "n": pd.array([2023, None, 1, 2, 3], dtype="Int64"),
        "g": pd.array([0.5, None, 1.5, 2.5, 3.5], dtype="Float64"),
        "b": pd.array([True, None, False, True, False], dtype="boolean"),
        "d": pd.to_datetime(["2024-01-01", None, "1999-12-31", "2000-02-29", "2026-11-28"]),
    })
    frame.attrs = {"source": "test", "years": [2019, 2023], "nested": {"a": None}}
    return frame


def test_awkward_columns_come_back_exactly(folder):
    frame = _awkward()
    _cache.put("awkward", frame, directory=folder)
    assert len(_files(folder)) == 1
    _cache.clear()
    got = _cache.get("awkward", directory=folder)
    pd.testing.assert_frame_equal(got, _awkward())
    assert got.attrs == {"source": "test", "years": [2019, 2023], "nested": {"a": None}}
    assert got["s"].tolist()[3] == "lone \ud800 surrogate"
    assert got["o"].tolist()[:2] == ["x", None]
    assert got["i"].iloc[-1] == 4611686018427387904
    assert got["n"].isna().tolist() == [False, True, False, False, False]


@pytest.mark.parametrize("frame", [
    pd.DataFrame({"c": pd.Categorical(["a", "b"])}),
    pd.DataFrame({"a": [1.0, 2.0]}, index=[5, 6]),
    pd.DataFrame({"a": [1.0]}).set_axis(["a"], axis=1).pipe(
        lambda f: f.__setattr__("attrs", {"t": (1, 2)}) or f),
    pd.DataFrame([[1.0, 2.0]], columns=["a", "a"]),
])
def test_frames_the_format_cannot_hold_stay_in_memory_only(folder, frame):
    _cache.put("odd", frame, directory=folder)
    assert _files(folder) == []
    pd.testing.assert_frame_equal(_cache.get("odd", directory=folder), frame)


# ------------------------------------------------------------------------------ warnings
class _ReadWarning(DefbudgetWarning):
    pass


def test_warnings_of_a_read_are_issued_again_on_every_hit(folder):
    calls = []

    def parse():
        calls.append(1)
        warnings.warn("cell B7: something odd", _ReadWarning, stacklevel=2)
        return pd.DataFrame({"a": [1.0]})

    for layer in ("fresh", "memory", "disk"):
        if layer == "disk":
            _cache.clear()
        with pytest.warns(DefbudgetWarning) as caught:
            frame = _cache.read_through("w", parse, directory=folder)
        assert [str(w.message) for w in caught] == ["cell B7: something odd"], layer
        pd.testing.assert_frame_equal(frame, pd.DataFrame({"a": [1.0]}))
    assert calls == [1]


def test_a_recorded_category_never_imports_another_module():
    assert _cache._category("builtins:UserWarning") is UserWarning
    assert _cache._category("defbudget.readers._cache:CacheWarning") is CacheWarning
    assert "antigravity" not in sys.modules
    assert _cache._category("antigravity:Warning") is DefbudgetWarning
    assert _cache._category("builtins:print") is DefbudgetWarning
    assert "antigravity" not in sys.modules


# ------------------------------------------------------------------------------ WDI, OWID
def _wdi(folder: Path, name: str = "API_NY.GDP.MKTP.CD_DS2_en_csv_v2_1.csv") -> Path:
    path = folder / name
    path.write_text('"Data Source","World Development Indicators",\n\n'
                    '"Last Updated Date","2024-03-28",\n\n'
                    '"Country Name","Country Code","Indicator Name","Indicator Code",'
                    '"2021","2022",\n"Japan","JPN","GDP (current US$)","NY.GDP.MKTP.CD",'
                    '"5.0e12","4.2e12",\n', encoding="utf-8-sig")
    return path


def test_wdi_and_owid_second_reads_come_from_the_cache(folder, tmp_path, monkeypatch):
    from defbudget.readers import owid, worldbank

    wdi = _wdi(tmp_path)
    grapher = tmp_path / "military-spending-as-a-share-of-gdp-sipri.csv"
    grapher.write_text("Entity,Code,Year,Military expenditure (% of GDP)\nJapan,JPN,2024,1.4\n")
    first_wdi, first_owid = read_wdi_csv(wdi), read_owid_csv(grapher)
    assert len(_files(folder)) == 2
    _cache.clear()

    def no_parse(*args):
        raise AssertionError("parsed again")

    monkeypatch.setattr(worldbank, "_read", no_parse)
    monkeypatch.setattr(owid, "_read", no_parse)
    pd.testing.assert_frame_equal(read_wdi_csv(wdi), first_wdi)
    pd.testing.assert_frame_equal(read_owid_csv(grapher), first_owid)
    assert first_wdi["value"].tolist() == [5.0e12, 4.2e12]
    assert first_owid["value"].tolist() == [pytest.approx(0.014, rel=1e-15)]


def test_owid_same_content_under_another_name_keeps_its_own_source(folder, tmp_path):
    text = "Entity,Code,Year,Military expenditure (% of GDP)\nJapan,JPN,2024,1.4\n"
    a = tmp_path / "military-spending-sipri.csv"
    b = tmp_path / "military-spending-gmsd.csv"
    a.write_text(text)
    b.write_text(text)
    assert read_owid_csv(a)["source"].tolist() == ["owid-military-spending-sipri"]
    assert read_owid_csv(b)["source"].tolist() == ["owid-military-spending-gmsd"]
    assert read_owid_csv(b)["basis"].tolist() == ["gmsd"]


def test_a_missing_file_is_the_reader_s_own_error(folder, tmp_path):
    with pytest.raises(FileNotFoundError):
        read_wdi_csv(tmp_path / "API_NY.GDP.MKTP.CD_DS2_en_csv_v2_9.csv")
    assert _files(folder) == []


# ------------------------------------------------------------------------------ real files
@pytest.mark.sipri
@pytest.mark.parametrize("release", sorted(SIPRI_RELEASES))
def test_cached_sipri_frame_equals_a_fresh_read(release, raw_dir, folder):
    path = raw_file(raw_dir, SIPRI_RELEASES[release])
    fresh = _quiet(read_sipri, path, cache=False)
    _quiet(read_sipri, path)
    assert len(_files(folder)) == 1
    _cache.clear()
    cached = _quiet(read_sipri, path)
    pd.testing.assert_frame_equal(cached, fresh)
    assert cached.attrs == fresh.attrs


def test_cached_wdi_and_owid_frames_equal_fresh_reads(raw_dir, folder):
    paths = sorted(raw_dir.glob("WDI_API_*.csv")) + sorted(raw_dir.glob("OWID_*.csv"))
    if not paths:
        pytest.skip(f"no WDI or OWID files in {raw_dir}")
    for path in paths:
        read = read_wdi_csv if path.name.startswith("WDI") else read_owid_csv
        fresh = read(path, cache=False)
        read(path)
        _cache.clear()
        cached = read(path)
        pd.testing.assert_frame_equal(cached, fresh)
        assert cached.attrs == fresh.attrs
    assert len(_files(folder)) == len(paths)


# ------------------------------------------------------------------------------ the CLI
def run(*args, folder: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "MPLBACKEND": "Agg", "DEFBUDGET_CACHE_DIR": str(folder)}
    env.pop("DEFBUDGET_NO_CACHE", None)
    return subprocess.run([sys.executable, "-m", "defbudget", *map(str, args)],
                          capture_output=True, text=True, timeout=120, env=env)


def test_cli_cache_info_and_clear(tmp_path, book):
    folder = tmp_path / "cache"
    proc = run("compare", "--sipri", book, "--countries", "JPN", folder=folder)
    assert proc.returncode == 0, proc.stderr
    [name] = _files(folder)
    (folder / "notes.txt").write_text("mine")
    (folder / "other.npz").write_bytes(b"PK\x03\x04 not the kit's")
    info = run("cache", "info", folder=folder)
    assert info.returncode == 0, info.stderr
    lines = info.stdout.splitlines()
    assert lines[0] == f"cache folder: {folder} ($DEFBUDGET_CACHE_DIR)"
    size = (folder / name).stat().st_size
    assert f"sipri: {book.name} [constant_usd-v" in lines[1]
    # the frame as read_sipri returns it: the 21 columns and country_as_published
    assert "rows x 22 columns" in lines[1]
    assert lines[-1].startswith("1 file, ")
    assert len(lines) == 3
    cleared = run("cache", "clear", folder=folder)
    assert cleared.returncode == 0, cleared.stderr
    assert cleared.stdout.startswith(f"Removed 1 cache file ({size / 1000:,.1f} kB) from "
                                     f"{folder}") or cleared.stdout.startswith(
        f"Removed 1 cache file ({size / 1e6:,.1f} MB) from {folder}")
    assert _files(folder) == ["notes.txt", "other.npz"]  # only the kit's own file went
    again = run("cache", "clear", folder=folder)
    assert again.stdout.strip() == f"Nothing to remove: no cache files in {folder}"


@pytest.mark.parametrize("where", ["before", "after"])
def test_cli_no_cache_reads_afresh_and_writes_nothing(tmp_path, book, where):
    folder = tmp_path / "cache"
    args = ["compare", "--sipri", book, "--countries", "JPN"]
    args = ["--no-cache", *args] if where == "before" else [*args, "--no-cache"]
    proc = run(*args, folder=folder)
    assert proc.returncode == 0, proc.stderr
    assert "Japan" in proc.stdout
    assert _files(folder) == []


def test_cache_clear_leaves_a_file_writable_by_others(folder):
    _cache.put("k", pd.DataFrame({"a": [1.0]}), directory=folder)
    _cache.put("j", pd.DataFrame({"a": [2.0]}), directory=folder)
    shared = _cache._disk_path(folder, "k")
    os.chmod(shared, 0o666)
    removed, freed = _cache.clear_disk(folder)
    assert removed == 1 and freed > 0
    assert _files(folder) == [shared.name]


def test_cache_clear_removes_a_killed_run_s_temp_file_but_no_other_hidden_file(folder):
    digest = "0123456789abcdef" * 4
    killed = folder / f".sipri-{digest}-all-v3.k2j4_1x.tmp"
    theirs = folder / ".notes.tmp"
    folder.mkdir(mode=0o700)
    killed.write_bytes(b"half a file")
    theirs.write_text("a note")
    [entry] = _cache.disk_entries(folder)
    assert entry["path"] == killed and entry["label"].startswith("unfinished")
    assert _cache.clear_disk(folder) == (1, 11)
    assert _files(folder) == [".notes.tmp"]


def test_a_read_that_fails_still_issues_its_warnings_and_keeps_nothing(folder):
    def parse():
        warnings.warn("cell C3: odd", _ReadWarning, stacklevel=2)
        raise ValueError("cell D4: bad")

    with pytest.warns(_ReadWarning, match="cell C3: odd"), \
            pytest.raises(ValueError, match="cell D4: bad"):
        _cache.read_through("fails", parse, directory=folder)
    assert _cache.get("fails", directory=folder) is None
    assert _files(folder) == []

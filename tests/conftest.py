"""Shared fixtures: where the real raw inputs live, and a clean matplotlib state."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")
# An empty data folder for the whole run: a developer's own `defbudget get sipri|rates`
# downloads must not change what the tests see, and no test may write into the real one.
os.environ["DEFBUDGET_DATA_DIR"] = tempfile.mkdtemp(prefix="defbudget-test-data-")
# The on-disk cache is on by default: the run (its CLI subprocesses and notebook kernels
# too, which inherit the environment) keeps it in a fresh folder of its own, never in the
# developer's real cache, and a developer's DEFBUDGET_NO_CACHE does not change the tests.
os.environ["DEFBUDGET_CACHE_DIR"] = tempfile.mkdtemp(prefix="defbudget-test-cache-")
os.environ.pop("DEFBUDGET_NO_CACHE", None)

#: ../shared/data/raw beside the project's root (override with DEFBUDGET_RAW_DIR).
RAW_DIR = Path(os.environ.get(
    "DEFBUDGET_RAW_DIR", Path(__file__).resolve().parents[1].parent / "shared" / "data" / "raw"))

SIPRI_RELEASES = {
    "1948-2023": "SIPRI-Milex-data-1948-2023.xlsx",
    "1949-2023": "SIPRI-Milex-data-1949-2023.xlsx",
    "1949-2024_2": "SIPRI-Milex-data-1949-2024_2.xlsx",
}


@pytest.fixture(scope="session")
def raw_dir() -> Path:
    """The shared raw-data folder; tests that need it skip with the reason when it is absent."""
    if not RAW_DIR.is_dir():
        pytest.skip(f"raw inputs not found at {RAW_DIR} (clone the project beside ../shared, "
                    "or set DEFBUDGET_RAW_DIR)")
    return RAW_DIR


def raw_file(raw_dir: Path, name: str) -> Path:
    path = raw_dir / name
    if not path.is_file():
        pytest.skip(f"{name} not found in {raw_dir}")
    return path


@pytest.fixture(scope="session")
def sipri_latest(raw_dir) -> Path:
    """The newest SIPRI workbook in ../shared/data/raw (the 1949-2024_2 release)."""
    return raw_file(raw_dir, SIPRI_RELEASES["1949-2024_2"])


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import sys
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")


@pytest.fixture
def saved_figures(monkeypatch) -> list:
    """The figures handed to ``plot.save``, in order, while the files are still written: a
    test of the CLI or the report checks what a chart draws, not only that a PNG exists."""
    from defbudget import plot

    saved: list = []
    real_save = plot.save

    def watch(fig, path, **kwargs):
        saved.append(fig)
        return real_save(fig, path, **kwargs)

    monkeypatch.setattr(plot, "save", watch)
    return saved

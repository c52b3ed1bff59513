"""plot.save writes a PNG's pixels itself (no per-row filter search), with the pixels, size,
mode, Software text and resolution matplotlib's own PNG has; a save that passes Pillow
options or metadata is left to matplotlib."""

from __future__ import annotations

import io

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pytest
from PIL import Image

from defbudget import plot
from defbudget.plot._png import write_png


def _figure(size=(4, 2.5)):
    """A figure without a layout engine (savefig and save() then draw it alike), with text,
    lines, a filled area and a half-transparent patch."""
    fig, ax = plt.subplots(figsize=size)
    ax.plot([0, 1, 2, 3], [1, 3, 2, 4], lw=2, color="tab:blue")
    ax.fill_between([0, 1, 2], [0, 1, 0], alpha=0.3, color="tab:orange")
    ax.set_title("A title, with text")
    fig.text(0.01, 0.01, "Source: made up", fontsize=7)
    return fig


def _matplotlibs_png(fig, path, dpi, **kwargs):
    with mpl.rc_context({"text.hinting": "no_hinting"} if dpi >= 200 else {}):
        fig.savefig(path, dpi=dpi, pil_kwargs={"compress_level": 1}, **kwargs)


@pytest.mark.parametrize(("size", "dpi"), [((4, 2.5), 300), ((3.33, 2.17), 123)])
def test_save_writes_matplotlibs_pixels_size_and_metadata(tmp_path, size, dpi):
    fig = _figure(size)
    _matplotlibs_png(fig, tmp_path / "ref.png", dpi)
    plot.save(fig, tmp_path / "own.png", dpi=dpi)
    plt.close(fig)
    ref, own = Image.open(tmp_path / "ref.png"), Image.open(tmp_path / "own.png")
    assert own.mode == ref.mode == "RGBA"
    assert own.size == ref.size == (int(size[0] * dpi), int(size[1] * dpi))
    assert np.array_equal(np.asarray(own), np.asarray(ref))
    assert own.info["Software"] == ref.info["Software"]
    assert own.info["Software"].startswith("Matplotlib version")
    assert own.info["dpi"] == ref.info["dpi"]


def test_transparent_pixels_keep_their_alpha(tmp_path):
    fig = _figure()
    _matplotlibs_png(fig, tmp_path / "ref.png", 300, transparent=True)
    plot.save(fig, tmp_path / "own.png", transparent=True)
    plt.close(fig)
    own = np.asarray(Image.open(tmp_path / "own.png"))
    assert own[0, 0, 3] == 0  # the transparent background
    assert np.array_equal(own, np.asarray(Image.open(tmp_path / "ref.png")))


def test_metadata_or_pillow_options_are_left_to_matplotlib(tmp_path):
    fig = _figure()
    plot.save(fig, tmp_path / "meta.png", metadata={"Title": "Budgets"})
    plot.save(fig, tmp_path / "pil.png", pil_kwargs={"compress_level": 9})
    plt.close(fig)
    assert Image.open(tmp_path / "meta.png").info["Title"] == "Budgets"
    assert Image.open(tmp_path / "pil.png").size == (1200, 750)


def test_write_png_decodes_to_the_pixels_given():
    pixels = np.arange(3 * 5 * 4, dtype=np.uint8).reshape(3, 5, 4)
    buf = io.BytesIO()
    write_png(buf, pixels.tobytes(), 5, 3, 72)
    im = Image.open(buf)
    im.load()  # checks every chunk's CRC and the deflate stream
    assert np.array_equal(np.asarray(im), pixels)
    assert im.info["dpi"] == pytest.approx((72, 72), abs=0.01)


def test_write_png_refuses_pixels_of_another_size():
    with pytest.raises(ValueError, match="are not 5 x 3 RGBA pixels"):
        write_png(io.BytesIO(), bytes(10), 5, 3, 72)


def test_the_image_data_are_a_standard_zlib_stream():
    import zlib

    from defbudget.plot._png import _deflate

    data = bytes(range(256)) * 300
    for level in (None, 1, 6):
        assert zlib.decompress(_deflate(data, level)) == data

#!/usr/bin/env python
"""Render a defbudget Excel export through LibreOffice: xlsx -> PDF -> PNG pages.

A visual check that the workbook written by ``defbudget.to_excel`` opens outside Excel with
its number formats, flag styles and native charts intact. Needs LibreOffice (``soffice``)
and poppler (``pdftoppm``, ``pdftotext``); on Debian/Ubuntu::

    apt-get install -y libreoffice-calc poppler-utils

Usage::

    python scripts/check_excel_pdf.py                      # exports the shipped Japan series
    python scripts/check_excel_pdf.py my_export.xlsx --outdir /tmp/check --dpi 100

It prints the PDF and PNG paths (open the PNGs to look at the pages) and exits 1 if the PDF
lacks the data (a country name), a number in ``¥ bn`` format or the chart titles.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path


def find_soffice() -> str | None:
    """Path of the LibreOffice binary, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_pdf(xlsx: Path, outdir: Path, *, timeout: float = 180) -> Path:
    """Convert *xlsx* to PDF in *outdir* with LibreOffice headless (own throwaway profile)."""
    soffice = find_soffice()
    if soffice is None:
        raise RuntimeError("LibreOffice not found: install it (apt-get install -y "
                           "libreoffice-calc) or put soffice on PATH.")
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        cmd = [soffice, f"-env:UserInstallation=file://{profile}", "--headless",
               "--convert-to", "pdf", "--outdir", str(outdir), str(xlsx)]
        subprocess.run(cmd, check=True, capture_output=True, timeout=timeout)
    pdf = outdir / (xlsx.stem + ".pdf")
    if not pdf.is_file():
        raise RuntimeError(f"LibreOffice did not write {pdf}")
    return pdf


def to_png(pdf: Path, *, dpi: int = 60) -> list[Path]:
    """One PNG per PDF page (``pdftoppm -png -r DPI``), next to the PDF."""
    prefix = pdf.with_suffix("")
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), str(pdf), str(prefix)], check=True,
                   capture_output=True)
    return sorted(pdf.parent.glob(prefix.name + "-*.png"))


def pdf_text(pdf: Path) -> str:
    """The PDF's text, layout kept (``pdftotext -layout``)."""
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                         capture_output=True, text=True)
    return out.stdout


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("xlsx", nargs="?", type=Path,
                        help="export to check (default: export the shipped Japan series)")
    parser.add_argument("--outdir", type=Path, default=None,
                        help="where to write the PDF and PNGs (default: a new temp folder)")
    parser.add_argument("--dpi", type=int, default=60, help="PNG resolution (default 60)")
    args = parser.parse_args(argv)
    outdir = args.outdir or Path(tempfile.mkdtemp(prefix="defbudget-pdf-"))
    outdir.mkdir(parents=True, exist_ok=True)
    xlsx = args.xlsx
    if xlsx is None:
        import defbudget

        xlsx = defbudget.to_excel(defbudget.load("japan_mod_budget"),
                                  outdir / "japan_mod_budget.xlsx", overwrite=True,
                                  title="Japan MOD initial defence budgets")
    pdf = to_pdf(xlsx, outdir)
    pngs = to_png(pdf, dpi=args.dpi)
    text = pdf_text(pdf)
    print(f"workbook: {xlsx}\npdf:      {pdf} ({len(pngs)} pages)")
    for png in pngs:
        print(f"page:     {png}")
    checks = {
        "a country name (Japan)": "Japan" in text,
        "a value in billions (e.g. 4,159.3)": bool(re.search(r"\b\d{1,3},\d{3}\.\d\b", text)),
        "a chart title": "Defence budget (national definition) (¥ bn)" in text
        or bool(re.search(r"\(\S+ bn\)|\(%\)", text)),
        "the Sources sheet": "Sources" in text,
    }
    for what, ok in checks.items():
        print(f"{'ok  ' if ok else 'FAIL'}      PDF shows {what}")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())

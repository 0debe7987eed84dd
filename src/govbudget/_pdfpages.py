"""PDF pages as the recogniser sees them (a stand-in until :mod:`govbudget.extract` lands):
tables from the page's ruling lines (pdfplumber ``find_tables``), running text from the
characters outside them, as lines with their vertical position.  Needs the ``pdf`` extra."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from govbudget.errors import FormatError
from govbudget.recognize import Grid, Page, TextLine

__all__ = ["pdf_pages"]


def _pdfplumber() -> Any:
    try:
        import pdfplumber
    except ImportError:
        raise FormatError("reading PDF needs the pdf extra: pip install 'govbudget[pdf]' (or uv sync --extra pdf)") from None
    return pdfplumber


def pdf_pages(path: str | Path) -> list[Page]:
    """The pages of a PDF: grids and the text outside them, top-down."""
    plumber = _pdfplumber()
    pages: list[Page] = []
    try:
        pdf = plumber.open(str(path))
    except Exception as exc:  # pdfminer raises many kinds on a damaged file
        raise FormatError(f"{path}: not a readable PDF ({type(exc).__name__}: {exc})") from None
    with pdf:
        for number, page in enumerate(pdf.pages, 1):
            try:
                found = page.find_tables()
                grids = []
                boxes = []
                for t in sorted(found, key=lambda t: t.bbox[1]):
                    rows = tuple(tuple(c for c in r) for r in t.extract())
                    grids.append(Grid(number, rows, float(t.bbox[1]), float(t.bbox[3])))
                    boxes.append(t.bbox)

                def outside(obj: dict[str, Any], boxes: list[Any] = boxes) -> bool:
                    if obj.get("object_type") != "char":
                        return True
                    x, y = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
                    return not any(b[0] <= x <= b[2] and b[1] <= y <= b[3] for b in boxes)

                lines = tuple(TextLine(number, i, ln["text"], float(ln["top"]))
                              for i, ln in enumerate(page.filter(outside).extract_text_lines(), 1))
            except Exception as exc:
                raise FormatError(f"{path}: page {number}: cannot be read ({type(exc).__name__}: {exc})") from None
            pages.append(Page(number, lines, tuple(grids)))
    return pages

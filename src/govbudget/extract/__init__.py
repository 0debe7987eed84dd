"""Extraction of published documents into a layout-neutral model (抽取): layer 1 of reading.

``extract(path)`` turns a PDF, HTML page, XLSX workbook or text file into a
:class:`~govbudget.extract.model.Document`: pages, tables as grids of cell strings (with page,
row and box), and running-text lines (with page and line number).  Recognising disclosure
tables and the 情况说明 in that model is the reader's job, not this package's.

PDF needs the optional extra ``govbudget[pdf]`` (pdfplumber); XLSX needs ``govbudget[excel]``
(openpyxl).  HTML and text use the standard library only.
"""

from __future__ import annotations

from govbudget.extract.model import (
    BBox,
    Document,
    ExtractedTable,
    Item,
    Kind,
    Limits,
    Page,
    Problem,
    Span,
    Status,
    Strategy,
    TableRow,
    TextLine,
)

__all__ = [
    "BBox",
    "Document",
    "ExtractedTable",
    "Item",
    "Kind",
    "Limits",
    "Page",
    "Problem",
    "Span",
    "Status",
    "Strategy",
    "TableRow",
    "TextLine",
]

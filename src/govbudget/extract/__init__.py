"""Extraction of published documents into a layout-neutral model (抽取): layer 1 of reading.

``extract(path)`` turns a PDF, HTML page, XLSX workbook or text file into a
:class:`~govbudget.extract.model.Document`: pages, tables as grids of cell strings (with page,
row and box), and running-text lines (with page and line number).  Recognising disclosure
tables and the 情况说明 in that model is the reader's job, not this package's.

PDF needs the optional extra ``govbudget[pdf]`` (pdfplumber); XLSX needs ``govbudget[excel]``
(openpyxl).  HTML and text use the standard library only.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from govbudget.errors import ExtractError
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
    resolve_limits,
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
    "detect",
    "extract",
]


_MARKUP = re.compile(rb"<[A-Za-z!?/]")
_SUFFIXES: dict[str, Kind] = {
    ".pdf": "pdf",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".txt": "text",
    ".text": "text",
    ".tsv": "text",
}


def detect(head: bytes, name: str = "") -> Kind:
    """The kind of a document from its first bytes (and, for text formats, its file suffix).

    Content wins over the name: a PDF saved as ``.html`` is read as a PDF.  Raises
    :class:`~govbudget.errors.ExtractError` for formats that are known but not read (legacy
    ``.xls``/``.doc``, ``.docx``).
    """
    at = head.find(b"%PDF-", 0, 1024)
    # the header may follow a little junk, but not markup: "<html>…%PDF-" is a web page
    if at >= 0 and not _MARKUP.search(head[:at]):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        if b"word/" in head[:2048] or name.lower().endswith(".docx"):
            raise ExtractError(
                name or "input", "is a Word document (.docx): not read; save it as PDF"
            )
        return "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ExtractError(
            name or "input",
            "is a legacy Office file (.xls/.doc): not read; save it as .xlsx or PDF",
        )
    suffix = Path(name).suffix.lower()
    if suffix in _SUFFIXES and _SUFFIXES[suffix] != "pdf" and _SUFFIXES[suffix] != "xlsx":
        return _SUFFIXES[suffix]
    sniff = head[:4096].lstrip().lower()
    if sniff.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<table" in sniff:
        return "html"
    return "text"


def extract(
    source: str | os.PathLike[str] | bytes,
    *,
    name: str | None = None,
    kind: Kind | None = None,
    limits: Limits | None = None,
) -> Document:
    """Extract a published document — PDF, HTML, XLSX or text — into a :class:`Document`.

    ``source`` is a path or the file's bytes (``name`` then names it in messages); ``kind``
    overrides the detection from content (see :func:`detect`).  Raises
    :class:`~govbudget.errors.ExtractError` for an unreadable file (naming it, and the page when
    one page is at fault) and :class:`~govbudget.errors.MissingExtraError` when the format needs
    an extra that is not installed.
    """
    label = name or ("<bytes>" if isinstance(source, bytes) else os.fspath(source))
    limits = resolve_limits(limits)
    if kind is None:
        if isinstance(source, bytes):
            head = source[:4096]
        else:
            try:
                with open(source, "rb") as fh:
                    head = fh.read(4096)
            except OSError as exc:
                raise ExtractError(label, f"cannot be read ({exc.strerror or exc})") from exc
        kind = detect(head, label)
    if kind == "pdf":
        from govbudget.extract.pdf import extract_pdf

        return extract_pdf(source, name=name, limits=limits)
    if kind == "html":
        from govbudget.extract.html import extract_html

        return extract_html(source, name=name, limits=limits)
    if kind == "xlsx":
        from govbudget.extract.xlsx import extract_xlsx

        return extract_xlsx(source, name=name, limits=limits)
    from govbudget.extract.text import extract_text

    return extract_text(source, name=name, limits=limits)

"""A tiny PDF writer for tests: pages of ASCII text (Helvetica) and ruling lines, nothing else.

Hand-built files whose content is known exactly: where every word and every ruling sits, so
the extractor's output can be worked out by hand.  Coordinates are given top-down (as the
extractor reports them) and converted to PDF's bottom-up space here.
"""

from __future__ import annotations

from collections.abc import Sequence

from attrs import frozen

HEIGHT = 842.0
WIDTH = 595.0


@frozen
class Text:
    x: float
    top: float  # top of the glyph box, as pdfplumber reports it
    text: str
    size: float = 10.0


@frozen
class Rule:
    x0: float
    y0: float
    x1: float
    y1: float


@frozen
class Sheet:
    texts: Sequence[Text] = ()
    rules: Sequence[Rule] = ()


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _content(sheet: Sheet) -> bytes:
    ops: list[str] = []
    for rule in sheet.rules:
        ops.append(
            f"{rule.x0:.2f} {HEIGHT - rule.y0:.2f} m {rule.x1:.2f} {HEIGHT - rule.y1:.2f} l S"
        )
    for t in sheet.texts:
        # Helvetica's ascent is 0.718 em in pdfminer's metrics: top = HEIGHT - baseline - ascent
        baseline = HEIGHT - t.top - 0.718 * t.size
        ops.append(f"BT /F1 {t.size:g} Tf {t.x:.2f} {baseline:.2f} Td ({_escape(t.text)}) Tj ET")
    return "\n".join(ops).encode("latin-1")


def make_pdf(sheets: Sequence[Sheet], *, encrypt: bool = False) -> bytes:
    """A PDF with one page per sheet (a sheet without texts is a page without text layer)."""
    objects: list[bytes] = []
    n_pages = len(sheets)
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(n_pages))
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {n_pages} >>".encode())
    font_id = 3 + 2 * n_pages
    for i, sheet in enumerate(sheets):
        content_id = 4 + 2 * i
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {WIDTH:g} {HEIGHT:g}] "
            f"/Resources << /Font << /F1 {font_id} 0 R >> >> /Contents {content_id} 0 R >>".encode()
        )
        body = _content(sheet)
        objects.append(b"<< /Length %d >>\nstream\n" % len(body) + body + b"\nendstream")
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    trailer_extra = b""
    if encrypt:
        # A standard security handler whose /U entry matches no password: readers must refuse.
        objects.append(
            b"<< /Filter /Standard /V 1 /R 2 /P -44 /O <"
            + b"11" * 32
            + b"> /U <"
            + b"22" * 32
            + b"> >>"
        )
        trailer_extra = b" /Encrypt %d 0 R /ID [<%s> <%s>]" % (
            len(objects),
            b"ab" * 16,
            b"ab" * 16,
        )
    out = bytearray(b"%PDF-1.4\n")
    offsets: list[int] = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R%s >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        trailer_extra,
        xref,
    )
    return bytes(out)


def grid_rules(xs: Sequence[float], ys: Sequence[float]) -> list[Rule]:
    """The rulings of a full grid: a vertical line at every x, a horizontal line at every y."""
    rules = [Rule(x, ys[0], x, ys[-1]) for x in xs]
    rules += [Rule(xs[0], y, xs[-1], y) for y in ys]
    return rules

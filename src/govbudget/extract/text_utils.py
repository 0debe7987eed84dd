"""Cell and line text normalisation shared by every extractor (文本规范化).

Only blanks are touched: outer blanks are stripped, runs of blanks (the full-width space
U+3000 and the no-break space included) become one space, a blank between two CJK characters
is dropped (letter-spaced headers: ``"科 目 名 称"`` → ``"科目名称"``), and the lines of a cell
wrapped over several lines are joined.  Digits, separators and signs are kept verbatim.
"""

from __future__ import annotations

import re

_BLANKS = re.compile(r"[\s\u3000\u00a0\u2002-\u200b\ufeff]+")
# CJK ideographs, CJK punctuation and full-width forms: a blank between two of them is spacing,
# not a word break.
_CJK = "\u2e80-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef"
_CJK_GAP = re.compile(rf"(?<=[{_CJK}]) (?=[{_CJK}])")
_ASCII_WORD = re.compile(r"[A-Za-z]")


def clean_line(text: str) -> str:
    """One line of running text: blanks collapsed to one space, outer blanks stripped."""
    return _BLANKS.sub(" ", text).strip()


def clean_cell(text: str | None) -> str:
    """The text of a table cell: wrapped lines joined, blanks normalised (see the module doc).

    Wrapped lines are joined without a space (Chinese text and numbers broken over two lines),
    except between two Latin letters, where the break was a word boundary.
    """
    if not text:
        return ""
    parts = [clean_line(part) for part in text.splitlines()]
    parts = [part for part in parts if part]
    if not parts:
        return ""
    joined = parts[0]
    for part in parts[1:]:
        if _ASCII_WORD.match(joined[-1]) and _ASCII_WORD.match(part[0]):
            joined += " " + part
        else:
            joined += part
    return _CJK_GAP.sub("", joined)


def decode(data: bytes, source: str, declared: str | None = None) -> str:
    """Bytes of a text or HTML file as text: a BOM, then ``declared``, then UTF-8, then GB18030.

    GB18030 is a superset of GBK and GB2312, the encodings Chinese government sites use.
    Raises :class:`~govbudget.errors.ExtractError` when none fits.
    """
    from govbudget.errors import ExtractError

    for bom, codec in (
        (b"\xef\xbb\xbf", "utf-8"),
        (b"\xff\xfe", "utf-16"),
        (b"\xfe\xff", "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(codec).lstrip("\ufeff")
            except UnicodeDecodeError as exc:
                raise ExtractError(source, f"is not valid {codec} text ({exc.reason})") from exc
    codecs = [c for c in (declared, "utf-8", "gb18030") if c]
    for codec in codecs:
        try:
            return data.decode(codec)
        except (UnicodeDecodeError, LookupError):
            continue
    raise ExtractError(source, f"is neither {', '.join(codecs)} text")

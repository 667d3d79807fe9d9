"""CSV downloads that a spreadsheet opens as data: no cell runs as a formula."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence

from portal.core.text import clean_text

# What makes Excel, LibreOffice or Google Sheets read a cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value: object) -> object:
    """Text without control characters, quoted with ' when it would start a formula.

    Both the text as stored and as cleaned are checked: cleaning "\\x01=1+1" uncovers "=".
    """
    if not isinstance(value, str):
        return value
    cleaned = clean_text(value)
    if value.startswith(FORMULA_STARTS) or cleaned.startswith(FORMULA_STARTS):
        return "'" + cleaned
    return cleaned


def csv_text(header: Sequence[str], rows: Iterable[Iterable[object]]) -> str:
    """A CSV document whose every cell went through `spreadsheet_cell`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows([spreadsheet_cell(value) for value in row] for row in rows)
    return buffer.getvalue()


def csv_chunks(
    header: Sequence[str], batches: Iterable[Iterable[Iterable[object]]]
) -> Iterator[str]:
    """`csv_text` in pieces for a streamed download: the header, then one piece per batch."""
    yield csv_text(header, [])
    for batch in batches:
        buffer = io.StringIO()
        csv.writer(buffer).writerows([spreadsheet_cell(value) for value in row] for row in batch)
        yield buffer.getvalue()

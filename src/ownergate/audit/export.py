"""Export the audit log for regulators: every field of every record, as JSON Lines or CSV.

JSON Lines carries ``details`` as an object; CSV carries it as its canonical JSON text (the
exact text that was hashed). Both keep ``prev_hash`` and ``hash``, so the chain can be re-checked
from the export alone (docs/audit.md shows how).
"""

from __future__ import annotations

import csv
import json
from datetime import datetime
from enum import StrEnum
from typing import TextIO

from ownergate.audit.chain import COLUMNS, records, rows
from ownergate.errors import InputError
from ownergate.store.base import Store


class ExportFormat(StrEnum):
    JSONL = "jsonl"
    CSV = "csv"


def export(
    store: Store, out: TextIO, *, fmt: ExportFormat | str = ExportFormat.JSONL, since: datetime | None = None
) -> int:
    """Write the records at or after ``since`` (all when None) to ``out``; return how many."""
    try:
        fmt = ExportFormat(fmt)
    except ValueError:
        raise InputError(f"unknown export format {fmt!r} (use jsonl or csv)") from None
    count = 0
    with store.read() as tx:
        if fmt is ExportFormat.CSV:
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(COLUMNS)
            for row in rows(tx, since):
                writer.writerow(row)
                count += 1
        else:
            for record in records(tx, since):
                out.write(json.dumps(record.as_dict(), ensure_ascii=False, sort_keys=False) + "\n")
                count += 1
    return count

"""Bulk export and import of the curated dataset as JSON Lines, one self-contained record per line.

The format (`statements-jsonl`, version 1): UTF-8, one JSON object per line, keys sorted, no
spaces. The first line is a header; every other line is one record with its `type`, its stable
`key` (the record's UUID) and all its curated fields. A record names the records it refers to by
their keys, never by database ids, so a file moves between databases. Records come in dependency
order — topics, places, actors, positions, sources, communications, statements, each type in
levels so that a parent, affiliation, merge target, `regarding` or `in_reply_to` target comes
before the records pointing at it, and by key within a level — so the same data always exports to
the same bytes.

An import is atomic per file: it validates every line (JSON, fields, types, references, the
models' own rules, unique values) and writes nothing unless every line is good, reporting each bad
line with its number. It only adds records: a record whose key is already stored is skipped when
it is identical and reported as a conflict when it differs, so re-importing a file changes
nothing and an import never overwrites curated work. Rows are written with bulk inserts in
batches, each with its history record (change reason "import"), keeping the exported timestamps
and versions so that exporting again gives the same bytes.
"""

from statements.transfer.exporting import consistent_snapshot, export_lines, export_records, export_size, stored_records
from statements.transfer.importing import import_lines
from statements.transfer.records import (
    HEADER,
    NOT_EXPORTED,
    RECORD_TYPES,
    TYPE_BY_NAME,
    TYPE_OF_MODEL,
    RecordType,
    TransferError,
    encode_line,
)
from statements.transfer.reports import ImportReport, LineError

__all__ = [
    "HEADER",
    "NOT_EXPORTED",
    "RECORD_TYPES",
    "TYPE_BY_NAME",
    "TYPE_OF_MODEL",
    "ImportReport",
    "LineError",
    "RecordType",
    "TransferError",
    "consistent_snapshot",
    "encode_line",
    "export_lines",
    "export_records",
    "export_size",
    "import_lines",
    "stored_records",
]

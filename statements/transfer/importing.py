"""Import: validate every line, write all or nothing, in batches."""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import orjson
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Max
from django.db.models.base import ModelState
from django.utils import timezone

from statements.models import Participation, Position, Source
from statements.models.base import DatedModel
from statements.models.sources import content_hash_of
from statements.transfer.bulk import TableWriter, ids_by_key, stored_rows
from statements.transfer.decoding import (
    RecordError,
    decode_aliases,
    decode_checked,
    decode_key_list,
    decode_participants,
    describe_error,
)
from statements.transfer.exporting import stored_records
from statements.transfer.records import (
    CHANGE_REASON,
    HEADER,
    IMPORT_BATCH_SIZE,
    MAX_REPORTED_ERRORS,
    RECORD_TYPES,
    TYPE_BY_NAME,
    RecordType,
    encode_line,
    encode_value,
    key_text,
    value_decoder,
)
from statements.transfer.reports import ImportReport, LineError
from statements.transfer.writing import HistoryWriter, RecordShape, row_of

# Import


@dataclass
class _PendingRecord:
    line: int
    key: str
    record: dict[str, Any]
    references: dict[str, str | None] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)
    many: dict[str, list[str]] = field(default_factory=dict)
    aliases: list[str] = field(default_factory=list)
    participants: list[tuple[str, str]] = field(default_factory=list)
    instance: models.Model | None = None


def import_lines(
    lines: Iterable[bytes | str],
    *,
    user=None,
    dry_run: bool = False,
    progress: Callable[[str, int], None] | None = None,
    batch_size: int = IMPORT_BATCH_SIZE,
) -> ImportReport:
    """Validate and import a file's lines in one transaction; nothing is kept unless every line is good.

    Records are written batch by batch inside the transaction, so later lines can refer to earlier
    ones and the database's own constraints have the last word; a bad line or a dry run rolls it all back.
    """
    with transaction.atomic():
        importer = _Importer(user=user, dry_run=dry_run, progress=progress, batch_size=batch_size)
        importer.run(lines)
        if not importer.report.written:
            transaction.set_rollback(True)
    return importer.report


class _Importer:
    """Reads records line by line and writes them in batches of one type."""

    def __init__(self, *, user, dry_run: bool, progress, batch_size: int):
        self.report = ImportReport(dry_run=dry_run)
        self.user = user if getattr(user, "is_authenticated", False) else None
        self.progress = progress
        self.batch_size = batch_size
        self.batch_type: RecordType | None = None
        self.batch: dict[str, _PendingRecord] = {}
        # Rows with ids above these were written by this import: a key found there is given twice in the file.
        self.stored_before = {
            record_type.name: record_type.model._default_manager.aggregate(top=Max("pk"))["top"] or 0
            for record_type in RECORD_TYPES
        }
        self.rejected: dict[tuple[str, str], int] = {}
        self.history_date = timezone.now()
        self.history_stamp = {
            "history_date": self.history_date,
            "history_change_reason": CHANGE_REASON,
            "history_type": "+",
            "history_user_id": self.user.pk if self.user is not None else None,
        }
        self.shapes: dict[str, RecordShape] = {}

    def error(self, line: int, message: str, rejected: tuple[str, str] | None = None) -> None:
        self.report.error_count += 1
        if len(self.report.errors) < MAX_REPORTED_ERRORS:
            self.report.errors.append(LineError(line, message))
        if rejected is not None and len(self.rejected) < 100_000:
            self.rejected[rejected] = line

    def run(self, lines: Iterable[bytes | str]) -> None:
        seen_content = False
        for number, raw_line in enumerate(lines, start=1):
            self.report.lines = number
            if isinstance(raw_line, bytes):
                try:
                    raw_line = raw_line.decode("utf-8")
                except UnicodeDecodeError as problem:
                    self.error(number, f"not UTF-8 text ({problem.reason} at byte {problem.start})")
                    continue
            text = raw_line.strip()
            if not text:
                continue
            first, seen_content = not seen_content, True
            try:
                record = orjson.loads(text)
            except orjson.JSONDecodeError as problem:
                self.error(number, f"not valid JSON: {problem.msg} (column {problem.colno})")
                continue
            if not isinstance(record, dict):
                self.error(number, "a record must be a JSON object")
                continue
            if record.get("type") == "header":
                if not first:
                    self.error(number, "the header can only be the first line")
                elif record != HEADER:
                    self.error(number, f"unsupported header: this version reads {encode_line(HEADER).strip()}")
                continue
            self.add(number, record)
        self.flush()

    def add(self, number: int, record: dict[str, Any]) -> None:
        record_type = TYPE_BY_NAME.get(record.get("type"))
        if record_type is None:
            known = ", ".join(TYPE_BY_NAME)
            self.error(number, f"unknown record type {record.get('type')!r} (known: {known})")
            return
        try:
            key = key_text(record.get("key"))
        except ValueError as problem:
            self.error(number, f"{record_type.name}: key {problem}")
            return
        if record_type is not self.batch_type or len(self.batch) >= self.batch_size:
            self.flush()
            self.batch_type = record_type
        if key in self.batch:
            self.error(
                number,
                f"{record_type.name} {key}: the key is already given on line {self.batch[key].line}",
                rejected=None,
            )
            return
        if any(_is_key_in(record.get(name), self.batch) for name in record_type.self_references):
            # It refers to a record of this batch: write the batch first, so the reference resolves.
            self.flush()
            self.batch_type = record_type
        self.batch[key] = _PendingRecord(line=number, key=key, record=record)

    def flush(self) -> None:
        record_type, pending = self.batch_type, list(self.batch.values())
        self.batch = {}
        if not pending:
            return
        pending = self._decoded(record_type, pending)
        pending = self._resolved(record_type, pending)
        pending = self._new_only(record_type, pending)
        pending = self._validated(record_type, pending)
        pending = self._unique(record_type, pending)
        self._write(record_type, pending)
        if self.progress is not None:
            name = record_type.name
            self.progress(name, self.report.created[name] + self.report.unchanged[name])

    def _reject(self, record_type: RecordType, item: _PendingRecord, message: str) -> None:
        self.error(item.line, f"{record_type.name} {item.key}: {message}", rejected=(record_type.name, item.key))

    def _decoded(self, record_type: RecordType, pending: list[_PendingRecord]) -> list[_PendingRecord]:
        good = []
        model = record_type.model
        decoders = [(name, value_decoder(model._meta.get_field(name))) for name in record_type.fields]
        nullable = {name: model._meta.get_field(name).null for name in record_type.references}
        expected = record_type.record_keys
        for item in pending:
            record = item.record
            if len(record) != len(expected) or record.keys() != expected:
                keys = set(record)
                missing, unknown = expected - keys, keys - expected
                parts = [f"missing {', '.join(sorted(missing))}"] if missing else []
                parts += [f"unknown {', '.join(sorted(unknown))}"] if unknown else []
                self._reject(record_type, item, "; ".join(parts))
                continue
            try:
                values = item.values
                for name, decode in decoders:
                    try:
                        values[name] = decode(record[name])
                    except ValueError as problem:
                        raise RecordError(f"{name}: {problem}") from None
                if values["version"] < 1:
                    raise RecordError("version: must be 1 or more")
                for name, can_be_null in nullable.items():
                    raw = record[name]
                    item.references[name] = None if raw is None and can_be_null else decode_checked(name, None, raw)
                for name in record_type.many:
                    item.many[name] = decode_key_list(name, record[name])
                if record_type.alias_model is not None:
                    item.aliases = decode_aliases(record["aliases"])
                if record_type.has_participants:
                    item.participants = decode_participants(record["participants"])
            except RecordError as problem:
                self._reject(record_type, item, str(problem))
                continue
            good.append(item)
        return good

    def _resolved(self, record_type: RecordType, pending: list[_PendingRecord]) -> list[_PendingRecord]:
        """Turn every key a record refers to into a stored row, in one query per referenced type."""
        wanted: dict[RecordType, set[str]] = defaultdict(set)
        for item in pending:
            for name, key in item.references.items():
                if key is not None:
                    wanted[record_type.target(name)].add(key)
            for name, keys in item.many.items():
                wanted[record_type.target(name)].update(keys)
            for actor_key, _role in item.participants:
                wanted[TYPE_BY_NAME["actor"]].add(actor_key)
        found: dict[RecordType, dict[str, Any]] = {}
        for target, keys in wanted.items():
            if target.model is Source:
                # Statements are checked against their source's words and positions against their holder.
                found[target] = stored_rows(Source, keys, ("body",))
            elif target.model is Position:
                found[target] = stored_rows(Position, keys, ("actor_id", "start_date", "end_date"))
            else:
                found[target] = ids_by_key(target.model, keys)
        self.found = found
        good = []
        for item in pending:
            problems = []
            for name, key in item.references.items():
                if key is not None and key not in found[record_type.target(name)]:
                    problems.append(self._unknown(name, record_type.target(name), key))
            for name, keys in item.many.items():
                problems += [
                    self._unknown(name, record_type.target(name), key)
                    for key in keys
                    if key not in found[record_type.target(name)]
                ]
            actors = TYPE_BY_NAME["actor"]
            problems += [
                self._unknown("participants", actors, key) for key, _ in item.participants if key not in found[actors]
            ]
            if problems:
                self._reject(record_type, item, "; ".join(problems))
                continue
            good.append(item)
        return good

    def _unknown(self, name: str, target: RecordType, key: str) -> str:
        rejected_on = self.rejected.get((target.name, key))
        if rejected_on is not None:
            return f"{name} refers to {target.name} {key}, which line {rejected_on} could not import"
        return f"{name} refers to unknown {target.name} {key} (not stored and not on an earlier line)"

    def _new_only(self, record_type: RecordType, pending: list[_PendingRecord]) -> list[_PendingRecord]:
        """Drop records already stored as they are; a record stored with other values is a conflict."""
        stored = ids_by_key(record_type.model, [item.key for item in pending])
        if not stored:
            return pending
        earlier = {key for key, pk in stored.items() if pk > self.stored_before[record_type.name]}
        current = stored_records(record_type, [key for key in stored if key not in earlier])
        good = []
        for item in pending:
            if item.key in earlier:
                self.error(item.line, f"{record_type.name} {item.key}: the key is already given on an earlier line")
            elif item.key in current:
                differing = _differences(current[item.key], _canonical(record_type, item))
                if differing:
                    self._reject(
                        record_type,
                        item,
                        f"already stored with other values ({', '.join(differing)}); an import never "
                        "overwrites stored records: change them through the admin or the API",
                    )
                else:
                    self.report.unchanged[record_type.name] += 1
            else:
                good.append(item)
        return good

    def _validated(self, record_type: RecordType, pending: list[_PendingRecord]) -> list[_PendingRecord]:
        """Build each instance and check it with the model's own field and record rules."""
        model = record_type.model
        shape = self._shape(record_type)
        good = []
        for item in pending:
            values = item.values
            # Built as the database would load it: Model.__init__ costs more than the checks that follow.
            instance = model.__new__(model)
            instance._state = ModelState()
            instance.__dict__.update((name, values.get(name, default)) for name, default in shape.defaults)
            instance.uuid = item.key
            for name, key in item.references.items():
                target = record_type.target(name)
                stored = None if key is None else self.found[target][key]
                if target.model in (Source, Position):
                    setattr(instance, name, stored)
                elif name in record_type.self_references and stored is not None:
                    # The target is stored and this record is new, so nothing points back at it yet and no
                    # cycle can close: the walk in clean() may stop at the target instead of loading its chain.
                    setattr(instance, name, _stored_stub(model, stored, record_type.self_references))
                else:
                    instance.__dict__[f"{name}_id"] = stored
            try:
                shape.checks.clean(instance)
                _clean_record(instance)
                # The hash a file gives is of its body as written there, which may be before normalisation
                # (hashed again only then).
                given_hash = item.values.get("content_hash")
                if (
                    model is Source
                    and given_hash != instance.content_hash
                    and given_hash != content_hash_of(item.values["body"])
                ):
                    raise ValidationError({"content_hash": "does not match the body (SHA-256 of its UTF-8 text)"})
                aliases = [record_type.alias_model(name=name) for name in item.aliases] if item.aliases else []
                for alias in aliases:
                    alias.clean()
                if len({alias.name for alias in aliases}) != len(aliases):
                    raise ValidationError({"aliases": "the same alias is given twice"})
            except ValidationError as problem:
                self._reject(record_type, item, describe_error(problem))
                continue
            item.instance = instance
            item.aliases = [alias.name for alias in aliases]
            good.append(item)
        return good

    def _shape(self, record_type: RecordType) -> "RecordShape":
        shape = self.shapes.get(record_type.name)
        if shape is None:
            shape = self.shapes[record_type.name] = RecordShape(record_type)
        return shape

    def _unique(self, record_type: RecordType, pending: list[_PendingRecord]) -> list[_PendingRecord]:
        """Refuse values that must be unique and are taken, in this batch or in the database: one query per field."""
        model = record_type.model
        unique_fields = [
            f.name for f in model._meta.concrete_fields if f.unique and not f.primary_key and f.name != "uuid"
        ]
        bad: set[str] = set()
        for name in unique_fields:
            holders: dict[Any, _PendingRecord] = {}
            for item in pending:
                value = getattr(item.instance, name)
                if value is None or item.key in bad:
                    continue
                if value in holders:
                    self._reject(record_type, item, f"{name}: {value!r} is already used on line {holders[value].line}")
                    bad.add(item.key)
                else:
                    holders[value] = item
            taken = model._default_manager.filter(**{f"{name}__in": list(holders)}).values_list(name, "uuid")
            for value, holder in taken:
                item = holders[value]
                self._reject(record_type, item, f"{name}: {value!r} is already used by {record_type.name} {holder}")
                bad.add(item.key)
        return [item for item in pending if item.key not in bad]

    def _write(self, record_type: RecordType, pending: list[_PendingRecord]) -> None:
        if not pending:
            return
        try:
            with transaction.atomic():
                self._insert(record_type, pending)
            return
        except IntegrityError:
            pass
        # Validation missed something only the database saw; find the records it concerns one by one.
        for item in pending:
            try:
                with transaction.atomic():
                    self._insert(record_type, [item])
            except IntegrityError as problem:
                self._reject(record_type, item, f"the database refused it: {problem}")

    def _insert(self, record_type: RecordType, pending: list[_PendingRecord]) -> None:
        """Insert records with their aliases, participants and to-many links, each row with its history row."""
        shape = self._shape(record_type)
        instances = [item.instance for item in pending]
        for instance, pk in zip(instances, shape.rows.allocate_ids(len(instances)), strict=True):
            instance.pk = pk
        history_ids = shape.history.write_for(instances, self.history_stamp)
        shape.rows.write([row_of(instance, shape.rows) for instance in instances])
        if record_type.alias_model is not None:
            aliases = [
                record_type.alias_model(**{shape.alias_owner: item.instance.pk, "name": name}, normalized_name="")
                for item in pending
                for name in item.aliases
            ]
            for alias in aliases:
                alias.clean()
            self._write_with_history(shape.aliases, shape.alias_history, aliases)
        if record_type.has_participants:
            actors = self.found.get(TYPE_BY_NAME["actor"], {})
            participations = [
                Participation(communication_id=item.instance.pk, actor_id=actors[actor_key], role=role)
                for item in pending
                for actor_key, role in item.participants
            ]
            self._write_with_history(shape.participations, shape.participation_history, participations)
        for name, (links, link_history) in shape.links.items():
            self._insert_links(record_type, name, pending, links, link_history, history_ids)
        self.report.created[record_type.name] += len(pending)

    def _write_with_history(self, rows: TableWriter, history: "HistoryWriter", instances: list) -> None:
        for instance, pk in zip(instances, rows.allocate_ids(len(instances)), strict=True):
            instance.pk = pk
        rows.write([row_of(instance, rows) for instance in instances])
        history.write_for(instances, self.history_stamp)

    def _insert_links(self, record_type, name, pending, links: TableWriter, link_history, history_ids) -> None:
        found = self.found[record_type.target(name)]
        pairs = [
            (item.instance.pk, getattr(found[key], "pk", found[key])) for item in pending for key in item.many[name]
        ]
        ids = links.allocate_ids(len(pairs))
        # Link rows are (id, owner, member) in the through table's order; their history adds the owner's record.
        links.write([(pk, owner, member) for pk, (owner, member) in zip(ids, pairs, strict=True)])
        if link_history is not None:
            link_history.write(
                [(pk, owner, member, history_ids[owner]) for pk, (owner, member) in zip(ids, pairs, strict=True)]
            )


def _is_key_in(raw: Any, batch: dict[str, _PendingRecord]) -> bool:
    try:
        return raw is not None and key_text(raw) in batch
    except ValueError:
        return False


def _stored_stub(model: type[models.Model], pk: int, links: tuple[str, ...]) -> models.Model:
    stub = model(pk=pk)
    for name in links:
        stub._state.fields_cache[name] = None
    return stub


def _clean_record(instance: models.Model) -> None:
    """The model's own record rules, without the queries that would make an import one query per row."""
    if isinstance(instance, Source):
        # Source.clean() looks up duplicates row by row; the import checks unique values per batch instead.
        DatedModel.clean(instance)
        if instance.url == "":
            instance.url = None
        if not instance.body.strip():
            raise ValidationError({"body": "A source needs its text."})
        instance.derive_from_body()
        return
    instance.clean()


def _canonical(record_type: RecordType, item: _PendingRecord) -> dict[str, Any]:
    """The record as an export would write it, so that equal data compares equal however it was spelled."""
    model = record_type.model
    record: dict[str, Any] = {"type": record_type.name, "key": str(item.key)}
    for name in record_type.fields:
        record[name] = encode_value(model._meta.get_field(name), item.values[name])
    for name, key in item.references.items():
        record[name] = None if key is None else str(key)
    for name, keys in item.many.items():
        record[name] = sorted(map(str, keys))
    if record_type.alias_model is not None:
        record["aliases"] = sorted(" ".join(name.split()) for name in item.aliases)
    if record_type.has_participants:
        participants = [{"actor": str(key), "role": role} for key, role in item.participants]
        record["participants"] = sorted(participants, key=lambda p: (p["actor"], p["role"]))
    return record


def _differences(stored: dict[str, Any], given: dict[str, Any]) -> list[str]:
    return sorted(name for name in stored if stored[name] != given.get(name))

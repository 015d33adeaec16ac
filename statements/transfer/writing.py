"""How an import writes one record type, worked out once: its rows, their history, aliases, participations and links."""

from typing import Any

from django.db import models

from statements.models import Participation
from statements.transfer.bulk import FieldChecks, TableWriter
from statements.transfer.records import RecordType, alias_owner


class HistoryWriter:
    """Writes the historical record of each new row: its values as inserted, the import's date, reason and user."""

    def __init__(self, model: type[models.Model]):
        self.model = model.history.model
        self.rows = TableWriter(self.model)
        tracked = {field.attname for field in self.model.tracked_fields}
        self.sources = [attname if attname in tracked else None for attname in self.rows.attnames]

    def write_for(self, instances: list[models.Model], stamp: dict[str, Any]) -> dict[int, int]:
        """Write the rows' historical records; the id of each record, by the row's id."""
        ids = self.rows.allocate_ids(len(instances))
        rows = []
        for instance, history_id in zip(instances, ids, strict=True):
            values = instance.__dict__
            record = {**stamp, "history_id": history_id}
            rows.append(tuple(values[source] if source else record[name] for source, name in self._columns()))
        self.rows.write(rows)
        return {instance.pk: history_id for instance, history_id in zip(instances, ids, strict=True)}

    def _columns(self):
        return zip(self.sources, self.rows.attnames, strict=True)


class RecordShape:
    """What the import needs to know of one record type, worked out once: instance order, checks, writers."""

    def __init__(self, record_type: RecordType):
        model = record_type.model
        self.defaults = [
            (field.attname, None if field.primary_key else field.get_default()) for field in model._meta.concrete_fields
        ]
        # Relations were resolved: the checks cover the fields of the record itself.
        self.checks = FieldChecks(model, exclude=[*record_type.references, "created_by", "updated_by"])
        self.rows = TableWriter(model)
        self.history = HistoryWriter(model)
        self.alias_owner = f"{alias_owner(record_type)}_id" if record_type.alias_model is not None else None
        if record_type.alias_model is not None:
            self.aliases = TableWriter(record_type.alias_model)
            self.alias_history = HistoryWriter(record_type.alias_model)
        if record_type.has_participants:
            self.participations = TableWriter(Participation)
            self.participation_history = HistoryWriter(Participation)
        tracked = {m2m.name for m2m in getattr(model.history.model, "_history_m2m_fields", [])}
        self.links = {}
        for name in record_type.many:
            through = model._meta.get_field(name).remote_field.through
            link_history = None
            if name in tracked:
                # django-simple-history names the history of a to-many relation "<historical model>_<relation>".
                history_model = model.history.model
                link_history_model = history_model._meta.apps.get_model(
                    history_model._meta.app_label, f"{history_model.__name__}_{name}"
                )
                link_history = TableWriter(link_history_model, without=["m2m_history_id"])
            self.links[name] = (TableWriter(through), link_history)


def row_of(instance: models.Model, writer: TableWriter) -> tuple:
    """The instance's values in the order of the writer's columns."""
    values = instance.__dict__
    return tuple(values[attname] for attname in writer.attnames)

"""Edit history of a record, and statements deleted but recoverable from it."""

from rest_framework import serializers

from api.serializers.fields import CuratorNameField
from statements.history import HISTORY_TYPE_NAMES

HISTORY_TYPES = [(name, name) for name in HISTORY_TYPE_NAMES.values()]


class FieldChangeSerializer(serializers.Serializer):
    """One field's value before and after a change."""

    field = serializers.CharField(help_text="The field's name, as in the resource (relations by their ids).")
    old = serializers.JSONField(
        allow_null=True, help_text="The value before; null when created. To-many fields are lists of ids."
    )
    new = serializers.JSONField(allow_null=True, help_text="The value after. Dates and times are ISO 8601 strings.")


class HistoryEntrySerializer(serializers.Serializer):
    """One change to a record: when, of what kind, by whom, why, and which fields it changed."""

    history_id = serializers.IntegerField(help_text="Identifier of the historical record.")
    history_date = serializers.DateTimeField(help_text="When the change was made.")
    history_type = serializers.ChoiceField(
        choices=HISTORY_TYPES, help_text="Whether the record was created, changed or deleted."
    )
    history_user = CuratorNameField(what="made the change")
    change_reason = serializers.CharField(
        allow_null=True, help_text="Why, when recorded: the command or import that made it, or a restore."
    )
    changes = FieldChangeSerializer(
        many=True,
        help_text="Fields that differ from the record before; for a creation, the values given; for a deletion, none.",
    )


class DeletedStatementSerializer(serializers.Serializer):
    """A deleted statement as its last historical record has it; restore it by its id."""

    id = serializers.IntegerField(help_text="The id it had, and will have again when restored.")
    uuid = serializers.UUIDField()
    kind = serializers.CharField()
    text = serializers.CharField()
    speaker = serializers.IntegerField(source="speaker_id", allow_null=True, help_text="Id of the speaker.")
    speaker_as_written = serializers.CharField()
    source = serializers.IntegerField(source="source_id", allow_null=True, help_text="Id of the source.")
    deleted_at = serializers.DateTimeField(source="history_date")
    deleted_by = CuratorNameField(what="deleted it", source="history_user")
    history_id = serializers.IntegerField(help_text="The historical record of the deletion.")

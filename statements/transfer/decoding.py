"""Decoding the values of an import's lines, each refusal worded to name the field."""

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models

from statements.choices import ParticipantRole
from statements.transfer.records import decode_value, key_text


class RecordError(Exception):
    pass


def decode_checked(name: str, model_field: models.Field | None, raw: Any) -> Any:
    try:
        return key_text(raw) if model_field is None else decode_value(model_field, raw)
    except ValueError as problem:
        raise RecordError(f"{name}: {problem}") from None


def decode_key_list(name: str, raw: Any) -> list[str]:
    if not isinstance(raw, list):
        raise RecordError(f"{name}: must be a list of keys")
    keys = [decode_checked(name, None, item) for item in raw]
    if len(set(keys)) != len(keys):
        raise RecordError(f"{name}: a key is listed twice")
    return keys


def decode_aliases(raw: Any) -> list[str]:
    if not isinstance(raw, list) or not all(isinstance(name, str) for name in raw):
        raise RecordError("aliases: must be a list of strings")
    return raw


def decode_participants(raw: Any) -> list[tuple[str, str]]:
    if not isinstance(raw, list):
        raise RecordError("participants: must be a list of {actor, role} objects")
    participants = []
    for entry in raw:
        if not isinstance(entry, dict) or set(entry) != {"actor", "role"} or not isinstance(entry["role"], str):
            raise RecordError('participants: each is an object {"actor": key, "role": role}')
        participants.append((decode_checked("participants", None, entry["actor"]), entry["role"]))
    if unknown := {role for _, role in participants} - set(ParticipantRole.values):
        raise RecordError(f"participants: {', '.join(sorted(unknown))} is not a participant role")
    if len(set(participants)) != len(participants):
        raise RecordError("participants: an actor is listed twice in the same role")
    return participants


def describe_error(error: ValidationError) -> str:
    if not hasattr(error, "error_dict"):
        return "; ".join(error.messages)
    parts = []
    for name, messages in error.message_dict.items():
        text = " ".join(messages)
        parts.append(text if name == NON_FIELD_ERRORS else f"{name}: {text}")
    return "; ".join(parts)

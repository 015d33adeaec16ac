"""Writes of sources."""

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from statements.conflicts import claim_version
from statements.history import attribute_to, one_history_record
from statements.models import Actor, Source
from statements.services.records import set_relations, update_fields, validated_save


@transaction.atomic
def source_create(
    *,
    kind: str,
    title: str,
    body: str,
    url: str | None = None,
    publisher: Actor | None = None,
    authors: Iterable[Actor] = (),
    date=None,
    date_precision: str = "unknown",
    date_expression: str = "",
    language: str = "en",
    image_credit: str = "",
    user=None,
) -> Source:
    """Record a source document; the same body text cannot be stored twice."""
    source = Source(
        kind=kind,
        title=title,
        body=body,
        url=url or None,
        publisher=publisher,
        date=date,
        date_precision=date_precision,
        date_expression=date_expression,
        language=language,
        image_credit=image_credit,
    )
    with one_history_record(attribute_to(source, user)):
        validated_save(source)
        source.authors.set(authors)
    return source


@transaction.atomic
def source_update(
    *,
    source: Source,
    authors: Iterable[Actor] | None = None,
    user=None,
    expected_version: int | None = None,
    **fields: Any,
) -> Source:
    """Change a source's fields and, when given, its authors."""
    claim_version(source, expected_version)
    update_fields(source, fields)
    with one_history_record(attribute_to(source, user)):
        validated_save(source)
        set_relations(source, {"authors": authors})
    return source

"""The add-a-resource checklist of CONTRIBUTING.md, checked: every curated type has each piece it needs.

`missing_pieces(model)` names what a curated model lacks: an API filterset that filters its
relations, choices and dates; an admin with search and history; edit history; a place in the
export/import order; a schema component; a merge rule for each of its references to an actor.
A new type that forgets one fails here with the piece named, rather than at a user's first try.
"""

from pathlib import Path

import pytest
import yaml
from django.contrib import admin
from django.db import models
from simple_history.admin import SimpleHistoryAdmin

from api.urls import router
from statements import merging
from statements.models import Actor, Communication
from statements.transfer.records import RECORD_TYPES, TYPE_OF_MODEL

SCHEMA = Path(__file__).resolve().parents[1] / "api" / "openapi.yaml"

#: Fields a filterset need not filter, by model, with the reason (as NetBox lists its exceptions).
NOT_FILTERED = {
    "actor": {"merged_into": "merged actors are left out of lists; `include_merged` shows them"},
    "position": {
        "start_date": "`held_on` filters by the tenure the two dates give",
        "end_date": "`held_on` filters by the tenure the two dates give",
    },
    "source": {"date_precision": "the date range filters by the date itself"},
    "communication": {
        "date_precision": "the date range filters by the date itself",
        "duration_according_to": "rarely set: who reported a duration is read on the record",
        "sources": "`source` filters by the sources that report it",
        "participants": "`participant` and `participant_role` filter by participation",
    },
    "statement": {
        "date_precision": "the date range filters by the date itself",
        "position": "a position belongs to its holder: filter by `speaker`",
        "in_reply_to": "replies are read on the statement answered",
        "addressees": "`addressee` filters by it",
        "mentioned_actors": "`mentioned_actor` filters by it",
        "mentioned_places": "`place` filters by mentions and the communication's place",
        "topics": "`topic` filters by it, narrower topics included",
    },
}


def curated_models() -> list[type[models.Model]]:
    """The curated record types: every type the dataset's export writes."""
    return [record_type.model for record_type in RECORD_TYPES]


def filterable_fields(model: type[models.Model]) -> set[str]:
    """The fields a reader filters by: relations (but who curated it), fields with choices, and dates."""
    names = set()
    for field in model._meta.get_fields():
        if field.auto_created and not field.concrete:
            continue  # reverse relations
        related = field.is_relation and field.name not in ("created_by", "updated_by")
        dated = isinstance(field, models.DateField) and field.name not in ("created_at", "updated_at")
        if related or dated or getattr(field, "choices", None):
            names.add(field.name)
    return names


def filtered_fields(filterset_class) -> set[str]:
    """The model fields a filterset filters, by filter name or by the field a filter reads."""
    filters = filterset_class.base_filters
    names = set(filters)
    for name, declared in filters.items():
        names.add(declared.field_name.split("__")[0])
        if name.endswith(("_after", "_before")):
            names.add(name.rsplit("_", 1)[0])
    return names


def viewset_of(model: type[models.Model]):
    for _prefix, viewset, _basename in router.registry:
        queryset = getattr(viewset, "queryset", None)
        if queryset is not None and queryset.model is model:
            return viewset
    return None


def actor_references(model: type[models.Model]) -> set[str]:
    """The fields by which a record of `model` refers to an actor."""
    return {
        field.name
        for field in model._meta.get_fields()
        if field.concrete and field.is_relation and field.related_model is Actor
    } - {"created_by", "updated_by"}


def merge_rules() -> set[tuple[type[models.Model], str]]:
    """The (model, field) pairs a merge moves."""
    rules = {(model, field) for _key, model, field in merging.SNAPSHOT_FOREIGN_KEYS}
    rules |= {(model, field) for _key, model, field in merging.MANY_TO_MANY}
    rules |= {(model, field) for _key, model, field in merging.BULK_FOREIGN_KEYS}
    if "participation.actor" in merging.RELATION_KEYS:
        rules.add((Communication, "participants"))  # moved as the participations that hold it
    return rules


def schema_components() -> set[str]:
    return set(yaml.safe_load(SCHEMA.read_text())["components"]["schemas"])


def missing_pieces(model: type[models.Model]) -> list[str]:
    """What a curated model lacks of the checklist, each named so that the fix is plain."""
    name = model._meta.model_name
    missing = []
    viewset = viewset_of(model)
    if viewset is None:
        missing.append(f"{name}: no API viewset registered in api/urls.py")
    elif getattr(viewset, "filterset_class", None) is None:
        missing.append(f"{name}: its viewset has no filterset_class (api/filtersets.py)")
    else:
        unfiltered = (
            filterable_fields(model) - filtered_fields(viewset.filterset_class) - set(NOT_FILTERED.get(name, {}))
        )
        missing += [f"{name}: the filterset does not filter `{field}`" for field in sorted(unfiltered)]
    model_admin = admin.site._registry.get(model)
    if model_admin is None:
        missing.append(f"{name}: no admin registered (statements/admin/)")
    else:
        if not model_admin.search_fields:
            missing.append(f"{name}: its admin has no search_fields")
        if not isinstance(model_admin, SimpleHistoryAdmin):
            missing.append(f"{name}: its admin shows no history (derive it from RecordAdmin)")
    if not hasattr(model, "history"):
        missing.append(f"{name}: no edit history (history = edit_history(...) on the model)")
    if model not in TYPE_OF_MODEL:
        missing.append(f"{name}: no place in the export/import order (statements/transfer/records.py)")
    if model.__name__ not in schema_components():
        missing.append(f"{name}: no `{model.__name__}` component in api/openapi.yaml (make schema)")
    rules = merge_rules()
    missing += [
        f"{name}: no merge rule for `{field}`, a reference to an actor (statements/merging.py)"
        for field in sorted(actor_references(model))
        if (model, field) not in rules
    ]
    return missing


@pytest.mark.parametrize("model", curated_models(), ids=lambda model: model._meta.model_name)
def test_every_curated_type_has_every_piece_of_the_checklist(model):
    assert missing_pieces(model) == []


def test_the_exceptions_name_fields_that_exist():
    for name, fields in NOT_FILTERED.items():
        model = next(model for model in curated_models() if model._meta.model_name == name)
        assert set(fields) <= filterable_fields(model), name


def test_the_checklist_names_each_missing_piece(monkeypatch):
    from statements.models import Statement

    statement_admin = admin.site._registry[Statement]
    monkeypatch.setattr(statement_admin, "search_fields", [])
    monkeypatch.delitem(TYPE_OF_MODEL, Statement)
    kept_rules = [rule for rule in merging.SNAPSHOT_FOREIGN_KEYS if rule[2] != "speaker"]
    monkeypatch.setattr(merging, "SNAPSHOT_FOREIGN_KEYS", kept_rules)
    monkeypatch.delitem(viewset_of(Statement).filterset_class.base_filters, "kind")

    assert missing_pieces(Statement) == [
        "statement: the filterset does not filter `kind`",
        "statement: its admin has no search_fields",
        "statement: no place in the export/import order (statements/transfer/records.py)",
        "statement: no merge rule for `speaker`, a reference to an actor (statements/merging.py)",
    ]

"""Merging actors through the API: who may, what it answers, and how a merged actor's address keeps working."""

import pytest
from django.contrib.auth.models import Permission

from statements import services
from statements.models import Actor, ActorMerge, Statement
from tests.api.helpers import API, error_attrs, ids
from tests.factories import ActorFactory, StatementFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair():
    """A duplicate that spoke once, and the actor to keep."""
    keep = ActorFactory(name="Benjamin Netanyahu")
    duplicate = ActorFactory(name="Binyamin Netanyahu", wikidata_id="Q43723")
    StatementFactory(speaker=duplicate)
    return keep, duplicate


def test_merge_answers_with_the_merge_record(curator_client, curator, pair):
    keep, duplicate = pair

    response = curator_client.post(f"{API}/actors/{duplicate.pk}/merge/", {"into": keep.pk}, format="json")

    assert response.status_code == 200, response.json()
    body = response.json()
    merge = ActorMerge.objects.get()
    assert body["id"] == merge.pk
    assert (body["merged"]["id"], body["into"]["id"]) == (duplicate.pk, keep.pk)
    assert body["moved"] == {"statement.speaker": 1, "actor_alias.added": 1}
    assert (body["merged_by"], body["undone_at"], body["undone_by"]) == ("curator", None, None)
    assert body["api_url"].endswith(f"/api/v1/actor-merges/{merge.pk}/")
    assert Statement.objects.get().speaker == keep


def test_merged_actor_keeps_its_address_and_leaves_the_default_list(api_client, pair):
    keep, duplicate = pair
    services.actor_merge(merged=duplicate, into=keep)

    detail = api_client.get(f"{API}/actors/{duplicate.pk}/")
    default_list = api_client.get(f"{API}/actors/")
    full_list = api_client.get(f"{API}/actors/", {"include_merged": "true"})

    assert detail.status_code == 200
    assert detail.json()["merged_into"]["id"] == keep.pk
    assert api_client.get(f"{API}/actors/{keep.pk}/").json()["merged_into"] is None
    assert ids(default_list) == [keep.pk]
    assert sorted(ids(full_list)) == sorted([keep.pk, duplicate.pk])
    assert ids(api_client.get(f"{API}/actors/", {"include_merged": "false"})) == [keep.pk]


@pytest.mark.parametrize(
    ("into", "attr"),
    [
        ("self", "into"),
        (999999, "into"),
        ("merged", "into"),
        ("7", "into"),
        (None, "into"),
    ],
    ids=["itself", "missing", "merged-target", "string", "null"],
)
def test_bad_target_is_400_naming_into(curator_client, pair, into, attr):
    keep, duplicate = pair
    if into == "self":
        into = duplicate.pk
    elif into == "merged":
        into = keep.pk
        services.actor_merge(merged=keep, into=ActorFactory())

    response = curator_client.post(f"{API}/actors/{duplicate.pk}/merge/", {"into": into}, format="json")

    assert response.status_code == 400
    assert error_attrs(response) == {attr}
    assert Actor.objects.get(pk=duplicate.pk).merged_into is None


def test_merging_an_actor_already_merged_is_400(curator_client, pair):
    keep, duplicate = pair
    services.actor_merge(merged=duplicate, into=keep)

    response = curator_client.post(f"{API}/actors/{duplicate.pk}/merge/", {"into": ActorFactory().pk}, format="json")

    assert response.status_code == 400
    assert "already merged" in response.json()["errors"][0]["detail"]


def test_merge_needs_the_change_actor_permission(api_client, reader, reader_client, pair):
    keep, duplicate = pair
    url = f"{API}/actors/{duplicate.pk}/merge/"

    assert api_client.post(url, {"into": keep.pk}, format="json").status_code == 401
    assert reader_client.post(url, {"into": keep.pk}, format="json").status_code == 403
    reader.user_permissions.add(Permission.objects.get(codename="add_actor"))
    assert reader_client.post(url, {"into": keep.pk}, format="json").status_code == 403
    assert not ActorMerge.objects.exists()

    reader.user_permissions.add(Permission.objects.get(codename="change_actor"))
    del reader._perm_cache, reader._user_perm_cache
    assert reader_client.post(url, {"into": keep.pk}, format="json").status_code == 200


def test_merging_a_missing_actor_is_404(curator_client, pair):
    response = curator_client.post(f"{API}/actors/999999/merge/", {"into": pair[0].pk}, format="json")

    assert response.status_code == 404


def test_undo_through_the_api(curator_client, reader_client, pair):
    keep, duplicate = pair
    merge = services.actor_merge(merged=duplicate, into=keep)
    url = f"{API}/actor-merges/{merge.pk}/undo/"

    assert reader_client.post(url).status_code == 403
    response = curator_client.post(url)
    again = curator_client.post(url)

    assert response.status_code == 200
    assert response.json()["undone_by"] == "curator"
    assert Actor.objects.get(pk=duplicate.pk).merged_into is None
    assert Statement.objects.get().speaker == duplicate
    assert again.status_code == 400
    assert "already undone" in again.json()["errors"][0]["detail"]


def test_merge_log_lists_and_filters(api_client, pair):
    keep, duplicate = pair
    other = ActorFactory()
    first = services.actor_merge(merged=duplicate, into=keep)
    second = services.actor_merge(merged=other, into=keep)
    services.actor_merge_undo(merge=second)

    assert ids(api_client.get(f"{API}/actor-merges/")) == [second.pk, first.pk]
    assert ids(api_client.get(f"{API}/actor-merges/", {"merged": duplicate.pk})) == [first.pk]
    assert ids(api_client.get(f"{API}/actor-merges/", {"undone": "true"})) == [second.pk]
    assert ids(api_client.get(f"{API}/actor-merges/", {"undone": "false"})) == [first.pk]
    assert api_client.get(f"{API}/actor-merges/{first.pk}/").json()["moved"] == {
        "statement.speaker": 1,
        "actor_alias.added": 1,
    }


@pytest.mark.parametrize(("path", "parameter"), [("actors", "include_merged"), ("actor-merges", "undone")])
@pytest.mark.parametrize("value", ["yes", "1", "True"])
def test_boolean_filters_take_only_true_or_false(api_client, path, parameter, value):
    response = api_client.get(f"{API}/{path}/", {parameter: value})

    assert response.status_code == 400
    assert error_attrs(response) == {parameter}

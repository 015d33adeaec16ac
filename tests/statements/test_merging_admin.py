"""Merging actors in the admin: the duplicates page, a confirmed merge, the merge action, the merge log and its undo."""

import pytest
from django.contrib.admin import helpers
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils.html import escape

from statements import services
from statements.models import Actor, ActorMerge, Statement
from tests.factories import ActorAliasFactory, ActorFactory, StatementFactory

pytestmark = pytest.mark.django_db

DUPLICATES = reverse("admin:statements_actor_duplicates")
ACTORS = reverse("admin:statements_actor_changelist")
MERGES = reverse("admin:statements_actormerge_changelist")


def merge_url(merged: Actor, into: Actor) -> str:
    return reverse("admin:statements_actor_merge", args=[merged.pk, into.pk])


@pytest.fixture
def staff_client(client, django_user_model):
    """A staff user who may view actors but not change them."""
    user = django_user_model.objects.create_user("staff", password="staff-password", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_actor", "view_actormerge"], content_type__app_label="statements")
    )
    client.force_login(user)
    return client


def test_duplicates_page_lists_name_and_alias_look_alikes_only(admin_client):
    kept_a, duplicate_a = ActorFactory(name="Joe Biden"), ActorFactory(name="JOE BIDEN")
    kept_b = ActorFactory(name="Benjamin Netanyahu")
    ActorAliasFactory(actor=kept_b, name="Bibi")
    duplicate_b = ActorFactory(name="Binyamin Netanyahu")
    ActorAliasFactory(actor=duplicate_b, name="bibi")
    unrelated = ActorFactory(name="Emmanuel Macron")

    response = admin_client.get(DUPLICATES)

    assert response.status_code == 200
    groups = {entry["group"].actors for entry in response.context["groups"]}
    assert groups == {(kept_a, duplicate_a), (kept_b, duplicate_b)}
    html = response.content.decode()
    assert escape('Benjamin Netanyahu and Binyamin Netanyahu: shared alias "bibi"') in html
    assert unrelated.name not in html


def test_four_identical_actors_are_one_group_showing_what_tells_them_apart(admin_client, django_assert_max_num_queries):
    actors = [ActorFactory(name="Joe Biden", country="US") for _ in range(3)] + [ActorFactory(name="JOE BIDEN")]
    StatementFactory.create_batch(2, speaker=actors[1])
    ActorAliasFactory(actor=actors[2], name="Uncle Joe")

    with django_assert_max_num_queries(12):
        response = admin_client.get(DUPLICATES)

    [entry] = response.context["groups"]
    assert entry["group"].actors == tuple(actors)
    assert entry["rows"][1] == (actors[1], 2)
    html = response.content.decode()
    assert html.count('class="module duplicate-group"') == 1
    assert html.count('name="keep"') == 4
    for text in ("United States of America", "Uncle Joe", f"<td>{actors[3].pk}</td>", "Added"):
        assert text in html


def test_a_group_is_merged_in_one_step_into_the_actor_chosen(admin_client):
    actors = [ActorFactory(name="Joe Biden") for _ in range(3)]
    StatementFactory(speaker=actors[0])
    form = admin_client.get(DUPLICATES)
    assert form.status_code == 200

    response = admin_client.post(
        ACTORS,
        {
            "action": "merge_selected",
            "post": "yes",
            "from_duplicates": "1",
            "keep": actors[2].pk,
            helpers.ACTION_CHECKBOX_NAME: [actor.pk for actor in actors],
        },
    )

    assert response.status_code == 302
    assert response["Location"] == DUPLICATES
    assert set(Actor.objects.filter(merged_into=actors[2]).values_list("pk", flat=True)) == {actors[0].pk, actors[1].pk}
    assert Statement.objects.get().speaker == actors[2]
    assert ActorMerge.objects.count() == 2
    assert admin_client.get(DUPLICATES).context["groups"] == []


def test_adding_an_actor_named_like_an_existing_one_asks_for_confirmation(admin_client):
    existing = ActorFactory(name="Joe Biden")
    ActorAliasFactory(actor=ActorFactory(name="Joseph R. Biden"), name="Sleepy Joe")
    add = reverse("admin:statements_actor_add")
    data = {
        "kind": "person",
        "aliases-TOTAL_FORMS": "0",
        "aliases-INITIAL_FORMS": "0",
        "positions-TOTAL_FORMS": "0",
        "positions-INITIAL_FORMS": "0",
    }

    for name, slug in (("JOE BIDEN", "joe-biden-2"), ("sleepy joe", "sleepy-joe")):
        refused = admin_client.post(add, {**data, "name": name, "slug": slug})
        assert refused.status_code == 200, name
        [error] = refused.context["adminform"].form.errors.as_data()["name"]
        assert error.code == "looks_like_an_existing_actor"
        assert "Add even if it looks like an existing actor" in refused.content.decode()
    assert (
        f'href="{reverse("admin:statements_actor_change", args=[existing.pk])}"'
        in admin_client.post(add, {**data, "name": "Joe Biden", "slug": "joe-biden-2"}).content.decode()
    )

    confirmed = admin_client.post(add, {**data, "name": "JOE BIDEN", "slug": "joe-biden-2", "create_anyway": "on"})
    assert confirmed.status_code == 302
    assert Actor.objects.filter(name="JOE BIDEN").exists()
    unlike = admin_client.post(add, {**data, "name": "Jill Biden", "slug": "jill-biden"})
    assert unlike.status_code == 302


def test_actor_changelist_links_to_the_duplicates_page_for_those_who_may_merge(admin_client, staff_client):
    assert DUPLICATES in admin_client.get(ACTORS).content.decode()
    assert DUPLICATES not in staff_client.get(ACTORS).content.decode()


def test_confirm_then_merge(admin_client, admin_user):
    keep, duplicate = ActorFactory(name="Joe Biden"), ActorFactory(name="Biden")
    StatementFactory(speaker=duplicate)

    confirmation = admin_client.get(merge_url(duplicate, keep))
    assert confirmation.status_code == 200
    assert "Statements spoken: 1" in confirmation.content.decode()
    assert not ActorMerge.objects.exists()

    response = admin_client.post(merge_url(duplicate, keep))

    assert response.status_code == 302
    assert response.url == reverse("admin:statements_actor_change", args=[keep.pk])
    merge = ActorMerge.objects.get()
    assert (merge.merged, merge.into, merge.merged_by) == (duplicate, keep, admin_user)
    assert Statement.objects.get().speaker == keep


def test_a_refused_merge_shows_why(admin_client):
    keep = ActorFactory()
    duplicate = ActorFactory()
    services.actor_merge(merged=keep, into=ActorFactory())

    response = admin_client.post(merge_url(duplicate, keep))

    assert response.status_code == 200
    assert any("itself merged" in str(message) for message in get_messages(response.wsgi_request))
    assert Actor.objects.get(pk=duplicate.pk).merged_into is None


def test_merge_action_asks_which_actor_to_keep(admin_client):
    keep, first, second = ActorFactory(name="Joe Biden"), ActorFactory(name="Biden"), ActorFactory(name="J. Biden")
    selected = [keep.pk, first.pk, second.pk]

    choice = admin_client.post(ACTORS, {"action": "merge_selected", helpers.ACTION_CHECKBOX_NAME: selected})
    assert choice.status_code == 200
    assert [actor for actor, _ in choice.context["actors"]] == [first, second, keep]
    assert not ActorMerge.objects.exists()

    response = admin_client.post(
        ACTORS,
        {"action": "merge_selected", helpers.ACTION_CHECKBOX_NAME: selected, "post": "yes", "keep": keep.pk},
    )

    assert response.status_code == 302
    assert set(Actor.objects.filter(merged_into=keep)) == {first, second}
    assert ActorMerge.objects.count() == 2


def test_merge_action_needs_two_actors(admin_client):
    actor = ActorFactory()

    response = admin_client.post(
        ACTORS, {"action": "merge_selected", helpers.ACTION_CHECKBOX_NAME: [actor.pk]}, follow=True
    )

    assert "at least two" in response.content.decode()


def test_merged_actors_are_left_out_of_the_changelist_unless_asked(admin_client):
    keep, duplicate = ActorFactory(), ActorFactory()
    services.actor_merge(merged=duplicate, into=keep)

    def listed(query=""):
        return {actor.pk for actor in admin_client.get(ACTORS + query).context["cl"].result_list}

    assert listed() == {keep.pk}
    assert listed("?merged=yes") == {duplicate.pk}
    assert listed("?merged=all") == {keep.pk, duplicate.pk}


def test_merged_actor_change_page_links_to_the_actor_kept(admin_client):
    keep, duplicate = ActorFactory(name="Joe Biden"), ActorFactory(name="Biden")
    services.actor_merge(merged=duplicate, into=keep)

    merged_page = admin_client.get(reverse("admin:statements_actor_change", args=[duplicate.pk])).content.decode()
    kept_page = admin_client.get(reverse("admin:statements_actor_change", args=[keep.pk])).content.decode()

    assert reverse("admin:statements_actor_change", args=[keep.pk]) in merged_page
    assert "This actor is a duplicate" in merged_page
    assert "This actor is a duplicate" not in kept_page


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("page", ["duplicates", "merge"])
def test_merging_needs_the_change_actor_permission(staff_client, method, page):
    keep, duplicate = ActorFactory(), ActorFactory()
    url = DUPLICATES if page == "duplicates" else merge_url(duplicate, keep)

    response = getattr(staff_client, method)(url)

    assert response.status_code == 403
    assert not ActorMerge.objects.exists()


def test_merge_action_and_undo_action_need_the_change_actor_permission(staff_client):
    keep, duplicate = ActorFactory(), ActorFactory()
    merge = services.actor_merge(merged=duplicate, into=keep)

    def offered_actions(url):
        form = staff_client.get(url).context["action_form"]
        return set(dict(form.fields["action"].choices)) if form is not None else set()

    assert "merge_selected" not in offered_actions(ACTORS)
    assert "undo_merges" not in offered_actions(MERGES)
    response = staff_client.post(MERGES, {"action": "undo_merges", helpers.ACTION_CHECKBOX_NAME: [merge.pk]})
    assert ActorMerge.objects.get(pk=merge.pk).undone_at is None
    assert response.status_code in {200, 302}


def test_merge_log_undo_action_undoes_newest_first(admin_client, admin_user):
    keep, duplicate, other = ActorFactory(), ActorFactory(), ActorFactory()
    first = services.actor_merge(merged=duplicate, into=keep)
    second = services.actor_merge(merged=keep, into=other)  # the kept actor merged in turn: undo this one first

    response = admin_client.post(
        MERGES, {"action": "undo_merges", helpers.ACTION_CHECKBOX_NAME: [first.pk, second.pk]}, follow=True
    )

    assert response.status_code == 200
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.undone_by == second.undone_by == admin_user
    assert not Actor.objects.filter(merged_into__isnull=False).exists()


@pytest.mark.parametrize("query", ["", "?undone=yes", "?undone=no", "?q=Biden"])
def test_merge_log_pages_render(admin_client, query):
    merge = services.actor_merge(merged=ActorFactory(name="Biden"), into=ActorFactory(name="Joe Biden"))

    listing = admin_client.get(MERGES + query)
    detail = admin_client.get(reverse("admin:statements_actormerge_change", args=[merge.pk]))

    assert listing.status_code == 200
    assert detail.status_code == 200
    assert "actor_alias.added: 1" in detail.content.decode()


def test_actor_autocomplete_leaves_merged_actors_out(admin_client):
    keep, duplicate = ActorFactory(name="Joe Biden"), ActorFactory(name="Joe Biden")
    services.actor_merge(merged=duplicate, into=keep)
    query = {"term": "Biden", "app_label": "statements", "model_name": "statement", "field_name": "speaker"}

    response = admin_client.get(reverse("admin:autocomplete"), query)

    assert [int(result["id"]) for result in response.json()["results"]] == [keep.pk]

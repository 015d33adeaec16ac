"""Matching extracted speaker names to actors: folded names and aliases, unambiguous surnames."""

import pytest

from statements.choices import ActorKind
from statements.extraction import ActorCandidate, ActorResolver, extract
from statements.extraction.resolution import AMBIGUOUS, MATCHED, NEW, stored_actor_resolver
from tests.factories import ActorAliasFactory, ActorFactory

ACTORS = [
    ActorCandidate(1, "Benjamin Netanyahu", "person", ("Netanyahu", "Prime Minister Benjamin Netanyahu")),
    ActorCandidate(2, "Prime Minister's Office (Israel)", "government_body", ("Netanyahu’s office",)),
    ActorCandidate(3, "The White House", "government_body", ("White House",)),
    ActorCandidate(4, "Recep Tayyip Erdoğan", "person"),
    ActorCandidate(5, "Jake Sullivan", "person"),
    ActorCandidate(6, "Andrea Sullivan", "person"),
    ActorCandidate(7, "Seán O’Brien", "person"),
]


@pytest.mark.parametrize(
    ("name", "kind", "status", "actor_id"),
    [
        ("Benjamin Netanyahu", "person", MATCHED, 1),
        ("BENJAMIN NETANYAHU", "person", MATCHED, 1),
        ("Benjamín Netanyahú", "person", MATCHED, 1),
        ("Prime Minister Benjamin Netanyahu", "person", MATCHED, 1),
        ("Netanyahu's office", "government_body", MATCHED, 2),
        ("Netanyahu’s office", "government_body", MATCHED, 2),
        ("the White House", "government_body", MATCHED, 3),
        ("Recep Tayyip Erdogan", "person", MATCHED, 4),
        ("Erdogan", "person", MATCHED, 4),
        ("President Erdoğan", "person", MATCHED, 4),
        ("Sean O'Brien", "person", MATCHED, 7),
        ("O'Brien", "person", MATCHED, 7),
        ("Sullivan", "person", AMBIGUOUS, None),
        ("Jake Sullivan", "person", MATCHED, 5),
        ("Maria Lopes", "person", NEW, None),
        ("senior administration official", "unnamed_source", NEW, None),
    ],
)
def test_resolver_matches_folded_names_aliases_and_unambiguous_surnames(name, kind, status, actor_id):
    resolution = ActorResolver(ACTORS).resolve(name, kind=kind)
    assert (resolution.status, resolution.actor_id) == (status, actor_id)


def test_ambiguous_surname_lists_the_candidates_and_resolves_nothing():
    resolution = ActorResolver(ACTORS).resolve("Sullivan", kind="person")
    assert not resolution.is_resolved
    assert set(resolution.candidate_ids) == {5, 6}


def test_unmatched_speaker_is_proposed_as_a_draft_actor_of_its_kind():
    resolution = ActorResolver(ACTORS).resolve("a senior European diplomat", kind="unnamed_source")
    assert resolution.as_dict()["proposed_actor"] == {
        "name": "a senior European diplomat",
        "kind": "unnamed_source",
        "status": "draft",
    }


def test_resolver_accepts_plain_mappings():
    resolver = ActorResolver([{"id": 9, "name": "Maria Lopes", "kind": "person", "aliases": ["Lopes"]}])
    assert resolver.resolve("Lopes").actor_id == 9


def test_extracted_speakers_resolve_without_a_database():
    resolver = ActorResolver(ACTORS)
    statement = extract("Netanyahu’s office said in a statement that the call lasted 40 minutes.")[0]
    speaker = statement.speaker
    assert resolver.resolve(speaker.name, kind=speaker.kind, as_written=speaker.as_written).actor_id == 2


@pytest.mark.django_db
def test_stored_actors_resolve_by_alias_rows():
    office = ActorFactory(name="Prime Minister's Office (Israel)", kind=ActorKind.GOVERNMENT_BODY, country="IL")
    ActorAliasFactory(actor=office, name="Netanyahu’s office")
    netanyahu = ActorFactory(name="Benjamin Netanyahu", kind=ActorKind.PERSON, country="IL")
    resolver = stored_actor_resolver()
    assert resolver.resolve("NETANYAHU'S OFFICE", kind="government_body").actor_id == office.pk
    assert resolver.resolve("Netanyahu", kind="person").actor_id == netanyahu.pk


@pytest.mark.django_db
def test_merged_duplicates_do_not_make_their_name_ambiguous():
    kept = ActorFactory(name="Benjamin Netanyahu", kind=ActorKind.PERSON, country="IL")
    ActorAliasFactory(actor=kept, name="Bibi Netanyahu")
    ActorFactory(name="Bibi Netanyahu", kind=ActorKind.PERSON, country="IL", merged_into=kept)
    match = stored_actor_resolver().resolve("Bibi Netanyahu", kind="person")
    assert match.status == MATCHED
    assert match.actor_id == kept.pk

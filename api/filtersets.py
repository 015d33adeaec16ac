"""Query filters: one FilterSet per resource (their parts are in api/filters.py)."""

import django_filters
from django.db.models import Q

from api.filters import (
    SEARCH_SYNTAX,
    ChoicesFilter,
    DateKeyRangeFilter,
    FilterSet,
    FullTextSearchMixin,
    IdsFilter,
    RangeParameterErrorsMixin,
    RelatedModelFilter,
    StrictBooleanFilter,
    TopicTreeMixin,
    by_key,
    by_place_name,
    date_range,
    search_filter,
    topics_filter,
    updated_since_filter,
)
from statements.choices import (
    ActorKind,
    CommunicationKind,
    CurationStatus,
    ParticipantRole,
    PlaceKind,
    SourceKind,
    StatementKind,
)
from statements.models import Actor, ActorMerge, Communication, Participation, Place, Position, Source, Statement, Topic
from statements.selectors import actor_search, place_search


class ActorFilterSet(FilterSet):
    """Filters for actors."""

    kind = ChoicesFilter(choices=ActorKind.choices)
    country = django_filters.CharFilter(
        field_name="country", method="filter_country", max_length=2, help_text="ISO 3166-1 alpha-2 code."
    )
    affiliation = IdsFilter(queryset=Actor.objects.all())
    wikidata_id = django_filters.CharFilter(help_text="Exact Wikidata id, such as Q6279.")
    updated_since = updated_since_filter()
    q = django_filters.CharFilter(
        method="filter_search",
        max_length=300,
        help_text="Name or alias contains this, ignoring case, accents and apostrophe style.",
    )
    include_merged = StrictBooleanFilter(
        method="filter_include_merged",
        help_text="Also list actors merged into another (they have `merged_into`); lists leave them out by default.",
    )

    class Meta:
        model = Actor
        fields = ["kind", "country", "affiliation", "wikidata_id"]

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        view = (getattr(self.request, "parser_context", None) or {}).get("view")
        # Only lists hide merged actors: a merged actor's own address keeps answering, pointing at the actor kept.
        if not self.form.cleaned_data.get("include_merged") and not getattr(view, "detail", False):
            queryset = queryset.filter(merged_into__isnull=True)
        return queryset

    def filter_include_merged(self, queryset, name, value):
        return queryset  # Applied in filter_queryset, since leaving the parameter out hides merged actors.

    def filter_country(self, queryset, name, value):
        return queryset.filter(country=value.upper())

    def filter_search(self, queryset, name, value):
        return actor_search(queryset, value) if value.strip() else queryset


class ActorMergeFilterSet(FilterSet):
    """Filters for merges of duplicate actors."""

    merged = IdsFilter(queryset=Actor.objects.all(), help_text="Merges of these duplicates.")
    into = IdsFilter(queryset=Actor.objects.all(), help_text="Merges into these actors.")
    undone = StrictBooleanFilter(
        field_name="undone_at", lookup_expr="isnull", exclude=True, help_text="Whether the merge was undone."
    )

    class Meta:
        model = ActorMerge
        fields = ["merged", "into"]


class PositionFilterSet(FilterSet):
    """Filters for positions."""

    actor = IdsFilter(queryset=Actor.objects.all())
    organization = IdsFilter(queryset=Actor.objects.all())
    country = django_filters.CharFilter(max_length=2, help_text="ISO 3166-1 alpha-2 code.")
    held_on = django_filters.DateFilter(method="filter_held_on", help_text="Only positions held on this day.")
    updated_since = updated_since_filter()

    class Meta:
        model = Position
        fields = ["actor", "organization", "country"]

    def filter_held_on(self, queryset, name, value):
        return queryset.exclude(start_date__gt=value).exclude(end_date__lt=value)


class PlaceFilterSet(FilterSet):
    """Filters for places."""

    kind = ChoicesFilter(choices=PlaceKind.choices)
    country = django_filters.CharFilter(max_length=2, help_text="ISO 3166-1 alpha-2 code.")
    parent = IdsFilter(queryset=Place.objects.all())
    updated_since = updated_since_filter()
    q = django_filters.CharFilter(method="filter_search", max_length=300, help_text="Name or alias contains this.")

    class Meta:
        model = Place
        fields = ["kind", "country", "parent"]

    def filter_search(self, queryset, name, value):
        return place_search(queryset, value) if value.strip() else queryset


class TopicFilterSet(FilterSet):
    """Filters for topics."""

    parent = IdsFilter(queryset=Topic.objects.all())
    updated_since = updated_since_filter()
    q = django_filters.CharFilter(method="filter_search", max_length=200, help_text="Slug or name contains this.")

    class Meta:
        model = Topic
        fields = ["parent"]

    def filter_search(self, queryset, name, value):
        words = value.strip()
        return queryset.filter(Q(name__icontains=words) | Q(slug__icontains=words))


class SourceFilterSet(RangeParameterErrorsMixin, FullTextSearchMixin, FilterSet):
    """Filters for sources."""

    ranks_by_default = False  # Numbered pages, in the order `ordering` names.

    publisher = IdsFilter(queryset=Actor.objects.all())
    author = RelatedModelFilter(
        field_name="authors", queryset=Actor.objects.all(), help_text="Written by one of these."
    )
    kind = ChoicesFilter(choices=SourceKind.choices)
    language = django_filters.CharFilter(max_length=35, help_text="BCP 47 language tag, such as en.")
    date = date_range()
    updated_since = updated_since_filter()
    q = search_filter(f"{SEARCH_SYNTAX} Matches the title and the body.")

    class Meta:
        model = Source
        fields = ["publisher", "kind", "language"]


class CommunicationFilterSet(TopicTreeMixin, RangeParameterErrorsMixin, FullTextSearchMixin, FilterSet):
    """Filters for communications."""

    participant = IdsFilter(
        field_name="participants",
        queryset=Actor.objects.all(),
        method="filter_participants",
        help_text="Communications all of these actors took part in (repeat it: the calls between A and B).",
    )
    participant_slug = by_key(Actor, like="participant", field_name="participants", method="filter_participants")
    participant_role = ChoicesFilter(
        field_name="participations__role",
        choices=ParticipantRole.choices,
        method="filter_participant_role",
        help_text="With `participant`: only where they took part in one of these roles.",
    )
    kind = ChoicesFilter(choices=CommunicationKind.choices)
    topic = topics_filter()
    place = IdsFilter(queryset=Place.objects.all(), help_text="Took place here.")
    place_slug = by_key(Place, like="place", field_name="place")
    place_name = by_place_name(field_name="place")
    topic_slug = by_key(Topic, like="topic", field_name="topics", method="filter_topics")
    regarding = IdsFilter(
        queryset=Communication.objects.all(), help_text="Communications about one of these (readouts of a call)."
    )
    source = RelatedModelFilter(
        field_name="sources", queryset=Source.objects.all(), help_text="Reported by this source."
    )
    date = DateKeyRangeFilter()
    updated_since = updated_since_filter()
    q = search_filter()

    class Meta:
        model = Communication
        fields = ["kind", "place", "regarding"]

    def filter_participants(self, queryset, name, actors):
        roles = self.form.cleaned_data.get("participant_role") or []
        for actor in actors:
            participations = Participation.objects.filter(actor=actor)
            if roles:
                participations = participations.filter(role__in=roles)
            queryset = queryset.filter(pk__in=participations.values("communication_id"))
        return queryset

    def filter_participant_role(self, queryset, name, roles):
        # Applied together with `participant`; alone it means "has a participant in one of these roles".
        given = self.form.cleaned_data
        if given.get("participant") or given.get("participant_slug") or not roles:
            return queryset
        return queryset.filter(pk__in=Participation.objects.filter(role__in=roles).values("communication_id"))


class StatementFilterSet(TopicTreeMixin, RangeParameterErrorsMixin, FullTextSearchMixin, FilterSet):
    """Filters for statements."""

    speaker = IdsFilter(queryset=Actor.objects.all(), help_text="Said by one of these.")
    speaker_slug = by_key(Actor, like="speaker", field_name="speaker")
    speaker_kind = ChoicesFilter(field_name="speaker__kind", choices=ActorKind.choices)
    addressee = RelatedModelFilter(
        field_name="addressees", queryset=Actor.objects.all(), help_text="Said to one of these."
    )
    reported_by = IdsFilter(queryset=Actor.objects.all(), help_text="Relayed by one of these.")
    mentioned_actor = RelatedModelFilter(
        field_name="mentioned_actors", queryset=Actor.objects.all(), help_text="Names one of these actors."
    )
    communication = IdsFilter(queryset=Communication.objects.all())
    communication_kind = ChoicesFilter(field_name="communication__kind", choices=CommunicationKind.choices)
    source = IdsFilter(queryset=Source.objects.all())
    source_url = by_key(Source, like="source", field_name="source", key="url")
    topic = topics_filter()
    topic_slug = by_key(Topic, like="topic", field_name="topics", method="filter_topics")
    place = IdsFilter(
        field_name="mentioned_places",
        queryset=Place.objects.all(),
        method="filter_places",
        help_text="Mentions one of these places, or was said in a communication there.",
    )
    place_slug = by_key(Place, like="place", field_name="mentioned_places", method="filter_places")
    place_name = by_place_name(field_name="mentioned_places", method="filter_places")
    kind = ChoicesFilter(choices=StatementKind.choices)
    status = ChoicesFilter(choices=CurationStatus.choices)
    date = DateKeyRangeFilter()
    updated_since = updated_since_filter()
    q = search_filter()

    class Meta:
        model = Statement
        fields = ["speaker", "reported_by", "communication", "source", "kind", "status"]

    def filter_places(self, queryset, name, places):
        if not places:
            return queryset
        mentioned = Statement.mentioned_places.through.objects.filter(place__in=places).values("statement_id")
        return queryset.filter(Q(pk__in=mentioned) | Q(communication__place__in=places))

"""Load the seed article and its reference curation as the demo dataset, through the services.

Every curated record gets a UUID derived from its curation key, so loading twice finds what the
first load created and neither creates nor changes anything. The source is identified by the
hash of its words instead, so an article already stored by other means is reused, not duplicated.
"""

import datetime
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.text import slugify

from statements import services
from statements.anchoring import AnchorError, find_unique_span
from statements.choices import CurationStatus, DatePrecision, ParticipantRole, StatementKind
from statements.models import Actor, Communication, Place, Position, Source, Statement, Topic
from statements.models.sources import content_hash_of
from statements.text import normalize_text

DEMO_DIRECTORY = Path(__file__).resolve().parent
CURATION_FILE_NAME = "curation.yaml"

# Fixed for good: changing it would give every record of the demo dataset a new identity.
DEMO_NAMESPACE = uuid.UUID("5c5d0113-4198-42ee-8c70-ee4ec758fa35")

# What the loader knows how to store, per curation section. Anything else is refused, not skipped.
SECTIONS = {"source", "actors", "positions", "places", "topics", "communications", "statements"}
SOURCE_FIELDS = {"kind", "title", "file", "published_on", "language", "image_credit"}
PUBLISHED_ON_FIELDS = {"date", "precision", "inferred_from"}
ACTOR_FIELDS = {"key", "kind", "name", "aliases", "country", "wikidata", "affiliation"}
POSITION_FIELDS = {"actor", "title", "organization_country", "start"}
PLACE_FIELDS = {"key", "name", "aliases", "kind", "within", "country"}
COMMUNICATION_FIELDS = {
    "key",
    "kind",
    "title",
    "date",
    "duration_minutes",
    "location",
    "participants",
    "issued_by",
    "regarding",
    "topics",
}
DATE_FIELDS = {"date", "precision", "expression"}
DURATION_FIELDS = {"value", "approximate", "according_to"}
PARTICIPANT_FIELDS = {"actor", "role"}
STATEMENT_FIELDS = {
    "key",
    "kind",
    "text",
    "speaker",
    "as_written",
    "addressees",
    "communication",
    "reported_by",
    "mentions",
    "places",
    "topics",
}

# The order the summary lists models in: the order they are loaded.
LOADED_MODELS: tuple[type[models.Model], ...] = (Source, Actor, Position, Place, Topic, Communication, Statement)

RecordT = TypeVar("RecordT", bound=models.Model)


class CurationError(ValueError):
    """The curation is inconsistent or says something the models cannot store faithfully."""


@dataclass
class ModelTally:
    """How many records of one model a load created and how many it found already stored."""

    created: int = 0
    existing: int = 0


@dataclass
class LoadReport:
    """What a load of the demo dataset did, per model, and what it could not anchor."""

    tallies: dict[type[models.Model], ModelTally] = field(
        default_factory=lambda: {model: ModelTally() for model in LOADED_MODELS}
    )
    unanchored_paraphrases: list[str] = field(default_factory=list)

    @property
    def created(self) -> int:
        return sum(tally.created for tally in self.tallies.values())

    @property
    def existing(self) -> int:
        return sum(tally.existing for tally in self.tallies.values())


def stable_uuid(curation_key: str) -> uuid.UUID:
    """The UUID a curated record has in every copy of the demo dataset."""
    return uuid.uuid5(DEMO_NAMESPACE, curation_key)


#: A second, short article left unreviewed: its drafts are what the review screen shows a newcomer.
REVIEW_SAMPLE = DEMO_DIRECTORY / "review-sample.txt"


def load_review_sample(path: Path = REVIEW_SAMPLE):
    """Store the review sample as a source and propose its statements as drafts; running it again adds nothing.

    Its quotes name demo actors (Biden, Netanyahu, the senior administration official), so the drafts
    come with their speakers resolved, for a curator to verify, correct or reject.
    """
    body = normalize_text(path.read_text(encoding="utf-8"))
    source = Source.objects.filter(content_hash=content_hash_of(body)).first()
    if source is None:
        source = services.source_create(
            kind="news_article",
            title=body.splitlines()[0],
            body=body,
            date=datetime.date(2024, 2, 16),
            date_precision="day",
            date_expression="on Friday",
        )
    return source, services.source_extract_statements(source=source)


def load_demo_dataset(directory: Path = DEMO_DIRECTORY) -> LoadReport:
    """Store the curation in `directory` and the article it names, creating only what is missing."""
    curation = _read_curation(directory / CURATION_FILE_NAME)
    with transaction.atomic():
        return _DemoLoader(curation, directory).load()


def _read_curation(path: Path) -> dict[str, Any]:
    curation = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(curation, dict):
        raise CurationError(f"{path.name} must hold a mapping of sections.")
    _check_fields(curation, SECTIONS, path.name)
    return curation


def _check_fields(entry: Any, known: set[str], where: str, required: tuple[str, ...] = ()) -> None:
    if not isinstance(entry, dict):
        raise CurationError(f"{where}: expected a mapping, found {entry!r}.")
    unknown = sorted(set(entry) - known)
    if unknown:
        raise CurationError(f"{where}: the loader has nowhere to store {', '.join(unknown)}.")
    missing = [name for name in required if entry.get(name) in (None, "")]
    if missing:
        raise CurationError(f"{where}: {', '.join(missing)} must be given.")


def _as_date(value: Any, where: str) -> datetime.date | None:
    if value is None or isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        raise CurationError(f"{where}: {value!r} is not a date (YYYY-MM-DD).") from None


@contextmanager
def _rejections_named(label: str) -> Iterator[None]:
    # A service's field errors alone do not say which curation entry they came from.
    try:
        yield
    except ValidationError as error:
        details = error.message_dict if hasattr(error, "error_dict") else error.messages
        raise CurationError(f"{label} was rejected: {details}") from error


class _DemoLoader:
    """One load: resolves curation keys to records, creating each record at most once."""

    def __init__(self, curation: dict[str, Any], directory: Path):
        self.curation = curation
        self.directory = directory
        self.report = LoadReport()
        self.source: Source | None = None
        self.actors: dict[str, Actor] = {}
        self.places: dict[str, Place] = {}
        self.topics: dict[str, Topic] = {}
        self.communications: dict[str, Communication] = {}
        self.actor_entries = self._entries_by_key("actors", ACTOR_FIELDS, required=("key", "kind", "name"))
        self.place_entries = self._entries_by_key("places", PLACE_FIELDS, required=("key", "name"))
        self.communication_entries = self._entries_by_key(
            "communications", COMMUNICATION_FIELDS, required=("key", "kind", "title")
        )
        self.topic_slugs = list(curation.get("topics") or [])
        self._in_progress: set[str] = set()

    def load(self) -> LoadReport:
        self.source = self._load_source()
        for key in self.actor_entries:
            self.actor(key)
        for entry in self.curation.get("positions") or []:
            self._load_position(entry)
        for key in self.place_entries:
            self.place(key)
        for slug in self.topic_slugs:
            self.topic(slug)
        for key in self.communication_entries:
            self.communication(key)
        statement_keys = set()
        for entry in self.curation.get("statements") or []:
            _check_fields(entry, STATEMENT_FIELDS, f"statement {entry!r}", required=("key", "kind", "text"))
            if entry["key"] in statement_keys:
                raise CurationError(f"statement {entry['key']!r} is curated twice.")
            statement_keys.add(entry["key"])
            self._load_statement(entry)
        return self.report

    def _entries_by_key(self, section: str, known: set[str], required: tuple[str, ...]) -> dict[str, dict[str, Any]]:
        entries: dict[str, dict[str, Any]] = {}
        for entry in self.curation.get(section) or []:
            _check_fields(entry, known, f"{section} entry {entry!r}", required)
            if entry.get("key") in entries:
                raise CurationError(f"{section}: {entry['key']!r} is curated twice.")
            entries[entry["key"]] = entry
        return entries

    def _find_or_create(
        self, model: type[RecordT], identity: uuid.UUID, label: str, create: Callable[[], RecordT]
    ) -> RecordT:
        tally = self.report.tallies[model]
        record = model.objects.filter(uuid=identity).first()
        if record is not None:
            tally.existing += 1
            return record
        with _rejections_named(label):
            record = create()
        # The services give new records a random UUID; the curation key's UUID is what makes a
        # second load find them. update() stamps it without a second validation and save.
        model.objects.filter(pk=record.pk).update(uuid=identity)
        record.uuid = identity
        tally.created += 1
        return record

    def _enter(self, curation_key: str) -> None:
        # Affiliations, "within" and "regarding" are created target first; a cycle would recurse forever.
        if curation_key in self._in_progress:
            raise CurationError(f"{curation_key} depends on itself through its references.")
        self._in_progress.add(curation_key)

    # Source

    def _load_source(self) -> Source:
        entry = self.curation.get("source")
        _check_fields(entry, SOURCE_FIELDS, "source", required=("kind", "title", "file"))
        body = (self.directory / entry["file"]).read_text(encoding="utf-8")
        published_on = entry.get("published_on") or {}
        _check_fields(published_on, PUBLISHED_ON_FIELDS, "source published_on")
        tally = self.report.tallies[Source]
        found = Source.objects.filter(content_hash=content_hash_of(body)).first()
        if found is not None:
            tally.existing += 1
            return found
        return self._find_or_create(
            Source,
            stable_uuid(f"source:{content_hash_of(body)}"),
            f"source {entry['file']}",
            lambda: services.source_create(
                kind=entry["kind"],
                title=entry["title"],
                body=body,
                date=_as_date(published_on.get("date"), "source published_on"),
                date_precision=published_on.get("precision", DatePrecision.UNKNOWN),
                date_expression=published_on.get("inferred_from", ""),
                language=entry.get("language", "en"),
                image_credit=entry.get("image_credit", ""),
            ),
        )

    # Actors and positions

    def actor(self, key: str) -> Actor:
        if key in self.actors:
            return self.actors[key]
        if key not in self.actor_entries:
            raise CurationError(f"actor {key!r} is referred to but not curated.")
        entry = self.actor_entries[key]
        self._enter(f"actor:{key}")
        affiliation = self.actor(entry["affiliation"]) if entry.get("affiliation") else None
        self.actors[key] = self._find_or_create(
            Actor,
            stable_uuid(f"actor:{key}"),
            f"actor {key!r}",
            lambda: services.actor_create(
                kind=entry["kind"],
                name=entry["name"],
                slug=key,
                aliases=entry.get("aliases") or [],
                country=entry.get("country", ""),
                wikidata_id=entry.get("wikidata"),
                affiliation=affiliation,
            ),
        )
        return self.actors[key]

    def _load_position(self, entry: dict[str, Any]) -> Position:
        _check_fields(entry, POSITION_FIELDS, f"position {entry!r}", required=("actor", "title"))
        holder = self.actor(entry["actor"])
        key = f"position:{entry['actor']}:{slugify(entry['title'])}"
        return self._find_or_create(
            Position,
            stable_uuid(key),
            key,
            lambda: services.position_create(
                actor=holder,
                title=entry["title"],
                country=entry.get("organization_country", ""),
                start_date=_as_date(entry.get("start"), key),
            ),
        )

    # Places and topics

    def place(self, key: str) -> Place:
        if key in self.places:
            return self.places[key]
        if key not in self.place_entries:
            raise CurationError(f"place {key!r} is referred to but not curated.")
        entry = self.place_entries[key]
        self._enter(f"place:{key}")
        parent = self.place(entry["within"]) if entry.get("within") else None
        self.places[key] = self._find_or_create(
            Place,
            stable_uuid(f"place:{key}"),
            f"place {key!r}",
            lambda: services.place_create(
                name=entry["name"],
                slug=key,
                kind=entry.get("kind", "other"),
                aliases=entry.get("aliases") or [],
                country=entry.get("country", ""),
                parent=parent,
            ),
        )
        return self.places[key]

    def topic(self, slug: str) -> Topic:
        if slug in self.topics:
            return self.topics[slug]
        if slug not in self.topic_slugs:
            raise CurationError(f"topic {slug!r} is referred to but not curated.")
        self.topics[slug] = self._find_or_create(
            Topic, stable_uuid(f"topic:{slug}"), f"topic {slug!r}", lambda: services.topic_create(slug=slug)
        )
        return self.topics[slug]

    # Communications

    def communication(self, key: str) -> Communication:
        if key in self.communications:
            return self.communications[key]
        if key not in self.communication_entries:
            raise CurationError(f"communication {key!r} is referred to but not curated.")
        entry = self.communication_entries[key]
        where = f"communication {key!r}"
        self._enter(f"communication:{key}")
        regarding = self.communication(entry["regarding"]) if entry.get("regarding") else None
        date = entry.get("date") or {}
        _check_fields(date, DATE_FIELDS, f"{where} date")
        duration = entry.get("duration_minutes") or {}
        _check_fields(duration, DURATION_FIELDS, f"{where} duration_minutes")
        participants = []
        for participant in entry.get("participants") or []:
            _check_fields(participant, PARTICIPANT_FIELDS, f"{where} participant", required=("actor",))
            participants.append((self.actor(participant["actor"]), participant.get("role", "participant")))
        if entry.get("issued_by"):
            participants.append((self.actor(entry["issued_by"]), ParticipantRole.ISSUER))
        self.communications[key] = self._find_or_create(
            Communication,
            stable_uuid(f"communication:{key}"),
            where,
            lambda: services.communication_create(
                kind=entry["kind"],
                title=entry["title"],
                date=_as_date(date.get("date"), f"{where} date"),
                date_precision=date.get("precision", DatePrecision.UNKNOWN),
                date_expression=date.get("expression", ""),
                duration_minutes=duration.get("value"),
                duration_is_approximate=bool(duration.get("approximate", False)),
                duration_according_to=self.actor(duration["according_to"]) if duration.get("according_to") else None,
                place=self.place(entry["location"]) if entry.get("location") else None,
                regarding=regarding,
                participants=participants,
                topics=[self.topic(slug) for slug in entry.get("topics") or []],
                sources=[self.source],
            ),
        )
        return self.communications[key]

    # Statements

    def _load_statement(self, entry: dict[str, Any]) -> Statement:
        key = entry["key"]
        speaker = self.actor(entry["speaker"]) if entry.get("speaker") else None
        communication = self.communication(entry["communication"]) if entry.get("communication") else None
        span_start, span_end = self._span_of(entry)
        # The curation does not date statements: one said in a communication shares its date.
        date = communication.date if communication else None
        date_precision = communication.date_precision if communication else DatePrecision.UNKNOWN
        date_expression = communication.date_expression if communication else ""
        return self._find_or_create(
            Statement,
            stable_uuid(f"statement:{key}"),
            f"statement {key!r}",
            lambda: services.statement_create(
                kind=entry["kind"],
                text=entry["text"],
                speaker=speaker,
                speaker_as_written=entry.get("as_written", ""),
                position=_position_held(speaker, date, date_precision),
                reported_by=self.actor(entry["reported_by"]) if entry.get("reported_by") else None,
                communication=communication,
                source=self.source,
                span_start=span_start,
                span_end=span_end,
                date=date,
                date_precision=date_precision,
                date_expression=date_expression,
                # The reference curation was checked by a curator: it is verified data.
                status=CurationStatus.VERIFIED,
                addressees=[self.actor(addressee) for addressee in entry.get("addressees") or []],
                topics=[self.topic(slug) for slug in entry.get("topics") or []],
                mentioned_actors=[self.actor(mentioned) for mentioned in entry.get("mentions") or []],
                mentioned_places=[self.place(mentioned) for mentioned in entry.get("places") or []],
            ),
        )

    def _span_of(self, entry: dict[str, Any]) -> tuple[int | None, int | None]:
        try:
            span = find_unique_span(self.source.body, entry["text"])
        except AnchorError as error:
            if entry["kind"] == StatementKind.DIRECT_QUOTE:
                raise CurationError(f"statement {entry['key']!r} is a direct quote, but: {error}") from None
            # A paraphrase in the curator's own words has nothing to anchor to.
            self.report.unanchored_paraphrases.append(entry["key"])
            return None, None
        return span.start, span.end


def _position_held(speaker: Actor | None, date: datetime.date | None, precision: str) -> Position | None:
    """The one position the speaker held on the statement's day, if the day is known and there is one."""
    # A week, month or year can straddle the start or end of a term, so only a known day decides.
    if speaker is None or date is None or precision != DatePrecision.DAY:
        return None
    held = [position for position in speaker.positions.all() if position.is_held_on(date)]
    return held[0] if len(held) == 1 else None

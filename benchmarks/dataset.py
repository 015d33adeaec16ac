"""A seeded synthetic archive of N statements, in the shapes of a real one, written fast.

Run:  DATABASE_URL=postgres://postgres@127.0.0.1:5432/statements_bench \\
          .venv/bin/python benchmarks/dataset.py --statements 1000000 [--seed 1] [--replace]

At 1,000,000 statements the archive has 20,000 actors (persons, bodies, outlets, unnamed sources;
aliases, positions), 100,000 sources with 1–4 KB bodies, 200,000 communications with 1–4
participants, a topic tree of 210 topics and 500 places; every count scales with N. Speakers
follow a Zipf law (the busiest says 5.6 % of everything, most actors a handful of statements);
each statement has 0–3 topics, addressees, mentioned actors and mentioned places; one root topic
covers 57 % of statements with its subtopics; the word `ceasefire` is in 18.6 % of statements and
`zeppelin` in exactly 18. Dates run over ten years, mostly in the order sources were added.

Every row satisfies the models' rules: a direct quote is the exact text of its span in its source,
dates fit their precision, a verified statement has a speaker, a position is the speaker's own. The
same seed gives the same archive. History tables are left empty: the archive stands for data
curated elsewhere, and no read benchmarked here touches them.

PostgreSQL is written with COPY, inside one transaction, with the tables' indexes and foreign keys
dropped for the load and rebuilt after it (rebuilding checks every reference); SQLite with
`executemany`. The database is migrated first; it must hold no statement data unless `--replace`
is given, which empties the statement tables first.
"""

import argparse
import bisect
import datetime
import itertools
import os
import random
import sys
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
#: Where an archive lives on SQLite when DATABASE_URL names no database.
DATA = ROOT / "benchmarks" / "data"

#: Planted search words: one common, one rare (see the module docstring).
COMMON_WORD = "ceasefire"
COMMON_WORD_SHARE = 0.186
RARE_WORD = "zeppelin"
RARE_WORD_STATEMENTS = 18
#: Zipf exponent of speakers over actors: at 20,000 actors the busiest says about 5.6 % of statements.
SPEAKER_ZIPF_EXPONENT = 0.9
#: Share of the statements' topic picks that fall in the first root topic's subtree.
FIRST_ROOT_SHARE = 0.56
FIRST_DAY = datetime.date(2015, 1, 1)
DAYS = 3650
STAMP_TIME = datetime.time(9, 30, tzinfo=datetime.UTC)
EXTRACTOR = "statements-rules 1.0.0"

FIRST_NAMES = [
    "Ada",
    "Ahmed",
    "Aiko",
    "Alejandro",
    "Amara",
    "Anna",
    "Arjun",
    "Beatriz",
    "Ben",
    "Carlos",
    "Chen",
    "Chloe",
    "Daniel",
    "David",
    "Dmitri",
    "Elena",
    "Emma",
    "Fatima",
    "Felix",
    "Grace",
    "Hana",
    "Hassan",
    "Ines",
    "Ivan",
    "James",
    "Jana",
    "Javier",
    "John",
    "Julia",
    "Kenji",
    "Lars",
    "Layla",
    "Leila",
    "Liam",
    "Lucia",
    "Maria",
    "Mateo",
    "Mei",
    "Mohammed",
    "Nadia",
    "Noah",
    "Olga",
    "Omar",
    "Paolo",
    "Priya",
    "Rafael",
    "Rosa",
    "Sara",
    "Sofia",
    "Tariq",
    "Tomas",
    "Yara",
    "Yusuf",
    "Zoe",
]
SURNAMES = [
    "Abbott",
    "Adeyemi",
    "Alvarez",
    "Andersen",
    "Bauer",
    "Becker",
    "Castillo",
    "Chen",
    "Cohen",
    "Dubois",
    "Evans",
    "Fischer",
    "Garcia",
    "Haddad",
    "Hansen",
    "Hoffmann",
    "Ibrahim",
    "Ivanova",
    "Jensen",
    "Kaplan",
    "Khan",
    "Kim",
    "Kowalski",
    "Larsen",
    "Levi",
    "Lopez",
    "Martin",
    "Meyer",
    "Moreau",
    "Nakamura",
    "Novak",
    "Okafor",
    "Olsen",
    "Park",
    "Patel",
    "Petrov",
    "Quinn",
    "Rahman",
    "Rossi",
    "Sato",
    "Schmidt",
    "Silva",
    "Tanaka",
    "Torres",
    "Walsh",
    "Weber",
    "Wong",
    "Yilmaz",
    "Zhang",
]
#: One actor in a hundred is a Smith, so a name search has a common answer.
COMMON_SURNAME = "Smith"
BODY_NAMES = [
    "Ministry",
    "Council",
    "Office",
    "Agency",
    "Committee",
    "Commission",
    "Department",
    "Parliament",
    "Court",
    "Bank",
]
OUTLET_NAMES = ["Times", "Herald", "Post", "Tribune", "Gazette", "Courier", "Chronicle", "Observer", "Wire", "Review"]
TITLES = ("Foreign Minister", "Prime Minister", "Spokesperson", "Ambassador", "Senator", "Envoy", "Governor")
STOP_WORDS = [
    "the",
    "of",
    "and",
    "to",
    "in",
    "a",
    "that",
    "is",
    "for",
    "on",
    "it",
    "with",
    "as",
    "was",
    "we",
    "be",
    "by",
    "this",
    "are",
    "at",
    "not",
    "have",
    "from",
    "will",
    "our",
    "they",
    "all",
    "but",
    "has",
    "more",
    "an",
    "been",
    "their",
    "can",
    "would",
    "there",
    "which",
    "who",
    "its",
    "said",
    "also",
    "than",
    "one",
    "about",
    "been",
    "must",
    "should",
]
COMMUNICATION_KINDS = (
    ("phone_call", 30),
    ("meeting", 20),
    ("readout", 15),
    ("press_statement", 10),
    ("background_briefing", 5),
    ("interview", 8),
    ("negotiation", 4),
    ("public_remarks", 5),
    ("speech", 3),
)
ROLES = ("participant", "initiator", "recipient", "speaker", "host", "mediator")


@dataclass(frozen=True)
class Shape:
    """How many rows of each kind an archive of `statements` statements has."""

    statements: int

    def scaled(self, per_million: int, minimum: int) -> int:
        return max(minimum, round(per_million * self.statements / 1_000_000))

    @property
    def actors(self) -> int:
        return self.scaled(20_000, 60)

    @property
    def sources(self) -> int:
        return self.scaled(100_000, 10)

    @property
    def communications(self) -> int:
        return 2 * self.sources

    @property
    def places(self) -> int:
        return self.scaled(500, 12)


def _vocabulary(rng: random.Random, size: int = 6000) -> list[str]:
    """Pronounceable made-up words (none of them a planted word), after the common English ones."""
    consonants, vowels = "bdfgklmnprstvz", "aeiou"
    words, seen = list(STOP_WORDS), set(STOP_WORDS) | {COMMON_WORD, RARE_WORD}
    while len(words) < size:
        syllables = rng.randint(2, 4)
        word = "".join(rng.choice(consonants) + rng.choice(vowels) for _ in range(syllables))
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


def _cumulative_zipf(count: int, exponent: float) -> list[float]:
    return list(itertools.accumulate(1 / (rank**exponent) for rank in range(1, count + 1)))


class Archive:
    """Generates the rows, table by table, as dicts of column values keyed by attribute name."""

    def __init__(self, statements: int, seed: int = 1):
        self.shape = Shape(statements)
        self.rng = random.Random(seed)
        self.words = _vocabulary(self.rng)
        self.word_weights = _cumulative_zipf(len(self.words), 1.0)
        self.stamp = datetime.datetime.combine(FIRST_DAY, STAMP_TIME)
        self.actor_kinds: list[str] = []
        self.actor_names: list[str] = []
        self.speaker_weights: list[float] = []
        self.positions_of: dict[int, int] = {}
        self.rare_statements = set(range(1, statements + 1, max(1, statements // RARE_WORD_STATEMENTS)))
        self.rare_statements = set(sorted(self.rare_statements)[:RARE_WORD_STATEMENTS])

    # Helpers

    def uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def sentence(self, low: int, high: int) -> str:
        words = self.rng.choices(self.words, cum_weights=self.word_weights, k=self.rng.randint(low, high))
        return " ".join(words)

    def zipf_actor(self) -> int:
        """An actor id drawn with the speakers' Zipf law (actor 1 is the busiest)."""
        return bisect.bisect_left(self.speaker_weights, self.rng.random() * self.speaker_weights[-1]) + 1

    def stamps(self, day: datetime.date | None) -> dict:
        moment = datetime.datetime.combine(day or FIRST_DAY, STAMP_TIME) + datetime.timedelta(
            minutes=self.rng.randint(0, 600)
        )
        return {"created_at": moment, "updated_at": moment, "version": 1, "uuid": self.uuid()}

    def day_of(self, position: float) -> datetime.date:
        """A day about `position` (0..1) of the way through the ten years, give or take a month."""
        offset = int(position * (DAYS - 1)) + self.rng.randint(-30, 30)
        return FIRST_DAY + datetime.timedelta(days=min(max(offset, 0), DAYS - 1))

    # Tables

    def topics(self) -> Iterator[dict]:
        """Ten roots of four children of four grandchildren, numbered depth first."""
        numbers = itertools.count(1)

        def topic(parent_id: int | None) -> dict:
            pk = next(numbers)
            stamps = self.stamps(None)
            return {"id": pk, "slug": f"topic-{pk}", "name": f"Subject {pk}", "parent_id": parent_id} | stamps

        for _root in range(10):
            root = topic(None)
            yield root
            for _child in range(4):
                child = topic(root["id"])
                yield child
                for _grandchild in range(4):
                    yield topic(child["id"])
        number = next(numbers) - 1
        self.topic_count = number
        self.subtree_size = number // 10

    def topic_ids(self, count: int) -> list[int]:
        """Distinct topics: the first root's subtree gets FIRST_ROOT_SHARE of the picks, nine others the rest."""
        picked = set()
        for _ in range(count):
            subtree = 0 if self.rng.random() < FIRST_ROOT_SHARE else self.rng.randint(1, 9)
            picked.add(subtree * self.subtree_size + self.rng.randint(1, self.subtree_size))
        return sorted(picked)

    def places(self) -> Iterator[dict]:
        for number in range(1, self.shape.places + 1):
            kind = "country" if number <= 10 else "city"
            parent = None if number <= 10 else (number % 10) + 1
            yield {
                "id": number,
                "name": f"Place {number}",
                "slug": f"place-{number}",
                "kind": kind,
                "country": "",
                "parent_id": parent,
                "latitude": None,
                "longitude": None,
            } | self.stamps(None)

    def place_aliases(self) -> Iterator[dict]:
        for number in range(1, self.shape.places + 1, 3):
            name = f"Placeville {number}"
            yield {"place_id": number, "name": name, "normalized_name": name.casefold()}

    def actors(self) -> Iterator[dict]:
        from django.utils.text import slugify

        count = self.shape.actors
        outlets = max(5, count // 100)
        bodies = max(5, count // 25)
        unnamed = max(2, count // 50)
        for number in range(1, count + 1):
            affiliation = None
            if number <= count - outlets - bodies - unnamed:
                kind = "person"
                surname = COMMON_SURNAME if number % 100 == 7 else self.rng.choice(SURNAMES)
                name = f"{self.rng.choice(FIRST_NAMES)} {surname}"
            elif number <= count - outlets - unnamed:
                kind = "government_body"
                name = f"{self.rng.choice(BODY_NAMES)} of Place {self.rng.randint(1, self.shape.places)}"
            elif number <= count - outlets:
                kind = "unnamed_source"
                name = f"A senior official {number}"
                affiliation = count - outlets - unnamed - self.rng.randint(0, bodies - 1)
            else:
                kind = "media_outlet"
                name = f"The Daily {self.rng.choice(OUTLET_NAMES)} {number}"
            self.actor_kinds.append(kind)
            self.actor_names.append(name)
            yield {
                "id": number,
                "kind": kind,
                "name": name,
                "slug": f"{slugify(name)}-{number}",
                "description": "",
                "country": "",
                "wikidata_id": f"Q{1000 + number}" if number % 4 == 0 else None,
                "affiliation_id": affiliation,
                "merged_into_id": None,
            } | self.stamps(None)
        # Actors are ranked by how often they speak in the order they were made: persons first.
        self.speaker_weights = _cumulative_zipf(count, SPEAKER_ZIPF_EXPONENT)
        self.outlet_ids = range(count - outlets + 1, count + 1)
        self.body_ids = range(count - outlets - unnamed - bodies + 1, count - outlets - unnamed + 1)

    def actor_aliases(self) -> Iterator[dict]:
        for number, name in enumerate(self.actor_names, start=1):
            if number % 3 == 0:
                alias = name.split()[-1] + f" {number}"
                yield {"actor_id": number, "name": alias, "normalized_name": alias.casefold()}

    def positions(self) -> Iterator[dict]:
        number = 0
        for actor_id, kind in enumerate(self.actor_kinds, start=1):
            if kind == "person" and actor_id % 5 == 1:
                number += 1
                self.positions_of[actor_id] = number
                yield {
                    "id": number,
                    "actor_id": actor_id,
                    "title": self.rng.choice(TITLES),
                    "organization_id": self.rng.choice(self.body_ids),
                    "country": "",
                    "start_date": datetime.date(2010, 1, 1),
                    "end_date": None,
                } | self.stamps(None)

    def communication(self, number: int, source_day: datetime.date) -> tuple[dict, list[dict], list[int]]:
        kind = self.rng.choices([kind for kind, _ in COMMUNICATION_KINDS], [w for _, w in COMMUNICATION_KINDS])[0]
        day = source_day - datetime.timedelta(days=number % 2)
        regarding = number - 1 if kind == "readout" and number % 2 == 0 else None
        row = {
            "id": number,
            "kind": kind,
            "title": f"{kind.replace('_', ' ').capitalize()} {number}",
            "summary": self.sentence(5, 15),
            "date": day,
            "date_precision": "day",
            "date_expression": "",
            "duration_minutes": 30 if kind == "phone_call" else None,
            "duration_is_approximate": kind == "phone_call",
            "duration_according_to_id": None,
            "place_id": self.rng.randint(1, self.shape.places) if number % 2 else None,
            "regarding_id": regarding,
        } | self.stamps(day)
        participants, roles = [], iter(ROLES)
        for actor_id in sorted({self.zipf_actor() for _ in range(self.rng.randint(1, 4))}):
            participants.append({"communication_id": number, "actor_id": actor_id, "role": next(roles)})
        return row, participants, self.topic_ids(self.rng.randint(0, 2))

    def statement_counts(self) -> list[int]:
        """Statements per source: an even spread, then pairs of sources moved apart, so bodies vary in length."""
        base, extra = divmod(self.shape.statements, self.shape.sources)
        counts = [base + (1 if number < extra else 0) for number in range(self.shape.sources)]
        for number in range(0, self.shape.sources - 1, 2):
            shift = self.rng.randint(0, base // 2)
            counts[number] += shift
            counts[number + 1] -= shift
        return counts

    def sources_with_statements(self) -> Iterator[tuple[str, dict]]:
        """Sources, their communications and their statements, source by source, as (table, row) pairs."""
        statement_id = 0
        counts = self.statement_counts()
        for source_number in range(1, self.shape.sources + 1):
            day = self.day_of(source_number / self.shape.sources)
            publisher = self.rng.choice(self.outlet_ids)
            communications = []
            for number in (2 * source_number - 1, 2 * source_number):
                row, participants, topics = self.communication(number, day)
                communications.append(number)
                yield "communication", row
                for participant in participants:
                    yield "participation", participant
                for topic in topics:
                    yield "communication_topics", {"communication_id": number, "topic_id": topic}
                yield "communication_sources", {"communication_id": number, "source_id": source_number}
            parts: list[str] = [f"Report {source_number}. {self.sentence(20, 60).capitalize()}."]
            length = len(parts[0]) + 1
            statements = []
            for _ in range(counts[source_number - 1]):
                statement_id += 1
                speaker = self.zipf_actor() if self.rng.random() > 0.03 else None
                words = self.sentence(8, 30)
                if self.rng.random() < COMMON_WORD_SHARE:
                    cut = words.split(" ")
                    cut.insert(self.rng.randint(0, len(cut)), COMMON_WORD)
                    words = " ".join(cut)
                if statement_id in self.rare_statements:
                    words = f"{words} {RARE_WORD}"
                written = self.actor_names[speaker - 1] if speaker else "an official"
                kind = "direct_quote" if self.rng.random() < 0.6 else "paraphrase"
                if kind == "direct_quote":
                    opening = "\u201c"
                    sentence = f"{opening}{words},\u201d {written} said."
                else:
                    opening = f"{written} said that "
                    sentence = f"{opening}{words}."
                start = length + len(opening)
                filler = f" {self.sentence(10, 40).capitalize()}." if self.rng.random() < 0.8 else ""
                parts.append(sentence + filler)
                length += len(sentence) + len(filler) + 1
                statements.append((statement_id, speaker, written, kind, words, start))
            while length < 1000:
                filler = self.sentence(20, 40).capitalize() + "."
                parts.append(filler)
                length += len(filler) + 1
            body = "\n".join(parts)
            yield "source", self.source_row(source_number, day, publisher, body)
            for author in {self.zipf_actor() for _ in range(self.rng.randint(0, 2))}:
                yield "source_authors", {"source_id": source_number, "actor_id": author}
            first_of_source = statements[0][0] if statements else None
            for statement_id_, speaker, written, kind, words, start in statements:
                yield from self.statement_rows(
                    statement_id_,
                    speaker,
                    written,
                    kind,
                    words,
                    start,
                    source_number,
                    day,
                    publisher,
                    communications,
                    first_of_source,
                )

    def source_row(self, number: int, day: datetime.date, publisher: int, body: str) -> dict:
        from statements.models.sources import content_hash_of

        return {
            "id": number,
            "kind": "news_article" if number % 10 else "readout",
            "title": f"Report {number}: {self.sentence(3, 8)}",
            "url": f"https://news.example.org/{day:%Y/%m/%d}/report-{number}",
            "publisher_id": publisher,
            "language": "en",
            "image_credit": "",
            "body": body,
            "content_hash": content_hash_of(body),
            "date": day,
            "date_precision": "day",
            "date_expression": "",
        } | self.stamps(day)

    def statement_rows(
        self,
        number: int,
        speaker: int | None,
        written: str,
        kind: str,
        text: str,
        start: int,
        source: int,
        day: datetime.date,
        publisher: int,
        communications: Sequence[int],
        first_of_source: int | None,
    ) -> Iterator[tuple[str, dict]]:
        rng = self.rng
        draw = rng.random()
        if draw < 0.05:
            date, precision = None, "unknown"
        elif draw < 0.08:
            date, precision = day - datetime.timedelta(days=day.weekday()), "week"
        elif draw < 0.13:
            date, precision = day.replace(day=1), "month"
        elif draw < 0.15:
            date, precision = day.replace(month=1, day=1), "year"
        else:
            date, precision = day, "day"
        status = "draft" if speaker is None else rng.choices(["verified", "draft", "rejected"], [85, 12, 3])[0]
        extracted = rng.random() < 0.5
        position = self.positions_of.get(speaker) if speaker and rng.random() < 0.3 else None
        reply = first_of_source if first_of_source and first_of_source < number and rng.random() < 0.05 else None
        yield (
            "statement",
            {
                "id": number,
                "kind": kind,
                "text": text,
                "speaker_id": speaker,
                "speaker_as_written": written,
                "position_id": position,
                "reported_by_id": publisher if rng.random() < 0.3 else None,
                "communication_id": rng.choice(communications) if rng.random() < 0.8 else None,
                "source_id": source,
                "span_start": start,
                "span_end": start + len(text),
                "in_reply_to_id": reply,
                "status": status,
                "confidence": round(rng.uniform(0.5, 1.0), 3) if extracted else None,
                "extractor": EXTRACTOR if extracted else "",
                "speaker_proposed_name": "",
                "extraction_digest": "",
                "created_by_id": self.curator_ids[number % len(self.curator_ids)] if self.curator_ids else None,
                "updated_by_id": self.curator_ids[(number // 7) % len(self.curator_ids)] if self.curator_ids else None,
                "date": date,
                "date_precision": precision,
                "date_expression": "",
            }
            | self.stamps(day),
        )
        actors = self.shape.actors
        for actor_id in sorted({rng.randint(1, actors) for _ in range(rng.randint(0, 3))}):
            yield "statement_addressees", {"statement_id": number, "actor_id": actor_id}
        for topic_id in self.topic_ids(rng.randint(0, 3)):
            yield "statement_topics", {"statement_id": number, "topic_id": topic_id}
        for actor_id in sorted({self.zipf_actor() for _ in range(rng.randint(0, 3))}):
            yield "statement_mentioned_actors", {"statement_id": number, "actor_id": actor_id}
        for place_id in sorted({rng.randint(1, self.shape.places) for _ in range(rng.randint(0, 3))}):
            yield "statement_mentioned_places", {"statement_id": number, "place_id": place_id}

    curator_ids: Sequence[int] = ()


def tables() -> dict:
    """The tables written, by the short names the archive uses for them, in the order they are loaded."""
    from statements.models import (
        Actor,
        ActorAlias,
        Communication,
        Participation,
        Place,
        PlaceAlias,
        Position,
        Source,
        Statement,
        Topic,
    )

    return {
        "topic": Topic,
        "place": Place,
        "place_alias": PlaceAlias,
        "actor": Actor,
        "actor_alias": ActorAlias,
        "position": Position,
        "communication": Communication,
        "participation": Participation,
        "communication_topics": Communication.topics.through,
        "communication_sources": Communication.sources.through,
        "source": Source,
        "source_authors": Source.authors.through,
        "statement": Statement,
        "statement_addressees": Statement.addressees.through,
        "statement_topics": Statement.topics.through,
        "statement_mentioned_actors": Statement.mentioned_actors.through,
        "statement_mentioned_places": Statement.mentioned_places.through,
    }


class TableWriter:
    """Rows for one table, turned into tuples in the table's column order and sent in batches."""

    def __init__(self, model, sink):
        self.model = model
        self.columns = [field.column for field in model._meta.concrete_fields]
        attnames = [field.attname for field in model._meta.concrete_fields]
        self.attnames = attnames
        self.defaults = {
            field.attname: (None if field.primary_key else field.get_default()) for field in model._meta.concrete_fields
        }
        self.sink = sink
        self.rows: list[tuple] = []
        self.written = 0
        self.next_id = 1

    def add(self, row: dict) -> None:
        if self.model._meta.pk.attname not in row:
            row = {self.model._meta.pk.attname: self.next_id, **row}
            self.next_id += 1
        defaults = self.defaults
        self.rows.append(tuple(row[name] if name in row else defaults[name] for name in self.attnames))
        if len(self.rows) >= 20_000:
            self.flush()

    def flush(self) -> None:
        if self.rows:
            self.sink(self.model._meta.db_table, self.columns, self.rows)
            self.written += len(self.rows)
            self.rows = []


def _postgresql_sink(cursor):
    def write(table: str, columns: list[str], rows: list[tuple]) -> None:
        names = ", ".join(f'"{column}"' for column in columns)
        with cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(row)

    return write


def _sqlite_sink(cursor):
    def write(table: str, columns: list[str], rows: list[tuple]) -> None:
        names = ", ".join(f'"{column}"' for column in columns)
        marks = ", ".join("?" for _ in columns)
        cursor.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', [_sqlite_values(row) for row in rows])

    return write


def _sqlite_values(row: tuple) -> tuple:
    # Django stores UUIDs on SQLite as 32 hex digits, dates and times as ISO text.
    return tuple(_sqlite_value(value) for value in row)


def _sqlite_value(value):
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).replace(tzinfo=None).isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _dropped_postgresql_schema(cursor, tables: list[str]) -> list[str]:
    """Drop the foreign keys, unique constraints and indexes of `tables`; return the DDL that restores them."""
    cursor.execute(
        """
        SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid), c.contype
        FROM pg_constraint c
        WHERE c.contype IN ('f', 'u', 'p')
          AND (c.conrelid::regclass::text = ANY(%s) OR c.confrelid::regclass::text = ANY(%s))
        ORDER BY CASE c.contype WHEN 'f' THEN 0 ELSE 1 END
        """,
        [[f'"{table}"' for table in tables] + tables] * 2,
    )
    constraints = cursor.fetchall()
    cursor.execute(
        """
        SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
        FROM pg_index i
        WHERE i.indrelid::regclass::text = ANY(%s)
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.contype IN ('u', 'p'))
        """,
        [[f'"{table}"' for table in tables] + tables],
    )
    indexes = cursor.fetchall()
    restore = []
    for table, name, _definition, _kind in constraints:
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _definition in indexes:
        cursor.execute(f"DROP INDEX {name}")
    restore += [
        f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'
        for table, name, definition, kind in constraints
        if kind != "f"
    ]
    restore += [definition for _name, definition in indexes]
    restore += [
        f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'
        for table, name, definition, kind in constraints
        if kind == "f"
    ]
    return restore


def generate(statements: int, *, seed: int = 1, replace: bool = False, progress=print) -> dict[str, int]:
    """Fill the configured database with an archive of `statements` statements; returns rows written by table."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command, color
    from django.db import connection, transaction

    call_command("migrate", verbosity=0)
    models = tables()
    started = time.monotonic()
    with transaction.atomic():
        if models["statement"].objects.exists() or models["actor"].objects.exists():
            if not replace:
                raise SystemExit("The database already holds statement data; give --replace to empty it first.")
            _empty(connection, list(models.values()))
        user_model = get_user_model()
        curators = [
            user_model.objects.get_or_create(username=f"curator{number}", defaults={"email": f"c{number}@example.org"})[
                0
            ]
            for number in range(1, 4)
        ]
        archive = Archive(statements, seed)
        archive.curator_ids = [user.pk for user in curators]
        with connection.cursor() as cursor:
            raw_cursor = cursor.cursor
            if connection.vendor == "postgresql":
                table_names = [model._meta.db_table for model in models.values()]
                restore = _dropped_postgresql_schema(raw_cursor, table_names)
                # The change counter's triggers (migration 0013) would queue an event per row until the
                # commit; they are off for the load, and the counter is moved once after it.
                for table in table_names:
                    raw_cursor.execute(f'ALTER TABLE "{table}" DISABLE TRIGGER USER')
                    restore.append(f'ALTER TABLE "{table}" ENABLE TRIGGER USER')
                restore.append("UPDATE statements_change_counter SET changes = changes + 1")
                sink = _postgresql_sink(raw_cursor)
            else:
                restore = []
                sink = _sqlite_sink(raw_cursor)
            writers = {name: TableWriter(model, sink) for name, model in models.items()}
            for name, generator in (
                ("topic", archive.topics()),
                ("place", archive.places()),
                ("place_alias", archive.place_aliases()),
                ("actor", archive.actors()),
                ("actor_alias", archive.actor_aliases()),
                ("position", archive.positions()),
            ):
                for row in generator:
                    writers[name].add(row)
            last_report = time.monotonic()
            for name, row in archive.sources_with_statements():
                writers[name].add(row)
                if name == "statement" and row["id"] % 10_000 == 0 and time.monotonic() - last_report > 10:
                    last_report = time.monotonic()
                    rate = row["id"] / (last_report - started)
                    progress(f"  {row['id']:,} statements written ({rate:,.0f}/s)")
            for writer in writers.values():
                writer.flush()
            progress(f"  rows written in {time.monotonic() - started:.0f} s; rebuilding indexes and constraints")
            for statement in restore:
                raw_cursor.execute(statement)
            for statement in connection.ops.sequence_reset_sql(color.no_style(), list(models.values())):
                raw_cursor.execute(statement)
    if not connection.in_atomic_block:
        # Statistics for the planner, and on PostgreSQL the visibility map that index-only scans need.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    counts = {name: writer.written for name, writer in writers.items()}
    progress(f"  done in {time.monotonic() - started:.0f} s")
    return counts


def open_archive(statements: int) -> str:
    """Set Django up on the benchmark's database, generating its archive unless it holds one.

    The database is DATABASE_URL, or a SQLite file per archive size in benchmarks/data/; the
    archive counts as held when the statement count matches. Returns the database URL, which the
    benchmarks hand on to the processes they start.
    """
    DATA.mkdir(exist_ok=True)
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{DATA / f'archive-{statements}.sqlite3'}"
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from statements.models import Statement

    call_command("migrate", verbosity=0)
    if Statement.objects.count() != statements:
        print(f"Generating an archive of {statements:,} statements…")
        generate(statements, replace=True)
    return database_url


def _empty(connection, models) -> None:
    tables = [model._meta.db_table for model in models]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(f'{chr(34)}{t}{chr(34)}' for t in tables)} RESTART IDENTITY CASCADE")
        else:
            for table in reversed(tables):
                cursor.execute(f'DELETE FROM "{table}"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--statements", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--replace", action="store_true", help="Empty the statement tables first.")
    options = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")
    import django

    django.setup()
    from django.db import connection

    print(f"Generating {options.statements:,} statements into {connection.vendor} ({connection.settings_dict['NAME']})")
    counts = generate(options.statements, seed=options.seed, replace=options.replace)
    for name, count in counts.items():
        print(f"  {name}: {count:,}")


if __name__ == "__main__":
    main()

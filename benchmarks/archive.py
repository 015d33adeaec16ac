"""The benchmark archive's rows, generated from a seed: actors, sources, communications, statements and links."""

import bisect
import datetime
import itertools
import random
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from benchmarks.vocabulary import (
    BODY_NAMES,
    COMMON_SURNAME,
    COMMON_WORD,
    COMMON_WORD_SHARE,
    COMMUNICATION_KINDS,
    DAYS,
    EXTRACTOR,
    FIRST_DAY,
    FIRST_NAMES,
    FIRST_ROOT_SHARE,
    OUTLET_NAMES,
    RARE_WORD,
    RARE_WORD_STATEMENTS,
    ROLES,
    SPEAKER_ZIPF_EXPONENT,
    STAMP_TIME,
    STOP_WORDS,
    SURNAMES,
    TITLES,
)


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

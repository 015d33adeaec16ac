"""Scoring the extractor against labelled passages: precision, recall and F1 per task.

Matching rules:
- direct-quote detection: a found quote matches a labelled one when the texts are identical;
- attributed quotes: the texts are identical and the speaker's name matches (see `speaker_matches`);
- paraphrase detection: a found paraphrase matches a labelled one when their character spans overlap
  with an intersection-over-union of at least `PARAPHRASE_MIN_OVERLAP`;
- attributed paraphrases: a paraphrase match whose speaker's name also matches.
Each labelled statement is matched at most once, found statements in reading order.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from statements.extraction.extractor import extract
from statements.extraction.resolution import fold
from statements.extraction.types import DIRECT_QUOTE, PARAPHRASE, ExtractedStatement

EVALUATION_DIRECTORY = Path(__file__).resolve().parent
PASSAGES_FILE = EVALUATION_DIRECTORY / "passages.yaml"
DEMO_DIRECTORY = EVALUATION_DIRECTORY.parent.parent / "demo"
SEED_ARTICLE = DEMO_DIRECTORY / "biden-netanyahu-call.txt"
SEED_CURATION = DEMO_DIRECTORY / "curation.yaml"
PARAPHRASE_MIN_OVERLAP = 0.5


@dataclass(frozen=True)
class LabelledStatement:
    """A statement a curator recorded from a passage."""

    kind: str
    text: str
    speakers: tuple[str, ...]  # accepted names; empty when the passage does not say who spoke
    is_fragment: bool = False
    start: int = -1
    end: int = -1


@dataclass(frozen=True)
class Passage:
    """A text with the statements it holds."""

    identifier: str
    text: str
    expected: tuple[LabelledStatement, ...]
    published: datetime.date | None = None


@dataclass
class Tally:
    """Counts for one task, and the precision, recall and F1 they give."""

    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        expected = self.true_positives + self.false_negatives
        return self.true_positives / expected if expected else 1.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0

    def add(self, other: "Tally") -> None:
        self.true_positives += other.true_positives
        self.false_positives += other.false_positives
        self.false_negatives += other.false_negatives


TASKS = ("quote_detection", "attributed_quotes", "paraphrase_detection", "attributed_paraphrases")


@dataclass
class PassageScore:
    """How the extractor did on one passage, with what it got wrong."""

    passage: Passage
    found: list[ExtractedStatement]
    tallies: dict[str, Tally] = field(default_factory=lambda: {task: Tally() for task in TASKS})
    errors: list[str] = field(default_factory=list)


@dataclass
class EvaluationReport:
    """Totals over all passages, and each passage's score."""

    passages: list[PassageScore]

    def total(self, task: str) -> Tally:
        tally = Tally()
        for score in self.passages:
            tally.add(score.tallies[task])
        return tally


def _labelled(entry: dict, text: str, where: str) -> LabelledStatement:
    speakers = entry.get("speaker")
    if speakers is None:
        speakers = ()
    elif isinstance(speakers, str):
        speakers = (speakers,)
    start = text.find(entry["text"])
    if start < 0:
        raise ValueError(f"{where}: {entry['text']!r} does not occur in the passage.")
    return LabelledStatement(
        entry["kind"], entry["text"], tuple(speakers), bool(entry.get("fragment")), start, start + len(entry["text"])
    )


def load_passages(path: Path = PASSAGES_FILE) -> list[Passage]:
    """The labelled passages stored in `path`."""
    passages = []
    for entry in yaml.safe_load(path.read_text(encoding="utf-8")):
        text = entry["text"]
        expected = tuple(_labelled(item, text, entry["id"]) for item in entry["expected"])
        published = entry.get("published")
        passages.append(Passage(entry["id"], text, expected, published))
    return passages


def load_seed_passage(article: Path = SEED_ARTICLE, curation_path: Path = SEED_CURATION) -> Passage:
    """The seed article with its reference curation, speakers accepted by actor name or alias."""
    text = article.read_text(encoding="utf-8")
    curation = yaml.safe_load(curation_path.read_text(encoding="utf-8"))
    names = {actor["key"]: (actor["name"], *actor.get("aliases", ())) for actor in curation["actors"]}
    expected = []
    for statement in curation["statements"]:
        entry = {"kind": statement["kind"], "text": statement["text"], "speaker": list(names[statement["speaker"]])}
        expected.append(_labelled(entry, text, f"seed {statement['key']}"))
    return Passage("seed-biden-netanyahu-call", text, tuple(expected))


def all_passages() -> list[Passage]:
    """The labelled passages and the seed article."""
    return [*load_passages(), load_seed_passage()]


def speaker_matches(found: ExtractedStatement, labelled: LabelledStatement) -> bool:
    """Whether the found speaker's name is one the label accepts (case, accents, article folded)."""
    if not labelled.speakers:
        return found.speaker is None
    if found.speaker is None:
        return False
    return fold(found.speaker.name) in {fold(name) for name in labelled.speakers}


def span_overlap(found: ExtractedStatement, labelled: LabelledStatement) -> float:
    """Intersection over union of two character spans."""
    inter = min(found.end, labelled.end) - max(found.start, labelled.start)
    if inter <= 0:
        return 0.0
    return inter / (max(found.end, labelled.end) - min(found.start, labelled.start))


def score_passage(passage: Passage, extractor: Callable = extract) -> PassageScore:
    """Compare what `extractor` finds in one passage with its labels."""
    found = extractor(passage.text, passage.published)
    score = PassageScore(passage, found)
    _score_task(score, DIRECT_QUOTE, "quote_detection", lambda f, e: f.text == e.text, attributed=False)
    _score_task(score, DIRECT_QUOTE, "attributed_quotes", lambda f, e: f.text == e.text, attributed=True)
    overlaps = lambda f, e: span_overlap(f, e) >= PARAPHRASE_MIN_OVERLAP  # noqa: E731
    _score_task(score, PARAPHRASE, "paraphrase_detection", overlaps, attributed=False)
    _score_task(score, PARAPHRASE, "attributed_paraphrases", overlaps, attributed=True)
    return score


def _score_task(score: PassageScore, kind: str, task: str, same_statement, attributed: bool) -> None:
    tally = score.tallies[task]
    unmatched = [labelled for labelled in score.passage.expected if labelled.kind == kind]
    for statement in (item for item in score.found if item.kind == kind):
        match = next((labelled for labelled in unmatched if same_statement(statement, labelled)), None)
        if match is not None and (not attributed or speaker_matches(statement, match)):
            unmatched.remove(match)
            tally.true_positives += 1
            continue
        tally.false_positives += 1
        if attributed:
            speaker = statement.speaker.name if statement.speaker else None
            wanted = f" (wanted {', '.join(match.speakers) or 'no speaker'})" if match else ""
            score.errors.append(f"{task}: found {statement.text[:70]!r} by {speaker!r}{wanted}")
    tally.false_negatives += len(unmatched)
    if attributed:
        for labelled in unmatched:
            score.errors.append(f"{task}: missed {labelled.text[:70]!r} by {', '.join(labelled.speakers)!r}")


def evaluate(passages: Iterable[Passage] | None = None, extractor: Callable = extract) -> EvaluationReport:
    """Score the extractor on `passages` (by default the labelled set and the seed article)."""
    passages = all_passages() if passages is None else list(passages)
    return EvaluationReport([score_passage(passage, extractor) for passage in passages])

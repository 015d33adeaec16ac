"""`manage.py evaluate_extraction`: precision, recall and F1 of the extractor on the labelled passages."""

from pathlib import Path

from django.core.management.base import BaseCommand

from statements.extraction import EXTRACTOR_NAME, EXTRACTOR_VERSION
from statements.extraction.evaluation import (
    PARAPHRASE_MIN_OVERLAP,
    PASSAGES_FILE,
    TASKS,
    evaluate,
    load_passages,
    load_seed_passage,
)

TASK_LABELS = {
    "quote_detection": "Direct quotes (exact text)",
    "attributed_quotes": "Attributed quotes (text and speaker)",
    "paraphrase_detection": f"Paraphrases (span overlap >= {PARAPHRASE_MIN_OVERLAP})",
    "attributed_paraphrases": "Attributed paraphrases (overlap and speaker)",
}


class Command(BaseCommand):
    """Score the extractor against the labelled evaluation passages and the seed article."""

    help = "Print precision, recall and F1 of the quote and reported-speech extractor on the labelled passages."

    def add_arguments(self, parser):
        parser.add_argument("--passages", type=Path, default=PASSAGES_FILE, help="A YAML file of labelled passages.")
        parser.add_argument("--no-seed", action="store_true", help="Leave out the seed article.")
        parser.add_argument("--errors", action="store_true", help="List every missed or wrong statement.")

    def handle(self, *args, **options):
        passages = load_passages(options["passages"])
        if not options["no_seed"]:
            passages.append(load_seed_passage())
        report = evaluate(passages)
        labelled = sum(len(passage.expected) for passage in passages)
        self.stdout.write(
            f"{EXTRACTOR_NAME} {EXTRACTOR_VERSION}: {len(passages)} passages, {labelled} labelled statements"
        )
        self.stdout.write(f"{'task':<46} {'precision':>9} {'recall':>7} {'F1':>6} {'TP':>4} {'FP':>4} {'FN':>4}")
        for task in TASKS:
            tally = report.total(task)
            self.stdout.write(
                f"{TASK_LABELS[task]:<46} {tally.precision:>9.3f} {tally.recall:>7.3f} {tally.f1:>6.3f} "
                f"{tally.true_positives:>4} {tally.false_positives:>4} {tally.false_negatives:>4}"
            )
        if options["errors"]:
            for score in report.passages:
                if score.errors:
                    self.stdout.write(f"\n{score.passage.identifier}")
                    for error in score.errors:
                        self.stdout.write(f"  {error}")

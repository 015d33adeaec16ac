"""`manage.py load_demo`: store the demo dataset; running it again changes nothing."""

from django.core.management.base import BaseCommand, CommandError

from statements.demo.loader import CurationError, load_demo_dataset, load_review_sample
from statements.history import change_reason


class Command(BaseCommand):
    """Load the seed article and its reference curation as the demo dataset."""

    help = "Load the demo dataset: the seed article and its reference curation. Running it again creates nothing."

    def add_arguments(self, parser):
        parser.add_argument(
            "--review-sample",
            action="store_true",
            help="Also store a second, short article, unreviewed, and propose its statements as drafts: what the "
            "review screen shows (Statements › Review drafts).",
        )

    def handle(self, *args, **options):
        try:
            with change_reason("load_demo"):
                report = load_demo_dataset()
        except CurationError as error:
            raise CommandError(f"The demo dataset was not loaded: {error}") from error
        if options["review_sample"]:
            with change_reason("load_demo --review-sample"):
                sample, extraction = load_review_sample()
            if options["verbosity"] >= 1:
                self.stdout.write(
                    f"Review sample “{sample}”: {len(extraction.created)} draft(s) proposed, "
                    f"{len(extraction.unchanged)} already there."
                )
        if options["verbosity"] < 1:
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo dataset loaded: {report.created} records created, {report.existing} already present."
            )
        )
        for model, tally in report.tallies.items():
            self.stdout.write(
                f"  {model._meta.verbose_name_plural}: {tally.created} created, {tally.existing} existing"
            )
        for key in report.unanchored_paraphrases:
            self.stdout.write(
                self.style.WARNING(f"  Paraphrase {key} does not occur verbatim in the article: left unanchored.")
            )

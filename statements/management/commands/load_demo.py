"""`manage.py load_demo`: store the demo dataset; running it again changes nothing."""

from django.core.management.base import BaseCommand, CommandError

from statements.demo.loader import CurationError, load_demo_dataset
from statements.history import change_reason


class Command(BaseCommand):
    """Load the seed article and its reference curation as the demo dataset."""

    help = "Load the demo dataset: the seed article and its reference curation. Running it again creates nothing."

    def handle(self, *args, **options):
        try:
            with change_reason("load_demo"):
                report = load_demo_dataset()
        except CurationError as error:
            raise CommandError(f"The demo dataset was not loaded: {error}") from error
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

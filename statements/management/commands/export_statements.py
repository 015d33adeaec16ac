"""`manage.py export_statements`: the curated dataset as JSON Lines, streamed to stdout or a file."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from statements import transfer
from statements.choices import CurationStatus
from statements.management.progress import TransferProgress


class Command(BaseCommand):
    """Write every record — topics, places, actors, positions, sources, communications, statements — one per line."""

    help = (
        "Export the curated dataset as JSON Lines (statements-jsonl): one self-contained record per line, "
        "references by stable key, in dependency order. The same data always gives the same bytes. "
        "On a terminal a progress bar shows the rate and the time left on stderr; a summary follows (quiet with -v0)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, default=None, help="Write to this file instead of stdout.")
        parser.add_argument(
            "--status",
            action="append",
            choices=CurationStatus.values,
            default=None,
            help="Only statements of this curation status (repeat for several); the statements they reply to "
            "come too. Every other record is exported in full.",
        )
        parser.add_argument(
            "--public",
            action="store_true",
            help="What the public may read, as the API serves it to anonymous readers: verified statements only, "
            "a statement answering one that is not verified written as answering none.",
        )

    def handle(self, *args, **options):
        progress = None
        if options["verbosity"] >= 1:
            progress = TransferProgress(
                self.stderr,
                "Exported",
                total=transfer.export_size(statuses=options["status"], public=options["public"]),
            )
        lines = transfer.export_lines(statuses=options["status"], public=options["public"], progress=progress)
        try:
            if options["output"] is None:
                for line in lines:
                    self.stdout.write(line, ending="")
                self.stdout.flush()
            else:
                with options["output"].open("w", encoding="utf-8", newline="\n") as file:
                    file.writelines(lines)
        except transfer.TransferError as error:
            raise CommandError(str(error)) from error
        except OSError as error:
            raise CommandError(f"Cannot write {options['output']}: {error}") from error
        finally:
            if progress is not None:
                progress.close()
        if progress is not None:
            progress.finish()

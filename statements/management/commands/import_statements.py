"""`manage.py import_statements FILE`: add the records of a statements-jsonl file, all or nothing."""

import sys
from contextlib import nullcontext
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from statements import transfer
from statements.management.progress import TransferProgress


class Command(BaseCommand):
    """Validate every line of a JSON Lines export and import it in one transaction, or report the bad lines."""

    help = (
        "Import a statements-jsonl file (as export_statements writes it). Every line is validated first; if any "
        "is bad, nothing is written and each bad line is reported with its number. Records already stored "
        "identically are skipped, so importing a file twice changes nothing; a stored record with other values "
        "is a conflict, never overwritten. On a terminal a progress bar shows the rate and the time left on "
        "stderr (quiet with -v0)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help='The file to import; "-" reads stdin.')
        parser.add_argument("--dry-run", action="store_true", help="Validate everything, write nothing.")

    def handle(self, *args, **options):
        path: Path = options["file"]
        from_stdin = str(path) == "-"
        progress = None
        try:
            with nullcontext(sys.stdin.buffer) if from_stdin else path.open("rb") as file:
                lines = _CountedLines(file)
                if options["verbosity"] >= 1:
                    progress = TransferProgress(
                        self.stderr,
                        "Checked" if options["dry_run"] else "Imported",
                        total=None if from_stdin else path.stat().st_size,
                        position=lambda: lines.read,
                    )
                report = transfer.import_lines(lines, dry_run=options["dry_run"], progress=progress)
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error}") from error
        finally:
            if progress is not None:
                progress.close()
        if not report.ok:
            for error in report.errors:
                self.stderr.write(str(error))
            unlisted = report.error_count - len(report.errors)
            more = f" (the first {len(report.errors)} are listed)" if unlisted else ""
            raise CommandError(f"{report.error_count} bad line(s){more}: nothing was imported.")
        if progress is not None:
            progress.finish()
        if options["verbosity"] >= 1:
            created = ", ".join(f"{count} {name}s" for name, count in report.created.items()) or "nothing"
            unchanged = sum(report.unchanged.values())
            outcome = "would be created (dry run, nothing written)" if report.dry_run else "created"
            self.stdout.write(
                self.style.SUCCESS(f"{report.lines} lines read: {created} {outcome}; {unchanged} already stored.")
            )


class _CountedLines:
    """The lines of a binary file, counting the bytes read so far (for the progress bar's time left)."""

    def __init__(self, file):
        self.file, self.read = file, 0

    def __iter__(self):
        for line in self.file:
            self.read += len(line)
            yield line

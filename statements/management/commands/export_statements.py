"""`manage.py export_statements`: the curated dataset as JSON Lines, streamed to stdout or a file."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from statements import transfer
from statements.choices import CurationStatus

#: Records between two progress lines on stderr.
PROGRESS_EVERY = 10_000


class Command(BaseCommand):
    """Write every record — topics, places, actors, positions, sources, communications, statements — one per line."""

    help = (
        "Export the curated dataset as JSON Lines (statements-jsonl): one self-contained record per line, "
        "references by stable key, in dependency order. The same data always gives the same bytes. "
        "Progress goes to stderr (quiet with -v0)."
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

    def handle(self, *args, **options):
        progress = Progress(self.stderr, "Exported") if options["verbosity"] >= 1 else None
        lines = transfer.export_lines(statuses=options["status"], progress=progress)
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
        if progress is not None:
            progress.finish()


class Progress:
    """Progress lines on stderr: every PROGRESS_EVERY records, at the end of each type, and a summary."""

    def __init__(self, stream, verb: str):
        self.stream, self.verb = stream, verb
        self.counts: dict[str, int] = {}
        self.started = time.monotonic()
        self.last_reported = 0

    def __call__(self, type_name: str, count: int) -> None:
        self.counts[type_name] = count
        total = sum(self.counts.values())
        if total - self.last_reported >= PROGRESS_EVERY:
            self.last_reported = total
            self.stream.write(f"{self.verb} {total} records ({count} {type_name}s)…")

    def finish(self) -> None:
        elapsed = time.monotonic() - self.started
        total = sum(self.counts.values())
        parts = ", ".join(f"{count} {name}s" for name, count in self.counts.items())
        rate = f", {total / elapsed:.0f} records/s" if elapsed > 0 else ""
        self.stream.write(f"{self.verb} {total} records in {elapsed:.1f} s{rate}: {parts}.")

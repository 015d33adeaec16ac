"""`manage.py extract_statements PATH`: the quotes and reported speech in a text file, with their speakers."""

import datetime
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from statements.extraction import extract
from statements.extraction.records import statement_records
from statements.extraction.resolution import stored_actor_resolver

_TEXT_WIDTH = 70


class Command(BaseCommand):
    """Print the statements found in a UTF-8 text file, as JSON or as a table; nothing is stored."""

    help = (
        "Extract direct quotes and paraphrases from a UTF-8 text file. Speakers are matched to stored actors "
        "by name and alias; unmatched speakers are proposed, never created. Offsets index the file's text."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="The text file to read (UTF-8).")
        parser.add_argument(
            "--format", choices=["table", "json"], default="table", help="json: a JSON array on stdout, nothing else."
        )
        parser.add_argument(
            "--published",
            type=_date,
            default=None,
            help="The text's publication date (YYYY-MM-DD), for relative dates such as 'on Thursday'.",
        )

    def handle(self, *args, **options):
        path: Path = options["path"]
        try:
            # newline="" keeps "\r\n" as two characters, so offsets index the file's text exactly.
            with path.open(encoding="utf-8", newline="") as file:
                text = file.read()
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {path} as UTF-8 text: {error}") from error
        statements = extract(text, options["published"])
        try:
            resolver = stored_actor_resolver()
        except DatabaseError as error:
            # Extraction needs no database; say why speakers stay unmatched rather than print nothing.
            self.stderr.write(f"Speakers not matched to actors: the database cannot be read ({error}).")
            resolver = None
        records = statement_records(statements, resolver)
        if options["format"] == "json":
            self.stdout.write(json.dumps(records, ensure_ascii=False, indent=2))
            return
        self._write_table(records)

    def _write_table(self, records: list[dict]) -> None:
        if not records:
            self.stdout.write("No statements found.")
            return
        self.stdout.write(f"{'#':>3}  {'kind':<12} {'conf':>4}  {'speaker':<32} {'span':<13} text")
        for number, record in enumerate(records, start=1):
            speaker = record["speaker"]
            who = "?"
            if speaker:
                who = speaker["name"] + (f" [#{speaker['actor_id']}]" if speaker.get("actor_id") else "")
            text = record["text"].replace("\n", " ")
            if len(text) > _TEXT_WIDTH:
                text = text[: _TEXT_WIDTH - 1] + "…"
            if record["is_fragment"]:
                text = f"(fragment) {text}"
            span = f"{record['start']}-{record['end']}"
            self.stdout.write(
                f"{number:>3}  {record['kind']:<12} {record['confidence']:>4.2f}  {who[:32]:<32} {span:<13} {text}"
            )
        self.stdout.write(f"{len(records)} statements.")


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--published must be a date as YYYY-MM-DD, not {value!r}.") from None

"""The extract_statements and evaluate_extraction commands."""

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from statements.extraction import EXTRACTOR_NAME, EXTRACTOR_VERSION
from statements.extraction.evaluation import SEED_ARTICLE
from tests.factories import ActorAliasFactory, ActorFactory

ARTICLE = (
    "Foreign Minister Maria Lopes spoke in Lisbon on Tuesday.\r\n\r\n"
    "“Nós não vamos ceder — we will not give in,” Lopes said. “Nobody should expect anything else.”\r\n\r\n"
    "Lopes’s office said in a statement on Thursday that the talks would resume in May.\r\n"
)


def _run(*args) -> tuple[str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command("extract_statements", *args, stdout=stdout, stderr=stderr)
    return stdout.getvalue(), stderr.getvalue()


@pytest.fixture
def article(tmp_path) -> Path:
    path = tmp_path / "article.txt"
    path.write_bytes(ARTICLE.encode("utf-8"))
    return path


@pytest.mark.django_db
def test_json_output_on_an_empty_database(article):
    stdout, _ = _run(str(article), "--format", "json", "--published", "2024-03-05")
    records = json.loads(stdout)
    body = article.read_bytes().decode("utf-8")
    assert [record["kind"] for record in records] == ["direct_quote", "direct_quote", "paraphrase"]
    for record in records:
        assert {"kind", "text", "start", "end", "speaker", "confidence"} <= set(record)
        assert record["speaker"]["name"] in ("Maria Lopes", "Lopes’s office")
        assert record["speaker"]["actor_id"] is None
        assert record["speaker"]["resolution"]["status"] == "new"
        assert 0 < record["confidence"] <= 1
        assert record["extractor"] == {"name": EXTRACTOR_NAME, "version": EXTRACTOR_VERSION}
        assert body[record["start"] : record["end"]] == record["text"]
    assert records[0]["text"] == "Nós não vamos ceder — we will not give in"
    assert records[2]["date"] == {"value": "2024-02-29", "precision": "day", "expression": "on Thursday"}


@pytest.mark.django_db
def test_json_output_gives_the_actor_id_of_resolved_speakers(article):
    lopes = ActorFactory(name="Maria Lopes")
    office = ActorFactory(name="Portuguese Foreign Ministry", kind="government_body", country="PT")
    ActorAliasFactory(actor=office, name="Lopes's office")
    records = json.loads(_run(str(article), "--format", "json")[0])
    assert [record["speaker"]["actor_id"] for record in records] == [lopes.pk, lopes.pk, office.pk]


@pytest.mark.django_db
def test_table_output_lists_every_statement(article):
    stdout, _ = _run(str(article))
    assert "Maria Lopes" in stdout
    assert "3 statements." in stdout


@pytest.mark.django_db
def test_unreadable_path_is_a_command_error(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        _run(str(tmp_path / "missing.txt"))


@pytest.mark.django_db
def test_bad_publication_date_is_a_command_error(article):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        _run(str(article), "--published", "15/02/2024")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_json_mode_prints_only_json_from_a_subprocess(tmp_path):
    """Tools outside the project parse stdout whole: nothing else may be printed there."""
    database = tmp_path / "empty.sqlite3"
    environment = {"DATABASE_URL": f"sqlite:///{database}", "PATH": "/usr/bin:/bin"}
    manage = Path(settings.BASE_DIR) / "manage.py"
    subprocess.run([sys.executable, str(manage), "migrate", "-v0"], env=environment, check=True)
    completed = subprocess.run(
        [sys.executable, str(manage), "extract_statements", str(SEED_ARTICLE), "--format", "json"],
        env=environment,
        check=True,
        capture_output=True,
        text=True,
    )
    records = json.loads(completed.stdout)
    assert len([record for record in records if record["kind"] == "direct_quote"]) == 5


def test_evaluate_extraction_prints_precision_recall_and_f1():
    stdout = io.StringIO()
    call_command("evaluate_extraction", stdout=stdout)
    output = stdout.getvalue()
    for label in ("Direct quotes", "Attributed quotes", "Paraphrases", "precision", "recall", "F1"):
        assert label in output

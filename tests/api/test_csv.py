"""Lists as CSV: every record the filters select, flat columns, streamed."""

import csv
import datetime
import io

import pytest

from api import csv_output
from statements.choices import CurationStatus
from tests.api.helpers import API, error_attrs
from tests.factories import ActorFactory, CommunicationFactory, ParticipationFactory, SourceFactory, StatementFactory

pytestmark = pytest.mark.django_db


def read_csv(response) -> list[dict]:
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.streaming
    text = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def test_statements_as_csv_with_names_beside_ids(api_client):
    speaker = ActorFactory(name="Benjamin Netanyahu")
    addressees = [ActorFactory(name="Joe Biden"), ActorFactory(name="Antony Blinken")]
    source = SourceFactory(title="Readout, with a comma", url="https://example.org/readout")
    statement = StatementFactory(
        speaker=speaker, source=None, date=datetime.date(2024, 2, 15), date_precision="day", text='He said "no".'
    )
    statement.addressees.set(addressees)
    StatementFactory(speaker=speaker, source=source)
    rows = read_csv(api_client.get(f"{API}/statements/", {"format": "csv", "ordering": "date"}))
    assert len(rows) == 2
    first = next(row for row in rows if row["id"] == str(statement.pk))
    assert first["speaker_id"] == str(speaker.pk)
    assert first["speaker_name"] == "Benjamin Netanyahu"
    assert first["addressees_name"] == "Antony Blinken | Joe Biden"
    assert first["text"] == 'He said "no".'
    assert first["date"] == "2024-02-15"
    assert first["api_url"] == f"http://testserver{API}/statements/{statement.pk}/"
    assert first["source_id"] == ""
    other = next(row for row in rows if row["id"] != str(statement.pk))
    assert (other["source_title"], other["source_url"]) == ("Readout, with a comma", "https://example.org/readout")
    assert "selectors" not in first


def test_the_accept_header_asks_for_csv_too(api_client):
    StatementFactory()
    assert len(read_csv(api_client.get(f"{API}/statements/", HTTP_ACCEPT="text/csv"))) == 1


def test_format_csv_wins_over_an_accept_header_asking_for_json(api_client):
    StatementFactory()
    response = api_client.get(f"{API}/statements/", {"format": "csv"}, HTTP_ACCEPT="application/json")
    assert len(read_csv(response)) == 1


def test_every_record_the_filters_select_in_the_lists_order_across_batches(api_client, monkeypatch):
    monkeypatch.setattr(csv_output, "BATCH_SIZE", 3)
    monkeypatch.setattr("api.viewsets.BATCH_SIZE", 3)
    speaker = ActorFactory()
    made = [
        StatementFactory(speaker=speaker, date=datetime.date(2024, 1, day), date_precision="day")
        for day in range(1, 11)
    ]
    StatementFactory()
    StatementFactory(speaker=speaker, status=CurationStatus.DRAFT)
    query = {"format": "csv", "speaker": speaker.pk, "page_size": 2}
    rows = read_csv(api_client.get(f"{API}/statements/", query))
    assert [int(row["id"]) for row in rows] == [statement.pk for statement in reversed(made)]


def test_a_byte_order_mark_on_request(api_client):
    StatementFactory(speaker=ActorFactory(name="Recep Tayyip Erdoğan"))
    response = api_client.get(f"{API}/statements/", {"format": "csv", "bom": "true"})
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbfid,")
    assert "Erdoğan".encode() in body
    plain = b"".join(api_client.get(f"{API}/statements/", {"format": "csv"}).streaming_content)
    assert plain.startswith(b"id,")


def test_communications_as_csv_with_participants_and_roles(api_client):
    call = CommunicationFactory(title="The call")
    ParticipationFactory(communication=call, actor=ActorFactory(name="Joe Biden"), role="initiator")
    ParticipationFactory(communication=call, actor=ActorFactory(name="Benjamin Netanyahu"), role="recipient")
    [row] = read_csv(api_client.get(f"{API}/communications/", {"format": "csv"}))
    assert row["participants_actor_name"] == "Joe Biden | Benjamin Netanyahu"
    assert row["participants_role"] == "initiator | recipient"


@pytest.mark.parametrize("resource", ["actors", "places", "topics", "sources", "positions"])
def test_every_numbered_list_as_csv(api_client, resource):
    response = api_client.get(f"{API}/{resource}/", {"format": "csv"})
    assert read_csv(response) == []


def test_nested_lists_as_csv(api_client):
    speaker = ActorFactory()
    StatementFactory(speaker=speaker)
    StatementFactory()
    rows = read_csv(api_client.get(f"{API}/actors/{speaker.pk}/statements/", {"format": "csv"}))
    assert [row["speaker_id"] for row in rows] == [str(speaker.pk)]


def test_aliases_joined_in_one_cell(api_client):
    actor = ActorFactory(name="Benjamin Netanyahu")
    actor.aliases.create(name="Bibi")
    actor.aliases.create(name="Netanyahu")
    [row] = read_csv(api_client.get(f"{API}/actors/", {"format": "csv"}))
    assert row["aliases"] == "Bibi | Netanyahu"


def test_errors_stay_json_naming_the_parameter(api_client):
    for query in ({"format": "csv", "speaker__name": "x"}, {"format": "csv", "bom": "yes"}):
        response = api_client.get(f"{API}/statements/", query)
        assert response.status_code == 400
        assert response["Content-Type"].startswith("application/json")
        assert error_attrs(response) == set(query) - {"format"}


def test_bom_is_refused_without_csv(api_client):
    response = api_client.get(f"{API}/statements/", {"bom": "true"})
    assert response.status_code == 400
    assert error_attrs(response) == {"bom"}


def test_one_record_is_not_csv(api_client):
    statement = StatementFactory()
    assert api_client.get(f"{API}/statements/{statement.pk}/", HTTP_ACCEPT="text/csv").status_code == 406


def test_the_schema_documents_csv_as_text(api_client):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    content = schema["paths"]["/api/v1/statements/"]["get"]["responses"]["200"]["content"]
    assert content["text/csv"]["schema"]["type"] == "string"
    assert "application/json" in content
    assert "text/csv" not in schema["paths"]["/api/v1/statements/{id}/"]["get"]["responses"]["200"]["content"]

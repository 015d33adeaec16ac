"""The requests the API benchmark makes, with the values from the archive they need (the busiest speaker, a month…)."""

import base64
import datetime
import json
from dataclasses import dataclass


@dataclass
class Query:
    """One request of the benchmark: its label, its API path and the bare view's path (None when there is none)."""

    label: str
    path: str
    bare: str | None
    kind: str = "list"  # list, detail or search: the targets differ


def parameters() -> dict[str, object]:
    """Values the queries need, read from the archive: the busiest speaker, a month, a cursor 200 pages deep…"""
    from django.db import connection
    from django.db.models import Count

    from benchmarks.vocabulary import COMMON_WORD, RARE_WORD
    from statements.models import Actor, Participation, Statement

    busiest = Statement.objects.values("speaker").annotate(n=Count("id")).order_by("-n").first()
    counts = Statement.objects.values("speaker").annotate(n=Count("id"))
    small = min(counts.filter(n__gte=20, n__lte=40), key=lambda row: (abs(row["n"] - 29), row["speaker"]))
    participant_a = Participation.objects.values("actor").annotate(n=Count("id")).order_by("-n").first()["actor"]
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT b.actor_id FROM statements_participation a
               JOIN statements_participation b ON a.communication_id = b.communication_id AND b.actor_id <> a.actor_id
               WHERE a.actor_id = %s GROUP BY b.actor_id ORDER BY count(*) DESC, b.actor_id LIMIT 1""",
            [participant_a],
        )
        participant_b = cursor.fetchone()[0]
    middle = Statement.objects.order_by("id").values_list("id", flat=True)[Statement.objects.count() // 2]
    dated = Statement.objects.exclude(date=None).order_by("-date", "-id").values_list("date", "id")
    deep_date, deep_id = dated[200 * 50 - 1]
    latest = dated.first()[0]
    month_start = (latest.replace(day=1) - datetime.timedelta(days=400)).replace(day=1)
    month_end = (month_start + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    from statements.models import Communication, Source
    from statements.models.base import DateKey

    month_count = (
        Statement.objects.filter(status="verified", date__isnull=False)
        .alias(date_key=DateKey())
        .filter(date_key__gte=month_start, date_key__lte=month_end)
        .count()
    )
    return {
        "month_count": month_count,
        "busiest": busiest["speaker"],
        "busiest_count": busiest["n"],
        "small": small["speaker"],
        "small_count": small["n"],
        "topic": 1,
        "month_start": month_start.isoformat(),
        "month_end": month_end.isoformat(),
        "common": COMMON_WORD,
        "rare": RARE_WORD,
        "participant_a": participant_a,
        "participant_b": participant_b,
        "statement": middle,
        "communication": Communication.objects.order_by("id").values_list("id", flat=True)[
            Communication.objects.count() // 2
        ],
        "source": Source.objects.order_by("id").values_list("id", flat=True)[Source.objects.count() // 2],
        "actor": Actor.objects.order_by("id").values_list("id", flat=True)[Actor.objects.count() // 2],
        "deep_cursor": deep_cursor(deep_date, deep_id),
    }


def deep_cursor(date: datetime.date, pk: int) -> str:
    """The `next` cursor after the row with this date and id, in the default ordering (page 201 with 50 a page)."""
    try:
        from api.pagination import encode_cursor
    except ImportError:  # the paginator before cursors had an encoding function of their own

        def encode_cursor(ordering, direction, values):
            payload = {"ordering": ordering, "direction": direction, "values": values}
            raw = json.dumps(payload, separators=(",", ":")).encode()
            return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    return encode_cursor("-date", "next", [date.isoformat(), pk])


def queries(values: dict[str, object]) -> list[Query]:
    """The requests measured, in the order of the table."""
    v = values
    month = f"date_after={v['month_start']}&date_before={v['month_end']}"
    participants = f"participant={v['participant_a']}&participant={v['participant_b']}"
    every_facet = "&".join(f"facet={name}" for name in FACETS_FILTERED)
    return [
        Query("`statements/` first page", "/api/v1/statements/", "/bare/statements/"),
        Query(
            "`statements/` 200 pages deep by cursor",
            f"/api/v1/statements/?cursor={v['deep_cursor']}",
            f"/bare/statements/?cursor={v['deep_cursor']}",
        ),
        Query(
            "`statements/{id}/`",
            f"/api/v1/statements/{v['statement']}/",
            f"/bare/statements/{v['statement']}/",
            "detail",
        ),
        Query(
            f"`statements/?speaker=` busiest speaker ({v['busiest_count']:,})",
            f"/api/v1/statements/?speaker={v['busiest']}",
            f"/bare/statements/?speaker={v['busiest']}",
        ),
        Query(
            f"`statements/?speaker=` a speaker with {v['small_count']} statements",
            f"/api/v1/statements/?speaker={v['small']}",
            f"/bare/statements/?speaker={v['small']}",
        ),
        Query(
            "`statements/?topic=` a root topic, with subtopics",
            f"/api/v1/statements/?topic={v['topic']}",
            f"/bare/statements/?topic={v['topic']}",
        ),
        Query(
            "`statements/?date_after=&date_before=` one month",
            f"/api/v1/statements/?{month}",
            f"/bare/statements/?{month}",
        ),
        Query(
            f"`statements/?q=` a common word ({v['common']})",
            f"/api/v1/statements/?q={v['common']}",
            f"/bare/statements/?q={v['common']}",
            "search",
        ),
        # Asked again, a ranked page comes from the cache until the archive changes; this asks a new
        # question each time (a different date bound beyond every date) to measure the ranking itself.
        Query(
            f"`statements/?q=` a common word ({v['common']}), a new question each time",
            f"/api/v1/statements/?q={v['common']}&date_before={{later}}",
            f"/bare/statements/?q={v['common']}&date_before={{later}}",
            "search",
        ),
        Query(
            f"`statements/?q=` a rare word ({v['rare']})",
            f"/api/v1/statements/?q={v['rare']}",
            f"/bare/statements/?q={v['rare']}",
        ),
        Query(
            "`communications/?participant=A&participant=B`",
            f"/api/v1/communications/?{participants}",
            f"/bare/communications/?{participants}",
        ),
        Query("`actors/?q=smith`", "/api/v1/actors/?q=smith", "/bare/actors/?q=smith"),
        Query(
            "`actors/{busiest}/statements/`",
            f"/api/v1/actors/{v['busiest']}/statements/",
            f"/bare/statements/?speaker={v['busiest']}",
        ),
        Query("`communications/` first page", "/api/v1/communications/", "/bare/communications/"),
        Query(
            "`communications/{id}/`",
            f"/api/v1/communications/{v['communication']}/",
            f"/bare/communications/{v['communication']}/",
            "detail",
        ),
        Query("`sources/` first page", "/api/v1/sources/", "/bare/sources/"),
        Query("`sources/{id}/`", f"/api/v1/sources/{v['source']}/", f"/bare/sources/{v['source']}/", "detail"),
        Query("`actors/{id}/`", f"/api/v1/actors/{v['actor']}/", f"/bare/actors/{v['actor']}/", "detail"),
        *(
            Query(
                f"`statements/facets/?facet={name}` unfiltered",
                f"/api/v1/statements/facets/?facet={name}",
                None,
                "facets",
            )
            for name in FACETS_UNFILTERED
        ),
        Query(
            f"`statements/facets/` {len(FACETS_FILTERED)} facets, a speaker with {v['small_count']} statements",
            f"/api/v1/statements/facets/?{every_facet}&speaker={v['small']}",
            None,
            "facets_filtered",
        ),
        Query(
            f"`statements/facets/` {len(FACETS_FILTERED)} facets, `q=` a rare word ({v['rare']})",
            f"/api/v1/statements/facets/?{every_facet}&q={v['rare']}",
            None,
            "facets_filtered",
        ),
        Query(
            f"`statements/facets/` {len(FACETS_FILTERED)} facets, one month ({v['month_count']:,})",
            f"/api/v1/statements/facets/?{every_facet}&{month}",
            None,
            "facets_filtered",
        ),
        Query(
            "`communications/facets/` participant, topic, month, kind of participant A",
            f"/api/v1/communications/facets/?facet=participant&facet=topic&facet=month&facet=kind"
            f"&participant={v['participant_a']}",
            None,
            "facets_filtered",
        ),
        *(
            Query(
                f"`statements/facets/?facet={name}` one month",
                f"/api/v1/statements/facets/?facet={name}&{month}",
                None,
                "facets_filtered",
            )
            for name in ("speaker", "topic", "place")
        ),
        Query(
            f"`statements/?format=csv` one month, every row ({v['month_count']:,})",
            f"/api/v1/statements/?format=csv&{month}",
            None,
            "csv",
        ),
    ]


#: Facets measured on the whole archive, one per request, and those asked together of filtered sets.
FACETS_UNFILTERED = ["speaker", "kind", "month", "source", "reported_by", "topic", "place"]
FACETS_FILTERED = ["speaker", "topic", "month", "kind", "source", "reported_by", "place"]

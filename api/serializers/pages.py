"""A page of records represented in a constant number of queries, whatever its length."""

from collections.abc import Callable, Iterable

from rest_framework import serializers

from api.links import ApiLinks, api_links


def represent_in_order(
    records: Iterable,
    context: dict,
    rows_by_id: Callable[[list[int]], dict[int, dict]],
    represent: Callable[[dict, ApiLinks], dict],
) -> list[dict]:
    """The representations of records (instances or rows with an "id"), in their order.

    `rows_by_id` reads every row a page needs in one query; `represent` turns one row into its
    representation, with the links made once for the request.
    """
    ids = [record["id"] if isinstance(record, dict) else record.pk for record in records]
    rows = rows_by_id(ids)
    links = api_links(context)
    return [represent(rows[pk], links) for pk in ids if pk in rows]


class MembersPerPageListSerializer(serializers.ListSerializer):
    """A page whose records' to-many members (aliases, authors) are read for the whole page in one query.

    The child serializer gives `members_of(ids)` (members by owner id) and `represent(record, members)`.
    """

    def to_representation(self, data):
        records = list(data)
        members = self.child.members_of([record.pk for record in records])
        return [self.child.represent(record, members.get(record.pk, [])) for record in records]


class MembersPerPageMixin:
    """One record of a MembersPerPageListSerializer child: a page of one."""

    def to_representation(self, record) -> dict:
        return self.represent(record, self.members_of([record.pk]).get(record.pk, []))

"""The archive's count of changes, and answers kept in the cache for as long as it stays the same.

Some questions take long to answer on a large archive (the facets of the whole archive, ranking the
matches of a common word) and are asked again and again. PostgreSQL counts the transactions that
change the curated tables (migration 0013); an answer kept under one count is the answer for the data
as it stood then, so it is never stale: the first question after any change is answered afresh.
"""

import hashlib
import logging
import time
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models.sql import Query

T = TypeVar("T")
logger = logging.getLogger(__name__)

#: Answers made faster than this (seconds) are made again rather than kept.
KEEP_AFTER_SECONDS = 0.02
#: How long kept answers may stay unused in the cache (they are never stale: a change makes new keys).
KEEP_SECONDS = 24 * 3600


def counted_changes() -> int | None:
    """How many transactions have changed the curated tables, or None where the database keeps no count.

    The count rises as each such transaction commits, so answers kept under one value are those of
    the data as it stood at that value.
    """
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT changes FROM statements_change_counter WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else None


def changes_now() -> int | None:
    """The count to keep answers under, or None if nothing may be kept now: inside a transaction the reads
    may see its own writes, which no one else sees yet."""
    return None if connection.in_atomic_block else counted_changes()


def query_question(*about, query: Query) -> str | None:
    """The question a query asks (its SQL and parameters) and what else the answer depends on, or None
    for a query that can select nothing and is answered without the database."""
    try:
        sql, params = query.sql_with_params()
    except EmptyResultSet:
        return None
    return repr((*about, sql, params))


def kept_until_changed(question: str | None, answer: Callable[[], T], *, stale_for: float = 0) -> T:
    """`answer()`, or what it gave when `question` was last asked with the archive as it is now.

    `question` must say everything the answer depends on (see `query_question`); None keeps nothing. An
    answer is kept only if it took long to make and nothing changed meanwhile.

    With `stale_for` (seconds), the last answer kept for the question is given even if the archive has
    changed since, as long as it was made less than that long ago: on an archive changing every few
    seconds, a question that takes seconds to answer is then answered afresh once in that time, not on
    nearly every request.
    """
    changes = None if question is None else changes_now()
    if changes is None:
        return answer()
    digest = hashlib.sha256(question.encode()).hexdigest()
    key, latest_key = f"kept:{changes}:{digest}", f"kept-latest:{digest}"
    try:
        kept = cache.get_many([key, latest_key] if stale_for > 0 else [key])
    except Exception as error:  # noqa: BLE001 - a cache server away (CACHE_URL): answer afresh, keep nothing
        logger.warning("Kept answers not read: the cache did not answer (%s)", error)
        return answer()
    if key in kept:
        return kept[key]
    latest = kept.get(latest_key)
    if latest is not None and time.time() - latest[0] < stale_for:
        return latest[1]
    started = time.perf_counter()
    value = answer()
    if time.perf_counter() - started >= KEEP_AFTER_SECONDS and counted_changes() == changes:
        # The latest answer, whatever the count, is kept beside only for questions that may be behind.
        kept = {key: value, latest_key: (time.time(), value)} if stale_for > 0 else {key: value}
        try:
            cache.set_many(kept, KEEP_SECONDS)
        except Exception as error:  # noqa: BLE001
            logger.warning("Answer not kept: the cache did not answer (%s)", error)
    return value

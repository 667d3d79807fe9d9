"""Counting failed attempts in Flask-Limiter's storage (memory in tests, Redis in production).

A bucket counts one kind of failure for one key: wrong passwords for an email typed on a
browser it was never used on, from one address, from one known browser, or wrong current
passwords of one signed-in person. Only failures are counted, so a person who knows their
password never uses up a bucket.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable
from dataclasses import dataclass

from limits import RateLimitItem, parse

from portal.core.extensions import limiter

NAMESPACE = "portal-failures"


@dataclass(frozen=True)
class Bucket:
    scope: str  # what is counted: "account", "address", "device" or "password"
    key: str
    limit: str  # in Flask-Limiter's notation: "5 per 15 minutes"

    @property
    def item(self) -> RateLimitItem:
        return parse(self.limit)


def exhausted_bucket(buckets: Iterable[Bucket]) -> Bucket | None:
    """The first bucket with no attempt left, if any."""
    for bucket in buckets:
        if not limiter.limiter.test(bucket.item, NAMESPACE, bucket.scope, bucket.key):
            return bucket
    return None


def count_failure(buckets: Iterable[Bucket]) -> None:
    for bucket in buckets:
        limiter.limiter.hit(bucket.item, NAMESPACE, bucket.scope, bucket.key)


def minutes_to_wait(bucket: Bucket) -> int:
    reset_at, _remaining = limiter.limiter.get_window_stats(
        bucket.item, NAMESPACE, bucket.scope, bucket.key
    )
    return max(1, math.ceil((reset_at - time.time()) / 60))

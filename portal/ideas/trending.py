"""The trending score: each vote and visible comment adds a weight that doubles every half-life.

Comparing sums of such weights ranks ideas by recent activity with exponential decay, and no stored score ever
needs recomputing. Doubles hold 2**1023, so a week's half-life from a 2026 epoch lasts to about 2045, when the
epoch has to move forward and the stored scores be divided by the same factor.
"""

from __future__ import annotations

from datetime import UTC, datetime

TRENDING_EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
TRENDING_HALF_LIFE_SECONDS = 7 * 24 * 3600


def trending_weight(at: datetime) -> float:
    """How much one vote or comment made at `at` adds to an idea's trending score."""
    if at.tzinfo is None:  # Core statements on SQLite hand back naive UTC times
        at = at.replace(tzinfo=UTC)
    return 2.0 ** ((at - TRENDING_EPOCH).total_seconds() / TRENDING_HALF_LIFE_SECONDS)

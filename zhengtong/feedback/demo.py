"""
Demo feedback data (README): each part seeds its own, idempotently.

- ratings: ratings on demo tickets and cases, one bad rating with its
  rectification in progress, a rater device (评价器) bound to a demo counter.
"""

from typing import IO


def seed(*, password: str, stdout: IO | None = None) -> None:
    from .demo_ratings import ratings_seed

    ratings_seed(password=password, stdout=stdout)

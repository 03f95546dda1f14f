"""
Demo feedback data (README): each part seeds its own, idempotently.

- ratings: ratings on demo tickets and cases, one bad rating with its
  rectification in progress, a rater device (评价器) bound to a demo counter.
- complaints: complaints in different states, one integrity complaint (seen
  only by ``jijian``), first-question records with a pending handover, the
  complaint phones and staff badges (demo_complaints.py).
"""

from typing import IO


def seed(*, password: str, stdout: IO | None = None) -> None:
    from .demo_ratings import ratings_seed

    ratings_seed(password=password, stdout=stdout)

    from .demo_complaints import complaints_seed

    complaints_seed(password=password, stdout=stdout)

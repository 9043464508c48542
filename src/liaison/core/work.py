"""What needs a user now, in one shape every app's ``work_for`` answers in and home shows:
for one kind of work, the first records waiting and how many in all, with the list that holds
the rest."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class WorkItem:
    label: str
    url: str
    detail: str = ""


@dataclass(frozen=True)
class WorkList:
    """One kind of work: ``total`` records wait, ``items`` are the first of them."""

    key: str
    title: str
    why: str  # what the user is expected to do
    items: list[WorkItem]
    total: int
    more_url: str

"""The home page's figures: real counts, each only for what the user may see."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils import timezone


@dataclass(frozen=True)
class Figure:
    label: str
    value: int
    url: str


def home_figures(*, user: Any) -> list[Figure]:
    from liaison.partners.selectors import agency_list, country_list
    from liaison.people.selectors import person_list, staff_list
    from liaison.training.models import OPEN_STATES
    from liaison.training.selectors import blocked_deliveries, delivery_list

    figures: list[Figure] = []
    if user.has_perm("partners.browse"):
        figures.append(
            Figure(
                "Partner countries",
                country_list(user=user).count(),
                reverse("partners:country_list"),
            )
        )
        figures.append(
            Figure(
                "Foreign agencies", agency_list(user=user).count(), reverse("partners:agency_list")
            )
        )
    if user.has_perm("people.browse"):
        figures.append(
            Figure(
                "Foreign officials", person_list(user=user).count(), reverse("people:person_list")
            )
        )
    if user.has_perm("people.browse_staff"):
        figures.append(Figure("Staff", staff_list(user=user).count(), reverse("people:staff_list")))
    if user.has_perm("training.browse"):
        upcoming = delivery_list(user=user).filter(
            status__in=OPEN_STATES, ends_on__gte=timezone.localdate()
        )
        figures.append(
            Figure(
                "Upcoming and running deliveries",
                upcoming.count(),
                reverse("training:delivery_list"),
            )
        )
        blocked = sum(len(group.blockers) for group in blocked_deliveries(user=user))
        figures.append(Figure("Nominees blocked by vetting", blocked, reverse("training:blocked")))
    return figures

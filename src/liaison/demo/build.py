"""Building the demo: the reference data, then the registry of officials and staff with the
demo accounts, then training (FY2013 to FY2017), visits, SAFE capacity-building programs,
the mutual assistance agreements and our staff posted abroad on top of them, and the surveys
of the latest deliveries and visit."""

from __future__ import annotations

import random
from dataclasses import dataclass

from django.db import transaction

from liaison.agreements.models import Agreement, AssistanceRequest
from liaison.demo.agreements import build_agreement_demo
from liaison.demo.capacity import build_capacity_demo
from liaison.demo.postings import build_postings_demo
from liaison.demo.registry import (
    OFFICIALS_PER_FISCAL_YEAR,
    Names,
    audit_created,
    build_people,
    build_staff,
    ensure_demo_accounts,
    reference_agencies,
)
from liaison.demo.surveys import build_surveys_demo
from liaison.demo.training import build_training_demo
from liaison.demo.visits import build_visit_demo
from liaison.home.reference import reference_load
from liaison.partners.models import Agency, Country
from liaison.people.models import Person, Staff
from liaison.training.models import Delivery
from liaison.visits.models import Visit


@dataclass(frozen=True)
class DemoResult:
    created: bool
    people: int
    agencies: int
    staff: int
    deliveries: int = 0
    visits: int = 0
    postings: int = 0
    agreements: int = 0
    assistance_requests: int = 0


@transaction.atomic
def build_demo(*, scale: float = 1.0, seed: int = 2015) -> DemoResult:
    """Build the demo data set once; a second call leaves an existing data set as it is."""
    reference_load()
    if Person.objects.exists():
        return DemoResult(
            False,
            Person.objects.count(),
            Agency.objects.count(),
            Staff.objects.count(),
            Delivery.objects.count(),
            Visit.objects.count(),
            Agreement.objects.count(),
            AssistanceRequest.objects.count(),
        )
    rng = random.Random(seed)
    names = Names(seed)
    countries = list(
        Country.objects.filter(region__isnull=False).select_related("region").order_by("code")
    )
    agencies = reference_agencies(countries)  # audited by the reference data load
    by_country: dict[int, list[Agency]] = {}
    for agency in agencies:
        by_country.setdefault(agency.country_id, []).append(agency)
    people = build_people(
        rng, names, round(OFFICIALS_PER_FISCAL_YEAR * scale), countries, by_country
    )
    staff = build_staff(rng, names, countries)
    for objects, action in (
        (people, "person.created"),
        (staff, "staff.created"),
    ):
        audit_created(objects, action)
    ensure_demo_accounts()  # the training demo links the advisor to an instructor
    training = build_training_demo(scale=scale, seed=seed)
    visits = build_visit_demo(scale=scale, seed=seed)
    build_capacity_demo(seed=seed)
    agreements = build_agreement_demo(seed=seed)
    postings = build_postings_demo(seed=seed)  # instructors' TDYs avoid their teaching days
    build_surveys_demo(seed=seed)
    return DemoResult(
        True,
        len(people),
        len(agencies),
        len(staff) + postings.staff_added,
        training.deliveries,
        visits.visits,
        postings.postings,
        agreements.agreements,
        agreements.requests,
    )

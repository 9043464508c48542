"""A deterministic, realistic demo data set: officials, staff, accounts, on the real agencies.

The agencies are the reference data's (data/agencies.csv: each country's customs
administration and border police or immigration agency, by their official names); nothing here
invents one. An official of a country the file has no agency for is registered without one.

Scale 1 is one fiscal year at the published FY2015 volume: 222 training sessions of about 25
participants and 457 visits for about 2,500 officials give roughly 8,000 officials. Training for
FY2013 to FY2017 (liaison.demo.training) is built on top of them.
"""

from __future__ import annotations

import random
import string
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from anyascii import anyascii
from django.db import connection
from django.db.models import Min, Model
from faker import Faker
from simple_history.utils import bulk_create_with_history

from liaison.accounts.models import User
from liaison.accounts.roles import Role
from liaison.audit.models import AuditEntry
from liaison.bench.people import latin_spelling
from liaison.catalog.models import FundingSource
from liaison.core.fiscal import FiscalYear
from liaison.core.locales import faker_locale_for_country
from liaison.partners.models import Agency, Country, Region
from liaison.partners.services import reference_agencies_load
from liaison.people.indexing import index_new_people, search_name_of
from liaison.people.matching import is_native_script
from liaison.people.models import Gender, Person, Staff, StaffKind

OFFICIALS_PER_FISCAL_YEAR = 8000
DEMO_PASSWORD = "liaison-demo"  # noqa: S105 - printed for the local demo accounts only
DEMO_FISCAL_YEAR = FiscalYear(2015)

POSITIONS = [
    "Customs Officer",
    "Senior Customs Inspector",
    "Chief Inspector",
    "Port Director",
    "Deputy Director",
    "Border Guard Lieutenant",
    "Border Guard Captain",
    "Major",
    "Risk Analyst",
    "Intelligence Analyst",
    "Investigator",
    "Laboratory Chemist",
    "Canine Handler",
    "Training Officer",
    "Station Commander",
    "Head of Unit",
]
# Regions weighted by how much of the work they draw (training abroad and visits).
REGION_WEIGHTS = {"WHA": 30, "EUR": 20, "AF": 18, "EAP": 14, "NEA": 10, "SCA": 8}

DEMO_ACCOUNTS: list[tuple[str, Role, str, str]] = [
    ("admin", Role.ADMINISTRATOR, "Alex", "Morgan"),
    ("manager", Role.PROGRAM_MANAGER, "Patricia", "Nguyen"),
    ("advisor", Role.TRAINING_ADVISOR, "Norman", "Roy"),
    ("ivp", Role.IVP_COORDINATOR, "Dana", "Whitfield"),
    ("host", Role.SITE_HOST, "Luis", "Ortega"),
    ("attache", Role.ATTACHE, "Karen", "Holloway"),
    ("vetting", Role.VETTING_OFFICER, "Samuel", "Price"),
    ("sponsor", Role.SPONSOR, "Irene", "Castillo"),
]
ATTACHE_REGION = "WHA"
# The funding source the demo sponsor reads the reports of (the one paying for most work).
SPONSOR_FUNDING_SOURCE = "INL"


@dataclass
class VettingOutcome:
    """A person's vetting of one purpose as it ends up: the latest decision (the training demo
    builds Leahy vetting, the visit demo facility access)."""

    status: str
    created_at: datetime
    submitted_at: datetime | None = None
    decided_at: datetime | None = None
    valid_until: date | None = None


class Names:
    """One seeded Faker per locale, so names come from the right language, repeatably."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.fakers: dict[str, Faker] = {}

    def faker(self, locale: str) -> Faker:
        if locale not in self.fakers:
            fake = Faker(locale)
            fake.seed_instance(self.seed)
            self.fakers[locale] = fake
        return self.fakers[locale]

    def person(self, country: str, female: bool, rng: random.Random) -> tuple[str, str, str]:
        fake = self.faker(faker_locale_for_country(country))
        given = fake.first_name_female() if female else fake.first_name_male()
        family = fake.last_name()
        native = f"{given} {family}"
        if not is_native_script(native):
            return given, family, ""  # Latin script, diacritics and all
        return latin_spelling(given, rng), latin_spelling(family, rng), native


def _fy_datetime(rng: random.Random, fy: FiscalYear) -> datetime:
    day = fy.start + timedelta(days=rng.randrange((fy.end - fy.start).days + 1))
    return datetime(day.year, day.month, day.day, 9 + rng.randrange(8), tzinfo=UTC)


def reference_agencies(countries: list[Country]) -> list[Agency]:
    """The countries' agencies from the reference data, in the registry since before the
    demo's fiscal year (the registry backdating moves them earlier, before their officials)."""
    reference_agencies_load()
    before_fy = datetime.combine(
        DEMO_FISCAL_YEAR.start - timedelta(days=30), datetime.min.time(), tzinfo=UTC
    )
    agencies = list(Agency.objects.filter(country__in=countries).order_by("pk"))
    later = [a for a in agencies if a.created_at > before_fy]
    for agency in later:
        agency.created_at = before_fy
    update_created_at(Agency, later)
    return agencies


def build_people(
    rng: random.Random,
    names: Names,
    count: int,
    countries: list[Country],
    agencies_by_country: dict[int, list[Agency]],
) -> list[Person]:
    weights = [REGION_WEIGHTS.get(c.region.code if c.region else "", 1) for c in countries]
    people = []
    for _ in range(count):
        country = rng.choices(countries, weights=weights)[0]
        female = rng.random() < 0.28
        given, family, native = names.person(str(country.code), female, rng)
        agencies = agencies_by_country.get(country.pk)
        agency = rng.choice(agencies) if agencies else None
        person = Person(
            given_name=given,
            family_name=family,
            native_name=native,
            gender=Gender.FEMALE if female else Gender.MALE,
            birth_date=date(1958 + rng.randrange(40), 1 + rng.randrange(12), 1 + rng.randrange(28)),
            passport_number=rng.choice(string.ascii_uppercase)
            + "".join(rng.choices(string.digits, k=8)),
            nationality=country,
            agency=agency,
            position=rng.choice(POSITIONS),
            email=f"{anyascii(given).lower()}.{anyascii(family).lower()}@example.org".replace(
                " ", ""
            )
            if rng.random() < 0.6
            else "",
            created_at=_fy_datetime(rng, DEMO_FISCAL_YEAR),
        )
        person.search_name = search_name_of(person)
        people.append(person)
    people = bulk_create_with_history(people, Person, batch_size=1000)
    index_new_people(people)
    return people


def build_staff(rng: random.Random, names: Names, countries: list[Country]) -> list[Staff]:
    fake = names.faker("en_US")
    plan = [
        (StaffKind.INSTRUCTOR, 40),
        (StaffKind.ATTACHE, 14),
        (StaffKind.ADVISOR, 10),
        (StaffKind.SITE_HOST, 24),
    ]
    titles = {
        StaffKind.INSTRUCTOR: "International Training Advisor",
        StaffKind.ATTACHE: "Attaché",
        StaffKind.ADVISOR: "Customs Advisor",
        StaffKind.SITE_HOST: "Port Liaison Officer",
    }
    posts = [c for c in countries if c.region is not None]
    staff = []
    for kind, count in plan:
        for _ in range(count):
            given, family = fake.first_name(), fake.last_name()
            posted = kind in (StaffKind.ATTACHE, StaffKind.ADVISOR)
            staff.append(
                Staff(
                    kind=kind,
                    given_name=given,
                    family_name=family,
                    title=titles[kind],
                    office="Office of International Affairs" if not posted else "",
                    email=f"{given.lower()}.{family.lower()}@agency.example",
                    post_country=rng.choice(posts) if posted else None,
                )
            )
    return bulk_create_with_history(staff, Staff, batch_size=500)


def audit_created(objects: list[Any], action: str) -> None:
    if not objects:
        return
    label = f"{objects[0]._meta.app_label}.{objects[0]._meta.model_name}"
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(
                actor_name="system",
                action=action,
                object_type=label,
                object_id=str(o.pk),
                object_label=str(o)[:255],
                channel="cli",
                changes={"source": [None, "demo data"]},
            )
            for o in objects
        ],
        batch_size=2000,
    )


def ensure_demo_accounts() -> list[tuple[str, str]]:
    """One account per role, password DEMO_PASSWORD; returns (username, role label)."""
    region = Region.objects.get(code=ATTACHE_REGION)
    funding_source = FundingSource.objects.filter(code=SPONSOR_FUNDING_SOURCE).first()
    accounts = []
    for username, role, first, last in DEMO_ACCOUNTS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "role": role,
                "first_name": first,
                "last_name": last,
                "email": f"{username}@liaison.example",
                "region": region if role == Role.ATTACHE else None,
                "funding_source": funding_source if role == Role.SPONSOR else None,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        accounts.append(
            (
                username,
                f"{role.label}"
                + (f" ({region.code})" if role == Role.ATTACHE else "")
                + (f" ({funding_source.code})" if role == Role.SPONSOR and funding_source else ""),
            )
        )
    return accounts


def update_created_at(model: type[Model], objects: Sequence[Any]) -> None:
    """Set each object's ``created_at`` in one statement run many times (bulk_update builds
    a CASE over every row, slow for thousands)."""
    meta = model._meta
    sql = (
        f"UPDATE {connection.ops.quote_name(meta.db_table)} SET created_at = %s "  # noqa: S608
        "WHERE id = %s"
    )
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.executemany(sql, [(adapt(o.created_at), o.pk) for o in objects])


def backdate_registry(
    first_seen: dict[int, datetime],
    person_by_pk: dict[int, Person],
    agencies: dict[int, list[Agency]],
    rng: random.Random,
) -> None:
    """Each person enters the registry 5-90 days before ``first_seen`` (their first
    nomination or request), and each agency 30 days before its oldest person."""
    moved = []
    for pk, seen in sorted(first_seen.items()):
        person = person_by_pk[pk]
        earlier = seen - timedelta(days=rng.randint(5, 90))
        if earlier < person.created_at:
            person.created_at = earlier
            moved.append(person)
    update_created_at(Person, moved)
    oldest = dict(
        Person.objects.filter(agency__isnull=False)
        .values("agency_id")
        .annotate(oldest=Min("created_at"))
        .values_list("agency_id", "oldest")
    )
    older = [
        a
        for group in agencies.values()
        for a in group
        if a.pk in oldest and oldest[a.pk] < a.created_at
    ]
    for agency in older:
        agency.created_at = oldest[agency.pk] - timedelta(days=30)
    update_created_at(Agency, older)

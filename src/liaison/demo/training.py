"""Five fiscal years of training for the demo (FY2013 to FY2017), and what is coming up now.

FY2015 reproduces the published figures exactly: 222 sessions in 52 host countries, 22 of them
at ILEAs; the other years are the same size. The plan of deliveries (courses, venues, dates,
instructors) draws from its own random stream, so the counts are the same at every ``scale``;
only the rosters shrink with the number of people.

``make run`` builds this on first start, so it writes with ``bulk_create`` (with history, and
one audit entry per created record as the rest of the demo) instead of through the services,
which take dozens of queries a delivery. The services' rules still hold in the data: every
confirmed, attended or no-show participant has a Leahy approval valid through the last day,
certificates go to completers only (by ``completion_of``), instructors are qualified and never
teach two deliveries at once, and past deliveries are closed with an after-action report.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any, TypeVar

from django.db import connection
from django.db.models import Model
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from liaison.accounts.models import User
from liaison.accounts.roles import Role
from liaison.audit.models import AuditEntry
from liaison.catalog.models import ACADEMY_KINDS, Course, FundingSource, Venue, VenueKind
from liaison.core.fiscal import FiscalYear
from liaison.demo.registry import REGION_WEIGHTS, VettingOutcome, audit_created, backdate_registry
from liaison.partners.models import Agency, AgencyKind, Country
from liaison.people.models import Person, Staff, StaffKind
from liaison.training.models import (
    ATTENDING,
    AfterActionReport,
    Assignment,
    Attendance,
    AttendanceMark,
    Certificate,
    CostCategory,
    CostKind,
    CostLine,
    Delivery,
    DeliveryStatus,
    Enrollment,
    EnrollmentStatus,
    FollowUp,
    FollowUpKind,
    InstructorRole,
    RequestStatus,
    TrainingRequest,
)
from liaison.training.rules import completion_of
from liaison.training.services import CODE_ALPHABET, CODE_LENGTH
from liaison.vetting.models import Purpose, VettingRecord, VettingStatus

T = TypeVar("T")


@dataclass(frozen=True)
class YearPlan:
    deliveries: int  # held, i.e. not cancelled
    countries: int  # distinct host countries among them
    ilea: int  # at an ILEA or ILEA regional training center
    cancelled: int


# FY2015 is the published year; the others are of the same order.
YEARS: dict[int, YearPlan] = {
    2013: YearPlan(deliveries=205, countries=49, ilea=19, cancelled=4),
    2014: YearPlan(deliveries=214, countries=50, ilea=20, cancelled=5),
    2015: YearPlan(deliveries=222, countries=52, ilea=22, cancelled=4),
    2016: YearPlan(deliveries=229, countries=55, ilea=24, cancelled=6),
    2017: YearPlan(deliveries=218, countries=53, ilea=21, cancelled=3),
}
ROSTER_SIZE = (15, 30)
MIN_ROSTER = 3
ALL_REGIONS = ("WHA", "EUR", "AF", "EAP", "NEA", "SCA")

# Academies: how often each hosts a session, and whose officers it trains.
ILEA_PLAN: dict[str, tuple[int, tuple[str, ...]]] = {
    "ILEA-SAL": (6, ("WHA",)),
    "ILEA-BUD": (4, ("EUR", "SCA")),
    "ILEA-BKK": (4, ("EAP",)),
    "ILEA-GAB": (4, ("AF",)),
    "RTC-ACC": (2, ("AF",)),
    "RTC-LIM": (2, ("WHA",)),
    "ILEA-ROS": (2, ALL_REGIONS),
}
# U.S. ports where partners see the work done: code, name, city, environment.
US_PORTS: list[tuple[str, str, str, str]] = [
    ("USP-LRD", "Laredo World Trade Bridge", "Laredo, Texas", "land"),
    ("USP-SYS", "San Ysidro Port of Entry", "San Diego, California", "land"),
    ("USP-BLN", "Blaine Port of Entry", "Blaine, Washington", "land"),
    ("USP-MIA", "PortMiami", "Miami, Florida", "seaport"),
    ("USP-LGB", "Port of Long Beach", "Long Beach, California", "seaport"),
    ("USP-JFK", "John F. Kennedy International Airport", "New York, New York", "airport"),
    ("USP-IAH", "Houston Intercontinental Airport", "Houston, Texas", "airport"),
    ("USP-ELP", "El Paso Rail Crossing", "El Paso, Texas", "rail"),
]
US_PORT_CAPACITY = 35
SITE_CAPACITY = 40
# Countries that host sessions on their own soil, with the capital where the site is.
# fmt: off
HOST_CAPITALS: dict[str, str] = {
    # WHA
    "MX": "Mexico City", "GT": "Guatemala City", "SV": "San Salvador", "HN": "Tegucigalpa",
    "NI": "Managua", "CR": "San José", "PA": "Panama City", "BZ": "Belmopan", "CO": "Bogotá",
    "PE": "Lima", "EC": "Quito", "BO": "La Paz", "CL": "Santiago", "AR": "Buenos Aires",
    "BR": "Brasília", "PY": "Asunción", "UY": "Montevideo", "DO": "Santo Domingo",
    "HT": "Port-au-Prince", "JM": "Kingston", "BS": "Nassau", "TT": "Port of Spain",
    "BB": "Bridgetown", "GY": "Georgetown", "SR": "Paramaribo", "LC": "Castries",
    "GD": "St. George's", "AG": "St. John's", "KN": "Basseterre", "DM": "Roseau",
    # EUR
    "AL": "Tirana", "AM": "Yerevan", "AZ": "Baku", "BA": "Sarajevo", "BG": "Sofia",
    "HR": "Zagreb", "EE": "Tallinn", "GE": "Tbilisi", "GR": "Athens", "HU": "Budapest",
    "XK": "Pristina", "LV": "Riga", "LT": "Vilnius", "MD": "Chișinău", "ME": "Podgorica",
    "MK": "Skopje", "PL": "Warsaw", "RO": "Bucharest", "RS": "Belgrade", "SK": "Bratislava",
    "SI": "Ljubljana", "TR": "Ankara", "UA": "Kyiv", "CY": "Nicosia", "MT": "Valletta",
    # AF
    "AO": "Luanda", "BJ": "Cotonou", "BW": "Gaborone", "BF": "Ouagadougou", "CV": "Praia",
    "CM": "Yaoundé", "TD": "N'Djamena", "CI": "Abidjan", "CD": "Kinshasa", "DJ": "Djibouti",
    "ET": "Addis Ababa", "GA": "Libreville", "GM": "Banjul", "GH": "Accra", "GN": "Conakry",
    "KE": "Nairobi", "LS": "Maseru", "LR": "Monrovia", "MG": "Antananarivo", "MW": "Lilongwe",
    "ML": "Bamako", "MR": "Nouakchott", "MU": "Port Louis", "MZ": "Maputo", "NA": "Windhoek",
    "NE": "Niamey", "NG": "Abuja", "RW": "Kigali", "SN": "Dakar", "SC": "Victoria",
    "SL": "Freetown", "ZA": "Pretoria", "TZ": "Dodoma", "TG": "Lomé", "UG": "Kampala",
    "ZM": "Lusaka", "ZW": "Harare", "SZ": "Mbabane", "CG": "Brazzaville", "GW": "Bissau",
    # NEA
    "DZ": "Algiers", "BH": "Manama", "EG": "Cairo", "IQ": "Baghdad", "JO": "Amman",
    "KW": "Kuwait City", "LB": "Beirut", "MA": "Rabat", "OM": "Muscat", "QA": "Doha",
    "SA": "Riyadh", "TN": "Tunis", "AE": "Abu Dhabi",
    # SCA
    "AF": "Kabul", "BD": "Dhaka", "BT": "Thimphu", "IN": "New Delhi", "KZ": "Astana",
    "KG": "Bishkek", "MV": "Malé", "NP": "Kathmandu", "PK": "Islamabad", "LK": "Colombo",
    "TJ": "Dushanbe", "TM": "Ashgabat", "UZ": "Tashkent",
    # EAP
    "BN": "Bandar Seri Begawan", "KH": "Phnom Penh", "FJ": "Suva", "ID": "Jakarta",
    "LA": "Vientiane", "MY": "Kuala Lumpur", "MN": "Ulaanbaatar", "MM": "Naypyidaw",
    "PG": "Port Moresby", "PH": "Manila", "SG": "Singapore", "TH": "Bangkok", "TL": "Dili",
    "VN": "Hanoi", "WS": "Apia", "TO": "Nuku'alofa", "SB": "Honiara", "VU": "Port Vila",
}
# fmt: on
# Who pays, by program area (the catalog's areas); weights.
FUNDING_BY_AREA: dict[str, dict[str, int]] = {
    "ILEA": {"INL": 10, "DOD": 2, "DEA": 1, "EMBASSY": 1, "USCG": 1},
    "EXBS": {"EXBS": 10, "DOD": 1, "STATE-OTHER": 1},
    "TRADE": {"STATE-OTHER": 3, "USAID": 3, "EMBASSY": 2, "DHS-OTHER": 1},
    "WCO": {"USAID": 3, "INL": 2, "STATE-OTHER": 2, "EMBASSY": 1},
    "IMMIGRATION": {"DHS-OTHER": 3, "INL": 2, "EMBASSY": 2, "STATE-OTHER": 1},
    "INTEGRITY": {"INL": 3, "USAID": 2, "NG-SPP": 1, "EMBASSY": 1},
}
ADVISOR_COURSES = ("LBI-101", "POE-101", "CCT-101", "FFD-101", "IMP-101", "TTT-301")
# Regions whose partners mostly train in English, so need no interpreter.
ENGLISH_REGIONS = {"SCA"}

JUSTIFICATIONS = [
    "The {agency} has new officers at its crossings and no course of its own on {topic}.",
    "Seizures along the {country} corridor have risen; the post asks for {topic} for "
    "front-line officers.",
    "Follows last year's assessment of the {agency}, which found gaps in {topic}.",
    "Asked for by the head of the {agency} during the bilateral dialogue.",
    "Supports the action plan agreed with {country} on {topic}.",
]
DECLINE_NOTES = [
    "No qualified instructor is free in the requested window.",
    "Funds for the region are committed for the fiscal year.",
    "The regional ILEA course in the same quarter covers it; nominees redirected there.",
    "Duplicates a request already approved for the same agency.",
]
CANCEL_REASONS = [
    "The host agency asked to postpone: national elections that week.",
    "Security situation at the venue; the embassy advised against travel.",
    "Funds were not obligated before the end of the fiscal year.",
    "The host could not release enough officers during the holiday season.",
    "The lead instructor fell ill and no qualified replacement was free.",
    "Storm damage at the venue.",
]
WITHDRAWN_REASONS = [
    "Reassigned by the agency before the course.",
    "Visa not issued in time.",
    "Illness.",
    "Replaced by the nominating agency.",
    "Family emergency.",
]
AAR_ISSUES = [
    "Two participants arrived a day late after flight delays.",
    "The interpretation equipment failed on the first morning.",
    "The host could not provide the X-ray van for the practical exercise.",
    "Several nominees were below the rank asked for in the announcement.",
    "",
    "",
]
AAR_RECOMMENDATIONS = [
    "Repeat the course for the port's second shift.",
    "Send the pre-course reading a month ahead.",
    "A train-the-trainer course would let the host run this itself.",
    "Invite the prosecutors' office to the case-study day.",
    "",
]


@dataclass(frozen=True)
class TrainingDemoResult:
    deliveries: int
    enrollments: int
    attendance: int
    certificates: int


@dataclass
class _Planned:
    """One delivery before it is written, with what goes with it."""

    delivery: Delivery
    region: str  # where most participants come from
    home: Country | None  # the nationality most participants share
    request: TrainingRequest | None = None
    staff: list[tuple[Staff, str]] = field(default_factory=list)
    enrollments: list[Enrollment] = field(default_factory=list)


def _at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def _money(value: float) -> Decimal:
    return Decimal(f"{value:.2f}")


def _insert_rows(model: type[Model], columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    """Plain INSERTs of already adapted values: for the ~100,000 attendance marks, where
    building model instances would take most of the demo's time."""
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} "  # noqa: S608
        f"({', '.join(quote(c) for c in columns)}) VALUES ({', '.join(['%s'] * len(columns))})"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 5000):
            cursor.executemany(sql, rows[start : start + 5000])


def _weighted_sample(
    rng: random.Random, items: Sequence[T], weights: Sequence[float], k: int
) -> list[T]:
    """``k`` distinct items, each drawn with its weight (Efraimidis and Spirakis)."""
    keyed = sorted(((rng.random() ** (1.0 / w), i) for i, w in enumerate(weights)), reverse=True)
    return [items[i] for _, i in keyed[:k]]


class _TrainingDemo:
    def __init__(self, *, scale: float, seed: int, today: date) -> None:
        self.rng = random.Random(seed * 7919 + 11)  # the plan: the same at every scale
        self.roster_rng = random.Random(seed * 104_729 + 13)  # rosters: depend on people
        self.scale = scale
        self.today = today
        self.courses = list(
            Course.objects.filter(active=True).select_related("area").order_by("code")
        )
        self.course_by_code = {c.code: c for c in self.courses}
        self.funding = {f.code: f for f in FundingSource.objects.all()}
        self.academies = {
            v.code: v
            for v in Venue.objects.filter(kind__in=ACADEMY_KINDS).select_related("country")
        }
        self.countries = {
            str(c.code): c for c in Country.objects.select_related("region").order_by("code")
        }
        self.region_of = {c.pk: c.region.code for c in self.countries.values() if c.region}
        self.hosts = [self.countries[code] for code in HOST_CAPITALS if code in self.countries]
        self.agencies: dict[int, list[Agency]] = {}
        for agency in Agency.objects.order_by("pk"):
            self.agencies.setdefault(agency.country_id, []).append(agency)
        self.agency_name = {a.pk: a.name for group in self.agencies.values() for a in group}
        self.people = list(
            Person.objects.active()
            .only(
                "id",
                "given_name",
                "family_name",
                "native_name",
                "nationality_id",
                "agency_id",
                "created_at",
            )
            .order_by("pk")
        )
        self.instructors = list(
            Staff.objects.filter(kind=StaffKind.INSTRUCTOR, active=True).order_by("pk")
        )
        users = {u.username: u for u in User.objects.filter(username__in=["manager", "advisor"])}
        self.manager = (
            users.get("manager") or User.objects.filter(role=Role.PROGRAM_MANAGER).first()
        )
        self.advisor = users.get("advisor")
        self.attache = User.objects.filter(role=Role.ATTACHE, region__code="WHA").first()
        self.countries_by_pk = {c.pk: c for c in self.countries.values()}
        self.venues_new: list[Venue] = []
        self.sites: dict[int, Venue] = {
            v.country_id: v for v in Venue.objects.filter(kind=VenueKind.FOREIGN_SITE)
        }
        self.ports = self._ports()
        self.qualified: dict[int, set[int]] = {}
        self.busy: dict[int, list[tuple[date, date]]] = {s.pk: [] for s in self.instructors}
        self.planned: list[_Planned] = []
        self.requests: list[TrainingRequest] = []
        self.vetting: dict[int, VettingOutcome] = {}
        self._pools()

    # --- set-up ---------------------------------------------------------------------------

    def _ports(self) -> list[Venue]:
        existing = {v.code: v for v in Venue.objects.filter(kind=VenueKind.US_PORT)}
        us = self.countries.get("US")
        ports = []
        for code, name, city, _ in US_PORTS:
            venue = existing.get(code)
            if venue is None and us is not None:
                venue = Venue(
                    code=code,
                    name=name,
                    kind=VenueKind.US_PORT,
                    city=city,
                    country=us,
                    capacity=US_PORT_CAPACITY,
                )
                self.venues_new.append(venue)
            if venue is not None:
                ports.append(venue)
        return ports

    def _pools(self) -> None:
        """People by nationality and region; a few Western Hemisphere officials are kept out of
        the history, so the upcoming delivery can show nominees never vetted."""
        self.by_country: dict[int, list[Person]] = {}
        self.by_region: dict[str, list[Person]] = {}
        partners = {c.pk for c in self.hosts}
        for person in self.people:
            if person.nationality_id not in partners:
                continue
            self.by_country.setdefault(person.nationality_id, []).append(person)
            region = self.region_of.get(person.nationality_id)
            if region:
                self.by_region.setdefault(region, []).append(person)
        wha = self.by_region.get("WHA", [])
        self.fresh = wha[-min(4, len(wha) // 5) :] if len(wha) >= 5 else []
        fresh_ids = {p.pk for p in self.fresh}
        if fresh_ids:
            self.by_region["WHA"] = [p for p in wha if p.pk not in fresh_ids]
            for pool in self.by_country.values():
                pool[:] = [p for p in pool if p.pk not in fresh_ids]
        self.everyone = [p for p in self.people if p.pk not in fresh_ids]
        self.person_by_pk = {p.pk: p for p in self.people}
        self.busy_until: dict[int, date] = {}

    def _qualify(self) -> None:
        """Each instructor teaches five to eight courses; every course has four or more."""
        for course in self.courses:
            self.qualified[course.pk] = set()
        for staff in self.instructors:
            for course in self.rng.sample(
                self.courses, k=min(len(self.courses), 5 + self.rng.randrange(4))
            ):
                self.qualified[course.pk].add(staff.pk)
        for course in self.courses:
            while len(self.qualified[course.pk]) < min(4, len(self.instructors)):
                self.qualified[course.pk].add(self.rng.choice(self.instructors).pk)
        if self.instructors:
            lead = self.instructors[0]
            for code in ADVISOR_COURSES:
                if code in self.course_by_code:
                    self.qualified[self.course_by_code[code].pk].add(lead.pk)

    def _site(self, country: Country) -> Venue:
        venue = self.sites.get(country.pk)
        if venue is None:
            capital = HOST_CAPITALS.get(str(country.code), country.name)
            customs = [a for a in self.agencies.get(country.pk, []) if a.kind == AgencyKind.CUSTOMS]
            owner = customs[0].name if customs else f"Customs of {country.name}"
            venue = Venue(
                code=f"SITE-{country.code}",
                name=f"{owner} Training Center, {capital}"[:200],
                kind=VenueKind.FOREIGN_SITE,
                city=capital,
                country=country,
                capacity=SITE_CAPACITY,
            )
            self.sites[country.pk] = venue
            self.venues_new.append(venue)
        return venue

    # --- the plan -------------------------------------------------------------------------

    def _pick_host(self, regions: Iterable[str]) -> Country:
        wanted = set(regions)
        hosts = [c for c in self.hosts if self.region_of.get(c.pk) in wanted]
        weights = [REGION_WEIGHTS.get(self.region_of[c.pk], 1) for c in hosts]
        return self.rng.choices(hosts, weights=weights)[0]

    def _course_for(self, venue: Venue, environment: str | None = None) -> Course:
        weights: list[float]
        if venue.kind in ACADEMY_KINDS:
            weights = [4 if c.area.code == "ILEA" else 1 for c in self.courses]
        elif environment:
            weights = [
                6 if c.environment == environment else 1 if c.environment == "any" else 0
                for c in self.courses
            ]
        else:
            weights = [1 if c.level != "train_the_trainer" else 0.3 for c in self.courses]
        return self.rng.choices(self.courses, weights=weights)[0]

    def _funding_for(self, course: Course, venue_kind: str) -> FundingSource:
        if venue_kind == VenueKind.ILEA and self.rng.random() < 0.8:
            return self.funding["INL"]
        options = FUNDING_BY_AREA.get(course.area.code, {"INL": 1})
        codes = [code for code in options if code in self.funding]
        code = self.rng.choices(codes, weights=[options[c] for c in codes])[0]
        return self.funding[code]

    def _mondays(self, fy: FiscalYear) -> list[date]:
        day = fy.start + timedelta(days=(7 - fy.start.weekday()) % 7)
        mondays = []
        while day <= fy.end:
            if not (day.month == 12 and day.day >= 18) and not (day.month == 1 and day.day < 5):
                mondays.append(day)
            day += timedelta(days=7)
        return mondays

    def _delivery(
        self,
        *,
        venue: Venue,
        starts_on: date,
        region: str,
        home: Country | None,
        environment: str | None = None,
        status: str = DeliveryStatus.CLOSED,
        course: Course | None = None,
        capacity: int | None = None,
    ) -> _Planned:
        course = course or self._course_for(venue, environment)
        capacity = capacity or min(venue.capacity, self.rng.randint(20, 35))
        delivery = Delivery(
            course=course,
            venue=venue,
            country=venue.country,
            starts_on=starts_on,
            ends_on=starts_on + timedelta(days=course.length_days - 1),
            funding_source=self._funding_for(course, venue.kind),
            capacity=capacity,
            status=status,
            notes=f"Co-delivered with {course.co_delivered_with}."
            if course.co_delivered_with
            else "",
            created_at=_at(min(starts_on - timedelta(days=self.rng.randint(60, 150)), self.today)),
        )
        planned = _Planned(delivery=delivery, region=region, home=home)
        self.planned.append(planned)
        return planned

    def _plan_year(self, year: int, plan: YearPlan) -> None:
        fy = FiscalYear(year)
        mondays = self._mondays(fy)
        rng = self.rng
        codes = [code for code in ILEA_PLAN if code in self.academies]
        academies = rng.choices(codes, weights=[ILEA_PLAN[c][0] for c in codes], k=plan.ilea)
        ports = rng.randint(6, 12)
        fixed = {self.academies[code].country_id for code in academies}
        if ports and self.ports:
            fixed.add(self.ports[0].country_id)
        else:
            ports = 0
        candidates = [c for c in self.hosts if c.pk not in fixed]
        weights = [REGION_WEIGHTS.get(self.region_of[c.pk], 1) for c in candidates]
        abroad = _weighted_sample(rng, candidates, weights, plan.countries - len(fixed))
        affinity = [
            REGION_WEIGHTS.get(self.region_of[c.pk], 1) * rng.uniform(0.5, 2.5) for c in abroad
        ]
        sites = plan.deliveries - plan.ilea - ports
        hosts = abroad + rng.choices(abroad, weights=affinity, k=sites - len(abroad))
        for code in academies:
            venue = self.academies[code]
            regions = ILEA_PLAN[code][1]
            home = self._pick_host(regions)
            region = self.region_of[home.pk] if len(regions) > 1 else regions[0]
            self._delivery(venue=venue, starts_on=rng.choice(mondays), region=region, home=home)
        for _ in range(ports):
            port = rng.choice(self.ports)
            home = self._pick_host(ALL_REGIONS)
            environment = next(env for code, *_, env in US_PORTS if code == port.code)
            self._delivery(
                venue=port,
                starts_on=rng.choice(mondays),
                region=self.region_of[home.pk],
                home=home,
                environment=environment,
            )
        for host in hosts:
            self._delivery(
                venue=self._site(host),
                starts_on=rng.choice(mondays),
                region=self.region_of[host.pk],
                home=host,
            )
        for _ in range(plan.cancelled):
            host = rng.choice(abroad)
            planned = self._delivery(
                venue=self._site(host),
                starts_on=rng.choice(mondays),
                region=self.region_of[host.pk],
                home=host,
                status=DeliveryStatus.CANCELLED,
            )
            planned.delivery.cancel_reason = rng.choice(CANCEL_REASONS)
        for _ in range(rng.randint(6, 12)):
            self._loose_request(fy, RequestStatus.DECLINED)
        for _ in range(rng.randint(2, 5)):
            self._loose_request(fy, RequestStatus.WITHDRAWN)

    def _request_for(self, planned: _Planned, status: str = RequestStatus.APPROVED) -> None:
        delivery = planned.delivery
        country = planned.home or delivery.country
        created = delivery.created_at - timedelta(days=self.rng.randint(20, 60))
        planned.request = self._request(
            country=country,
            course=delivery.course,
            funding_source=delivery.funding_source,
            preferred_start=delivery.starts_on - timedelta(days=7 * self.rng.randint(0, 4)),
            participants_expected=delivery.capacity,
            status=status,
            created_at=created,
            decided_at=delivery.created_at if status != RequestStatus.SUBMITTED else None,
        )
        delivery.request = planned.request

    def _request(
        self,
        *,
        country: Country,
        course: Course,
        funding_source: FundingSource | None,
        preferred_start: date,
        participants_expected: int,
        status: str,
        created_at: datetime,
        decided_at: datetime | None,
        decision_note: str = "",
    ) -> TrainingRequest:
        agencies = self.agencies.get(country.pk, [])
        agency = self.rng.choice(agencies) if agencies else None
        region = self.region_of.get(country.pk, "")
        justification = self.rng.choice(JUSTIFICATIONS).format(
            agency=agency.name if agency else f"customs of {country.name}",
            country=country.name,
            topic=course.title[0].lower() + course.title[1:],
        )
        request = TrainingRequest(
            country=country,
            agency=agency,
            course=course,
            preferred_start=preferred_start,
            preferred_end=preferred_start + timedelta(days=course.length_days - 1),
            participants_expected=participants_expected,
            funding_source=funding_source,
            justification=justification,
            status=status,
            decision_note=decision_note,
            requested_by=self.attache if region == "WHA" and self.attache else self.manager,
            created_at=created_at,
            decided_at=decided_at,
        )
        self.requests.append(request)
        return request

    def _loose_request(self, fy: FiscalYear, status: str) -> None:
        """A request that never became a delivery: declined or withdrawn."""
        country = self._pick_host(ALL_REGIONS)
        course = self.rng.choice(self.courses)
        start = self.rng.choice(self._mondays(fy))
        created = _at(start - timedelta(days=self.rng.randint(90, 200)))
        self._request(
            country=country,
            course=course,
            funding_source=self._funding_for(course, VenueKind.FOREIGN_SITE),
            preferred_start=start,
            participants_expected=self.rng.choice([15, 20, 25, 30]),
            status=status,
            created_at=created,
            decided_at=created + timedelta(days=self.rng.randint(5, 40)),
            decision_note=self.rng.choice(DECLINE_NOTES)
            if status == RequestStatus.DECLINED
            else "",
        )

    def _free(self, staff_id: int, delivery: Delivery) -> bool:
        start = delivery.starts_on - timedelta(days=2)
        end = delivery.ends_on + timedelta(days=2)
        return all(e < start or s > end for s, e in self.busy[staff_id])

    def _teach(self, planned: _Planned, staff: Staff, role: str) -> None:
        delivery = planned.delivery
        self.busy[staff.pk].append((delivery.starts_on, delivery.ends_on))
        planned.staff.append((staff, role))

    def _assign_instructors(self, planned: _Planned, co_chance: float = 0.35) -> None:
        """A qualified lead who is free (two days either side to travel); sometimes a co."""
        delivery = planned.delivery
        qualified = self.qualified.get(delivery.course.pk, set())
        candidates = [s for s in self.instructors if s.pk in qualified]
        self.rng.shuffle(candidates)
        free = [s for s in candidates if self._free(s.pk, delivery)]
        if not free:
            others = [s for s in self.instructors if self._free(s.pk, delivery)]
            if not others:
                return
            newly = self.rng.choice(others)
            qualified.add(newly.pk)  # qualified for it this year
            free = [newly]
        self._teach(planned, free[0], InstructorRole.LEAD)
        if len(free) > 1 and self.rng.random() < co_chance:
            self._teach(planned, free[1], InstructorRole.CO)

    # --- rosters --------------------------------------------------------------------------

    def _take(self, pool: list[Person], need: int, chosen: dict[int, Person], start: date) -> None:
        tries = need * 3 + 10
        while need > 0 and tries > 0 and pool:
            tries -= 1
            person = self.roster_rng.choice(pool)
            if person.pk in chosen or self.busy_until.get(person.pk, date.min) >= start:
                continue
            chosen[person.pk] = person
            need -= 1

    def _participants(self, planned: _Planned, size: int) -> list[Person]:
        """Mostly the home country's officials, then its region's, then anyone free; at a
        small scale people overlap rather than rosters come out short."""
        start = planned.delivery.starts_on
        chosen: dict[int, Person] = {}
        if planned.home is not None:
            self._take(self.by_country.get(planned.home.pk, []), round(size * 0.6), chosen, start)
        self._take(self.by_region.get(planned.region, []), size - len(chosen), chosen, start)
        self._take(self.everyone, size - len(chosen), chosen, start)
        if len(chosen) < size:
            for person in self.roster_rng.sample(self.everyone, len(self.everyone)):
                if len(chosen) >= size:
                    break
                chosen.setdefault(person.pk, person)
        return list(chosen.values())

    def _roster_size(self, capacity: int) -> int:
        size = round(self.roster_rng.randint(*ROSTER_SIZE) * min(1.0, self.scale))
        return min(capacity, max(MIN_ROSTER, size), len(self.everyone))

    def _past_roster(self, planned: _Planned) -> None:
        delivery = planned.delivery
        rng = self.roster_rng
        for person in self._participants(planned, self._roster_size(delivery.capacity)):
            created = _at(delivery.starts_on - timedelta(days=rng.randint(20, 60)), 9)
            roll = rng.random()
            status = (
                EnrollmentStatus.WITHDRAWN
                if roll < 0.05
                else EnrollmentStatus.NO_SHOW
                if roll < 0.08
                else EnrollmentStatus.ATTENDED
            )
            enrollment = Enrollment(
                delivery=delivery,
                person=person,
                status=status,
                nominated_by=self.agency_name.get(person.agency_id or 0, "")[:150],
                created_at=created,
            )
            if status == EnrollmentStatus.WITHDRAWN:
                enrollment.withdrawn_reason = rng.choice(WITHDRAWN_REASONS)
            else:
                # Within the two weeks before the start: after the approval (``_vetted``).
                enrollment.confirmed_at = _at(
                    delivery.starts_on - timedelta(days=rng.randint(3, 14)), 14
                )
                self._vetted(person, delivery, created)
                self.busy_until[person.pk] = delivery.ends_on
            if status == EnrollmentStatus.ATTENDED:
                pre = max(10, min(90, round(rng.gauss(58, 11))))
                enrollment.pre_score = pre
                if rng.random() > 0.01:
                    enrollment.post_score = max(0, min(100, pre + round(rng.gauss(28, 7))))
            planned.enrollments.append(enrollment)

    def _vetted(self, person: Person, delivery: Delivery, nominated: datetime) -> None:
        """An approval decided before the delivery and valid a year: through its last day."""
        decided = _at(delivery.starts_on - timedelta(days=self.roster_rng.randint(15, 60)), 15)
        record = self.vetting.get(person.pk)
        if record is None:
            record = self.vetting[person.pk] = VettingOutcome(
                VettingStatus.APPROVED, created_at=nominated
            )
        if record.decided_at is None or decided > record.decided_at:
            record.decided_at = decided
            record.submitted_at = decided - timedelta(days=self.roster_rng.randint(14, 45))
            record.valid_until = decided.date() + timedelta(days=365)

    # --- what happened ------------------------------------------------------------------

    def _marks(self, enrollment: Enrollment, days: list[date]) -> list[str]:
        """Mostly present, now and then late; a few miss days; a no-show misses them all."""
        rng = self.roster_rng
        marks: list[str]
        if enrollment.status == EnrollmentStatus.NO_SHOW:
            marks = [AttendanceMark.ABSENT] * len(days)
        else:
            absent = 0.02 if rng.random() < 0.88 else 0.25
            marks = [
                AttendanceMark.ABSENT
                if (r := rng.random()) < absent
                else AttendanceMark.LATE
                if r < absent + 0.04
                else AttendanceMark.PRESENT
                for _ in days
            ]
            if all(mark == AttendanceMark.ABSENT for mark in marks):
                marks[0] = AttendanceMark.PRESENT
        return marks

    def _costs(self, planned: _Planned, actual: bool) -> list[CostLine]:
        rng = self.rng
        delivery = planned.delivery
        days = (delivery.ends_on - delivery.starts_on).days + 1
        instructors = max(1, len(planned.staff))
        seats = len(planned.enrollments) or delivery.capacity
        kind = delivery.venue.kind
        flown_in = kind == VenueKind.US_PORT or delivery.venue.code == "ILEA-ROS"
        budget: dict[str, float] = {
            CostCategory.TRAVEL: instructors * rng.uniform(1400, 3200)
            + (seats * rng.uniform(900, 1800) if flown_in else 0),
            CostCategory.PER_DIEM: instructors * (days + 2) * rng.uniform(140, 260)
            + (seats * days * rng.uniform(120, 180) if flown_in else 0),
            CostCategory.LODGING: instructors * (days + 2) * rng.uniform(90, 210)
            + (seats * days * 130 if flown_in else 0),
            CostCategory.MATERIALS: seats * rng.uniform(12, 40),
        }
        if planned.region not in ENGLISH_REGIONS and rng.random() < 0.7:
            budget[CostCategory.INTERPRETATION] = days * rng.uniform(700, 1200)
        if kind == VenueKind.FOREIGN_SITE and rng.random() < 0.4:
            budget[CostCategory.VENUE] = days * rng.uniform(150, 450)
        created = delivery.created_at + timedelta(days=3)
        lines = []
        for category, amount in budget.items():
            planned_amount = round(amount / 50) * 50
            lines.append(
                CostLine(
                    delivery=delivery,
                    kind=CostKind.BUDGET,
                    category=category,
                    amount=_money(planned_amount),
                    created_at=created,
                )
            )
            if actual:
                lines.append(
                    CostLine(
                        delivery=delivery,
                        kind=CostKind.ACTUAL,
                        category=category,
                        amount=_money(planned_amount * rng.uniform(0.82, 1.12)),
                        created_at=_at(delivery.ends_on + timedelta(days=rng.randint(5, 30))),
                    )
                )
        return lines

    def _report(self, planned: _Planned, certified: int) -> AfterActionReport:
        delivery = planned.delivery
        rng = self.rng
        attended = [e for e in planned.enrollments if e.status == EnrollmentStatus.ATTENDED]
        seated = [e for e in planned.enrollments if e.status != EnrollmentStatus.WITHDRAWN]
        pre = [e.pre_score for e in attended if e.pre_score is not None]
        post = [e.post_score for e in attended if e.post_score is not None]
        nations = sorted(
            {
                str(self.countries_by_pk[e.person.nationality_id])
                for e in attended
                if e.person.nationality_id
            }
        )
        summary = (
            f"{len(attended)} of {len(seated)} confirmed participants attended "
            f"{delivery.course.title} ({', '.join(nations[:6]) or 'no one'}); {certified} "
            "completed and were certified."
        )
        if pre and post:
            average_pre, average_post = sum(pre) / len(pre), sum(post) / len(post)
            summary += f" Average pre-test {average_pre:.0f}, post-test {average_post:.0f}."
        lead_user = next(
            (s.user for s, role in planned.staff if role == InstructorRole.LEAD and s.user_id),
            None,
        )
        return AfterActionReport(
            delivery=delivery,
            summary=summary,
            issues=rng.choice(AAR_ISSUES),
            recommendations=rng.choice(AAR_RECOMMENDATIONS),
            author=lead_user or self.manager,
            updated_at=_at(delivery.ends_on + timedelta(days=rng.randint(3, 20)), 16),
        )

    # --- now: what is coming up ---------------------------------------------------------

    def _monday_after(self, weeks: int) -> date:
        """The first Monday ``weeks`` from today, past the year-end holidays."""
        day = self.today + timedelta(days=7 * weeks)
        if (day.month, day.day) >= (12, 15):
            day = date(day.year + 1, 1, 5)
        elif (day.month, day.day) < (1, 5):
            day = date(day.year, 1, 5)
        return day + timedelta(days=(7 - day.weekday()) % 7)

    def _upcoming(self) -> None:
        """The advisor's confirmed delivery three weeks out, with nominees the gate stops;
        another confirmed, one approved, one planned; and requests waiting for a decision."""
        upcoming: list[_Planned] = []
        advisor_staff = self.instructors[0] if self.instructors else None
        academy = self.academies.get("ILEA-SAL")
        if advisor_staff is not None and academy is not None:
            course = self.course_by_code.get("LBI-101") or self.courses[0]
            self.qualified.setdefault(course.pk, set()).add(advisor_staff.pk)
            planned = self._delivery(
                venue=academy,
                starts_on=self._monday_after(3),
                region="WHA",
                home=self.countries.get("GT") or self._pick_host(["WHA"]),
                status=DeliveryStatus.CONFIRMED,
                course=course,
                capacity=20,
            )
            self._teach(planned, advisor_staff, InstructorRole.LEAD)
            self._gated_roster(planned)
            upcoming.append(planned)
        for region, weeks, status in (
            ("EAP", 5, DeliveryStatus.CONFIRMED),
            ("AF", 8, DeliveryStatus.APPROVED),
            ("EUR", 12, DeliveryStatus.PLANNED),
        ):
            host = self._pick_host([region])
            planned = self._delivery(
                venue=self._site(host),
                starts_on=self._monday_after(weeks),
                region=region,
                home=host,
                status=status,
            )
            if status != DeliveryStatus.PLANNED:
                self._assign_instructors(planned, co_chance=0)
                self._open_roster(planned, confirmed=status == DeliveryStatus.CONFIRMED)
            upcoming.append(planned)
        for planned in upcoming:
            planned.delivery.created_at = _at(self.today - timedelta(days=self.rng.randint(20, 45)))
            self._request_for(planned)
        for region in ("WHA", "WHA", "AF", "EAP"):
            country = self._pick_host([region])
            course = self.rng.choice(self.courses)
            self._request(
                country=country,
                course=course,
                funding_source=self._funding_for(course, VenueKind.FOREIGN_SITE),
                preferred_start=self._monday_after(self.rng.randint(10, 30)),
                participants_expected=self.rng.choice([15, 20, 25]),
                status=RequestStatus.SUBMITTED,
                created_at=_at(self.today - timedelta(days=self.rng.randint(2, 20))),
                decided_at=None,
            )

    def _nominate(self, planned: _Planned, person: Person, status: str, **extra: Any) -> None:
        planned.enrollments.append(
            Enrollment(
                delivery=planned.delivery,
                person=person,
                status=status,
                nominated_by=self.agency_name.get(person.agency_id or 0, "")[:150],
                created_at=_at(self.today - timedelta(days=self.roster_rng.randint(6, 20)), 9),
                **extra,
            )
        )

    def _approve_now(self, person: Person, delivery: Delivery) -> None:
        """A current approval, valid a year from a decision a few weeks ago: before the
        confirmations of the upcoming rosters, two and four days ago."""
        decided = _at(self.today - timedelta(days=self.roster_rng.randint(5, 40)), 15)
        record = self.vetting.setdefault(
            person.pk,
            VettingOutcome(VettingStatus.APPROVED, created_at=decided - timedelta(days=30)),
        )
        record.status = VettingStatus.APPROVED
        record.decided_at = decided
        record.submitted_at = decided - timedelta(days=self.roster_rng.randint(14, 30))
        # A year from the decision: well past the delivery's last day.
        record.valid_until = max(
            record.valid_until or date.min,
            decided.date() + timedelta(days=365),
            delivery.ends_on,
        )

    def _gated_roster(self, planned: _Planned) -> None:
        """Twelve confirmed, three nominated and vetted (ready to confirm), then nominees the
        gate stops: an expired approval, one pending, one denied, one never submitted, one
        with no record; the delivery is then full, so two wait."""
        delivery = planned.delivery
        pool = [p for p in self.by_region.get("WHA", []) if p.pk in self.vetting] or self.everyone
        picks = self.roster_rng.sample(pool, min(len(pool), 16))
        confirmed, ready, expired = picks[:12], picks[12:15], picks[15:16]
        for person in confirmed:
            self._approve_now(person, delivery)
            self._nominate(
                planned,
                person,
                EnrollmentStatus.CONFIRMED,
                confirmed_at=_at(self.today - timedelta(days=2), 11),
            )
        for person in ready:
            self._approve_now(person, delivery)
            self._nominate(planned, person, EnrollmentStatus.NOMINATED)
        for person in expired:  # vetted years ago: the approval ran out
            self._nominate(planned, person, EnrollmentStatus.NOMINATED)
        recent = _at(self.today - timedelta(days=12), 10)
        states = [
            VettingOutcome(VettingStatus.SUBMITTED, created_at=recent, submitted_at=recent),
            VettingOutcome(
                VettingStatus.DENIED,
                created_at=recent - timedelta(days=40),
                submitted_at=recent - timedelta(days=40),
                decided_at=recent,
            ),
            VettingOutcome(VettingStatus.NOT_SUBMITTED, created_at=recent),
        ]
        for person, state in zip(self.fresh, [*states, None], strict=False):
            if state is not None:
                self.vetting[person.pk] = state
            self._nominate(planned, person, EnrollmentStatus.NOMINATED)
        seated = len(planned.enrollments)
        waiting = [
            p for p in self.everyone if p.pk not in {e.person.pk for e in planned.enrollments}
        ]
        for position, person in enumerate(self.roster_rng.sample(waiting, min(2, len(waiting))), 1):
            self._nominate(planned, person, EnrollmentStatus.WAITLISTED, waitlist_position=position)
        delivery.capacity = max(seated, 1)

    def _open_roster(self, planned: _Planned, *, confirmed: bool) -> None:
        """Nominees of an upcoming delivery: on a confirmed one the vetted are confirmed."""
        delivery = planned.delivery
        people = self.roster_rng.sample(
            self.by_region.get(planned.region) or self.everyone,
            min(
                self._roster_size(delivery.capacity),
                len(self.by_region.get(planned.region) or self.everyone),
            ),
        )
        for n, person in enumerate(people):
            if confirmed or n % 2 == 0:
                self._approve_now(person, delivery)
            if confirmed:
                self._nominate(
                    planned,
                    person,
                    EnrollmentStatus.CONFIRMED,
                    confirmed_at=_at(self.today - timedelta(days=4), 11),
                )
            else:
                self._nominate(planned, person, EnrollmentStatus.NOMINATED)

    # --- the whole thing ----------------------------------------------------------------

    def plan(self) -> None:
        self._qualify()
        for year, plan in YEARS.items():
            self._plan_year(year, plan)
        self.planned.sort(key=lambda p: (p.delivery.starts_on, p.delivery.venue.code))
        for planned in self.planned:
            if planned.delivery.status != DeliveryStatus.CANCELLED:
                self._assign_instructors(planned)
            if self.rng.random() < 0.85 or planned.delivery.status == DeliveryStatus.CANCELLED:
                self._request_for(planned)
        if self.everyone:
            for planned in self.planned:
                if planned.delivery.status == DeliveryStatus.CLOSED:
                    self._past_roster(planned)
        if self.everyone:
            self._upcoming()

    def write(self) -> TrainingDemoResult:
        rng = self.rng
        bulk_create_with_history(self.venues_new, Venue, batch_size=500)
        audit_created(self.venues_new, "venue.created")
        through = Course.qualified_instructors.through
        through.objects.bulk_create(
            [
                through(course_id=course_id, staff_id=staff_id)
                for course_id, staff in sorted(self.qualified.items())
                for staff_id in sorted(staff)
            ],
            ignore_conflicts=True,
        )
        self._link_advisor()
        self.requests.sort(key=lambda r: r.created_at)
        requests = bulk_create_with_history(self.requests, TrainingRequest, batch_size=500)
        audit_created(requests, "training_request.filed")
        deliveries = bulk_create_with_history(
            [p.delivery for p in self.planned], Delivery, batch_size=500
        )
        audit_created(deliveries, "delivery.created")
        assignments = bulk_create_with_history(
            [
                Assignment(
                    delivery=p.delivery, staff=staff, role=role, created_at=p.delivery.created_at
                )
                for p in self.planned
                for staff, role in p.staff
            ],
            Assignment,
            batch_size=1000,
        )
        audit_created(assignments, "delivery.instructor_assigned")
        enrollments = bulk_create_with_history(
            [e for p in self.planned for e in p.enrollments], Enrollment, batch_size=1000
        )
        audit_created(enrollments, "enrollment.nominated")
        self._write_vetting()

        attendance: list[tuple[Any, ...]] = []
        ops = connection.ops
        certificates: list[Certificate] = []
        reports: list[AfterActionReport] = []
        costs: list[CostLine] = []
        codes = set(Certificate.objects.values_list("code", flat=True))
        code_rng = random.Random(rng.random())
        for planned in self.planned:
            delivery = planned.delivery
            closed = delivery.status == DeliveryStatus.CLOSED
            costs += self._costs(planned, actual=closed)
            if not closed:
                continue
            days = delivery.days
            certified = 0
            for enrollment in planned.enrollments:
                if enrollment.status not in (EnrollmentStatus.ATTENDED, EnrollmentStatus.NO_SHOW):
                    continue
                marks = self._marks(enrollment, days)
                attendance += [
                    (
                        enrollment.pk,
                        ops.adapt_datefield_value(day),
                        mark,
                        ops.adapt_datetimefield_value(_at(day, 17)),
                    )
                    for day, mark in zip(days, marks, strict=True)
                ]
                if enrollment.status != EnrollmentStatus.ATTENDED:
                    continue
                completion = completion_of(
                    days_attended=sum(1 for mark in marks if mark in ATTENDING),
                    days=len(days),
                    post_score=enrollment.post_score,
                    min_percent=delivery.min_attendance_percent,
                    pass_mark=delivery.effective_pass_mark,
                )
                if completion.completed:
                    code = ""
                    while not code or code in codes:
                        code = "".join(code_rng.choices(CODE_ALPHABET, k=CODE_LENGTH))
                    codes.add(code)
                    certificates.append(
                        Certificate(
                            enrollment=enrollment,
                            code=code,
                            issued_at=_at(delivery.ends_on + timedelta(days=rng.randint(0, 7))),
                        )
                    )
                    certified += 1
            reports.append(self._report(planned, certified))
        _insert_rows(Attendance, ["enrollment_id", "day", "mark", "recorded_at"], attendance)
        certificates = bulk_create_with_history(certificates, Certificate, batch_size=1000)
        audit_created(certificates, "certificate.issued")
        # Cost lines are the delivery's budget sheet: its own entry covers them.
        bulk_create_with_history(costs, CostLine, batch_size=1000)
        reports = bulk_create_with_history(reports, AfterActionReport, batch_size=500)
        audit_created(reports, "after_action_report.written")
        self._follow_ups(certificates)
        self._backdate_registry(enrollments)
        return TrainingDemoResult(
            deliveries=len(deliveries),
            enrollments=len(enrollments),
            attendance=len(attendance),
            certificates=len(certificates),
        )

    def _link_advisor(self) -> None:
        """The demo's training advisor is the first instructor, so "my deliveries" has some."""
        if not self.instructors or self.advisor is None:
            return
        staff = self.instructors[0]
        if staff.user_id or Staff.objects.filter(user=self.advisor).exists():
            return
        staff.user = self.advisor
        staff.save(update_fields=["user"])
        AuditEntry.objects.create(
            actor_name="system",
            action="staff.updated",
            object_type="people.staff",
            object_id=str(staff.pk),
            object_label=str(staff),
            channel="cli",
            changes={"user": [None, self.advisor.get_username()]},
        )

    def _write_vetting(self) -> None:
        existing = set(
            VettingRecord.objects.filter(purpose=Purpose.LEAHY).values_list("person_id", flat=True)
        )
        records = [
            VettingRecord(
                person=self.person_by_pk[person_id],
                purpose=Purpose.LEAHY,
                status=state.status,
                valid_until=state.valid_until if state.status == VettingStatus.APPROVED else None,
                reference=f"LV-{state.submitted_at:%Y}-{person_id:06d}"
                if state.submitted_at
                else "",
                submitted_at=state.submitted_at,
                decided_at=state.decided_at,
                created_at=min(state.created_at, state.submitted_at or state.created_at),
            )
            for person_id, state in sorted(self.vetting.items())
            if person_id not in existing
        ]
        records = bulk_create_with_history(records, VettingRecord, batch_size=1000)
        for status in (VettingStatus.APPROVED, VettingStatus.DENIED, VettingStatus.SUBMITTED):
            audit_created([r for r in records if r.status == status], f"vetting.{status}")
        audit_created(
            [r for r in records if r.status == VettingStatus.NOT_SUBMITTED], "vetting.created"
        )

    def _follow_ups(self, certificates: list[Certificate]) -> None:
        """Three per year: a refresher or mentoring for a delivery's graduates (and those of
        another delivery of the same course that year, when there is one)."""
        graduates: dict[int, list[int]] = {}
        for certificate in certificates:
            enrollment = certificate.enrollment
            graduates.setdefault(enrollment.delivery_id, []).append(enrollment.person_id)
        closed = [p.delivery for p in self.planned if p.delivery.pk in graduates]
        follow_ups: list[FollowUp] = []
        links: list[tuple[FollowUp, list[Delivery]]] = []
        for year in YEARS:
            fy = FiscalYear(year)
            of_year = [d for d in closed if d.starts_on in fy]
            for source in self.rng.sample(of_year, min(3, len(of_year))):
                same_course = [
                    d for d in of_year if d.course_id == source.course_id and d.pk != source.pk
                ]
                sources = [source, *same_course[:1]]
                kind = self.rng.choice([FollowUpKind.REFRESHER, FollowUpKind.MENTORING])
                title = (
                    f"{source.course.title}: refresher for {source.country} graduates"
                    if kind == FollowUpKind.REFRESHER
                    else f"Mentoring {source.country} graduates of {source.course.code}"
                )
                starts = source.ends_on + timedelta(days=self.rng.randint(150, 300))
                follow_up = FollowUp(
                    kind=kind,
                    title=title[:200],
                    starts_on=starts,
                    ends_on=starts + timedelta(days=2 if kind == FollowUpKind.REFRESHER else 90),
                    notes="Graduates who hold a valid certificate.",
                    created_at=_at(min(starts - timedelta(days=45), self.today)),
                )
                follow_ups.append(follow_up)
                links.append((follow_up, sources))
        follow_ups = bulk_create_with_history(follow_ups, FollowUp, batch_size=500)
        audit_created(follow_ups, "follow_up.created")
        source_through = FollowUp.source_deliveries.through
        graduate_through = FollowUp.graduates.through
        source_through.objects.bulk_create(
            [
                source_through(followup_id=f.pk, delivery_id=d.pk)
                for f, sources in links
                for d in sources
            ]
        )
        graduate_through.objects.bulk_create(
            [
                graduate_through(followup_id=f.pk, person_id=person_id)
                for f, sources in links
                for person_id in sorted({p for d in sources for p in graduates[d.pk]})
            ]
        )

    def _backdate_registry(self, enrollments: list[Enrollment]) -> None:
        """An official is in the registry before their first nomination, and their agency
        before them: the history reaches back to FY2013."""
        first: dict[int, datetime] = {}
        for enrollment in enrollments:
            if (
                enrollment.person_id not in first
                or enrollment.created_at < first[enrollment.person_id]
            ):
                first[enrollment.person_id] = enrollment.created_at
        for person_id, state in self.vetting.items():
            first[person_id] = min(first.get(person_id, state.created_at), state.created_at)
        backdate_registry(first, self.person_by_pk, self.agencies, self.roster_rng)


def build_training_demo(
    *, scale: float, seed: int, today: date | None = None
) -> TrainingDemoResult:
    """Requests, deliveries, rosters, vetting, attendance, scores, certificates, costs and
    reports for FY2013 to FY2017, and a few deliveries coming up after ``today``.

    Needs the catalog, people, staff and demo accounts; run once, by ``build_demo``.
    """
    demo = _TrainingDemo(scale=scale, seed=seed, today=today or timezone.localdate())
    demo.plan()
    return demo.write()

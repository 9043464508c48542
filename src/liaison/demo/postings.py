"""Our staff abroad for the demo: attachés and representatives posted at embassies, each post
covering its own country and its neighbours in the same bureau (every partner the demo trains
is covered), ILEA instructors at the academies, advisors under deployment programs, and the
deployments (temporary duty) of advisors and instructors.

The tours rotate every two to three years from 2011, on fixed dates until 2019 (so a fiscal
year's figures are the same whenever the demo is built), then up to the tour each post holds
today, which ends between three weeks and three years from now: some within six months, with
an approved or a proposed successor or none yet. One new attaché's arrival is still to be
recorded, and one tour has run past its planned end.

Tours to come and under way, posts, programs and deployments go through the postings
services; the tours already over are written at once, as the training demo writes its past,
and the demo's tests hold each of them to the services' rules (``posting_refusals``): the role
fits the staff member, nobody holds two tours at once, an academy has ILEA instructors. The
deployments fall inside their programs and never on an instructor's teaching days.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.utils import timezone
from faker import Faker
from simple_history.utils import bulk_create_with_history

from liaison.accounts.models import User
from liaison.accounts.roles import Role
from liaison.catalog.models import FundingSource, Venue
from liaison.demo.registry import audit_created
from liaison.partners.models import Agency, AgencyKind, Country
from liaison.people.models import Staff, StaffKind
from liaison.people.services import staff_create, staff_update
from liaison.postings import services
from liaison.postings.models import (
    Coverage,
    CoverageKind,
    DeploymentProgram,
    Post,
    Posting,
    PostingRole,
    PostingStatus,
    PostKind,
)
from liaison.postings.selectors import staff_away
from liaison.training.models import Assignment, DeliveryStatus

# Attaché posts: the embassy's country and city, the countries it covers first, then the
# neighbours in the same bureau it also covers.
# fmt: off
ATTACHE_POSTS: list[tuple[str, str, tuple[str, ...], tuple[str, ...]]] = [
    ("MX", "Mexico City", ("MX",), ("BZ",)),
    ("GT", "Guatemala City", ("GT", "SV", "HN"), ("NI",)),
    ("PA", "Panama City", ("PA", "CR"), ()),
    ("CO", "Bogotá", ("CO",), ("EC", "VE")),
    ("PE", "Lima", ("PE", "BO"), ()),
    ("BR", "Brasília", ("BR",), ("PY", "UY")),
    ("AR", "Buenos Aires", ("AR", "CL"), ()),
    ("DO", "Santo Domingo", ("DO",), ("HT", "JM", "BS")),
    ("RS", "Belgrade", ("RS", "BA", "ME"), ("MK", "AL", "XK", "HR", "SI")),
    ("UA", "Kyiv", ("UA",), ("MD",)),
    ("GE", "Tbilisi", ("GE",), ("AM", "AZ")),
    ("TR", "Ankara", ("TR",), ("CY", "GR")),
    ("PL", "Warsaw", ("PL",), ("LT", "LV", "EE", "SK")),
    ("RO", "Bucharest", ("RO", "BG"), ("HU", "MT")),
    ("SN", "Dakar", ("SN",), ("GM", "GW", "CV", "ML", "MR", "GN")),
    ("GH", "Accra", ("GH",), ("CI", "TG", "BJ", "BF", "LR", "SL", "NE")),
    ("NG", "Abuja", ("NG",), ("CM", "TD")),
    ("KE", "Nairobi", ("KE",), ("UG", "TZ", "RW", "DJ")),
    ("ZA", "Pretoria", ("ZA",), ("BW", "NA", "LS", "SZ", "MZ", "ZW", "ZM", "MW", "AO", "MG",
                                "MU", "SC")),
    ("GA", "Libreville", ("GA",), ("CG", "CD")),
    ("JO", "Amman", ("JO",), ("LB", "IQ")),
    ("AE", "Abu Dhabi", ("AE",), ("OM", "QA", "BH", "KW", "SA")),
    ("MA", "Rabat", ("MA",), ("DZ", "TN")),
    ("EG", "Cairo", ("EG",), ()),
    ("IN", "New Delhi", ("IN",), ("BD", "NP", "BT", "LK", "MV")),
    ("PK", "Islamabad", ("PK",), ("AF",)),
    ("KZ", "Astana", ("KZ",), ("KG", "TJ", "TM", "UZ")),
    ("TH", "Bangkok", ("TH",), ("KH", "LA", "MM", "MN")),
    ("SG", "Singapore", ("SG",), ("MY", "BN", "ID")),
    ("PH", "Manila", ("PH",), ("VN", "TL")),
]
# Representatives: a post's name and kind, its country and city, and what it covers.
REPRESENTATIVE_POSTS: list[tuple[str, str, str, str, tuple[str, ...], tuple[str, ...]]] = [
    ("U.S. Embassy Port of Spain", PostKind.EMBASSY, "TT", "Port of Spain", ("TT",),
     ("BB", "GY", "SR", "LC", "GD", "AG", "KN", "DM", "VC")),
    ("U.S. Mission to the African Union", PostKind.MISSION, "ET", "Addis Ababa", ("ET",), ()),
    ("U.S. Embassy Suva", PostKind.EMBASSY, "FJ", "Suva", ("FJ",),
     ("PG", "WS", "TO", "SB", "VU")),
]
# fmt: on
# The academies abroad where ILEA instructors are posted (Roswell is at home).
ACADEMIES = ("ILEA-BUD", "ILEA-BKK", "ILEA-GAB", "ILEA-SAL")

# The fixed part of the history: tours that start before this day.
FIXED_UNTIL = date(2019, 1, 1)
FIRST_TOUR = date(2011, 8, 1)
ATTACHE_TOUR = 1095  # days: three years
ACADEMY_TOUR = 730
REST_DAYS = 30  # between two tours of one officer
CURTAIL_REASONS = [
    "Curtailed: medical evacuation.",
    "Curtailed: ordered departure of the embassy's non-emergency staff.",
    "Recalled to headquarters to lead the regional desk.",
]
PROGRAM_DEPLOYMENTS = [
    "Assessment mission with the partner's border directorate",
    "Mentoring at the main land crossing",
    "Workshop on risk management for supervisors",
    "Review of the standard operating procedures",
    "Follow-up visit: implementation of the action plan",
]
INSTRUCTOR_TDYS = [
    "TDY: surge support at the Nogales port of entry",
    "TDY: course design at the Advanced Training Center, Harpers Ferry",
    "TDY: instructor certification, Federal Law Enforcement Training Centers",
]


@dataclass(frozen=True)
class PostingsDemoResult:
    posts: int
    postings: int
    programs: int
    deployments: int
    staff_added: int


@dataclass
class _Tour:
    post: Post
    role: str
    kinds: tuple[str, ...]  # who may hold it, from the demo's pools
    primary: list[Country]
    secondary: list[Country]
    start: date
    end: date  # planned
    state: str  # a PostingStatus, or "unarrived": approved, its start passed, no arrival yet
    ended_on: date | None = None
    reason: str = ""
    staff: Staff | None = None


@dataclass
class _Demo:
    seed: int
    rng: random.Random
    today: date
    manager: User
    attache: User | None
    countries: dict[str, Country]
    fake: Faker
    pools: dict[str, list[Staff]] = field(default_factory=dict)
    busy: dict[int, list[tuple[date, date]]] = field(default_factory=dict)
    tours: list[_Tour] = field(default_factory=list)
    added: int = 0

    def country(self, code: str) -> Country | None:
        return self.countries.get(code)

    def covered(self, codes: Sequence[str]) -> list[Country]:
        return [c for code in codes if (c := self.countries.get(code)) is not None]


def _reference(rng: random.Random, day: date) -> str:
    """An approval cable's reference, as a post writes it: "15 STATE 123456"."""
    return f"{day.year % 100:02d} STATE {rng.randint(10_000, 199_999):06d}"


def _rotation(
    demo: _Demo,
    *,
    post: Post,
    role: str,
    kinds: tuple[str, ...],
    primary: list[Country],
    secondary: list[Country],
    index: int,
    length: int,
) -> None:
    """A post's tours: fixed ones from 2011 to 2019, then up to the one it holds today. Each
    post draws from its own stream, so the fixed tours never depend on the day."""
    rng = random.Random(demo.seed * 1_009 + index)
    today = demo.today

    def tour(start: date, end: date, state: str, **extra: Any) -> _Tour:
        made = _Tour(post, role, kinds, primary, secondary, start, end, state, **extra)
        demo.tours.append(made)
        return made

    def ended(start: date, end: date) -> date:
        """A past tour, curtailed now and then; returns its real last day."""
        if rng.random() < 0.08:
            last = end - timedelta(days=rng.randint(60, 200))
            tour(start, end, PostingStatus.ENDED, ended_on=last, reason=rng.choice(CURTAIL_REASONS))
            return last
        tour(start, end, PostingStatus.ENDED, ended_on=end)
        return end

    start = FIRST_TOUR + timedelta(days=(index * 53) % 700)
    last = start - timedelta(days=1)
    while start < FIXED_UNTIL:
        end = start + timedelta(days=length + rng.choice([-60, 0, 0, 30, 90]) - 1)
        last = ended(start, end)
        start = last + timedelta(days=1 + (rng.randint(0, 45) if rng.random() < 0.25 else 0))
    # Today's tour ends between three weeks and three years from now; one has just begun and
    # its arrival is still to be recorded, one ran past its planned end.
    unarrived, overrun = index == 5, index == 7
    current_end = today + timedelta(days=20 + (index * 131) % (length - 50))
    if unarrived:
        current_end = today + timedelta(days=length - 10)
    if overrun:
        current_end = today - timedelta(days=12)
    current_start = max(current_end - timedelta(days=length - 1), last + timedelta(days=1))
    gap = (current_start - last).days - 1
    pieces = round(gap / length)
    for k in range(pieces):
        a = last + timedelta(days=1 + k * gap // pieces)
        b = last + timedelta(days=(k + 1) * gap // pieces)
        if b < today:
            ended(a, b)
    state: str = PostingStatus.ACTIVE
    if unarrived:
        state = "unarrived"
    current = tour(current_start, current_end, state)
    if overrun or current.end > today + timedelta(days=183):
        return
    # Ending within six months: an approved successor, a proposed one, or none yet.
    successor = current.end + timedelta(days=1 + rng.randint(0, 20))
    if index % 3 == 0:
        tour(successor, successor + timedelta(days=length - 1), PostingStatus.APPROVED)
    elif index % 3 == 1:
        tour(successor, successor + timedelta(days=length - 1), PostingStatus.PROPOSED)


def _free(demo: _Demo, staff: Staff, start: date, end: date) -> bool:
    rest = timedelta(days=REST_DAYS)
    return all(e + rest < start or s - rest > end for s, e in demo.busy.get(staff.pk, []))


def _holder(demo: _Demo, tour: _Tour) -> Staff:
    """A free officer of the tour's kinds, or a new one when everybody is on post."""
    last = tour.ended_on or tour.end
    candidates = [s for kind in tour.kinds for s in demo.pools.get(kind, [])]
    free = [s for s in candidates if _free(demo, s, tour.start, last)]
    if free:
        staff = demo.rng.choice(free)
    else:
        kind = tour.kinds[0]
        given, family = demo.fake.first_name(), demo.fake.last_name()
        staff = staff_create(
            actor=demo.manager,
            kind=kind,
            given_name=given,
            family_name=family,
            title="Attaché" if kind == StaffKind.ATTACHE else "Customs Advisor",
            email=f"{given.lower()}.{family.lower()}@agency.example".replace(" ", ""),
        )
        demo.pools.setdefault(kind, []).append(staff)
        demo.added += 1
    demo.busy.setdefault(staff.pk, []).append((tour.start, last))
    return staff


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 10, tzinfo=UTC)


def _write_history(demo: _Demo, tours: list[_Tour]) -> None:
    """The tours over before today, written at once (as the training demo writes its past):
    two hundred tours through four services each would double the demo's time. The rules
    still hold: each is held to ``services.posting_refusals`` (the demo's tests)."""
    postings = [
        Posting(
            staff=t.staff,
            role=t.role,
            post=t.post,
            starts_on=t.start,
            ends_on=t.end,
            ended_on=t.ended_on,
            status=PostingStatus.ENDED,
            approval_reference=_reference(demo.rng, t.start),
            approved_at=_at(t.start - timedelta(days=75)),
            status_reason=t.reason,
            proposed_by=demo.manager,
            created_at=_at(t.start - timedelta(days=120)),
        )
        for t in tours
    ]
    postings = bulk_create_with_history(postings, Posting, batch_size=500)
    Coverage.objects.bulk_create(
        [
            Coverage(posting=posting, country=country, kind=kind)
            for posting, tour in zip(postings, tours, strict=True)
            for countries, kind in (
                (tour.primary, CoverageKind.PRIMARY),
                (tour.secondary, CoverageKind.SECONDARY),
            )
            for country in countries
        ],
        batch_size=1000,
    )
    audit_created(postings, "posting.recorded")


def _record(demo: _Demo, tour: _Tour) -> None:
    """A tour still to come or under way, through the services, as headquarters and the post
    record it."""
    assert tour.staff is not None
    posting = services.posting_propose(
        actor=demo.manager,
        staff=tour.staff,
        role=tour.role,
        post=tour.post,
        starts_on=tour.start,
        ends_on=tour.end,
        primary=tour.primary,
        secondary=tour.secondary,
    )
    if tour.state == PostingStatus.PROPOSED:
        return
    services.posting_approve(
        actor=demo.manager, posting=posting, reference=_reference(demo.rng, tour.start)
    )
    if tour.state in (PostingStatus.APPROVED, "unarrived"):
        return
    # The Western Hemisphere's attaché records the arrivals of today's tours in their region.
    recorder = demo.manager
    if (
        tour.state == PostingStatus.ACTIVE
        and demo.attache is not None
        and demo.attache.has_perm("postings.record_presence", posting)
    ):
        recorder = demo.attache
    services.posting_arrive(actor=recorder, posting=posting, on=tour.start)


def _posts(demo: _Demo) -> dict[str, Post]:
    posts: dict[str, Post] = {}
    for code, city, *_ in ATTACHE_POSTS:
        country = demo.country(code)
        if country is not None:
            posts[code] = services.post_create(
                actor=demo.manager,
                name=f"U.S. Embassy {city}",
                kind=PostKind.EMBASSY,
                city=city,
                country=country,
            )
    for name, kind, code, city, *_ in REPRESENTATIVE_POSTS:
        country = demo.country(code)
        if country is not None:
            posts[name] = services.post_create(
                actor=demo.manager, name=name, kind=kind, city=city, country=country
            )
    for venue in Venue.objects.filter(code__in=ACADEMIES).select_related("country"):
        posts[venue.code] = services.post_create(
            actor=demo.manager,
            name=venue.name,
            kind=PostKind.ACADEMY,
            city=venue.city,
            country=venue.country,
        )
    for code, city in (("IQ", "Baghdad"), ("HN", "Tegucigalpa")):
        country = demo.country(code)
        if country is not None:
            posts[f"advisor-{code}"] = services.post_create(
                actor=demo.manager,
                name=f"U.S. Embassy {city}",
                kind=PostKind.EMBASSY,
                city=city,
                country=country,
            )
    return posts


def _agency(country: Country | None, *kinds: str) -> Agency | None:
    if country is None:
        return None
    for kind in kinds:
        found = Agency.objects.filter(country=country, kind=kind).order_by("pk").first()
        if found is not None:
            return found
    return None


def _programs(demo: _Demo, posts: dict[str, Post]) -> list[DeploymentProgram]:
    """Three programs running now (each with its posted advisor) and one over since FY2016."""
    today = demo.today
    sponsors = {f.code: f for f in FundingSource.objects.all()}
    plans = [
        ("IQ", "Border management advisory program, Ministry of Interior", "INL",
         today - timedelta(days=730), today + timedelta(days=730),
         (AgencyKind.IMMIGRATION, AgencyKind.BORDER_POLICE),
         "Advise the Ministry of Interior's border directorates on risk management at the "
         "land crossings with Jordan and Syria, and on training its own instructors."),
        ("UA", "Customs and border modernization advisory program", "EXBS",
         today - timedelta(days=365), today + timedelta(days=1095),
         (AgencyKind.CUSTOMS,),
         "Strategic trade controls and non-intrusive inspection at the western border."),
        ("HN", "Migration and border advisory program", "DHS-OTHER",
         today - timedelta(days=1095), today + timedelta(days=365),
         (AgencyKind.IMMIGRATION,),
         "Document examination and the management of migrant flows at the southern border."),
        ("AF", "Border police advisory program", "INL",
         date(2012, 10, 1), date(2016, 9, 30),
         (AgencyKind.CUSTOMS, AgencyKind.BORDER_POLICE),
         "Mentoring at the border crossing points and the customs house in Kabul."),
    ]  # fmt: skip
    programs = []
    for code, name, sponsor, start, end, kinds, objective in plans:
        country = demo.country(code)
        if country is None:
            continue
        programs.append(
            services.program_create(
                actor=demo.manager,
                name=name,
                country=country,
                agency=_agency(country, *kinds),
                sponsor=sponsors.get(sponsor),
                starts_on=start,
                ends_on=end,
                objective=objective,
            )
        )
    return programs


def _advisor_tours(demo: _Demo, programs: list[DeploymentProgram], posts: dict[str, Post]) -> None:
    """A posted advisor for each running program, on two-year tours."""
    places = {"IQ": "advisor-IQ", "HN": "advisor-HN", "UA": "UA"}
    for program in programs:
        post = posts.get(places.get(str(program.country.code), ""))
        if post is None or program.ends_on < demo.today:
            continue
        start = program.starts_on
        while start < program.ends_on:
            end = min(start + timedelta(days=ACADEMY_TOUR - 1), program.ends_on)
            if end <= start:
                break
            state = PostingStatus.ENDED if end < demo.today else PostingStatus.ACTIVE
            if start > demo.today:
                state = PostingStatus.APPROVED
            demo.tours.append(
                _Tour(
                    post, PostingRole.ADVISOR, (StaffKind.ADVISOR,), [program.country], [],
                    start, end, state, ended_on=end if state == PostingStatus.ENDED else None,
                )
            )  # fmt: skip
            start = end + timedelta(days=1 + REST_DAYS)


def _teaching(staff: Staff, start: date, end: date) -> bool:
    return (
        Assignment.objects.filter(
            staff=staff, delivery__starts_on__lte=end, delivery__ends_on__gte=start
        )
        .exclude(delivery__status=DeliveryStatus.CANCELLED)
        .exists()
    )


def _deployments(demo: _Demo, programs: list[DeploymentProgram]) -> int:
    """Advisors' missions under each program, and a few instructors' TDYs coming up, each on
    days the officer neither teaches nor is already deployed."""
    rng = demo.rng
    made = 0
    advisors = demo.pools.get(StaffKind.ADVISOR, [])
    for program in programs:
        day = program.starts_on + timedelta(days=rng.randint(20, 60))
        while day + timedelta(days=42) < program.ends_on and advisors:
            length = rng.choice([14, 21, 28, 42])
            staff = rng.choice(advisors)
            end = day + timedelta(days=length - 1)
            # Not while deployed, nor while posted elsewhere (an ILEA instructor, say).
            if staff_away(staff=staff, starts_on=day, ends_on=end, country_id=program.country_id):
                day += timedelta(days=30)
                continue
            services.deployment_create(
                actor=demo.manager,
                staff=staff,
                program=program,
                starts_on=day,
                ends_on=end,
                description=rng.choice(PROGRAM_DEPLOYMENTS),
            )
            made += 1
            day = end + timedelta(days=rng.randint(60, 150))
    instructors = list(Staff.objects.filter(kind=StaffKind.INSTRUCTOR, active=True).order_by("pk"))
    rng.shuffle(instructors)
    for description in INSTRUCTOR_TDYS:
        start = demo.today + timedelta(days=rng.randint(14, 120))
        end = start + timedelta(days=rng.choice([4, 9, 13]))
        for staff in instructors:
            if _teaching(staff, start, end) or staff_away(
                staff=staff, starts_on=start, ends_on=end
            ):
                continue
            services.deployment_create(
                actor=demo.manager,
                staff=staff,
                starts_on=start,
                ends_on=end,
                description=description,
                country=demo.country("US"),
            )
            instructors.remove(staff)
            made += 1
            break
    return made


def _post_countries_follow_the_tours(demo: _Demo) -> None:
    """The registry gave attachés and advisors a post country at random; it now says where
    each one's tour is (none when they are not on post)."""
    on_post = dict(
        Posting.objects.filter(status=PostingStatus.ACTIVE).values_list(
            "staff_id", "post__country_id"
        )
    )
    by_pk = {c.pk: c for c in demo.countries.values()}
    posted = Staff.objects.filter(kind__in=(StaffKind.ATTACHE, StaffKind.ADVISOR))
    for staff in posted.order_by("pk"):
        wanted = on_post.get(staff.pk)
        if staff.post_country_id != wanted:
            staff_update(
                actor=demo.manager,
                staff=staff,
                post_country=by_pk.get(wanted) if wanted else None,
            )


def build_postings_demo(*, seed: int, today: date | None = None) -> PostingsDemoResult:
    """Posts, tours, programs and deployments. Needs the reference data, the registry's staff,
    the demo accounts and training (instructors' TDYs avoid their teaching days)."""
    manager = (
        User.objects.filter(username="manager").first()
        or User.objects.filter(role=Role.PROGRAM_MANAGER).order_by("pk").first()
    )
    if manager is None:
        raise ValueError("The postings demo needs a program manager's account.")
    fake = Faker("en_US")
    fake.seed_instance(seed * 31 + 17)
    demo = _Demo(
        seed=seed,
        rng=random.Random(seed * 7_727 + 5),
        today=today or timezone.localdate(),
        manager=manager,
        attache=User.objects.filter(username="attache", role=Role.ATTACHE).first(),
        countries={str(c.code): c for c in Country.objects.order_by("code")},
        fake=fake,
    )
    for kind in (StaffKind.ATTACHE, StaffKind.ADVISOR):
        demo.pools[kind] = list(Staff.objects.filter(kind=kind, active=True).order_by("pk"))
    posts = _posts(demo)
    index = 0
    for code, _, primary, secondary in ATTACHE_POSTS:
        if code in posts:
            _rotation(
                demo,
                post=posts[code],
                role=PostingRole.ATTACHE,
                kinds=(StaffKind.ATTACHE,),
                primary=demo.covered(primary),
                secondary=demo.covered(secondary),
                index=index,
                length=ATTACHE_TOUR,
            )
            index += 1
    for name, _, _, _, primary, secondary in REPRESENTATIVE_POSTS:
        if name in posts:
            _rotation(
                demo,
                post=posts[name],
                role=PostingRole.REPRESENTATIVE,
                kinds=(StaffKind.ATTACHE, StaffKind.ADVISOR),
                primary=demo.covered(primary),
                secondary=demo.covered(secondary),
                index=index,
                length=ATTACHE_TOUR,
            )
            index += 1
    for code in ACADEMIES:
        if code in posts:
            _rotation(
                demo,
                post=posts[code],
                role=PostingRole.ILEA_INSTRUCTOR,
                kinds=(StaffKind.ADVISOR,),
                primary=[posts[code].country],
                secondary=[],
                index=index,
                length=ACADEMY_TOUR,
            )
            index += 1
    programs = _programs(demo, posts)
    _advisor_tours(demo, programs, posts)
    demo.tours.sort(key=lambda t: (t.start, t.post.name))
    for tour in demo.tours:
        tour.staff = _holder(demo, tour)
    _write_history(demo, [t for t in demo.tours if t.state == PostingStatus.ENDED])
    for tour in demo.tours:
        if tour.state != PostingStatus.ENDED:
            _record(demo, tour)
    deployments = _deployments(demo, programs)
    _post_countries_follow_the_tours(demo)
    return PostingsDemoResult(
        posts=len(posts),
        postings=len(demo.tours),
        programs=len(programs),
        deployments=deployments,
        staff_added=demo.added,
    )

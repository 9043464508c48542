"""Input and output schemas of the visits API.

Records are named by their codes (site, focus area, country, sponsor) as in the catalog API.
Delegates carry the person's id, name, nationality and role only: passport numbers and birth
dates stay behind ``/people/{id}/personal-data`` and its permission.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from ninja import Field, Schema

from liaison.visits import selectors
from liaison.visits.models import WEEKDAY_NAMES


def _code(obj: Any) -> str | None:
    return str(obj.code) if obj is not None else None


def _delegate_count(obj: Any, visit: Any) -> int:
    """The count a list annotated on ``obj``, or the visit's delegates counted."""
    count = getattr(obj, "delegate_count", None)
    return selectors.visit_delegates(visit=visit).count() if count is None else int(count)


# --- sites -----------------------------------------------------------------------------------


class FocusAreaOut(Schema):
    code: str
    name: str
    description: str


class SiteFocusOut(Schema):
    focus: str
    name: str
    strength: int


class BlackoutOut(Schema):
    starts_on: date
    ends_on: date
    reason: str


class SiteOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    environment: str
    city: str
    state: str
    latitude: float
    longitude: float
    daily_capacity: int
    weekdays: list[str]
    active: bool
    focus_count: int

    @staticmethod
    def resolve_weekdays(obj: Any) -> list[str]:
        return [WEEKDAY_NAMES[day] for day in sorted(obj.weekdays)]

    @staticmethod
    def resolve_focus_count(obj: Any) -> int:
        """How many focus areas it shows: annotated by the list, prefetched by the detail."""
        count = getattr(obj, "focus_count", None)
        return len(obj.focus.all()) if count is None else int(count)


class SiteDetailOut(SiteOut):
    address: str
    note: str
    focus: list[SiteFocusOut]
    blackouts: list[BlackoutOut]
    hosts: list[str]

    @staticmethod
    def resolve_focus(obj: Any) -> list[dict[str, Any]]:
        return [
            {"focus": f.focus_area.code, "name": f.focus_area.name, "strength": f.strength}
            for f in sorted(obj.focus.all(), key=lambda f: (-f.strength, f.focus_area.name))
        ]

    @staticmethod
    def resolve_blackouts(obj: Any) -> Any:
        return obj.blackouts.all()

    @staticmethod
    def resolve_hosts(obj: Any) -> list[str]:
        return [str(staff) for staff in obj.hosts.all()]


# --- visit requests --------------------------------------------------------------------------


class FocusPriorityIn(Schema):
    focus: str
    priority: int


class FocusPriorityOut(Schema):
    focus: str
    name: str
    priority: int


class VisitIn(Schema):
    country: str
    agency_id: int | None = None
    sponsor: str
    purpose: str
    earliest_start: date
    latest_end: date
    length_days: int
    delegation_size: int
    wants_hq_briefing: bool = True
    focus: list[FocusPriorityIn]
    must_see: list[str] = []
    must_avoid: list[str] = []


class ReasonIn(Schema):
    reason: str = ""


class DelegateOut(Schema):
    id: int
    person_id: int
    name: str
    nationality: str | None
    role: str

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj.person)

    @staticmethod
    def resolve_nationality(obj: Any) -> str | None:
        return _code(obj.person.nationality)


class DelegateIn(Schema):
    person_id: int
    role: str = "member"


class VisitOut(Schema):
    id: int
    country: str
    country_name: str
    agency_id: int | None
    agency_name: str | None
    sponsor: str
    purpose: str
    earliest_start: date
    latest_end: date
    length_days: int
    delegation_size: int
    delegate_count: int
    wants_hq_briefing: bool
    status: str
    status_reason: str
    starts_on: date | None
    ends_on: date | None
    created_at: datetime

    @staticmethod
    def resolve_country(obj: Any) -> str:
        return str(obj.country.code)

    @staticmethod
    def resolve_country_name(obj: Any) -> str:
        return str(obj.country.name)

    @staticmethod
    def resolve_agency_name(obj: Any) -> str | None:
        return str(obj.agency.name) if obj.agency is not None else None

    @staticmethod
    def resolve_sponsor(obj: Any) -> str:
        return str(obj.sponsor.code)

    @staticmethod
    def resolve_delegate_count(obj: Any) -> int:
        """Delegates named so far: annotated by the list, counted for a single visit."""
        return _delegate_count(obj, obj)


class VisitDetailOut(VisitOut):
    """The request with what it asks to see, and its delegation."""

    focus: list[FocusPriorityOut]
    must_see: list[str]
    must_avoid: list[str]
    delegates: list[DelegateOut]

    @staticmethod
    def resolve_focus(obj: Any) -> list[dict[str, Any]]:
        return [
            {"focus": f.focus_area.code, "name": f.focus_area.name, "priority": f.priority}
            for f in selectors.visit_focus(visit=obj)
        ]

    @staticmethod
    def resolve_must_see(obj: Any) -> list[str]:
        return [site.code for site in selectors.visit_site_wishes(visit=obj)[0]]

    @staticmethod
    def resolve_must_avoid(obj: Any) -> list[str]:
        return [site.code for site in selectors.visit_site_wishes(visit=obj)[1]]

    @staticmethod
    def resolve_delegates(obj: Any) -> Any:
        return selectors.visit_delegates(visit=obj)


# --- the itinerary and planning --------------------------------------------------------------


class StopOut(Schema):
    id: int
    visit_id: int
    site: str
    site_name: str
    city: str
    state: str
    day: date
    order: int
    starts_at: time | None
    why: str
    pinned: bool
    answer: str
    answer_reason: str
    hosts: list[str]

    @staticmethod
    def resolve_site(obj: Any) -> str:
        return str(obj.site.code)

    @staticmethod
    def resolve_site_name(obj: Any) -> str:
        return str(obj.site.name)

    @staticmethod
    def resolve_city(obj: Any) -> str:
        return str(obj.site.city)

    @staticmethod
    def resolve_state(obj: Any) -> str:
        return str(obj.site.state)

    @staticmethod
    def resolve_hosts(obj: Any) -> list[str]:
        return [str(staff) for staff in obj.site.hosts.all()]


class ItineraryDayOut(Schema):
    day: date
    stops: list[StopOut]


class ItineraryOut(Schema):
    visit_id: int
    status: str
    starts_on: date | None
    ends_on: date | None
    days: list[ItineraryDayOut]


class PlanOut(Schema):
    """The planner's result: its score, the proven bound, and the itinerary it wrote."""

    objective: int
    bound: float
    optimal: bool
    solve_seconds: float
    notes: list[str]
    itinerary: ItineraryOut


class PlanRefusedOut(Schema):
    """Why no itinerary fits: the error shape of every API refusal, with each reason."""

    code: str
    message: str
    fields: dict[str, list[str]]
    reasons: list[str]


class StopRemoveIn(Schema):
    whole_visit: bool = False
    reason: str = ""


# --- the hosts' answers ----------------------------------------------------------------------


class HostStopOut(Schema):
    """A stop awaiting the host's answer: where, when, and who is coming (as a count)."""

    id: int
    visit_id: int
    site: str
    site_name: str
    day: date
    order: int
    starts_at: time | None
    country: str
    country_name: str
    agency_name: str | None
    purpose: str
    delegation_size: int
    delegate_count: int
    answer: str
    answer_reason: str

    @staticmethod
    def resolve_site(obj: Any) -> str:
        return str(obj.site.code)

    @staticmethod
    def resolve_site_name(obj: Any) -> str:
        return str(obj.site.name)

    @staticmethod
    def resolve_country(obj: Any) -> str:
        return str(obj.visit.country.code)

    @staticmethod
    def resolve_country_name(obj: Any) -> str:
        return str(obj.visit.country.name)

    @staticmethod
    def resolve_agency_name(obj: Any) -> str | None:
        return str(obj.visit.agency.name) if obj.visit.agency is not None else None

    @staticmethod
    def resolve_purpose(obj: Any) -> str:
        return str(obj.visit.purpose)

    @staticmethod
    def resolve_delegation_size(obj: Any) -> int:
        return int(obj.visit.delegation_size)

    @staticmethod
    def resolve_delegate_count(obj: Any) -> int:
        return _delegate_count(obj, obj.visit)


class AnswerIn(Schema):
    accept: bool
    reason: str = ""


class YearPlanIn(Schema):
    time_limit: int = Field(50, description="Seconds the solver may take (1 to 600).")


class YearPlanOutcomeOut(Schema):
    visit: int
    placed: bool
    start: str | None = None
    end: str | None = None
    score: int = 0
    reason: str = ""


class YearPlanOut(Schema):
    """One run of the year scheduler: ``gap`` is (bound - objective) / bound."""

    id: int
    status: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    time_limit_seconds: int
    requests: int
    placed: int
    objective: int
    bound: float
    gap: float
    solve_seconds: float
    error: str
    applied_at: datetime | None
    outcome: list[YearPlanOutcomeOut]


class YearPlanAppliedOut(Schema):
    applied: list[int]
    skipped: dict[int, str]

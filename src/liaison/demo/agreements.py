"""Customs Mutual Assistance Agreements for the demo, and the assistance requests exchanged
under them (FY2013 to FY2017, and the ones in the works now).

What is published, and kept: 76 CMAAs in force at the end of FY2015 (30 September 2015), five
of them signed that year, with Costa Rica, Gabon, Malaysia, Senegal and Singapore. Nothing else
about them is published in the project's sources, so everything else is generated, and every
agreement says so (``generated``, with its ``source``): the day each of the five was signed
and entered into force, and the 71 others' countries and dates. No real agreement is given
a date that could pass for its real one: a generated agreement's page says it is generated.
Besides them: agreements signed since, under negotiation, one suspended and one ended.

The requests keep the services' rules: each is made under an agreement in force on the day it
was received or sent; an outgoing one sent had everything its checklist asks for (legal basis,
a person or company concerned, the signed letter, a deadline, an owner, the partner's
designated contact); a refused one says why; answered ones were answered after they came.
Letters are small real PDFs, checked and stored encrypted as an upload is. Like the other
demos it writes with ``bulk_create`` and one audit entry per record; its plan (countries,
dates, volumes) draws from its own random stream, so the figures are the same at every scale;
only which officials are contacts and persons concerned depends on the registry.
"""

from __future__ import annotations

import random
import zlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from django.utils import timezone

from liaison.accounts.models import User
from liaison.agreements.models import (
    Agreement,
    AgreementStatus,
    AssistanceRequest,
    CompanyRole,
    Direction,
    Document,
    DocumentKind,
    PersonRole,
    RequestCompany,
    RequestKind,
    RequestPerson,
    RequestStatus,
)
from liaison.agreements.services import DEFAULT_ANSWER_DAYS, DEFAULT_TITLE, reference_prefix
from liaison.audit.services import create_with_history
from liaison.core.attachments import attachment_check, seal
from liaison.core.fiscal import FiscalYear
from liaison.demo.registry import Names, audit_created
from liaison.partners.models import Agency, AgencyKind, Country
from liaison.people.models import Person, Staff, StaffKind

FY2015 = FiscalYear(2015)
# Published: the five CMAAs signed in FY2015 (CBP's FY2015 report on international training
# and assistance), and 76 in force at the year's end.
SIGNED_IN_FY2015 = ("CR", "GA", "MY", "SN", "SG")
IN_FORCE_AT_FY2015_END = 76
PUBLISHED_SOURCE = (
    "Published: a CMAA signed with {country} in fiscal year 2015 (CBP, FY2015). The day of "
    "signature and of entry into force, the contacts and the requests are generated."
)
GENERATED_SOURCE = (
    "Generated for the demo: the country, the dates and the contacts are made up; whether "
    "the United States has a CMAA with {country}, and since when, is not recorded here."
)
# After FY2015, all generated: signed later (in force a year on), signed and not yet in force,
# under negotiation; one suspended in FY2019 and one ended in FY2018 (both in force at the end
# of FY2015, so counted in the 76), and one that ended in 2012 (not counted).
SIGNED_LATER = 3
AWAITING_FORCE = 1
NEGOTIATING = 3
REQUEST_YEARS = range(2013, 2018)
REQUESTS_PER_YEAR = 140
INCOMING_SHARE = 0.55
# Requests in the works now: received (or sent) in the last weeks, some already overdue.
CURRENT_REQUESTS = 36
CURRENT_DRAFTS = 4
KIND_WEIGHTS = {
    RequestKind.INFORMATION: 40,
    RequestKind.DOCUMENTS: 25,
    RequestKind.VERIFICATION: 20,
    RequestKind.ENFORCEMENT: 10,
    RequestKind.SURVEILLANCE: 5,
}
# The generated agreements' articles (the WCO model bilateral agreement's order).
ARTICLES = {
    RequestKind.INFORMATION: "Article 4",
    RequestKind.DOCUMENTS: "Article 6",
    RequestKind.VERIFICATION: "Article 5",
    RequestKind.ENFORCEMENT: "Article 7",
    RequestKind.SURVEILLANCE: "Article 8",
}
GOODS = [
    "textiles declared as cotton",
    "auto parts under a preferential origin claim",
    "steel pipe from a third country",
    "used electronics declared as new",
    "pharmaceuticals without import licences",
    "cigarettes in transit",
    "dual-use machine tools",
    "frozen shrimp invoiced below value",
    "solar panels with a disputed origin",
    "cash declared at the border",
]
SUBJECTS = {
    RequestKind.INFORMATION: "Importer and shipments of {goods}",
    RequestKind.DOCUMENTS: "Export declarations and invoices for {goods}",
    RequestKind.VERIFICATION: "Verification of the origin of {goods}",
    RequestKind.ENFORCEMENT: "Controlled delivery of {goods}",
    RequestKind.SURVEILLANCE: "Surveillance of a consignee of {goods}",
}
DETAILS: dict[str, str] = {
    Direction.INCOMING: "The partner's customs ask for {what} about {goods} shipped by the "
    "companies named, for an investigation of theirs.",
    Direction.OUTGOING: "We ask the partner for {what} about {goods} shipped by the companies "
    "named, for a U.S. investigation.",
}
WHAT = {
    RequestKind.INFORMATION: "the import records and the traders' details",
    RequestKind.DOCUMENTS: "certified copies of the declarations and invoices",
    RequestKind.VERIFICATION: "a verification of the declared origin",
    RequestKind.ENFORCEMENT: "coordinated action on a consignment",
    RequestKind.SURVEILLANCE: "surveillance of the persons and premises named",
}
ANSWERS: dict[str, list[str]] = {
    Direction.INCOMING: [
        "Records sent to the partner's designated contact.",
        "Declarations and invoices sent, certified.",
        "Verification done: origin confirmed for two shipments, not for the third.",
        "Entries searched; no import by the companies named.",
    ],
    Direction.OUTGOING: [
        "The partner sent the export declarations and invoices.",
        "The partner confirmed the exporter is registered and sent its records.",
        "The partner verified the origin: not as declared.",
        "The partner found no export by the company named.",
    ],
}
REFUSALS: dict[str, list[str]] = {
    Direction.INCOMING: [
        "Providing the records would prejudice an ongoing U.S. investigation.",
        "The records asked for are held by another agency, outside the agreement.",
        "The request concerns a tax matter outside the agreement's scope.",
    ],
    Direction.OUTGOING: [
        "The partner's law forbids disclosing bank records to a foreign administration.",
        "The company named is not registered in the partner's territory.",
    ],
}
COMPANY_WORDS = ["Trading", "Logistics", "Import Export", "Industries", "Shipping", "Supply"]
COMPANY_SUFFIX = {
    "WHA": ["S.A.", "S.A.C.", "Ltda.", "S.A. de C.V.", "Ltd."],
    "EUR": ["GmbH", "S.A.", "B.V.", "Ltd", "S.r.l."],
    "AF": ["Ltd", "SARL", "S.A.", "(Pty) Ltd"],
    "EAP": ["Sdn Bhd", "Co., Ltd.", "Pte Ltd", "Corp."],
    "NEA": ["LLC", "Co.", "S.A.L."],
    "SCA": ["Pvt Ltd", "Ltd", "LLP"],
}
# Our side's contacts are drawn from these staff kinds (the attaché or advisor posted there).
CONTACT_KINDS = (StaffKind.ATTACHE, StaffKind.ADVISOR)


def letter_pdf(lines: list[str]) -> bytes:
    """A one-page PDF with ``lines`` of text (a request letter as the demo writes it): small,
    valid, with no script in it, so it passes ``core.attachments`` as a real one does."""

    def text(line: str) -> str:
        clean = line.encode("latin-1", "replace").decode("latin-1")
        return clean.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    body = "BT /F1 11 Tf 72 720 Td 14 TL " + " ".join(f"({text(ln)}) '" for ln in lines) + " ET"
    stream = zlib.compress(body.encode("latin-1"))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


@dataclass(frozen=True)
class AgreementDemoResult:
    agreements: int
    requests: int
    documents: int


@dataclass
class _Planned:
    request: AssistanceRequest
    persons: list[tuple[Person, str]] = field(default_factory=list)
    companies: list[RequestCompany] = field(default_factory=list)
    letter: bool = False


def _at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def _day_between(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randrange((last - first).days + 1))


class _AgreementDemo:
    def __init__(self, *, seed: int, today: date) -> None:
        self.rng = random.Random(seed * 7919 + 23)  # the plan: the same at every scale
        self.people_rng = random.Random(seed * 104_729 + 29)  # contacts and persons concerned
        self.names = Names(seed)
        self.today = today
        customs: dict[int, Agency] = {}
        for agency in Agency.objects.filter(kind=AgencyKind.CUSTOMS).order_by("pk"):
            customs.setdefault(agency.country_id, agency)
        self.countries = [
            c
            for c in Country.objects.filter(region__isnull=False)
            .exclude(code="US")
            .select_related("region")
            .order_by("code")
            if c.pk in customs
        ]
        self.customs = customs
        users = {u.username: u for u in User.objects.filter(username__in=["manager", "attache"])}
        self.manager, self.attache = users.get("manager"), users.get("attache")
        self.agreements: list[Agreement] = []
        self.weight: dict[int, float] = {}  # how busy each partner is
        self.planned: list[_Planned] = []
        self.sequence: dict[str, int] = defaultdict(int)

    # --- the agreements -------------------------------------------------------------------

    def plan_agreements(self) -> None:
        rng = self.rng
        by_code = {str(c.code): c for c in self.countries}
        published = [by_code[code] for code in SIGNED_IN_FY2015]
        others = [c for c in self.countries if str(c.code) not in SIGNED_IN_FY2015]
        rng.shuffle(others)
        earlier = others[: IN_FORCE_AT_FY2015_END - len(published)]
        rest = others[len(earlier) :]
        for country in published:
            signed = _day_between(rng, FY2015.start, FY2015.end)
            self._agreement(country, signed, signed, source=PUBLISHED_SOURCE)
        for country in earlier:
            signed = _day_between(rng, date(1988, 1, 1), date(2014, 6, 30))
            in_force = min(
                signed + timedelta(days=rng.choice((0, 0, 30, 90, 240))), date(2014, 9, 30)
            )
            self._agreement(country, signed, in_force)
        # Later events to agreements counted in force at the end of FY2015.
        suspended, ended = self.agreements[len(published)], self.agreements[len(published) + 1]
        suspended.status, suspended.suspended_on = AgreementStatus.SUSPENDED, date(2019, 3, 12)
        suspended.status_reason = (
            "Generated: suspended while the partner's data-protection law is reviewed."
        )
        ended.status, ended.terminated_on = AgreementStatus.TERMINATED, date(2018, 6, 29)
        ended.status_reason = "Generated: replaced by a regional arrangement."
        queue = iter(rest)
        old = next(queue)  # in force from 2001, ended in 2012: not counted in FY2015
        gone = self._agreement(old, date(2001, 4, 2), date(2001, 4, 2))
        gone.status, gone.terminated_on = AgreementStatus.TERMINATED, date(2012, 1, 16)
        gone.status_reason = "Generated: ended by the partner."
        for n in range(SIGNED_LATER):
            signed = _day_between(rng, date(2015, 10, 1 + n), date(2018, 9, 30))
            self._agreement(next(queue), signed, signed + timedelta(days=365))
        for _ in range(AWAITING_FORCE):
            agreement = self._agreement(next(queue), date(2024, 7, 18), None)
            agreement.status = AgreementStatus.SIGNED
        for _ in range(NEGOTIATING):
            agreement = self._agreement(next(queue), None, None)
            agreement.status = AgreementStatus.NEGOTIATING

    def _agreement(
        self, country: Country, signed: date | None, in_force: date | None, *, source: str = ""
    ) -> Agreement:
        created = (signed or self.today) - timedelta(days=self.rng.randint(200, 900))
        agreement = Agreement(
            country=country,
            counterpart=self.customs[country.pk],
            title=DEFAULT_TITLE.format(country=country.name),
            status=AgreementStatus.IN_FORCE if in_force else AgreementStatus.SIGNED,
            binding=self.rng.random() < 0.93,
            signed_on=signed,
            in_force_on=in_force,
            generated=True,
            source=(source or GENERATED_SOURCE).format(country=country.name),
            created_at=_at(created),
        )
        self.agreements.append(agreement)
        self.weight[id(agreement)] = self.rng.lognormvariate(0, 0.8)
        return agreement

    # --- the requests ---------------------------------------------------------------------

    def _in_force_on(self, day: date) -> list[Agreement]:
        return [
            a
            for a in self.agreements
            if a.in_force_on is not None
            and a.in_force_on <= day
            and (a.terminated_on is None or day < a.terminated_on)
            and (a.suspended_on is None or day < a.suspended_on)
        ]

    def _reference(self, agreement: Agreement, direction: str, day: date) -> str:
        prefix = reference_prefix(str(agreement.country.code), direction, day)
        self.sequence[prefix] += 1
        return f"{prefix}{self.sequence[prefix]:03d}"

    def _request(
        self, agreement: Agreement, direction: str, received: date | None, *, drafted: date
    ) -> _Planned:
        rng = self.rng
        kind = rng.choices(list(KIND_WEIGHTS), weights=list(KIND_WEIGHTS.values()))[0]
        goods = rng.choice(GOODS)
        days = DEFAULT_ANSWER_DAYS if direction == Direction.INCOMING else 60
        request = AssistanceRequest(
            agreement=agreement,
            direction=direction,
            reference=self._reference(agreement, direction, received or drafted),
            partner_reference=f"{rng.randint(100, 9999)}/{(received or drafted).year}"
            if direction == Direction.INCOMING
            else "",
            subject=SUBJECTS[kind].format(goods=goods),
            kind=kind,
            legal_basis=ARTICLES[kind],
            details=DETAILS[direction].format(what=WHAT[kind], goods=goods),
            received_on=received,
            due_on=received + timedelta(days=days) if received else drafted + timedelta(days=days),
            status=RequestStatus.RECEIVED if received else RequestStatus.DRAFT,
            created_at=_at(received or drafted, 9),
        )
        planned = _Planned(request, letter=received is not None)
        region = agreement.country.region.code if agreement.country.region else ""
        for _ in range(rng.choice((1, 1, 2))):
            family = self.names.faker("en_US").last_name()
            suffix = rng.choice(COMPANY_SUFFIX.get(region, ["Ltd"]))
            planned.companies.append(
                RequestCompany(
                    name=f"{family} {rng.choice(COMPANY_WORDS)} {suffix}",
                    role=rng.choice(
                        (CompanyRole.EXPORTER, CompanyRole.IMPORTER, CompanyRole.CONSIGNEE)
                    ),
                    country=agreement.country,
                    identifier=f"{rng.randint(10**9, 10**10 - 1)}" if rng.random() < 0.6 else "",
                )
            )
        self.planned.append(planned)
        return planned

    def _settle(self, planned: _Planned, *, by: date) -> None:
        """A request of the past: answered (and closed), or refused with the reason."""
        rng = self.rng
        request = planned.request
        assert request.received_on is not None
        direction = request.direction
        if rng.random() < 0.06:
            request.status = RequestStatus.REFUSED
            request.status_reason = rng.choice(REFUSALS[direction])
            return
        typical = 28 if direction == Direction.INCOMING else 52
        days = max(2, int(rng.lognormvariate(0, 0.5) * typical))
        answered = min(request.received_on + timedelta(days=days), by)
        request.answered_on = answered
        request.answer_summary = rng.choice(ANSWERS[direction])
        request.status = RequestStatus.CLOSED

    def plan_requests(self) -> None:
        rng = self.rng
        for year in REQUEST_YEARS:
            fy = FiscalYear(year)
            for _ in range(REQUESTS_PER_YEAR):
                received = _day_between(rng, fy.start, fy.end)
                partners = self._in_force_on(received)
                weights = [self.weight[id(a)] for a in partners]
                agreement = rng.choices(partners, weights=weights)[0]
                direction = (
                    Direction.INCOMING if rng.random() < INCOMING_SHARE else Direction.OUTGOING
                )
                planned = self._request(agreement, direction, received, drafted=received)
                # Settled before any later suspension or end of its agreement.
                ends = [d for d in (agreement.suspended_on, agreement.terminated_on) if d]
                self._settle(planned, by=min([*ends, self.today]) - timedelta(days=1))
        current = [a for a in self.agreements if a.status == AgreementStatus.IN_FORCE]
        for _ in range(CURRENT_REQUESTS):
            agreement = rng.choice(current)
            direction = Direction.INCOMING if rng.random() < INCOMING_SHARE else Direction.OUTGOING
            received = self.today - timedelta(days=rng.randint(0, 75))
            planned = self._request(agreement, direction, received, drafted=received)
            request = planned.request
            state = rng.random()
            if state < 0.45:
                request.status = RequestStatus.IN_PROGRESS
            elif state < 0.6 and received < self.today:
                request.status = RequestStatus.ANSWERED
                request.answered_on = _day_between(rng, received + timedelta(days=1), self.today)
                request.answer_summary = rng.choice(ANSWERS[direction])
            elif state < 0.65 and received < self.today:
                request.status = RequestStatus.REFUSED
                request.status_reason = rng.choice(REFUSALS[direction])
        for _ in range(CURRENT_DRAFTS):
            agreement = rng.choice(current)
            planned = self._request(agreement, Direction.OUTGOING, None, drafted=self.today)
            planned.companies = planned.companies[: rng.randint(0, 1)]

    # --- who: contacts, owners, persons concerned -------------------------------------------

    def assign_people(self) -> None:
        rng = self.people_rng
        people = list(
            Person.objects.active()
            .filter(nationality__isnull=False)
            .only("id", "given_name", "family_name", "nationality_id", "agency_id")
            .order_by("pk")
        )
        by_country: dict[int, list[Person]] = defaultdict(list)
        for person in people:
            by_country[person.nationality_id].append(person)  # type: ignore[index]
        staff = list(
            Staff.objects.filter(kind__in=CONTACT_KINDS, active=True)
            .select_related("post_country")
            .order_by("pk")
        )
        self.ours: dict[int, list[Staff]] = {}
        self.theirs: dict[int, list[Person]] = {}
        for agreement in self.agreements:
            if agreement.status == AgreementStatus.TERMINATED or agreement.signed_on is None:
                continue
            region = agreement.country.region_id
            near = [s for s in staff if s.post_country and s.post_country.region_id == region]
            pool = near or staff
            self.ours[id(agreement)] = rng.sample(pool, min(len(pool), rng.choice((1, 2))))
            officials = by_country.get(agreement.country_id, [])
            counterpart = [p for p in officials if p.agency_id == agreement.counterpart_id]
            choose = counterpart or officials
            self.theirs[id(agreement)] = rng.sample(choose, min(len(choose), rng.choice((1, 2))))
        for planned in self.planned:
            request = planned.request
            agreement = request.agreement
            wha = agreement.country.region and agreement.country.region.code == "WHA"
            request.owner = self.attache if wha and rng.random() < 0.6 else self.manager
            request.created_by = request.owner
            officials = by_country.get(agreement.country_id, [])
            if officials and rng.random() < 0.35:
                planned.persons.append((rng.choice(officials), PersonRole.SUBJECT))
        # An outgoing request is sent only once the partner's contact is named; a draft may
        # wait for one. A request sent with no contact named moves to a partner that has one.
        with_contact = [
            a
            for a in self.agreements
            if self.theirs.get(id(a)) and a.status != AgreementStatus.TERMINATED
        ]
        for planned in self.planned:
            request = planned.request
            if request.direction == Direction.INCOMING or request.status == RequestStatus.DRAFT:
                continue
            if self.theirs.get(id(request.agreement)):
                continue
            day = request.received_on
            assert day is not None
            ready = [a for a in with_contact if a in self._in_force_on(day)]
            if request.status in (
                RequestStatus.RECEIVED,
                RequestStatus.IN_PROGRESS,
                RequestStatus.ANSWERED,
            ):
                ready = [a for a in ready if a.status == AgreementStatus.IN_FORCE]
            if ready:
                self._move(planned, rng.choice(ready))
            else:  # nobody to send it to in the registry: it came to us instead
                self._turn_incoming(planned)

    def _move(self, planned: _Planned, agreement: Agreement) -> None:
        request = planned.request
        request.agreement = agreement
        day = request.received_on or self.today
        request.reference = self._reference(agreement, request.direction, day)
        for company in planned.companies:
            company.country = agreement.country
        planned.persons = []
        region = agreement.country.region.code if agreement.country.region else ""
        if request.owner == self.attache and region != "WHA":  # the attaché works WHA only
            request.owner = request.created_by = self.manager

    def _turn_incoming(self, planned: _Planned) -> None:
        request = planned.request
        request.direction = Direction.INCOMING
        assert request.received_on is not None
        request.reference = self._reference(
            request.agreement, Direction.INCOMING, request.received_on
        )
        request.details = request.details.replace(
            "We ask the partner for", "The partner's customs ask for"
        )

    # --- writing --------------------------------------------------------------------------

    def write(self) -> AgreementDemoResult:
        agreements = create_with_history(Agreement, self.agreements)
        audit_created(agreements, "agreement.created")
        ours = Agreement.our_contacts.through
        theirs = Agreement.their_contacts.through
        ours.objects.bulk_create(
            [
                ours(agreement_id=a.pk, staff_id=s.pk)
                for a in agreements
                for s in self.ours.get(id(a), [])
            ]
        )
        theirs.objects.bulk_create(
            [
                theirs(agreement_id=a.pk, person_id=p.pk)
                for a in agreements
                for p in self.theirs.get(id(a), [])
            ]
        )
        for planned in self.planned:
            planned.request.agreement_id = planned.request.agreement.pk
        requests = create_with_history(AssistanceRequest, [p.request for p in self.planned])
        audit_created(requests, "assistance_request.filed")
        RequestPerson.objects.bulk_create(
            [
                RequestPerson(request=p.request, person=person, role=role)
                for p in self.planned
                for person, role in p.persons
            ]
        )
        companies = []
        for planned in self.planned:
            for company in planned.companies:
                company.request = planned.request
                companies.append(company)
        RequestCompany.objects.bulk_create(companies, batch_size=2000)
        documents = self._documents(agreements)
        Document.objects.bulk_create(documents, batch_size=500)
        return AgreementDemoResult(len(agreements), len(requests), len(documents))

    def _documents(self, agreements: list[Agreement]) -> list[Document]:
        documents = []
        for agreement in agreements:
            if agreement.signed_on is None:
                continue
            text = [
                agreement.title[:90],
                agreement.title[90:180],
                agreement.title[180:],
                f"Signed {agreement.signed_on:%d %B %Y} (generated date).",
                "Demo document: generated, not the agreement's text.",
            ]
            documents.append(
                self._document(agreement, None, DocumentKind.AGREEMENT_TEXT, "agreement.pdf", text)
            )
        for planned in self.planned:
            request = planned.request
            if not planned.letter:
                continue
            text = [
                f"Request for mutual assistance {request.reference}",
                f"Under the CMAA with {request.agreement.country.name}, {request.legal_basis}",
                request.subject,
                "Demo document: generated.",
            ]
            name = f"{request.reference} letter.pdf"
            documents.append(
                self._document(request.agreement, request, DocumentKind.REQUEST_LETTER, name, text)
            )
        return documents

    def _document(
        self,
        agreement: Agreement,
        request: AssistanceRequest | None,
        kind: str,
        name: str,
        lines: list[str],
    ) -> Document:
        data = letter_pdf([line for line in lines if line])
        checked = attachment_check(filename=name, data=data)
        day = request.received_on if request and request.received_on else agreement.signed_on
        return Document(
            agreement=agreement,
            request=request,
            kind=kind,
            filename=checked.filename,
            content_type=checked.content_type,
            size=checked.size,
            sha256=checked.sha256,
            payload=seal(data),
            uploaded_by=request.owner if request else self.manager,
            uploaded_at=_at(day or self.today, 11),
        )


def build_agreement_demo(*, seed: int, today: date | None = None) -> AgreementDemoResult:
    """The agreements, their contacts and documents, and the requests of FY2013 to FY2017 and
    of the last weeks. Needs the reference agencies, people, staff and the demo accounts."""
    demo = _AgreementDemo(seed=seed, today=today or timezone.localdate())
    demo.plan_agreements()
    demo.plan_requests()
    demo.assign_people()
    return demo.write()

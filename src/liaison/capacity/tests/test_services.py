"""Capacity building's services: every rule and refusal, on programs, assessments and their
workflow, evidence files, the gap view, the plan and the officials trained in between."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from liaison.accounts.roles import Role
from liaison.audit.models import AuditEntry
from liaison.capacity import selectors, services
from liaison.capacity.models import AssessmentStatus, PlanItem
from liaison.capacity.tests.conftest import approved, score_all, set_targets
from liaison.catalog.models import Course, FundingSource, SafeEdition, Venue
from liaison.conftest import create_agency, create_person
from liaison.core.attachments import MAX_ATTACHMENT_BYTES
from liaison.core.fiscal import FiscalQuarter
from liaison.partners.models import Country
from liaison.training.models import Certificate, Delivery, DeliveryStatus, Enrollment

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


# --- programs ------------------------------------------------------------------------------


def test_a_program_needs_an_agency_of_its_country(world):
    with pytest.raises(ValidationError, match="not an agency of Peru"):
        services.program_update(
            actor=world.manager, program=world.program, agency=create_agency("CO")
        )


def test_one_program_per_administration(world):
    with pytest.raises(ValidationError, match="already has a SAFE program"):
        services.program_create(
            actor=world.manager,
            country=world.program.country,
            agency=world.program.agency,
            sponsor=FundingSource.objects.get(code="INL"),
            edition=world.program.edition,
            starts_on=date(2026, 1, 1),
            planned_end=date(2027, 1, 1),
            manager=world.manager,
            budget=Decimal(1),
        )


def test_the_program_manager_is_someone_at_headquarters(world):
    with pytest.raises(ValidationError, match="headquarters"):
        services.program_update(actor=world.manager, program=world.program, manager=world.attache)


@pytest.mark.parametrize("role", [Role.ATTACHE, Role.TRAINING_ADVISOR, Role.SPONSOR])
def test_only_headquarters_runs_programs(world, role):
    with pytest.raises(PermissionDenied):
        services.program_update(actor=world.users[role], program=world.program, objectives="x")


def test_targets_are_standards_of_the_programs_edition(world):
    set_targets(world, {"1.4": (3, 1)})
    assert world.program.targets.get().level == 3
    with pytest.raises(ValidationError, match="edition"):
        services.program_set_targets(
            actor=world.manager,
            program=world.program,
            targets={world.standard("1.4", edition="2012"): (3, 1)},
        )


# --- assessments and their workflow --------------------------------------------------------


def _draft(world, kind="initial", starts_on=date(2025, 11, 3), **extra):
    return services.assessment_create(
        actor=world.manager,
        program=world.program,
        kind=kind,
        starts_on=starts_on,
        ends_on=starts_on + timedelta(days=4),
        assessors=[world.assessor],
        **extra,
    )


def test_an_assessment_scores_every_standard_of_its_edition(world):
    assessment = _draft(world)
    assert assessment.scores.count() == 20  # 11 + 6 standards, 3 cooperation areas
    older = _draft(
        world,
        kind="monitoring",
        starts_on=date(2026, 1, 5),
        edition=SafeEdition.objects.get(code="2012"),
    )
    assert older.scores.count() == 17


def test_the_initial_assessment_comes_first_and_once(world):
    with pytest.raises(ValidationError, match="initial assessment comes first"):
        _draft(world, kind="monitoring")
    _draft(world)
    with pytest.raises(ValidationError, match="already has its initial"):
        _draft(world, starts_on=date(2026, 1, 5))
    with pytest.raises(ValidationError, match="after the initial"):
        _draft(world, kind="monitoring", starts_on=date(2025, 11, 4))


def test_an_assessment_needs_a_named_assessor(world):
    with pytest.raises(ValidationError, match="assessor"):
        services.assessment_create(
            actor=world.manager,
            program=world.program,
            kind="initial",
            starts_on=date(2025, 11, 3),
            ends_on=date(2025, 11, 7),
            assessors=[],
        )


def test_a_score_needs_its_evidence_and_stays_on_the_scale(world):
    assessment = _draft(world)
    standard_id = assessment.scores.first().standard_id
    with pytest.raises(ValidationError, match="evidence"):
        services.assessment_record_scores(
            actor=world.advisor,
            assessment=assessment,
            scores={standard_id: services.ScoreInput(2, "  ")},
        )
    with pytest.raises(ValidationError, match="0 \\(absent\\) to 4"):
        services.assessment_record_scores(
            actor=world.advisor,
            assessment=assessment,
            scores={standard_id: services.ScoreInput(5, "Seen")},
        )
    services.assessment_record_scores(
        actor=world.advisor,
        assessment=assessment,
        scores={standard_id: services.ScoreInput(2, "Seen", self_level=3)},
    )
    score = assessment.scores.get(standard_id=standard_id)
    assert (score.level, score.self_level) == (2, 3)
    assert AuditEntry.objects.filter(action="assessment.scored").exists()


def test_an_unscored_assessment_cannot_be_submitted(world):
    assessment = _draft(world)
    with pytest.raises(ValidationError, match="Score every standard"):
        services.assessment_submit(actor=world.advisor, assessment=assessment)
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.DRAFT


def test_only_a_named_assessor_or_headquarters_scores_and_submits(world, make_user):
    assessment = _draft(world)
    score_all(world, assessment, {})
    for role in (Role.ATTACHE, Role.SPONSOR, Role.VETTING_OFFICER):
        with pytest.raises(PermissionDenied):
            services.assessment_submit(actor=world.users[role], assessment=assessment)
    stranger = make_user(Role.TRAINING_ADVISOR)  # an advisor not named on it
    with pytest.raises(PermissionDenied):
        services.assessment_submit(actor=stranger, assessment=assessment)
    services.assessment_submit(actor=world.advisor, assessment=assessment)
    assert assessment.status == AssessmentStatus.SUBMITTED
    assert assessment.submitted_by == world.advisor


def test_the_workflow_moves_per_role_each_audited(world):
    assessment = _draft(world)
    score_all(world, assessment, {})
    services.assessment_submit(actor=world.advisor, assessment=assessment)
    # An assessor does not review or approve.
    with pytest.raises(PermissionDenied):
        services.assessment_review(actor=world.advisor, assessment=assessment)
    with pytest.raises(ValidationError, match=r"reviewed cannot become approved|submitted"):
        services.assessment_approve(actor=world.manager, assessment=assessment)
    services.assessment_review(actor=world.manager, assessment=assessment)
    with pytest.raises(PermissionDenied):
        services.assessment_approve(actor=world.advisor, assessment=assessment)
    services.assessment_approve(actor=world.manager, assessment=assessment, why="Agreed.")
    actions = list(
        AuditEntry.objects.filter(action__startswith="assessment.")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions[-3:] == ["assessment.submitted", "assessment.reviewed", "assessment.approved"]


def test_the_one_who_submitted_does_not_review(world):
    assessment = _draft(world)
    score_all(world, assessment, {})
    services.assessment_submit(actor=world.manager, assessment=assessment)
    with pytest.raises(ValidationError, match="second person"):
        services.assessment_review(actor=world.manager, assessment=assessment)
    services.assessment_review(actor=world.other_manager, assessment=assessment)
    assert assessment.status == AssessmentStatus.REVIEWED


def test_a_returned_assessment_is_a_draft_again_and_needs_a_reason(world):
    assessment = _draft(world)
    score_all(world, assessment, {})
    services.assessment_submit(actor=world.advisor, assessment=assessment)
    with pytest.raises(ValidationError, match="what to change"):
        services.assessment_return(actor=world.manager, assessment=assessment, why=" ")
    services.assessment_return(actor=world.manager, assessment=assessment, why="Evidence for 1.4")
    assert assessment.status == AssessmentStatus.DRAFT


def test_an_approved_assessment_no_longer_changes(world):
    assessment = approved(world, {})
    with pytest.raises(ValidationError, match="only a draft changes"):
        score_all(world, assessment, {"1.1": 0})
    with pytest.raises(ValidationError, match="evidence is closed"):
        services.attachment_add(
            actor=world.manager, assessment=assessment, filename="a.pdf", data=PDF
        )


def test_the_move_dispatcher_refuses_an_unknown_move(world):
    assessment = _draft(world)
    with pytest.raises(ValidationError, match="No such move"):
        services.assessment_move(actor=world.manager, assessment=assessment, move="published")


# --- evidence files ------------------------------------------------------------------------


def test_an_attachment_is_checked_by_its_content_and_its_name_made_safe(world):
    assessment = _draft(world)
    with pytest.raises(ValidationError, match="not a file Liaison keeps"):
        services.attachment_add(
            actor=world.advisor,
            assessment=assessment,
            filename="report.pdf",
            data=b"MZ\x90\x00\x03\x00\x00\x00 a program renamed",
        )
    with pytest.raises(ValidationError, match="empty"):
        services.attachment_add(
            actor=world.advisor, assessment=assessment, filename="x.pdf", data=b""
        )
    with pytest.raises(ValidationError, match=r"its name ends in “\.txt”"):
        services.attachment_add(
            actor=world.advisor, assessment=assessment, filename="report.txt", data=PDF
        )
    attachment = services.attachment_add(
        actor=world.advisor,
        assessment=assessment,
        filename="../../etc/<evidence>\x00 report.pdf",
        data=PDF,
    )
    assert attachment.name == "evidence report.pdf"
    assert attachment.content_type == "application/pdf"
    assert bytes(attachment.payload) != PDF  # encrypted at rest


def test_an_oversized_attachment_is_refused(world):
    assessment = _draft(world)
    with pytest.raises(ValidationError, match=f"larger than {MAX_ATTACHMENT_BYTES // 2**20} MB"):
        services.attachment_add(
            actor=world.advisor,
            assessment=assessment,
            filename="big.txt",
            data=b"a" * (MAX_ATTACHMENT_BYTES + 1),
        )


@pytest.mark.parametrize(
    "role", [Role.ATTACHE, Role.SPONSOR, Role.VETTING_OFFICER, Role.IVP_COORDINATOR]
)
def test_attachments_are_refused_to_the_wrong_role(world, role):
    assessment = _draft(world)
    attachment = services.attachment_add(
        actor=world.advisor, assessment=assessment, filename="evidence.pdf", data=PDF
    )
    with pytest.raises(PermissionDenied):
        services.attachment_download(actor=world.users[role], attachment=attachment)
    with pytest.raises(PermissionDenied):
        selectors.attachment_get(user=world.users[role], pk=attachment.pk)
    assert not AuditEntry.objects.filter(action="assessment.attachment_downloaded").exists()


def test_every_download_is_recorded(world):
    assessment = _draft(world)
    attachment = services.attachment_add(
        actor=world.advisor, assessment=assessment, filename="evidence.pdf", data=PDF
    )
    assert services.attachment_download(actor=world.advisor, attachment=attachment) == PDF
    assert services.attachment_download(actor=world.manager, attachment=attachment) == PDF
    entries = AuditEntry.objects.filter(action="assessment.attachment_downloaded")
    assert entries.count() == 2


# --- the gap view --------------------------------------------------------------------------


def test_the_gap_view_reads_target_current_gap_and_trend(world):
    set_targets(world, {"1.4": (4, 1), "1.6": (3, 2)})
    approved(world, {"1.4": 1, "1.6": 3})
    _draft(world, kind="monitoring", starts_on=date(2026, 2, 2))  # a draft does not count
    rows = {r.standard.code: r for r in selectors.gap_rows(program=world.program)}
    assert (rows["1.4"].target, rows["1.4"].current, rows["1.4"].gap) == (4, 1, 3)
    assert rows["1.6"].gap == 0
    assert rows["1.1"].target is None and rows["1.1"].gap is None
    assert rows["1.4"].trend == "first score"


def test_the_trend_says_when_editions_are_not_comparable(world):
    approved(world, {"1.4": 1, "3.1": 1}, edition=SafeEdition.objects.get(code="2012"))
    approved(world, {"1.4": 3, "3.1": 2}, kind="monitoring", starts_on=date(2026, 2, 2))
    rows = {r.standard.code: r for r in selectors.gap_rows(program=world.program)}
    assert rows["1.4"].trend == "+2"  # the same standard in both editions
    assert [p.comparable for p in rows["3.1"].points] == [False, True]
    assert rows["3.1"].trend == "first score"
    chart = selectors.trend_chart(program=world.program, rows=list(rows.values()))
    assert "not comparable" in [cell for row in chart.rows for cell in row]


# --- the training plan ---------------------------------------------------------------------


def _items(world):
    return {i.course.code: i for i in PlanItem.objects.filter(plan__program=world.program)}


def test_a_plan_needs_an_approved_assessment(world):
    set_targets(world, {"1.4": (4, 1)})
    _draft(world)
    with pytest.raises(ValidationError, match="approved assessment"):
        services.plan_generate(actor=world.manager, program=world.program, deterministic=True)


def test_the_generated_plan_never_puts_a_course_before_its_prerequisites(world):
    # ACI-201 needs SCS-101 and TRM-201, TRM-201 needs SCS-101.
    set_targets(world, {"1.6": (4, 1), "1.7": (4, 1), "1.4": (4, 1)})
    approved(world, {"1.6": 0, "1.7": 0, "1.4": 0})
    services.plan_generate(actor=world.manager, program=world.program, deterministic=True)
    items = _items(world)
    assert {"SCS-101", "TRM-201", "ACI-201"} <= set(items)
    assert items["SCS-101"].slot < items["TRM-201"].slot < items["ACI-201"].slot
    assert all(item.slot >= (2026, 2) for item in items.values())  # Q1 FY2026 has passed


def test_the_generated_plan_respects_the_budget_and_the_quarterly_cap(world):
    set_targets(world, {code: (4, 1) for code in ("1.2", "1.3", "1.5", "1.6", "1.7", "1.10")})
    approved(world, {})
    world.program.budget = Decimal(100000)
    world.program.max_deliveries_per_quarter = 1
    world.program.save()
    result = services.plan_generate(actor=world.manager, program=world.program, deterministic=True)
    items = list(_items(world).values())
    assert items and sum(i.estimated_cost for i in items) <= 100000
    slots = [i.slot for i in items]
    assert len(slots) == len(set(slots))
    assert any("budget" in note for note in result.left_out)


def test_a_course_without_an_estimated_cost_is_left_out_with_the_reason(world):
    Course.objects.filter(code="INT-101").update(estimated_cost=None)
    set_targets(world, {"1.10": (4, 1)})
    approved(world, {"1.10": 1})
    result = services.plan_generate(actor=world.manager, program=world.program, deterministic=True)
    assert "INT-101: no estimated cost in the catalog, so not planned" in result.left_out
    assert "INT-201" not in _items(world)  # its prerequisite cannot be planned


def test_the_manager_cannot_move_a_course_before_its_prerequisite(world):
    set_targets(world, {"1.4": (4, 1)})
    approved(world, {"1.4": 0})
    services.plan_generate(actor=world.manager, program=world.program, deterministic=True)
    world.program.max_deliveries_per_quarter = 4  # so the cap is not what refuses
    world.program.save()
    items = _items(world)
    scs = items["SCS-101"]
    trm = items["TRM-201"]
    with pytest.raises(ValidationError, match="needs SCS-101 first"):
        services.plan_item_move(
            actor=world.manager, item=trm, quarter=FiscalQuarter(scs.fiscal_year, scs.quarter)
        )
    with pytest.raises(ValidationError, match=r"TRM-201 .* needs SCS-101 first"):
        services.plan_item_move(actor=world.manager, item=scs, quarter=FiscalQuarter(2028, 4))
    with pytest.raises(ValidationError, match="has ended"):
        services.plan_item_move(actor=world.manager, item=scs, quarter=FiscalQuarter(2026, 1))
    with pytest.raises(ValidationError, match="outside the program"):
        services.plan_item_move(actor=world.manager, item=trm, quarter=FiscalQuarter(2029, 1))
    with pytest.raises(ValidationError, match="remove them first"):
        services.plan_item_remove(actor=world.manager, item=scs)


def test_edits_keep_the_cap_and_the_budget(world):
    set_targets(world, {"1.4": (4, 1)})
    approved(world, {"1.4": 0})
    services.plan_generate(actor=world.manager, program=world.program, deterministic=True)
    quarter = FiscalQuarter(2027, 1)
    services.plan_item_add(
        actor=world.manager,
        plan=world.program.plan,
        course=Course.objects.get(code="NII-101"),
        quarter=quarter,
    )
    services.plan_item_add(
        actor=world.manager,
        plan=world.program.plan,
        course=Course.objects.get(code="CCT-101"),
        quarter=quarter,
    )
    with pytest.raises(ValidationError, match="cap of 2 a quarter"):
        services.plan_item_add(
            actor=world.manager,
            plan=world.program.plan,
            course=Course.objects.get(code="INT-101"),
            quarter=quarter,
        )
    world.program.budget = Decimal(100000)
    world.program.save()
    with pytest.raises(ValidationError, match="over the program's budget"):
        services.plan_item_add(
            actor=world.manager,
            plan=world.program.plan,
            course=Course.objects.get(code="INT-101"),
            quarter=FiscalQuarter(2027, 2),
        )


def test_a_new_generation_keeps_what_the_manager_placed(world):
    set_targets(world, {"1.4": (4, 1)})
    approved(world, {"1.4": 0})
    services.plan_generate(actor=world.manager, program=world.program, deterministic=True)
    moved = services.plan_item_move(
        actor=world.manager, item=_items(world)["TRM-201"], quarter=FiscalQuarter(2027, 3)
    )
    services.plan_generate(actor=world.manager, program=world.program, deterministic=True)
    assert _items(world)["TRM-201"].pk == moved.pk
    assert _items(world)["TRM-201"].slot == (2027, 3)


def _delivery(world, course="SCS-101", venue="ILEA-SAL", starts_on=date(2026, 5, 4), **extra):
    course = Course.objects.get(code=course)
    return Delivery.objects.create(
        course=course,
        venue=Venue.objects.get(code=venue),
        country=Venue.objects.get(code=venue).country,
        starts_on=starts_on,
        ends_on=starts_on + timedelta(days=4),
        funding_source=FundingSource.objects.get(code="INL"),
        capacity=20,
        **extra,
    )


def test_a_plan_item_links_only_to_a_delivery_of_its_course(world):
    set_targets(world, {"1.4": (4, 1)})
    approved(world, {"1.4": 0})
    services.plan_generate(actor=world.manager, program=world.program, deterministic=True)
    item = _items(world)["SCS-101"]
    with pytest.raises(ValidationError, match="not SCS-101"):
        services.plan_item_link_delivery(
            actor=world.manager, item=item, delivery=_delivery(world, course="TRM-201")
        )
    with pytest.raises(ValidationError, match="cancelled"):
        services.plan_item_link_delivery(
            actor=world.manager,
            item=item,
            delivery=_delivery(world, status=DeliveryStatus.CANCELLED),
        )
    elsewhere = Venue.objects.create(
        code="X",
        name="Bogotá site",
        kind="foreign_site",
        city="Bogotá",
        country=Country.objects.get(code="CO"),
    )
    with pytest.raises(ValidationError, match="neither the program's country nor an ILEA"):
        services.plan_item_link_delivery(
            actor=world.manager, item=item, delivery=_delivery(world, venue=elsewhere.code)
        )
    with pytest.raises(PermissionDenied):
        services.plan_item_link_delivery(actor=world.attache, item=item, delivery=_delivery(world))
    delivery = _delivery(world, status=DeliveryStatus.DELIVERED)
    services.plan_item_link_delivery(actor=world.manager, item=item, delivery=delivery)
    progress = selectors.plan_progress(items=selectors.plan_items(plan=world.program.plan))
    assert sum(p.delivered for p in progress) == 1
    assert sum(p.planned for p in progress) == len(_items(world))
    with pytest.raises(ValidationError, match="unlink the delivery first"):
        services.plan_item_remove(actor=world.manager, item=item)


# --- ★ officials trained between two assessments --------------------------------------------


def _certified(world, person, course, ends_on):
    delivery = _delivery(world, course=course, starts_on=ends_on - timedelta(days=4))
    enrollment = Enrollment.objects.create(delivery=delivery, person=person, status="attended")
    Certificate.objects.create(enrollment=enrollment, code=f"C{person.pk}{delivery.pk}")


def test_officials_trained_in_between_and_still_in_post(world):
    agency = world.program.agency
    stays = create_person("Ana", "Quispe", agency=agency)
    left = create_person("Luz", "Mamani", agency=agency, left_post_on=date(2026, 1, 1))
    moved = create_person("Rosa", "Flores", agency=agency)
    moved.agency = create_agency("PE", name="Border Police")
    moved.save()  # history still says she was of the administration
    outsider = create_person("Eva", "Rojas", agency=create_agency("PE", name="Ministry"))
    before_first = create_person("Ines", "Paz", agency=agency)
    set_targets(world, {"1.4": (4, 1)})
    approved(world, {"1.4": 1}, starts_on=date(2025, 10, 6))
    for person in (stays, left, moved, outsider):
        _certified(world, person, "TRM-201", date(2025, 12, 12))  # TRM-201 builds 1.4
    _certified(world, before_first, "TRM-201", date(2025, 10, 3))
    _certified(world, stays, "INT-101", date(2025, 12, 19))  # builds 1.10, not 1.4
    approved(world, {"1.4": 3}, kind="monitoring", starts_on=date(2026, 2, 2))
    rows = {r.standard.code: r for r in selectors.gap_rows(program=world.program)}
    trained = rows["1.4"].trained[0]
    assert (trained.level_before, trained.level_after) == (1, 3)
    assert (trained.officials, trained.in_post) == (3, 1)
    assert rows["1.10"].trained[0].officials == 1
    assert rows["1.1"].trained[0].officials == 0


# --- mentoring -----------------------------------------------------------------------------


def test_mentoring_addresses_standards_of_the_programs_edition(world):
    engagement = services.mentoring_create(
        actor=world.manager,
        program=world.program,
        advisor=world.assessor,
        starts_on=date(2026, 3, 2),
        topics="Risk-management committee",
        standards=[world.standard("1.4")],
    )
    assert [s.code for s in engagement.standards.all()] == ["1.4"]
    with pytest.raises(ValidationError, match="program's edition"):
        services.mentoring_update(
            actor=world.manager, engagement=engagement, standards=[world.standard("1.4", "2012")]
        )
    with pytest.raises(PermissionDenied):
        services.mentoring_update(actor=world.advisor, engagement=engagement, notes="x")
    # The advisor now works on the program: they see it.
    assert world.program in selectors.program_list(user=world.advisor)

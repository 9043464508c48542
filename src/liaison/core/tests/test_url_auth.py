"""Every named URL: anonymous users are sent to sign in (pages) or get 401 (API), and every
role gets exactly the access the role table gives it — 403 for the wrong ones."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

import pytest
from django.contrib import messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from liaison.accounts.models import User
from liaison.accounts.roles import Role
from liaison.accounts.services import api_token_create
from liaison.agreements import services as agreement_services
from liaison.agreements.models import Direction
from liaison.capacity import services as capacity_services
from liaison.catalog.models import Course, FundingSource, SafeEdition, SafeStandard, Venue
from liaison.catalog.services import reference_catalog_load, reference_safe_framework_load
from liaison.conftest import create_agency, create_person, create_user
from liaison.core.fiscal import fiscal_quarter_of
from liaison.demo.agreements import letter_pdf
from liaison.partners.models import Country
from liaison.partners.services import reference_partners_load
from liaison.people.models import Staff
from liaison.postings import services as postings_services
from liaison.reports.models import AnnualReport, AnnualReportStatus
from liaison.training import services as training_services
from liaison.training.models import Certificate, FollowUp
from liaison.vetting.services import vetting_approve, vetting_submit
from liaison.visits import services as visit_services
from liaison.visits.models import (
    FocusArea,
    HostAnswer,
    Site,
    SiteBlackout,
    Stop,
    VisitStatus,
    YearPlan,
    YearPlanStatus,
)

pytestmark = pytest.mark.django_db

ALL = set(Role)
HQ = {Role.ADMINISTRATOR, Role.PROGRAM_MANAGER}
PARTNER_READERS = ALL - {Role.SITE_HOST}
PEOPLE_READERS = HQ | {
    Role.TRAINING_ADVISOR,
    Role.IVP_COORDINATOR,
    Role.ATTACHE,
    Role.VETTING_OFFICER,
}
PEOPLE_EDITORS = PEOPLE_READERS - {Role.VETTING_OFFICER}
PERSONAL_DATA = HQ | {Role.VETTING_OFFICER, Role.IVP_COORDINATOR}
STAFF_READERS = HQ | {Role.TRAINING_ADVISOR, Role.IVP_COORDINATOR}
AGENCY_EDITORS = HQ | {Role.ATTACHE}
ADMIN = {Role.ADMINISTRATOR}
CATALOG_READERS = ALL - {Role.SITE_HOST}
VETTING_READERS = PEOPLE_READERS
VETTING_DECIDERS = {Role.ADMINISTRATOR, Role.VETTING_OFFICER}
VETTING_SUBMITTERS = PEOPLE_EDITORS | {Role.VETTING_OFFICER}
# The records' delivery is in the attaché's region and taught by the training advisor.
TRAINING_READERS = HQ | {Role.TRAINING_ADVISOR, Role.ATTACHE, Role.VETTING_OFFICER}
DELIVERY_RUNNERS = HQ | {Role.TRAINING_ADVISOR}
# The records' training request is for Peru, in the attaché's region.
REQUEST_READERS = HQ | {Role.ATTACHE}

# The records' visit is from Peru (the attaché's region); the site host hosts its site.
VISIT_PLANNERS = HQ | {Role.IVP_COORDINATOR}
VISIT_READERS = VISIT_PLANNERS | {Role.ATTACHE}
SITE_READERS = VISIT_READERS | {Role.SITE_HOST}
SITE_HOSTS = {Role.SITE_HOST}

# The records' posting, program and deployment are in Peru (the attaché's region).
POSTING_READERS = STAFF_READERS | {Role.ATTACHE}
PRESENCE_RECORDERS = HQ | {Role.ATTACHE}
# The records' SAFE program is Peru's (the attaché's region); the training advisor is the
# named assessor of its draft assessment. Evidence files: headquarters and the assessor.
SAFE_READERS = HQ | {Role.TRAINING_ADVISOR, Role.ATTACHE}
EVALUATION_READERS = HQ | {Role.TRAINING_ADVISOR, Role.IVP_COORDINATOR, Role.ATTACHE}
# The dashboard and sponsor report: headquarters, and the sponsor (whose account names INL).
REPORT_READERS = HQ | {Role.SPONSOR}
SAFE_ASSESSORS = HQ | {Role.TRAINING_ADVISOR}
# The records' agreement is Peru's (the attaché's region); its request is an incoming one.
AGREEMENT_READERS = HQ | {
    Role.ATTACHE,
    Role.TRAINING_ADVISOR,
    Role.IVP_COORDINATOR,
    Role.VETTING_OFFICER,
}
REQUEST_WORKERS = HQ | {Role.ATTACHE}
# The annual report is headquarters'; a country report (Peru) its attaché's too.
COUNTRY_REPORT_READERS = HQ | {Role.ATTACHE}
# The records' surveys are about a delivery: built by headquarters and training advisors,
# whose results sponsors read too.
SURVEY_BUILDERS = HQ | {Role.TRAINING_ADVISOR}
SURVEY_CREATORS = SURVEY_BUILDERS | {Role.IVP_COORDINATOR}
SURVEY_READERS = SURVEY_BUILDERS | {Role.SPONSOR}

# url name -> (method, allowed roles, JSON body for API writes)
PAGES: dict[str, tuple[str, set[Role]]] = {
    "home": ("get", ALL),
    "accounts:profile": ("get", ALL),
    "accounts:user_list": ("get", ADMIN),
    "accounts:user_create": ("get", ADMIN),
    "accounts:user_update": ("get", ADMIN),
    "partners:region_list": ("get", PARTNER_READERS),
    "partners:country_list": ("get", PARTNER_READERS),
    "partners:country_detail": ("get", PARTNER_READERS),
    "reports:annual_list": ("get", HQ),
    "reports:annual_detail": ("get", HQ),
    "reports:annual_pdf": ("get", HQ),
    "reports:country_report": ("get", COUNTRY_REPORT_READERS),
    "reports:country_report_pdf": ("get", COUNTRY_REPORT_READERS),
    "partners:agency_list": ("get", PARTNER_READERS),
    "partners:agency_detail": ("get", PARTNER_READERS),
    "partners:agency_create": ("get", AGENCY_EDITORS),
    "partners:agency_update": ("get", AGENCY_EDITORS),
    "people:person_list": ("get", PEOPLE_READERS),
    "people:person_detail": ("get", PEOPLE_READERS),
    "people:person_create": ("get", PEOPLE_EDITORS),
    "people:person_duplicate_check": ("post", PEOPLE_EDITORS),
    "people:person_update": ("get", PEOPLE_EDITORS),
    "people:person_personal_data": ("post", PERSONAL_DATA),
    "people:person_merge": ("get", HQ),
    "people:staff_list": ("get", STAFF_READERS),
    "people:staff_detail": ("get", STAFF_READERS),
    "people:staff_create": ("get", HQ),
    "people:staff_update": ("get", HQ),
    "audit:search": ("get", ADMIN),
    "catalog:course_list": ("get", CATALOG_READERS),
    "catalog:course_detail": ("get", CATALOG_READERS),
    "catalog:course_create": ("get", HQ),
    "catalog:course_update": ("get", HQ),
    "catalog:venue_list": ("get", CATALOG_READERS),
    "catalog:venue_detail": ("get", CATALOG_READERS),
    "catalog:venue_create": ("get", HQ),
    "catalog:venue_update": ("get", HQ),
    "catalog:funding_source_list": ("get", CATALOG_READERS),
    "catalog:funding_source_create": ("get", HQ),
    "catalog:funding_source_update": ("get", HQ),
    "vetting:record_list": ("get", VETTING_READERS),
    "vetting:expiring": ("get", VETTING_READERS),
    "vetting:record_detail": ("get", VETTING_READERS),
    "vetting:results_import": ("get", VETTING_DECIDERS),
    "vetting:person_submit": ("post", VETTING_SUBMITTERS),
    "training:delivery_list": ("get", TRAINING_READERS),
    "training:delivery_create": ("get", HQ),
    "training:delivery_detail": ("get", TRAINING_READERS),
    "training:delivery_update": ("get", HQ),
    # Instructors start and finish their deliveries; the service refuses them the rest.
    "training:delivery_transition": ("post", DELIVERY_RUNNERS),
    "training:instructor_assign": ("post", HQ),
    "training:instructor_remove": ("post", HQ),
    "training:delivery_roster": ("get", TRAINING_READERS),
    "training:enrollment_nominate": ("post", DELIVERY_RUNNERS),
    "training:roster_confirm_all": ("post", DELIVERY_RUNNERS),
    "training:roster_submit_for_vetting": ("post", DELIVERY_RUNNERS),
    "training:enrollment_confirm": ("post", DELIVERY_RUNNERS),
    "training:enrollment_withdraw": ("post", DELIVERY_RUNNERS),
    "training:delivery_attendance": ("get", TRAINING_READERS),
    "training:attendance_mark": ("post", DELIVERY_RUNNERS),
    "training:attendance_mark_rest": ("post", DELIVERY_RUNNERS),
    "training:delivery_results": ("get", TRAINING_READERS),
    "training:delivery_costs": ("get", DELIVERY_RUNNERS),
    "training:cost_remove": ("post", HQ),
    "training:delivery_report": ("get", TRAINING_READERS),
    "training:blocked": ("get", TRAINING_READERS),
    "training:roster_import": ("get", DELIVERY_RUNNERS),
    "training:roster_template": ("get", TRAINING_READERS),
    "training:certificate_pdf": ("get", TRAINING_READERS),
    "training:certificate_revoke": ("get", HQ),
    "training:certificates_issue": ("post", DELIVERY_RUNNERS),
    "training:calendar_feeds": ("get", DELIVERY_RUNNERS),
    "training:calendar_feed_create": ("post", DELIVERY_RUNNERS),
    "training:calendar_feed_reset": ("post", DELIVERY_RUNNERS),
    "training:request_list": ("get", REQUEST_READERS),
    "training:request_create": ("get", REQUEST_READERS),
    "training:request_detail": ("get", REQUEST_READERS),
    "training:request_approve": ("post", HQ),
    "training:request_decline": ("post", HQ),
    "training:request_withdraw": ("post", REQUEST_READERS),
    "training:follow_up_list": ("get", TRAINING_READERS),
    "training:follow_up_create": ("get", HQ),
    "training:follow_up_detail": ("get", TRAINING_READERS),
    "visits:visit_list": ("get", VISIT_READERS),
    "visits:visit_create": ("get", VISIT_READERS),
    "visits:visit_detail": ("get", VISIT_READERS),
    "visits:visit_start_planning": ("post", VISIT_PLANNERS),
    "visits:visit_plan": ("post", VISIT_PLANNERS),
    "visits:visit_request_sites": ("post", VISIT_PLANNERS),
    "visits:visit_resume_planning": ("post", VISIT_PLANNERS),
    "visits:visit_confirm": ("post", VISIT_PLANNERS),
    "visits:visit_complete": ("post", VISIT_PLANNERS),
    "visits:visit_decline": ("post", VISIT_PLANNERS),
    "visits:visit_cancel": ("post", VISIT_READERS),
    "visits:delegate_add": ("post", VISIT_READERS),
    "visits:delegate_remove": ("post", VISIT_READERS),
    "visits:stop_pin": ("post", VISIT_PLANNERS),
    "visits:stop_remove": ("post", VISIT_PLANNERS),
    "visits:itinerary": ("get", VISIT_READERS),
    "visits:itinerary_pdf": ("get", VISIT_READERS),
    "visits:day_calendar": ("get", VISIT_PLANNERS),
    "visits:year_plan_list": ("get", VISIT_PLANNERS),
    "visits:year_plan_start": ("post", VISIT_PLANNERS),
    "visits:year_plan_detail": ("get", VISIT_PLANNERS),
    "visits:year_plan_apply": ("post", VISIT_PLANNERS),
    "visits:site_list": ("get", SITE_READERS),
    "visits:site_detail": ("get", SITE_READERS),
    "visits:site_edit": ("get", VISIT_PLANNERS),
    "visits:site_blackout_add": ("post", VISIT_PLANNERS),
    "visits:site_blackout_remove": ("post", VISIT_PLANNERS),
    "visits:site_host_add": ("post", VISIT_PLANNERS),
    "visits:site_host_remove": ("post", VISIT_PLANNERS),
    "visits:host_inbox": ("get", SITE_HOSTS),
    "visits:host_answer": ("post", SITE_HOSTS),
    "visits:host_calendar": ("get", SITE_HOSTS),
    "visits:host_calendar_create": ("post", SITE_HOSTS),
    "visits:host_calendar_reset": ("post", SITE_HOSTS),
    "postings:posting_list": ("get", POSTING_READERS),
    "postings:posting_create": ("get", HQ),
    "postings:posting_detail": ("get", POSTING_READERS),
    "postings:posting_update": ("get", HQ),
    # The attaché records an arrival at a post in their region; headquarters makes every move.
    "postings:posting_move": ("post", PRESENCE_RECORDERS),
    "postings:posting_change_end": ("post", HQ),
    "postings:coverage": ("get", POSTING_READERS),
    "postings:coverage_gaps": ("get", POSTING_READERS),
    "postings:handover": ("get", POSTING_READERS),
    "postings:ending": ("get", POSTING_READERS),
    "postings:post_list": ("get", POSTING_READERS),
    "postings:post_create": ("get", HQ),
    "postings:post_update": ("get", HQ),
    "postings:program_list": ("get", POSTING_READERS),
    "postings:program_create": ("get", HQ),
    "postings:program_detail": ("get", POSTING_READERS),
    "postings:program_update": ("get", HQ),
    "postings:deployment_list": ("get", POSTING_READERS),
    "postings:deployment_create": ("get", HQ),
    "postings:deployment_cancel": ("post", HQ),
    "capacity:program_list": ("get", SAFE_READERS),
    "reports:evaluation": ("get", EVALUATION_READERS),
    "reports:dashboard": ("get", REPORT_READERS),
    "reports:sponsor": ("get", REPORT_READERS),
    "capacity:program_create": ("get", HQ),
    "capacity:program_detail": ("get", SAFE_READERS),
    "capacity:program_update": ("get", HQ),
    "capacity:program_targets": ("get", HQ),
    "capacity:assessment_create": ("get", HQ),
    "capacity:assessment_detail": ("get", SAFE_READERS),
    "capacity:assessment_update": ("get", SAFE_ASSESSORS),
    "capacity:assessment_scores": ("post", SAFE_ASSESSORS),
    "capacity:assessment_move": ("post", SAFE_ASSESSORS),
    "capacity:attachment_upload": ("post", SAFE_ASSESSORS),
    "capacity:attachment_download": ("get", SAFE_ASSESSORS),
    "capacity:plan_detail": ("get", SAFE_READERS),
    "capacity:plan_generate": ("post", HQ),
    "capacity:plan_item_add": ("post", HQ),
    "capacity:plan_item_move": ("post", HQ),
    "capacity:plan_item_remove": ("post", HQ),
    "capacity:plan_item_link": ("post", HQ),
    "capacity:plan_item_unlink": ("post", HQ),
    "capacity:mentoring_create": ("get", HQ),
    "capacity:mentoring_update": ("get", HQ),
    "agreements:agreement_list": ("get", AGREEMENT_READERS),
    "agreements:agreement_create": ("get", HQ),
    "agreements:agreement_detail": ("get", AGREEMENT_READERS),
    "agreements:agreement_update": ("get", HQ),
    "agreements:agreement_transition": ("post", HQ),
    "agreements:agreement_contact_add": ("post", HQ),
    "agreements:agreement_contact_remove": ("post", HQ),
    "agreements:agreement_document_add": ("post", HQ),
    "agreements:document_download": ("get", REQUEST_WORKERS),
    "agreements:request_list": ("get", REQUEST_WORKERS),
    "agreements:overdue": ("get", REQUEST_WORKERS),
    "agreements:answer_times": ("get", REQUEST_WORKERS),
    "agreements:health": ("get", REQUEST_WORKERS),
    "agreements:request_create": ("get", REQUEST_WORKERS),
    "agreements:request_detail": ("get", REQUEST_WORKERS),
    "agreements:request_update": ("get", REQUEST_WORKERS),
    "agreements:request_transition": ("post", REQUEST_WORKERS),
    "agreements:request_assign": ("post", REQUEST_WORKERS),
    "agreements:request_person_add": ("post", REQUEST_WORKERS),
    "agreements:request_person_remove": ("post", REQUEST_WORKERS),
    "agreements:request_company_add": ("post", REQUEST_WORKERS),
    "agreements:request_company_remove": ("post", REQUEST_WORKERS),
    "agreements:request_document_add": ("post", REQUEST_WORKERS),
    "surveys:survey_list": ("get", SURVEY_CREATORS | {Role.SPONSOR}),
    "surveys:survey_create": ("get", SURVEY_CREATORS),
    "surveys:survey_detail": ("get", SURVEY_READERS),
    "surveys:survey_results": ("get", SURVEY_READERS),
    "surveys:question_add": ("get", SURVEY_BUILDERS),
    "surveys:question_remove": ("post", SURVEY_BUILDERS),
    "surveys:survey_publish": ("post", SURVEY_BUILDERS),
    "surveys:survey_new_version": ("post", SURVEY_BUILDERS),
    "surveys:survey_invite": ("post", SURVEY_BUILDERS),
}
API: dict[str, tuple[str, set[Role], Any]] = {
    "api-v1:list_regions": ("get", PARTNER_READERS, None),
    "api-v1:list_countries": ("get", PARTNER_READERS, None),
    "api-v1:get_country": ("get", PARTNER_READERS, None),
    "api-v1:list_agencies": ("get", PARTNER_READERS, None),
    "api-v1:get_agency": ("get", PARTNER_READERS, None),
    "api-v1:create_agency": (
        "post",
        AGENCY_EDITORS,
        {"name": "Aduanas", "kind": "customs", "country": "PE"},
    ),
    "api-v1:update_agency": ("patch", AGENCY_EDITORS, {"notes": "seen"}),
    "api-v1:list_people": ("get", PEOPLE_READERS, None),
    "api-v1:get_person": ("get", PEOPLE_READERS, None),
    "api-v1:create_person": (
        "post",
        PEOPLE_EDITORS,
        {"family_name": "Huaman", "nationality": "PE"},
    ),
    "api-v1:update_person": ("patch", PEOPLE_EDITORS, {"position": "Inspector"}),
    "api-v1:get_personal_data": ("get", PERSONAL_DATA, None),
    "api-v1:possible_duplicates": ("get", PEOPLE_READERS, None),
    "api-v1:merge_person": ("post", HQ, {"duplicate_id": 0}),
    "api-v1:list_courses": ("get", CATALOG_READERS, None),
    "api-v1:get_course": ("get", CATALOG_READERS, None),
    "api-v1:create_course": (
        "post",
        HQ,
        {"code": "NEW-101", "title": "New", "area": "ILEA", "length_days": 5},
    ),
    "api-v1:update_course": ("patch", HQ, {"pass_mark": 75}),
    "api-v1:list_venues": ("get", CATALOG_READERS, None),
    "api-v1:get_venue": ("get", CATALOG_READERS, None),
    "api-v1:create_venue": (
        "post",
        HQ,
        {
            "code": "V-1",
            "name": "Lima site",
            "kind": "foreign_site",
            "city": "Lima",
            "country": "PE",
        },
    ),
    "api-v1:update_venue": ("patch", HQ, {"capacity": 25}),
    "api-v1:list_funding_sources": ("get", CATALOG_READERS, None),
    "api-v1:list_vetting": ("get", VETTING_READERS, None),
    "api-v1:list_expiring": ("get", VETTING_READERS, None),
    "api-v1:get_vetting": ("get", VETTING_READERS, None),
    "api-v1:submit_vetting": ("post", VETTING_SUBMITTERS, {"person_id": 0}),
    "api-v1:decide_vetting": ("post", VETTING_DECIDERS, {"decision": "denied"}),
    "api-v1:list_training_requests": ("get", REQUEST_READERS, None),
    "api-v1:get_training_request": ("get", REQUEST_READERS, None),
    "api-v1:file_training_request": (
        "post",
        REQUEST_READERS,
        {"country": "PE", "course": "LBI-101", "justification": "New port officers."},
    ),
    "api-v1:approve_training_request": (
        "post",
        HQ,
        {"venue": "ILEA-SAL", "starts_on": "2031-03-03", "ends_on": "2031-03-07", "capacity": 10},
    ),
    "api-v1:decline_training_request": ("post", HQ, {"reason": "Not this year."}),
    "api-v1:list_deliveries": ("get", TRAINING_READERS, None),
    "api-v1:get_delivery": ("get", TRAINING_READERS, None),
    "api-v1:create_delivery": (
        "post",
        HQ,
        {
            "course": "LBI-101",
            "venue": "ILEA-SAL",
            "starts_on": "2031-03-03",
            "ends_on": "2031-03-07",
            "funding_source": "INL",
            "capacity": 10,
        },
    ),
    "api-v1:update_delivery": ("patch", HQ, {"notes": "seen"}),
    # Approving is for headquarters; an instructor may only start and finish.
    "api-v1:transition_delivery": ("post", HQ, {"to": "approved"}),
    "api-v1:assign_instructor": ("post", HQ, {"staff_id": 0, "role": "co"}),
    "api-v1:remove_instructor": ("delete", HQ, None),
    "api-v1:list_enrollments": ("get", TRAINING_READERS, None),
    "api-v1:nominate_participant": ("post", DELIVERY_RUNNERS, {"person_id": 0}),
    "api-v1:confirm_enrollment": ("post", DELIVERY_RUNNERS, None),
    "api-v1:withdraw_enrollment": ("post", DELIVERY_RUNNERS, {"reason": "Ill."}),
    "api-v1:record_scores": ("put", DELIVERY_RUNNERS, {"post_score": 80}),
    "api-v1:get_attendance": ("get", TRAINING_READERS, None),
    "api-v1:record_attendance": (
        "put",
        DELIVERY_RUNNERS,
        {"day": "2031-03-03", "mark": "present"},
    ),
    "api-v1:get_results": ("get", TRAINING_READERS, None),
    "api-v1:get_blockers": ("get", TRAINING_READERS, None),
    "api-v1:get_costs": ("get", DELIVERY_RUNNERS, None),
    "api-v1:add_cost_line": (
        "post",
        HQ,
        {"kind": "budget", "category": "travel", "amount": "100"},
    ),
    "api-v1:issue_certificates": ("post", DELIVERY_RUNNERS, None),
    "api-v1:revoke_certificate": ("post", HQ, {"reason": "Miskeyed."}),
    "api-v1:list_visit_sites": ("get", SITE_READERS, None),
    "api-v1:get_visit_site": ("get", SITE_READERS, None),
    "api-v1:list_visit_focus_areas": ("get", SITE_READERS, None),
    "api-v1:list_visit_requests": ("get", VISIT_READERS, None),
    "api-v1:get_visit_request": ("get", VISIT_READERS, None),
    "api-v1:file_visit_request": (
        "post",
        VISIT_READERS,
        {
            "country": "PE",
            "sponsor": "INL",
            "purpose": "Risk management at land ports",
            "earliest_start": (date.today() + timedelta(days=90)).isoformat(),
            "latest_end": (date.today() + timedelta(days=103)).isoformat(),
            "length_days": 5,
            "delegation_size": 3,
            "focus": [{"focus": "targeting_risk", "priority": 3}],
        },
    ),
    "api-v1:start_visit_planning": ("post", VISIT_PLANNERS, None),
    "api-v1:request_visit_sites": ("post", VISIT_PLANNERS, None),
    "api-v1:resume_visit_planning": ("post", VISIT_PLANNERS, None),
    "api-v1:confirm_visit": ("post", VISIT_PLANNERS, None),
    "api-v1:complete_visit": ("post", VISIT_PLANNERS, None),
    "api-v1:decline_visit_request": ("post", VISIT_PLANNERS, {"reason": "Not this year."}),
    "api-v1:cancel_visit": ("post", VISIT_READERS, {"reason": "Elections."}),
    "api-v1:list_visit_delegates": ("get", VISIT_READERS, None),
    "api-v1:add_visit_delegate": ("post", VISIT_READERS, {"person_id": 0, "role": "member"}),
    "api-v1:remove_visit_delegate": ("delete", VISIT_READERS, None),
    "api-v1:get_visit_itinerary": ("get", VISIT_READERS, None),
    "api-v1:plan_visit": ("post", VISIT_PLANNERS, None),
    "api-v1:pin_visit_stop": ("post", VISIT_PLANNERS, None),
    "api-v1:unpin_visit_stop": ("post", VISIT_PLANNERS, None),
    "api-v1:remove_visit_stop": (
        "post",
        VISIT_PLANNERS,
        {"whole_visit": False, "reason": "Not this trip."},
    ),
    "api-v1:start_year_plan": ("post", VISIT_PLANNERS, {"time_limit": 5}),
    "api-v1:get_year_plan": ("get", VISIT_PLANNERS, None),
    "api-v1:apply_year_plan": ("post", VISIT_PLANNERS, None),
    "api-v1:list_host_inbox": ("get", SITE_HOSTS, None),
    "api-v1:answer_visit_stop": ("post", SITE_HOSTS, {"accept": False, "reason": "Exercise."}),
    "api-v1:list_postings": ("get", POSTING_READERS, None),
    "api-v1:get_posting": ("get", POSTING_READERS, None),
    "api-v1:propose_posting": ("post", HQ, {"staff_id": 0, "post_id": 0}),  # see _api_body
    "api-v1:update_posting": ("patch", HQ, {"notes": "Spanish required."}),
    "api-v1:move_posting": ("post", PRESENCE_RECORDERS, {"move": "arrived"}),
    "api-v1:change_posting_end": (
        "post",
        HQ,
        {"ends_on": "2032-01-01", "reason": "Extended for the handover."},
    ),
    "api-v1:list_covering": ("get", POSTING_READERS, None),  # ?country=PE: see _api_url
    "api-v1:list_postings_ending": ("get", POSTING_READERS, None),
    "api-v1:list_posts": ("get", POSTING_READERS, None),
    "api-v1:create_post": (
        "post",
        HQ,
        {"name": "U.S. Embassy Quito", "city": "Quito", "country": "EC"},
    ),
    "api-v1:list_programs": ("get", POSTING_READERS, None),
    "api-v1:get_program": ("get", POSTING_READERS, None),
    "api-v1:create_program": (
        "post",
        HQ,
        {
            "name": "Ports program",
            "country": "PE",
            "starts_on": "2031-01-01",
            "ends_on": "2031-12-31",
        },
    ),
    "api-v1:list_deployments": ("get", POSTING_READERS, None),
    "api-v1:create_deployment": ("post", HQ, {"staff_id": 0}),  # see _api_body
    "api-v1:cancel_deployment": ("post", HQ, {"reason": "Postponed."}),
    "api-v1:list_safe_programs": ("get", SAFE_READERS, None),
    "api-v1:get_safe_program": ("get", SAFE_READERS, None),
    "api-v1:list_safe_assessments": ("get", SAFE_READERS, None),
    "api-v1:get_safe_assessment": ("get", SAFE_READERS, None),
    "api-v1:record_safe_scores": (
        "put",
        SAFE_ASSESSORS,
        [{"standard": "1.4", "level": 2, "evidence": "Seen."}],
    ),
    # The draft is scored in full: its assessor (or headquarters) may submit it.
    "api-v1:move_safe_assessment": ("post", SAFE_ASSESSORS, {"move": "submitted"}),
    "api-v1:get_safe_plan": ("get", SAFE_READERS, None),
    "api-v1:generate_safe_plan": ("post", HQ, None),
    "api-v1:move_safe_plan_item": (
        "post",
        HQ,
        {
            "fiscal_year": fiscal_quarter_of(date.today() + timedelta(days=800)).year,
            "quarter": fiscal_quarter_of(date.today() + timedelta(days=800)).quarter,
        },
    ),
    "api-v1:list_agreements": ("get", AGREEMENT_READERS, None),
    "api-v1:get_agreement": ("get", AGREEMENT_READERS, None),
    "api-v1:create_agreement": ("post", HQ, {"country": "CL", "counterpart_id": 0}),
    "api-v1:update_agreement": ("patch", HQ, {"notes": "seen"}),
    "api-v1:transition_agreement": (
        "post",
        HQ,
        {"move": "suspended", "on": date.today().isoformat(), "reason": "Review"},
    ),
    "api-v1:list_agreement_documents": ("get", AGREEMENT_READERS, None),
    "api-v1:get_agreement_health": ("get", REQUEST_WORKERS, None),
    "api-v1:list_assistance_requests": ("get", REQUEST_WORKERS, None),
    "api-v1:list_overdue_requests": ("get", REQUEST_WORKERS, None),
    "api-v1:get_assistance_request": ("get", REQUEST_WORKERS, None),
    "api-v1:file_assistance_request": (
        "post",
        REQUEST_WORKERS,
        {"agreement_id": 0, "direction": "outgoing", "subject": "Gold", "kind": "documents"},
    ),
    "api-v1:update_assistance_request": ("patch", REQUEST_WORKERS, {"subject": "Gold exports"}),
    "api-v1:transition_assistance_request": ("post", REQUEST_WORKERS, {"move": "started"}),
    "api-v1:assign_assistance_request": ("post", REQUEST_WORKERS, {"owner_id": 0}),
    "api-v1:add_request_person": ("post", REQUEST_WORKERS, {"person_id": 0, "role": "subject"}),
    "api-v1:remove_request_person": ("delete", REQUEST_WORKERS, None),
    "api-v1:add_request_company": (
        "post",
        REQUEST_WORKERS,
        {"name": "Oro SAC", "role": "exporter"},
    ),
    "api-v1:remove_request_company": ("delete", REQUEST_WORKERS, None),
    "api-v1:list_request_documents": ("get", REQUEST_WORKERS, None),
    # Sent as multipart/form-data (MULTIPART below), as a client uploads a file.
    "api-v1:attach_request_document": ("post", REQUEST_WORKERS, None),
    "api-v1:download_document": ("get", REQUEST_WORKERS, None),
    "api-v1:list_surveys": ("get", SURVEY_CREATORS | {Role.SPONSOR}, None),
    "api-v1:get_survey": ("get", SURVEY_READERS, None),
    "api-v1:get_survey_results": ("get", SURVEY_READERS, None),
}
# Endpoints that take a file: sent a small PDF as multipart/form-data.
MULTIPART = {"api-v1:attach_request_document"}
# Reachable without signing in, on purpose.
PUBLIC = {
    "healthz",
    "api-v1:openapi-json",
    "api-v1:openapi-view",
    "api-v1:api-root",
    "public:certificate_lookup",
    "public:certificate_verify",
    "public:calendar_feed",
    "visits_public:host_feed",
    # An invitation's signed link (refusals tested in surveys' test_invitations).
    "surveys_public:answer",
    "surveys_public:opt_out",
}
# Third-party sign-in and MFA pages, protected by django-allauth itself.
THIRD_PARTY_PREFIXES = ("account_", "mfa_")
# Scoped to the owner (404 for anyone else): token revocation (tested in accounts) and an
# uploaded file's preview (tested in training's roster import and vetting's results import).
OWNER_SCOPED = {
    "accounts:token_revoke",
    "training:roster_import_preview",
    "vetting:results_preview",
}


def _url_names() -> set[str]:
    def walk(patterns: list[Any], namespace: str | None) -> Any:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield f"{namespace}:{pattern.name}" if namespace else pattern.name

    return {
        n for n in walk(get_resolver().url_patterns, None) if not n.startswith(THIRD_PARTY_PREFIXES)
    }


def test_every_url_name_is_in_the_access_table():
    assert _url_names() == set(PAGES) | set(API) | PUBLIC | OWNER_SCOPED


@pytest.fixture(scope="module")
def matrix(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Any]:
    """One user per role and the records every URL names, built once for the whole matrix
    (not once per URL) and rolled back at its end. Each role's request runs in a savepoint
    of its own (``_undone``), so what one role's action changes, the next role never sees."""
    with django_db_blocker.unblock(), transaction.atomic():
        reference_partners_load()
        users = {role: create_user(role, username=f"matrix-{role.value}") for role in Role}
        yield users, _records(users)
        transaction.set_rollback(True)


@contextmanager
def _undone() -> Iterator[None]:
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def _errors(response: HttpResponse) -> list[str]:
    """The error messages (django.contrib.messages) the request left for the next page."""
    request = response.wsgi_request  # type: ignore[attr-defined]
    return [m.message for m in messages.get_messages(request) if m.level == messages.ERROR]


def _records(users: dict[Role, User]) -> dict[str, Any]:
    agency = create_agency("PE")
    person = create_person("Ana", "Quispe", birth_date=date(1980, 5, 1), agency=agency)
    other = create_person("Anna", "Quispe", birth_date=date(1980, 5, 1))
    staff = Staff.objects.create(kind="instructor", given_name="Norm", family_name="Roy")
    reference_catalog_load()
    # The sponsor reads the reports of the funding source their account names.
    User.objects.filter(pk=users[Role.SPONSOR].pk).update(
        funding_source=FundingSource.objects.get(code="INL")
    )
    course = Course.objects.get(code="LBI-101")
    course.qualified_instructors.add(staff)  # so that assigning him is allowed, not refused
    return {
        "agency": agency,
        "person": person,
        "other": other,
        "staff": staff,
        "user": users[Role.SPONSOR],
        "course": course,
        "venue": Venue.objects.get(code="ILEA-SAL"),
        "funding": FundingSource.objects.get(code="INL"),
        "vetting": vetting_submit(actor=users[Role.PROGRAM_MANAGER], person=person),
        **_training_records(users, person),
        **_visit_records(users, person),
        **_posting_records(users),
        **_capacity_records(users, agency),
        **_agreement_records(users, agency, person, staff),
        "annual_report": AnnualReport.objects.create(
            fiscal_year=2015,
            filters={"fiscal_year": 2015},
            status=AnnualReportStatus.DONE,
            pdf=letter_pdf(["Annual report"]),
        ),
        **_survey_records(users),
    }


def _capacity_records(users: dict[Role, Any], agency: Any) -> dict[str, Any]:
    """Peru's SAFE program: an approved initial assessment with a gap, the plan generated from
    it, a monitoring draft fully scored by the training advisor (its assessor) with an evidence
    file, a delivery of a planned course to link, a mentoring engagement."""
    manager = users[Role.PROGRAM_MANAGER]
    reference_safe_framework_load()
    for code, cost in {"SCS-101": 20000, "TRM-201": 30000, "NII-101": 25000, "CCT-101": 9}.items():
        Course.objects.filter(code=code).update(estimated_cost=cost)
    assessor = Staff.objects.get(user=users[Role.TRAINING_ADVISOR])  # the instructor
    edition = SafeEdition.objects.get(code="2015")
    program = capacity_services.program_create(
        actor=manager,
        country=agency.country,
        agency=agency,
        sponsor=FundingSource.objects.get(code="INL"),
        edition=edition,
        starts_on=date.today() - timedelta(days=200),
        planned_end=date.today() + timedelta(days=1000),
        manager=manager,
        budget=500000,
    )
    standard = SafeStandard.objects.get(edition=edition, pillar__number=1, number=4)
    capacity_services.program_set_targets(
        actor=manager, program=program, targets={standard: (4, 1)}
    )

    def scored(kind: str, starts_on: date) -> Any:
        assessment = capacity_services.assessment_create(
            actor=manager,
            program=program,
            kind=kind,
            starts_on=starts_on,
            ends_on=starts_on + timedelta(days=3),
            assessors=[assessor],
        )
        capacity_services.assessment_record_scores(
            actor=manager,
            assessment=assessment,
            scores={
                s.standard_id: capacity_services.ScoreInput(1, "Seen.")
                for s in assessment.scores.all()
            },
        )
        return assessment

    initial = scored("initial", date.today() - timedelta(days=150))
    capacity_services.assessment_submit(actor=users[Role.TRAINING_ADVISOR], assessment=initial)
    capacity_services.assessment_review(actor=manager, assessment=initial)
    capacity_services.assessment_approve(actor=manager, assessment=initial)
    draft = scored("monitoring", date.today() - timedelta(days=20))
    attachment = capacity_services.attachment_add(
        actor=manager, assessment=draft, filename="evidence.pdf", data=b"%PDF-1.4 evidence"
    )
    capacity_services.plan_generate(actor=manager, program=program, deterministic=True)
    items = {i.course.code: i for i in program.plan.items.select_related("course")}
    link_item = items["SCS-101"]
    scs = Course.objects.get(code="SCS-101")
    starts_on = date.today() + timedelta(days=120)
    to_link = training_services.delivery_create(
        actor=manager,
        course=scs,
        venue=Venue.objects.get(code="ILEA-SAL"),
        starts_on=starts_on,
        ends_on=starts_on + timedelta(days=scs.length_days - 1),
        funding_source=FundingSource.objects.get(code="INL"),
        capacity=20,
    )
    linked_item = items["TRM-201"]
    linked = training_services.delivery_create(
        actor=manager,
        course=linked_item.course,
        venue=Venue.objects.get(code="ILEA-SAL"),
        starts_on=starts_on + timedelta(days=200),
        ends_on=starts_on + timedelta(days=204),
        funding_source=FundingSource.objects.get(code="INL"),
        capacity=20,
    )
    capacity_services.plan_item_link_delivery(actor=manager, item=linked_item, delivery=linked)
    removable = capacity_services.plan_item_add(
        actor=manager,
        plan=program.plan,
        course=Course.objects.get(code="NII-101"),
        quarter=fiscal_quarter_of(date.today() + timedelta(days=500)),
    )
    mentoring = capacity_services.mentoring_create(
        actor=manager,
        program=program,
        advisor=assessor,
        starts_on=date.today(),
        topics="Risk committee",
    )
    return {
        "safe_program": program,
        "safe_draft": draft,
        "safe_attachment": attachment,
        "safe_link_item": link_item,
        "safe_to_link": to_link,
        "safe_linked_item": linked_item,
        "safe_mentoring": mentoring,
        "safe_removable": removable,
    }


def _posting_records(users: dict[Role, Any]) -> dict[str, Any]:
    """A post in Lima (Peru, the attaché's region) with an approved tour begun ten days ago
    (its arrival still to record) and a proposed one; a program in Peru with a deployment."""
    manager = users[Role.PROGRAM_MANAGER]
    peru = Country.objects.get(code="PE")
    post = postings_services.post_create(
        actor=manager, name="U.S. Embassy Lima", kind="embassy", city="Lima", country=peru
    )

    def tour(staff: Staff, starts_on: date) -> Any:
        return postings_services.posting_propose(
            actor=manager,
            staff=staff,
            role="attache",
            post=post,
            starts_on=starts_on,
            ends_on=starts_on + timedelta(days=1095),
            primary=[peru],
        )

    posting = tour(
        Staff.objects.create(kind="attache", given_name="Ana", family_name="Posted"),
        date.today() - timedelta(days=10),
    )
    postings_services.posting_approve(actor=manager, posting=posting, reference="26 STATE 1")
    proposed = tour(
        Staff.objects.create(kind="attache", given_name="Ben", family_name="Proposed"),
        date.today() + timedelta(days=400),
    )
    program = postings_services.program_create(
        actor=manager,
        name="Migration advisory program",
        country=peru,
        starts_on=date.today(),
        ends_on=date.today() + timedelta(days=365),
    )
    advisor = Staff.objects.create(kind="advisor", given_name="Cy", family_name="Deployed")
    deployment = postings_services.deployment_create(
        actor=manager,
        staff=advisor,
        program=program,
        starts_on=date.today() + timedelta(days=20),
        ends_on=date.today() + timedelta(days=30),
        description="Assessment mission",
    )
    return {
        "post": post,
        "posting": posting,
        "proposed_posting": proposed,
        "program": program,
        "deployment": deployment,
        "advisor": advisor,
        "posted_staff": Staff.objects.create(kind="attache", given_name="Di", family_name="New"),
    }


def _api_body(name: str, records: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    """Bodies that name the matrix's own records, whose ids are known once they exist."""
    if name == "api-v1:propose_posting":
        return {
            "staff_id": records["posted_staff"].pk,
            "role": "attache",
            "post_id": records["post"].pk,
            "starts_on": "2031-01-01",
            "ends_on": "2033-12-31",
            "primary": ["PE"],
        }
    if name == "api-v1:create_deployment":
        return {
            "staff_id": records["advisor"].pk,
            "starts_on": "2031-01-01",
            "ends_on": "2031-01-05",
            "description": "TDY to Nogales",
        }
    return body


def _training_records(users: dict[Role, Any], person: Any) -> dict[str, Any]:
    """A delivery at ILEA San Salvador (WHA) taught by the advisor, with one nominee."""
    manager = users[Role.PROGRAM_MANAGER]
    course = Course.objects.get(code="LBI-101")
    teacher = Staff.objects.create(
        kind="instructor", given_name="Ada", family_name="Vise", user=users[Role.TRAINING_ADVISOR]
    )
    course.qualified_instructors.add(teacher)
    starts_on = date.today() + timedelta(days=30)
    delivery = training_services.delivery_create(
        actor=manager,
        course=course,
        venue=Venue.objects.get(code="ILEA-SAL"),
        starts_on=starts_on,
        ends_on=starts_on + timedelta(days=course.length_days - 1),
        funding_source=FundingSource.objects.get(code="INL"),
        capacity=20,
    )
    assignment = training_services.instructor_assign(
        actor=manager, delivery=delivery, staff=teacher, role="lead"
    )
    enrollment = training_services.enrollment_nominate(
        actor=manager, delivery=delivery, person=person
    )
    request = training_services.training_request_file(
        actor=manager,
        country=Country.objects.get(code="PE"),
        course=course,
        justification="Callao port officers asked for it.",
    )
    # Set up directly: issuing one needs a whole delivered course.
    certificate = Certificate.objects.create(enrollment=enrollment, code="TESTCODE23")
    follow_up = FollowUp.objects.create(kind="mentoring", title="Mentoring", starts_on=starts_on)
    follow_up.source_deliveries.add(delivery)
    # Someone the vetting gate lets through: confirmable here, confirmed on a delivery about
    # to start (its attendance and start) and on one delivered (its certificates).
    officer = users[Role.VETTING_OFFICER]
    vetted = create_person("Luz", "Mamani", birth_date=date(1985, 2, 3))
    vetting_approve(
        actor=officer,
        record=vetting_submit(actor=officer, person=vetted),
        valid_until=starts_on + timedelta(days=365),
    )
    confirmable = training_services.enrollment_nominate(
        actor=manager, delivery=delivery, person=vetted
    )
    confirmed, confirmed_enrollment = _confirmed_delivery(manager, teacher, vetted, starts_on, 60)
    delivered, _ = _confirmed_delivery(manager, teacher, vetted, starts_on, 90)
    training_services.delivery_start(actor=manager, delivery=delivered)
    training_services.delivery_finish(actor=manager, delivery=delivered)
    return {
        "delivery": delivery,
        "assignment": assignment,
        "enrollment": enrollment,
        "confirmable": confirmable,
        "confirmed": confirmed,
        "confirmed_enrollment": confirmed_enrollment,
        "delivered": delivered,
        "request": request,
        "certificate": certificate,
        "follow_up": follow_up,
        "teacher": teacher,
        "feed": training_services.calendar_feed_create(
            actor=users[Role.TRAINING_ADVISOR], staff=teacher
        ),
    }


def _confirmed_delivery(
    manager: User, teacher: Staff, person: Any, after: date, days: int
) -> tuple[Any, Any]:
    """A confirmed delivery of LBI-101 ``days`` after ``after``, taught by ``teacher``, with
    ``person`` confirmed on its roster."""
    course = Course.objects.get(code="LBI-101")
    starts_on = after + timedelta(days=days)
    delivery = training_services.delivery_create(
        actor=manager,
        course=course,
        venue=Venue.objects.get(code="ILEA-SAL"),
        starts_on=starts_on,
        ends_on=starts_on + timedelta(days=course.length_days - 1),
        funding_source=FundingSource.objects.get(code="INL"),
        capacity=20,
    )
    training_services.instructor_assign(
        actor=manager, delivery=delivery, staff=teacher, role="lead"
    )
    enrollment = training_services.enrollment_nominate(
        actor=manager, delivery=delivery, person=person
    )
    training_services.enrollment_confirm(actor=manager, enrollment=enrollment)
    training_services.delivery_approve(actor=manager, delivery=delivery)
    training_services.delivery_confirm(actor=manager, delivery=delivery)
    return delivery, enrollment


def _visit_records(users: dict[Role, Any], person: Any) -> dict[str, Any]:
    """A requested visit from Peru with a delegate and a stop asked of the site host's site,
    and a confirmed one whose delegation and stops may no longer be removed."""
    coordinator = users[Role.IVP_COORDINATOR]
    focus = FocusArea.objects.create(code="targeting_risk", name="Targeting and risk")
    site = Site.objects.create(
        code="POE-LRD", name="Laredo", kind="port_of_entry", city="Laredo", state="TX",
        latitude=27.5, longitude=-99.5,
    )  # fmt: skip
    site.hosts.add(
        Staff.objects.create(
            kind="host", given_name="Hal", family_name="Ost", user=users[Role.SITE_HOST]
        )
    )
    # A second host, who may step down: the first still answers the stop asked of the site.
    second_host = Staff.objects.create(kind="host", given_name="Hana", family_name="Ost")
    site.hosts.add(second_host)
    blackout = SiteBlackout.objects.create(
        site=site, starts_on=date(2031, 1, 1), ends_on=date(2031, 1, 2), reason="Exercise"
    )
    start = date.today() + timedelta(days=60)

    def file() -> Any:
        return visit_services.visit_request_file(
            actor=coordinator,
            focus={focus: 3},
            country=Country.objects.get(code="PE"),
            sponsor=FundingSource.objects.get(code="INL"),
            purpose="Risk management at land ports",
            earliest_start=start,
            latest_end=start + timedelta(days=13),
            length_days=5,
            delegation_size=3,
        )

    visit, settled = file(), file()
    delegate = visit_services.delegate_add(actor=coordinator, visit=visit, person=person)
    stop = Stop.objects.create(visit=visit, site=site, day=start, answer=HostAnswer.ASKED)
    settled_delegate = visit_services.delegate_add(actor=coordinator, visit=settled, person=person)
    settled_stop = Stop.objects.create(visit=settled, site=site, day=start)
    # Set directly: confirming needs hosts' answers and vetted delegates.
    settled.status = VisitStatus.CONFIRMED
    settled.save(update_fields=["status"])
    return {
        "visit": visit,
        "delegate": delegate,
        "stop": stop,
        "settled_delegate": settled_delegate,
        "settled_stop": settled_stop,
        "site": site,
        "second_host": second_host,
        "blackout": blackout,
        "year_plan": YearPlan.objects.create(status=YearPlanStatus.DONE),
    }


def _survey_records(users: dict[Role, Any]) -> dict[str, Any]:
    """A published survey of a delivery, and a draft one with a question to remove (or to
    publish)."""
    from liaison.surveys import services as survey_services
    from liaison.training.models import Delivery

    manager = users[Role.PROGRAM_MANAGER]
    delivery = Delivery.objects.order_by("pk").first()
    made: dict[str, Any] = {}
    for key in ("survey", "draft_survey"):
        survey = survey_services.survey_create(
            actor=manager,
            title=key,
            purpose="end_of_course",
            delivery=delivery,
            closes_on=date.today() + timedelta(days=60),
        )
        question = survey_services.question_add(
            actor=manager, survey=survey, kind="likert", text="Useful?"
        )
        made[key] = survey
        made[f"{key}_question"] = question
    survey_services.survey_publish(actor=manager, survey=made["survey"])
    return made


def _survey_kwargs(name: str, records: dict[str, Any]) -> dict[str, Any]:
    if name in {"surveys:survey_list", "surveys:survey_create"}:
        return {}
    if name == "surveys:question_remove":
        return {"pk": records["draft_survey_question"].pk}
    if name in {"surveys:question_add", "surveys:survey_publish"}:
        return {"pk": records["draft_survey"].pk}
    return {"pk": records["survey"].pk}


def _agreement_records(
    users: dict[Role, Any], agency: Any, person: Any, staff: Staff
) -> dict[str, Any]:
    """Peru's CMAA (the attaché's region) in force, with a designated contact on their side,
    and an incoming request with its letter, a person and a company named."""
    manager = users[Role.PROGRAM_MANAGER]
    agreement = agreement_services.agreement_create(
        actor=manager, country=Country.objects.get(code="PE"), counterpart=agency
    )
    agreement_services.agreement_sign(actor=manager, agreement=agreement, on=date(2010, 5, 4))
    agreement_services.agreement_enter_into_force(
        actor=manager, agreement=agreement, on=date(2010, 9, 1)
    )
    agreement_services.agreement_contact_add(actor=manager, agreement=agreement, person=person)
    request = agreement_services.assistance_request_file(
        actor=manager,
        agreement=agreement,
        direction=Direction.INCOMING,
        subject="Copper exports",
        kind="information",
        received_on=date.today() - timedelta(days=5),
    )
    letter = agreement_services.document_attach(
        actor=manager,
        request=request,
        kind="request_letter",
        filename="letter.pdf",
        data=letter_pdf(["Request letter"]),
    )
    return {
        "agreement": agreement,
        "assistance_request": request,
        "letter": letter,
        "request_person": agreement_services.assistance_request_person_add(
            actor=manager, request=request, person=person
        ),
        "request_company": agreement_services.assistance_request_company_add(
            actor=manager, request=request, name="Andes SAC"
        ),
        "manager": manager,
    }


def _agreement_page_kwargs(name: str, records: dict[str, Any]) -> dict[str, Any]:
    if name == "agreements:document_download":
        return {"pk": records["letter"].pk}
    if name == "agreements:request_person_remove":
        return {"pk": records["request_person"].pk}
    if name == "agreements:request_company_remove":
        return {"pk": records["request_company"].pk}
    if name in {
        "agreements:request_detail",
        "agreements:request_update",
        "agreements:request_transition",
        "agreements:request_assign",
        "agreements:request_person_add",
        "agreements:request_company_add",
        "agreements:request_document_add",
    }:
        return {"pk": records["assistance_request"].pk}
    if name.startswith("agreements:agreement_") and name not in {
        "agreements:agreement_list",
        "agreements:agreement_create",
    }:
        return {"pk": records["agreement"].pk}
    return {}


def _pdf_upload() -> SimpleUploadedFile:
    return SimpleUploadedFile("answer.pdf", letter_pdf(["An answer"]), "application/pdf")


def _visit_page_kwargs(name: str, records: dict[str, Any]) -> dict[str, Any]:
    if name == "visits:delegate_remove":
        return {"pk": records["settled_delegate"].pk}
    if name == "visits:stop_remove":
        return {"pk": records["settled_stop"].pk}
    if name in {"visits:stop_pin", "visits:host_answer"}:
        return {"pk": records["stop"].pk}
    if name in {"visits:year_plan_detail", "visits:year_plan_apply"}:
        return {"pk": records["year_plan"].pk}
    if name == "visits:site_blackout_remove":
        return {"pk": records["site"].pk, "blackout_pk": records["blackout"].pk}
    if name.startswith("visits:site_") and name != "visits:site_list":
        return {"pk": records["site"].pk}
    if name.startswith(
        ("visits:visit_", "visits:itinerary", "visits:delegate_add")
    ) and name not in {
        "visits:visit_list",
        "visits:visit_create",
    }:
        return {"pk": records["visit"].pk}
    return {}


def _posting_page_kwargs(name: str, records: dict[str, Any]) -> dict[str, Any]:
    if name == "postings:posting_update":
        return {"pk": records["proposed_posting"].pk}
    if name in {
        "postings:posting_detail",
        "postings:handover",
        "postings:posting_move",
        "postings:posting_change_end",
    }:
        return {"pk": records["posting"].pk}
    if name == "postings:post_update":
        return {"pk": records["post"].pk}
    if name in {"postings:program_detail", "postings:program_update"}:
        return {"pk": records["program"].pk}
    if name == "postings:deployment_cancel":
        return {"pk": records["deployment"].pk}
    return {}


def _page_url(name: str, records: dict[str, Any]) -> str:
    if name.startswith("surveys:"):
        return reverse(name, kwargs=_survey_kwargs(name, records))
    if name.startswith("visits:"):
        return reverse(name, kwargs=_visit_page_kwargs(name, records))
    if name.startswith("postings:"):
        return reverse(name, kwargs=_posting_page_kwargs(name, records))
    if name.startswith("agreements:"):
        return reverse(name, kwargs=_agreement_page_kwargs(name, records))
    kwargs: dict[str, Any] = {}
    if name.startswith("capacity:"):
        return reverse(name, kwargs=_capacity_kwargs(name, records))
    if name in {"people:person_detail", "people:person_update", "people:person_personal_data"}:
        kwargs = {"pk": records["person"].pk}
    elif name == "people:person_merge":
        kwargs = {"pk": records["person"].pk, "other": records["other"].pk}
    elif name.startswith("people:staff_") and name not in {
        "people:staff_list",
        "people:staff_create",
    }:
        kwargs = {"pk": records["staff"].pk}
    elif name in {"partners:agency_detail", "partners:agency_update"}:
        kwargs = {"pk": records["agency"].pk}
    elif name in {
        "partners:country_detail",
        "reports:country_report",
        "reports:country_report_pdf",
    }:
        kwargs = {"code": "PE"}
    elif name in {"reports:annual_detail", "reports:annual_pdf"}:
        kwargs = {"pk": records["annual_report"].pk}
    elif name == "accounts:user_update":
        kwargs = {"pk": records["user"].pk}
    elif name in {"catalog:course_detail", "catalog:course_update"}:
        kwargs = {"pk": records["course"].pk}
    elif name in {"catalog:venue_detail", "catalog:venue_update"}:
        kwargs = {"pk": records["venue"].pk}
    elif name == "catalog:funding_source_update":
        kwargs = {"pk": records["funding"].pk}
    elif name == "vetting:record_detail":
        kwargs = {"pk": records["vetting"].pk}
    elif name == "vetting:person_submit":
        kwargs = {"person_pk": records["other"].pk}
    elif name == "training:roster_template":
        kwargs = {"fmt": "csv"}
    elif name in {"training:certificate_pdf", "training:certificate_revoke"}:
        kwargs = {"pk": records["certificate"].pk}
    elif name == "training:calendar_feed_reset":
        kwargs = {"pk": records["feed"].pk}
    elif name in {"training:delivery_transition", "training:attendance_mark_rest"}:
        kwargs = {"pk": records["confirmed"].pk}  # started, or marked for its first day
    elif name == "training:certificates_issue":
        kwargs = {"pk": records["delivered"].pk}
    elif name == "training:enrollment_confirm":
        kwargs = {"pk": records["confirmable"].pk}
    elif name == "training:attendance_mark":
        kwargs = {"pk": records["confirmed_enrollment"].pk}
    elif name.startswith("training:request_") and name not in {
        "training:request_list",
        "training:request_create",
    }:
        kwargs = {"pk": records["request"].pk}
    elif name == "training:follow_up_detail":
        kwargs = {"pk": records["follow_up"].pk}
    elif name == "training:instructor_remove":
        kwargs = {"pk": records["delivery"].pk, "assignment_pk": records["assignment"].pk}
    elif name == "training:cost_remove":
        kwargs = {"pk": records["delivery"].pk, "line_pk": 0}
    elif (
        name.startswith("training:delivery_")
        and name
        not in {
            "training:delivery_list",
            "training:delivery_create",
        }
    ) or name in {
        "training:instructor_assign",
        "training:enrollment_nominate",
        "training:roster_confirm_all",
        "training:roster_submit_for_vetting",
        "training:roster_import",
    }:
        kwargs = {"pk": records["delivery"].pk}
    elif name.startswith("training:enrollment_"):
        kwargs = {"pk": records["enrollment"].pk}
    return reverse(name, kwargs=kwargs)


def _quarter_value(days: int) -> str:
    quarter = fiscal_quarter_of(date.today() + timedelta(days=days))
    return f"{quarter.year}-{quarter.quarter}"


def _capacity_kwargs(name: str, records: dict[str, Any]) -> dict[str, Any]:
    if name in {"capacity:program_list", "capacity:program_create"}:
        return {}
    if name == "capacity:mentoring_create":
        return {"program_pk": records["safe_program"].pk}
    if name == "capacity:mentoring_update":
        return {"pk": records["safe_mentoring"].pk}
    if name == "capacity:attachment_download":
        return {"pk": records["safe_attachment"].pk}
    if name == "capacity:attachment_upload" or (
        name.startswith("capacity:assessment_") and name != "capacity:assessment_create"
    ):
        return {"pk": records["safe_draft"].pk}
    if name == "capacity:plan_item_link":
        return {"pk": records["safe_link_item"].pk}
    if name in {"capacity:plan_item_move", "capacity:plan_item_remove"}:
        return {"pk": records["safe_removable"].pk}
    if name == "capacity:plan_item_unlink":
        return {"pk": records["safe_linked_item"].pk}
    return {"pk": records["safe_program"].pk}


def _page_data(name: str, records: dict[str, Any]) -> dict[str, Any]:
    """What an action sends, so that a role allowed to take it succeeds: a refusal in the
    action's own words (an error message) is no access either."""
    first_day = records["confirmed"].starts_on.isoformat()
    return {
        "training:delivery_transition": {"to": "in_progress"},
        "training:instructor_assign": {"staff": records["staff"].pk, "role": "co"},
        "training:enrollment_nominate": {"person": records["other"].pk},
        "training:enrollment_withdraw": {"reason": "Ill."},
        "training:attendance_mark": {"day": first_day, "mark": "present"},
        "training:attendance_mark_rest": {"day": first_day, "mark": "present"},
        # The advisor's own calendar, which headquarters may make too.
        "training:calendar_feed_create": {"staff": records["teacher"].pk},
        "visits:site_host_remove": {"staff": records["second_host"].pk},
        "postings:posting_move": {"move": "arrived"},
        "postings:posting_change_end": {
            "ends_on": (records["posting"].ends_on + timedelta(days=30)).isoformat(),
            "reason": "Extended for the handover.",
        },
        "postings:deployment_cancel": {"reason": "Postponed."},
        "capacity:assessment_move": {"move": "submitted"},
        "capacity:plan_item_add": {
            "course": Course.objects.get(code="CCT-101").pk,
            "quarter": _quarter_value(900),
        },
        "capacity:plan_item_move": {"quarter": _quarter_value(800)},
        "capacity:attachment_upload": {
            "file": SimpleUploadedFile("minutes.txt", b"Minutes of the opening meeting.")
        },
        "capacity:plan_item_link": {"delivery": records["safe_to_link"].pk},
        "agreements:agreement_transition": {
            "move": "suspended",
            "suspended-on": date.today().isoformat(),
            "suspended-reason": "Review of the partner's law",
        },
        "agreements:agreement_contact_add": {"staff": records["staff"].pk},
        "agreements:agreement_contact_remove": {"person": records["person"].pk},
        "agreements:agreement_document_add": {
            "document-kind": "agreement_text",
            "document-file": _pdf_upload(),
        },
        "agreements:request_transition": {"move": "started"},
        "agreements:request_assign": {"owner": records["manager"].pk},
        "agreements:request_person_add": {"person": records["other"].pk, "role": "witness"},
        "agreements:request_company_add": {"company-name": "Oro SAC", "company-role": "exporter"},
        "agreements:request_document_add": {
            "document-kind": "response",
            "document-file": _pdf_upload(),
        },
    }.get(name, {})


def _api_url(name: str, records: dict[str, Any]) -> str:
    kwargs: dict[str, Any] = {}
    visit_id = records["visit"].pk
    if name in {
        "api-v1:get_safe_assessment",
        "api-v1:record_safe_scores",
        "api-v1:move_safe_assessment",
    }:
        return reverse(name, kwargs={"assessment_id": records["safe_draft"].pk})
    if name == "api-v1:move_safe_plan_item":
        return reverse(name, kwargs={"item_id": records["safe_removable"].pk})
    if name in {
        "api-v1:get_safe_program",
        "api-v1:list_safe_assessments",
        "api-v1:get_safe_plan",
        "api-v1:generate_safe_plan",
    }:
        return reverse(name, kwargs={"program_id": records["safe_program"].pk})
    request_id = records["assistance_request"].pk
    if name in {
        "api-v1:get_agreement",
        "api-v1:update_agreement",
        "api-v1:transition_agreement",
        "api-v1:list_agreement_documents",
    }:
        kwargs = {"agreement_id": records["agreement"].pk}
    elif name in {
        "api-v1:get_assistance_request",
        "api-v1:update_assistance_request",
        "api-v1:transition_assistance_request",
        "api-v1:assign_assistance_request",
        "api-v1:add_request_person",
        "api-v1:add_request_company",
        "api-v1:list_request_documents",
        "api-v1:attach_request_document",
    }:
        kwargs = {"request_id": request_id}
    elif name == "api-v1:remove_request_person":
        kwargs = {"request_id": request_id, "link_id": records["request_person"].pk}
    elif name == "api-v1:remove_request_company":
        kwargs = {"request_id": request_id, "company_id": records["request_company"].pk}
    elif name == "api-v1:download_document":
        kwargs = {"document_id": records["letter"].pk}
    elif name in {"api-v1:get_survey", "api-v1:get_survey_results"}:
        kwargs = {"survey_id": records["survey"].pk}
    elif name == "api-v1:get_visit_site":
        kwargs = {"site_id": records["site"].pk}
    elif name == "api-v1:answer_visit_stop":
        kwargs = {"stop_id": records["stop"].pk}
    elif name == "api-v1:remove_visit_delegate":
        kwargs = {"visit_id": visit_id, "delegate_id": records["delegate"].pk}
    elif name in {"api-v1:pin_visit_stop", "api-v1:unpin_visit_stop", "api-v1:remove_visit_stop"}:
        kwargs = {"visit_id": visit_id, "stop_id": records["stop"].pk}
    elif name in {"api-v1:get_year_plan", "api-v1:apply_year_plan"}:
        kwargs = {"plan_id": records["year_plan"].pk}
    elif name in {
        "api-v1:get_visit_request",
        "api-v1:start_visit_planning",
        "api-v1:request_visit_sites",
        "api-v1:resume_visit_planning",
        "api-v1:confirm_visit",
        "api-v1:complete_visit",
        "api-v1:decline_visit_request",
        "api-v1:cancel_visit",
        "api-v1:list_visit_delegates",
        "api-v1:add_visit_delegate",
        "api-v1:get_visit_itinerary",
        "api-v1:plan_visit",
    }:
        kwargs = {"visit_id": visit_id}
    elif name in {
        "api-v1:get_person",
        "api-v1:update_person",
        "api-v1:get_personal_data",
        "api-v1:possible_duplicates",
        "api-v1:merge_person",
    }:
        kwargs = {"person_id": records["person"].pk}
    elif name in {"api-v1:get_agency", "api-v1:update_agency"}:
        kwargs = {"agency_id": records["agency"].pk}
    elif name == "api-v1:get_country":
        kwargs = {"code": "PE"}
    elif name in {"api-v1:get_course", "api-v1:update_course"}:
        kwargs = {"course_id": records["course"].pk}
    elif name in {"api-v1:get_venue", "api-v1:update_venue"}:
        kwargs = {"venue_id": records["venue"].pk}
    elif name in {"api-v1:get_vetting", "api-v1:decide_vetting"}:
        kwargs = {"record_id": records["vetting"].pk}
    elif name in {
        "api-v1:get_training_request",
        "api-v1:approve_training_request",
        "api-v1:decline_training_request",
    }:
        kwargs = {"request_id": records["request"].pk}
    elif name == "api-v1:remove_instructor":
        kwargs = {"delivery_id": records["delivery"].pk, "assignment_id": records["assignment"].pk}
    elif name in {
        "api-v1:get_delivery",
        "api-v1:update_delivery",
        "api-v1:transition_delivery",
        "api-v1:assign_instructor",
        "api-v1:list_enrollments",
        "api-v1:nominate_participant",
        "api-v1:get_attendance",
        "api-v1:get_results",
        "api-v1:get_blockers",
        "api-v1:get_costs",
        "api-v1:add_cost_line",
        "api-v1:issue_certificates",
    }:
        kwargs = {"delivery_id": records["delivery"].pk}
    elif name in {
        "api-v1:confirm_enrollment",
        "api-v1:withdraw_enrollment",
        "api-v1:record_scores",
        "api-v1:record_attendance",
    }:
        kwargs = {"enrollment_id": records["enrollment"].pk}
    elif name == "api-v1:revoke_certificate":
        kwargs = {"certificate_id": records["certificate"].pk}
    elif name == "api-v1:update_posting":
        kwargs = {"posting_id": records["proposed_posting"].pk}
    elif name in {"api-v1:get_posting", "api-v1:move_posting", "api-v1:change_posting_end"}:
        kwargs = {"posting_id": records["posting"].pk}
    elif name == "api-v1:get_program":
        kwargs = {"program_id": records["program"].pk}
    elif name == "api-v1:cancel_deployment":
        kwargs = {"deployment_id": records["deployment"].pk}
    elif name == "api-v1:list_covering":
        return reverse(name) + "?country=PE"
    return reverse(name, kwargs=kwargs)


@pytest.mark.parametrize("name", sorted(PAGES))
def test_anonymous_is_sent_to_sign_in(client, matrix, name):
    _, records = matrix
    method, _ = PAGES[name]
    url = _page_url(name, records)
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("name", sorted(PAGES))
def test_each_role_gets_exactly_its_access_to_pages(db, matrix, name):
    users, records = matrix
    method, allowed = PAGES[name]
    url = _page_url(name, records)
    for role, user in users.items():
        with _undone():
            client = Client()
            client.force_login(user)
            response = getattr(client, method)(url, _page_data(name, records))
            errors = _errors(response)
        if role in allowed:
            # A page opens; an action (POST) may answer with a redirect to its result, but
            # not with an error message: that is the action refused.
            ok = response.status_code == 200 or (
                method == "post"
                and response.status_code == 302
                and not response["Location"].startswith(reverse("account_login"))
            )
            assert ok and not errors, f"{role} should open {name} ({response.status_code}) {errors}"
        else:
            assert response.status_code == 403, f"{role} must be refused {name}"


# Reading writes nothing (a GET never creates, changes or deletes a record), in the apps whose
# writes are all in services so far. What any request may write: its session, and its API
# token's "last used" time.
READ_ONLY_GETS = ("training", "vetting", "postings", "surveys")
BOOKKEEPING = ("django_session", "accounts_apitoken")
WRITE_SQL = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)


def _writes(queries: CaptureQueriesContext) -> list[str]:
    return [
        query["sql"]
        for query in queries.captured_queries
        if WRITE_SQL.match(query["sql"]) and not any(t in query["sql"] for t in BOOKKEEPING)
    ]


@pytest.mark.parametrize(
    "name",
    sorted(
        name
        for name, (method, _) in PAGES.items()
        if method == "get" and name.split(":")[0] in READ_ONLY_GETS
    ),
)
def test_reading_a_page_writes_nothing(db, matrix, name):
    users, records = matrix
    _, allowed = PAGES[name]
    url = _page_url(name, records)
    for role in sorted(allowed):
        with _undone():
            client = Client()
            client.force_login(users[role])
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
        assert response.status_code == 200, f"{role} should open {name}"
        assert _writes(queries) == [], f"{role} wrote on reading {name}"


@pytest.mark.parametrize("name", sorted(API))
def test_api_without_token_is_401_json(client, matrix, name):
    _, records = matrix
    method, _, body = API[name]
    response = getattr(client, method)(
        _api_url(name, records), data=body or {}, content_type="application/json"
    )
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


@pytest.mark.parametrize("name", sorted(API))
def test_each_role_gets_exactly_its_access_to_the_api(client, matrix, name):
    users, records = matrix
    method, allowed, body = API[name]
    if body and "duplicate_id" in body:
        body = {"duplicate_id": records["other"].pk}
    if body and "person_id" in body:
        body = {"person_id": records["other"].pk}
    if body is not None:
        body = _api_body(name, records, body)
    url = _api_url(name, records)
    for role, user in users.items():
        with _undone():
            _, raw = api_token_create(actor=user, name="matrix")
            if name in MULTIPART:
                response = client.post(
                    url,
                    {"kind": "response", "file": _pdf_upload()},
                    HTTP_AUTHORIZATION=f"Bearer {raw}",
                )
            else:
                response = getattr(client, method)(
                    url,
                    data=body or {},
                    content_type="application/json",
                    HTTP_AUTHORIZATION=f"Bearer {raw}",
                )
        if role in allowed:
            assert response.status_code not in (401, 403), (
                f"{role} should reach {name}: {response.content!r}"
            )
        else:
            assert response.status_code == 403, f"{role} must be refused {name}"
            assert response.json()["code"] == "forbidden"


def _api_routes() -> dict[str, str]:
    """Each API URL name → its route ("api/v1/training/deliveries/<int:delivery_id>")."""

    def walk(patterns: list[Any], prefix: str) -> Any:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield f"api-v1:{pattern.name}", prefix + str(pattern.pattern)

    return dict(walk(get_resolver().url_patterns, ""))


def _read_only_api() -> list[str]:
    routes = _api_routes()
    apps = "|".join(READ_ONLY_GETS)
    return sorted(
        name
        for name, (method, *_) in API.items()
        if method == "get" and re.match(rf"api/v1/({apps})(/|$)", routes[name])
    )


@pytest.mark.parametrize("name", _read_only_api())
def test_reading_through_the_api_writes_nothing(client, matrix, name):
    users, records = matrix
    _, allowed, _ = API[name]
    url = _api_url(name, records)
    for role in sorted(allowed):
        with _undone():
            _, raw = api_token_create(actor=users[role], name="matrix")
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url, HTTP_AUTHORIZATION=f"Bearer {raw}")
        assert response.status_code == 200, f"{role} should read {name}: {response.content!r}"
        assert _writes(queries) == [], f"{role} wrote on reading {name}"

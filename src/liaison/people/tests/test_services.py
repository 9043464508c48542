from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from liaison.accounts.roles import Role
from liaison.audit.models import AuditEntry
from liaison.people import services
from liaison.people.models import Person
from liaison.people.selectors import person_history

pytestmark = pytest.mark.django_db

BIRTH = date(1979, 3, 14)


def test_new_person_like_an_existing_one_is_stopped_with_the_candidates(
    users, make_person, country
):
    existing = make_person("Mohammed", "Al-Rashid", nationality="JO", birth_date=BIRTH)
    with pytest.raises(services.PossibleDuplicates) as caught:
        services.person_create(
            actor=users[Role.PROGRAM_MANAGER],
            given_name="Muhammad",
            family_name="Alrashid",
            birth_date=BIRTH,
            nationality=country("JO"),
        )
    assert [m.person_id for m in caught.value.matches] == [existing.pk]
    assert Person.objects.count() == 1


def test_arabic_script_name_finds_the_latin_record(users, make_person):
    existing = make_person("Mohammed", "Al-Rashid", nationality="JO", birth_date=BIRTH)
    with pytest.raises(services.PossibleDuplicates) as caught:
        services.person_create(
            actor=users[Role.PROGRAM_MANAGER],
            family_name="",
            native_name="محمد الراشد",
            birth_date=BIRTH,
        )
    assert caught.value.matches[0].person_id == existing.pk


def test_confirmed_different_person_is_created_and_audited(users, make_person, country):
    make_person("Mohammed", "Al-Rashid", nationality="JO", birth_date=BIRTH)
    person = services.person_create(
        actor=users[Role.PROGRAM_MANAGER],
        allow_duplicates=True,
        given_name="Muhammad",
        family_name="Alrashid",
        birth_date=BIRTH,
        nationality=country("JO"),
        passport_number="J1234567",
    )
    entry = AuditEntry.objects.get(action="person.created", object_id=str(person.pk))
    assert entry.actor == users[Role.PROGRAM_MANAGER]
    assert entry.changes["family_name"] == [None, "Alrashid"]
    # Personal data never reaches the audit trail in clear.
    assert entry.changes["passport_number"] == ["", "(hidden)"]
    assert "J1234567" not in str(entry.changes)


def test_namesake_with_another_birth_date_is_not_a_duplicate(users, make_person, country):
    make_person("Mohammed", "Ali", nationality="EG", birth_date=date(1970, 1, 1))
    person = services.person_create(
        actor=users[Role.PROGRAM_MANAGER],
        given_name="Mohammed",
        family_name="Ali",
        birth_date=date(1988, 7, 30),
        nationality=country("EG"),
    )
    assert person.pk


def test_passport_and_birth_date_are_encrypted_at_rest(users, country):
    person = services.person_create(
        actor=users[Role.PROGRAM_MANAGER],
        given_name="Ana",
        family_name="Quispe",
        birth_date=BIRTH,
        passport_number="PE998877",
        nationality=country("PE"),
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT passport_number, birth_date FROM people_person WHERE id = %s", [person.pk]
        )
        passport, birth = cursor.fetchone()
    assert "PE998877" not in passport and "1979" not in birth
    reloaded = Person.objects.get(pk=person.pk)
    assert reloaded.passport_number == "PE998877" and reloaded.birth_date == BIRTH


def test_reading_personal_data_is_logged(users, make_person):
    person = make_person(passport_number="X1", birth_date=BIRTH)
    officer = users[Role.VETTING_OFFICER]
    data = services.person_personal_data(actor=officer, person=person)
    assert data.passport_number == "X1"
    entry = AuditEntry.objects.get(action="person.personal_data_viewed")
    assert (entry.actor, entry.object_id) == (officer, str(person.pk))


@pytest.mark.parametrize(
    "role", [Role.TRAINING_ADVISOR, Role.ATTACHE, Role.SPONSOR, Role.SITE_HOST]
)
def test_roles_without_need_cannot_read_personal_data(users, make_person, role):
    person = make_person(passport_number="X1")
    with pytest.raises(PermissionDenied):
        services.person_personal_data(actor=users[role], person=person)
    assert not AuditEntry.objects.filter(action="person.personal_data_viewed").exists()


def test_attache_cannot_register_an_official_outside_their_region(users, country):
    with pytest.raises(PermissionDenied):
        services.person_create(
            actor=users[Role.ATTACHE], family_name="Haddad", nationality=country("JO")
        )
    person = services.person_create(
        actor=users[Role.ATTACHE], family_name="Rojas", nationality=country("CO")
    )
    assert person.nationality.code == "CO"


def test_attache_cannot_move_a_person_out_of_their_region(users, make_person, country):
    person = make_person(nationality="CO")
    with pytest.raises(PermissionDenied):
        services.person_update(actor=users[Role.ATTACHE], person=person, nationality=country("JO"))
    assert Person.objects.get(pk=person.pk).nationality.code == "CO"


def test_training_advisor_cannot_change_personal_data(users, make_person):
    person = make_person(passport_number="OLD")
    with pytest.raises(PermissionDenied):
        services.person_update(
            actor=users[Role.TRAINING_ADVISOR], person=person, passport_number="NEW"
        )


def test_vetting_officer_cannot_edit_people(users, make_person):
    with pytest.raises(PermissionDenied):
        services.person_update(
            actor=users[Role.VETTING_OFFICER], person=make_person(), position="Chief"
        )


def test_future_birth_date_is_refused_with_the_field(users, country):
    with pytest.raises(ValidationError) as caught:
        services.person_create(
            actor=users[Role.PROGRAM_MANAGER], family_name="Quispe", birth_date=date(2999, 1, 1)
        )
    assert "birth_date" in caught.value.message_dict


def test_update_records_only_what_changed(users, make_person):
    person = make_person(position="Inspector")
    services.person_update(
        actor=users[Role.PROGRAM_MANAGER], person=person, position="Chief Inspector"
    )
    entry = AuditEntry.objects.get(action="person.updated")
    assert entry.changes == {"position": ["Inspector", "Chief Inspector"]}


def test_merge_keeps_links_history_and_is_audited(users, make_person, make_agency):
    manager = users[Role.PROGRAM_MANAGER]
    survivor = services.person_create(actor=manager, given_name="Mohammed", family_name="Al-Rashid")
    duplicate = services.person_create(
        actor=manager,
        allow_duplicates=True,
        given_name="Muhammad",
        family_name="Alrashid",
        passport_number="J7",
        agency=make_agency("JO"),
    )
    services.person_update(actor=manager, person=duplicate, position="Captain")
    earlier = make_person("Mohamad", "Rashid")
    services.person_merge(actor=manager, survivor=duplicate, duplicate=earlier)

    merged = services.person_merge(actor=manager, survivor=survivor, duplicate=duplicate)

    duplicate.refresh_from_db()
    earlier.refresh_from_db()
    assert duplicate.merged_into == merged and earlier.merged_into == merged
    # Blank fields were filled from the duplicate.
    assert merged.passport_number == "J7" and merged.position == "Captain"
    assert merged.agency is not None
    actions = [e.action for e in person_history(person=merged)]
    assert actions.count("person.created") == 2
    assert "person.updated" in actions and "person.merged" in actions
    assert "person.merged_away" in actions
    # The merged-away spelling still finds the survivor.
    with pytest.raises(services.PossibleDuplicates) as caught:
        services.person_create(actor=manager, given_name="Muhammad", family_name="Alrashid")
    assert [m.person_id for m in caught.value.matches] == [merged.pk]


@pytest.mark.parametrize(
    "role", [Role.TRAINING_ADVISOR, Role.IVP_COORDINATOR, Role.ATTACHE, Role.VETTING_OFFICER]
)
def test_only_headquarters_can_merge(users, make_person, role):
    first, second = make_person(nationality="CO"), make_person(nationality="CO")
    with pytest.raises(PermissionDenied):
        services.person_merge(actor=users[role], survivor=first, duplicate=second)
    assert not Person.objects.filter(merged_into__isnull=False).exists()


def test_a_person_cannot_be_merged_twice_or_with_themselves(users, make_person):
    manager = users[Role.PROGRAM_MANAGER]
    first, second = make_person(), make_person()
    with pytest.raises(ValidationError):
        services.person_merge(actor=manager, survivor=first, duplicate=first)
    services.person_merge(actor=manager, survivor=first, duplicate=second)
    second.refresh_from_db()
    with pytest.raises(ValidationError):
        services.person_merge(actor=manager, survivor=first, duplicate=second)


def test_search_finds_a_name_in_any_spelling_or_script(users, make_person):
    from liaison.people.selectors import person_list

    make_person("Muhammad", "Alrashid", nationality="JO")
    make_person("", "", nationality="JO", native_name="محمد الراشد")
    make_person("Ana", "Quispe")
    found = person_list(user=users[Role.PROGRAM_MANAGER], search="Mohammed Al-Rashid")
    assert found.count() == 2
    assert person_list(user=users[Role.PROGRAM_MANAGER], search="quis").count() == 1

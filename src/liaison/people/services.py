"""Every change to people: create, update, merge, and the logged reading of personal data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from liaison.audit.services import (
    apply_changes,
    audit_log,
    audit_log_many,
    create_with_history,
    diff,
    snapshot,
)
from liaison.core.access import require_perm
from liaison.people.indexing import (
    find_matches,
    index_new_people,
    index_person,
    name_record,
    search_name_of,
)
from liaison.people.matching import Match
from liaison.people.models import Person, Staff

PERSON_FIELDS = (
    "given_name",
    "family_name",
    "native_name",
    "gender",
    "birth_date",
    "passport_number",
    "nationality",
    "agency",
    "position",
    "left_post_on",
    "email",
    "phone",
    "preferred_language",
)
PERSONAL_DATA_FIELDS = ("birth_date", "passport_number")
STAFF_FIELDS = (
    "kind",
    "given_name",
    "family_name",
    "title",
    "office",
    "email",
    "phone",
    "post_country",
    "user",
    "active",
)


class PossibleDuplicates(ValidationError):
    """The new person looks like people already registered; the caller must confirm."""

    def __init__(self, matches: list[Match]) -> None:
        self.matches = matches
        super().__init__(
            f"{len(matches)} existing person(s) look like this one. Check them, or confirm "
            "that this is a different person.",
            code="possible_duplicates",
        )


def _validate_person(person: Person, *, relations_loaded: bool = False) -> None:
    """The person's rules; ``relations_loaded`` skips re-reading a nationality and agency
    the caller took from the database itself (a query each, per row, on a long import)."""
    if not (person.family_name.strip() or person.native_name.strip()):
        raise ValidationError({"family_name": "Give a family name (or the name in native script)."})
    if person.birth_date and person.birth_date > date.today():
        raise ValidationError({"birth_date": "The birth date is in the future."})
    if person.birth_date and person.birth_date.year < 1900:
        raise ValidationError({"birth_date": "The birth date is before 1900."})
    agency = person.agency
    if agency is not None and person.nationality_id and agency.country_id != person.nationality_id:
        # Officials serve their own administration; a mismatch is usually a data-entry slip.
        raise ValidationError(
            {"agency": "The agency belongs to another country than the nationality."}
        )
    person.full_clean(
        exclude=["search_name", "nationality", "agency"] if relations_loaded else ["search_name"]
    )


def _clean_strings(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v.strip() if isinstance(v, str) else v for k, v in values.items()}


@transaction.atomic
def person_create(*, actor: Any, allow_duplicates: bool = False, **values: Any) -> Person:
    """Register a foreign official. Likely duplicates stop it unless the caller confirms."""
    unknown = set(values) - set(PERSON_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown person fields: {', '.join(sorted(unknown))}")
    person = Person(**_clean_strings(values))
    require_perm(actor, "people.add_person", person)
    _validate_person(person)
    if not allow_duplicates:
        matches = find_matches([name_record(person)])[0]
        if matches:
            raise PossibleDuplicates(matches)
    person.search_name = search_name_of(person)
    person.save()
    index_person(person)
    audit_log(
        actor=actor,
        action="person.created",
        obj=person,
        changes=diff({}, snapshot(person, PERSON_FIELDS), masked=PERSONAL_DATA_FIELDS),
    )
    return person


@transaction.atomic
def person_create_many(*, actor: Any, people: list[dict[str, Any]]) -> list[Person]:
    """Register many officials at once (a roster import), with the rules of
    :func:`person_create` for each and no duplicate check: the import has matched every row
    to the registry and the user chose "a new person" for these."""
    created = []
    for values in people:
        unknown = set(values) - set(PERSON_FIELDS)
        if unknown:
            raise ValidationError(f"Unknown person fields: {', '.join(sorted(unknown))}")
        person = Person(**_clean_strings(values))
        require_perm(actor, "people.add_person", person)
        _validate_person(person, relations_loaded=True)
        person.search_name = search_name_of(person)
        created.append(person)
    created = create_with_history(Person, created, actor=actor)
    index_new_people(created)
    audit_log_many(
        actor=actor,
        action="person.created",
        entries=(
            (p, diff({}, snapshot(p, PERSON_FIELDS), masked=PERSONAL_DATA_FIELDS)) for p in created
        ),
    )
    return created


@transaction.atomic
def person_update(*, actor: Any, person: Person, **changes: Any) -> Person:
    require_perm(actor, "people.change_person", person)
    if person.is_merged:
        raise ValidationError("This record was merged into another; edit that one instead.")
    if set(changes) & set(PERSONAL_DATA_FIELDS):
        require_perm(actor, "people.view_personal_data", person)

    def validate(changed: Person) -> None:
        # An attaché may not move a person out of their region.
        require_perm(actor, "people.change_person", changed)
        _validate_person(changed)
        changed.search_name = search_name_of(changed)

    if apply_changes(
        actor=actor,
        obj=person,
        changes=changes,
        fields=PERSON_FIELDS,
        action="person.updated",
        validate=validate,
        masked=PERSONAL_DATA_FIELDS,
    ):
        index_person(person)
    return person


@dataclass(frozen=True)
class PersonalData:
    birth_date: date | None
    passport_number: str


def person_personal_data(*, actor: Any, person: Person) -> PersonalData:
    """Read the encrypted fields; every read is logged (who, when, which record)."""
    require_perm(actor, "people.view_personal_data", person)
    audit_log(actor=actor, action="person.personal_data_viewed", obj=person)
    return PersonalData(birth_date=person.birth_date, passport_number=person.passport_number or "")


# Links that belong to the merge itself, not to the person's programs.
_MERGE_SKIPPED_RELATIONS = {"merged_records", "match_keys"}


@transaction.atomic
def person_merge(*, actor: Any, survivor: Person, duplicate: Person) -> Person:
    """Fold ``duplicate`` into ``survivor``: every link moves, blanks are filled, history stays.

    The duplicate record is kept (marked merged) so its own history remains readable from the
    survivor's history tab; its names stay matchable as aliases of the survivor.
    """
    require_perm(actor, "people.merge_person", survivor)
    require_perm(actor, "people.merge_person", duplicate)
    if survivor.pk == duplicate.pk:
        raise ValidationError("A person cannot be merged with themselves.")
    if survivor.is_merged or duplicate.is_merged:
        raise ValidationError("One of these records was already merged into another.")
    survivor = Person.objects.select_for_update().get(pk=survivor.pk)
    duplicate = Person.objects.select_for_update().get(pk=duplicate.pk)

    moved: dict[str, int] = {}
    for relation in Person._meta.related_objects:
        if relation.get_accessor_name() in _MERGE_SKIPPED_RELATIONS:
            continue
        model: Any = relation.related_model
        if model.__name__.startswith("Historical"):
            continue
        if relation.many_to_many:
            # A later app's many-to-many to people: re-point its link table's person column.
            through: Any = relation.through  # type: ignore[attr-defined]
            column = relation.field.m2m_reverse_field_name()  # type: ignore[attr-defined]
            owner = relation.field.m2m_field_name()  # type: ignore[attr-defined]
            # Where both were linked (two records of one participant), the survivor's link stays.
            both = through.objects.filter(**{column: survivor}).values(owner)
            through.objects.filter(**{column: duplicate, f"{owner}__in": both}).delete()
            count = through.objects.filter(**{column: duplicate}).update(**{column: survivor})
        else:
            name = relation.field.name
            try:
                with transaction.atomic():  # a savepoint: the refusal below leaves no trace
                    count = model._default_manager.filter(**{name: duplicate}).update(
                        **{name: survivor}
                    )
            except IntegrityError as error:
                # A record allowed once per person (a survey invitation) holds both records.
                raise ValidationError(
                    f"Both records hold a {model._meta.verbose_name} that is allowed once per "
                    f"person ({model._meta.label_lower}); resolve it there, then merge."
                ) from error
        if count:
            moved[f"{model._meta.label_lower}.{relation.field.name}"] = count

    before = snapshot(survivor, PERSON_FIELDS)
    for field in PERSON_FIELDS:
        if not getattr(survivor, field) and getattr(duplicate, field):
            setattr(survivor, field, getattr(duplicate, field))
    survivor.save()
    # Earlier merges into the duplicate now point at the survivor too.
    Person.objects.filter(merged_into=duplicate).update(merged_into=survivor)
    duplicate.merged_into = survivor
    duplicate.merged_at = timezone.now()
    duplicate.save(update_fields=["merged_into", "merged_at", "updated_at"])
    index_person(survivor)
    duplicate.match_keys.all().delete()

    filled = diff(before, snapshot(survivor, PERSON_FIELDS), masked=PERSONAL_DATA_FIELDS)
    audit_log(
        actor=actor,
        action="person.merged",
        obj=survivor,
        changes={
            "merged_record": [None, f"#{duplicate.pk} {duplicate}"],
            "links_moved": [None, ", ".join(f"{k}: {n}" for k, n in moved.items()) or "none"],
            **filled,
        },
    )
    audit_log(
        actor=actor,
        action="person.merged_away",
        obj=duplicate,
        changes={"merged_into": [None, f"#{survivor.pk} {survivor}"]},
    )
    return survivor


def _validate_staff(staff: Staff) -> None:
    staff.full_clean()


@transaction.atomic
def staff_create(*, actor: Any, **values: Any) -> Staff:
    require_perm(actor, "people.change_staff")
    staff = Staff(**_clean_strings(values))
    _validate_staff(staff)
    staff.save()
    audit_log(
        actor=actor,
        action="staff.created",
        obj=staff,
        changes=diff({}, snapshot(staff, STAFF_FIELDS)),
    )
    return staff


@transaction.atomic
def staff_update(*, actor: Any, staff: Staff, **changes: Any) -> Staff:
    require_perm(actor, "people.change_staff", staff)
    apply_changes(
        actor=actor,
        obj=staff,
        changes=changes,
        fields=STAFF_FIELDS,
        action="staff.updated",
        validate=_validate_staff,
    )
    return staff

"""The stored side of duplicate matching: keyed hashes of each person's blocking keys."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache

from django.conf import settings
from django.db import connection

from liaison.core.bulk import insert_rows
from liaison.people.matching import (
    Match,
    NameRecord,
    blocking_keys,
    name_tokens,
    near_date_keys,
    normalize,
    phonetic_key,
    rank_candidates,
)
from liaison.people.models import Person, PersonMatchKey

# Keys looked up per statement (SQLite allows 32,766 bound values; PostgreSQL 65,535).
KEY_CHUNK = 20_000
# A roster row never reads more than this many stored people before scoring.
MAX_CANDIDATES_PER_ROW = 200
# One shared blocking key outranks any number of near-date keys (a row has fewer than this).
_BLOCKING_KEY_WEIGHT = 1000


def hash_key(key: str) -> int:
    """A 64-bit keyed hash (BLAKE2b in its keyed-MAC mode, which needs no HMAC construction)."""
    return next(iter(hash_keys([key])))


def hash_keys(keys: Iterable[str]) -> set[int]:
    """The keyed hashes of many keys, the secret read once: a roster of thousands of rows
    hashes a million keys, so the cost of each counts."""
    secret = _secret(settings.MATCH_KEY_SECRET)
    blake2b, from_bytes = hashlib.blake2b, int.from_bytes
    return {
        from_bytes(blake2b(k.encode(), digest_size=8, key=secret).digest(), "big", signed=True)
        for k in keys
    }


@lru_cache(maxsize=4)
def _secret(secret: str) -> bytes:
    """BLAKE2b takes a key of at most 64 bytes: a longer secret is hashed down to one."""
    raw = secret.encode("utf-8")
    return raw if len(raw) <= 64 else hashlib.sha512(raw).digest()


def _people_by_key(keys: set[int]) -> Iterator[tuple[int, int]]:
    """(key, person) for every stored key among ``keys``: plain SQL in chunks, as the ORM
    spends longer building a query of many thousand parameters than the database running it.
    PostgreSQL takes the chunk as one array literal (``= ANY``), so neither the driver nor
    the database parses thousands of bound values."""
    quote = connection.ops.quote_name
    select = f"SELECT {quote('key')}, person_id FROM {quote(PersonMatchKey._meta.db_table)} "  # noqa: S608 - names quoted, values bound
    ordered = sorted(keys)
    with connection.cursor() as cursor:
        for start in range(0, len(ordered), KEY_CHUNK):
            chunk = ordered[start : start + KEY_CHUNK]
            if connection.vendor == "postgresql":
                # One array literal: PostgreSQL parses it in C, the driver sends one string.
                literal = "{" + ",".join(map(str, chunk)) + "}"
                cursor.execute(select + f"WHERE {quote('key')} = ANY(%s::bigint[])", [literal])
            else:
                marks = ", ".join(["%s"] * len(chunk))
                cursor.execute(select + f"WHERE {quote('key')} IN ({marks})", chunk)
            yield from cursor.fetchall()


def name_record(person: Person) -> NameRecord:
    return NameRecord(
        id=person.pk,
        given_name=person.given_name,
        family_name=person.family_name,
        native_name=person.native_name,
        birth_date=person.birth_date,
        nationality=str(person.nationality.code) if person.nationality else "",
    )


def search_name_of(person: Person) -> str:
    """Transliterated names, then each token's sound key between tildes (``~mhmd~``), so a
    search for "Mohammed" also finds "Muhammad" and "محمد"."""
    tokens = name_tokens(name_record(person))
    names = normalize(" ".join((person.given_name, person.family_name, person.native_name)))
    keys = " ".join(sorted({search_key(t) for t in tokens if phonetic_key(t)}))
    return f"{names} {keys}"[:400]


def search_key(token: str) -> str:
    return f"~{phonetic_key(token)}~"


def person_keys(person: Person) -> set[int]:
    """The hashed name keys, and the passport's: one passport number is one person."""
    keys = hash_keys(blocking_keys(name_record(person)))
    if person.passport_number and passport_key(person.passport_number):
        keys.add(hash_key(passport_key(person.passport_number)))
    return keys


def passport_key(number: str) -> str:
    """A passport number as written any way ("AB 123", "ab-123"): letters and digits."""
    letters = "".join(c for c in number.upper() if c.isalnum())
    return f"passport:{letters}" if letters else ""


def people_by_passport(numbers: Iterable[str]) -> dict[str, set[int]]:
    """The registered people holding each passport number (written any way), found by its
    keyed hash: the numbers themselves are encrypted and cannot be searched."""
    wanted: dict[int, list[str]] = defaultdict(list)
    for number in numbers:
        if passport_key(number):
            wanted[hash_key(passport_key(number))].append(number)
    found: dict[str, set[int]] = defaultdict(set)
    for key, person_id in _people_by_key(set(wanted)):
        for number in wanted[key]:
            found[number].add(person_id)
    return found


def index_person(person: Person) -> None:
    """Rewrite one person's keys, keeping those of the records merged into them as aliases."""
    keys = person_keys(person)
    for merged in person.merged_records.select_related("nationality"):
        keys |= person_keys(merged)
    PersonMatchKey.objects.filter(person=person).delete()
    PersonMatchKey.objects.bulk_create([PersonMatchKey(person=person, key=k) for k in keys])


def rebuild_match_keys() -> int:
    """Every person's keys again, from their names: run when :data:`KEYS_VERSION` or the
    hash changes (the people migrations do). A merged record's keys stay with its survivor."""
    PersonMatchKey.objects.all().delete()
    rows: set[tuple[int, int]] = set()
    # Only the fields the keys read: the people migrations run this with the model of this
    # release against tables of an earlier one, which lack the fields added since.
    people = (
        Person.objects.select_related("nationality")
        .only(
            "merged_into",
            "given_name",
            "family_name",
            "native_name",
            "birth_date",
            "passport_number",
            "nationality__code",
        )
        .order_by("pk")
    )
    for person in people.iterator(chunk_size=5000):
        owner = person.merged_into_id or person.pk
        rows |= {(owner, key) for key in person_keys(person)}
    return insert_rows(PersonMatchKey._meta.db_table, ["person_id", "key"], sorted(rows))


def index_new_people(people: Iterable[Person]) -> None:
    """Write the keys of people just created (an import, the demo, benchmarks) in bulk."""
    insert_rows(
        PersonMatchKey._meta.db_table,
        ["person_id", "key"],
        ((p.pk, key) for p in people for key in person_keys(p)),
    )


def find_matches(
    records: Sequence[NameRecord], *, exclude_ids: Iterable[int] = (), limit: int = 5
) -> list[list[Match]]:
    """Likely existing people for each record, reading only the people that share a key."""
    keys_by_row = [hash_keys(blocking_keys(r)) for r in records]
    near_by_row = [
        hash_keys(near_date_keys(r)) - keys for r, keys in zip(records, keys_by_row, strict=True)
    ]
    all_keys = set().union(*keys_by_row, *near_by_row) if keys_by_row else set()
    people_by_key: dict[int, set[int]] = defaultdict(set)
    excluded = set(exclude_ids)
    for key, person_id in _people_by_key(all_keys):
        if person_id not in excluded:
            people_by_key[key].add(person_id)
    candidates_by_row: list[list[int]] = []
    for keys, near in zip(keys_by_row, near_by_row, strict=True):
        # Shared blocking keys rank first, keys of a birth date one slip away break ties.
        hits: dict[int, int] = defaultdict(int)
        for key in keys:
            for person_id in people_by_key.get(key, ()):
                hits[person_id] += _BLOCKING_KEY_WEIGHT
        for key in near:
            for person_id in people_by_key.get(key, ()):
                hits[person_id] += 1
        # Ties go to the earlier registered: the same candidates in whatever order the
        # database returns the keys.
        ranked = sorted(hits, key=lambda pid: (-hits[pid], pid))[:MAX_CANDIDATES_PER_ROW]
        candidates_by_row.append(ranked)
    wanted = {pid for row in candidates_by_row for pid in row}
    people = {
        p.pk: name_record(p)
        for p in Person.objects.active()
        .filter(pk__in=wanted)
        .select_related("nationality")
        .only(
            "given_name",
            "family_name",
            "native_name",
            "birth_date",
            "nationality__code",
            "nationality__region_id",
        )
    }
    return [
        rank_candidates(record, [people[pid] for pid in row if pid in people], limit=limit)
        for record, row in zip(records, candidates_by_row, strict=True)
    ]

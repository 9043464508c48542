"""Labelled registries and rosters for measuring the duplicate matcher.

The matcher is only as good as the variety it is tested on, so this makes people from many
countries with names from their own Faker locale (native script kept beside a Latin
transliteration), plants namesakes as hard negatives, and builds roster rows that are
realistic variants of registry people (respellings, native script, swapped order, missing
birth date, typos, a birth date with day and month swapped or a digit mistyped) mixed with
genuinely new people. Deterministic for a seed, fast enough
for 300,000 people: Faker is read once per locale for its name lists, then sampled with
``random``.
"""

from __future__ import annotations

import importlib
import random
import re
import string
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import cache
from itertools import accumulate
from typing import Any

from anyascii import anyascii
from faker import Generator

from liaison.core.locales import faker_locale_for_country
from liaison.people.matching import (
    MATCH_THRESHOLD,
    Match,
    NameRecord,
    blocking_keys,
    is_native_script,
    near_date_keys,
    rank_candidates,
)


@dataclass(frozen=True)
class LabelledSet:
    """A registry, a roster, and which registry person each roster row really is."""

    people: list[NameRecord]  # the registry, ids 1..N
    roster: list[NameRecord]  # roster rows, id=None
    truth: list[int | None]  # per roster row: the person it really is, or None (new person)


# Where the agency's trainees come from, roughly: weights, not counts.
COUNTRY_WEIGHTS: tuple[tuple[str, float], ...] = (
    # Arabic-speaking
    ("EG", 6), ("JO", 4), ("IQ", 4), ("MA", 3), ("TN", 2), ("LB", 2), ("SA", 3), ("PS", 2),
    ("DZ", 2), ("YE", 2), ("SY", 2), ("LY", 1), ("SD", 2), ("AE", 1), ("OM", 1), ("QA", 1),
    ("KW", 1), ("BH", 1), ("MR", 1),
    # Latin America
    ("MX", 4), ("CO", 3), ("AR", 2), ("CL", 2), ("PE", 2), ("EC", 1), ("GT", 1), ("HN", 1),
    ("BO", 1), ("PY", 1), ("DO", 1), ("BR", 4),
    # Africa
    ("SN", 2), ("CI", 2), ("ML", 2), ("BF", 1), ("NE", 1), ("CM", 2), ("CD", 2), ("TD", 1),
    ("GN", 1), ("BJ", 1), ("TG", 1), ("MG", 1), ("NG", 3), ("GH", 2), ("KE", 2), ("TZ", 2),
    ("UG", 1), ("ZA", 1), ("AO", 1), ("MZ", 1),
    # Former Soviet Union, Caucasus, Türkiye, Iran
    ("RU", 2), ("BY", 1), ("KZ", 3), ("KG", 2), ("TJ", 1), ("UZ", 2), ("UA", 3), ("MD", 1),
    ("GE", 2), ("AM", 2), ("AZ", 2), ("TR", 3), ("IR", 1), ("AF", 1),
    # Asia
    ("IN", 3), ("PK", 3), ("BD", 2), ("NP", 1), ("LK", 1), ("CN", 2), ("JP", 1), ("KR", 1),
    ("VN", 1), ("ID", 3), ("MY", 1), ("PH", 2), ("TH", 2),
    # Europe and others
    ("RS", 1), ("BA", 1), ("AL", 1), ("MK", 1), ("BG", 1), ("RO", 1), ("PL", 1), ("GR", 1),
    ("IL", 1), ("US", 1), ("GB", 1), ("FR", 1), ("DE", 1), ("ES", 1), ("IT", 1),
)  # fmt: skip

# Faker's Arabic lists lack the commonest names (not even Muhammad); real registries are full
# of them, which is exactly what makes namesakes and transliteration variants frequent.
_COMMON_ARABIC_GIVEN: dict[str, float] = {
    "محمد": 40, "أحمد": 12, "علي": 10, "عمر": 6, "يوسف": 6, "حسين": 6, "حسن": 6, "خالد": 5,
    "إبراهيم": 5, "عبد الله": 5, "محمود": 5, "مصطفى": 4,
}  # fmt: skip
_ARABIC_ROMANIZATIONS: dict[str, tuple[str, ...]] = {
    "محمد": ("Mohammed", "Muhammad", "Mohamed", "Mohammad", "Muhammed", "Mohamad"),
    "أحمد": ("Ahmed", "Ahmad"),
    "علي": ("Ali", "Aly", "Alee"),
    "عمر": ("Omar", "Umar", "Omer"),
    "يوسف": ("Youssef", "Yusuf", "Yousef", "Yousif", "Yusef"),
    "حسين": ("Hussein", "Husain", "Hossein", "Husayn", "Hussain"),
    "حسن": ("Hassan", "Hasan"),
    "خالد": ("Khaled", "Khalid"),
    "إبراهيم": ("Ibrahim", "Ebrahim", "Ibraheem"),
    "عبد الله": ("Abdullah", "Abdallah", "Abdulla", "Abd Allah"),
    "محمود": ("Mahmoud", "Mahmud", "Mahmood"),
    "مصطفى": ("Mustafa", "Moustafa", "Mostafa", "Mustapha"),
    "سعيد": ("Saeed", "Said", "Saied"),
}
_CJK = re.compile(r"[\u1100-\u11ff\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
_ARABIC_ARTICLE = re.compile(r"(?<![\u0600-\u06ff])\u0627\u0644(?=[\u0600-\u06ff])")
_CYRILLIC_LOCALES = frozenset({"ru_RU", "uk_UA", "bg_BG", "mk_MK"})
_FIRST_DAY = date(1955, 1, 1)
_DAYS = (date(2000, 12, 31) - _FIRST_DAY).days + 1


# --- name pools ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Names:
    """One weighted name list, ready for ``random.choices``."""

    names: tuple[str, ...]
    cum_weights: tuple[float, ...]

    def pick(self, rng: random.Random) -> str:
        return rng.choices(self.names, cum_weights=self.cum_weights)[0]


@dataclass(frozen=True)
class _Pool:
    """A locale's names, and how its people write them."""

    locale: str
    native_script: bool
    family_first: bool  # CJK: family name first, no space
    arabic_script: bool
    first: dict[str, _Names]  # by sex, "m" / "f"
    last: dict[str, _Names]


def _weighted(values: Any) -> tuple[list[str], list[float]]:
    """Names and weights from a Faker list: weighted (a dict of frequencies) or uniform."""
    if isinstance(values, dict):
        return list(values), [float(w) for w in values.values()]
    names = list(values)
    return names, [1.0] * len(names)


def _person_provider(locale: str) -> Any:
    """The locale's Faker person provider on a seeded generator, falling back as Faker does.

    Reading one provider is a hundred times faster than building a whole Faker per locale.
    """
    for candidate in (locale, "en_US"):
        try:
            module = importlib.import_module(f"faker.providers.person.{candidate}")
        except ImportError:
            continue
        generator = Generator()
        generator.seed_instance(_POOL_SEED)
        provider = module.Provider(generator)
        generator.add_provider(provider)
        return provider
    raise LookupError(locale)  # pragma: no cover - en_US always exists


def _names_from(provider: Any, attrs: Sequence[str], method: str) -> _Names:
    """The first real list among ``attrs``; else sample ``method`` (locales building names)."""
    counts: dict[str, float] = {}
    for attr in attrs:
        values = getattr(provider, attr, None)
        if values is not None and len(values) >= 5:
            names, weights = _weighted(values)
            for name, weight in zip(names, weights, strict=True):
                counts[name] = counts.get(name, 0.0) + weight
            break
    else:
        for name in (getattr(provider, method)() for _ in range(2000)):
            counts[name] = counts.get(name, 0.0) + 1.0
    names = [n for n in counts if n.strip()]
    return _Names(tuple(names), tuple(accumulate(counts[n] for n in names)))


# Pools are a property of the locale, not of a data set: built once per process, from a
# fixed Faker seed (only locales that compose names need the seed at all).
_POOL_SEED = 2015


@cache
def _build_pool(locale: str) -> _Pool:
    """A locale's weighted name lists, read from its Faker person provider."""
    provider = _person_provider(locale)
    first = {
        "m": _names_from(provider, ("first_names_male", "first_names"), "first_name_male"),
        "f": _names_from(provider, ("first_names_female", "first_names"), "first_name_female"),
    }
    last = {
        "m": _names_from(provider, ("last_names_male", "last_names"), "last_name_male"),
        "f": _names_from(provider, ("last_names_female", "last_names"), "last_name_female"),
    }
    sample = first["m"].names[:50] + last["m"].names[:50]
    native = sum(map(is_native_script, sample)) > len(sample) // 2
    if locale.startswith("ar_"):
        male = first["m"]
        names = (*male.names, *_COMMON_ARABIC_GIVEN)
        total = male.cum_weights[-1] if male.cum_weights else 0.0
        extra = tuple(accumulate(_COMMON_ARABIC_GIVEN.values(), initial=total))[1:]
        first["m"] = _Names(names, male.cum_weights + extra)
    return _Pool(
        locale=locale,
        native_script=native,
        family_first=bool(_CJK.search("".join(sample))),
        arabic_script=locale.startswith("ar_") or locale == "fa_IR",
        first=first,
        last=last,
    )


def romanize(text: str) -> str:
    """A plain Latin transliteration, title-cased, as an official might type it."""
    text = _ARABIC_ARTICLE.sub("al-", text)
    latin = re.sub(r"['`]", "", anyascii(text))
    return " ".join(part.title() for part in latin.split())


# --- people -------------------------------------------------------------------------------


class _Maker:
    """Draws people and their variants from one random stream."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.countries = [c for c, _ in COUNTRY_WEIGHTS]
        self.country_cum = list(accumulate(w for _, w in COUNTRY_WEIGHTS))
        self.latin: dict[str, str] = {}

    def pool(self, country: str) -> _Pool:
        return _build_pool(faker_locale_for_country(country))

    def romanized(self, text: str, pool: _Pool) -> str:
        cached = self.latin.get(text)
        if cached is None:
            known = _ARABIC_ROMANIZATIONS.get(text) if pool.arabic_script else None
            cached = self.latin[text] = known[0] if known else romanize(text)
        return cached

    def birth_date(self, avoid: date | None = None) -> date:
        """A birth date in 1955-2000, other than ``avoid`` (a namesake's)."""
        while True:
            day = _FIRST_DAY + timedelta(days=self.rng.randrange(_DAYS))
            if day != avoid:
                return day

    def person(self, person_id: int | None) -> tuple[NameRecord, _Pool]:
        rng = self.rng
        country = rng.choices(self.countries, cum_weights=self.country_cum)[0]
        pool = self.pool(country)
        sex = "m" if rng.random() < 0.65 else "f"
        given = pool.first[sex].pick(rng)
        family = pool.last[sex].pick(rng)
        return self.named(person_id, pool, given, family, country), pool

    def named(
        self, person_id: int | None, pool: _Pool, given: str, family: str, country: str
    ) -> NameRecord:
        """A record keeping a non-Latin name in native_name, its transliteration in Latin."""
        if not pool.native_script:
            return NameRecord(person_id, given, family, "", self.birth_date(), country)
        native = f"{family}{given}" if pool.family_first else f"{given} {family}"
        return NameRecord(
            person_id,
            self.romanized(given, pool),
            self.romanized(family, pool),
            native,
            self.birth_date(),
            country,
        )


# --- variants -----------------------------------------------------------------------------

_CONSONANT_UNITS = ("sh", "kh", "gh", "th", "dh", "ch", "zh")
_LATIN_RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (r"([bcdfglmnprstvz])\1", (r"\1",)),  # Matteo / Mateo
    (r"(?<=[aeiou])([lmnrst])(?=[aeiou])", (r"\1\1",)),  # Olga / Ollga
    (r"ph", ("f",)),
    (r"c(?=[aou])", ("k",)),
    (r"k(?=[aou])", ("c",)),
    (r"ou", ("u", "oo")),
    (r"(?<=[bcdfghklmnprstvz])u", ("ou",)),
    (r"ie", ("i", "y")),
    (r"ee", ("i",)),
    (r"(?<=[bcdfghklmnprstvz])y(?![aeiou])", ("i",)),
    (r"(?<=[bcdfghklmnprstvz])i(?![aeiou])", ("y", "ee")),
    (r"(?<=[bcdfghklmnprstvz])e(?=[bcdfghklmnprstvz])", ("a", "i")),
    (r"(?<=[bcdfghklmnprstvz])a(?=[bcdfghklmnprstvz])", ("e",)),
    (r"(?<=[bcdfghklmnprstvz])o(?=[bcdfghklmnprstvz])", ("u",)),
    (r"th", ("t",)),
    (r"v", ("w",)),  # a consonant change: a hard case the skeleton misses on purpose
)
_CYRILLIC_RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (r"iy$", ("y", "i", "ii")),
    (r"yy$", ("y", "i")),
    (r"ey$", ("ei", "ej")),
    (r"^e", ("ye",)),
    (r"^ye", ("e",)),
    (r"yu", ("iu", "u")),
    (r"ya", ("ia", "a")),
    (r"kh", ("h",)),
    (r"ts", ("tz",)),
    (r"zh", ("j",)),
    (r"shch", ("sch",)),
    (r"ks", ("x",)),
    (r"ie", ("ye", "e")),
    (r"ov$", ("off",)),  # émigré spelling, a consonant change
)


def _apply_rule(word: str, rules: Sequence[tuple[str, tuple[str, ...]]], rng: random.Random) -> str:
    """Rewrite one place in the word by one of the rules that applies to it."""
    lower = word.lower()
    usable = [(pattern, outs) for pattern, outs in rules if re.search(pattern, lower)]
    if not usable:
        return word
    pattern, outs = rng.choice(usable)
    matches = list(re.finditer(pattern, lower))
    found = rng.choice(matches)
    out = found.expand(rng.choice(outs))
    changed = lower[: found.start()] + out + lower[found.end() :]
    return _recase(changed)


def _recase(text: str) -> str:
    """Title case per word and per hyphenated part, as names are typed: "Al-Rashid"."""
    return " ".join("-".join(p.capitalize() for p in w.split("-")) for w in text.split())


def latin_spelling(native: str, rng: random.Random) -> str:
    """How an official would write a native-script name part in Latin letters.

    Arabic script carries no short vowels, so a plain transliteration reads "Mhmd": the
    commonest names take their usual spelling, others get plausible vowels.
    """
    arabic = any("\u0600" <= ch <= "\u06ff" for ch in native)
    if not arabic:
        return romanize(native)
    known = _ARABIC_ROMANIZATIONS.get(native)
    if known:
        return known[0]
    return " ".join(_vowelize(word, rng) for word in romanize(native).split())


def _vowelize(latin: str, rng: random.Random) -> str:
    """Another romanisation of a vowel-less transliteration: "Mhmd" -> "Mahmid", "Muhamad"."""
    out: list[str] = []
    text = latin.lower()
    article = ""
    if text.startswith("al-"):
        article, text = rng.choice(("al-", "el-", "al ", "al", "", "el ")), text[3:]
    i = 0
    while i < len(text):
        unit = text[i : i + 2] if text[i : i + 2] in _CONSONANT_UNITS else text[i]
        i += len(unit)
        if unit == "w" and out and i < len(text):
            out.append(rng.choice(("ou", "u", "oo", "o", "w")))
            continue
        if unit == "y" and out and i < len(text):
            out.append(rng.choice(("i", "ee", "y", "ei")))
            continue
        if unit == "h" and i == len(text) and out:
            out.append(rng.choice(("a", "ah", "eh", "h")))
            continue
        out.append(unit)
        after = text[i : i + 1]
        between_consonants = (
            after.isalpha() and after not in "aeiouwy" and unit.isalpha() and unit not in "aeiouwy"
        )
        if between_consonants and rng.random() < 0.75:
            out.append(rng.choice("aaaeiou"))
    return _recase(article + "".join(out))


def _respell(text: str, native: str, pool: _Pool, rng: random.Random) -> str:
    """Another plausible Latin spelling of one name part."""
    if not text:
        return text
    if pool.arabic_script:
        known = _ARABIC_ROMANIZATIONS.get(native)
        if known:
            return rng.choice(known)
        return " ".join(_vowelize(word, rng) for word in text.split())
    plain = anyascii(text)
    if plain != text and rng.random() < 0.5:
        return plain  # the same name without its diacritics
    cyrillic = pool.locale in _CYRILLIC_LOCALES
    rules = _CYRILLIC_RULES + _LATIN_RULES[:-1] if cyrillic else _LATIN_RULES
    words = plain.split()
    index = rng.randrange(len(words))
    words[index] = _apply_rule(words[index], rules, rng)
    return " ".join(words)


def _typo(text: str, rng: random.Random) -> str:
    """One slip of the keyboard: a letter replaced, dropped, added, or two swapped."""
    if len(text) < 3:
        return text
    lower = text.lower()
    i = rng.randrange(1, len(text)) if rng.random() < 0.8 else 0
    kind = rng.randrange(4)
    letter = rng.choice(string.ascii_lowercase)
    if kind == 0 and lower[i] != letter:
        slipped = lower[:i] + letter + lower[i + 1 :]
    elif kind == 2:
        slipped = lower[:i] + letter + lower[i:]
    elif kind == 3 and i + 1 < len(lower) and lower[i] != lower[i + 1]:
        slipped = lower[:i] + lower[i + 1] + lower[i] + lower[i + 2 :]
    else:
        slipped = lower[:i] + lower[i + 1 :]
    return _recase(slipped)


def _native_parts(record: NameRecord, pool: _Pool) -> tuple[str, str]:
    """The native given and family names, where the native name splits into them."""
    if not record.native_name or pool.family_first:
        return "", ""
    words = record.native_name.split()
    given_len = len(record.given_name.split())
    return " ".join(words[:given_len]), " ".join(words[given_len:])


def _date_slip(born: date, rng: random.Random) -> date:
    """The birth date as mistyped: day and month swapped, one digit wrong, or two adjacent
    digits of the year, month or day swapped. Always a valid, past, different date."""
    if born.day <= 12 and born.day != born.month and rng.random() < 0.4:
        return date(born.year, born.day, born.month)
    digits = f"{born.year:04d}{born.month:02d}{born.day:02d}"
    while True:
        if rng.random() < 0.2:
            # Adjacent digits within one field: not across the year/month or month/day border.
            i = rng.choice((0, 1, 2, 4, 6))
            slipped = digits[:i] + digits[i + 1] + digits[i] + digits[i + 2 :]
        else:
            # Mostly the last digits of the year, the month and the day: the first two digits
            # of a year are hardly ever mistyped.
            i = rng.choice((2, 3, 3, 4, 5, 5, 6, 7, 7))
            slipped = digits[:i] + rng.choice(string.digits) + digits[i + 1 :]
        try:
            day = date(int(slipped[:4]), int(slipped[4:6]), int(slipped[6:]))
        except ValueError:
            continue
        if day != born and 1900 <= day.year <= 2010:
            return day


_VARIATIONS = ("respell", "typo", "swap", "date_slip", "no_birth_date", "native")
_VARIATION_WEIGHTS = (3, 2, 2, 2, 2, 2)
# Variations that cannot go together: the second would undo the first.
_EXCLUSIVE = frozenset({"date_slip", "no_birth_date"})


def _variant(record: NameRecord, pool: _Pool, rng: random.Random) -> NameRecord:
    """A roster row for an existing person: one variation, sometimes two."""
    count = 1 if rng.random() < 0.6 else 2
    kinds: list[str] = []
    while len(kinds) < count:
        kind = rng.choices(_VARIATIONS, weights=_VARIATION_WEIGHTS)[0]
        if kind == "native" and not record.native_name:
            kind = "respell"
        if kind in _EXCLUSIVE and _EXCLUSIVE & set(kinds):
            continue
        if kind not in kinds:
            kinds.append(kind)
    # Respell while given and family still line up with the native parts; native script
    # replaces the Latin, so it comes last and drops Latin-only variations.
    kinds.sort(key=_VARIATIONS.index)
    row = replace(record, id=None)
    for kind in kinds:
        if kind == "respell":
            native_given, native_family = _native_parts(record, pool)
            if rng.random() < 0.5:
                row = replace(row, given_name=_respell(row.given_name, native_given, pool, rng))
            else:
                family = _respell(row.family_name, native_family, pool, rng)
                row = replace(row, family_name=family)
        elif kind == "swap":
            row = replace(row, given_name=row.family_name, family_name=row.given_name)
        elif kind == "date_slip" and row.birth_date:
            row = replace(row, birth_date=_date_slip(row.birth_date, rng))
        elif kind == "no_birth_date":
            row = replace(row, birth_date=None)
        elif kind == "typo":
            if rng.random() < 0.5:
                row = replace(row, given_name=_typo(row.given_name, rng))
            else:
                row = replace(row, family_name=_typo(row.family_name, rng))
        elif kind == "native":
            row = replace(row, given_name="", family_name="", native_name=record.native_name)
    if "native" not in kinds:
        row = replace(row, native_name="")  # a roster typed in Latin letters only
    return row


# --- the labelled set ---------------------------------------------------------------------


def generate(people: int, roster: int, *, seed: int = 2015) -> LabelledSet:
    """A registry of ``people`` and a roster of ``roster`` rows, about 2/3 of them known.

    The registry has namesakes (same or near-same name, other birth date) as hard negatives;
    the roster's new people sometimes share a registry person's name too.
    """
    maker = _Maker(seed)
    rng = maker.rng
    registry: list[NameRecord] = []
    pools: list[_Pool] = []
    for person_id in range(1, people + 1):
        if registry and rng.random() < 0.05:
            twin = rng.randrange(len(registry))
            record = _namesake(registry[twin], pools[twin], rng, maker, person_id)
            pool = pools[twin]
        else:
            record, pool = maker.person(person_id)
        registry.append(record)
        pools.append(pool)

    known = min(people, round(roster * 2 / 3))
    rows: list[tuple[NameRecord, int | None]] = []
    for index in rng.sample(range(people), known):
        rows.append((_variant(registry[index], pools[index], rng), registry[index].id))
    for _ in range(roster - known):
        if registry and rng.random() < 0.15:
            twin = rng.randrange(len(registry))
            record = _namesake(registry[twin], pools[twin], rng, maker, None)
        else:
            record, _pool = maker.person(None)
            if rng.random() < 0.1:
                record = replace(record, birth_date=None)
        if record.native_name and rng.random() < 0.7:
            record = replace(record, native_name="")
        rows.append((record, None))
    rng.shuffle(rows)
    return LabelledSet(
        people=registry, roster=[row for row, _ in rows], truth=[truth for _, truth in rows]
    )


def _namesake(
    other: NameRecord, pool: _Pool, rng: random.Random, maker: _Maker, person_id: int | None
) -> NameRecord:
    """Someone else with the same or nearly the same name: another birth date."""
    record = replace(other, id=person_id, birth_date=maker.birth_date(avoid=other.birth_date))
    if rng.random() < 0.5:
        native_given, _ = _native_parts(other, pool)
        record = replace(record, given_name=_respell(other.given_name, native_given, pool, rng))
    return record


# --- measuring ----------------------------------------------------------------------------


class InMemoryIndex:
    """Blocking keys to person ids in a dict: what the database index does, without one."""

    def __init__(self, people: Iterable[NameRecord]) -> None:
        self.people: dict[int, NameRecord] = {}
        self.ids_by_key: defaultdict[str, list[int]] = defaultdict(list)
        for person in people:
            if person.id is None:
                continue
            self.people[person.id] = person
            for key in blocking_keys(person):
                self.ids_by_key[key].append(person.id)

    def candidates(self, record: NameRecord, *, cap: int | None = None) -> list[NameRecord]:
        """People sharing a key with the record, those sharing most keys first."""
        hits: Counter[int] = Counter()
        for key in blocking_keys(record):
            hits.update(self.ids_by_key.get(key, ()))
        # As the database index does: near-date keys only rank below shared blocking keys.
        near: Counter[int] = Counter()
        for key in near_date_keys(record) - blocking_keys(record):
            near.update(self.ids_by_key.get(key, ()))
        ranked = sorted(hits.keys() | near.keys(), key=lambda pid: (-hits[pid], -near[pid]))
        return [self.people[pid] for pid in ranked[:cap]]

    def best_match(self, record: NameRecord, *, threshold: float = MATCH_THRESHOLD) -> Match | None:
        """The single most likely existing person, as a roster import would propose."""
        matches = rank_candidates(record, self.candidates(record), threshold=threshold, limit=1)
        return matches[0] if matches else None


def predict(labelled: LabelledSet, index: InMemoryIndex | None = None) -> list[int | None]:
    """The best match's person id for each roster row, or None."""
    if index is None:
        index = InMemoryIndex(labelled.people)
    return [
        match.person_id if (match := index.best_match(row)) else None for row in labelled.roster
    ]


def evaluate(labelled: LabelledSet, predicted: Sequence[int | None]) -> dict[str, float]:
    """Precision and recall of predicted matches against the labels.

    A match to the wrong person counts against both: it is a false alarm and a miss.
    """
    if len(predicted) != len(labelled.truth):
        raise ValueError("one prediction per roster row is needed")
    made = sum(p is not None for p in predicted)
    correct = sum(p is not None and p == t for p, t in zip(predicted, labelled.truth, strict=True))
    expected = sum(t is not None for t in labelled.truth)
    return {
        "precision": correct / made if made else 1.0,
        "recall": correct / expected if expected else 1.0,
        "correct": correct,
        "predicted_matches": made,
        "expected_matches": expected,
        "wrong_person": sum(
            p is not None and t is not None and p != t
            for p, t in zip(predicted, labelled.truth, strict=True)
        ),
    }

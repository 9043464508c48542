"""Find likely duplicate people by name and birth date, whatever the spelling or script.

Plain data in, plain data out: no Django here, so the rules can be tested and benchmarked on
their own and the database layer only stores (hashed) blocking keys and loads candidates.

Foreign officials' names reach us in many spellings: "Mohammed Al-Rashid", "Muhammad
Alrashid", "محمد الراشد", family name first, a letter wrong, the birth date missing. Two
layers handle that:

* blocking keys: short strings built from a consonant skeleton of each name token
  (:func:`phonetic_key`), shared by a record and its realistic variants, yet selective enough
  that a roster row reads a few dozen people rather than the registry;
* scoring: a finer similarity on the literal and phonetic forms, pulled down hard when both
  birth dates are known and differ, because namesakes are common; two dates one slip of the
  keyboard apart (day and month swapped, one digit wrong, two adjacent digits of one field
  swapped) are weaker agreement, not a difference.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from anyascii import anyascii
from rapidfuzz.distance import Indel

MATCH_THRESHOLD = 0.82
# Bump whenever :func:`blocking_keys` (or the keyed hash that stores them) changes what it
# returns: stored keys must then be rebuilt, by a people migration calling
# ``indexing.rebuild_match_keys`` (the matching benchmark checks it to rebuild its registry).
KEYS_VERSION = 3


@dataclass(frozen=True)
class NameRecord:
    """A person's names as matching sees them: a stored person or a roster row."""

    id: int | None  # person id, None for a roster row not in the database
    given_name: str
    family_name: str
    native_name: str = ""  # the name in native script, e.g. "محمد الراشد"
    birth_date: date | None = None
    nationality: str = ""  # ISO 3166 alpha-2 or ""


@dataclass(frozen=True)
class Match:
    """A stored person that a record probably is, with why we think so."""

    person_id: int
    score: float
    reasons: tuple[str, ...]


# --- normalisation -----------------------------------------------------------------------

# The Arabic article written joined to the word: transliterate it as "al-" so it is then
# treated exactly like a Latin "Al-" (anyascii alone renders "الراشد" as "lrshd").
_ARABIC_ARTICLE = re.compile(r"(?<![\u0600-\u06ff])\u0627\u0644(?=[\u0600-\u06ff])")
# Prefixes that belong to the next word when hyphenated: "Al-Rashid", "Ar-Rahman", "Abdul-Aziz".
_JOINED_PREFIX = re.compile(
    r"\b(al|el|ul|ar|as|ash|at|ad|an|az|ed|er|es|et|ez|abd|abdul|abdel|abu|abou)-+(?=[a-z])"
)
# Apostrophes and the marks transliteration leaves for ain and hamza: part of the word.
_WORD_MARKS = re.compile(r"['`\u2019\u02bc\u02bb\u00b4]")
_NON_LETTERS = re.compile(r"[^a-z]+")


def _words(text: str) -> frozenset[str]:
    """A word list written as text, to keep long lists readable."""
    return frozenset(text.split())


# Standalone particles that carry no identity: "Al Rashid" is "Rashid", "van Dijk" is "Dijk".
PARTICLES = _words(
    """
    al el ul bin bn ibn bint bnt binti banu bani banw bany bnw bny beni ould
    de da do dos das del della di du la le van von der den ter y e
    """
)


@lru_cache(maxsize=65536)
def normalize(text: str) -> str:
    """Lower-case ASCII letters and single spaces, so every script compares alike."""
    if not text:
        return ""
    if not text.isascii():
        text = anyascii(_ARABIC_ARTICLE.sub("al-", text))
    text = _WORD_MARKS.sub("", text.lower())
    if "-" in text:
        text = _JOINED_PREFIX.sub(_keep_prefix, text)
    return " ".join(_NON_LETTERS.split(text)).strip()


def _keep_prefix(match: re.Match[str]) -> str:
    """The prefix without its hyphen: "al-rashid" becomes "alrashid"."""
    return match.group(1)


# Arabic compound names are one name however they are spaced: "Abd al-Rahman", "Abdul Rahman"
# and "Abdulrahman"; "Nur al-Din", "Nureddine"; "Abu Bakr", "Abubakar"; "Nasr Allah".
_COMPOUND_HEADS = _words("abd abdul abdel abdal abdol abdu bd abu abou abo bw bou")
_DIN = "din deen dine dyn aldin aldeen aldyn addin adin eddin eddine edine uddin udin"
_ALLAH = "allah allh ullah ulla ollah llah"
# Each tail joins in one spelling, so "Nur al-Din" and "Nour Eddine" agree.
_COMPOUND_TAILS = {
    **dict.fromkeys(_DIN.split(), "uddin"),
    **dict.fromkeys(_ALLAH.split(), "ullah"),
}
_TAIL_ARTICLES = _words("al el ul ad ed ud")


def _join_compounds(words: list[str]) -> list[str]:
    """Join the parts of Arabic compound names into one token each."""
    joined: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        if word in _COMPOUND_HEADS and i + 1 < len(words):
            i += 1
            if words[i] in _TAIL_ARTICLES and i + 1 < len(words):
                word += words[i]
                i += 1
            joined.append(word + words[i])
        elif joined and word in _COMPOUND_TAILS:
            joined[-1] += _COMPOUND_TAILS[word]
        elif (
            joined
            and word in _TAIL_ARTICLES
            and i + 1 < len(words)
            and words[i + 1] in _COMPOUND_TAILS
        ):
            joined[-1] += _COMPOUND_TAILS[words[i + 1]]
            i += 1
        else:
            joined.append(word)
        i += 1
    return joined


@lru_cache(maxsize=65536)
def _tokens(text: str) -> tuple[str, ...]:
    """Normalised tokens without standalone particles (kept if they are the whole name)."""
    words = _join_compounds(normalize(text).split())
    kept = tuple(w for w in words if w not in PARTICLES and len(w) > 1)
    return kept or tuple(words)


# --- phonetic keys -----------------------------------------------------------------------

# Spellings of one sound across transliteration schemes, folded to one symbol (upper case
# marks a folded sound). Order matters: longer spellings first.
_FOLDS: tuple[tuple[str, str], ...] = (
    ("shch", "S"),
    ("sch", "S"),
    ("tch", "C"),
    ("dzh", "J"),
    ("sh", "S"),
    ("ch", "C"),
    ("zh", "J"),
    ("dj", "J"),
    ("j", "J"),
    ("kh", "h"),
    ("gh", "g"),
    ("ph", "f"),
    ("th", "t"),
    ("dh", "d"),
    ("ck", "k"),
    ("x", "ks"),
    ("q", "k"),
    ("c", "k"),
)
# Vowels and the semivowels romanisations disagree on (Yusuf/Iusuf, Walid/Oualid).
_VOWELS = frozenset("aeiouyw")


def phonetic_key(token: str) -> str:
    """A consonant skeleton that survives transliteration: Mohammed, Muhammad and محمد agree.

    Vowels are what romanisations disagree on most (Arabic script does not even write short
    ones), so they go; repeated letters collapse; digraphs fold to one sound; a leading Arabic
    article and a final "h" (ta marbuta, "Abdullah"/"Abdulla") are dropped.
    """
    return _skeleton(normalize(token).replace(" ", ""))


@lru_cache(maxsize=131072)
def _skeleton(text: str) -> str:
    """The phonetic key of an already normalised single word."""
    if not text:
        return ""
    if len(text) >= 5 and text[:2] in ("al", "el", "ul") and text[2] not in _VOWELS:
        text = text[2:]
    for spelling, sound in _FOLDS:
        if spelling in text:
            text = text.replace(spelling, sound)
    skeleton: list[str] = []
    for char in text:
        # Repeats collapse even across vowels: Arabic script drops long vowels too, so
        # "همام" reads "hmm" where the Latin is "Hammam".
        if char not in _VOWELS and not (skeleton and skeleton[-1] == char):
            skeleton.append(char)
    if len(skeleton) > 1 and skeleton[-1] == "h":
        skeleton.pop()
    # A name that is all vowels ("Aya") keeps its letters rather than an empty key.
    return "".join(skeleton) or f"_{text}"


# --- forms ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Form:
    """One way a record writes its name (Latin or native), precomputed for keys and scores.

    Latin and native forms are kept apart so that keys and similarities never mix a Latin
    token with a native one.
    """

    native: bool
    tokens: tuple[str, ...]
    skeletons: tuple[str, ...]
    split: int | None  # how many tokens are the given name, when known
    joined: str
    swapped: str
    ordered: str
    run: str
    run_swapped: str
    skel_joined: str
    skel_swapped: str
    skel_ordered: str
    skel_run: str
    skel_run_swapped: str


def _form(tokens: tuple[str, ...], split: int | None, *, native: bool) -> _Form:
    """Compute once the strings every comparison of this form needs."""
    skeletons = tuple(_skeleton(t) for t in tokens)
    turn = split or 1  # swap given and family blocks; unknown split: rotate one token
    swapped = tokens[turn:] + tokens[:turn]
    skel_swapped = skeletons[turn:] + skeletons[:turn]
    return _Form(
        native=native,
        tokens=tokens,
        skeletons=skeletons,
        split=split,
        joined=" ".join(tokens),
        swapped=" ".join(swapped),
        ordered=" ".join(sorted(tokens)),
        run="".join(tokens),
        run_swapped="".join(swapped),
        skel_joined=" ".join(skeletons),
        skel_swapped=" ".join(skel_swapped),
        skel_ordered=" ".join(sorted(skeletons)),
        skel_run=_skeleton("".join(tokens)),
        skel_run_swapped=_skeleton("".join(swapped)),
    )


@lru_cache(maxsize=65536)
def _forms(record: NameRecord) -> tuple[_Form, ...]:
    """The record's Latin form (given then family) and native form, when it has them."""
    given = _tokens(record.given_name)
    family = _tokens(record.family_name)
    latin = given + family
    split = len(given) if given and family else None
    forms = [_form(latin, split, native=False)] if latin else []
    native = _tokens(record.native_name)
    if native and native != latin:
        # A native name usually transliterates token for token into the Latin one: if so, it
        # splits where the Latin does.
        native_split = split if len(native) == len(latin) else None
        forms.append(_form(native, native_split, native=True))
    return tuple(forms)


def name_tokens(record: NameRecord) -> list[str]:
    """Every distinct normalised token of the record's Latin and native names."""
    seen: dict[str, None] = {}
    for form in _forms(record):
        seen.update(dict.fromkeys(form.tokens))
    return list(seen)


# --- blocking ----------------------------------------------------------------------------


_MIN_KEY_FOR_DELETIONS = 3
# A two-letter key may lose a letter too when it is paired with a long, selective key:
# "Vincent Boyer" and "Vincent Boyev" ("vnsnt" with "br" and "bv").
_MIN_ANCHOR_FOR_SHORT_DELETIONS = 4


def _deletions(key: str, anchor: str) -> list[str]:
    """The key and each way of deleting one character: two keys one edit apart share one.

    ``anchor`` is the key it will be paired with: deleting from a very short key would match
    nearly anything, unless the anchor alone is selective.
    """
    if len(key) < _MIN_KEY_FOR_DELETIONS and not (
        len(key) == 2 and len(anchor) >= _MIN_ANCHOR_FOR_SHORT_DELETIONS
    ):
        return [key]
    return [key, *{key[:i] + key[i + 1 :] for i in range(len(key))}]


def blocking_keys(record: NameRecord) -> set[str]:
    """Keys that a record shares with any realistic variant of itself.

    * ``p:`` a given-name skeleton with a family-name skeleton, or any one-letter deletion
      of it, in both directions: order-free, survives a missing birth date and a typo in one
      token. Only across the given/family boundary when it is known, because tokens within a
      family name ("Bani Sa'd ibn Bakr") are shared by a whole clan; all pairs otherwise;
    * ``d:`` a token's skeleton with the birth date: survives damage to every other token;
    * ``c:`` the skeleton of the whole name run together, in either order: "Abdulrahman"
      against "Abdul Rahman", and CJK names written without spaces.
    """
    keys: set[str] = set()
    born = record.birth_date.isoformat() if record.birth_date else ""
    for form in _forms(record):
        skeletons = form.skeletons
        if born:
            keys.update(f"d:{skeleton}|{born}" for skeleton in skeletons)
        for i, j in _pairs(len(skeletons), form.split):
            for first, second in ((skeletons[i], skeletons[j]), (skeletons[j], skeletons[i])):
                keys.update(f"p:{first}|{part}" for part in _deletions(second, first))
        keys.add(f"c:{form.skel_run}")
        if len(skeletons) > 1:
            keys.add(f"c:{form.skel_run_swapped}")
    return keys


def near_date_keys(record: NameRecord) -> set[str]:
    """The ``d:`` keys of every date one slip from the record's birth date
    (:func:`close_birth_dates`): looked up beside :func:`blocking_keys`, never stored.

    Only the query side widens: closeness is symmetric, so a stored date with a slip is found
    from the right date and the other way round, and each extra key is an index probe that
    usually finds nobody. A candidate found only through these ranks below any candidate
    sharing a blocking key, so that with a short, common token ("Ali") they cannot crowd the
    exact ones out of a row's bounded candidate list.
    """
    if not record.birth_date:
        return set()
    near = [d.isoformat() for d in close_birth_dates(record.birth_date)]
    return {
        f"d:{skeleton}|{born}"
        for form in _forms(record)
        for skeleton in form.skeletons
        for born in near
    }


def _pairs(count: int, split: int | None) -> list[tuple[int, int]]:
    """Token positions to pair: given with family when the split is known, else all."""
    if split is None:
        return [(i, j) for i in range(count) for j in range(i + 1, count)]
    return [(i, j) for i in range(split) for j in range(split, count)]


# --- birth dates -------------------------------------------------------------------------

# Reasons that say something about birth dates: shown only to who may see birth dates.
SAME_BIRTH_DATE = "same birth date"
CLOSE_BIRTH_DATE = "birth date close"  # + " (how)"
DIFFERENT_BIRTH_DATE = "different birth date"
UNKNOWN_BIRTH_DATE = "birth date unknown on one side"
BIRTH_DATE_REASONS = (SAME_BIRTH_DATE, CLOSE_BIRTH_DATE, DIFFERENT_BIRTH_DATE, UNKNOWN_BIRTH_DATE)

DAY_MONTH_SWAPPED = "day and month swapped"
ONE_DIGIT_DIFFERS = "one digit differs"
DIGITS_SWAPPED = "two adjacent digits swapped"

# Where each field of a birth date lies in its eight digits, YYYYMMDD.
_DATE_FIELDS = ((0, 4), (4, 6), (6, 8))
# Nobody alive was born earlier (the application refuses such dates too), nor in the future.
_EARLIEST_YEAR = 1900


def _digits(day: date) -> str:
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"


def _date_of(digits: str) -> date | None:
    try:
        day = date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        return None
    return day if _EARLIEST_YEAR <= day.year <= date.today().year else None


def birth_date_slip(a: date, b: date) -> str | None:
    """How two different birth dates are one slip of the keyboard apart, or None.

    * the day and the month swapped (07/03 written for 03/07: the commonest confusion
      between date orders);
    * one digit of the eight replaced (1985-03-07 and 1985-03-01, 1975 and 1985);
    * two adjacent digits of one field swapped (1958 and 1985, the 12th and the 21st):
      the commonest slip in typing digits. Digits from two fields never count as adjacent,
      since a separator or another box lies between them when dates are typed.
    """
    if a == b:
        return None
    if a.year == b.year and a.month == b.day and a.day == b.month:
        return DAY_MONTH_SWAPPED
    da, db = _digits(a), _digits(b)
    differ = [i for i in range(8) if da[i] != db[i]]
    if len(differ) == 1:
        return ONE_DIGIT_DIFFERS
    if len(differ) == 2:
        i, j = differ
        same_field = any(start <= i and j < end for start, end in _DATE_FIELDS)
        if j == i + 1 and same_field and da[i] == db[j] and da[j] == db[i]:
            return DIGITS_SWAPPED
    return None


@lru_cache(maxsize=65536)
def close_birth_dates(day: date) -> tuple[date, ...]:
    """Every valid date one slip away from ``day`` (:func:`birth_date_slip`), about 35."""
    digits = _digits(day)
    found: dict[date, None] = {}
    swapped = _date_of(f"{digits[:4]}{digits[6:]}{digits[4:6]}")
    if swapped is not None:
        found[swapped] = None
    for i in range(8):
        for digit in "0123456789":
            if digit != digits[i]:
                near = _date_of(digits[:i] + digit + digits[i + 1 :])
                if near is not None:
                    found[near] = None
    for start, end in _DATE_FIELDS:
        for i in range(start, end - 1):
            if digits[i] != digits[i + 1]:
                near = _date_of(digits[:i] + digits[i + 1] + digits[i] + digits[i + 2 :])
                if near is not None:
                    found[near] = None
    found.pop(day, None)
    return tuple(found)


# --- scoring -----------------------------------------------------------------------------

# Equal skeletons with different letters are good but not literal evidence.
_PHONETIC_WEIGHT = 0.95
_SKELETON_LETTERS_FOR_FULL_CREDIT = 7
_TOKEN_PHONETIC = 0.9
_UNMATCHED_TOKEN_BELOW = 0.6
_UNMATCHED_TOKEN = -0.15
_SAME_BIRTH_DATE = 0.1
# One slip apart: weaker agreement than the same date, better than an unknown one. About 35
# dates lie one slip from any date, so a namesake has a 1-in-500 chance of one: such
# agreement is worth little. A day and month swapped keeps every digit and is the commonest
# confusion of date orders, so it says a little more.
_CLOSE_BIRTH_DATE = {DAY_MONTH_SWAPPED: 0.0, ONE_DIGIT_DIFFERS: -0.03, DIGITS_SWAPPED: -0.03}
_UNKNOWN_BIRTH_DATE = -0.1
_OTHER_BIRTH_DATE_FACTOR = 0.6
_OTHER_BIRTH_DATE = -0.1
_SAME_NATIONALITY = 0.02
_OTHER_NATIONALITY = -0.1


def _similarity(a: str, b: str) -> float:
    """0..1, from the insert/delete edit distance: forgiving of dropped and added letters."""
    return Indel.normalized_similarity(a, b)


def _compare(a: _Form, b: _Form) -> tuple[float, float, bool]:
    """Literal and phonetic similarity of two forms, and whether the best one was swapped."""
    literal_direct = _similarity(a.joined, b.joined)
    literal_swapped = _similarity(a.joined, b.swapped)
    literal = max(literal_direct, literal_swapped, _similarity(a.ordered, b.ordered))
    phonetic = max(
        _similarity(a.skel_joined, b.skel_joined),
        _similarity(a.skel_joined, b.skel_swapped),
        _similarity(a.skel_ordered, b.skel_ordered),
    )
    if len(a.tokens) != len(b.tokens):
        # Split or joined differently ("Abdul Rahman", CJK without spaces): compare run
        # together. Only then, as unrelated names can run together alike.
        literal = max(literal, _similarity(a.run, b.run), _similarity(a.run, b.run_swapped))
        phonetic = max(
            phonetic,
            _similarity(a.skel_run, b.skel_run),
            _similarity(a.skel_run, b.skel_run_swapped),
        )
    return literal, phonetic, literal_swapped > literal_direct


def _weakest_token(a: _Form, b: _Form) -> float:
    """How well the worst-matched token of the shorter name finds a counterpart.

    Siblings and spouses share a family name, sometimes a birth date too; a whole-name
    similarity flatters them, but one of their given names has no counterpart at all.
    """
    short, long = (a, b) if len(a.tokens) <= len(b.tokens) else (b, a)
    worst = 1.0
    for token, skeleton in zip(short.tokens, short.skeletons, strict=True):
        best = 0.0
        for other, other_skeleton in zip(long.tokens, long.skeletons, strict=True):
            if token == other:
                best = 1.0
                break
            best = max(best, _similarity(token, other))
            if skeleton == other_skeleton:
                best = max(best, _TOKEN_PHONETIC)
        worst = min(worst, best)
    if len(a.tokens) != len(b.tokens):
        worst = max(worst, _similarity(a.run, b.run), _similarity(a.run, b.run_swapped))
    return worst


@dataclass(frozen=True, slots=True)
class _Evidence:
    value: float
    phonetic_gain: float
    swapped: bool
    unmatched_part: bool


def _name_evidence(a: _Form, b: _Form) -> _Evidence:
    """How similar two forms are, how much of that is only phonetic, and what else to say.

    A skeleton says less the shorter it is: "Ojas Bora" and "José Barra" share one, as do
    "Hayah" and "Hu", so phonetic agreement counts in full only for long enough skeletons.
    """
    literal, phonetic, swapped = _compare(a, b)
    phonetic *= _PHONETIC_WEIGHT
    value = literal
    if phonetic > literal:
        letters = min(len(a.skel_run), len(b.skel_run))
        value += (phonetic - literal) * min(1.0, letters / _SKELETON_LETTERS_FOR_FULL_CREDIT)
    gain = value - literal
    unmatched = _weakest_token(a, b) < _UNMATCHED_TOKEN_BELOW
    if unmatched:
        value += _UNMATCHED_TOKEN
    return _Evidence(value, gain, swapped, unmatched)


def _name_similarity(a: NameRecord, b: NameRecord) -> tuple[float, str]:
    """The best similarity over every pair of name forms, and how to describe it."""
    best: _Evidence | None = None
    best_native = (False, False)
    for form_a in _forms(a):
        for form_b in _forms(b):
            evidence = _name_evidence(form_a, form_b)
            if best is None or evidence.value > best.value:
                best, best_native = evidence, (form_a.native, form_b.native)
    if best is None:
        return 0.0, "no comparable name"
    notes = []
    if best.phonetic_gain > 0:
        notes.append("transliteration")
    if best_native[0] != best_native[1]:
        notes.append("native script")
    elif best_native[0]:
        notes.append("both native script")
    if best.swapped:
        notes.append("name order swapped")
    if best.unmatched_part:
        notes.append("a name part has no counterpart")
    value = min(1.0, max(0.0, best.value))
    reason = "same name" if value >= 1.0 else f"name {round(value * 100)}% similar"
    if notes:
        reason += f" ({', '.join(notes)})"
    return value, reason


def score(a: NameRecord, b: NameRecord) -> tuple[float, list[str]]:
    """How likely two records are one person (0..1), with reasons a reviewer can check.

    The name decides, birth dates confirm or veto: both known and different means another
    person however similar the name, since namesakes are common; two dates one slip apart
    (:func:`birth_date_slip`) neither confirm nor veto, they count between the same date
    and an unknown one; one unknown costs a little, so that a name alone must be close to be
    reported.
    """
    if not _forms(a) or not _forms(b):
        return 0.0, ["no comparable name"]
    name, name_reason = _name_similarity(a, b)
    reasons = [name_reason]
    value = name
    if a.birth_date and b.birth_date:
        slip = birth_date_slip(a.birth_date, b.birth_date)
        if a.birth_date == b.birth_date:
            value += _SAME_BIRTH_DATE
            reasons.append(SAME_BIRTH_DATE)
        elif slip is not None:
            value += _CLOSE_BIRTH_DATE[slip]
            reasons.append(f"{CLOSE_BIRTH_DATE} ({slip})")
        else:
            value = value * _OTHER_BIRTH_DATE_FACTOR + _OTHER_BIRTH_DATE
            reasons.append(DIFFERENT_BIRTH_DATE)
    else:
        value += _UNKNOWN_BIRTH_DATE
        reasons.append(UNKNOWN_BIRTH_DATE)
    if a.nationality and b.nationality:
        if a.nationality.upper() == b.nationality.upper():
            value += _SAME_NATIONALITY
            reasons.append("same nationality")
        else:
            value += _OTHER_NATIONALITY
            reasons.append("different nationality")
    return round(min(1.0, max(0.0, value)), 4), reasons


def rank_candidates(
    query: NameRecord,
    candidates: Iterable[NameRecord],
    *,
    threshold: float = MATCH_THRESHOLD,
    limit: int = 5,
) -> list[Match]:
    """The best-scoring stored people at or above the threshold, best first."""
    best: dict[int, Match] = {}
    for candidate in candidates:
        if candidate.id is None or candidate.id == query.id:
            continue
        value, reasons = score(query, candidate)
        if value < threshold:
            continue
        previous = best.get(candidate.id)
        if previous is None or value > previous.score:
            best[candidate.id] = Match(candidate.id, value, tuple(reasons))
    ranked = sorted(best.values(), key=lambda m: (-m.score, m.person_id))
    return ranked[:limit]


def is_birth_date_reason(reason: str) -> bool:
    """Whether a match reason says anything about the two birth dates."""
    return reason.startswith(BIRTH_DATE_REASONS)


def is_native_script(name: str) -> bool:
    """True when the name is not written in Latin letters (diacritics are still Latin)."""
    letters = [ord(c) for c in name if c.isalpha()]
    foreign = sum(c > 0x24F and not 0x1E00 <= c <= 0x1EFF for c in letters)
    return foreign * 2 > len(letters)

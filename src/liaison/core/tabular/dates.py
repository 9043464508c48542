"""Dates as partners write them: ISO, day-month-year, month names in EN/ES/FR/PT, Excel serials.

A numeric date whose day and month are both 12 or less (07/03/1985) reads two ways; it is never
guessed. :func:`parse_date_text` raises :class:`AmbiguousDate` for it unless the caller gives
the order the file uses.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta
from enum import StrEnum

from liaison.core.tabular.values import clean_text, fold


class DateOrder(StrEnum):
    DAY_FIRST = "dmy"
    MONTH_FIRST = "mdy"


class AmbiguousDate(ValueError):
    """A numeric date that reads both ways; carries both readings."""

    def __init__(self, text: str, day_first: date, month_first: date) -> None:
        self.text = text
        self.day_first = day_first
        self.month_first = month_first
        super().__init__(
            f"“{text}” can be read as {long_date(day_first)} (day first) or as "
            f"{long_date(month_first)} (month first); say which order the file uses."
        )


MIN_YEAR = 1900
MAX_YEAR = 2100
# Excel serial numbers accepted as dates: 10000 is 18 May 1927, 73050 is 31 December 2099.
MIN_SERIAL = 10_000
MAX_SERIAL = 73_050
_EPOCH_1900 = date(1899, 12, 30)  # serial 1 is 1 January 1900; Excel counts a 29 Feb 1900
_EPOCH_1904 = date(1904, 1, 1)

_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"]  # fmt: skip

_MONTH_WORDS: dict[str, int] = {}
for _number, _words in enumerate(
    [
        "january jan enero ene janvier janv janeiro",
        "february feb febrero fevrier fevr fev fevereiro",
        "march mar marzo mars marco",
        "april apr abril abr avril avr",
        "may mayo mai maio",
        "june jun junio juin junho",
        "july jul julio juillet juil julho",
        "august aug agosto ago aout",
        "september sep sept septiembre setiembre set septembre setembro",
        "october oct octubre octobre outubro out",
        "november nov noviembre novembre novembro",
        "december dec diciembre dic decembre dezembro dez",
    ],
    start=1,
):
    for _word in _words.split():
        _MONTH_WORDS[_word] = _number

_FILLER = {
    "de", "del", "of", "the", "le", "el", "st", "nd", "rd", "th", "er", "eme", "o", "a", "do",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun",
    "lunes", "martes", "miercoles", "jueves", "viernes", "sabado", "domingo",
    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
    "segunda", "terca", "quarta", "quinta", "sexta", "feira",
}  # fmt: skip

_TIME = re.compile(
    r"(?P<date>.*?\d)(?:\s+|T)(?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2})(?:[.,]\d+)?)?"
    r"\s*(?P<ampm>[AaPp]\.?\s?[Mm]\.?)?\s*(?:Z|UTC|[+-]\d{2}:?\d{2})?"
)
_ISO = re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_SERIAL = re.compile(r"\d{5}")
_NUMERIC = re.compile(r"(\d{1,2})\s*[./-]\s*(\d{1,2})\s*[./-]\s*(\d{4}|\d{2})")
_TOKEN = re.compile(r"\d+|[^\W\d_]+")


def long_date(value: date) -> str:
    """7 March 1985: a form nobody misreads."""
    return f"{value.day} {_MONTHS[value.month - 1]} {value.year}"


def from_serial(serial: float, *, epoch_1904: bool = False) -> date:
    """An Excel serial number as a date (its time of day dropped)."""
    days = int(serial)
    if not MIN_SERIAL <= days <= MAX_SERIAL:
        raise ValueError(f"{serial:g} is a number, not a date; write the date as YYYY-MM-DD.")
    return (_EPOCH_1904 if epoch_1904 else _EPOCH_1900) + timedelta(days=days)


def _full_year(year_text: str, month: int, day: int, *, future: bool, today: date) -> int:
    year = int(year_text)
    if len(year_text) > 2:
        return year
    if future:
        # Within fifty years either side of today: a “valid until 03/2029” or “15/03/24”.
        year += 2000
        if year > today.year + 49:
            year -= 100
        elif year < today.year - 50:
            year += 100
        return year
    # Into the past: the latest such date that is not after today.
    year += 2000
    try:
        if date(year, month, day) > today:
            year -= 100
    except ValueError:  # 29 February of a non-leap year: checked by the caller
        if year > today.year:
            year -= 100
    return year


def _make(year: int, month: int, day: int, text: str) -> date:
    if not 1 <= month <= 12:
        raise ValueError(f"“{text}” is not a date: there is no month {month}.")
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(
            f"“{text}” is not a date Liaison accepts: the year {year} is outside "
            f"{MIN_YEAR} to {MAX_YEAR}."
        )
    length = calendar.monthrange(year, month)[1]
    if day < 1:
        raise ValueError(f"“{text}” is not a date: there is no day {day}.")
    if day > length:
        raise ValueError(f"“{text}” is not a date: {_MONTHS[month - 1]} {year} has {length} days.")
    return date(year, month, day)


def numeric_hint(text: str) -> DateOrder | None:
    """The order an unambiguous numeric date shows: 25/03/1980 → DAY_FIRST, 03/25/1980 →
    MONTH_FIRST; None for anything else."""
    match = _NUMERIC.fullmatch(_strip_time(clean_text(text)))
    if not match:
        return None
    first, second = int(match[1]), int(match[2])
    if first > 12 >= second >= 1:
        return DateOrder.DAY_FIRST
    if second > 12 >= first >= 1:
        return DateOrder.MONTH_FIRST
    return None


def _strip_time(text: str) -> str:
    match = _TIME.fullmatch(text)
    return match["date"] if match else text


def parse_date_text(
    text: str,
    *,
    order: DateOrder | None,
    future: bool = False,
    today: date | None = None,
) -> date:
    """Read a date written as text. ValueError (a message for users) when it is not a date;
    AmbiguousDate (a ValueError) when it reads both ways and no order is given.

    Two-digit years fall in the past (the latest date not after today) unless ``future``:
    then within fifty years of today. ``order`` applies to numeric day/month/year dates only.
    """
    today = today or date.today()
    written = clean_text(text)
    if not written:
        raise ValueError("No date is given.")
    value = written
    timed = _TIME.fullmatch(value)
    if timed:
        hour, minute, second = int(timed["h"]), int(timed["m"]), int(timed["s"] or 0)
        ampm = (timed["ampm"] or "").lower()
        midnight = minute == second == 0 and (hour == 0 or (hour == 12 and ampm.startswith("a")))
        if not midnight:
            raise ValueError(f"“{written}” holds a time as well as a date; give the date alone.")
        value = timed["date"]

    if match := _ISO.fullmatch(value):
        return _make(int(match[1]), int(match[3]), int(match[4]), written)
    if match := _COMPACT.fullmatch(value):
        return _make(int(match[1]), int(match[2]), int(match[3]), written)
    if _SERIAL.fullmatch(value):
        try:
            return from_serial(int(value))
        except ValueError:
            raise ValueError(f"“{written}” is not a date; write the date as YYYY-MM-DD.") from None
    if match := _NUMERIC.fullmatch(value):
        return _numeric(match, written, order=order, future=future, today=today)
    return _with_month_name(value, written, future=future, today=today)


def _numeric(
    match: re.Match[str], written: str, *, order: DateOrder | None, future: bool, today: date
) -> date:
    first, second, year_text = int(match[1]), int(match[2]), match[3]

    def read(day: int, month: int) -> date:
        if not 1 <= month <= 12:
            raise ValueError(f"“{written}” is not a date: there is no month {month}.")
        return _make(
            _full_year(year_text, month, day, future=future, today=today), month, day, written
        )

    if order is DateOrder.DAY_FIRST:
        if second > 12:
            raise ValueError(
                f"“{written}” is not a date in day/month/year order (there is no month {second})."
            )
        return read(first, second)
    if order is DateOrder.MONTH_FIRST:
        if first > 12:
            raise ValueError(
                f"“{written}” is not a date in month/day/year order (there is no month {first})."
            )
        return read(second, first)
    if first > 12 and second > 12:
        raise ValueError(f"“{written}” is not a date: neither {first} nor {second} is a month.")
    if first > 12 or first == second:
        return read(first, second)
    if second > 12:
        return read(second, first)
    if first == 0 or second == 0:
        raise ValueError(f"“{written}” is not a date: there is no day or month 0.")
    raise AmbiguousDate(written, read(first, second), read(second, first))


def _with_month_name(value: str, written: str, *, future: bool, today: date) -> date:
    tokens = [t for t in _TOKEN.findall(fold(value)) if t not in _FILLER]
    months = [i for i, t in enumerate(tokens) if not t.isdigit()]
    unreadable = ValueError(
        f"“{written}” is not a date Liaison can read; write it as YYYY-MM-DD (e.g. 1980-03-25)."
    )
    if len(tokens) != 3 or len(months) != 1 or tokens[months[0]] not in _MONTH_WORDS:
        raise unreadable
    month = _MONTH_WORDS[tokens[months[0]]]
    first, second = (t for t in tokens if t.isdigit())
    if months[0] == 2 and len(first) != 4:  # only “1980 26 Aug” style with a 4-digit year
        raise unreadable
    if len(first) >= 3:  # year first: 1980 Aug 26, 1980-Aug-26
        year_text, day_text = first, second
    else:  # 26 Aug 1980, Aug 26 1980, 17-Feb-78
        day_text, year_text = first, second
    if len(year_text) not in (2, 4) or len(day_text) > 2:
        raise unreadable
    day = int(day_text)
    return _make(_full_year(year_text, month, day, future=future, today=today), month, day, written)

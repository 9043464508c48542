"""A partner's 30-row roster, for the import tests and the browser test.

Three rows are people already in the registry, typed the way partners type them: another
transliteration ("Mohammed Al-Rashid" for "Muhammad Alrashid"), accents dropped and capitals,
given and family names swapped. Two rows can carry a mistake (an impossible date, a country
that does not exist), and the same roster comes without them once "fixed".
"""

from __future__ import annotations

import contextlib
import csv
import io
from collections.abc import Sequence
from datetime import date

from anyascii import anyascii
from openpyxl import Workbook

from liaison.partners.models import Country
from liaison.people.indexing import name_record
from liaison.people.matching import MATCH_THRESHOLD, NameRecord, score
from liaison.people.models import Person
from liaison.people.services import person_create
from liaison.training.roster_file import COLUMN_KEYS as COLUMNS

ROSTER_SIZE = 30
# Spreadsheet row numbers (the header is row 1) of the near-duplicates and the bad cells.
NEAR_DUPLICATE_ROWS = (6, 17, 28)
BAD_CELLS = {11: "birth_date", 23: "nationality"}

# The registered people the roster near-duplicates, one per way of typing a name differently.
EXISTING_PEOPLE: list[dict[str, object]] = [
    {
        "given_name": "Muhammad",
        "family_name": "Alrashid",
        "birth_date": date(1979, 3, 14),
        "nationality": "JO",
    },
    {
        "given_name": "José Luis",
        "family_name": "Peña Gutiérrez",
        "birth_date": date(1984, 11, 2),
        "nationality": "PE",
    },
    {
        "given_name": "Ana Lucía",
        "family_name": "Quispe Mamani",
        "birth_date": date(1990, 7, 21),
        "nationality": "BO",
    },
]

# Everyone else on the roster: new to the registry, and unlike one another.
# (given, family, gender, birth date as typed, nationality as typed, position)
NEWCOMERS: list[tuple[str, str, str, str, str, str]] = [
    ("Carlos Andrés", "Mendoza Rivas", "M", "1982-04-11", "CO", "Customs inspector"),
    ("Lucía Fernanda", "Torres Vega", "F", "23/09/1986", "Peru", "Border police sergeant"),
    ("Jorge Luis", "Castillo Paredes", "m", "1975-01-30", "EC", "Immigration officer"),
    ("María José", "Salazar Ortiz", "f", "1991-06-05", "Guatemala", "Customs analyst"),
    ("Diego Alejandro", "Herrera Luna", "male", "12/12/1988", "MX", "Port inspector"),
    ("Valentina", "Rojas Cárdenas", "female", "1993-02-17", "bolivia", "Border guard"),
    ("Andrés Felipe", "Gómez Restrepo", "M", "1980-08-08", "Colombia", "Intelligence analyst"),
    ("Camila", "Ibáñez Fuentes", "F", "1989-10-19", "PE", "Customs officer"),
    ("Roberto", "Chávez Aguilar", "", "07/03/1977", "Mexico", "Deputy director"),
    ("Sofía", "Navarro Delgado", "F", "1994-12-01", "EC", "Trainer"),
    ("Hassan Mahmoud", "Khalil", "M", "1983-05-22", "Egypt", "Port security officer"),
    ("Layla", "Nasser Saleh", "F", "1987-09-09", "JO", "Customs officer"),
    ("Tariq", "Bashir Awad", "M", "14/04/1981", "Jordan", "Border police captain"),
    ("Rania", "Haddad", "F", "1992-03-03", "JO", "Risk analyst"),
    ("Karim", "Benali", "M", "1978-11-27", "MA", "Customs inspector"),
    ("Nadia", "El Amrani", "F", "1990-01-15", "Morocco", "Immigration officer"),
    ("Ali Hussein", "Kadhim", "M", "1985-07-07", "IQ", "Border guard"),
    ("Peter Mwangi", "Kamau", "M", "1986-02-28", "KE", "Revenue officer"),
    ("Grace Wanjiru", "Otieno", "F", "30/06/1992", "Kenya", "Port inspector"),
    ("Thị Hoa", "Nguyễn", "F", "1988-04-04", "VN", "Customs officer"),
    ("Văn Đức", "Trần", "M", "1979-12-12", "Vietnam", "Border guard lieutenant"),
    ("Maria Cristina", "Dela Cruz", "F", "1991-09-30", "PH", "Customs examiner"),
    ("Joseph", "Bautista Reyes", "M", "1984-05-05", "Philippines", "Intelligence officer"),
    ("Olena", "Kovalenko", "F", "1987-08-18", "UA", "Border guard major"),
    ("Andriy", "Shevchenko", "M", "1983-03-21", "Ukraine", "Customs inspector"),
    ("Mehmet", "Y\u0131lmaz", "M", "1980-10-10", "TR", "Customs director"),
    ("Ayşe", "Demir", "F", "1993-11-11", "Turkey", "Risk analyst"),
]
# The two mistakes, and what the fixed file says instead: (index in NEWCOMERS, column, bad).
MISTAKES = [(8, "birth_date", "31/02/1977"), (19, "nationality", "Atlantis")]

# Other transliterations of common names, for the first near-duplicate.
SPELLINGS = {
    "muhammad": "Mohammed",
    "mohammed": "Muhammad",
    "mohamed": "Muhammad",
    "alrashid": "Al-Rashid",
    "al-rashid": "Alrashid",
    "yusuf": "Youssef",
    "youssef": "Yusuf",
    "ahmad": "Ahmed",
    "ahmed": "Ahmad",
    "hussein": "Husayn",
    "abdullah": "Abdallah",
}


def create_existing_people(actor: object) -> list[Person]:
    """Register the people of :data:`EXISTING_PEOPLE` through the service, as a user would."""
    people = []
    for spec in EXISTING_PEOPLE:
        values = dict(spec)
        values["nationality"] = Country.objects.get(code=spec["nationality"])
        people.append(person_create(actor=actor, allow_duplicates=True, **values))
    return people


def _respell(text: str) -> str:
    return " ".join(SPELLINGS.get(word.lower(), word) for word in text.split())


def near_duplicate(person: Person, style: int) -> dict[str, str]:
    """The row a partner would type for ``person``: style 0 another transliteration, 1 accents
    dropped and family name in capitals, 2 given and family names swapped."""
    nationality = person.nationality
    born = person.birth_date
    given, family = person.given_name, person.family_name
    if style == 0:
        given, family = _respell(given), _respell(family)
        if (given, family) == (person.given_name, person.family_name):
            given, family = anyascii(given), anyascii(family).upper()
        country = nationality.name if nationality else ""
        typed_born = born.isoformat() if born else ""
    elif style == 1:
        given, family = anyascii(given), anyascii(family).upper()
        country = str(nationality.code) if nationality else ""
        typed_born = f"{born:%d/%m/%Y}" if born else ""
    else:
        given, family = family, given
        country = str(nationality.code).lower() if nationality else ""
        typed_born = born.isoformat() if born else ""
    row = _row(given, family, "", typed_born, country, person.position)
    typed = NameRecord(None, given, family, "", born, str(nationality.code) if nationality else "")
    value, reasons = score(typed, name_record(person))
    if value < MATCH_THRESHOLD:
        raise ValueError(f"{row} is not near enough to {person} ({value}: {reasons}).")
    return row


def _row(
    given: str, family: str, gender: str, born: str, nationality: str, position: str
) -> dict[str, str]:
    handle = anyascii(f"{given.split()[0]}.{family.split()[0]}").lower().replace("'", "")
    return {
        "family_name": family,
        "given_name": given,
        "native_name": "",
        "gender": gender,
        "birth_date": born,
        "nationality": nationality,
        "passport_number": "",
        "agency": "",
        "position": position,
        "email": f"{handle}@example.org",
        "phone": "",
    }


def roster_rows(existing: Sequence[Person], *, with_errors: bool = True) -> list[dict[str, str]]:
    """30 rows: near-duplicates of the three ``existing`` people at :data:`NEAR_DUPLICATE_ROWS`,
    and (``with_errors``) a bad cell at each of :data:`BAD_CELLS`."""
    if len(existing) != len(NEAR_DUPLICATE_ROWS):
        raise ValueError(f"Give {len(NEAR_DUPLICATE_ROWS)} existing people.")
    newcomers = [list(n) for n in NEWCOMERS]
    if with_errors:
        for index, column, bad in MISTAKES:
            newcomers[index][3 if column == "birth_date" else 4] = bad
    fresh = iter(_row(*n) for n in newcomers)
    duplicates = {
        row - 2: near_duplicate(p, i)
        for i, (row, p) in enumerate(zip(NEAR_DUPLICATE_ROWS, existing, strict=True))
    }
    return [duplicates.get(i) or next(fresh) for i in range(ROSTER_SIZE)]


def roster_csv(rows: Sequence[dict[str, str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(COLUMNS))
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def roster_xlsx(rows: Sequence[dict[str, str]]) -> bytes:
    """The roster as a spreadsheet; ISO dates become real date cells, as partners' files have."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(list(COLUMNS))
    for row in rows:
        cells: list[object] = []
        for column in COLUMNS:
            value: object = row.get(column, "")
            if column == "birth_date" and isinstance(value, str) and len(value) == 10:
                with contextlib.suppress(ValueError):
                    value = date.fromisoformat(value)
            cells.append(value)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

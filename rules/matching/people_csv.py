"""The waiting-list CSV file: its columns, a template, and a strict parser.

An import is all or nothing: `parse_people_csv` returns either every person in
the file and no problems, or problems and no people. Each problem names the row
(as a spreadsheet numbers it: the column names are row 1) and the column, in
plain English, so the file can be fixed and uploaded again.

The list is pseudonymous: a person is a reference the placement team chose (like
"LCC-0042"), never a name. Unknown columns are refused, so a "name" column cannot
slip in.

Spreadsheet safety: a cell starting with =, +, - or @ is read by spreadsheets as a
formula. Such cells are refused in references and codes; in sharing notes the
text is kept, and `people_csv_text` (any export) prefixes it with an apostrophe
so it shows as text. The file's size and row count are checked before anything
is parsed, so a huge or junk upload is refused at once.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import BinaryIO, TypeVar
from zoneinfo import ZoneInfo

from rules.matching.people import AgeBand, Person, Priority, SupportNeed
from rules.tenant import DisabilityBenefit, TenantProfile

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
MAX_PROBLEMS = 500
MAX_NOTES_CHARACTERS = 500
# The same rule as triage/csv_export.py (the rules package cannot import the web app).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

REFERENCE_PATTERN = re.compile(r"[A-Z0-9][A-Z0-9-]{2,19}")
DISTRICT_PATTERN = re.compile(r"[A-Z]{1,2}[0-9][0-9A-Z]?")
AREA_SEPARATORS = re.compile(r"[\s,;]+")
T = TypeVar("T")
YES = {"yes", "y", "true"}
NO = {"no", "n", "false"}


@dataclass(frozen=True)
class Column:
    name: str
    required: bool  # must be in the file (its cells may still be allowed blank)
    description: str
    example: str


COLUMNS: tuple[Column, ...] = (
    Column(
        "person_reference",
        True,
        "The team's own reference for the person: 3 to 20 letters, digits and hyphens, "
        "starting with a letter or digit. Never a name. Upper case is used.",
        "LCC-0042",
    ),
    Column("cohort", True, "One of the policy's cohort codes.", "supported_living_waiting_list"),
    Column(
        "date_referred",
        True,
        "The date the person was referred, as YYYY-MM-DD or DD/MM/YYYY. Not in the future.",
        "2025-03-14",
    ),
    Column("priority", True, "urgent, high, medium or low.", "high"),
    Column(
        "support_needed",
        True,
        "floating, regular_on_site or on_site_24_7.",
        "regular_on_site",
    ),
    Column(
        "self_contained_required",
        True,
        "yes if the person needs a self-contained home; no if sharing is acceptable.",
        "yes",
    ),
    Column("wheelchair_user", True, "yes or no.", "no"),
    Column("level_access_needed", True, "yes if level access or a ground floor is needed.", "no"),
    Column("age_band", True, "16-17, 18-24, 25-34, 35-49, 50-64, 65-74 or 75+.", "35-49"),
    Column(
        "preferred_areas",
        True,
        "Postcode districts the person would like, like LE2 LE3; may be blank.",
        "LE2 LE3",
    ),
    Column(
        "excluded_areas",
        True,
        "Postcode districts the person must not live in; may be blank.",
        "LE1",
    ),
    Column(
        "sharing_notes",
        True,
        f"Free text about who the person could share with, up to {MAX_NOTES_CHARACTERS} "
        "characters; may be blank. No names.",
        "Gets on well in a quiet household",
    ),
    Column(
        "unavailable_until",
        False,
        "Optional: do not propose the person before this date (YYYY-MM-DD or DD/MM/YYYY).",
        "",
    ),
    # The benefit profile, for the rent affordability check on nomination. All
    # optional; give the age whenever any of the others is given.
    Column("age", False, "Optional: the person's age in years, 16 to 110.", ""),
    Column(
        "disability_benefits",
        False,
        "Optional: any of "
        + ", ".join(benefit.value for benefit in DisabilityBenefit)
        + ", separated by spaces.",
        "",
    ),
    Column("lcwra", False, "Optional: yes if UC's LCWRA element is paid.", ""),
    Column("care_leaver", False, "Optional: yes if a care leaver.", ""),
    Column("looked_after", False, "Optional: yes if looked after by a council.", ""),
    Column(
        "overnight_carer",
        False,
        "Optional: yes if a carer who is not part of the household stays overnight.",
        "",
    ),
)
PROFILE_FLAGS = ("lcwra", "care_leaver", "looked_after", "overnight_carer")
COLUMN_NAMES = tuple(column.name for column in COLUMNS)
REQUIRED_COLUMNS = tuple(column.name for column in COLUMNS if column.required)


@dataclass(frozen=True)
class Problem:
    row: int  # as a spreadsheet numbers it: 1 is the column names; 0 is the whole file
    column: str  # "" when about the whole row or file
    message: str

    def __str__(self) -> str:
        if self.row == 0:
            return self.message
        where = f"Row {self.row}, {self.column}" if self.column else f"Row {self.row}"
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class ParsedPeople:
    people: list[Person]
    problems: list[Problem]


class _CellError(ValueError):
    """A cell's problem, in words for the person fixing the file."""


def _shown(text: str) -> str:
    """A cell's text for a message: quoted, shortened if long."""
    return repr(text if len(text) <= 40 else text[:37] + "...")


def _looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_STARTS)


def _needs_apostrophe(text: str) -> bool:
    """A formula, or apostrophes then a formula: exports escape it with one more
    apostrophe, and imports drop one, so text survives a round trip exactly."""
    return _looks_like_formula(text.lstrip("'"))


def _reference(text: str) -> str:
    if _looks_like_formula(text):
        raise _CellError(
            f"{_shown(text)} looks like a spreadsheet formula. A reference is 3 to 20 "
            "letters, digits and hyphens, starting with a letter or digit"
        )
    reference = text.upper()
    if not REFERENCE_PATTERN.fullmatch(reference):
        raise _CellError(
            f"{_shown(text)} is not a reference. Use 3 to 20 letters, digits and hyphens, "
            "starting with a letter or digit, like LCC-0042"
        )
    return reference


def _date(text: str) -> date:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, pattern).date()  # noqa: DTZ007 (only the date is kept)
        except ValueError:
            continue
    raise _CellError(
        f"{_shown(text)} is not a real date. Use YYYY-MM-DD or DD/MM/YYYY, like 2025-03-14"
    )


def _choice(options: dict[str, T], what: str) -> Callable[[str], T]:
    def parse(text: str) -> T:
        found = options.get(text.lower())
        if found is None:
            raise _CellError(f"{_shown(text)} is not {what}. Use one of: {', '.join(options)}")
        return found

    return parse


def _yes_no(text: str) -> bool:
    answer = text.lower()
    if answer in YES:
        return True
    if answer in NO:
        return False
    raise _CellError(f"{_shown(text)} is not yes or no. Use yes or no")


def _areas(text: str) -> frozenset[str]:
    districts = [part.upper() for part in AREA_SEPARATORS.split(text) if part]
    wrong = [district for district in districts if not DISTRICT_PATTERN.fullmatch(district)]
    if wrong:
        raise _CellError(
            f"{_shown(wrong[0])} is not a postcode district. Use districts like LE2 or LE19, "
            "separated by spaces, commas or semicolons"
        )
    return frozenset(districts)


def _notes(text: str) -> str:
    # An exported file neutralises a formula with a leading apostrophe; read back,
    # the apostrophe is dropped so notes survive a round trip unchanged.
    if text.startswith("'") and _needs_apostrophe(text[1:]):
        text = text[1:]
    if len(text) > MAX_NOTES_CHARACTERS:
        raise _CellError(
            f"has {len(text)} characters. Sharing notes can be up to "
            f"{MAX_NOTES_CHARACTERS} characters"
        )
    return text


PRIORITIES = {priority.value: priority for priority in Priority}
SUPPORT_NEEDS = {need.value: need for need in SupportNeed}
AGE_BANDS = {band.value: band for band in AgeBand}


class _RowReader:
    """Reads one row's cells into a Person, collecting every problem on the way."""

    def __init__(self, row_number: int, cells: dict[str, str], problems: list[Problem]):
        self.row_number = row_number
        self.cells = cells
        self.problems = problems
        self.failed = False

    def read(self, column: str, parse: Callable[[str], T], *, optional: bool = False) -> T | None:
        raw = self.cells.get(column, "")
        if not raw.strip():
            if not optional:
                self.fail(column, "is blank. Fill it in")
            return None
        # Notes keep their spacing; every other cell is read without it.
        text = raw if column == "sharing_notes" else raw.strip()
        try:
            return parse(text)
        except _CellError as error:
            self.fail(column, str(error))
            return None

    def fail(self, column: str, message: str) -> None:
        self.failed = True
        self.problems.append(Problem(self.row_number, column, message))


def _decode(data: bytes) -> str | Problem:
    if len(data) > MAX_FILE_BYTES:
        return Problem(
            0,
            "",
            # Only the first MAX_FILE_BYTES + 1 bytes are read, so the file's real
            # size is not known: say what it must be.
            f"The selected file must be {MAX_FILE_BYTES // 1024 // 1024} MB or smaller",
        )
    if b"\x00" in data[:8192]:
        return Problem(0, "", "The file is not a CSV file. Save the list as CSV (UTF-8)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return Problem(
            0,
            "",
            "The file is not UTF-8 text. In your spreadsheet, save it as "
            "'CSV UTF-8 (comma delimited)' and upload it again",
        )


def _header_problems(header: list[str]) -> list[Problem]:
    names = [name.strip() for name in header]
    if not set(names) & set(COLUMN_NAMES):
        return [
            Problem(
                0,
                "",
                "The file is not a waiting-list CSV file: its first row must be the column "
                f"names ({', '.join(REQUIRED_COLUMNS)}). Download the template to start from",
            )
        ]
    problems = []
    missing = [name for name in REQUIRED_COLUMNS if name not in names]
    if missing:
        problems.append(
            Problem(1, "", f"Columns missing: {', '.join(missing)}. Add them to the first row")
        )
    for name in names:
        if name not in COLUMN_NAMES:
            problems.append(
                Problem(
                    1,
                    name,
                    "is not a waiting-list column. Remove it (the list holds no names or "
                    f"other details). The columns are: {', '.join(COLUMN_NAMES)}",
                )
            )
    repeated = sorted({name for name in names if names.count(name) > 1})
    problems.extend(Problem(1, name, "appears more than once. Keep one") for name in repeated)
    return problems


def _cohort_parser(cohorts: Collection[str]) -> Callable[[str], str]:
    known = sorted(cohorts)

    def parse(text: str) -> str:
        code = text.lower()
        if code in cohorts:
            return code
        close = difflib.get_close_matches(code, known, n=1)
        hint = f" Did you mean {close[0]}?" if close else ""
        raise _CellError(
            f"{_shown(text)} is not a cohort in the policy.{hint} Use one of: {', '.join(known)}"
        )

    return parse


def _person(reader: _RowReader, cohort: Callable[[str], str], today: date) -> Person | None:
    reference = reader.read("person_reference", _reference)
    code = reader.read("cohort", cohort)
    referred_on = reader.read("date_referred", _date)
    if referred_on is not None and referred_on > today:
        reader.fail("date_referred", f"{referred_on.isoformat()} is in the future")
    priority = reader.read("priority", _choice(PRIORITIES, "a priority"))
    support = reader.read("support_needed", _choice(SUPPORT_NEEDS, "a support level"))
    self_contained = reader.read("self_contained_required", _yes_no)
    wheelchair = reader.read("wheelchair_user", _yes_no)
    level_access = reader.read("level_access_needed", _yes_no)
    age_band = reader.read("age_band", _choice(AGE_BANDS, "an age band"))
    preferred = reader.read("preferred_areas", _areas, optional=True) or frozenset()
    excluded = reader.read("excluded_areas", _areas, optional=True) or frozenset()
    notes = reader.read("sharing_notes", _notes, optional=True) or ""
    unavailable = reader.read("unavailable_until", _date, optional=True)
    if preferred & excluded:
        both = ", ".join(sorted(preferred & excluded))
        reader.fail("excluded_areas", f"{both} is both preferred and excluded. Keep it in one")
    profile = _benefit_profile(reader)
    if reader.failed:
        return None
    assert reference and code and referred_on and priority and support and age_band
    assert self_contained is not None and wheelchair is not None and level_access is not None
    return Person(
        reference=reference,
        cohort=code,
        referred_on=referred_on,
        priority=priority,
        support_needed=support,
        self_contained_required=self_contained,
        wheelchair_user=wheelchair,
        level_access_needed=level_access,
        age_band=age_band,
        preferred_areas=preferred,
        excluded_areas=excluded,
        sharing_notes=notes,
        unavailable_until=unavailable,
        benefit_profile=profile,
    )


def _age(text: str) -> int:
    if not text.isdigit() or not 16 <= int(text) <= 110:
        raise _CellError(f"{_shown(text)} is not an age from 16 to 110")
    return int(text)


def _benefits(text: str) -> frozenset[DisabilityBenefit]:
    known = {benefit.value: benefit for benefit in DisabilityBenefit}
    found = set()
    for word in AREA_SEPARATORS.split(text.strip().lower()):
        if word not in known:
            raise _CellError(f"{_shown(word)} is not a disability benefit. Use {', '.join(known)}")
        found.add(known[word])
    return frozenset(found)


def _benefit_profile(reader: _RowReader) -> TenantProfile | None:
    age = reader.read("age", _age, optional=True)
    benefits = reader.read("disability_benefits", _benefits, optional=True) or frozenset()
    flags = {name: bool(reader.read(name, _yes_no, optional=True)) for name in PROFILE_FLAGS}
    if age is None:
        if benefits or any(flags.values()):
            reader.fail("age", "is blank. Give the age with the rest of the benefit profile")
        return None
    try:
        return TenantProfile.model_validate({"age": age, "disability_benefits": benefits, **flags})
    except ValueError as error:
        reader.fail("disability_benefits", str(error).splitlines()[-1])
        return None


def parse_people_csv(
    data: bytes, cohorts: Collection[str], today: date | None = None
) -> ParsedPeople:
    """Every person in a waiting-list CSV file, or the file's problems and nobody.
    `cohorts` are the policy's cohort codes; `today` (default: today) is the latest
    a referral date can be."""
    # A UK calendar day: the council's, whatever the machine's zone.
    on = today or datetime.now(ZoneInfo("Europe/London")).date()
    text = _decode(data)
    if isinstance(text, Problem):
        return ParsedPeople([], [text])
    try:
        return _parse_rows(csv.reader(io.StringIO(text, newline="")), cohorts, on)
    except csv.Error as error:
        return ParsedPeople(
            [], [Problem(0, "", f"The file is not a CSV file that can be read ({error})")]
        )


def _parse_rows(rows: Iterable[list[str]], cohorts: Collection[str], today: date) -> ParsedPeople:
    rows = iter(rows)
    header = next(rows, None)
    if header is None:
        return ParsedPeople([], [Problem(0, "", "The file is empty")])
    problems = _header_problems(header)
    if problems:
        return ParsedPeople([], problems)
    names = [name.strip() for name in header]
    cohort = _cohort_parser(frozenset(cohorts))
    people: list[Person] = []
    first_row_of: dict[str, int] = {}
    for row_number, cells in enumerate(rows, start=2):
        if row_number - 1 > MAX_ROWS:
            return ParsedPeople(
                [], [Problem(0, "", f"The file has more than {MAX_ROWS:,} people. Split it")]
            )
        if len(problems) >= MAX_PROBLEMS:
            problems.append(
                Problem(0, "", f"There are more than {MAX_PROBLEMS} problems. Fix these first")
            )
            break
        if not any(cell.strip() for cell in cells):
            continue  # a blank row, as spreadsheets often leave at the end
        if len(cells) > len(names):
            problems.append(
                Problem(
                    row_number,
                    "",
                    f"There are {len(cells)} cells but only {len(names)} columns. "
                    "Check for a stray comma",
                )
            )
            continue
        reader = _RowReader(row_number, dict(zip(names, cells, strict=False)), problems)
        person = _person(reader, cohort, today)
        if person is None:
            continue
        if person.reference in first_row_of:
            reader.fail(
                "person_reference",
                f"{person.reference} is already on row {first_row_of[person.reference]}. "
                "Each person must appear once",
            )
            continue
        first_row_of[person.reference] = row_number
        people.append(person)
    if problems:
        return ParsedPeople([], problems)
    return ParsedPeople(people, [])


def read_capped(stream: BinaryIO) -> bytes:
    """At most MAX_FILE_BYTES + 1 bytes of an upload: enough for the parser to refuse
    a file that is too big without holding all of it in memory."""
    return stream.read(MAX_FILE_BYTES + 1)


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def _profile_cells(profile: TenantProfile | None) -> list[str]:
    if profile is None:
        return ["", "", *("" for _ in PROFILE_FLAGS)]
    return [
        str(profile.age),
        " ".join(sorted(benefit.value for benefit in profile.disability_benefits)),
        *(_yes(getattr(profile, name)) for name in PROFILE_FLAGS),
    ]


def people_to_csv_rows(people: Iterable[Person]) -> list[list[str]]:
    """The column names and one row per person, as the parser reads them back. The
    cells are raw: write them with `people_csv_text` or triage/csv_export.py, which
    make formula-like text safe."""
    rows = [list(COLUMN_NAMES)]
    for person in people:
        rows.append(
            [
                person.reference,
                person.cohort,
                person.referred_on.isoformat(),
                person.priority.value,
                person.support_needed.value,
                _yes(person.self_contained_required),
                _yes(person.wheelchair_user),
                _yes(person.level_access_needed),
                person.age_band.value,
                " ".join(sorted(person.preferred_areas)),
                " ".join(sorted(person.excluded_areas)),
                person.sharing_notes,
                person.unavailable_until.isoformat() if person.unavailable_until else "",
                *_profile_cells(person.benefit_profile),
            ]
        )
    return rows


def safe_cell(text: str) -> str:
    """Text a spreadsheet would run as a formula, prefixed with an apostrophe. Text
    that already starts with an apostrophe and a formula character gets one more,
    so the import (which drops one) reads back exactly what was written."""
    return "'" + text if _needs_apostrophe(text) else text


def people_csv_text(rows: Sequence[Sequence[str]]) -> str:
    """CSV text of `rows`, every cell made safe to open in a spreadsheet."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return buffer.getvalue()


def template_csv() -> str:
    """The downloadable template: the column names and one example row."""
    return people_csv_text([list(COLUMN_NAMES), [column.example for column in COLUMNS]])

"""The waiting-list CSV: every bad file gets a clear report and yields nobody."""

from __future__ import annotations

import io
import os
import time
import tracemalloc
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rules.matching.people import Person, Priority, SupportNeed
from rules.matching.people_csv import (
    COLUMN_NAMES,
    MAX_FILE_BYTES,
    MAX_ROWS,
    REQUIRED_COLUMNS,
    parse_people_csv,
    people_csv_text,
    people_to_csv_rows,
    read_capped,
    template_csv,
)
from tests.rules.matching_examples import people_lists
from tests.rules.offers import shipped_policy

ROOT = Path(__file__).parents[2]
COHORTS = [cohort.code for cohort in shipped_policy().cohorts]
TODAY = date(2026, 6, 1)
HEADER = ",".join(COLUMN_NAMES)
GOOD_ROW = (
    "LCC-0001,send_transitions,2025-01-20,High,on_site_24_7,no,No,Y,18-24,"
    "le2; LE3,LE1,Enjoys company,"
    ",,,,,"  # the optional benefit profile: age, benefits, lcwra, care leaver, ...
    ","
)


def parse(text: str) -> list[str]:
    """The problems in a file, as the officer reads them."""
    return [str(problem) for problem in parse_people_csv(text.encode(), COHORTS, TODAY).problems]


def with_rows(*rows: str, header: str = HEADER) -> str:
    return "\r\n".join([header, *rows]) + "\r\n"


def test_a_good_row_is_read() -> None:
    result = parse_people_csv(with_rows(GOOD_ROW).encode(), COHORTS, TODAY)
    assert result.problems == []
    [person] = result.people
    assert person.reference == "LCC-0001"
    assert person.priority is Priority.HIGH
    assert person.support_needed is SupportNeed.ON_SITE_24_7
    assert person.level_access_needed is True
    assert person.self_contained_required is False
    assert person.preferred_areas == frozenset({"LE2", "LE3"})
    assert person.excluded_areas == frozenset({"LE1"})
    assert person.unavailable_until is None


def test_the_shipped_example_and_the_template_are_clean() -> None:
    example = parse_people_csv((ROOT / "docs" / "example-people.csv").read_bytes(), COHORTS, TODAY)
    assert example.problems == []
    assert len(example.people) == 12
    template = parse_people_csv(template_csv().encode(), COHORTS, TODAY)
    assert template.problems == []
    assert len(template.people) == 1


def test_columns_in_any_order_a_bom_blank_rows_and_uk_dates_are_fine() -> None:
    names = list(reversed(COLUMN_NAMES))
    cells = dict(zip(COLUMN_NAMES, GOOD_ROW.split(","), strict=True))
    cells["date_referred"] = "20/01/2025"
    cells["unavailable_until"] = "01/09/2026"
    row = ",".join(cells[name] for name in names)
    data = "\ufeff" + with_rows("", row, ",,,,,,,,,,,,", header=",".join(names))
    result = parse_people_csv(data.encode(), COHORTS, TODAY)
    assert result.problems == []
    assert result.people[0].referred_on == date(2025, 1, 20)
    assert result.people[0].unavailable_until == date(2026, 9, 1)


def test_the_optional_columns_may_be_left_out() -> None:
    header = ",".join(REQUIRED_COLUMNS)
    row = ",".join(GOOD_ROW.split(",")[: len(REQUIRED_COLUMNS)])
    assert parse(with_rows(row, header=header)) == []


def test_a_benefit_profile_is_read_and_written_back() -> None:
    # The pseudonymous profile the rent affordability check uses on nomination.
    cells = dict(zip(COLUMN_NAMES, GOOD_ROW.split(","), strict=True))
    cells |= {
        "age": "24",
        "disability_benefits": "dla_care_middle",
        "lcwra": "yes",
        "overnight_carer": "yes",
    }
    result = parse_people_csv(with_rows(",".join(cells.values())).encode(), COHORTS, TODAY)
    assert result.problems == []
    profile = result.people[0].benefit_profile
    assert profile is not None
    assert (profile.age, profile.lcwra, profile.overnight_carer) == (24, True, True)
    assert [b.value for b in profile.disability_benefits] == ["dla_care_middle"]
    rows = people_to_csv_rows(result.people)
    assert dict(zip(rows[0], rows[1], strict=True))["disability_benefits"] == "dla_care_middle"


@pytest.mark.parametrize(
    ("cells", "words"),
    [
        ({"age": "15"}, "Row 2, age: '15' is not an age from 16 to 110"),
        ({"disability_benefits": "afip"}, "Row 2, age: is blank"),
        ({"age": "30", "disability_benefits": "pip"}, "'pip' is not a disability benefit"),
    ],
)
def test_a_bad_benefit_profile_is_refused(cells: dict[str, str], words: str) -> None:
    row = dict(zip(COLUMN_NAMES, GOOD_ROW.split(","), strict=True)) | cells
    problems = parse(with_rows(",".join(row.values())))
    assert any(words in problem for problem in problems), problems


def test_missing_columns_are_named_in_one_problem() -> None:
    header = HEADER.replace("cohort,", "").replace("age_band,", "")
    assert parse(with_rows(header=header)) == [
        "Row 1: Columns missing: cohort, age_band. Add them to the first row"
    ]


def test_unknown_and_repeated_columns_are_refused() -> None:
    problems = parse(with_rows(header=HEADER + ",name,cohort"))
    assert problems[0].startswith("Row 1, name: is not a waiting-list column")
    assert problems[1] == "Row 1, cohort: appears more than once. Keep one"


BAD_CELLS = [
    (
        "cohort",
        "older_peeple",
        "Row 3, cohort: 'older_peeple' is not a cohort in the policy. Use one of: care_leavers_18_25,",
    ),
    ("cohort", "send_transition", "Did you mean send_transitions?"),
    ("date_referred", "31/02/2025", "Row 3, date_referred: '31/02/2025' is not a real date"),
    ("date_referred", "next week", "is not a real date. Use YYYY-MM-DD or DD/MM/YYYY"),
    ("date_referred", "2026-06-02", "Row 3, date_referred: 2026-06-02 is in the future"),
    ("priority", "critical", "'critical' is not a priority. Use one of: urgent, high, medium, low"),
    ("support_needed", "lots", "is not a support level"),
    ("wheelchair_user", "maybe", "Row 3, wheelchair_user: 'maybe' is not yes or no"),
    ("wheelchair_user", "", "Row 3, wheelchair_user: is blank. Fill it in"),
    ("age_band", "16-Jul", "'16-Jul' is not an age band"),
    ("preferred_areas", "LE2 Leicester", "'LEICESTER' is not a postcode district"),
    ("excluded_areas", "LE2", "LE2 is both preferred and excluded"),
    ("person_reference", "AB", "'AB' is not a reference"),
    ("person_reference", "Jane Smith", "'Jane Smith' is not a reference"),
    (
        "person_reference",
        '"=HYPERLINK(""http://x"",""click"")"',
        'Row 3, person_reference: \'=HYPERLINK("http://x","click")\' looks like a spreadsheet formula',
    ),
    ("person_reference", "-1234", "looks like a spreadsheet formula"),
    ("cohort", "@SUM(A1)", "is not a cohort"),
    ("sharing_notes", "x" * 501, "has 501 characters"),
    ("unavailable_until", "soon", "Row 3, unavailable_until: 'soon' is not a real date"),
]


@pytest.mark.parametrize(("column", "value", "words"), BAD_CELLS)
def test_a_bad_cell_is_reported_by_row_and_column_and_nobody_is_read(
    column: str, value: str, words: str
) -> None:
    cells = dict(zip(COLUMN_NAMES, GOOD_ROW.split(","), strict=True))
    cells[column] = value
    data = with_rows(GOOD_ROW.replace("LCC-0001", "LCC-0009"), ",".join(cells.values()))
    result = parse_people_csv(data.encode(), COHORTS, TODAY)
    assert result.people == []
    assert any(words in str(problem) for problem in result.problems), result.problems
    assert all(problem.row == 3 for problem in result.problems)


def test_every_problem_in_a_row_is_listed() -> None:
    row = "x,nobody,tomorrow,none,none,maybe,maybe,maybe,99,,,,"
    columns = [problem.split(":")[0] for problem in parse(with_rows(row))]
    assert columns == [f"Row 2, {name}" for name in COLUMN_NAMES[:9]]


def test_duplicate_references_name_the_first_row() -> None:
    again = GOOD_ROW.replace("LCC-0001", "lcc-0001")
    assert parse(with_rows(GOOD_ROW, again)) == [
        "Row 3, person_reference: LCC-0001 is already on row 2. Each person must appear once"
    ]


def test_a_row_with_too_many_cells() -> None:
    assert parse(with_rows(GOOD_ROW + ",extra")) == [
        "Row 2: There are 20 cells but only 19 columns. Check for a stray comma"
    ]


def test_formula_notes_are_kept_and_neutralised_on_export() -> None:
    formula = '=HYPERLINK("http://x","click")'
    row = GOOD_ROW.replace("Enjoys company", '"=HYPERLINK(""http://x"",""click"")"')
    [person] = parse_people_csv(with_rows(row).encode(), COHORTS, TODAY).people
    assert person.sharing_notes == formula
    exported = people_csv_text(people_to_csv_rows([person]))
    assert "'=HYPERLINK" in exported
    assert ",=HYPERLINK" not in exported and '"=HYPERLINK' not in exported
    # Read back, the apostrophe goes again: the note is unchanged.
    [again] = parse_people_csv(exported.encode(), COHORTS, TODAY).people
    assert again == person


@settings(max_examples=50, deadline=None)
@given(
    people=people_lists(most=6),
    notes=st.one_of(
        st.text(st.characters(exclude_categories=("Cc", "Cs")), max_size=60),
        st.sampled_from(['=HYPERLINK("http://x","click")', "+44 116", "-1", "@me", "'=1"]),
    ),
)
def test_any_list_survives_export_and_import(people: list[Person], notes: str) -> None:
    # A district both preferred and excluded is refused on import, so not generated.
    noted = [
        replace(
            person,
            sharing_notes=notes if notes.strip() else "",
            excluded_areas=person.excluded_areas - person.preferred_areas,
        )
        for person in people
    ]
    exported = people_csv_text(people_to_csv_rows(noted)).encode()
    result = parse_people_csv(exported, COHORTS, date(2026, 6, 1))
    assert result.problems == []
    assert result.people == noted


def test_not_utf8() -> None:
    data = with_rows(GOOD_ROW.replace("Enjoys company", "Café")).encode("cp1252")
    assert (
        parse_people_csv(data, COHORTS, TODAY)
        .problems[0]
        .message.startswith("The file is not UTF-8 text")
    )


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "The file is empty"),
        (b'{"people": []}', "is not a waiting-list CSV file"),
        (b"%PDF-1.7\n\x00\x01binary", "not a CSV file"),
        (b"<html><body>not a csv</body></html>", "is not a waiting-list CSV file"),
    ],
)
def test_files_that_are_not_waiting_lists(data: bytes, words: str) -> None:
    result = parse_people_csv(data, COHORTS, TODAY)
    assert result.people == []
    assert words in result.problems[0].message


def test_too_many_rows_are_refused() -> None:
    data = with_rows(*[GOOD_ROW.replace("LCC-0001", f"R-{n}") for n in range(MAX_ROWS + 1)])
    assert len(data) < MAX_FILE_BYTES
    result = parse_people_csv(data.encode(), COHORTS, TODAY)
    assert [str(problem) for problem in result.problems] == [
        "The file has more than 20,000 people. Split it"
    ]


def test_the_number_of_problems_is_bounded() -> None:
    data = with_rows(*["x,,,,,,,,,,,," for _ in range(2000)])
    problems = parse_people_csv(data.encode(), COHORTS, TODAY).problems
    assert len(problems) < 600
    assert problems[-1].message.startswith("There are more than 500 problems")


def test_50_mb_of_junk_is_refused_at_once_in_bounded_memory(tmp_path: Path) -> None:
    junk = tmp_path / "junk.csv"
    with junk.open("wb") as file:
        for _ in range(50):
            file.write(os.urandom(1024 * 1024))
    assert junk.stat().st_size == 50 * 1024 * 1024
    tracemalloc.start()
    started = time.perf_counter()
    with junk.open("rb") as stream:
        data = read_capped(stream)
    result = parse_people_csv(data, COHORTS, TODAY)
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert result.people == []
    assert [str(problem) for problem in result.problems] == [
        "The selected file must be 5 MB or smaller"
    ]
    assert elapsed < 1
    assert peak < 2 * MAX_FILE_BYTES


def test_5_mb_of_junk_is_refused_quickly() -> None:
    data = os.urandom(MAX_FILE_BYTES - 1)
    started = time.perf_counter()
    result = parse_people_csv(data, COHORTS, TODAY)
    assert time.perf_counter() - started < 1
    assert len(result.problems) == 1
    assert result.people == []


def test_read_capped_reads_no_more_than_it_needs() -> None:
    stream = io.BytesIO(b"x" * (MAX_FILE_BYTES * 2))
    assert len(read_capped(stream)) == MAX_FILE_BYTES + 1


def test_the_documentation_lists_every_column() -> None:
    doc = (ROOT / "docs" / "waiting-list.md").read_text()
    for name in COLUMN_NAMES:
        assert f"| `{name}` |" in doc

"""Spreadsheet downloads: every CSV starts with a byte-order mark (so Excel reads
UTF-8), and the dashboard and waiting list come as Excel workbooks too, with
nothing a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from tests import factories
from tests.factories import soup
from triage.csv_export import csv_response, safe_cell, xlsx_bytes

BOM = b"\xef\xbb\xbf"


def _sheet(response) -> list[list[object]]:
    assert response.status_code == 200, response.status_code
    assert response.mimetype.endswith("spreadsheetml.sheet")
    workbook = load_workbook(io.BytesIO(response.get_data()))
    return [[cell.value for cell in row] for row in workbook.active.iter_rows()]


@pytest.mark.parametrize("value", ["=1+1", "+44 116", "-2+3", "@SUM(A1)", "\t=x", "\r=x"])
def test_formulas_are_neutralised_in_a_workbook(app, value):
    with app.test_request_context():
        data = xlsx_bytes([["Heading", "Number"], [value, -3]], "Sheet")
    sheet = load_workbook(io.BytesIO(data)).active
    cell = sheet["A2"]
    # (XML reads a carriage return back as a line feed.)
    assert cell.value == "'" + value.replace("\r", "\n") and cell.data_type == "s"
    assert sheet["B2"].value == -3


def test_a_csv_starts_with_a_byte_order_mark(app):
    with app.test_request_context():
        response = csv_response([["Name", "Rent"], ["Café – £", 1.5]], "file.csv")
    data = response.get_data()
    assert data.startswith(BOM)
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows == [["Name", "Rent"], ["Café – £", "1.5"]]
    assert safe_cell("=x") == "'=x"


def test_the_dashboard_as_a_workbook(app, staff_client):
    page = staff_client.get("/queue/dashboard")
    link = soup(page).find("a", string="Download these figures (Excel spreadsheet)")["href"]
    rows = _sheet(factories.fetch(staff_client, link))
    csv_data = factories.fetch(staff_client, "/queue/dashboard.csv").get_data()
    assert csv_data.startswith(BOM)
    as_csv = list(csv.reader(io.StringIO(csv_data.decode("utf-8-sig"))))
    assert rows[0] == as_csv[0]
    # Figures are numbers in the workbook, the same as the CSV's text.
    assert [["" if value is None else str(value) for value in row] for row in rows] == [
        row + [""] * (len(rows[0]) - len(row)) if len(row) < len(rows[0]) else row for row in as_csv
    ]


def test_the_waiting_list_as_a_workbook(app, placement_officer, commissioner):
    team = factories.signed_in_client(app, placement_officer)
    page = team.get("/placement/people")
    link = soup(page).find("a", string="Download the waiting list (Excel spreadsheet)")["href"]
    rows = _sheet(factories.fetch(team, link))
    csv_data = factories.fetch(team, "/placement/people.csv").get_data()
    assert csv_data.startswith(BOM)
    assert rows[0] == next(csv.reader(io.StringIO(csv_data.decode("utf-8-sig"))))
    template = factories.fetch(team, "/placement/import/template.csv").get_data()
    assert template.startswith(BOM)
    # Only the placement team (and admins) see the waiting list.
    staff = factories.signed_in_client(app, commissioner)
    assert factories.fetch(staff, "/placement/people.xlsx").status_code in (403, 404)


def test_the_homes_list_as_a_workbook_and_csv(app, placement_officer, commissioner):
    from tests.placement.helpers import vacant_home
    from triage import db

    with app.app_context():
        db.session.add(vacant_home("VAC-00001", scheme='=HYPERLINK("x")', places=2))
        db.session.commit()
    team = factories.signed_in_client(app, placement_officer)
    page = team.get("/placement/homes")
    link = soup(page).find("a", string="Download the homes (Excel spreadsheet)")["href"]
    rows = _sheet(factories.fetch(team, link))
    assert rows[0] == [
        "Home",
        "Description",
        "Scheme",
        "Vacancy",
        "Area",
        "Cohorts",
        "Places",
        "Free",
    ]
    reference, _, scheme, vacancy, area, _, places, free = rows[1]
    assert (reference, vacancy, area, places, free) == ("VAC-00001", "Yes", "LE3", 2, 2)
    assert scheme == '\'=HYPERLINK("x")'
    csv_data = factories.fetch(team, "/placement/homes.csv").get_data()
    assert csv_data.startswith(BOM)
    as_csv = list(csv.reader(io.StringIO(csv_data.decode("utf-8-sig"))))
    assert as_csv[0] == rows[0] and as_csv[1][0] == "VAC-00001"
    staff = factories.signed_in_client(app, commissioner)
    assert factories.fetch(staff, "/placement/homes.xlsx").status_code in (403, 404)

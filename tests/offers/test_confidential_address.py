"""A confidential address (Ministry of Justice / Transforming Care homes, issue 13)
never appears on the public pages, in emails or in exports for anyone but staff;
staff see it marked "Confidential address"."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from tests import factories
from tests.factories import soup
from triage.models import EmailMessage

POSTCODE = "LE3 9QQ"
STREET = "7 Hidden Lane"
EMAILS = Path(__file__).parents[2] / "templates" / "emails"


def _confidential(submitter, **overrides):
    return factories.submitted_offer(
        submitter,
        name="Quiet House",
        address=f"{STREET}\nLeicester",
        postcode=POSTCODE,
        confidential_address=True,
        **overrides,
    )


def test_the_acknowledgement_email_leaves_the_address_out(app, submitter):
    offer = _confidential(submitter)
    [email] = factories.rows(EmailMessage, idempotency_key=f"offer-acknowledgement:{offer.id}")
    assert "Quiet House" in email.body
    assert "address confidential" in email.body
    assert POSTCODE not in email.body
    assert STREET not in email.body
    assert POSTCODE not in (email.subject or "")


def test_an_ordinary_offers_email_still_gives_its_postcode(app, submitter):
    offer = factories.submitted_offer(submitter, postcode="LE1 6ZG")
    [email] = factories.rows(EmailMessage, idempotency_key=f"offer-acknowledgement:{offer.id}")
    assert "LE1 6ZG" in email.body
    assert "address confidential" not in email.body


def test_no_email_template_prints_the_offers_postcode_or_address_directly() -> None:
    # Every email naming an offer's place goes through postcode_in_emails.
    for template in sorted(EMAILS.glob("*")):
        text = template.read_text()
        assert "offer.postcode }}" not in text, template.name
        assert "offer.address" not in text, template.name


def test_the_public_pages_never_show_it(app, client, submitter):
    _confidential(submitter)
    for url in ("/", "/what-we-need", "/what-we-need.csv", "/what-we-need.json"):
        response = factories.fetch(client, url)
        assert response.status_code == 200, url
        body = response.get_data(as_text=True)
        assert POSTCODE not in body, url
        assert STREET not in body, url


def test_staff_see_it_marked_in_the_queue_and_on_the_case(app, staff_client, submitter):
    offer = _confidential(submitter)
    ordinary = factories.submitted_offer(submitter, name="Open Court")
    queue = soup(staff_client.get("/queue"))
    rows = {row.get_text(" ", strip=True): row for row in queue.select("tbody tr")}
    [quiet] = [text for text in rows if "Quiet House" in text]
    [open_] = [text for text in rows if "Open Court" in text]
    assert "Confidential address" in quiet
    assert "Confidential address" not in open_

    case = soup(staff_client.get(f"/queue/offers/{offer.id}")).select_one("main").get_text(" ")
    assert "Confidential address" in case
    assert "Do not publish the address or put it in emails" in case
    other = soup(staff_client.get(f"/queue/offers/{ordinary.id}")).select_one("main").get_text(" ")
    assert "Confidential address" not in other


def test_the_staff_spreadsheet_marks_it(app, staff_client, submitter):
    _confidential(submitter)
    data = factories.fetch(staff_client, "/queue.csv").get_data().decode("utf-8-sig")
    [row] = [row for row in csv.DictReader(io.StringIO(data)) if row["Name"] == "Quiet House"]
    assert row["Postcode"] == f"{POSTCODE} (confidential address)"


def test_submitters_have_no_export_of_the_queue(submitter_client, submitter):
    _confidential(submitter)
    for url in ("/queue.csv", "/queue.xlsx"):
        response = factories.fetch(submitter_client, url)
        assert response.status_code in (403, 404), url
        assert POSTCODE not in response.get_data(as_text=True)


def test_the_submitter_is_asked_and_sees_their_answer(submitter_client, submitter):
    offer = factories.draft_offer(submitter)
    response = factories.answer(
        submitter_client, offer.id, "confidential-address", {"confidential_address": "yes"}
    )
    assert response.status_code == 302
    assert factories.get(type(offer), offer.id).confidential_address is True

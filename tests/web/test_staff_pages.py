"""Staff pages: "Submitted offers", an offer's page, and administrators' staff accounts."""

from __future__ import annotations

import re

import pytest

from tests import factories
from tests.factories import heading, soup, text
from tests.web.checks import summary_text
from triage.models import Offer, Organisation, User
from triage.queue.views import PAGE_SIZE


def navigation(response) -> list[str]:
    links = soup(response).select(".govuk-service-navigation__list .govuk-service-navigation__link")
    return [a.get_text(strip=True) for a in links]


# --- Submitted offers ---------------------------------------------------------


def test_the_list_is_empty_until_an_offer_is_submitted(staff_client, submitter):
    factories.complete_offer(submitter)
    response = staff_client.get("/queue")
    assert heading(response) == "Submitted offers"
    assert "No offers have been submitted yet" in text(response)
    assert navigation(response) == [
        "Submitted offers",
        "Supply and demand",
        "Email notifications",
        "Your account",
    ]


def test_the_list_shows_submitted_offers_longest_waiting_first_before_scoring(
    staff_client, submitter, other_submitter
):
    first = factories.submitted_offer(submitter, name="First Court", postcode="LE1 1AA")
    second = factories.submitted_offer(other_submitter, name="Second House", postcode="LE2 2BB")
    factories.complete_offer(submitter, name="Still A Draft")
    response = staff_client.get("/queue")
    rows = [" ".join(row.get_text(" ").split()) for row in soup(response).select("tbody tr")]
    assert len(rows) == 2
    second_ref = factories.get(Offer, second.id).reference
    first_ref = factories.get(Offer, first.id).reference
    other_org = factories.get(Organisation, other_submitter.user.organisation_id).name
    assert rows[0].startswith(f"{first_ref} First Court, LE1 1AA")
    assert rows[1].startswith(f"{second_ref} Second House, LE2 2BB {other_org}")
    assert rows[1].endswith("Submitted Not scored")
    assert "Still A Draft" not in text(response)
    assert "2 offers, in priority order" in text(response)
    link = soup(response).find("a", string=second_ref)
    assert link["href"] == f"/queue/offers/{second.id}"


@pytest.mark.parametrize(
    ("query", "shown_page"),
    [
        ("", 1),
        ("?page=2", 2),
        ("?page=0", 1),
        ("?page=-3", 1),
        ("?page=abc", 1),
        ("?page=99", 2),
        ("?page=99999999999999999999", 2),
    ],
)
def test_the_list_is_paged(staff_client, submitter, query, shown_page):
    for _ in range(PAGE_SIZE + 1):
        factories.submitted_offer(submitter)
    response = staff_client.get(f"/queue{query}")
    assert response.status_code == 200
    rows = soup(response).select("tbody tr")
    assert len(rows) == (PAGE_SIZE if shown_page == 1 else 1)
    assert f"{PAGE_SIZE + 1} offers, in priority order" in text(response)
    pagination = text(response)
    assert ("Next page" in pagination) == (shown_page == 1)
    assert ("Previous page" in pagination) == (shown_page == 2)


def test_the_offer_page_shows_everything_staff_need(app, staff_client, submitter):
    offer = factories.complete_offer(submitter)
    factories.document(offer, submitter, filename="floor-plan.pdf")
    with app.app_context():
        from triage import db
        from triage.services.offers import submit

        found = db.session.get(Offer, offer.id)
        submit(found, db.session.get(User, submitter.id), "Sam Submitter")
    saved = factories.get(Offer, offer.id)
    organisation = factories.get(Organisation, submitter.user.organisation_id)

    response = staff_client.get(f"/queue/offers/{offer.id}")
    assert response.status_code == 200
    assert heading(response) == "Hamelin Court"
    page = text(response)
    assert saved.reference in page
    assert f"Organisation {organisation.name} (Registered provider or housing association)" in page
    assert "Status Submitted" in page
    answers = summary_text(response)
    for expected in ("Postcode LE1 6ZG", "Core rent £150.00", "Age range 18 to 64"):
        assert expected in answers
    link = soup(response).find("a", string="floor-plan.pdf")
    assert link["href"].endswith("/download")
    assert factories.fetch(staff_client, link["href"]).status_code == 200
    assert soup(response).find("a", string=re.compile("^Change")) is None


def test_unknown_offers_are_not_found(staff_client):
    for path in ("/queue/offers/424242", "/queue/offers/abc", "/queue/offers/99999999999"):
        assert staff_client.get(path).status_code == 404


# --- Staff accounts -----------------------------------------------------------


def test_administrators_see_the_staff_accounts(admin_client, admin, commissioner, submitter):
    response = admin_client.get("/admin/users")
    assert heading(response) == "Staff accounts"
    assert navigation(response) == [
        "Submitted offers",
        "Supply and demand",
        "Placements",
        "Staff accounts",
        "Scoring policy",
        "Existing supply",
        "Audit log",
        "Email notifications",
        "Your account",
    ]
    rows = [" ".join(row.get_text(" ").split()) for row in soup(response).select("tbody tr")]
    assert f"Staff admin {admin.email} Administrator Active" in rows
    assert f"Staff commissioner {commissioner.email} Commissioner Active" in rows
    assert submitter.email not in text(response)


# Inviting staff, roles, deactivation: tests/admin/test_staff_accounts.py.

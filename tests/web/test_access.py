"""Who may reach what. Another organisation's offers and documents do not exist for a
submitter (404), staff pages do not exist for submitters, admin pages do not exist for
other staff, and anyone not signed in is sent to sign in."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask, url_for

from tests import factories
from tests.factories import csrf_token, heading
from tests.web.answers import VALID
from triage.models import AuditEvent
from triage.offers.pages import PAGES_BY_KEY

PUBLIC = {
    "static",
    "auth.start",
    "auth.register",
    "auth.join",
    "auth.sign_in",
    # Accepting an emailed invitation, and confirming a registration's address.
    "auth.accept_invitation",
    "auth.registered",
    "auth.confirm_link",
    "auth.confirm_email",
    "health.healthz",
    # Resetting a forgotten password: for people who cannot sign in.
    "auth.forgotten_password",
    "auth.check_your_email",
    "auth.reset_link",
    "auth.reset_password",
    # The footer pages: the law wants them open to everyone.
    "pages.accessibility",
    "pages.privacy",
    "pages.cookies",
    "pages.contact",
    # The public brief for offerors (issue 14): totals only, no sign-in.
    "pages.what_we_need",
    "pages.what_we_need_csv",
    "pages.what_we_need_json",
}


@dataclass
class World:
    draft: Any
    submitted: Any
    draft_document: Any
    submitted_document: Any


@pytest.fixture
def world(app: Flask, submitter: factories.Account) -> World:
    draft = factories.complete_offer(submitter)
    draft_document = factories.document(draft, submitter)
    # Documents are uploaded to a draft; this one is submitted after.
    submitted = factories.complete_offer(submitter, name="Submitted Court")
    submitted_document = factories.document(submitted, submitter, filename="epc.pdf", kind="epc")
    with app.app_context():
        from triage import db
        from triage.models import Offer, User
        from triage.services.offers import submit

        offer = db.session.get(Offer, submitted.id)
        assert submit(offer, db.session.get(User, submitter.id), "Sam Submitter")
    return World(draft, submitted, draft_document, submitted_document)


def build(app: Flask, endpoint: str, **values: Any) -> str:
    with app.test_request_context():
        return url_for(endpoint, **values)


def submitter_routes(world: World) -> list[tuple[str, str, dict[str, Any]]]:
    """(method, url, form data) for every submitter route that takes an offer id."""
    draft, submitted = world.draft.id, world.submitted.id
    routes: list[tuple[str, str, dict[str, Any]]] = []
    for offer_id in (draft, submitted):
        routes += [
            ("GET", f"/offers/{offer_id}", {}),
            ("GET", f"/offers/{offer_id}/sections/property", {}),
            ("GET", f"/offers/{offer_id}/documents", {}),
            ("POST", f"/offers/{offer_id}/documents", {"kind": "photo"}),
            ("GET", f"/offers/{offer_id}/check-answers", {}),
            ("GET", f"/offers/{offer_id}/declaration", {}),
            (
                "POST",
                f"/offers/{offer_id}/declaration",
                {"declaration_name": "Mallory", "confirm": "y"},
            ),
            ("GET", f"/offers/{offer_id}/confirmation", {}),
            ("GET", f"/offers/{offer_id}/withdraw", {}),
            ("POST", f"/offers/{offer_id}/withdraw", {}),
        ]
        for key in PAGES_BY_KEY:
            routes.append(("GET", f"/offers/{offer_id}/questions/{key}", {}))
            routes.append(("POST", f"/offers/{offer_id}/questions/{key}", VALID.get(key, {})))
    for offer_id, document in (
        (draft, world.draft_document),
        (submitted, world.submitted_document),
    ):
        routes += [
            ("GET", f"/offers/{offer_id}/documents/{document.id}/download", {}),
            ("POST", f"/offers/{offer_id}/documents/{document.id}/remove", {}),
        ]
    return routes


def request(client, method: str, url: str, data: dict[str, Any]):
    if method == "GET":
        return factories.fetch(client, url)
    token = csrf_token(client.get("/organisation").text)
    return client.post(url, data={"csrf_token": token, **data})


def test_another_organisations_offers_and_documents_are_not_found(app, world, other_submitter):
    intruder = factories.signed_in_client(app, other_submitter)
    before = factories.database_state()
    routes = submitter_routes(world)
    for method, url, data in routes:
        response = request(intruder, method, url, data)
        assert response.status_code == 404, (method, url, response.status_code)
        assert heading(response) == "Page not found"
    assert factories.database_state() == before
    # Each refusal is on the audit trail: who, which offer (by id) and which page
    # (its endpoint, never its address).
    events = factories.rows(AuditEvent, action="access_refused")
    assert len(events) == len(routes)
    assert {event.actor_id for event in events} == {other_submitter.id}
    assert {event.offer_id for event in events} <= {world.draft.id, world.submitted.id}
    assert all(event.detail.startswith("offers.") for event in events)


def test_a_staff_page_refused_to_a_submitter_is_audited(app, submitter):
    client = factories.signed_in_client(app, submitter)
    assert client.get("/placement/people").status_code == 404
    [event] = factories.rows(AuditEvent, action="access_refused")
    assert (event.actor_id, event.offer_id, event.person_id) == (submitter.id, None, None)
    assert event.detail.startswith("placement.")


def test_the_owner_can_reach_the_same_routes(app, world, submitter):
    """The 404s above are down to ownership: the organisation's own submitter gets
    a page or a redirect at each URL that applies to the offer."""
    owner = factories.signed_in_client(app, submitter)
    # Pages that only apply to some offers: care details (no care here) and the
    # rent check (the factory's rent is inside the usual range).
    applies = {key for key, page in PAGES_BY_KEY.items() if page.unit_kind in (None, "one_bed")} - {
        "care-provider",
        "rent-check/one_bed",
        # Issue 13: only with care bundled / for looked-after 16-17-year-olds.
        "cqc-registration",
        "ofsted-registration",
        # Issue 13: only for dispersed schemes (the factory's is core and cluster).
        "addresses",
        # Issue 13: only when another body leases or manages the homes, and only when
        # the council is asked to pay for voids.
        "lease-terms",
        "void-terms",
    }
    for method, url, data in submitter_routes(world):
        if "/questions/" in url and url.rsplit("/questions/", 1)[1] not in applies:
            continue
        if method == "POST" and ("/withdraw" in url or "/remove" in url or "/declaration" in url):
            continue  # state-changing; each has its own test
        response = request(owner, method, url, data)
        assert response.status_code in (200, 302), (method, url, response.status_code)


def test_a_document_is_only_found_under_its_own_offer(app, world, submitter):
    owner = factories.signed_in_client(app, submitter)
    other_draft = factories.draft_offer(submitter)
    url = f"/offers/{other_draft.id}/documents/{world.draft_document.id}/download"
    assert owner.get(url).status_code == 404
    token = csrf_token(owner.get("/offers").text)
    url = f"/offers/{other_draft.id}/documents/{world.draft_document.id}/remove"
    assert owner.post(url, data={"csrf_token": token}).status_code == 404
    assert factories.count(type(world.draft_document)) == 2


@pytest.mark.parametrize(
    "path",
    ["/offers/2147483648", "/offers/99999999999999999999/check-answers", "/offers/-1"],
)
def test_ids_out_of_range_are_not_found(submitter_client, path):
    assert submitter_client.get(path).status_code == 404


@pytest.mark.parametrize("who", ["submitter", "other_submitter"])
def test_submitters_get_not_found_on_staff_pages(app, world, request, who):
    account = request.getfixturevalue(who)
    client = factories.signed_in_client(app, account)
    for path in (
        "/queue",
        f"/queue/offers/{world.submitted.id}",
        "/admin/users",
        "/admin/users/new",
    ):
        assert client.get(path).status_code == 404, path
    token = csrf_token(client.get("/offers").text)
    before = factories.count(type(account.user))
    response = client.post(
        "/admin/users/new",
        data={
            "csrf_token": token,
            "full_name": "Eve",
            "email": "eve@example.com",
            "password": "a long enough passphrase",
            "confirm_password": "a long enough passphrase",
            "role": "admin",
        },
    )
    assert response.status_code == 404
    assert factories.count(type(account.user)) == before


@pytest.mark.parametrize("role", ["commissioner", "placement_officer"])
def test_only_administrators_reach_staff_accounts(app, role):
    client = factories.signed_in_client(app, factories.staff(role))
    assert client.get("/queue").status_code == 200
    assert client.get("/admin/users").status_code == 404
    assert client.get("/admin/users/new").status_code == 404


def test_staff_get_not_found_on_submitter_pages(app, world, commissioner):
    staff = factories.signed_in_client(app, commissioner)
    for path in (
        "/offers",
        f"/offers/{world.submitted.id}",
        f"/offers/{world.draft.id}/check-answers",
        f"/offers/{world.draft.id}/questions/name-and-address",
    ):
        assert staff.get(path).status_code == 404, path


def test_staff_see_submitted_offers_but_never_drafts(app, world, commissioner):
    staff = factories.signed_in_client(app, commissioner)
    assert staff.get(f"/queue/offers/{world.submitted.id}").status_code == 200
    assert staff.get(f"/queue/offers/{world.draft.id}").status_code == 404
    submitted = f"/offers/{world.submitted.id}/documents/{world.submitted_document.id}/download"
    response = factories.fetch(staff, submitted)
    assert response.status_code == 200
    assert response.data == factories.PDF_BYTES
    draft = f"/offers/{world.draft.id}/documents/{world.draft_document.id}/download"
    assert staff.get(draft).status_code == 404


def test_staff_cannot_download_from_a_draft_deleted_before_submission(app, submitter, commissioner):
    draft = factories.draft_offer(submitter)
    document = factories.document(draft, submitter)
    owner = factories.signed_in_client(app, submitter)
    factories.submit_form(owner, f"/offers/{draft.id}/withdraw", {})
    staff = factories.signed_in_client(app, commissioner)
    url = f"/offers/{draft.id}/documents/{document.id}/download"
    assert staff.get(url).status_code == 404
    # A deleted draft is gone from its owner's side too (issue 14).
    assert factories.fetch(owner, url).status_code == 404


def anonymous_cases(app: Flask, world: World) -> list[tuple[str, str]]:
    values: dict[str, Any] = {
        "offer_id": world.draft.id,
        "document_id": world.draft_document.id,
        "key": "name-and-address",
        "section_slug": "property",
    }
    cases = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC:
            continue
        # Ids this test does not know of (routes added later) get 1.
        url = build(app, rule.endpoint, **{name: values.get(name, 1) for name in rule.arguments})
        for method in sorted((rule.methods or set()) & {"GET", "POST"}):
            cases.append((method, url))
    return cases


def test_anyone_not_signed_in_is_sent_to_sign_in(app, client, world):
    cases = anonymous_cases(app, world)
    assert len(cases) > 20
    token = csrf_token(client.get("/sign-in").text)
    before = factories.database_state()
    for method, url in cases:
        if method == "GET":
            response = client.get(url)
        else:
            response = client.post(url, data={"csrf_token": token})
        assert response.status_code == 302, (method, url, response.status_code)
        assert response.location.startswith("/sign-in?next="), (method, url)
    assert factories.database_state() == before

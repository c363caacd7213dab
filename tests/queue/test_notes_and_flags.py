"""Internal notes and flags on the case page: who sees and adds them, what the page
shows, the audit trail they leave, and bad input."""

from __future__ import annotations

from typing import Any

import pytest
from bs4 import BeautifulSoup

from tests import factories
from tests.factories import csrf_token, error_messages, error_summary, soup, text
from tests.web.checks import assert_error_summary
from triage import db
from triage.models import AuditEvent, EmailMessage, InternalNote, OfferFlag, StaffNotification
from triage.services import flags as flag_service

SCRIPT = '<script>alert("x")</script>'


def case_url(offer_id: int) -> str:
    return f"/queue/offers/{offer_id}"


def post_form(client, offer_id: int, action: str, data: dict[str, Any]):
    """Post the form on the case page whose action ends in `action`, with its token."""
    page = client.get(case_url(offer_id))
    assert page.status_code == 200
    target = f"/queue/offers/{offer_id}/{action}"
    form = BeautifulSoup(page.text, "html.parser").find("form", action=target)
    assert form is not None, f"no form for {target} on the page"
    return client.post(target, data={"csrf_token": csrf_token(str(form)), **data})


def token_from(client, url: str) -> str:
    return csrf_token(client.get(url).text)


def open_flag_ids(offer_id: int) -> list[int]:
    return [flag.id for flag in factories.rows(OfferFlag, offer_id=offer_id) if flag.is_open]


def assert_no_script(response) -> None:
    for script in soup(response).find_all("script"):
        assert "alert" not in script.get_text(), "typed markup became a script"


# --- Notes ----------------------------------------------------------------------


def test_a_note_shows_on_the_case_page_and_timeline_and_is_audited_without_its_text(
    app, submitter, commissioner
):
    offer = factories.submitted_offer(submitter)
    staff = factories.signed_in_client(app, commissioner)
    added = post_form(
        staff, offer.id, "notes", {"internal_note": "Provider known to us.\nGood record."}
    )
    assert added.status_code == 302
    assert added.location.endswith(f"/queue/offers/{offer.id}#internal-notes")

    page = staff.get(case_url(offer.id))
    notes = soup(page).select_one("#internal-notes").find_next_sibling("form")
    shown = soup(page).select(".govuk-inset-text[id^=note-]")
    assert len(shown) == 1 and notes is not None
    note_text = " ".join(shown[0].get_text(" ").split())
    assert "Provider known to us. Good record." in note_text
    assert commissioner.user.full_name in note_text  # the author
    assert "Your note has been added" in text(page)
    # The timeline, with the audit trail's name for the event.
    assert f"Internal note added by {commissioner.user.full_name}. Note added" in text(page)

    [event] = factories.rows(AuditEvent, offer_id=offer.id, action="note")
    assert (event.actor_id, event.detail) == (commissioner.id, "Note added")
    every_detail = " ".join(e.detail or "" for e in factories.rows(AuditEvent))
    assert "Provider known" not in every_detail
    [note] = factories.rows(InternalNote, offer_id=offer.id)
    assert (note.author_id, note.body) == (commissioner.id, "Provider known to us.\nGood record.")


def test_notes_are_listed_newest_first(app, submitter, commissioner):
    offer = factories.submitted_offer(submitter)
    staff = factories.signed_in_client(app, commissioner)
    for body in ("First note", "Second note"):
        assert post_form(staff, offer.id, "notes", {"internal_note": body}).status_code == 302
    shown = [
        item.select("p")[1].get_text()
        for item in soup(staff.get(case_url(offer.id))).select(".govuk-inset-text[id^=note-]")
    ]
    assert shown == ["Second note", "First note"]


def test_submitters_never_see_notes_or_flags_and_get_no_email_about_them(
    app, submitter, commissioner
):
    offer = factories.submitted_offer(submitter)
    staff = factories.signed_in_client(app, commissioner)
    emails_before = factories.count(EmailMessage)
    post_form(staff, offer.id, "notes", {"internal_note": "Secret internal view"})
    post_form(staff, offer.id, "flags", {"flag_text": "Rent to check with HB"})
    owner = factories.signed_in_client(app, submitter)
    page = text(owner.get(f"/offers/{offer.id}"))
    assert "Secret internal view" not in page
    assert "Rent to check with HB" not in page
    assert "flag" not in page.lower()
    assert factories.count(EmailMessage) == emails_before
    assert factories.count(StaffNotification) == 0  # notes and flags notify nobody


@pytest.mark.parametrize(
    "path",
    ["notes", "flags", "flags/{flag}/resolve"],
)
def test_submitters_get_not_found_and_change_nothing(app, submitter, commissioner, path):
    offer = factories.submitted_offer(submitter)
    staff = factories.signed_in_client(app, commissioner)
    post_form(staff, offer.id, "flags", {"flag_text": "Check the lease"})
    [flag_id] = open_flag_ids(offer.id)
    owner = factories.signed_in_client(app, submitter)
    token = token_from(owner, f"/offers/{offer.id}")
    before = factories.database_state()
    response = owner.post(
        f"/queue/offers/{offer.id}/{path.format(flag=flag_id)}",
        data={
            "csrf_token": token,
            "internal_note": "x",
            "flag_text": "x",
            "resolution": "x",
        },
    )
    assert response.status_code == 404
    assert factories.database_state() == before
    assert owner.get(case_url(offer.id)).status_code == 404


def test_placement_officers_read_notes_and_flags_add_notes_but_do_not_raise_or_resolve(
    app, submitter, commissioner, placement_officer
):
    offer = factories.submitted_offer(submitter)
    staff = factories.signed_in_client(app, commissioner)
    post_form(staff, offer.id, "flags", {"flag_text": "Check the lease"})
    post_form(staff, offer.id, "notes", {"internal_note": "From the commissioner"})
    [flag_id] = open_flag_ids(offer.id)

    officer = factories.signed_in_client(app, placement_officer)
    page = officer.get(case_url(offer.id))
    assert "Check the lease" in text(page) and "From the commissioner" in text(page)
    assert "Raise a flag" not in text(page)
    assert "Resolve this flag" not in text(page)
    added = post_form(officer, offer.id, "notes", {"internal_note": "Placement view"})
    assert added.status_code == 302
    assert [n.body for n in factories.rows(InternalNote, offer_id=offer.id)] == [
        "From the commissioner",
        "Placement view",
    ]

    token = token_from(officer, case_url(offer.id))
    before = factories.database_state()
    for path, data in (
        ("flags", {"flag_text": "Another"}),
        (f"flags/{flag_id}/resolve", {"resolution": "Done"}),
    ):
        response = officer.post(
            f"/queue/offers/{offer.id}/{path}", data={"csrf_token": token, **data}
        )
        assert response.status_code == 404, path
    assert factories.database_state() == before


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter the note"),
        ("   \n  ", "Enter the note"),
        ("x" * 10_000, "The note must be 5000 characters or fewer"),
    ],
    ids=["empty", "blank", "10000-characters"],
)
def test_a_bad_note_is_refused_with_a_govuk_error(app, submitter, commissioner, typed, message):
    offer = factories.submitted_offer(submitter)
    staff = factories.signed_in_client(app, commissioner)
    response = post_form(staff, offer.id, "notes", {"internal_note": typed})
    assert_error_summary(response, message)
    assert error_summary(response) == [message]
    assert soup(response).select_one(".govuk-error-summary a")["href"] == "#internal_note"
    if typed.strip():
        assert soup(response).select_one("textarea#internal_note").get_text() == typed
    assert factories.count(InternalNote) == 0
    assert factories.rows(AuditEvent, action="note") == []


def test_a_note_of_exactly_5000_characters_is_kept(app, submitter, commissioner):
    offer = factories.submitted_offer(submitter)
    staff = factories.signed_in_client(app, commissioner)
    assert post_form(staff, offer.id, "notes", {"internal_note": "y" * 5000}).status_code == 302
    assert len(factories.rows(InternalNote)[0].body) == 5000


def test_markup_in_notes_and_flags_is_shown_as_text(app, submitter, commissioner):
    offer = factories.submitted_offer(submitter)
    staff = factories.signed_in_client(app, commissioner)
    post_form(staff, offer.id, "notes", {"internal_note": SCRIPT})
    post_form(staff, offer.id, "flags", {"flag_text": SCRIPT})
    [flag_id] = open_flag_ids(offer.id)
    post_form(staff, offer.id, f"flags/{flag_id}/resolve", {"resolution": SCRIPT})
    post_form(staff, offer.id, "flags", {"flag_text": SCRIPT + " again"})
    page = staff.get(case_url(offer.id))
    assert page.text.count(SCRIPT) == 0
    shown = soup(page).get_text()
    assert shown.count(SCRIPT) >= 4  # note, banner, open flag, resolved flag and resolution
    assert_no_script(page)
    assert soup(page).select_one(f"#flag-{flag_id} .app-preserve-lines").get_text() == SCRIPT
    assert "&lt;span" not in page.text
    admin = factories.signed_in_client(app, factories.staff("admin"))
    log = admin.get("/admin/audit")
    assert SCRIPT in soup(log).get_text()
    assert_no_script(log)


def test_notes_and_flags_need_a_submitted_offer(app, submitter, commissioner):
    draft = factories.complete_offer(submitter)
    staff = factories.signed_in_client(app, commissioner)
    token = token_from(staff, "/queue")
    for path in ("notes", "flags", "flags/1/resolve"):
        response = staff.post(
            f"/queue/offers/{draft.id}/{path}",
            data={"csrf_token": token, "internal_note": "x", "flag_text": "x", "resolution": "x"},
        )
        assert response.status_code == 404, path
    assert factories.count(InternalNote) == factories.count(OfferFlag) == 0


# --- Flags ----------------------------------------------------------------------


def test_a_commissioner_raises_a_flag_that_shows_at_the_top_until_resolved(
    app, submitter, commissioner
):
    offer = factories.submitted_offer(submitter)
    staff = factories.signed_in_client(app, commissioner)
    page = staff.get(case_url(offer.id))
    assert soup(page).select_one(".govuk-notification-banner") is None
    assert "No open flags." in text(page)

    raised = post_form(
        staff, offer.id, "flags", {"flag_text": "Rent to check with the housing benefit team"}
    )
    assert raised.status_code == 302
    page = staff.get(case_url(offer.id))
    banner = soup(page).select_one("[aria-labelledby=open-flags-title]")
    assert banner is not None
    main = soup(page).select_one("main")
    # At the top: before the offer's heading.
    assert main.find_all(["h1", "div"]).index(banner) < main.find_all(["h1", "div"]).index(
        main.find("h1")
    )
    banner_text = " ".join(banner.get_text(" ").split())
    assert "This offer has 1 open flag" in banner_text
    assert "Rent to check with the housing benefit team" in banner_text
    assert f"raised by {commissioner.user.full_name}" in banner_text
    with app.app_context():
        assert flag_service.open_flag_counts([offer.id]) == {offer.id: 1}
    [event] = factories.rows(AuditEvent, offer_id=offer.id, action="flag_raised")
    assert event.actor_id == commissioner.id
    assert event.detail == "Rent to check with the housing benefit team"

    [flag_id] = open_flag_ids(offer.id)
    resolver = factories.staff("admin")
    admin = factories.signed_in_client(app, resolver)
    resolved = post_form(
        admin,
        offer.id,
        f"flags/{flag_id}/resolve",
        {"resolution": "HB team confirmed the rent is eligible."},
    )
    assert resolved.status_code == 302
    page = staff.get(case_url(offer.id))
    assert soup(page).select_one("[aria-labelledby=open-flags-title]") is None
    card = soup(page).select_one(f"#flag-{flag_id}")
    history = " ".join(card.get_text(" ").split())
    assert "Rent to check with the housing benefit team" in history
    assert "Resolved" in history
    assert f"By {commissioner.user.full_name} on" in history  # raised by, and when
    assert f"By {resolver.user.full_name} on" in history  # resolved by, and when
    assert "HB team confirmed the rent is eligible." in history
    resolution = card.select_one(".app-preserve-lines")  # its line breaks kept
    assert resolution.get_text() == "HB team confirmed the rent is eligible."
    with app.app_context():
        assert flag_service.open_flag_counts([offer.id]) == {}
    stored = factories.get(OfferFlag, flag_id)
    assert stored.resolved_by_id == resolver.id and stored.resolved_at is not None
    [event] = factories.rows(AuditEvent, offer_id=offer.id, action="flag_resolved")
    assert event.actor_id == resolver.id
    assert "HB team confirmed" in event.detail


def test_several_open_flags_each_resolve_on_their_own(app, submitter, commissioner):
    offer = factories.submitted_offer(submitter)
    staff = factories.signed_in_client(app, commissioner)
    for words in ("Check the lease", "Check the EPC"):
        post_form(staff, offer.id, "flags", {"flag_text": words})
    first, second = open_flag_ids(offer.id)
    page = staff.get(case_url(offer.id))
    assert "This offer has 2 open flags" in text(page)
    ids = [area["id"] for area in soup(page).select("textarea[name=resolution]")]
    assert ids == [f"flag-{first}-resolution", f"flag-{second}-resolution"]

    refused = post_form(staff, offer.id, f"flags/{second}/resolve", {"resolution": ""})
    assert_error_summary(refused, "Enter how the flag was resolved")
    assert soup(refused).select_one(".govuk-error-summary a")["href"] == (
        f"#flag-{second}-resolution"
    )
    # Only the form that was posted is open with the error; the other is untouched.
    assert error_messages(refused) == ["Enter how the flag was resolved"]
    assert soup(refused).select_one(f"#flag-{first}-resolution").get_text() == ""
    assert open_flag_ids(offer.id) == [first, second]

    post_form(staff, offer.id, f"flags/{second}/resolve", {"resolution": "EPC is C"})
    assert open_flag_ids(offer.id) == [first]
    assert "This offer has 1 open flag" in text(staff.get(case_url(offer.id)))


def test_a_flag_resolved_already_is_not_resolved_again(app, submitter, commissioner):
    offer = factories.submitted_offer(submitter)
    staff = factories.signed_in_client(app, commissioner)
    post_form(staff, offer.id, "flags", {"flag_text": "Check the lease"})
    [flag_id] = open_flag_ids(offer.id)
    other = factories.signed_in_client(app, factories.staff("commissioner"))
    stale_page = other.get(case_url(offer.id)).text  # opened before the first resolves it
    post_form(staff, offer.id, f"flags/{flag_id}/resolve", {"resolution": "Lease seen"})
    response = other.post(
        f"/queue/offers/{offer.id}/flags/{flag_id}/resolve",
        data={"csrf_token": csrf_token(stale_page), "resolution": "Me too"},
    )
    assert response.status_code == 409
    assert "This flag has already been resolved: Check the lease" in error_summary(response)
    assert factories.get(OfferFlag, flag_id).resolution == "Lease seen"
    assert len(factories.rows(AuditEvent, action="flag_resolved")) == 1


def test_a_flag_is_only_found_under_its_own_offer(app, submitter, commissioner):
    offer = factories.submitted_offer(submitter)
    other_offer = factories.submitted_offer(submitter, name="Other Court")
    staff = factories.signed_in_client(app, commissioner)
    post_form(staff, offer.id, "flags", {"flag_text": "Check the lease"})
    [flag_id] = open_flag_ids(offer.id)
    response = staff.post(
        f"/queue/offers/{other_offer.id}/flags/{flag_id}/resolve",
        data={"csrf_token": token_from(staff, "/queue"), "resolution": "Wrong offer"},
    )
    assert response.status_code == 404
    assert open_flag_ids(offer.id) == [flag_id]


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter what needs checking"),
        ("x" * 201, "The flag must be 200 characters or fewer"),
        ("x" * 10_000, "The flag must be 200 characters or fewer"),
    ],
    ids=["empty", "201-characters", "10000-characters"],
)
def test_a_bad_flag_is_refused_with_a_govuk_error(app, submitter, commissioner, typed, message):
    offer = factories.submitted_offer(submitter)
    staff = factories.signed_in_client(app, commissioner)
    response = post_form(staff, offer.id, "flags", {"flag_text": typed})
    assert_error_summary(response, message)
    # The "Raise a flag" details are open, so the field with the error can be seen.
    assert soup(response).select_one("#flag_text").find_parent("details").has_attr("open")
    assert factories.count(OfferFlag) == 0
    assert factories.rows(AuditEvent, action="flag_raised") == []


def test_a_resolution_of_10000_characters_is_refused(app, submitter, commissioner):
    offer = factories.submitted_offer(submitter)
    staff = factories.signed_in_client(app, commissioner)
    post_form(staff, offer.id, "flags", {"flag_text": "Check the lease"})
    [flag_id] = open_flag_ids(offer.id)
    response = post_form(staff, offer.id, f"flags/{flag_id}/resolve", {"resolution": "x" * 10_000})
    assert_error_summary(response, "The resolution must be 2000 characters or fewer")
    assert open_flag_ids(offer.id) == [flag_id]


def test_open_flag_counts_for_a_page_of_offers(app, submitter, commissioner):
    first = factories.submitted_offer(submitter)
    second = factories.submitted_offer(submitter, name="Second Court")
    third = factories.submitted_offer(submitter, name="Third Court")
    staff = factories.signed_in_client(app, commissioner)
    for words in ("One", "Two", "Three"):
        post_form(staff, first.id, "flags", {"flag_text": words})
    post_form(staff, second.id, "flags", {"flag_text": "Only one"})
    [second_flag] = open_flag_ids(second.id)
    post_form(staff, second.id, f"flags/{second_flag}/resolve", {"resolution": "Done"})
    post_form(staff, third.id, "flags", {"flag_text": "Open"})
    with app.app_context():
        assert flag_service.open_flag_counts([first.id, second.id, third.id, 999]) == {
            first.id: 3,
            third.id: 1,
        }
        assert flag_service.open_flag_counts([]) == {}
        db.session.remove()

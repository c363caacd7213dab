"""Commissioners see each offer's score explained; submitters never see scores."""

from __future__ import annotations

import pytest

from tests import factories
from triage.services import scoring
from workers import tasks


def _scored_offer(app, submitter):
    offer = factories.submitted_offer(submitter)
    with app.app_context():
        tasks.score_offer(offer.id)
    return factories.get(type(offer), offer.id)


def test_the_staff_offer_page_explains_every_rule_with_its_figures(app, submitter, commissioner):
    offer = _scored_offer(app, submitter)
    client = factories.signed_in_client(app, commissioner)
    page = client.get(f"/queue/offers/{offer.id}")
    text = factories.text(page)
    assert "policy 2026-04-01" in text
    for title in (
        "Rent affordability",
        "Demand for shared housing",
        "Self-contained, core and cluster",
        "Unmet need in the target cohorts",
        "Procurement",
        "Location",
        "Accessibility and quality",
    ):
        assert title in text
    # The factory's offer: exempt accommodation, £150 core rent + £35 eligible service charge.
    assert "£185.00" in text and "exempt accommodation" in text
    assert "out of 100" in text


@pytest.mark.usefixtures("firm_pipeline")
def test_the_queue_shows_scores_and_red_flags(app, submitter, commissioner):
    offer = _scored_offer(app, submitter)
    with app.app_context():
        score = scoring.latest_score(offer.id)
    client = factories.signed_in_client(app, commissioner)
    soup = factories.soup(client.get("/queue"))
    row = next(tr for tr in soup.select("tbody tr") if offer.reference in tr.get_text())
    cells = [td.get_text(" ", strip=True) for td in row.select("td")]
    assert f"{score.score} ({score.band})" in cells
    # The factory's mental health offer meets no unmet need (27 forecast, 27 planned).
    assert "Unmet need in the target cohorts" in cells[-1]


def test_a_failed_score_shows_its_error_and_can_be_retried(app, submitter, commissioner):
    offer = factories.submitted_offer(submitter)
    with app.app_context():
        scoring.mark_failed(offer.id, "ValueError: the policy could not be read")
    client = factories.signed_in_client(app, commissioner)
    page = client.get(f"/queue/offers/{offer.id}")
    assert "Scoring failed: ValueError: the policy could not be read" in factories.text(page)
    response = factories.submit_form(
        client, f"/queue/offers/{offer.id}/retry-scoring", {}, form_url=f"/queue/offers/{offer.id}"
    )
    assert response.status_code == 302
    assert factories.get(type(offer), offer.id).status == "submitted"
    assert "sent for scoring again" in factories.text(client.get(response.headers["Location"]))


def test_placement_officers_see_scores_but_cannot_retry(app, submitter):
    offer = factories.submitted_offer(submitter)
    with app.app_context():
        scoring.mark_failed(offer.id, "boom")
    officer = factories.staff("placement_officer")
    client = factories.signed_in_client(app, officer)
    assert "Try scoring again" not in factories.text(client.get(f"/queue/offers/{offer.id}"))


def test_submitters_never_see_scores_or_scoring_states(app, submitter):
    offer = _scored_offer(app, submitter)
    client = factories.signed_in_client(app, submitter)
    for url in ("/offers", f"/offers/{offer.id}"):
        text = factories.text(client.get(url))
        assert "Scored" not in text
        assert "out of 100" not in text
        assert "Rent affordability" not in text
        assert "Submitted" in text
    assert client.get(f"/queue/offers/{offer.id}").status_code == 404


@pytest.mark.usefixtures("firm_pipeline")
def test_the_queue_follows_the_policys_order(app, submitter, commissioner):
    # Policy 2026-04-01: red flags first, then band, score, and longest waiting.
    from triage import db
    from triage.models import Offer

    flagged = factories.submitted_offer(submitter, name="Flagged")  # mental health: need met (red)
    strong = factories.submitted_offer(submitter, name="Strong")
    waiting = factories.submitted_offer(submitter, name="Unscored")
    with app.app_context():
        db.session.get(Offer, strong.id).cohorts[0].cohort = "diversion_from_residential"
        db.session.commit()
        tasks.score_offer(flagged.id)
        tasks.score_offer(strong.id)
        assert scoring.latest_score(flagged.id).red_flags
        assert not scoring.latest_score(strong.id).red_flags
    client = factories.signed_in_client(app, commissioner)
    rows = factories.soup(client.get("/queue")).select("tbody tr")
    names = [row.select("td")[1].get_text(strip=True).split(",")[0] for row in rows]
    assert names == ["Flagged", "Strong", "Unscored"]
    assert waiting.id  # the unscored offer comes last: no band, no score

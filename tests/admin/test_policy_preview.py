"""A policy preview to trust: places in the queue's own order, every change of
score, band, place or red flags with its reason; downloads of any version;
problems in plain words with the line; scheduling a version for its date."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta

import yaml
from sqlalchemy import select

from rules.policy_data import POLICY_DIR
from tests import factories
from tests.factories import soup
from triage import clock, db
from triage.models import AuditEvent, EmailMessage, Offer, PolicyVersion, RescoreRun
from triage.services import policy_admin, scoring

SHIPPED = (POLICY_DIR / "2026-04-01.yaml").read_text()


def _policy(version: str = "2026-10-01", effective_from: date | None = None, **changes) -> bytes:
    data = yaml.safe_load(SHIPPED)
    data["version"] = version
    if effective_from is not None:
        data["effective_from"] = effective_from
    for path, value in changes.items():
        target = data
        keys = path.split(".")
        for key in keys[:-1]:
            target = target[key]
        target[keys[-1]] = value
    return yaml.safe_dump(data, sort_keys=False).encode()


def _upload(client, content: bytes):
    page = client.get("/admin/policy")
    return client.post(
        "/admin/policy",
        data={
            "csrf_token": factories.csrf_token(page.text),
            "policy_file": (io.BytesIO(content), "policy.yaml"),
        },
        content_type="multipart/form-data",
    )


def _changes(response) -> dict[str, dict[str, str]]:
    """The preview's table: each offer's row by reference, cell by column."""
    page = soup(response)
    table = page.select_one("#preview-changes")
    if table is None:
        return {}
    headings = [th.get_text(strip=True) for th in table.select("thead th")]
    rows = {}
    for row in table.select("tbody tr"):
        cells = [" ".join(td.get_text(" ").split()) for td in row.select("td")]
        rows[cells[0].split()[0]] = dict(zip(headings, cells, strict=True))
    return rows


def _aim(app, offer_id: int, cohort: str) -> None:
    with app.app_context():
        db.session.get(Offer, offer_id).cohorts[0].cohort = cohort
        db.session.commit()


def test_a_policy_that_only_changes_the_queue_order(app, admin, submitter):
    # Outside the city: a red flag on location.
    flagged = factories.submitted_offer(submitter, name="Flagged", postcode="NG1 1AA")
    clean = factories.submitted_offer(submitter, name="Clean")
    client = factories.signed_in_client(app, admin)
    response = _upload(client, _policy(**{"queue.red_flags": "last"}))
    assert response.status_code == 302, factories.error_summary(response)
    preview = client.get(response.headers["Location"])
    changes = _changes(preview)
    # The score alone would rank them the same under both: the queue's order flips.
    assert set(changes) == {flagged.reference, clean.reference}
    assert changes[flagged.reference]["Place in the queue"] == "1 to 2"
    assert changes[clean.reference]["Place in the queue"] == "2 to 1"
    for row in changes.values():
        assert row["Score and band"].endswith("no change")
        assert row["Red flags"].endswith("no change")
        assert "Offers with red flags come last (were first)" in row["Why"]
    assert "2 would change score, band, place in the queue or red flags" in factories.text(preview)


def test_a_policy_that_only_changes_a_score_within_its_band(app, admin, submitter):
    offer = factories.submitted_offer(submitter, name="Only")
    client = factories.signed_in_client(app, admin)
    response = _upload(
        client,
        _policy(**{"scoring.weights.rent_affordability": 24, "scoring.weights.quality": 11}),
    )
    preview = client.get(response.headers["Location"])
    row = _changes(preview)[offer.reference]
    # Listed although neither band nor place moves, with the rules that moved it.
    assert row["Place in the queue"] == "1, no change"
    assert "Band moves" not in row["Score and band"]
    before, after = row["Score and band"].split(" to ")
    assert before.split()[1] == after.split()[1]  # the band, in brackets
    assert before.split()[0] != after.split()[0]
    # The figures that moved it: the weights.
    assert "Rent affordability weighs 24 (was 25)" in row["Why"]
    assert "Quality weighs 11 (was 10)" in row["Why"]


def test_any_version_can_be_downloaded(app, admin):
    client = factories.signed_in_client(app, admin)
    in_force = factories.fetch(client, "/admin/policy/in-force/download")
    assert in_force.status_code == 200
    assert (
        in_force.headers["Content-Disposition"] == 'attachment; filename="policy-2026-04-01.yaml"'
    )
    assert in_force.get_data(as_text=True) == SHIPPED
    content = _policy(**{"queue.red_flags": "last"})
    version_url = _upload(client, content).headers["Location"]
    link = soup(client.get(version_url)).find("a", string="Download policy 2026-10-01 (YAML)")
    loaded = factories.fetch(client, link["href"])
    assert loaded.get_data() == content
    assert loaded.headers["Content-Disposition"] == 'attachment; filename="policy-2026-10-01.yaml"'


def test_yaml_problems_are_told_in_plain_words_with_the_line(app, admin):
    client = factories.signed_in_client(app, admin)
    broken = b"version: 2026-10-01\ntitle: A policy\n\tscoring: 1\n"
    errors = factories.error_summary(_upload(client, broken))
    assert len(errors) == 1
    assert errors[0].startswith("Line 3: There is a tab")
    unknown = _policy(**{"queue.colour": "blue"})
    line = next(
        number
        for number, text in enumerate(unknown.decode().splitlines(), start=1)
        if "colour" in text
    )
    assert factories.error_summary(_upload(client, unknown)) == [
        f"Line {line}: queue.colour is not a setting the policy has"
        " (check its spelling and indentation)"
    ]
    assert factories.count(PolicyVersion) == 0


def test_a_version_scheduled_for_tomorrow_takes_effect_once(app, admin, submitter, monkeypatch):
    offer = factories.submitted_offer(submitter)
    client = factories.signed_in_client(app, admin)
    tomorrow = clock.today_uk() + timedelta(days=1)
    version_url = _upload(
        client, _policy(effective_from=tomorrow, **{"queue.red_flags": "last"})
    ).headers["Location"]
    scheduled = factories.submit_form(client, f"{version_url}/schedule", {}, form_url=version_url)
    assert scheduled.status_code == 302
    page = client.get(version_url)
    assert "Scheduled: it will be put in force early on" in factories.text(page)
    assert "2026-10-01" in factories.text(client.get("/admin/policy"))
    with app.app_context():
        # Today: not yet.
        assert policy_admin.activate_due() == []
        assert scoring.policy_in_force().version == "2026-04-01"
    # Early tomorrow morning (UK time), as the hourly beat task runs.
    morning = datetime.combine(tomorrow, datetime.min.time(), tzinfo=clock.UK) + timedelta(
        hours=1, minutes=5
    )
    monkeypatch.setattr(clock, "now", lambda: morning.astimezone(UTC))
    from workers import tasks

    with app.app_context():
        assert tasks.activate_scheduled_policy() == ["2026-10-01"]
        assert tasks.activate_scheduled_policy() == []  # once
        assert scoring.policy_in_force().version == "2026-10-01"
        runs = db.session.scalars(select(RescoreRun)).all()
        assert [run.total for run in runs] == [1]
        row = db.session.scalar(select(PolicyVersion))
        assert row.activated_at is not None and row.scheduled_for is None
        events = db.session.scalars(
            select(AuditEvent.detail).where(AuditEvent.action == "policy_activated")
        ).all()
        assert events == [
            "Policy 2026-10-01 put in force on its scheduled day: 1 open offers sent for rescoring"
        ]
        emailed = db.session.scalars(
            select(EmailMessage).where(EmailMessage.subject.contains("2026-10-01"))
        ).all()
        assert [email.to_address for email in emailed] == [admin.email]
        tasks.score_offer(offer.id, 1)
        assert scoring.latest_score(offer.id).policy_version == "2026-10-01"


def test_a_schedule_can_be_cancelled_and_a_past_date_cannot_be_scheduled(app, admin):
    client = factories.signed_in_client(app, admin)
    tomorrow = clock.today_uk() + timedelta(days=1)
    version_url = _upload(client, _policy(effective_from=tomorrow)).headers["Location"]
    factories.submit_form(client, f"{version_url}/schedule", {}, form_url=version_url)
    cancelled = factories.submit_form(
        client, f"{version_url}/cancel-schedule", {}, form_url=version_url
    )
    assert cancelled.status_code == 302
    assert "Scheduled:" not in factories.text(client.get(version_url))
    with app.app_context():
        actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
        assert actions[-2:] == ["policy_scheduled", "policy_schedule_cancelled"]
    # A version whose date has come is put in force now, not scheduled.
    past_url = _upload(client, _policy(version="2026-10-02")).headers["Location"]
    assert "Put it in force on its date" not in factories.text(client.get(past_url))
    refused = factories.submit_form(client, f"{past_url}/schedule", {}, form_url=past_url)
    assert refused.status_code == 200
    assert factories.error_summary(refused)[0].startswith("Policy 2026-10-02 takes effect on")

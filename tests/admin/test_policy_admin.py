"""Admins see the policy in force, load a new version, see what it would change,
and put it in force, which rescores open offers."""

from __future__ import annotations

import io

import yaml
from sqlalchemy import select

from rules.policy_data import POLICY_DIR
from tests import factories
from triage import db
from triage.models import OutboxMessage, PolicyVersion
from triage.services import scoring


def _policy_yaml(**changes) -> bytes:
    data = yaml.safe_load((POLICY_DIR / "2026-04-01.yaml").read_text())
    data["version"] = "2026-10-01"
    for path, value in changes.items():
        target = data
        keys = path.split(".")
        for key in keys[:-1]:
            target = target[int(key)] if key.isdigit() else target[key]
        target[keys[-1]] = value
    return yaml.safe_dump(data).encode()


def _line_of(content: bytes, *texts: str) -> int:
    """The line (from 1) of the last of `texts`, each looked for after the one before."""
    lines = content.decode().splitlines()
    number = -1
    for text in texts:
        number = next(n for n, line in enumerate(lines) if n > number and text in line)
    return number + 1


def _upload(client, content: bytes, name: str = "policy.yaml"):
    page = client.get("/admin/policy")
    return client.post(
        "/admin/policy",
        data={
            "csrf_token": factories.csrf_token(page.text),
            "policy_file": (io.BytesIO(content), name),
        },
        content_type="multipart/form-data",
    )


def test_the_policy_page_shows_the_figures_in_force_with_their_sources(app, admin):
    client = factories.signed_in_client(app, admin)
    page = client.get("/admin/policy")
    assert page.status_code == 200
    text = factories.text(page)
    assert "2026-04-01" in text
    assert "£124.27" in text and "£540.00" in text  # LHA 1-bed weekly and UC monthly
    assert "£272.48" in text  # CORE supported housing soft maximum
    assert "SI 2025/5" in text


def test_a_bad_policy_is_refused_naming_the_key_and_the_policy_in_force_stays(app, admin):
    client = factories.signed_in_client(app, admin)
    response = _upload(client, _policy_yaml(**{"local_housing_allowance.weekly.one_bed": -3}))
    assert response.status_code == 200
    errors = factories.error_summary(response)
    # In plain words, with the line of the file to look at.
    line = _line_of(
        _policy_yaml(**{"local_housing_allowance.weekly.one_bed": -3}),
        "local_housing_allowance:",
        "  weekly:",
        "one_bed:",
    )
    assert errors == [f"Line {line}: local_housing_allowance.weekly.one_bed must not be negative"]
    assert factories.soup(response).title.get_text().startswith("Error: ")
    assert factories.count(PolicyVersion) == 0
    with app.app_context():
        assert scoring.policy_in_force().version == "2026-04-01"


def test_a_file_that_is_not_yaml_text_is_refused_plainly(app, admin):
    client = factories.signed_in_client(app, admin)
    response = _upload(client, b"\xff\xfe\x00binary", name="policy.yaml")
    assert "must be text" in " ".join(factories.error_summary(response))


def test_the_same_version_twice_is_refused(app, admin):
    client = factories.signed_in_client(app, admin)
    data = yaml.safe_load((POLICY_DIR / "2026-04-01.yaml").read_text())
    response = _upload(client, yaml.safe_dump(data).encode())
    assert "already loaded" in " ".join(factories.error_summary(response))


def test_the_preview_lists_offers_whose_band_moves_and_why(app, admin, submitter):
    offer = factories.submitted_offer(submitter)
    client = factories.signed_in_client(app, admin)
    # Raising band A's threshold above the offer's score (about 97) moves it to B.
    weights_yaml = _policy_yaml(
        **{
            "scoring.bands": [
                {"name": "A", "label": "Strong fit", "min_score": 99},
                {"name": "B", "label": "Possible fit", "min_score": 55},
                {"name": "C", "label": "Weak fit", "min_score": 0},
            ]
        }
    )
    response = _upload(client, weights_yaml)
    assert response.status_code == 302
    preview = client.get(response.headers["Location"])
    text = factories.text(preview)
    assert "1 would change score, band, place in the queue or red flags" in text
    assert offer.reference in text
    assert "Band moves" in text
    # Nothing changes until it is put in force.
    with app.app_context():
        assert scoring.policy_in_force().version == "2026-04-01"


def test_putting_a_policy_in_force_rescores_every_open_offer(app, admin, submitter):
    offer = factories.submitted_offer(submitter)
    client = factories.signed_in_client(app, admin)
    response = _upload(client, _policy_yaml(**{"rent.shortfall_green_max": 20.0}))
    version_url = response.headers["Location"]
    activate = factories.submit_form(client, f"{version_url}/activate", {}, form_url=version_url)
    assert activate.status_code == 302
    progress = client.get(activate.headers["Location"])
    assert "0 of 1 offers rescored" in factories.text(progress)
    with app.app_context():
        assert scoring.policy_in_force().version == "2026-10-01"
        queued = db.session.scalars(
            select(OutboxMessage.args).where(OutboxMessage.task_name == "offers.score")
        ).all()
        assert [offer.id, 1] in queued
        from workers import tasks

        tasks.score_offer(offer.id, 1)
        assert scoring.latest_score(offer.id).policy_version == "2026-10-01"
    assert "1 of 1 offers rescored" in factories.text(client.get(activate.headers["Location"]))


def test_only_admins_reach_the_policy_pages(app, commissioner, submitter):
    for account in (commissioner, submitter):
        client = factories.signed_in_client(app, account)
        assert client.get("/admin/policy").status_code == 404

"""Only the placement team and administrators reach any placement page: for
commissioners and submitters the pages do not exist, and signed-out visitors are
sent to sign in. Checked on every route of the blueprint, found from the URL map."""

from __future__ import annotations

import pytest

from tests import factories


def placement_urls(app) -> list[tuple[str, str]]:
    urls = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("placement."):
            continue
        values = {name: 1 if name.endswith("_id") else "token" for name in rule.arguments}
        url = rule.build(values)[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            urls.append((method, url))
    return urls


def test_every_placement_route_is_found(app):
    assert len(placement_urls(app)) >= 15


@pytest.mark.parametrize("role", ["commissioner", "submitter"])
def test_others_cannot_see_any_placement_page(app, role):
    account = factories.submitter() if role == "submitter" else factories.staff(role)
    client = factories.signed_in_client(app, account)
    app.config["WTF_CSRF_ENABLED"] = False  # a POST must fail on who, not on the token
    for method, url in placement_urls(app):
        response = client.open(url, method=method)
        assert response.status_code == 404, f"{role} {method} {url}: {response.status_code}"


def test_signed_out_visitors_are_sent_to_sign_in(app, client):
    for method, url in placement_urls(app):
        if method != "GET":
            continue
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/sign-in" in response.location


@pytest.mark.parametrize("role", ["placement_officer", "admin"])
def test_the_placement_team_and_admins_can(app, role):
    client = factories.signed_in_client(app, factories.staff(role))
    for url in ["/placement/", "/placement/people", "/placement/homes", "/placement/proposal"]:
        assert client.get(url).status_code == 200, url


def test_commissioners_see_no_placement_link(app, commissioner, placement_officer):
    staff = factories.signed_in_client(app, commissioner)
    assert "/placement/" not in staff.get("/queue/").text
    team = factories.signed_in_client(app, placement_officer)
    assert "/placement/" in team.get("/queue/").text

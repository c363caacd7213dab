"""Assertions the web tests share: what a person sees when input is refused, and
proof that a refused answer left the saved draft as it was."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests import factories
from tests.factories import error_messages, error_summary, soup


def assert_error_summary(response: TestResponse, *messages: str) -> list[str]:
    """The page is shown again with a GOV.UK error summary whose links go to fields on
    the page, and each of `messages` is in the summary and beside its field."""
    assert response.status_code in (200, 429), response.status_code
    page = soup(response)
    summary = page.select_one(".govuk-error-summary")
    assert summary is not None, "no error summary on the page"
    assert page.title is not None and page.title.get_text().startswith("Error: ")
    links = summary.select(".govuk-error-summary__list a")
    assert links, "the error summary lists no errors"
    for link in links:
        href = str(link.get("href", ""))
        assert href.startswith("#"), href
        assert page.find(id=href[1:]) is not None, f"{href} links to nothing on the page"
    listed = error_summary(response)
    inline = error_messages(response)
    for message in messages:
        assert message in listed, f"{message!r} not in the error summary {listed}"
        assert message in inline, f"{message!r} not shown beside its field {inline}"
    return listed


def summary_text(response: TestResponse) -> str:
    """The answers on a check-answers or offer page, as one string."""
    lists = soup(response).select(".govuk-summary-list")
    return " ".join(" ".join(item.get_text(" ").split()) for item in lists)


@contextmanager
def draft_kept(client: FlaskClient, offer_id: int, page_url: str) -> Iterator[dict[str, Any]]:
    """Whatever happens inside leaves the saved draft as it was: its database rows,
    the answers the page shows when reloaded, and the check-answers page."""
    check_url = f"/offers/{offer_id}/check-answers"
    before_state = factories.offer_state(offer_id)
    before_page = client.get(page_url)
    assert before_page.status_code == 200, page_url
    before_values = factories.form_values(before_page)
    before_check = summary_text(client.get(check_url))
    assert before_check, "check answers shows no answers"
    yield before_values
    assert factories.offer_state(offer_id) == before_state
    after_page = client.get(page_url)
    assert after_page.status_code == 200
    assert factories.form_values(after_page) == before_values
    assert summary_text(client.get(check_url)) == before_check


def refused_and_kept(
    client: FlaskClient, offer_id: int, key: str, data: dict[str, Any], *messages: str
) -> list[str]:
    """Post `data` to a question page: it is refused with `messages` and the draft keeps
    every answer saved before."""
    url = factories.question_url(offer_id, key)
    with draft_kept(client, offer_id, url):
        response = factories.submit_form(client, url, data)
        listed = assert_error_summary(response, *messages)
    return listed

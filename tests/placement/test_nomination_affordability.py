"""Affordability for the identified person: nominating runs the rent engine on the
person's pseudonymous benefit profile, shows the result, and a shortfall asks for
confirmation before the nomination is recorded.

Figures (2026/27 policy): the factory offer is a registered provider providing
support, so exempt accommodation: Housing Benefit meets £150.00 + £35.00 =
£185.00. Let by a private landlord without support, the same flat is capped by
UC at the LHA: for a 30-year-old with no disability benefit the shared rate
£395.42 a month = £91.25 a week (UC Regs 2013 Sch 4 paras 27-29), leaving
£185.00 - £91.25 = £93.75 of rent unmet.
"""

from __future__ import annotations

import pytest

from tests import factories
from tests.factories import text
from tests.placement.helpers import (
    HEADER,
    approved_offer,
    import_list,
    post_page_form,
    row,
    unit_ids,
)
from triage.models import Nomination, WaitingPerson

PROFILE_HEADER = HEADER + ",age,disability_benefits"


@pytest.fixture
def officer_client(app, placement_officer):
    return factories.signed_in_client(app, placement_officer)


def _import(client, *rows: str) -> None:
    import_list(client, ("\r\n".join([PROFILE_HEADER, *rows]) + "\r\n").encode())


def _person_id(reference: str) -> int:
    (person,) = factories.rows(WaitingPerson, reference=reference)
    return person.id


def _nominate(client, unit_id: int, person: int, **more: str):
    return post_page_form(
        client,
        f"/placement/homes/{unit_id}",
        f"/placement/homes/{unit_id}/nominate",
        {"person_id": str(person), **more},
    )


def test_exempt_accommodation_nominates_at_once_and_shows_what_hb_meets(
    app, submitter, officer_client
):
    (unit_id, *_) = unit_ids(approved_offer(app, submitter))
    _import(officer_client, row("P-0001") + ",40,pip_daily_living_standard")
    nominated = _nominate(officer_client, unit_id, _person_id("P-0001"))
    assert nominated.status_code == 302
    page = text(officer_client.get(nominated.location))
    assert "Rent affordability for this person" in page
    assert "Benefits would meet £185.00 a week" in page
    assert "exempt accommodation" in page


def test_a_shortfall_asks_for_confirmation_before_nominating(app, submitter, officer_client):
    offer_id = approved_offer(
        app, submitter, landlord_type="private_landlord", landlord_provides_care=False
    )
    (unit_id, *_) = unit_ids(offer_id)
    _import(officer_client, row("P-0002") + ",30,")
    who = _person_id("P-0002")
    asked = _nominate(officer_client, unit_id, who)
    assert asked.status_code == 200
    page = text(asked)
    assert "despite a shortfall" in page
    assert "£91.25" in page and "£93.75 of it rent not met" in page
    assert factories.rows(Nomination, person_id=who) == []
    confirmed = _nominate(officer_client, unit_id, who, confirm_shortfall="yes")
    assert confirmed.status_code == 302
    assert [item.status for item in factories.rows(Nomination, person_id=who)] == ["nominated"]


def test_without_a_benefit_profile_the_page_says_so(app, submitter, officer_client):
    (unit_id, *_) = unit_ids(approved_offer(app, submitter))
    _import(officer_client, row("P-0003") + ",,")
    nominated = _nominate(officer_client, unit_id, _person_id("P-0003"))
    assert nominated.status_code == 302
    assert "No benefit profile is recorded" in text(officer_client.get(nominated.location))


def test_the_persons_page_shows_their_benefit_profile(app, officer_client):
    _import(officer_client, row("P-0004") + ",24,dla_care_middle")
    page = text(officer_client.get(f"/placement/people/{_person_id('P-0004')}"))
    assert "aged 24, DLA care component (middle rate)" in page

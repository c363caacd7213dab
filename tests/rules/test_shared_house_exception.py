"""The shared-housing exception (one four-bed shared house for young people in
transition, strategy Appendix B) stops once it is provided, by the existing-supply
register or an approved offer (issue 13)."""

from __future__ import annotations

import pytest

from rules.design import configuration, shared_housing
from rules.existing_supply import RegisteredScheme, SupplyRegister
from rules.offer import OfferData
from rules.scoring import score_offer
from tests.rules.offers import SEEDED_REGISTER, make_offer, shipped_policy, unit

POLICY = shipped_policy()
SEND = "send_transitions"


def send_shared_house() -> OfferData:
    return make_offer(
        configuration="shared_house",
        communal_space=True,
        staff_office=False,
        cohorts=[SEND],
        units=[
            unit(
                kind="shared_room",
                count=4,
                own_bathroom=False,
                own_kitchen=False,
                most_people_sharing=4,
            )
        ],
    )


REGISTERED = SupplyRegister(
    schemes=(
        *SEEDED_REGISTER.schemes,
        RegisteredScheme("Transitions house", "shared_house", 4, "LE2 0AB", SEND),
    )
)
APPROVED = SupplyRegister(schemes=SEEDED_REGISTER.schemes, approved_shared_houses={SEND: 1})


@pytest.mark.parametrize("register", [None, SEEDED_REGISTER], ids=["no register", "seeded"])
def test_the_exception_stands_while_no_house_is_provided(register: SupplyRegister | None) -> None:
    # The seeded shared houses record no cohort: none is the transitions house.
    result = shared_housing(send_shared_house(), POLICY, register)
    assert (result.score, result.verdict) == (75.0, "green")
    assert "The exception applies" in " ".join(result.reasons)


@pytest.mark.parametrize("register", [REGISTERED, APPROVED], ids=["register", "approved offer"])
def test_the_exception_stops_once_the_house_is_provided(register: SupplyRegister) -> None:
    offer = send_shared_house()
    result = shared_housing(offer, POLICY, register)
    assert (result.score, result.verdict) == (30.0, "red")
    assert result.figures["exception_houses_provided"] == 1
    words = " ".join(result.reasons)
    assert "The exception no longer applies" in words
    assert "1 is already provided" in words
    design = configuration(offer, POLICY, register)
    assert design.verdict == "red"
    assert "already provided" in " ".join(design.reasons)
    before = score_offer(offer, POLICY, register=SEEDED_REGISTER)
    after = score_offer(offer, POLICY, register=register)
    assert after.score < before.score
    assert {"shared_housing", "configuration"} <= set(after.red_flags)


def test_the_council_can_want_more_than_one_house() -> None:
    policy = POLICY.model_copy(
        update={
            "shared_housing": POLICY.shared_housing.model_copy(
                update={"exception_houses_wanted": 2}
            )
        }
    )
    result = shared_housing(send_shared_house(), policy, REGISTERED)
    assert result.verdict == "green"


def test_a_house_for_another_cohort_does_not_end_the_exception() -> None:
    register = SupplyRegister(
        schemes=(
            RegisteredScheme("Another house", "shared_house", 4, "LE2 0AB", "care_leavers_18_25"),
        )
    )
    result = shared_housing(send_shared_house(), POLICY, register)
    assert result.verdict == "green"

"""The dashboard shows the firm figure beside the expected one (issue 13).

No scheme the shipped policy counts against the forecast has a firm completion
date, so if only firm schemes are built all 396 units are sought from the market;
counting each unfirmed scheme at its confidence (rules/policy/2026-04-01.yaml:
0.75 with a site or site option, 0.5 without) 108 are expected: 20 step down, 4
Transforming Care, 35 Ashton Green, 4 Blackbird Road, 37 the identified extra
care site, 4 respite, 4 SEND. The strategy's own 396 / 155 / 219 stay as they are.
"""

from __future__ import annotations

from tests.dashboard.test_dashboard import DASHBOARD, summary


def test_the_firm_and_expected_figures_are_beside_the_strategys(staff_client):
    figures = summary(staff_client.get(DASHBOARD))
    assert figures["Forecast net need"] == "396 units"
    assert figures["Confirmed schemes in addition to the forecast"].startswith("155 units")
    assert figures["To be sought from the open market (strategy)"] == (
        "219 units: the forecast less planned schemes"
    )
    assert figures["Firm and expected"] == (
        "396 units if only the 0 units in schemes with a firm completion date are built; "
        "288 units expected, counting the other schemes at the policy's confidence (108 units)"
    )

"""The policy page shows what the issue 13 rules read: each cohort's ages, the score
for each planning status and the strategy's phases."""

from __future__ import annotations

from tests import factories


def test_the_policy_page_shows_ages_planning_scores_and_phases(app, admin):
    client = factories.signed_in_client(app, admin)
    page = client.get("/admin/policy")
    assert page.status_code == 200
    soup = factories.soup(page)
    cohorts = next(
        table for table in soup.select("table") if "Net units needed" in table.caption.get_text()
    )
    rows = {
        row.select("td")[0].get_text(strip=True): row.select("td")[3].get_text(strip=True)
        for row in cohorts.select("tbody tr")
    }
    assert rows["Looked after children aged 16 to 17"] == "Aged 16 to 17"
    assert rows["People on the housing register awaiting sheltered accommodation (over 60)"] == (
        "Aged 60 and over"
    )
    planning = next(
        table for table in soup.select("table") if "planning status" in table.caption.get_text()
    )
    scores = {
        row.select("td")[0].get_text(strip=True): row.select("td")[1].get_text(strip=True)
        for row in planning.select("tbody tr")
    }
    assert scores["Refused"] == "0.0"
    assert scores["Not yet applied"] == "55.0"
    text = factories.text(page)
    assert "Phase 3: 2026 to 2030 (the market shortfall is sought in this phase)" in text

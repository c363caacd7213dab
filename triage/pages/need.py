"""The public "What we need" page and its figures as CSV and JSON: no sign-in.

Unlike the other footer pages it reads the database, for the supply figures;
only totals (see triage.services.public_need)."""

from __future__ import annotations

from flask import Response, current_app, jsonify, render_template

from triage.csv_export import csv_response
from triage.pages import bp
from triage.services import public_need
from triage.services.policy import policy_in_force


def _links() -> dict[str, str]:
    config = current_app.config
    return {
        key.lower(): config[key]
        for key in (
            "CARE_DIRECTORY_NAME",
            "CARE_DIRECTORY_URL",
            "TENDERS_PORTAL_NAME",
            "TENDERS_PORTAL_URL",
            "CONTRACTS_FINDER_URL",
            "STRATEGY_URL",
        )
    }


@bp.get("/what-we-need")
def what_we_need() -> str:
    return render_template(
        "views/pages/what_we_need.html",
        need=public_need.public_need(policy_in_force()),
        links=_links(),
    )


@bp.get("/what-we-need.csv")
def what_we_need_csv() -> Response:
    need = public_need.public_need(policy_in_force())
    return csv_response(public_need.csv_rows(need), f"what-we-need-{need.figures_on:%Y-%m-%d}.csv")


@bp.get("/what-we-need.json")
def what_we_need_json() -> Response:
    need = public_need.public_need(policy_in_force())
    data = need.as_dict()
    data["links"] = _links()
    return jsonify(data)

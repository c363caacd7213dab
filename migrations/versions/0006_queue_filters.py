"""queue filters: each score's verdicts as rows, the postcode district, indexes

Revision ID: 0006_queue_filters
Revises: 0005_triage_workflow
Create Date: 2026-11-23 17:15:23.420757
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_queue_filters"
down_revision: str | None = "0005_triage_workflow"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _district(postcode: str) -> str:
    """The outward code, as rules.appendix_c.postcode_district reads it (copied, so
    this migration does not change when that code does)."""
    text = postcode.strip().upper()
    return text.split(" ")[0] if " " in text else text[:-3]


def upgrade() -> None:
    op.create_table(
        "offer_score_verdicts",
        sa.Column("score_id", sa.Integer(), nullable=False),
        sa.Column("rule", sa.String(length=40), nullable=False),
        sa.Column("verdict", sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(
            ["score_id"],
            ["offer_scores.id"],
            name=op.f("fk_offer_score_verdicts_score_id_offer_scores"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("score_id", "rule", name=op.f("pk_offer_score_verdicts")),
    )
    with op.batch_alter_table("offer_score_verdicts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_offer_score_verdicts_rule_verdict", ["rule", "verdict"], unique=False
        )

    with op.batch_alter_table("offers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("postcode_district", sa.String(length=8), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_offers_configuration"), ["configuration"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_offers_postcode_district"), ["postcode_district"], unique=False
        )

    # Fill both from what is already recorded, in Python: JSON and string functions
    # differ between SQLite and PostgreSQL.
    connection = op.get_bind()
    scores = sa.table("offer_scores", sa.column("id", sa.Integer), sa.column("results", sa.JSON))
    verdicts = sa.table(
        "offer_score_verdicts",
        sa.column("score_id", sa.Integer),
        sa.column("rule", sa.String),
        sa.column("verdict", sa.String),
    )
    rows = []
    for score_id, results in connection.execute(sa.select(scores.c.id, scores.c.results)):
        seen: set[str] = set()
        for result in results or []:
            rule, verdict = result.get("rule"), result.get("verdict")
            if rule and verdict and rule not in seen:
                seen.add(rule)
                rows.append({"score_id": score_id, "rule": rule, "verdict": verdict})
    if rows:
        op.bulk_insert(verdicts, rows)

    offers = sa.table(
        "offers",
        sa.column("id", sa.Integer),
        sa.column("postcode", sa.String),
        sa.column("postcode_district", sa.String),
    )
    for offer_id, postcode in connection.execute(
        sa.select(offers.c.id, offers.c.postcode).where(offers.c.postcode.is_not(None))
    ).all():
        if postcode.strip():
            connection.execute(
                offers.update()
                .where(offers.c.id == offer_id)
                .values(postcode_district=_district(postcode))
            )


def downgrade() -> None:
    with op.batch_alter_table("offers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_offers_postcode_district"))
        batch_op.drop_index(batch_op.f("ix_offers_configuration"))
        batch_op.drop_column("postcode_district")

    with op.batch_alter_table("offer_score_verdicts", schema=None) as batch_op:
        batch_op.drop_index("ix_offer_score_verdicts_rule_verdict")

    op.drop_table("offer_score_verdicts")

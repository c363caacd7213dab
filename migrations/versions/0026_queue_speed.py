"""Queue speed: the queue's sort keys on each offer (issue 15)

Revision ID: 0026_queue_speed
Revises: 0025_meetings
Create Date: 2026-12-03 16:00:00.000000

Copies of what the queue sorts and filters by (the newest score's and override's
ids, the score and band it ranks by, red flags, units, lowest core rent and the
organisation's name), so a page reads one narrow table instead of grouping every
offer's scores, overrides and units. Filled here for the offers already stored;
from now on triage/services/queue_keys.py keeps them in step at every flush.
Indexes for the count and the scan the queue sorts, the sorts by organisation and
by name, and the verdict filter (read from the index alone).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0026_queue_speed"
down_revision: str | None = "0025_meetings"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def columns() -> list[sa.Column[object]]:
    return [
        sa.Column("queue_score_id", sa.Integer(), nullable=True),
        sa.Column("queue_override_id", sa.Integer(), nullable=True),
        sa.Column("queue_score", sa.Numeric(precision=5, scale=1, asdecimal=False), nullable=True),
        sa.Column("queue_band", sa.String(length=20), nullable=True),
        sa.Column("queue_red_flags", sa.Integer(), nullable=True),
        sa.Column("queue_units", sa.Integer(), nullable=True),
        sa.Column("queue_rent_pence", sa.Integer(), nullable=True),
        sa.Column("queue_organisation", sa.String(length=200), nullable=True),
    ]


# What triage.models.queue_keys.refresh sets, in SQL both databases read alike
# (in two steps: the second reads the newest ids the first found).
FILL = [
    """
    UPDATE offers SET
      queue_score_id = (SELECT max(s.id) FROM offer_scores s WHERE s.offer_id = offers.id),
      queue_override_id = (SELECT max(o.id) FROM score_overrides o WHERE o.offer_id = offers.id),
      queue_units = (SELECT sum(u.count) FROM offer_unit_types u WHERE u.offer_id = offers.id),
      queue_rent_pence = (
        SELECT min(u.core_rent_pence) FROM offer_unit_types u WHERE u.offer_id = offers.id
      ),
      queue_organisation = (SELECT g.name FROM organisations g WHERE g.id = offers.organisation_id)
    """,
    """
    UPDATE offers SET
      queue_red_flags = (
        SELECT s.red_flag_count FROM offer_scores s WHERE s.id = offers.queue_score_id
      ),
      queue_score = coalesce(
        (SELECT o.score FROM score_overrides o WHERE o.id = offers.queue_override_id),
        (SELECT s.score FROM offer_scores s WHERE s.id = offers.queue_score_id)
      ),
      queue_band = coalesce(
        (SELECT o.band FROM score_overrides o WHERE o.id = offers.queue_override_id),
        (SELECT s.band FROM offer_scores s WHERE s.id = offers.queue_score_id)
      )
    """,
]


def upgrade() -> None:
    with op.batch_alter_table("offers", schema=None) as batch_op:
        for column in columns():
            batch_op.add_column(column)
    for statement in FILL:
        op.execute(statement)
    with op.batch_alter_table("offers", schema=None) as batch_op:
        batch_op.create_index(
            "ix_offers_queue",
            [
                "submitted_at",
                "status",
                "queue_red_flags",
                "queue_band",
                "queue_score",
                "queue_score_id",
                "queue_override_id",
                "queue_units",
                "queue_rent_pence",
            ],
            unique=False,
        )
        batch_op.create_index("ix_offers_queue_organisation", ["queue_organisation"], unique=False)
        batch_op.create_index("ix_offers_name", ["name"], unique=False)
    with op.batch_alter_table("offer_score_verdicts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_offer_score_verdicts_rule_verdict_score_id",
            ["rule", "verdict", "score_id"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("offer_score_verdicts", schema=None) as batch_op:
        batch_op.drop_index("ix_offer_score_verdicts_rule_verdict_score_id")
    with op.batch_alter_table("offers", schema=None) as batch_op:
        batch_op.drop_index("ix_offers_name")
        batch_op.drop_index("ix_offers_queue_organisation")
        batch_op.drop_index("ix_offers_queue")
        for column in reversed(columns()):
            batch_op.drop_column(column.name)

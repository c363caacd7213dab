"""Scores: what the rules said about an offer, under which policy and supply.

One row per offer, policy version and supply basis (a digest of the approved
units the cohort-need rule saw), enforced by the database: a redelivered scoring
task finds its row already there and changes nothing, while a new policy or an
approval that changes remaining need makes a new row.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from triage.clock import now
from triage.db import Base
from triage.models.types import UTCDateTime


def _count_red_flags(context: Any) -> int:
    return len(context.get_current_parameters()["red_flags"] or [])


class OfferScore(Base):
    __tablename__ = "offer_scores"
    __table_args__ = (
        UniqueConstraint(
            "offer_id", "policy_version", "supply_basis", name="uq_offer_scores_offer_policy_supply"
        ),
        Index("ix_offer_scores_offer_id_created_at", "offer_id", "created_at"),
        # The queue: each offer's newest score and the keys it sorts on, read from
        # the index alone (triage/services/queue.py), never the wide rows.
        Index("ix_offer_scores_queue_keys", "offer_id", "id", "red_flag_count", "band", "score"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id", ondelete="CASCADE"))
    policy_version: Mapped[str] = mapped_column(String(40))
    supply_basis: Mapped[str] = mapped_column(String(64))
    score: Mapped[float] = mapped_column(Numeric(5, 1, asdecimal=False))
    band: Mapped[str] = mapped_column(String(20))
    band_label: Mapped[str] = mapped_column(String(100))
    red_flags: Mapped[list[str]] = mapped_column(JSON)
    # Kept beside the list so the queue can sort on it in SQL on any database.
    red_flag_count: Mapped[int] = mapped_column(default=_count_red_flags)
    results: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    # Each rule's verdict as a row of its own, written with the score.
    verdicts: Mapped[list[OfferScoreVerdict]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )


class OfferScoreVerdict(Base):
    """One rule's verdict in a score, beside the results JSON, so the queue can
    filter on "rent affordability is red" with an index on any database (JSON
    functions differ between SQLite and PostgreSQL)."""

    __tablename__ = "offer_score_verdicts"
    __table_args__ = (Index("ix_offer_score_verdicts_rule_verdict", "rule", "verdict"),)

    score_id: Mapped[int] = mapped_column(
        ForeignKey("offer_scores.id", ondelete="CASCADE"), primary_key=True
    )
    rule: Mapped[str] = mapped_column(String(40), primary_key=True)
    verdict: Mapped[str] = mapped_column(String(10))


class PolicyVersion(Base):
    """A policy an admin loaded in the service. The newest active one is in force;
    with none, the policy shipped in rules/policy/ is."""

    __tablename__ = "policy_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(String(40), unique=True)
    yaml_text: Mapped[str] = mapped_column(Text)
    loaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    activated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The UK day it is to be put in force (its effective_from), if an admin
    # scheduled it; cleared when it is put in force or the schedule is cancelled.
    scheduled_for: Mapped[date | None]


class RescoreRun(Base):
    """A batch of offers sent for rescoring (after a policy change or an approval),
    so staff can see its progress."""

    __tablename__ = "rescore_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    reason: Mapped[str] = mapped_column(String(300))
    total: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)


class RescoreItem(Base):
    __tablename__ = "rescore_items"

    run_id: Mapped[int] = mapped_column(
        ForeignKey("rescore_runs.id", ondelete="CASCADE"), primary_key=True
    )
    offer_id: Mapped[int] = mapped_column(
        ForeignKey("offers.id", ondelete="CASCADE"), primary_key=True
    )
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

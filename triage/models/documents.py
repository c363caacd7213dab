"""Files a submitter uploads with an offer, stored outside the web root."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from triage.clock import now
from triage.db import Base
from triage.models.types import UTCDateTime

if TYPE_CHECKING:
    from triage.models.offers import Offer


class DocumentKind(enum.StrEnum):
    FLOOR_PLAN = "floor_plan"
    PHOTO = "photo"
    RENT_BREAKDOWN = "rent_breakdown"
    EPC = "epc"
    # Sent with an answer to the council's request for information.
    ANSWER = "answer"


DOCUMENT_KIND_LABELS = {
    DocumentKind.FLOOR_PLAN: "Floor plan",
    DocumentKind.PHOTO: "Photo",
    DocumentKind.RENT_BREAKDOWN: "Rent breakdown",
    DocumentKind.EPC: "Energy performance certificate (EPC)",
    DocumentKind.ANSWER: "Sent with an answer",
}


class Document(Base):
    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    original_filename: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(50))
    size_bytes: Mapped[int]
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    # The answer it was sent with, for documents sent with an answer.
    message_id: Mapped[int | None] = mapped_column(
        ForeignKey("offer_messages.id", ondelete="SET NULL"), index=True
    )

    offer: Mapped[Offer] = relationship(back_populates="documents")

    @property
    def kind_label(self) -> str:
        return DOCUMENT_KIND_LABELS[DocumentKind(self.kind)]

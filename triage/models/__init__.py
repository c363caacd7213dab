"""Database models, one module per area. Importing this package registers them all."""

from triage.models.documents import Document
from triage.models.email import EmailMessage
from triage.models.notes import InternalNote, OfferFlag, StaffNotification
from triage.models.offers import Offer, OfferCohort, OfferUnitType
from triage.models.outbox import OutboxMessage
from triage.models.placement import (
    Nomination,
    PlacementUnit,
    SharingPair,
    WaitingListImport,
    WaitingPerson,
)
from triage.models.scores import OfferScore, PolicyVersion, RescoreItem, RescoreRun
from triage.models.supply_cache import OfferStageStay
from triage.models.triage import AuditEvent, OfferMessage, ScoreOverride
from triage.models.users import LoginFailure, LoginSession, Organisation, User

__all__ = [
    "AuditEvent",
    "OfferMessage",
    "ScoreOverride",
    "Document",
    "EmailMessage",
    "InternalNote",
    "LoginFailure",
    "LoginSession",
    "Nomination",
    "Offer",
    "OfferCohort",
    "OfferFlag",
    "OfferScore",
    "OfferStageStay",
    "OfferUnitType",
    "Organisation",
    "OutboxMessage",
    "PlacementUnit",
    "PolicyVersion",
    "RescoreItem",
    "RescoreRun",
    "SharingPair",
    "StaffNotification",
    "User",
    "WaitingListImport",
    "WaitingPerson",
]

"""Database models, one module per area. Importing this package registers them all."""

from triage.models.accounts import EmailConfirmation, Invitation, SignInThrottle
from triage.models.changes import OfferChangeRequest
from triage.models.deliveries import TaskDelivery
from triage.models.documents import Document
from triage.models.email import EmailMessage
from triage.models.meetings import Meeting
from triage.models.notes import InternalNote, OfferFlag, StaffNotification
from triage.models.offers import Offer, OfferAddress, OfferCohort, OfferUnitType
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
from triage.models.supply_register import SupplyScheme
from triage.models.triage import AuditEvent, OfferDecisionConcern, OfferMessage, ScoreOverride
from triage.models.users import LoginSession, Organisation, User

__all__ = [
    "AuditEvent",
    "OfferMessage",
    "OfferDecisionConcern",
    "ScoreOverride",
    "Document",
    "EmailConfirmation",
    "EmailMessage",
    "InternalNote",
    "Invitation",
    "LoginSession",
    "Meeting",
    "Nomination",
    "Offer",
    "OfferAddress",
    "OfferChangeRequest",
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
    "SignInThrottle",
    "StaffNotification",
    "SupplyScheme",
    "TaskDelivery",
    "User",
    "WaitingListImport",
    "WaitingPerson",
]

# The queue's sort-key indexes and the statement that sets the keys.
from triage.models import queue_keys as queue_keys  # noqa: E402

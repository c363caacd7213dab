"""Checking and storing uploaded documents.

A file's type is decided by its first bytes, never its name: only PDF, PNG and
JPEG are kept. Files are stored under random names in UPLOAD_DIR, outside the
web root, and only ever served through a view that checks who is asking.
"""

from __future__ import annotations

import os
import re
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from triage import clock, db
from triage.models import Document, Offer, User

SIGNATURES = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
)


class UploadRefused(ValueError):
    """Why an upload was refused, in words for the person uploading it."""


@dataclass(frozen=True)
class Sniffed:
    content_type: str
    extension: str


def sniff(head: bytes) -> Sniffed | None:
    for signature, content_type, extension in SIGNATURES:
        if head.startswith(signature):
            return Sniffed(content_type, extension)
    return None


def safe_display_name(filename: str, extension: str) -> str:
    """A name fit for a Content-Disposition header, keeping what the person called it."""
    name = unicodedata.normalize("NFKC", Path(filename or "").name)
    stem = re.sub(r"[^\w .()-]+", "_", Path(name).stem).strip(" .") or "document"
    return f"{stem[:100]}.{extension}"


def upload_dir() -> Path:
    path = Path(current_app.config["UPLOAD_DIR"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def upload(offer: Offer, user: User, kind: str, stream: IO[bytes], filename: str) -> Document:
    """A submitter uploads a document to a draft. The file is removed again if its
    row is not saved, so no file is left that nothing points to."""
    document: Document | None = None
    try:
        with db.unit_of_work():
            _touch_draft(offer)
            document = store(offer, user, kind, stream, filename)
    except Exception:
        if document is not None:
            path_of(document).unlink(missing_ok=True)
        raise
    return document


def store(
    offer: Offer,
    user: User,
    kind: str,
    stream: IO[bytes],
    filename: str,
    *,
    message_id: int | None = None,
) -> Document:
    """Check and store an uploaded file, and add its row to the caller's
    transaction. Raises UploadRefused, with a message for the user, if the file is
    empty, too large or not a PDF, PNG or JPEG."""
    limit = current_app.config["MAX_UPLOAD_BYTES"]
    head = stream.read(16)
    if not head:
        raise UploadRefused("The selected file is empty")
    sniffed = sniff(head)
    if sniffed is None:
        raise UploadRefused("The selected file must be a PDF, PNG or JPEG")
    stored_name = secrets.token_hex(16)
    final = upload_dir() / stored_name
    partial = final.with_suffix(".part")
    size = len(head)
    try:
        with open(partial, "wb") as out:
            out.write(head)
            while chunk := stream.read(64 * 1024):
                size += len(chunk)
                if size > limit:
                    raise UploadRefused("The selected file must be smaller than 10MB")
                out.write(chunk)
        os.replace(partial, final)
    finally:
        partial.unlink(missing_ok=True)
    document = Document(
        offer=offer,
        kind=kind,
        original_filename=safe_display_name(filename, sniffed.extension),
        stored_name=stored_name,
        content_type=sniffed.content_type,
        size_bytes=size,
        uploaded_by_id=user.id,
        message_id=message_id,
    )
    db.session.add(document)
    return document


def path_of(document: Document) -> Path:
    return upload_dir() / document.stored_name


def document_of(offer: Offer, document_id: int) -> Document | None:
    return db.session.scalar(
        select(Document).where(Document.id == document_id, Document.offer_id == offer.id)
    )


def remove(document: Document) -> None:
    """Remove a draft's document: its row, then (once that is saved) its file."""
    path = path_of(document)
    with db.unit_of_work():
        _touch_draft(document.offer)
        db.session.delete(document)
    path.unlink(missing_ok=True)


class NotADraft(Exception):
    """The offer was submitted (or withdrawn): its documents can no longer change."""


def _touch_draft(offer: Offer) -> None:
    """Refuse a change to a submitted offer's documents, atomically: the offer's
    row is updated against the version loaded, so an upload racing the submission
    fails (StaleDataError, rolled back) instead of landing on a submitted offer."""
    offer_id = offer.id  # after a failed flush the offer's attributes cannot be loaded
    if not offer.is_draft:
        raise NotADraft(f"Offer {offer_id} is no longer a draft")
    offer.updated_at = clock.now()
    try:
        db.session.flush()
    except StaleDataError as error:
        raise NotADraft(f"Offer {offer_id} changed while its documents did") from error

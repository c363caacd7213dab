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

from triage import db
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


def store(
    offer: Offer,
    user: User,
    kind: str,
    stream: IO[bytes],
    filename: str,
    *,
    message_id: int | None = None,
    commit: bool = True,
) -> Document:
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
    if commit:
        db.session.commit()
    return document


def path_of(document: Document) -> Path:
    return upload_dir() / document.stored_name


def remove(document: Document) -> None:
    path = path_of(document)
    db.session.delete(document)
    db.session.commit()
    path.unlink(missing_ok=True)

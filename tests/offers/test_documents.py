"""Uploading, storing, downloading and removing documents."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from tests import factories
from tests.factories import (
    EXE_BYTES,
    JPEG_BYTES,
    PDF_BYTES,
    PNG_BYTES,
    heading,
    soup,
    submit_form,
    text,
    upload,
)
from tests.web.checks import assert_error_summary
from triage.models import Document

MB = 1024 * 1024


def stored_files(app) -> list[Path]:
    folder = Path(app.config["UPLOAD_DIR"])
    return sorted(folder.iterdir()) if folder.exists() else []


@pytest.fixture
def draft(submitter):
    return factories.complete_offer(submitter)


def test_the_documents_page_explains_what_to_upload(submitter_client, draft):
    response = submitter_client.get(f"/offers/{draft.id}/documents")
    assert heading(response) == "Documents"
    assert "Each file must be a PDF, PNG or JPEG and smaller than 10MB" in text(response)
    form = soup(response).select_one('form[enctype="multipart/form-data"]')
    assert form is not None
    assert form.select_one('input[type="file"][name="file"]') is not None


@pytest.mark.parametrize(
    ("content", "filename", "shown_as", "content_type"),
    [
        (PDF_BYTES, "floor-plan.pdf", "floor-plan.pdf", "application/pdf"),
        (PNG_BYTES, "photo.png", "photo.png", "image/png"),
        (JPEG_BYTES, "front.jpeg", "front.jpg", "image/jpeg"),
        # The first bytes decide the type, whatever the name says.
        (PDF_BYTES, "photo.png", "photo.pdf", "application/pdf"),
        (PNG_BYTES, "scan.pdf", "scan.png", "image/png"),
        (PDF_BYTES, "no-extension", "no-extension.pdf", "application/pdf"),
    ],
)
def test_an_upload_is_listed_and_downloads_as_an_attachment_of_its_sniffed_type(
    app, submitter_client, draft, content, filename, shown_as, content_type
):
    response = upload(submitter_client, draft.id, content, filename, kind="floor_plan")
    assert response.location == f"/offers/{draft.id}/documents"
    page = submitter_client.get(response.location)
    assert f"{filename} has been uploaded" in text(page)
    link = soup(page).find("a", string=shown_as)
    assert link is not None
    assert "Floor plan" in text(page)

    download = factories.fetch(submitter_client, link["href"])
    assert download.status_code == 200
    assert download.data == content
    assert download.mimetype == content_type
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f'filename="{shown_as}"' in disposition or f"filename={shown_as}" in disposition
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Cache-Control"] == "private, no-store"


def test_uploads_are_stored_outside_the_web_root_under_generated_names(
    app, client, submitter_client, draft
):
    upload(submitter_client, draft.id, PDF_BYTES, "floor-plan.pdf")
    [document] = factories.rows(Document, offer_id=draft.id)
    [path] = stored_files(app)
    upload_dir = Path(app.config["UPLOAD_DIR"]).resolve()
    assert path.resolve().parent == upload_dir
    assert path.name == document.stored_name
    assert re.fullmatch(r"[0-9a-f]{32}", path.name)
    assert "floor-plan" not in path.name
    assert path.read_bytes() == PDF_BYTES
    static = Path(app.static_folder).resolve()
    assert static not in upload_dir.parents and upload_dir != static

    for url in (
        f"/assets/{path.name}",
        f"/assets/../uploads/{path.name}",
        f"/assets/%2e%2e/uploads/{path.name}",
        f"/uploads/{path.name}",
        "/assets/floor-plan.pdf",
    ):
        for who in (client, submitter_client):
            assert factories.fetch(who, url).status_code == 404, url


def test_removing_a_document_deletes_the_file(app, submitter_client, draft):
    upload(submitter_client, draft.id, PDF_BYTES, "floor-plan.pdf")
    [document] = factories.rows(Document, offer_id=draft.id)
    response = submit_form(
        submitter_client,
        f"/offers/{draft.id}/documents/{document.id}/remove",
        {},
        form_url=f"/offers/{draft.id}/documents",
    )
    assert response.location == f"/offers/{draft.id}/documents"
    assert "floor-plan.pdf has been removed" in text(submitter_client.get(response.location))
    assert factories.count(Document) == 0
    assert stored_files(app) == []


def refused_upload(app, client, offer_id, message, **fields):
    """Post the upload form; it is refused with `message`, nothing new is stored and
    the documents already uploaded are still there."""
    before_files = stored_files(app)
    before = factories.offer_state(offer_id)
    response = submit_form(client, f"/offers/{offer_id}/documents", fields)
    assert_error_summary(response, message)
    assert stored_files(app) == before_files
    assert factories.offer_state(offer_id) == before
    return response


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"kind": "floor_plan"}, "Select a file to upload"),
        (
            {"kind": "floor_plan", "file": (io.BytesIO(b""), "")},
            "Select a file to upload",
        ),
        (
            {"kind": "floor_plan", "file": (io.BytesIO(b""), "empty.pdf")},
            "The selected file is empty",
        ),
        (
            {"kind": "floor_plan", "file": (io.BytesIO(EXE_BYTES), "invoice.pdf")},
            "The selected file must be a PDF, PNG or JPEG",
        ),
        (
            {
                "kind": "floor_plan",
                "file": (io.BytesIO(b"<html><script>alert(1)</script></html>"), "plan.pdf"),
            },
            "The selected file must be a PDF, PNG or JPEG",
        ),
        (
            {"kind": "floor_plan", "file": (io.BytesIO(b"GIF89a" + b"\0" * 20), "plan.gif")},
            "The selected file must be a PDF, PNG or JPEG",
        ),
        (
            {"kind": "floor_plan", "file": (io.BytesIO(b"%PD"), "tiny.pdf")},
            "The selected file must be a PDF, PNG or JPEG",
        ),
        ({"file": (io.BytesIO(PDF_BYTES), "plan.pdf")}, "Select what the document is"),
        (
            {"kind": "passport", "file": (io.BytesIO(PDF_BYTES), "plan.pdf")},
            "Select what the document is",
        ),
    ],
    ids=[
        "no file",
        "no file chosen",
        "empty file",
        "exe named pdf",
        "html named pdf",
        "gif",
        "truncated signature",
        "no kind",
        "unknown kind",
    ],
)
def test_a_bad_upload_is_refused_and_nothing_is_stored(
    app, submitter, submitter_client, draft, fields, message
):
    factories.document(draft, submitter, filename="already-here.pdf")
    response = refused_upload(app, submitter_client, draft.id, message, **fields)
    assert "already-here.pdf" in text(response)


def test_a_file_over_10mb_is_refused_with_a_clear_message(app, submitter, submitter_client, draft):
    factories.document(draft, submitter, filename="already-here.pdf")
    content = PDF_BYTES + b"0" * (10 * MB + 1 - len(PDF_BYTES))
    assert len(content) < app.config["MAX_CONTENT_LENGTH"]
    refused_upload(
        app,
        submitter_client,
        draft.id,
        "The selected file must be smaller than 10MB",
        kind="floor_plan",
        file=(io.BytesIO(content), "big.pdf"),
    )
    assert not any(path.suffix == ".part" for path in stored_files(app))


def test_a_file_of_exactly_10mb_is_accepted(app, submitter_client, draft):
    content = PDF_BYTES + b"0" * (10 * MB - len(PDF_BYTES))
    response = upload(submitter_client, draft.id, content, "exactly-10mb.pdf")
    assert response.status_code == 302
    [document] = factories.rows(Document, offer_id=draft.id)
    assert document.size_bytes == 10 * MB


def test_a_request_over_the_size_limit_gets_a_readable_page(
    app, submitter, submitter_client, draft
):
    factories.document(draft, submitter, filename="already-here.pdf")
    before = factories.database_state()
    # The limit is 256MB; a lower one spares the test building such a body.
    app.config["MAX_CONTENT_LENGTH"] = 12 * MB
    content = PDF_BYTES + b"0" * app.config["MAX_CONTENT_LENGTH"]
    response = submit_form(
        submitter_client,
        f"/offers/{draft.id}/documents",
        {"kind": "floor_plan", "file": (io.BytesIO(content), "huge.pdf")},
    )
    assert response.status_code == 413
    assert heading(response) == "The file is too big"
    assert "Each file must be smaller than 10MB" in text(response)
    assert "Nothing you saved earlier has been lost" in text(response)
    assert factories.database_state() == before
    # The draft and its documents are still there.
    assert "already-here.pdf" in text(submitter_client.get(f"/offers/{draft.id}/documents"))


SAFE_NAME = re.compile(r"^[\w .()-]{1,100}\.pdf$")


@pytest.mark.parametrize(
    ("filename", "shown_as"),
    [
        ("../../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\windows\\plan.pdf", None),
        ('plan"; filename=evil.html', None),
        ("plan\r\nSet-Cookie: x=1.pdf", None),
        ("<script>alert(1)</script>.pdf", None),
        ("plan\x00.exe", "plan_.pdf"),
        ("Cynllun llawr – Tŷ.pdf", "Cynllun llawr _ Tŷ.pdf"),
        ("a" * 10_000 + ".pdf", "a" * 100 + ".pdf"),
        ("...pdf", "document.pdf"),
    ],
    ids=[
        "traversal",
        "windows traversal",
        "quotes",
        "crlf",
        "markup",
        "nul",
        "unicode",
        "long",
        "dots",
    ],
)
def test_hostile_file_names_are_made_safe(app, submitter_client, draft, filename, shown_as):
    response = upload(submitter_client, draft.id, PDF_BYTES, filename)
    assert response.status_code == 302, factories.error_summary(response)
    [document] = factories.rows(Document, offer_id=draft.id)
    assert SAFE_NAME.match(document.original_filename), document.original_filename
    assert not document.original_filename.startswith(".")
    if shown_as is not None:
        assert document.original_filename == shown_as
    [path] = stored_files(app)
    assert path.parent.resolve() == Path(app.config["UPLOAD_DIR"]).resolve()
    download = factories.fetch(
        submitter_client, f"/offers/{draft.id}/documents/{document.id}/download"
    )
    assert download.status_code == 200
    assert download.mimetype == "application/pdf"
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "\r" not in disposition and "\n" not in disposition
    assert "Set-Cookie" not in download.headers
    page = submitter_client.get(f"/offers/{draft.id}/documents")
    assert not [s for s in soup(page).find_all("script") if "alert" in s.get_text()]


def test_documents_cannot_be_changed_once_the_offer_is_submitted(app, submitter, submitter_client):
    offer = factories.submitted_offer(submitter)
    assert submitter_client.get(f"/offers/{offer.id}/documents").location == f"/offers/{offer.id}"
    before = factories.database_state()
    response = submit_form(
        submitter_client,
        f"/offers/{offer.id}/documents",
        {"kind": "photo", "file": (io.BytesIO(PNG_BYTES), "late.png")},
        form_url="/offers",
    )
    assert response.location == f"/offers/{offer.id}"
    assert factories.database_state() == before


def test_the_task_list_shows_documents_as_done_once_one_is_uploaded(submitter_client, draft):
    assert "6. Documents Optional" in text(submitter_client.get(f"/offers/{draft.id}"))
    upload(submitter_client, draft.id, PDF_BYTES)
    assert "6. Documents Completed" in text(submitter_client.get(f"/offers/{draft.id}"))

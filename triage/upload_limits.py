"""Requests whose uploaded files keep only what the size check needs.

A file over the limit must bring its form back with the error beside the file
field and what was typed kept, so the body is read in full (up to
MAX_CONTENT_LENGTH, beyond which it is refused unread with the 413 page), but of
each file only the first MAX_UPLOAD_BYTES + 1 bytes are kept: enough for
services.documents to see that it is too big, while disk use stays bounded
whatever is sent.
"""

from __future__ import annotations

import tempfile
from typing import IO, Any

from flask import Request, current_app

# Like Werkzeug's default: small files stay in memory, larger ones go to disk.
IN_MEMORY_BYTES = 500 * 1024


class _FirstBytesFile(tempfile.SpooledTemporaryFile[bytes]):
    """A spooled temporary file that keeps the first `keep` bytes written to it
    and drops the rest, while telling the writer everything was written."""

    def __init__(self, keep: int) -> None:
        super().__init__(max_size=IN_MEMORY_BYTES, mode="w+b")
        self._room = keep

    def write(self, data: Any) -> int:
        kept = bytes(data[: self._room])
        self._room -= len(kept)
        if kept:
            super().write(kept)
        return len(data)


class CappedUploadRequest(Request):
    def _get_file_stream(
        self,
        total_content_length: int | None,
        content_type: str | None,
        filename: str | None = None,
        content_length: int | None = None,
    ) -> IO[bytes]:
        return _FirstBytesFile(keep=current_app.config["MAX_UPLOAD_BYTES"] + 1)

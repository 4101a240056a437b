"""What a file is, by its first bytes rather than its name: an HTML page renamed `.pdf` is not a
PDF, and would open as a page from our own address."""

from __future__ import annotations

from typing import Any

ZIP = b"PK\x03\x04"  # xlsx, docx and OFD are zip packages
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old xls and doc
SIGNATURES: dict[str, tuple[bytes, ...]] = {
    ".pdf": (b"%PDF-",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".ofd": (ZIP,),
    ".xlsx": (ZIP,),
    ".docx": (ZIP,),
    ".xls": (OLE,),
    ".doc": (OLE,),
}


def content_matches(extension: str, upload: Any) -> bool:
    """Whether the upload's first bytes are those of a file with this extension."""
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(16)
    upload.seek(position)
    if extension == ".webp":
        return head[:4] == b"RIFF" and head[8:12] == b"WEBP"
    return any(head.startswith(signature) for signature in SIGNATURES.get(extension, ()))

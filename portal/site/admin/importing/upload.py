"""The uploaded org-chart file: read as UTF-8 text, and carried to the confirm step."""

from __future__ import annotations

import base64
import binascii
import codecs
import zlib

from portal.core.errors import DomainError

SAVE_AS_UTF8 = "Save it as “CSV UTF-8” and try again."


def decode_upload(raw: bytes) -> str:
    """The file's text, or a message saying why it is not a UTF-8 CSV file."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise DomainError(f"The file is saved as UTF-16 text. {SAVE_AS_UTF8}", field="file")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DomainError(f"The file is not UTF-8 text. {SAVE_AS_UTF8}", field="file") from error
    if "\x00" in text:
        raise DomainError(
            f"The file is not a text file: it contains NUL bytes. {SAVE_AS_UTF8}", field="file"
        )
    return text


def pack_upload(text: str) -> str:
    """The checked file, compressed for the confirm form to post back."""
    return base64.urlsafe_b64encode(zlib.compress(text.encode(), 6)).decode("ascii")


def unpack_upload(packed: str, max_bytes: int) -> str:
    unreadable = DomainError("This import could not be read. Upload the file again.")
    try:
        inflater = zlib.decompressobj()
        raw = inflater.decompress(base64.urlsafe_b64decode(packed.encode("ascii")), max_bytes + 1)
        if len(raw) > max_bytes or not inflater.eof:
            raise unreadable
        return raw.decode()
    except (ValueError, binascii.Error, zlib.error) as error:
        raise unreadable from error

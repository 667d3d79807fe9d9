"""Rows written once stay as written: the audit log is one of them."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.core.audit import AuditEntry, record_audit
from portal.core.db import ImmutableRowError


def test_audit_entries_cannot_be_changed_or_deleted(db) -> None:
    record_audit(db, "something_done", actor_id=None, target="thing 1")
    db.commit()
    entry = db.scalars(select(AuditEntry)).one()
    entry.detail = "rewritten"
    with pytest.raises(ImmutableRowError, match="AuditEntry rows cannot be changed"):
        db.flush()
    db.rollback()
    db.delete(db.scalars(select(AuditEntry)).one())
    with pytest.raises(ImmutableRowError):
        db.flush()

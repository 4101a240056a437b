"""Recording audit events. Details must never hold personal data: callers pass ids and counts."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone

from huanxin.core import clock
from huanxin.core.models import AuditEvent

# Who signed in, who failed to, who holds a credential, who took data away: a record of the real
# world, kept in real time even while the clock is pinned to record a past day's work.
SECURITY_ACTIONS = frozenset(
    {"login", "login.failed", "logout", "token.issue", "token.revoke", "personal_data.view", "resident.slips"}
)


def is_security_action(action: str) -> bool:
    return action in SECURITY_ACTIONS or action.endswith(".export")


def client_address(request: Any) -> str | None:
    """The client's address as django-axes reads it (its proxy settings apply), for audit and
    for every throttle alike."""
    if request is None:
        return None
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request) or None


def audit_record(
    *,
    action: str,
    actor: Any = None,
    actor_name: str = "",
    target: models.Model | None = None,
    region_code: str = "",
    detail: dict[str, Any] | None = None,
    request: Any = None,
) -> AuditEvent:
    name = actor_name or (
        actor.get_username() if actor is not None and hasattr(actor, "get_username") else ""
    )
    if not isinstance(actor, models.Model):
        actor = None  # anonymous, or the system acting from the command line
    return AuditEvent.objects.create(
        at=timezone.now() if is_security_action(action) else clock.now(),
        actor=actor,
        actor_name=name,
        action=action,
        object_type=target._meta.label_lower if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        region_code=region_code,
        detail=detail or {},
        ip_address=client_address(request),
    )

"""Followers of a plan's approval (ARCHITECTURE.md): functions run inside the same transaction
after an annual plan is approved. `projects` registers the one that opens the plan's projects.
`grep register(` lists every use."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Follower = Callable[[Any, Any], None]  # (plan, approved_by) -> None
_followers: list[Follower] = []


def register(follower: Follower) -> Follower:
    if follower not in _followers:
        _followers.append(follower)
    return follower


def plan_approved(plan: Any, by: Any) -> None:
    for follower in list(_followers):
        follower(plan, by)

"""Jurisdiction. `core` owns the mechanism and knows no app: a `Scope` value, built once per
request by `accounts` (`user.scope`), and a queryset whose `visible_to(user)` filters by it.

Each model's queryset names, in one line each, the path from the row to a 12-digit region code
and to an estate id. Every page, endpoint, export and report starts its reads here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar, Self

from django.db import models
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Scope:
    """What a user may see. `everything` for the administrator and the auditor; otherwise a
    region subtree given by its significant prefix (SPEC 4.1), or — for contractors and owners'
    committees — only the estates their organization is tied to."""

    everything: bool = False
    region_prefix: str | None = None
    estate_ids: frozenset[int] | None = None
    estate_regions: frozenset[str] = frozenset()  # the communities of those estates
    organization_id: int | None = None
    roles: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def nothing(cls) -> Scope:
        return cls()

    def covers_region(self, code: str) -> bool:
        """Whether a 12-digit region code lies inside this scope's region subtree."""
        if self.everything:
            return True
        if self.estate_ids is not None or self.region_prefix is None:
            return False
        return code.startswith(self.region_prefix)

    def covers_node(self, node_prefix: str) -> bool:
        """Whether a region node, given by its significant prefix, is one the user may ask about:
        inside the user's subtree, or — for contractors and owners' committees — a node holding
        one of their estates. Anything else is answered as not found, never as a page of zeros."""
        if self.everything:
            return True
        if self.estate_ids is not None:
            return any(code.startswith(node_prefix) for code in self.estate_regions)
        if self.region_prefix is None:
            return False
        return node_prefix.startswith(self.region_prefix)


def scope_of(user: Any) -> Scope:
    if user is None or not getattr(user, "is_authenticated", False):
        return Scope.nothing()
    return getattr(user, "scope", Scope.nothing())


class ScopedQuerySet(models.QuerySet):
    # Path from a row to its 12-digit region code, e.g. "estate__region__code".
    scope_region: ClassVar[str | None] = None
    # Path from a row to the id of the estate it belongs to, e.g. "estate_id".
    scope_estate: ClassVar[str | None] = None

    def visible_to(self, user: Any) -> Self:
        scope = scope_of(user)
        if scope.everything:
            return self.all()
        if scope.estate_ids is not None:
            if self.scope_estate is None:
                return self.none()
            return self.filter(**{f"{self.scope_estate}__in": scope.estate_ids})
        if scope.region_prefix is None or self.scope_region is None:
            return self.none()
        if not scope.region_prefix:
            return self.all()  # an officer of the nation (the empty prefix): no LIKE over every row
        # The full code starts with the significant prefix: 4308 is the city, 430802 a county.
        return self.filter(**{f"{self.scope_region}__startswith": scope.region_prefix})


@dataclass(frozen=True)
class SystemActor:
    """The command line and the demo loader act as the system: they see everything and are
    recorded as 系统 in history and audit."""

    is_authenticated: bool = True
    is_active: bool = True
    scope: Scope = field(default_factory=lambda: Scope(everything=True))
    pk: None = None

    def can(self, area: str, verb: str | None) -> bool:
        return True

    def get_username(self) -> str:
        return str(_("系统"))


SYSTEM = SystemActor()

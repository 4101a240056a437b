"""A city's own project rules apply to its projects: a tighter re-approval margin and a longer
publicity period."""

import datetime as dt
from decimal import Decimal

import pytest

from huanxin.core import clock
from huanxin.core.errors import Refused
from huanxin.projects import rules
from huanxin.projects.models import ProjectSettings
from huanxin.projects.querysets import config_for
from huanxin.projects.tests.conftest import DESIGNED_ON, design, move
from huanxin.regions.models import Region

pytestmark = pytest.mark.django_db


def test_the_citys_own_rules_apply_below_it(city, project) -> None:  # type: ignore[no-untyped-def]
    assert config_for("430802004001") == rules.ProjectConfig()
    ProjectSettings.objects.create(
        region=Region.objects.get(code="430800000000"), reapproval_margin_percent=5, publicity_days=10
    )
    assert config_for("430802004001") == rules.ProjectConfig(Decimal("0.05"), 10)
    with clock.pinned(DESIGNED_ON):
        move(city["yongding"], project, rules.DESIGN)
        design(city["yongding"], project, [("B02", Decimal(100), Decimal(10800))])  # 8 % over
        with pytest.raises(Refused, match="超过批准估算5%以上"):
            move(city["yongding"], project, rules.PUBLICITY)
        design(city["yongding"], project, [("B02", Decimal(100), Decimal(10400))])
        move(city["yongding"], project, rules.PUBLICITY)
        move(city["yongding"], project, rules.TENDER)
    with clock.pinned(DESIGNED_ON + dt.timedelta(days=9)), pytest.raises(Refused, match="（10天）"):
        move(city["yongding"], project, rules.CONSTRUCTION)

"""Money is kept for projects: their fixtures, from the projects app's tests, and a project
designed, voted and funded, ready for its money."""

from decimal import Decimal

import pytest

from huanxin.core import clock
from huanxin.funding import services
from huanxin.funding.models import FundingSource
from huanxin.projects import rules as project_rules
from huanxin.projects.tests import conftest as projects_fixtures
from huanxin.projects.tests.conftest import DESIGNED_ON, STARTED_ON, move

# the projects app's fixtures, under their own names, for money's tests
project = projects_fixtures.project
built = projects_fixtures.built
finished = projects_fixtures.finished


def source(code: str) -> int:
    services.national_sources_load()  # transactional tests flush what migrations loaded
    return FundingSource.objects.get(owner__isnull=True, code=code).pk


@pytest.fixture
def designed(city, project):  # type: ignore[no-untyped-def]
    """Designed for 400,000 yuan (drains and roads), organizations assigned, publicity voted."""
    from huanxin.accounts.models import Organization
    from huanxin.projects import services as project_services
    from huanxin.projects.tests.conftest import design, vote_for_design

    with clock.pinned(DESIGNED_ON):
        move(city["yongding"], project, project_rules.DESIGN)
        design(city["yongding"], project)
        project.refresh_from_db()
        project_services.project_assign(
            by=city["yongding"],
            project_id=project.pk,
            version=project.version,
            builder=Organization.objects.get(name="张家界市建工集团有限公司"),
            supervisor=Organization.objects.get(name="湖南建科工程监理有限公司"),
        )
        move(city["yongding"], project, project_rules.PUBLICITY)
        vote_for_design(project)
    with clock.pinned(STARTED_ON):
        move(city["yongding"], project, project_rules.TENDER)
    project.refresh_from_db()
    return project


@pytest.fixture
def funded(city, designed):  # type: ignore[no-untyped-def]
    services.funding_plan_set(
        by=city["yongding"],
        project_id=designed.pk,
        version=None,
        lines={source("G01"): Decimal("300000"), source("G04"): Decimal("100000")},
    )
    with clock.pinned(STARTED_ON):
        move(city["yongding"], designed, project_rules.CONSTRUCTION)
    designed.refresh_from_db()
    return designed

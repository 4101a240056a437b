"""Money is kept for projects: their fixtures, from the projects app's tests."""

from huanxin.projects.tests.conftest import built, finished, project  # noqa: F401

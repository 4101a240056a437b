from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "huanxin.projects"
    verbose_name = _("改造项目")

    def ready(self) -> None:
        from huanxin.planning import hooks
        from huanxin.projects import guards, services

        # A plan's approval opens its projects (ARCHITECTURE.md: followers).
        hooks.register(services.projects_open_for_plan)
        guards.register_own_guards()

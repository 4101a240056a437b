from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanningConfig(AppConfig):
    name = "huanxin.planning"
    verbose_name = _("资格与计划")

    def ready(self) -> None:
        from huanxin.estates import city_rules
        from huanxin.planning.querysets import own_rules_by_node

        # Estates and surveys count with the city's own rules, which are planning's data.
        city_rules.register(own_rules_by_node)
        from huanxin.planning import tasks  # noqa: F401  (tells the worker what to do with abandoned runs)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundingConfig(AppConfig):
    name = "huanxin.funding"
    verbose_name = _("资金")

    def ready(self) -> None:
        from huanxin.funding import guards
        from huanxin.projects import guards as project_guards
        from huanxin.projects import rules as project_rules

        # Construction starts only with every yuan of the design budget planned (SPEC 5.3).
        project_guards.register(project_rules.CONSTRUCTION, guards.funding_plan_matches_budget)

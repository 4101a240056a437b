from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "huanxin.planning"
    verbose_name = "资格与计划"

    def ready(self) -> None:
        from huanxin.estates import city_rules
        from huanxin.planning.querysets import own_rules_by_node

        # Estates and surveys count with the city's own rules, which are planning's data.
        city_rules.register(own_rules_by_node)

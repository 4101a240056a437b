"""The national list of funding sources (SPEC 4.8, reference/POLICY.md §1.7); a city adds its own."""

from django.db import migrations

from huanxin.funding.sources import NATIONAL_SOURCES as SOURCES


def add_sources(apps, schema_editor):  # type: ignore[no-untyped-def]
    FundingSource = apps.get_model("funding", "FundingSource")
    for code, name, kind in SOURCES:
        FundingSource.objects.get_or_create(owner=None, code=code, defaults={"name": name, "kind": kind})


class Migration(migrations.Migration):
    dependencies = [("funding", "0001_initial")]
    operations = [migrations.RunPython(add_sources, migrations.RunPython.noop)]

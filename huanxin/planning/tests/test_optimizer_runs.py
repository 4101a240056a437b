"""运行优化 from the plan page: queued for the background worker, followed on the page stage by
stage, the draft written only when the run ends — and never over somebody's newer edit."""

import pytest
from django.core.management import call_command

from huanxin.core.audit import AuditEvent
from huanxin.planning import drafting, services
from huanxin.planning.models import OptimizerRun
from huanxin.planning.tests.builders import confirmed_candidate, draft_plan

# The worker closes its database connection between tasks, as a worker must: so these tests run
# outside a wrapping transaction, with the real queue (the test settings run tasks inline).
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def real_queue(settings):  # type: ignore[no-untyped-def]
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def plan(city, eligible_estate):  # type: ignore[no-untyped-def]
    confirmed_candidate(city, eligible_estate, cost_yuan="1000000")
    return draft_plan(city, budget_yuan="3000000")


def press_optimize(client, plan, **fields):  # type: ignore[no-untyped-def]
    return client.post(
        f"/planning/plans/{plan.pk}/optimize/", {"version": plan.version, "time_limit_s": "5", **fields}
    )


def test_the_run_is_queued_followed_and_written_by_the_worker(login, plan, eligible_estate) -> None:  # type: ignore[no-untyped-def]
    client = login("city")
    assert press_optimize(client, plan, max_430802="80").status_code == 302
    run = OptimizerRun.objects.get()
    assert run.status == OptimizerRun.Status.QUEUED and run.options["max_share"] == {"430802": 0.8}
    assert not plan.entries.exists()  # nothing changes until the worker has done it
    page = client.get(f"/planning/plans/{plan.pk}/").content.decode()
    assert "优化已排队" in page and 'hx-trigger="every 1s"' in page
    assert AuditEvent.objects.filter(action="plan.optimize").count() == 1

    call_command("db_worker", batch=True, verbosity=0)

    run.refresh_from_db()
    assert run.status == OptimizerRun.Status.DONE and run.finished_at is not None
    assert run.outcome.startswith("已按优化结果生成草案：1 个小区")
    entry = plan.entries.get()
    assert entry.estate_id == eligible_estate.pk and entry.reason.startswith("纳入：")
    status = client.get(f"/planning/plans/{plan.pk}/optimize/{run.pk}/", headers={"hx-request": "true"})
    assert status["HX-Refresh"] == "true"  # the page reloads itself to show the draft
    page = client.get(f"/planning/plans/{plan.pk}/").content.decode()
    assert "已按优化结果生成草案" in page and 'hx-trigger="every 1s"' not in page


def test_the_page_shows_the_stage_while_the_worker_solves(login, plan) -> None:  # type: ignore[no-untyped-def]
    client = login("city")
    press_optimize(client, plan)
    run = OptimizerRun.objects.get()
    OptimizerRun.objects.filter(pk=run.pk).update(status="running", stage="solve")
    response = client.get(f"/planning/plans/{plan.pk}/optimize/{run.pk}/", headers={"hx-request": "true"})
    text = response.content.decode()
    assert "HX-Refresh" not in response
    assert "第 2 步，共 4 步" in text and "求解最优组合" in text
    assert 'id="optimizer-progress"' in text and f'max="{4 * 5 + 5}"' in text


def test_a_second_press_while_the_first_run_works_is_refused(login, plan) -> None:  # type: ignore[no-untyped-def]
    client = login("city")
    press_optimize(client, plan)
    response = press_optimize(client, plan)
    assert "优化正在进行中" in client.get(response["Location"]).content.decode()
    assert OptimizerRun.objects.count() == 1


def test_a_hand_edit_made_meanwhile_wins_and_the_run_says_why(login, plan, city, eligible_estate) -> None:  # type: ignore[no-untyped-def]
    press_optimize(login("city"), plan)
    services.plan_set_entries(by=city["city"], plan_id=plan.pk, version=plan.version, estate_ids=[])
    call_command("db_worker", batch=True, verbosity=0)
    run = OptimizerRun.objects.get()
    assert run.status == OptimizerRun.Status.FAILED and "已被他人修改" in run.outcome
    assert not plan.entries.exists()


def test_a_run_whose_worker_died_for_good_ends_failed_and_may_be_pressed_again(login, plan) -> None:  # type: ignore[no-untyped-def]
    client = login("city")
    press_optimize(client, plan)
    run = OptimizerRun.objects.get()
    drafting.optimizer_run_abandoned(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == OptimizerRun.Status.FAILED and "后台任务中断" in run.outcome
    plan.refresh_from_db()
    assert press_optimize(client, plan).status_code == 302
    assert OptimizerRun.objects.filter(status="queued").count() == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("max_430802", "150", "份额应为0–100之间的数字"),
        ("min_430802", "nan", "份额应为0–100之间的数字"),
        ("time_limit_s", "1e999", "求解时限应为数字（秒）"),
        ("time_limit_s", "十秒", "求解时限应为数字（秒）"),
    ],
)
def test_bad_settings_are_refused_and_queue_nothing(login, plan, field, value, message) -> None:  # type: ignore[no-untyped-def]
    client = login("city")
    response = press_optimize(client, plan, **{field: value})
    assert message in client.get(response["Location"]).content.decode()
    assert not OptimizerRun.objects.exists()


def test_the_time_limit_is_held_to_a_minute(login, plan) -> None:  # type: ignore[no-untyped-def]
    press_optimize(login("city"), plan, time_limit_s="99999999999999999999")
    assert OptimizerRun.objects.get().time_limit_s == 60


def test_a_run_is_read_only_through_a_plan_the_user_may_see(login, plan) -> None:  # type: ignore[no-untyped-def]
    press_optimize(login("city"), plan)
    run = OptimizerRun.objects.get()
    assert login("city").get(f"/planning/plans/{plan.pk}/optimize/{run.pk}/").status_code == 200
    assert login("city").get(f"/planning/plans/{plan.pk + 1}/optimize/{run.pk}/").status_code == 404
    assert login("yongding").post(
        f"/planning/plans/{plan.pk}/optimize/", {"version": plan.version}
    ).status_code in (302, 403)
    assert OptimizerRun.objects.count() == 1  # the district may not draft the city's plan

"""Load and scale-out (step 12): the demo city on PostgreSQL served by two gunicorn servers on two
ports, with two `db_worker`s, all sharing one database and one media directory — the shape of a
deployment that has outgrown one process. Concurrent clients on 127.0.0.1, bounded in time, send
survey answers (a community worker's paper entries, through the API) and read the dashboard (a
signed-in session, through the pages), each client alternating between the two servers.

Checked and reported:
- throughput, p50 and p95 per kind of request, and errors (any status but the expected one);
- every answer the servers accepted (201) is stored, and no other: the answers counted in the
  database after the run equal those before plus the accepted ones;
- a session opened on one server is valid on the other;
- background jobs enqueued before the run are each run exactly once (one worker id per job),
  and both workers took some.

Run: `.venv/bin/python bench/load_bench.py [--seconds 60] [--clients 8]` (part of `make bench`).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness import (
    ROOT,
    answer,
    child_environment,
    fresh_database,
    machine,
    percentile,
    psql,
    record,
    run_child,
)
from harness import write_section as write_report_section

SECTION = "## Load and scale-out (step 12)"
DATABASE = "huanxin_bench_load"
PORTS = (8811, 8812)
JOBS = 40
PASSWORD = "Huanxin@2020"
BIN = Path(sys.executable).parent


def setup_child() -> dict[str, Any]:
    """In the child: a token for the paper answers, the households of the open rounds, the answer
    count before the run, and the background jobs the two workers will share."""
    import django

    django.setup()
    import datetime as dt
    import secrets

    from django.utils import timezone

    from huanxin.accounts.models import ApiToken, User
    from huanxin.residents.tasks import resident_codes_prune_task
    from huanxin.surveys.models import Answer, SurveyRound

    admin = User.objects.get(username="admin")
    key = "hx_" + secrets.token_urlsafe(16)
    ApiToken.objects.create(
        user=admin,
        key_hash=ApiToken.hash_key(key),
        prefix=key[:10],
        expires_at=timezone.now() + dt.timedelta(days=1),
    )
    pairs = [
        [survey.pk, household_id]
        for survey in SurveyRound.objects.all()
        if survey.is_open
        for household_id in survey.estate.household_rows.values_list("pk", flat=True)
    ]
    # Due one after another over the run, so that both workers, polling, take some.
    start = timezone.now() + dt.timedelta(seconds=10)
    jobs = [
        str(resident_codes_prune_task.using(run_after=start + dt.timedelta(seconds=number)).enqueue().id)
        for number in range(JOBS)
    ]
    return {"token": key, "pairs": pairs, "answers": Answer.objects.count(), "jobs": jobs}


def verify_child(jobs: list[str]) -> dict[str, Any]:
    """In the child: the answers stored, and how each job was run."""
    import django

    django.setup()
    from django_tasks_db.models import DBTaskResult

    from huanxin.surveys.models import Answer

    runs = list(DBTaskResult.objects.filter(id__in=jobs).values_list("status", "worker_ids"))
    return {"answers": Answer.objects.count(), "runs": [[status, workers] for status, workers in runs]}


@dataclass
class Tally:
    """Per kind of request: latencies of the expected answers, and the unexpected ones."""

    samples: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    accepted_answers: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, milliseconds: float, ok: bool) -> None:
        with self.lock:
            if ok:
                self.samples.setdefault(kind, []).append(milliseconds)
                self.accepted_answers += kind == "answer"
            else:
                self.errors[kind] = self.errors.get(kind, 0) + 1


def login(port: int) -> str:
    """Sign in as `city` on one server: the session cookie header."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", "/accounts/login/")
    response = connection.getresponse()
    page = response.read().decode()
    csrf = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie") or "")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if csrf is None or token is None:
        raise SystemExit("the login page gave no CSRF token")
    body = urllib.parse.urlencode(
        {"username": "city", "password": PASSWORD, "csrfmiddlewaretoken": token.group(1)}
    )
    connection.request(
        "POST",
        "/accounts/login/",
        body=body,
        headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={csrf.group(1)}"},
    )
    response = connection.getresponse()
    response.read()
    session = re.search(r"sessionid=([^;]+)", response.getheader("Set-Cookie") or "")
    if response.status != 302 or session is None:
        raise SystemExit(f"signing in as city failed: {response.status}")
    return f"sessionid={session.group(1)}"


def dashboard_status(port: int, cookie: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", "/", headers={"Cookie": cookie})
    response = connection.getresponse()
    response.read()
    return response.status


def client(number: int, deadline: float, setup: dict[str, Any], cookie: str, tally: Tally) -> None:
    """One client: every third request an answer, the others a dashboard read, servers alternating."""
    connections = {port: http.client.HTTPConnection("127.0.0.1", port, timeout=30) for port in PORTS}
    pairs = setup["pairs"][number :: max(1, len(PORTS) * 4)] or setup["pairs"]
    sent = 0
    while time.monotonic() < deadline:
        port = PORTS[sent % len(PORTS)]
        connection = connections[port]
        if sent % 3 == 0:
            round_id, household_id = pairs[(sent // 3) % len(pairs)]
            kind, expected, method, path = "answer", 201, "POST", f"/api/v1/surveys/{round_id}/answers"
            body: str | None = json.dumps(
                {"household_id": household_id, "agrees": True, "consent_given": True}
            )
            headers = {"Authorization": f"Bearer {setup['token']}", "Content-Type": "application/json"}
        else:
            kind, expected, method, path, body = "dashboard", 200, "GET", "/", None
            headers = {"Cookie": cookie}
        started = time.perf_counter()
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            ok = response.status == expected
        except (OSError, http.client.HTTPException):
            ok = False
            connections[port] = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        tally.add(kind, (time.perf_counter() - started) * 1000, ok)
        sent += 1


def wait_until_up(port: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/accounts/login/")
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"the server on {port} did not start")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--child", choices=["setup", "verify"])
    parser.add_argument("--jobs", default="")
    args = parser.parse_args()
    if args.child == "setup":
        answer(setup_child())
        return
    if args.child == "verify":
        answer(verify_child(args.jobs.split(",")))
        return
    args.seconds = min(args.seconds, 60)  # load runs are bounded
    with tempfile.TemporaryDirectory(prefix="huanxin-load-") as var:
        env = child_environment(
            fresh_database(args.server, DATABASE),
            HUANXIN_DEBUG="0",
            HUANXIN_HTTPS="0",  # plain HTTP on 127.0.0.1, no proxy in front
            HUANXIN_DEMO="1",
            HUANXIN_VAR_DIR=var,  # one media directory for both servers
        )
        try:
            for command in (["migrate", "-v0"], ["collectstatic", "--noinput", "-v0"], ["load_demo"]):
                subprocess.run(
                    [str(BIN / "huanxin"), *command], env=env, check=True, stdout=subprocess.DEVNULL, cwd=ROOT
                )
            setup = run_child([__file__, "--child", "setup"], env)
            if not setup["pairs"]:
                raise SystemExit("the demo has no open survey to answer")
            results = run_load(args, env, setup, var)
        finally:
            psql(args.server, f'DROP DATABASE IF EXISTS "{DATABASE}"')
    report(results, args)


def run_load(
    args: argparse.Namespace, env: dict[str, str], setup: dict[str, Any], var: str
) -> dict[str, Any]:
    processes = [
        subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "huanxin.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
            ],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=open(f"{var}/server-{port}.log", "w"),  # noqa: SIM115 (closed with the directory)
        )
        for port in PORTS
    ]
    processes += [
        subprocess.Popen(
            [str(BIN / "huanxin"), "db_worker", "--interval", "0.2"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=open(f"{var}/worker-{number}.log", "w"),  # noqa: SIM115
        )
        for number in (1, 2)
    ]
    try:
        for port in PORTS:
            wait_until_up(port)
        cookie = login(PORTS[0])
        session_shared = dashboard_status(PORTS[1], cookie) == 200
        tally = Tally()
        deadline = time.monotonic() + args.seconds
        started = time.monotonic()
        threads = [
            threading.Thread(target=client, args=(number, deadline, setup, cookie, tally))
            for number in range(args.clients)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
        verified = wait_for_jobs(env, setup["jobs"])
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)
    return {
        "elapsed": elapsed,
        "tally": tally,
        "session_shared": session_shared,
        "answers_before": setup["answers"],
        "verified": verified,
    }


def wait_for_jobs(env: dict[str, str], jobs: list[str], seconds: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    while True:
        verified = run_child([__file__, "--child", "verify", "--jobs", ",".join(jobs)], env)
        if all(status in ("SUCCESSFUL", "FAILED") for status, _workers in verified["runs"]):
            return verified
        if time.monotonic() > deadline:
            return verified
        time.sleep(1)


def figure(name: str, value: float, unit: str) -> dict[str, Any]:
    return {"name": name, "scale": "city", "value": value, "unit": unit}


def report(results: dict[str, Any], args: argparse.Namespace) -> None:
    tally: Tally = results["tally"]
    verified = results["verified"]
    stored = verified["answers"] - results["answers_before"]
    runs = verified["runs"]
    once = sum(1 for status, workers in runs if status == "SUCCESSFUL" and len(workers) == 1)
    workers = {worker for _status, ids in runs for worker in ids}
    total = sum(len(samples) for samples in tally.samples.values()) + sum(tally.errors.values())
    figures = [
        {
            "name": "load_throughput",
            "scale": "city",
            "value": round(total / results["elapsed"], 1),
            "unit": "req/s",
        },
        {"name": "load_errors", "scale": "city", "value": sum(tally.errors.values()), "unit": "requests"},
        {
            "name": "load_answers_accepted",
            "scale": "city",
            "value": tally.accepted_answers,
            "unit": "answers",
        },
        {"name": "load_answers_stored", "scale": "city", "value": stored, "unit": "answers"},
        {"name": "load_jobs_run_once", "scale": "city", "value": once, "unit": f"of {len(runs)} jobs"},
    ]
    lines = ["| requests | count | errors | p50 (ms) | p95 (ms) |", "|---|---|---|---|---|"]
    for kind in ("answer", "dashboard"):
        samples = tally.samples.get(kind, [])
        p50 = percentile(samples, 0.5) if samples else 0.0
        p95 = percentile(samples, 0.95) if samples else 0.0
        figures.append(figure(f"load_{kind}_p95", round(p95, 1), "ms"))
        lines.append(f"| {kind} | {len(samples)} | {tally.errors.get(kind, 0)} | {p50:.1f} | {p95:.1f} |")
    record(figures)
    body = "\n".join(
        [
            f"`bench/load_bench.py`: the demo city on PostgreSQL behind two gunicorn servers (ports "
            f"{PORTS[0]} and {PORTS[1]}, two workers each) and two `db_worker`s, one database and one media "
            f"directory; {args.clients} clients on 127.0.0.1 for {results['elapsed']:.0f} s, each "
            "alternating between the servers, one request in three a survey answer entered through the API, "
            f"the others the signed-in dashboard. Measured {time.strftime('%Y-%m-%d')} on {machine()}, the "
            "clients on the same two cores as the servers and the database.",
            "",
            *lines,
            "",
            f"- throughput {total / results['elapsed']:.1f} requests/s, errors {sum(tally.errors.values())};",
            f"- answers accepted {tally.accepted_answers}, answers stored {stored}"
            + (" (equal)" if stored == tally.accepted_answers else " (**not equal**)")
            + ";",
            "- a session opened on one server "
            + ("is valid on the other" if results["session_shared"] else "is **not** valid on the other")
            + ";",
            f"- {once} of {len(runs)} background jobs run exactly once, by {len(workers)} different workers.",
        ]
    )
    write_report_section(SECTION, body)
    print(body)
    healthy = (
        not tally.errors
        and stored == tally.accepted_answers
        and results["session_shared"]
        and once == len(runs)
        and len(workers) >= 2
    )
    if not healthy:
        sys.exit("the load run found errors, lost answers, unshared sessions or jobs not run exactly once")


if __name__ == "__main__":
    os.chdir(ROOT)
    main()

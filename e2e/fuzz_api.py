"""Fuzz the API with schemathesis, the way a hostile client would: the demo city loaded into a
throwaway database, the server started in production mode (DEBUG off, HTTPS settings on, behind
a TLS proxy as deployed), and every operation of the OpenAPI document driven through all phases —
examples, coverage, fuzzing and the stateful chains — as the city, a district and a contractor,
served by gunicorn as deployed and fuzzed as two roles at a time (the machine's two cores).
Any server error, any response outside the document (status, content type, body) fails the run.

    python -m e2e.fuzz_api                 # the quick run of .ci/run
    python -m e2e.fuzz_api --examples 200  # the long run (docs/security.md)

Only 127.0.0.1 is ever called. The token endpoints are left out: fuzzing them would revoke the
run's own tokens and lock its address out."""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROLES = ("city", "yongding", "shigong")  # the city, 永定区住建局, 建工集团 (a contractor)
PASSWORD = "Huanxin@2020"
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "response_headers_conformance",
)
LEFT_OUT = "^/api/v1/auth/"
PROXY = {"X-Forwarded-Proto": "https"}  # as the TLS proxy in front of a deployment says


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=3, help="examples per operation and phase")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--phases", default="examples,coverage,fuzzing,stateful")
    parser.add_argument("--roles", default=",".join(ROLES))
    parser.add_argument("--report-dir", default="", help="keep schemathesis' JUnit reports here")
    parser.add_argument("--parallel", type=int, default=2, help="roles fuzzed at once")
    args = parser.parse_args()
    bin_dir = Path(sys.executable).parent
    with tempfile.TemporaryDirectory(prefix="huanxin-fuzz-") as tmp:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{tmp}/fuzz.sqlite3",
            "HUANXIN_DEBUG": "0",
            "HUANXIN_DEMO": "1",
            "HUANXIN_TODAY": "2020-09-01",
            "HUANXIN_VAR_DIR": f"{tmp}/var",
        }
        started = time.monotonic()
        for command in (
            ["migrate", "--noinput", "-v0"],
            ["collectstatic", "--noinput", "-v0"],
            ["load_demo"],
        ):
            subprocess.run(
                [str(bin_dir / "huanxin"), *command], env=env, check=True, stdout=subprocess.DEVNULL
            )
        print(f"== demo loaded in {time.monotonic() - started:.0f} s", flush=True)
        base = f"http://127.0.0.1:{args.port}"
        server = subprocess.Popen(
            [
                str(bin_dir / "gunicorn"),
                "huanxin.wsgi:application",
                "--bind",
                f"127.0.0.1:{args.port}",
                "--workers",
                str(max(args.parallel, 1)),
                "--timeout",
                "120",
                # Any request line reaches the application: the fuzz judges its answers, not the
                # server's guard (gunicorn's 414 past 4 KB, like the proxy's in a deployment).
                "--limit-request-line",
                "0",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=open(f"{tmp}/server.log", "w"),  # noqa: SIM115 (closed with the directory)
        )
        try:
            wait_for(f"{base}/api/v1/openapi.json")
            roles = args.roles.split(",")
            with concurrent.futures.ThreadPoolExecutor(max_workers=max(args.parallel, 1)) as pool:
                passed = pool.map(
                    lambda role: fuzz_as(role, base, bin_dir, args, report_dir=args.report_dir), roles
                )
                failed = [role for role, ok in zip(roles, passed, strict=True) if not ok]
        finally:
            server.terminate()
            server.wait(timeout=30)
            log = Path(f"{tmp}/server.log").read_text(errors="replace")
            if "Traceback" in log:
                print("== server tracebacks:\n" + "\n".join(traceback_blocks(log)[:5]))
    verdict = "failed for " + ", ".join(failed) if failed else "passed"
    print(f"== fuzzing {verdict} in {time.monotonic() - started:.0f} s")
    return 1 if failed else 0


def fuzz_as(role: str, base: str, bin_dir: Path, args: argparse.Namespace, *, report_dir: str) -> bool:
    token = issue_token(base, role)
    command = [
        str(bin_dir / "st"),
        "run",
        f"{base}/api/v1/openapi.json",
        "--header",
        f"Authorization: Bearer {token}",
        *[item for name, value in PROXY.items() for item in ("--header", f"{name}: {value}")],
        "--checks",
        ",".join(CHECKS),
        "--phases",
        args.phases,
        "--exclude-path-regex",
        LEFT_OUT,
        "--max-examples",
        str(args.examples),
        "--seed",
        str(args.seed),
        "--workers",
        "1",
        "--continue-on-failure",
        "--warnings",
        "off",
        "--output-truncate",
        "true",
    ]
    if report_dir:
        command += ["--report", "junit", "--report-junit-path", f"{report_dir}/{role}.xml"]
    print(f"== fuzzing the API as {role}", flush=True)
    started = time.monotonic()
    result = subprocess.run(command, capture_output=True, text=True)
    summary = result.stdout[result.stdout.find("=== SUMMARY") :] if "=== SUMMARY" in result.stdout else ""
    report = [f"== {role}:", summary or result.stdout[-3000:], result.stderr[-2000:]]
    if result.returncode != 0 and "=== FAILURES" in result.stdout:
        report.append(
            result.stdout[result.stdout.find("=== FAILURES") : result.stdout.find("=== WARNINGS")][:20000]
        )
    verdict = "passed" if result.returncode == 0 else "FAILED"
    report.append(f"== {role}: {verdict} in {time.monotonic() - started:.0f} s")
    print("\n".join(report), flush=True)  # one block: the roles run at once
    return result.returncode == 0


def issue_token(base: str, username: str) -> str:
    request = urllib.request.Request(
        f"{base}/api/v1/auth/token",
        data=json.dumps({"username": username, "password": PASSWORD}).encode(),
        headers={"Content-Type": "application/json", **PROXY},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return str(json.load(response)["token"])


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(urllib.request.Request(url, headers=PROXY), timeout=5).close()
            return
        except (urllib.error.URLError, ConnectionError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def traceback_blocks(log: str) -> list[str]:
    return ["Traceback" + block[:3000] for block in log.split("Traceback")[1:]]


if __name__ == "__main__":
    if shutil.which("st", path=str(Path(sys.executable).parent)) is None:
        sys.exit("schemathesis is not installed: make install-dev")
    sys.exit(main())

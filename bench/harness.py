"""What every benchmark here shares: a child process per measured run (its own Django, its own
database, its own peak memory) that answers with one JSON line; PostgreSQL databases made and
dropped; percentiles; and the two outputs — `bench/results.json` (one record per figure) and a
section of `docs/benchmarks.md`."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results.json"
REPORT = ROOT / "docs" / "benchmarks.md"


def child_environment(database_url: str, **extra: str) -> dict[str, str]:
    """The environment of a measured child: its database, a fixed clock and key, the checkout."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "huanxin.settings",
        "HUANXIN_SECRET_KEY": "benchmark-only-benchmark-only-benchmark-only-0123456789",
        "HUANXIN_TODAY": "2020-09-01",
        "PYTHONPATH": str(ROOT),
        **extra,
    }


def run_child(arguments: list[str], env: dict[str, str]) -> dict[str, Any]:
    """Run `python <arguments>` and read the JSON object on its last line of output."""
    output = subprocess.run([sys.executable, *arguments], env=env, capture_output=True, text=True)
    if output.returncode != 0:
        sys.stderr.write(output.stderr[-4000:])
        raise SystemExit(f"{' '.join(arguments[:3])} failed ({output.returncode})")
    return json.loads(output.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def answer(result: dict[str, Any]) -> None:
    """A child's answer: one JSON line, last on its output."""
    print(json.dumps(result))


def psql(server: str, sql: str) -> None:
    subprocess.run(["psql", f"{server}/postgres", "-qAtc", sql], check=True)


def fresh_database(server: str, name: str, template: str = "") -> str:
    """An empty database (a copy of `template` when given); its URL."""
    psql(server, f'DROP DATABASE IF EXISTS "{name}"')
    psql(server, f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    return f"{server}/{name}"


def percentile(samples: list[float], share: float) -> float:
    """The nearest-rank percentile (p50 of five runs is their median)."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


def median(samples: list[float]) -> float:
    return statistics.median(samples)


def machine() -> str:
    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def record(figures: list[dict[str, Any]]) -> None:
    """Write figures into bench/results.json, replacing earlier ones of the same name and scale.
    A figure: name, scale, value, unit, and where there is one, baseline and ratio."""
    kept = json.loads(RESULTS.read_text()) if RESULTS.exists() else []
    fresh = {(figure["name"], figure["scale"]) for figure in figures}
    stamp = dt.date.today().isoformat()
    merged = [figure for figure in kept if (figure["name"], figure["scale"]) not in fresh]
    merged += [{**figure, "measured": stamp, "machine": machine()} for figure in figures]
    RESULTS.write_text(json.dumps(merged, ensure_ascii=False, indent=1) + "\n")


def write_section(title: str, body: str) -> None:
    """Replace (or append) the section `title` ("## …") of docs/benchmarks.md."""
    text = REPORT.read_text(encoding="utf-8")
    start = text.find(title)
    if start < 0:
        text = text.rstrip("\n") + "\n\n" + title + "\n\n" + body.strip("\n") + "\n"
    else:
        end = text.find("\n## ", start + len(title))
        rest = text[end:] if end >= 0 else "\n"
        text = text[:start] + title + "\n\n" + body.strip("\n") + "\n" + rest
    REPORT.write_text(text, encoding="utf-8")

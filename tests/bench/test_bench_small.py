"""`make bench SCALE=small` must keep working: run it against a throwaway PostgreSQL database and check
the report it writes (every row B1..B7 has its figure, target and pass/fail). The targets are not
asserted: at small scale on a shared machine they say little; the full run's REPORT.md does."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _throwaway_url() -> str:
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal")
    return urlunparse(urlparse(base)._replace(path="/portal_bench_pytest"))


@pytest.mark.services
def test_small_benchmark_runs_and_reports_every_row(tmp_path):
    # given: a throwaway database and Redis DB 14 for the benchmark, and an empty output directory
    redis = urlparse(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15"))
    env = {**os.environ, "BENCH_DATABASE_URL": _throwaway_url(),
           "BENCH_REDIS_URL": urlunparse(redis._replace(path="/14"))}
    env.pop("DJANGO_SETTINGS_MODULE", None)

    # when: the small benchmark runs as `make bench SCALE=small` would
    result = subprocess.run([sys.executable, str(ROOT / "bench" / "run.py"), "--scale", "small", "--out",
                             str(tmp_path)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)

    # then: it completes and writes every row with a figure, a target and a verdict
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads((tmp_path / "results.json").read_text())
    assert report["scale"] == "small"
    assert set(report["rows"]) >= {"B1", "B2", "B3", "B4", "B5", "B6", "B7"}
    for key, row in report["rows"].items():
        assert row["figure"] and not row["figure"].startswith("error"), (key, row)
        assert row["target"], key
        assert isinstance(row["pass"], bool), key
    markdown = (tmp_path / "REPORT.md").read_text()
    assert "| B7 |" in markdown and "PostgreSQL" in markdown

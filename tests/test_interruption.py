"""Writers killed at random moments leave the old complete output or the new complete one:
``validate -o``, ``cohort validate -o`` and the swap that puts a built release in place."""

from __future__ import annotations

import csv
import io
import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from bad_inputs import PREFIXES, lesion_patient

pytestmark = pytest.mark.slow

SRC = Path(__file__).resolve().parents[1] / "src"
OLD = "the previous complete output\n"
CLI = "import sys; from sarcoma_kg.cli import main; sys.argv[0] = 'sarcoma-kg'; main()"


def start(args: list[str]) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")]))
    return subprocess.Popen([sys.executable, "-c", CLI, *args], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def run_and_kill(args: list[str], delay: float) -> int | None:
    """Run the command, SIGKILL it after ``delay`` seconds (unless done); its exit code, or None."""
    proc = start(args)
    try:
        return proc.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        return None


def complete_json(text: str) -> bool:
    try:
        return "patients" in json.loads(text)
    except ValueError:
        return False


def complete_csv(text: str) -> bool:
    rows = list(csv.reader(io.StringIO(text)))
    return bool(rows) and rows[0][0] == "patient" and len(rows) > 1 and all(len(r) == len(rows[0]) for r in rows)


@pytest.fixture
def patients(tmp_path) -> Path:
    path = tmp_path / "patients.ttl"
    path.write_text(PREFIXES + "".join(lesion_patient(f"K{i}") for i in range(3)), encoding="utf-8")
    return path


@pytest.mark.parametrize(("verb", "complete"), [
    (["validate", "--format", "json"], complete_json),
    (["cohort", "validate", "--workers", "1"], complete_csv),
], ids=["validate", "cohort validate"])
def test_a_killed_writer_leaves_the_old_output_or_the_new_one(verb, complete, patients, tmp_path):
    out = tmp_path / "report.out"
    out.write_text(OLD, encoding="utf-8")
    started = time.monotonic()
    assert run_and_kill([*verb, str(patients), "-o", str(out)], delay=120) == 0
    duration = time.monotonic() - started
    assert complete(out.read_text(encoding="utf-8"))
    rng = random.Random(20)
    for _ in range(4):
        out.write_text(OLD, encoding="utf-8")
        run_and_kill([*verb, str(patients), "-o", str(out)], delay=rng.uniform(0.2, duration))
        text = out.read_text(encoding="utf-8")
        assert text == OLD or complete(text), text[:200]
    out.write_text(OLD, encoding="utf-8")
    assert run_and_kill([*verb, str(patients), "-o", str(out)], delay=120) == 0, "a run after the kills completes"
    assert complete(out.read_text(encoding="utf-8"))


SWAPPER = textwrap.dedent("""
    import sys, tempfile
    from pathlib import Path
    from sarcoma_kg.release.build import _swap_in
    out = Path(sys.argv[1])
    for generation in range(10**6):
        tmp = Path(tempfile.mkdtemp(dir=out.parent, prefix=".build-"))
        for i in range(20):
            (tmp / f"part{i}.txt").write_text(str(generation))
        (tmp / "complete").write_text(str(generation))
        _swap_in(tmp, out)
""")


def test_a_killed_release_swap_leaves_a_complete_release(tmp_path):
    out = tmp_path / "dist"
    out.mkdir()
    (out / "complete").write_text("first")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")]))
    rng = random.Random(21)
    for _ in range(6):
        proc = subprocess.Popen([sys.executable, "-c", SWAPPER, str(out)], env=env)
        time.sleep(rng.uniform(0.5, 1.5))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert (out / "complete").exists(), "the release folder is always there, complete"
        generation = (out / "complete").read_text()
        assert generation == "first" or all((out / f"part{i}.txt").read_text() == generation for i in range(20))

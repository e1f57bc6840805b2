"""scripts/round_scaling.py: the round's cost at several class sizes, and how each step grows."""

import importlib.util
import json
import subprocess
import sys

import pytest

from autograder import ROOT
from simulated_class.students import minimum_size

spec = importlib.util.spec_from_file_location(
    "round_scaling", ROOT / "scripts" / "round_scaling.py"
)
round_scaling = importlib.util.module_from_spec(spec)
spec.loader.exec_module(round_scaling)


def record(students, **seconds):
    total = sum(seconds.values())
    return {
        "students": students,
        "seconds": {**seconds, "total": total},
        "seconds_per_submission": total / (2 * students),
        "gradebook_mb": 1.0,
        "peak_mb_round": 100,
        "peak_mb_children": 200,
    }


def test_the_growth_exponent_is_the_log_log_slope_between_sizes():
    records = [record(50, autograde=10.0, report=1.0), record(200, autograde=40.0, report=16.0)]
    slopes = round_scaling.growth(records)
    assert slopes["autograde"] == [1.0] and slopes["report"] == [2.0]
    text = round_scaling.table(records, slopes)
    assert "50→200" in text and "2.00" in text


@pytest.mark.slow
def test_the_script_measures_the_round_at_two_small_sizes(tmp_path):
    sizes = [minimum_size(), minimum_size() + 4]
    completed = subprocess.run(
        [
            sys.executable,
            ROOT / "scripts" / "round_scaling.py",
            "--students",
            *map(str, sizes),
            "--jobs",
            "2",
            "--out",
            tmp_path,
        ],
        capture_output=True,
        text=True,
    )
    assert completed.returncode == 0, completed.stderr
    result = json.loads((tmp_path / "round_scaling.json").read_text())
    assert [r["students"] for r in result["sizes"]] == sizes
    for found in result["sizes"]:
        assert found["seconds"]["autograde"] > 0 and found["gradebook_mb"] > 0
        assert found["peak_mb_children"] > 0 and found["peak_mb_round"] > 0
    assert set(result["growth_exponents"]) >= {"autograde", "feedback", "report", "total"}
    assert "ratio" in completed.stdout

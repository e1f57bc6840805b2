"""scripts/round_scaling.py: the round's cost at several class sizes, and how each step grows."""

import importlib.util
import json
import sqlite3
import subprocess
import sys

import pytest

from autograder import ROOT
from simulated_class.students import MINIMUM_SIZE

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


def test_each_size_gets_a_database_of_its_own_where_the_url_names_the_class_size():
    url = "postgresql+psycopg://grader@/round_{students}?host=/run/pg"
    assert round_scaling.round_options(url, "local:2", 200) == [
        "--db=postgresql+psycopg://grader@/round_200?host=/run/pg",
        "--cluster=local:2",
    ]
    assert round_scaling.round_options(None, None, 42) == []
    assert round_scaling.round_options(None, None, 42, ["bp"]) == ["--assignments", "bp"]


def sqlite_file(path, rows):
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE grade (score REAL)")
        connection.executemany("INSERT INTO grade VALUES (?)", [(float(i),) for i in range(rows)])
    return path.stat().st_size


def test_the_gradebook_measured_is_the_rounds_own_file_or_the_one_the_url_names(tmp_path):
    (tmp_path / "course").mkdir()
    default = sqlite_file(tmp_path / "course" / "gradebook.db", 10)
    named = sqlite_file(tmp_path / "named.db", 20_000)
    assert default != named
    assert round_scaling.gradebook_bytes(tmp_path, []) == default
    passed = round_scaling.round_options(f"sqlite:///{tmp_path / 'named.db'}", "local:2", 42)
    assert round_scaling.gradebook_bytes(tmp_path, passed) == named


@pytest.mark.parametrize("students", [[MINIMUM_SIZE - 1], [10, 200]])
def test_a_class_smaller_than_the_simulated_classes_least_is_refused_before_any_round(
    students, tmp_path, capsys
):
    with pytest.raises(SystemExit):
        round_scaling.main(["--students", *map(str, students), "--out", str(tmp_path / "out")])
    assert f"at least {MINIMUM_SIZE} students" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_the_script_measures_the_round_of_the_smallest_class(tmp_path):
    # one round, end to end (the growth between sizes is the first test's): a second size doubled
    # this test's five minutes
    sizes = [MINIMUM_SIZE]
    completed = subprocess.run(
        [
            sys.executable,
            ROOT / "scripts" / "round_scaling.py",
            "--students",
            *map(str, sizes),
            "--jobs",
            "2",
            # the shorter assignment: two whole rounds of both took about nine minutes of the run
            "--assignments",
            "perceptron",
            "--out",
            tmp_path,
        ],
        capture_output=True,
        text=True,
    )
    assert completed.returncode == 0, completed.stderr
    result = json.loads((tmp_path / "round_scaling.json").read_text())
    assert [r["students"] for r in result["sizes"]] == sizes
    assert [r["submissions"] for r in result["sizes"]] == sizes
    for found in result["sizes"]:
        assert found["seconds"]["autograde"] > 0 and found["gradebook_mb"] > 0
        assert found["peak_mb_children"] > 0 and found["peak_mb_round"] > 0
    assert result["growth_exponents"] == {}
    assert f"N={MINIMUM_SIZE}" in completed.stdout and "ratio" in completed.stdout

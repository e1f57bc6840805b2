"""The main job's script prints the comparison table and writes the table and the plot."""

import json
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "exercise_5_5.py"


def test_the_script_writes_the_table_and_the_loss_curves(tmp_path):
    result = subprocess.run(
        [sys.executable, SCRIPT, "--out", tmp_path, "--checkpoints", "20", "5"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    rows = json.loads((tmp_path / "table.json").read_text(encoding="utf-8"))
    assert [(r["algorithm"], r["epochs"]) for r in rows] == [
        ("standard BP", 5),
        ("standard BP", 20),
        ("accumulated BP", 5),
        ("accumulated BP", 20),
    ]
    assert all(0 <= r["accuracy"] <= 1 and r["E"] > 0 for r in rows)
    assert (tmp_path / "loss_curves.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    for row in rows:
        assert f"{row['E']:.6f}" in result.stdout


def test_the_script_refuses_a_non_positive_checkpoint(tmp_path):
    result = subprocess.run(
        [sys.executable, SCRIPT, "--out", tmp_path, "--checkpoints", "0"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "--checkpoints must be positive" in result.stderr


def test_the_script_runs_the_notebooks_exercise_5_5_on_each_seed(tmp_path):
    # the model answers of the notebook's questions quote these rows: what they need is in each
    result = subprocess.run(
        [sys.executable, SCRIPT, "--out", tmp_path, "--checkpoints", "1", "--seeds", "0"],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    (row,) = json.loads((tmp_path / "seeds.json").read_text(encoding="utf-8"))
    assert row["seed"] == 0 and 0 < row["b_min"] <= row["b_max"] < 1
    assert 0 < row["mean_b(1-b)"] <= 0.25 and row["largest gap per update"] >= 0
    for name in ("standard BP", "accumulated BP"):
        assert all(
            right <= total
            for key, counts in row[name].items()
            if key.startswith("split@")
            for right, total in zip(counts, (10, 7))
        )
    assert "E@5000" in row["accumulated BP"] and "E@5000" not in row["standard BP"]
    assert f"{row['accumulated BP']['E@5000']:.5f}" in result.stdout

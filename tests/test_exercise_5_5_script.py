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

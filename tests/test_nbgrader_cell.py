"""The hidden-test call of a graded cell never raises and never writes to stderr: a failure
to grade is said on stdout and scores 0."""

from notebooks import copy_assignment
from worker_user import needs_worker

from autograder.grading.course import load_course
from autograder.nbgrader_cell import hidden_score

POINTS = {item.id: float(item.points) for item in load_course().items()}


def full_marks(item_id):
    """The line the graded cell prints for an item that passed: its score out of its points."""
    return f"{item_id}: {POINTS[item_id]:.2f}/{POINTS[item_id]:g} passed"


def test_a_folder_without_the_notebook_scores_0_and_says_why(tmp_path, capsys):
    assert hidden_score("delta_w", folder=tmp_path) == 0.0
    out, err = capsys.readouterr()
    assert out.startswith("delta_w: not graded: FileNotFoundError") and err == ""


def test_an_unknown_item_scores_0_and_says_why(tmp_path, capsys):
    assert hidden_score("delta_x", folder=tmp_path) == 0.0
    assert capsys.readouterr().out.startswith("delta_x: not graded")


@needs_worker
def test_the_score_is_a_plain_float_within_the_items_points(tmp_path, capsys):
    notebook = copy_assignment("solutions", "perceptron", tmp_path / "perceptron")
    score = hidden_score("train_perceptron", folder=notebook.parent)
    assert type(score) is float and score == POINTS["train_perceptron"]
    assert full_marks("train_perceptron") in capsys.readouterr().out


@needs_worker
def test_the_student_is_read_from_nbgraders_autograded_layout(tmp_path, capsys):
    from autograder import nbgrader_cell

    notebook = copy_assignment(
        "solutions", "perceptron", tmp_path / "autograded" / "s042" / "perceptron"
    )
    local = copy_assignment("solutions", "perceptron", tmp_path / "elsewhere" / "perceptron")
    assert (nbgrader_cell.student_of(notebook), nbgrader_cell.student_of(local)) == (
        "s042",
        "local",
    )
    assert hidden_score("augment", folder=notebook.parent) == POINTS["augment"]
    assert full_marks("augment") in capsys.readouterr().out


@needs_worker
def test_the_notebook_is_found_beside_the_imported_selfcheck_after_a_chdir(
    tmp_path, monkeypatch, capsys
):
    import importlib.util
    import sys

    notebook = copy_assignment("solutions", "perceptron", tmp_path / "perceptron")
    spec = importlib.util.spec_from_file_location("selfcheck", notebook.parent / "selfcheck.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setitem(sys.modules, "selfcheck", module)
    monkeypatch.chdir(tmp_path)  # as a student's os.chdir would
    assert hidden_score("augment") == POINTS["augment"]

"""The grading policy: a grade measures its own equation only, and more mistakes never earn more.

- A catalogued mistake in a notebook is named, with its hint, and costs its own item (all of it but
  course.yaml's credit for it) and nothing else: the functions that call it are graded with the
  reference standing in for it, and told what the student's own would do.
- Values before containers: the right numbers in a list or a 0-d array are right.
- Partial credit is monotone over the catalogue: two mistakes never score above either alone,
  and a recognised mistake never below the same values unrecognised.
"""

import itertools

import nbformat
import numpy as np
import pytest
from submissions import with_functions, write
from worker_user import needs_worker

from autograder import ROOT
from autograder.grading import cases
from autograder.grading.course import load_course
from autograder.grading.grader import grade
from autograder.grading.results import FAILED, PARTIAL, PASSED, CaseResult
from autograder.grading.scoring import discriminating, item_result, passed_share
from autograder.grading.submission import read
from autograder.items import ITEMS, RECORD_FILES
from autograder.sandbox.process import OK, RAISED, Outcome
from simulated_class.mistakes import in_notebook
from simulated_class.students import filled, solution_sources

COURSE = load_course()
# s20, s22: bp_step's saturated cases tell nothing
STUDENTS = [
    "s01",
    "s02",
    "s03",
    "s04",
    "s05",
    "s06",
    "s20",
    "s22",
]


def notebook_with(tmp_path, assignment, replaced):
    """The released notebook filled with the solutions, each function of ``replaced`` with the given source."""
    sources = {
        **solution_sources(ROOT / "solutions" / assignment / f"{assignment}.ipynb"),
        **replaced,
    }
    notebook = filled(ROOT / "assignments" / assignment / f"{assignment}.ipynb", sources)
    path = tmp_path / f"{assignment}.ipynb"
    nbformat.write(notebook, path)
    return path


ITEM_OF = {item.id: item for item in COURSE.items()}


def assignment_of(item_id):
    return ITEM_OF[item_id].assignment


@pytest.mark.parametrize("assignment", [a.id for a in COURSE.assignments])
def test_every_graded_function_a_solution_calls_comes_before_it_so_that_the_reference_stands_in(
    assignment,
):
    solution = read([ROOT / "solutions" / assignment / f"{assignment}.ipynb"])
    order = [item.function for item in COURSE.assignment(assignment).items]
    for index, function in enumerate(order):
        assert not solution.functions_called_by(function) & set(order[index + 1 :]), function


def _misconception(item_id, misconception_id):
    return next(m for m in ITEMS[item_id].misconceptions if m.id == misconception_id)


def _variant(item_id, misconception_id):
    return _misconception(item_id, misconception_id).variant


def _in_notebook(item_id, misconception_id):
    """The student's source of the misconception, as the notebook's cell of its function."""
    return in_notebook(_misconception(item_id, misconception_id).student_source)


MISCONCEPTIONS = sorted(
    (item_id, m.id) for item_id, record in ITEMS.items() for m in record.misconceptions
)


@pytest.mark.parametrize("mistake", MISCONCEPTIONS, ids="/".join)
@needs_worker
def test_one_catalogued_mistake_in_a_notebook_is_named_and_costs_its_own_item_and_nothing_else(
    tmp_path, mistake
):
    item_id, misconception_id = mistake
    path = notebook_with(tmp_path, assignment_of(item_id), {item_id: _in_notebook(*mistake)})
    report = grade([path], "s01", assignment_of(item_id))
    lost_elsewhere = {
        i.id: (i.status, i.max_score - i.score)
        for i in report.items
        if i.id != item_id and (i.status != PASSED or i.score < i.max_score)
    }
    assert lost_elsewhere == {}, report.table()
    # its item scores course.yaml's credit for the mistake (none by default), names it and hints at it
    item, result = ITEM_OF[item_id], report.item(item_id)
    credit = item.misconception_credit.get(misconception_id, 0.0)
    assert (result.misconception, result.score, result.status) == (
        misconception_id,
        item.points * credit,
        PARTIAL if credit else FAILED,
    ), result.feedback
    mistake_record = _misconception(*mistake)
    assert mistake_record.hint_zh in result.feedback
    assert mistake_record.hint_en in result.feedback


@needs_worker
def test_a_helpers_mistake_is_named_where_the_students_own_helper_would_have_made_a_caller_fail(
    tmp_path,
):
    path = notebook_with(tmp_path, "bp", {"sigmoid": _in_notebook("sigmoid", "wrong_sign")})
    report = grade([path], "s01", "bp")
    forward = report.item("forward")
    assert forward.status == "passed"
    for feedback in (forward.feedback, forward.student_feedback):
        assert (
            "With your own sigmoid, forward fails" in feedback
            and "用你自己的 sigmoid 时" in feedback
        )
    assert "With your own" not in report.item("sigmoid").student_feedback
    # delta_w calls no graded function
    assert "With your own" not in report.item("delta_w").student_feedback


@needs_worker
def test_a_caller_that_does_not_reach_the_wrong_helper_gets_no_note(tmp_path):
    path = notebook_with(tmp_path, "bp", {"delta_w": _in_notebook("delta_w", "wrong_sign")})
    report = grade([path], "s01", "bp")
    noted = {item.id for item in report.items if "With your own delta_w" in item.student_feedback}
    # the callers of delta_w, direct or not
    assert noted == {
        "bp_step",
        "train_standard_bp",
        "train_accumulated_bp",
    }


@needs_worker
def test_a_helper_that_crashes_is_named_in_its_callers_feedback_without_running_it_again(tmp_path):
    crash = "def delta_v(eta, e, x):\n    import os\n    os._exit(3)\n"
    report = grade([notebook_with(tmp_path, "bp", {"delta_v": crash})], "s01", "bp")
    assert report.item("delta_v").status == "crashed"
    assert report.score == report.max_score - report.item("delta_v").max_score
    assert (
        "With your own delta_v, bp_step fails; it was graded with the reference's delta_v"
        in report.item("bp_step").student_feedback
    )


@needs_worker
def test_a_wrong_formula_written_inline_instead_of_calling_the_helper_still_costs_the_caller(
    tmp_path,
):
    inline = """
def bp_step(x, y, params, eta):
    b, y_hat = forward(x, *params)
    g = output_gradient(y_hat, y)
    e = hidden_gradient(b, params.w, g)
    return Params(params.v + delta_v(eta, e, x), params.gamma + eta * e,
                  params.w + delta_w(eta, g, b), params.theta + delta_theta(eta, g))
"""
    report = grade([notebook_with(tmp_path, "bp", {"bp_step": inline})], "s01", "bp")
    assert report.item("bp_step").score == 0
    assert report.score == report.max_score - report.item("bp_step").max_score


@needs_worker
def test_the_right_values_in_other_numeric_containers_get_full_marks_with_a_note(tmp_path):
    source = with_functions(
        "def train_standard_bp(X, Y, params0, eta, epochs):\n"
        "    params, history = _ref.train_standard_bp(X, Y, params0, eta, epochs)\n"
        "    return params, [float(h) for h in history]\n",
        "def delta_w(eta, g, b):\n    return (eta * np.outer(b, g)).tolist()\n",
        "def sigmoid(z):\n    z = np.asarray(z, dtype=float)\n    return np.where(z >= 0, 1 / (1 + np.exp(-np.abs(z))), np.exp(-np.abs(z)) / (1 + np.exp(-np.abs(z))))\n",
    )
    report = grade([write(tmp_path, source)], "s01", "bp")
    assert report.score == report.max_score, report.table()
    for item_id in ("train_standard_bp", "delta_w"):
        assert "Note: return" in report.item(item_id).student_feedback
    assert "Note: return" not in report.item("delta_v").student_feedback


# --- monotone partial credit, over the catalogue --------------------------------------------

# {(item id, a.id, b.id): a function making both mistakes, or why no student can}, from the records
PAIRS = {
    (item_id, *pair): entry
    for item_id, record in ITEMS.items()
    for pair, entry in record.mistake_pairs.items()
}
BOTH = {pair: entry for pair, entry in PAIRS.items() if not isinstance(entry, str)}


def test_every_pair_of_catalogued_mistakes_is_made_together_or_said_to_exclude_each_other():
    pairs = {
        (item, a.id, b.id)
        for item, record in ITEMS.items()
        for a, b in itertools.combinations(record.misconceptions, 2)
    }
    missing = [
        f"{RECORD_FILES[item]}, {item}: ({a!r}, {b!r})"
        for item, a, b in sorted(pairs - PAIRS.keys())
    ]
    assert not missing, (
        "each pair of one item's catalogued mistakes, (a.id, b.id) in record order, goes in its "
        "record's mistake_pairs: a function making both, or a str saying why no student can: "
        + "; ".join(missing)
    )
    assert PAIRS.keys() <= pairs, (
        f"a mistake_pairs entry names no pair of its record's mistakes: {sorted(PAIRS.keys() - pairs)}"
    )


def score_of(item, student, function):
    """The item's score for a function computed here, as the grader scores the outcomes of its calls."""
    seed = cases.item_seed(COURSE.base_seed, COURSE.id, item.assignment, student, item.id)
    item_cases = cases.generate(item, seed)
    expected = [item.reference(*case.arguments()) for case in item_cases]
    return item_result(
        item, seed, item_cases, expected, [_outcome(function, case) for case in item_cases]
    )


def _outcome(function, case):
    try:
        with np.errstate(all="ignore"):
            return Outcome(OK, value=function(*case.arguments()))
    except Exception as error:
        return Outcome(RAISED, message=f"{type(error).__name__}: {error}")


@pytest.mark.parametrize("pair", sorted(BOTH), ids="/".join)
def test_two_mistakes_together_never_score_above_either_alone(pair):
    item = ITEM_OF[pair[0]]
    for student in STUDENTS:
        both = score_of(item, student, BOTH[pair]).score
        alone = [score_of(item, student, _variant(item.id, m)).score for m in pair[1:]]
        assert both <= min(alone), (student, both, alone)


@pytest.mark.parametrize("mistake", MISCONCEPTIONS, ids="/".join)
def test_a_recognised_mistake_never_scores_below_the_same_values_unrecognised(mistake):
    item = ITEM_OF[mistake[0]]
    for student in STUDENTS:
        result = score_of(item, student, _variant(*mistake))
        seed = cases.item_seed(COURSE.base_seed, COURSE.id, item.assignment, student, item.id)
        item_cases = cases.generate(item, seed)
        expected = [item.reference(*case.arguments()) for case in item_cases]
        unrecognised = item.points * passed_share(
            item, item_cases, result.cases, discriminating(item, item_cases, expected)
        )
        assert result.misconception == mistake[1]
        assert result.score >= unrecognised


def test_cases_where_the_catalogued_mistakes_agree_with_the_reference_award_nothing():
    # Saturated networks have g ≈ 0: both bp_step mistakes, alone or together, pass those cases.
    item = ITEM_OF["bp_step"]
    both = ITEMS["bp_step"].mistake_pairs[("e_from_updated_w", "threshold_signs")]
    result = score_of(item, "s20", both)
    assert all(case.passed for case in result.cases if case.group == "saturated")
    assert result.score == 0 and result.status == "failed"
    assert (
        "Only the" in result.student_feedback
        and "cases that tell the common mistakes apart are scored" in result.student_feedback
    )


def test_a_group_with_no_scored_case_drops_out_and_the_other_groups_fill_its_weight():
    # general 4 cases (0.7), saturated 2 (0.3)
    item = ITEM_OF["dyhat_dbeta"]
    item_cases = cases.generate(item, 1)
    passed = [True, False, True, False, True, True]
    results = [CaseResult(c.group, c.number, ok) for c, ok in zip(item_cases, passed)]
    assert passed_share(item, item_cases, results, (True,) * 6) == pytest.approx(0.7 * 2 / 4 + 0.3)
    assert passed_share(item, item_cases, results, (True,) * 4 + (False,) * 2) == pytest.approx(0.5)
    assert passed_share(
        item, item_cases, results, (False, True, True, True, False, True)
    ) == pytest.approx(0.7 * 1 / 3 + 0.3)

"""The similarity check of the class report: what it finds, what it leaves out, and the simulated
class's planted copy (autograder/rounds/similarity.py)."""

import csv

import course_files
import msgspec
import numpy as np
import pytest
from worker_user import needs_worker

from autograder import ROOT
from autograder.grading.course import CourseError, load_course, parse_course
from autograder.grading.grader import grade
from autograder.rounds import similarity
from simulated_class import students as simulated
from simulated_class.copying import disguised
from simulated_class.own_solutions import OWN

SETTINGS = load_course().similarity
STUB = '''def train(X, Y, params0, eta, epochs):
    """Train for epochs passes over (X, Y), from params0.

    X : (m, d);  Y : (m, l);  params0 : Params;  eta : float;  epochs : int
    returns (params, history (epochs,))
    """
    # YOUR CODE HERE
    raise NotImplementedError()
'''
HEAD = STUB.split("    # YOUR CODE HERE")[0]
ORIGINAL = (
    HEAD
    + """    params = params0
    history = np.empty(epochs)
    m = len(X)
    for t in range(epochs):
        total = [np.zeros_like(p) for p in params]
        for x, y in zip(X, Y):
            b, y_hat = forward(x, *params)
            g = output_gradient(y_hat, y)
            e = hidden_gradient(b, params.w, g)
            step = (delta_v(eta, e, x), delta_gamma(eta, e), delta_w(eta, g, b), delta_theta(eta, g))
            total = [s + d for s, d in zip(total, step)]
        params = Params(*(p + s / m for p, s in zip(params, total)))
        history[t] = accumulated_error(X, Y, params)
    return params, history
"""
)
# renamed, the first three statements in another order, and laid out anew
COPIED = (
    HEAD
    + """    n_samples = len(X)
    errors = np.empty(epochs)
    current = params0
    for epoch in range(epochs):
        acc = [np.zeros_like(q) for q in current]
        for xi, yi in zip(X, Y):
            hidden, out = forward(xi, *current)
            grad_out = output_gradient(out, yi)
            grad_hid = hidden_gradient(hidden, current.w, grad_out)
            upd = (
                delta_v(eta, grad_hid, xi),
                delta_gamma(eta, grad_hid),
                delta_w(eta, grad_out, hidden),
                delta_theta(eta, grad_out),
            )
            acc = [a + u for a, u in zip(acc, upd)]
        current = Params(*(q + a / n_samples for q, a in zip(current, acc)))
        errors[epoch] = accumulated_error(X, Y, current)
    return current, errors
"""
)
# the same algorithm, written by someone else: an honest student of the simulated class
HONEST = HEAD + OWN["bp"][0]["train_accumulated_bp"].lstrip("\n")


def similarity_of(first, second, given=({"train": STUB},), settings=SETTINGS):
    """The one function's similarity between two students, or None when it is not compared."""
    pairs = similarity.class_pairs(
        "a", ["train"], given, {"s1": {"train": first}, "s2": {"train": second}}, settings
    )
    return pairs[0].functions[0].similarity if pairs else None


def test_a_copy_with_renamed_variables_and_reordered_statements_is_found():
    assert COPIED != ORIGINAL
    assert similarity_of(ORIGINAL, COPIED) >= SETTINGS.threshold


def test_two_differently_written_correct_functions_are_not_similar():
    assert similarity_of(ORIGINAL, HONEST) < SETTINGS.threshold / 2
    assert similarity_of(COPIED, HONEST) < SETTINGS.threshold / 2


def test_the_released_stub_alone_is_no_similarity():
    # two unfinished students share the stub: nothing of their own to compare
    assert similarity_of(STUB, STUB) is None
    # the stub kept above one's own work counts for nothing either
    short = HEAD + "    return train_loop(X, Y, params0, eta, epochs)\n"
    assert similarity_of(short, short) is None
    # without the stub left out, the same two would be compared, and identical
    assert similarity_of(STUB, STUB, given=()) == 1.0


def test_what_most_of_the_class_wrote_is_not_evidence_between_two_of_them():
    common = {f"s{n}": {"train": ORIGINAL} for n in range(5)}
    sources = {**common, "own": {"train": HONEST}, "own_copy": {"train": HONEST}}
    pairs = similarity.class_pairs("a", ["train"], [{"train": STUB}], sources, SETTINGS)
    assert [p.students for p in pairs] == [("own", "own_copy")]


def test_a_pair_is_listed_over_enough_functions_only():
    functions = [f"f{n}" for n in range(SETTINGS.min_functions)]
    renamed = {f: ORIGINAL.replace("def train", f"def {f}") for f in functions}
    copied = {f: COPIED.replace("def train", f"def {f}") for f in functions}
    few = {f: renamed[f] for f in functions[:-1]}
    pairs = {
        "a": similarity.class_pairs("a", functions, [], {"s1": renamed, "s2": copied}, SETTINGS)
    }
    assert [p.students for p in similarity.listed(pairs, SETTINGS)] == [("s1", "s2")]
    pairs = {"a": similarity.class_pairs("a", functions, [], {"s1": few, "s2": copied}, SETTINGS)}
    assert pairs["a"][0].score >= SETTINGS.threshold and not similarity.listed(pairs, SETTINGS)


def test_the_report_shows_listed_pairs_side_by_side_and_the_csv_every_compared_pair(tmp_path):
    functions = [f"f{n}" for n in range(SETTINGS.min_functions)]
    of = {
        name: {f: text.replace("def train", f"def {f}") for f in functions}
        for name, text in (("s1", ORIGINAL), ("s2", COPIED), ("s3", HONEST))
    }
    pairs = {"bp": similarity.class_pairs("bp", functions, [], of, SETTINGS)}
    markdown = "\n".join(similarity.report_markdown(pairs, SETTINGS))
    assert markdown.startswith(similarity.TITLE)
    assert "### bp: s1 – s2" in markdown and "s3" not in markdown.split("\n\n", 2)[2]
    assert markdown.count("```python") == 2 * len(functions)
    page = similarity.report_html(pairs, SETTINGS)
    assert page.count("<pre><code>") == 2 * len(functions) and "<th>s1</th><th>s2</th>" in page
    with open(similarity.write_csv(tmp_path / "pairs.csv", pairs, SETTINGS), newline="") as file:
        rows = list(csv.DictReader(file))
    assert {(r["student_a"], r["student_b"], r["listed"]) for r in rows} == {
        ("s1", "s2", "yes"),
        ("s1", "s3", "no"),
        ("s2", "s3", "no"),
    }


def test_course_yaml_refuses_a_threshold_that_is_not_a_share():
    data = course_files.shipped()
    data["course"]["similarity"] = {"threshold": 1.5}
    with pytest.raises(CourseError, match="threshold.*at most 1"):
        parse_course(data)


def class_notebooks(tmp_path, small):
    """{assignment: {student: notebook path}} of the simulated class, written as it hands them in."""
    notebooks = {}
    for assignment in ("perceptron", "bp"):
        released = ROOT / "assignments" / assignment / f"{assignment}.ipynb"
        solutions = simulated.solution_sources(
            ROOT / "solutions" / assignment / f"{assignment}.ipynb"
        )
        notebooks[assignment] = {}
        for student in simulated.make_class(small=small):
            path = tmp_path / f"{student.id}-{assignment}.ipynb"
            path.write_bytes(simulated.notebook_of(student, assignment, released, solutions))
            notebooks[assignment][student.id] = path
    return notebooks


def class_pairs(notebooks):
    """{assignment: class_pairs} of the class's notebooks, as the round compares them."""
    course = load_course()
    found = {}
    for assignment, by_student in notebooks.items():
        names = [item.function for item in course.assignment(assignment).items]
        given = [
            similarity.function_sources(ROOT / folder / assignment / f"{assignment}.ipynb", names)
            for folder in ("assignments", "solutions")
        ]
        sources = {s: similarity.function_sources(path, names) for s, path in by_student.items()}
        found[assignment] = similarity.class_pairs(
            assignment, names, given, sources, course.similarity
        )
    return found


@pytest.mark.parametrize("small", [True, False], ids=["small", "full"])
@pytest.mark.slow
def test_the_simulated_classs_planted_copy_is_found_and_no_honest_pair(tmp_path, small):
    students = simulated.make_class(small=small)
    own = [s.id for s in students if s.profile == simulated.OWN_WORK]
    copier = next(s.id for s in students if s.profile == simulated.COPY)
    pairs = class_pairs(class_notebooks(tmp_path, small))
    for assignment, found in pairs.items():
        listed = [p.students for p in similarity.listed({assignment: found}, SETTINGS)]
        assert listed == [tuple(sorted((own[0], copier)))], assignment
        # the honest pair is compared only when it shares a fingerprint (class_pairs' inverted index)
        for honest in (p for p in found if p.students == tuple(own)):
            assert (
                honest.score < SETTINGS.threshold / 2
                and len(honest.functions) >= SETTINGS.min_functions
            )


def test_only_pairs_that_share_a_fingerprint_are_compared_and_their_scores_are_those_of_every_pair():
    base = "def f(x, y):\n    total = x * y + 3\n    return total ** 2 - x / (y + 1)\n"
    other = "def f(x, y):\n    for k in range(7):\n        x = [x, k, {'a': y}]\n    return x\n"
    sources = {"a": {"f": base}, "b": {"f": base.replace("total", "t")}, "c": {"f": other}}
    settings = msgspec.structs.replace(SETTINGS, min_length=1, common_share=1.0)
    found = similarity.class_pairs("bp", ["f"], [], sources, settings)
    assert [p.students for p in found] == [("a", "b")] and found[0].score == 1.0


@needs_worker
@pytest.mark.slow
def test_the_copier_disguised_every_function_and_still_gets_the_originals_marks(tmp_path):
    students = simulated.make_class(small=True)
    original, second = (s for s in students if s.profile == simulated.OWN_WORK)
    copier = next(s for s in students if s.profile == simulated.COPY)
    assert (original.own, second.own, copier.own) == (0, 1, 0)
    notebooks = class_notebooks(tmp_path, small=True)
    course = load_course()
    for assignment, by_student in notebooks.items():
        names = [item.function for item in course.assignment(assignment).items]
        theirs = similarity.function_sources(by_student[original.id], names)
        copied = similarity.function_sources(by_student[copier.id], names)
        assert all(copied[n] == disguised(theirs[n]).strip() for n in names)
        assert all(copied[n] != theirs[n] for n in OWN[assignment][0])
        for student in (original, copier, second):
            report = grade([by_student[student.id]], student.id, assignment)
            assert report.score == report.max_score, (student, report.table())


def test_disguise_swaps_independent_statements_only_and_keeps_what_the_function_computes():
    source = (
        "def f(rng, x):\n"
        "    p1 = rng.random(2)\n"
        "    p2 = rng.random(2)\n"  # draws after p1: not independent of it
        "    s1 = x + 1\n"
        "    s2 = x * 2\n"
        "    return p1, p2, s1, s2\n"
    )
    text = disguised(source)
    at = {name: text.index(f"{name}_ =") for name in ("p1", "p2", "s1", "s2")}
    assert at["p1"] < at["p2"] and at["s1"] < at["p2"]  # the draws keep their order; s1 moved up
    results = []
    for code in (source, text):
        namespace = {}
        exec(code, namespace)
        results.append(namespace["f"](np.random.default_rng(1), 3.0))
    assert all(np.array_equal(a, b) for a, b in zip(*results))

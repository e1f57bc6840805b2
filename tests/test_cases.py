"""The hidden cases: course.yaml's counts per group (the record's generators, one per group:
test_item_records.py), reproducible, different per student, and covering the edges the issue names."""

import numpy as np
import pytest

import source_impl as ref
from autograder.grading import cases
from autograder.grading.course import load_course
from autograder.items import ITEMS as RECORDS

COURSE = load_course()
ITEMS = {item.id: item for item in COURSE.items()}


def all_cases(item_id, seed=1):
    return cases.generate(ITEMS[item_id], seed)


def arrays(value):
    if isinstance(value, np.ndarray):
        return [value]
    if isinstance(value, tuple):
        return [a for part in value for a in arrays(part)]
    return []


def same_case(a, b):
    return (
        a.group == b.group
        and all(
            x.shape == y.shape and np.array_equal(x, y)
            for x, y in zip(arrays(a.args), arrays(b.args))
        )
        and len(arrays(a.args)) == len(arrays(b.args))
    )


@pytest.mark.parametrize("item_id", ITEMS)
def test_an_item_gets_its_course_yaml_counts_and_the_reference_runs_silently_on_every_case(item_id):
    item = ITEMS[item_id]
    generated = all_cases(item_id)
    assert [c.group for c in generated] == [g.name for g in item.groups for _ in range(g.count)]
    with np.errstate(all="raise", under="ignore"):  # numpy is silent on underflow by default
        for case in generated:
            item.reference(*case.arguments())


def test_the_seed_depends_on_every_part_and_regenerating_gives_the_same_cases():
    parts = (20261126, "course", "bp", "alice", "delta_w")
    seed = cases.item_seed(*parts)
    assert seed == cases.item_seed(*parts)
    for i, other in enumerate(["x", "x", "x", "bob", "delta_v"]):
        changed = list(parts)
        changed[i] = 1 if i == 0 else other
        assert cases.item_seed(*changed) != seed
    assert all(
        same_case(a, b) for a, b in zip(all_cases("bp_step", seed), all_cases("bp_step", seed))
    )


def test_two_students_get_different_cases():
    seeds = [
        cases.item_seed(COURSE.base_seed, COURSE.id, "bp", student, "forward")
        for student in ("alice", "bob")
    ]
    first, second = (all_cases("forward", seed) for seed in seeds)
    assert not any(same_case(a, b) for a, b in zip(first, second))


def test_a_case_hands_out_copies_of_its_arguments():
    case = all_cases("delta_w")[0]
    case.arguments()[1][:] = 99.0
    assert not np.any(case.args[1] == 99.0)


def forward_shapes(seed):
    """(d, q, l) of every forward case."""
    return [
        (c.args[1].shape[0], c.args[1].shape[1], c.args[3].shape[1])
        for c in all_cases("forward", seed)
    ]


def test_network_shapes_vary_and_include_single_outputs_units_and_inputs():
    found = [shape for seed in range(3) for shape in forward_shapes(seed)]
    assert any(l == 1 for _, _, l in found) and any(q == 1 for _, q, _ in found)
    assert len(set(found)) > 5
    assert all(c.args[2].shape == (1,) for c in all_cases("delta_v") if c.group == "single_input")
    assert any(
        c.args[1].shape[0] == c.args[1].shape[1] for c in all_cases("hidden_gradient", seed=3)
    )


def test_on_hyperplane_cases_hold_points_exactly_on_it():
    for case in all_cases("perceptron_predict"):
        if case.group == "on_hyperplane":
            w_hat, X_hat = case.args
            assert np.any(np.atleast_2d(X_hat) @ w_hat == 0.0)
    for case in all_cases("distance_to_hyperplane"):
        if case.group == "on_hyperplane":
            assert ref.distance_to_hyperplane(*case.args) == 0.0


def test_all_correct_cases_have_an_empty_misclassified_set_and_general_ones_do_not():
    for case in all_cases("perceptron_gradient"):
        w_hat, X_hat, y = case.args
        empty = np.array_equal(ref.perceptron_predict(w_hat, X_hat), y)
        assert empty == (case.group == "all_correct")


def test_eta_extremes_are_near_0_or_near_1_and_saturated_sigmoids_reach_0_or_1():
    etas = [c.args[0] for c in all_cases("delta_w", seed=5) if c.group == "eta_extremes"]
    etas += [c.args[3] for c in all_cases("perceptron_delta", seed=5) if c.group == "eta_extremes"]
    assert etas and all(eta <= 1e-3 or eta >= 0.99 for eta in etas)
    for case in all_cases("dyhat_dbeta"):
        if case.group == "saturated":
            assert np.all((case.args[0] < 1e-12) | (case.args[0] > 1 - 1e-12))


def test_upstream_arguments_are_the_references():
    for case in all_cases("hidden_gradient"):
        b, w, g = case.args
        assert np.all((b > 0) & (b < 1)) and g.shape == (w.shape[1],)


@pytest.mark.parametrize("student", ["alice", "bob", "carol"])
def test_a_correct_function_never_has_only_public_answers_so_it_is_never_taken_for_hard_coding(
    student,
):
    from autograder.grading.compare import compare
    from autograder.grading.scoring import public_answers

    for item_id, item in ITEMS.items():
        public = public_answers(item)
        seed = cases.item_seed(COURSE.base_seed, COURSE.id, item.assignment, student, item_id)
        answers = [item.reference(*case.arguments()) for case in cases.generate(item, seed)]
        assert not all(
            any(compare(p, a, item.tolerance) is None for p in public) for a in answers
        ), item_id


def test_the_public_self_check_arguments_are_never_hidden_cases():
    for item_id, record in RECORDS.items():
        public = [
            np.concatenate([a.ravel() for a in arrays(tuple(args))])
            for args in record.public_cases
            if arrays(tuple(args))
        ]
        for case in all_cases(item_id):
            hidden = arrays(case.args)
            if hidden:
                flat = np.concatenate([a.ravel() for a in hidden])
                assert not any(p.shape == flat.shape and np.array_equal(p, flat) for p in public), (
                    item_id
                )

"""What the perceptron notebook's text says, checked against numbers: the capstone's logic gates,
trained by the notebook in floating point and here in exact arithmetic, end where the text says
they do; sgn(0) = 1 and the gradient at a kink are what the reference computes."""

import inspect
from fractions import Fraction

import nbformat
import numpy as np
import pytest
from notebooks import notebook_path

from autograder import student_module
from source_impl import augment, perceptron_gradient, perceptron_predict

SEPARABLE = ["AND", "OR", "NOT"]
GATES = [*SEPARABLE, "XOR"]


@pytest.fixture(scope="module")
def notebook():
    """The solution notebook's definitions: its functions, gates, learning rate and start."""
    loader = student_module("notebook_functions")
    namespace, problems = loader.load_functions(notebook_path("solutions", "perceptron"))
    assert not problems
    return namespace


def capstone_text():
    cells = nbformat.read(notebook_path("assignments", "perceptron"), as_version=4).cells
    return next(c.source for c in cells if c.source.startswith("## 7 "))


def dot(u, v):
    return sum(a * b for a, b in zip(u, v))


def exact_training(X, y, w_hat0, eta, max_epochs):
    """source_impl's train_perceptron in exact arithmetic: in order, sgn(0) = 1, ŵ ← ŵ + η(y − ŷ)x̂
    on each mistake, stop after a pass without one. Returns ŵ, the mistakes per pass and every ŵ met."""
    w_hat, mistakes_per_epoch, visited = [Fraction(v) for v in w_hat0], [], []
    for _ in range(max_epochs):
        mistakes = 0
        for x, label in zip(X, y):
            x_hat = [Fraction(v) for v in x] + [Fraction(1)]
            y_hat = int(dot(w_hat, x_hat) >= 0)
            if y_hat != label:
                w_hat = [w + eta * (label - y_hat) * v for w, v in zip(w_hat, x_hat)]
                visited.append(tuple(w_hat))
                mistakes += 1
        mistakes_per_epoch.append(mistakes)
        if mistakes == 0:
            break
    return w_hat, mistakes_per_epoch, visited


def capstone_run(notebook, gate, w_hat0=None, eta=None):
    """The capstone's run of a gate in exact arithmetic, from its start and η unless told otherwise."""
    X, y = notebook["GATES"][gate]
    eta = Fraction(notebook["ETA"]) if eta is None else eta
    w_hat0 = [Fraction(v) for v in notebook["start"](X.shape[1])] if w_hat0 is None else w_hat0
    max_epochs = inspect.signature(notebook["learn_gates"]).parameters["max_epochs"].default
    return exact_training(X.tolist(), y.tolist(), w_hat0, eta, max_epochs)


def margins(notebook, gate, w_hat):
    X, _ = notebook["GATES"][gate]
    return [dot(w_hat, [Fraction(v) for v in x] + [1]) for x in X.tolist()]


@pytest.mark.parametrize("gate", GATES)
def test_the_notebooks_float_run_of_each_gate_is_its_exact_run(notebook, gate):
    w_hat, mistakes = notebook["learn_gates"]()[gate]
    exact_w_hat, exact_mistakes, _ = capstone_run(notebook, gate)
    assert [Fraction(v) for v in w_hat] == exact_w_hat  # Fraction(float) is the float's exact value
    assert mistakes == exact_mistakes


@pytest.mark.parametrize("gate", SEPARABLE)
def test_each_separable_gate_converges_with_every_sample_eta_over_2_off_its_boundary(
    notebook, gate
):
    w_hat, mistakes, _ = capstone_run(notebook, gate)
    eta = Fraction(notebook["ETA"])
    assert mistakes[-1] == 0
    _, y = notebook["GATES"][gate]
    for z, label in zip(margins(notebook, gate, w_hat), y.tolist()):
        assert abs(z) >= eta / 2 > 0 and int(z > 0) == label


@pytest.mark.parametrize("gate", GATES)
def test_from_zero_eta_only_rescales_the_run(notebook, gate):
    n = notebook["GATES"][gate][0].shape[1] + 1
    unit, unit_mistakes, _ = capstone_run(notebook, gate, [Fraction(0)] * n, Fraction(1))
    for eta in (Fraction(1, 10), Fraction(1, 2)):
        w_hat, mistakes, _ = capstone_run(notebook, gate, [Fraction(0)] * n, eta)
        assert w_hat == [eta * v for v in unit] and mistakes == unit_mistakes


@pytest.mark.parametrize("gate", SEPARABLE)
def test_from_zero_each_separable_gate_ends_with_a_sample_on_its_boundary(notebook, gate):
    n = notebook["GATES"][gate][0].shape[1] + 1
    w_hat, mistakes, _ = capstone_run(notebook, gate, [Fraction(0)] * n)
    assert mistakes[-1] == 0 and 0 in margins(notebook, gate, w_hat)


@pytest.mark.parametrize("gate", GATES)
def test_the_bias_started_at_eta_over_2_makes_the_decisions_of_the_run_from_zero(notebook, gate):
    n = notebook["GATES"][gate][0].shape[1] + 1
    eta = Fraction(notebook["ETA"])
    assert notebook["start"](n - 1).tolist() == [0] * (n - 1) + [eta / 2]
    from_zero, zero_mistakes, _ = capstone_run(notebook, gate, [Fraction(0)] * n)
    w_hat, mistakes, _ = capstone_run(notebook, gate)
    assert mistakes == zero_mistakes
    assert w_hat == from_zero[:-1] + [from_zero[-1] + eta / 2]


def test_xor_makes_mistakes_in_every_pass_and_its_weights_cycle(notebook):
    _, mistakes, visited = capstone_run(notebook, "XOR")
    assert min(mistakes) > 0
    assert len(set(visited)) < len(visited) / 10  # a few values, met again and again


def test_the_capstones_text_names_the_eta_and_the_start_that_its_code_uses(notebook):
    text = capstone_text()
    assert rf"\eta = {notebook['ETA']:g}" in text
    assert r"\hat{\boldsymbol{w}}_0 = (0, \dots, 0, \eta/2)" in text


def test_the_books_and_puts_1_1_on_its_hyperplane_and_sgn_0_makes_it_class_1(notebook):
    w_hat = np.array(notebook["BOOK_WEIGHTS"]["AND"], dtype=float)
    x_hat = augment([1.0, 1.0])
    assert w_hat @ x_hat == 0 and perceptron_predict(w_hat, x_hat) == 1
    assert r"\operatorname{sgn}(0) = 1" in capstone_text()


@pytest.mark.parametrize("label", [0, 1])
def test_at_a_kink_the_gradient_is_the_one_on_the_side_where_w_x_is_positive(label):
    # the text: on the hyperplane sgn(0) = 1 still sets ŷ and M, which gives that side's gradient
    X_hat = augment(np.array([[1.0, 1.0], [3.0, 0.0]]))
    y = np.array([label, 1])
    w_hat = np.array([1.0, 1.0, -2.0])  # the first sample is on the hyperplane, the second is not
    assert w_hat @ X_hat[0] == 0 and w_hat @ X_hat[1] > 0
    positive_side = w_hat + 1e-3 * X_hat[0]
    np.testing.assert_array_equal(
        perceptron_gradient(w_hat, X_hat, y), perceptron_gradient(positive_side, X_hat, y)
    )

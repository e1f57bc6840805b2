"""The closed-form scan of the release (tests/closed_forms.py) finds an answer however it is
spelt, in LaTeX, Unicode prose or NumPy code, and leaves alone what a notebook must say."""

import pytest
from closed_forms import closed_forms_in

# what the kit's own files have been seen to write, and the code a student's file could hold
STATED = [
    ("signed = float((w @ x0 + b) / norm)", "distance_to_hyperplane"),
    ("(w @ x0 + b) / np.linalg.norm(w)", "distance_to_hyperplane"),
    ("abs(np.dot(w, x0) + b) / np.sqrt(w @ w)", "distance_to_hyperplane"),
    (
        r"\frac{|\boldsymbol{w}^\mathrm{T}\boldsymbol{x}_0 + b|}{\|\boldsymbol{w}\|_2}",
        "distance_to_hyperplane",
    ),
    ("|wᵀx₀ + b| / ‖w‖₂", "distance_to_hyperplane"),
    ("predicted = (X @ w + b >= 0).astype(int)", "perceptron_predict"),
    ('"$w^{\\\\top}x + b \\\\geq 0$\\npredicted class 1"', "perceptron_predict"),
    ("(X_hat @ w_hat >= 0).astype(int)", "perceptron_predict"),
    ("np.sign(X_hat @ w_hat)", "perceptron_predict"),
    ("np.hstack([X, np.ones((X.shape[0], 1))])", "augment"),
    ("y_hat * (1 - y_hat)", "dyhat_dbeta"),
    (r"\hat{y}_j(1 - \hat{y}_j)", "dyhat_dbeta"),
    ("b * (1 - b) * (w @ g)", "hidden_gradient"),
    ("eta * np.outer(b, g)", "delta_w"),
    ("eta * np.outer(x, e)", "delta_v"),
    ("return -eta * g", "delta_theta"),
    ("(y_hat[M] - y[M]) @ X_hat[M]", "perceptron_gradient"),
]


@pytest.mark.parametrize("text, item", STATED)
def test_a_closed_form_is_found_in_code_however_it_is_spelt(text, item):
    assert item in closed_forms_in(text, code=True)


# what a notebook says to set the task: the model, the hyperplane, the sign convention
SAID = [
    r"f(\boldsymbol{x}) = \operatorname{sgn}(\boldsymbol{w}^\mathrm{T}\boldsymbol{x} + b)",
    r"感知机把 $\boldsymbol{w}^\mathrm{T}\boldsymbol{x} + b \geq 0$ 的一侧判为 1 类",
    "the hyperplane S: wᵀx + b = 0, with sgn(z) = 1 if z ≥ 0 else 0",
    r"$\hat{\boldsymbol{x}} = (\boldsymbol{x}; 1)$",
    "x0 : array, shape (n,); returns a float, ≥ 0",
]


@pytest.mark.parametrize("text", SAID)
def test_the_task_is_no_closed_form_in_prose(text):
    assert not closed_forms_in(text)


def test_the_model_in_code_is_the_predictions_closed_form():
    assert "perceptron_predict" in closed_forms_in("z = w @ x + b >= 0", code=True)
    assert not closed_forms_in("z = w @ x + b >= 0")

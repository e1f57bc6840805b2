"""The drawings in the students' notebooks: each shows what it says it shows, in Chinese and in
English, renders to PNG without a warning (no glyph missing), and student/figures.py stays a
standalone file that computes no graded quantity: what it shows of one, it asks the student's
functions for."""

import ast
import logging
import re
import sys
import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from closed_forms import closed_forms_in  # noqa: E402
from matplotlib.patches import Circle  # noqa: E402
from matplotlib.text import (
    Annotation,  # noqa: E402
    Text,  # noqa: E402
)
from notebooks import ROOT  # noqa: E402

import source_impl as ref  # noqa: E402
from autograder import student_module  # noqa: E402

SOURCE = ROOT / "student" / "figures.py"


figures = student_module("figures")


@pytest.fixture(autouse=True)
def no_figure_left_open():
    yield
    left = plt.get_fignums()
    plt.close("all")
    assert not left, f"a test left figures {left} open"


def saved(fig, path):
    """Save fig as a PNG with every warning an error, close it, and return the file's bytes."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            fig.savefig(path, dpi=60)
    finally:
        plt.close(fig)
    assert not plt.fignum_exists(fig.number)
    content = path.read_bytes()
    assert content.startswith(b"\x89PNG\r\n\x1a\n") and len(content) > 5000
    return content


def texts(ax, gid=None):
    return [t for t in ax.texts if gid is None or t.get_gid() == gid]


def strings(ax):
    return [t.get_text() for t in ax.texts]


# --- the network ---------------------------------------------------------------------------


def unit_circles(ax):
    return [p for p in ax.patches if isinstance(p, Circle)]


def test_the_network_has_a_circle_per_unit_and_a_line_per_connection_and_renders_to_png(tmp_path):
    fig = figures.draw_network(3, 4, 2)
    ax = fig.axes[0]
    assert len(unit_circles(ax)) == 3 + 4 + 2
    assert len(ax.lines) == 3 * 4 + 4 * 2
    rows = sorted({round(c.center[1], 6) for c in unit_circles(ax)})
    spans = sorted(
        (round(min(line.get_ydata()), 1), round(max(line.get_ydata()), 1)) for line in ax.lines
    )
    assert spans.count(spans[0]) == 12 and spans.count(spans[-1]) == 8, (
        "12 input→hidden, 8 hidden→output lines"
    )
    assert spans[0][0] > rows[0] and spans[-1][1] < rows[2], (
        "lines run between the layers, bottom to top"
    )
    labels = set(strings(ax))
    for unit in ("$x_{1}$", "$x_{3}$", "$b_{1}$", "$b_{4}$", r"$\hat{y}_{1}$", r"$\hat{y}_{2}$"):
        assert unit in labels
    saved(fig, tmp_path / "network.png")


def on_segment(point, line):
    (x1, x2), (y1, y2) = line.get_xdata(), line.get_ydata()
    cross = (x2 - x1) * (point[1] - y1) - (y2 - y1) * (point[0] - x1)
    return abs(cross) < 1e-9 and min(y1, y2) <= point[1] <= max(y1, y2)


def test_the_network_labels_one_edge_v_ih_and_one_w_hj_on_highlighted_lines_between_the_right_layers():
    fig = figures.draw_network(3, 4, 2)
    ax = fig.axes[0]
    rows = sorted({c.center[1] for c in unit_circles(ax)})
    highlighted = [line for line in ax.lines if line.get_linewidth() > 1.5]
    assert len(highlighted) == 2
    for symbol, (low, high) in ((r"$v_{ih}$", rows[:2]), (r"$w_{hj}$", rows[1:])):
        [label] = [t for t in ax.texts if t.get_text() == symbol]
        [edge] = [line for line in highlighted if on_segment(label.get_position(), line)]
        assert low < min(edge.get_ydata()) < max(edge.get_ydata()) < high
    plt.close(fig)


def test_the_network_shows_the_thresholds_net_inputs_and_shapes():
    fig = figures.draw_network(3, 4, 2)
    joined = "\n".join(strings(fig.axes[0]))
    plt.close(fig)
    for h in range(1, 5):
        assert rf"$\gamma_{{{h}}}$" in joined
    for j in (1, 2):
        assert rf"$\theta_{{{j}}}$" in joined
    assert (
        r"\alpha_h = \sum_{i=1}^{d} v_{ih}" in joined
        and r"\beta_j = \sum_{h=1}^{q} w_{hj}" in joined
    )
    for shape in (
        r"$v$: $(d, q) = (3, 4)$",
        r"$\gamma$: $(q,) = (4,)$",
        r"$w$: $(q, l) = (4, 2)$",
        r"$\theta$: $(l,) = (2,)$",
    ):
        assert shape in joined


def test_a_wide_layer_shows_its_first_and_last_units_around_dots():
    fig = figures.draw_network(20, 8, 1)
    ax = fig.axes[0]
    labels = strings(ax)
    plt.close(fig)
    assert len(unit_circles(ax)) == 4 + 4 + 1
    assert len(ax.lines) == 4 * 4 + 4 * 1
    assert labels.count(r"$\cdots$") == 2
    assert {
        "$x_{1}$",
        "$x_{2}$",
        "$x_{19}$",
        "$x_{20}$",
        "$b_{1}$",
        "$b_{8}$",
        r"$\hat{y}_{1}$",
    } <= set(labels)
    assert not any(re.fullmatch(r"\$x_\{(1[0-8]|[3-9])\}\$", label) for label in labels), (
        "x_3 ... x_18 are the dots"
    )


def test_a_layer_of_five_is_drawn_whole():
    fig = figures.draw_network(5, 5, 5)
    ax = fig.axes[0]
    plt.close(fig)
    assert len(unit_circles(ax)) == 15 and r"$\cdots$" not in strings(ax)


@pytest.mark.parametrize("sizes", [(0, 4, 2), (3, 2.5, 2), (3, 4, -1)])
def test_a_network_needs_whole_positive_sizes(sizes):
    with pytest.raises(ValueError, match="positive whole number of units"):
        figures.draw_network(*sizes)


# --- the dependencies ----------------------------------------------------------------------

SYMBOLS = [
    r"v_{ih}",
    r"x_i",
    r"\alpha_h",
    r"\gamma_h",
    r"b_h",
    r"w_{hj}",
    r"\beta_j",
    r"\theta_j",
    r"\hat{y}_j",
    r"y_j",
    r"E_k",
]
DEPENDS = [  # (what, on what)
    (r"\alpha_h", r"v_{ih}"),
    (r"\alpha_h", r"x_i"),
    (r"b_h", r"\alpha_h"),
    (r"b_h", r"\gamma_h"),
    (r"\beta_j", r"b_h"),
    (r"\beta_j", r"w_{hj}"),
    (r"\hat{y}_j", r"\beta_j"),
    (r"\hat{y}_j", r"\theta_j"),
    (r"E_k", r"\hat{y}_j"),
    (r"E_k", r"y_j"),
]


def test_the_dependency_diagram_has_one_node_per_symbol_and_an_arrow_per_dependency():
    fig = figures.draw_dependencies()
    ax = fig.axes[0]
    plt.close(fig)
    nodes = [t for t in texts(ax, "node")]
    assert sorted(t.get_text().strip("$") for t in nodes) == sorted(SYMBOLS)
    at = {tuple(np.round(t.get_position(), 6)): t.get_text().strip("$") for t in nodes}
    arrows = [t for t in ax.texts if isinstance(t, Annotation) and t.arrow_patch is not None]
    found = sorted((at[tuple(np.round(a.xy, 6))], at[tuple(np.round(a.xyann, 6))]) for a in arrows)
    assert found == sorted(DEPENDS)


def test_each_arrow_is_labelled_with_the_name_of_its_partial_derivative_and_no_value():
    fig = figures.draw_dependencies()
    ax = fig.axes[0]
    plt.close(fig)
    labels = texts(ax, "edge label")
    assert len(labels) == len(DEPENDS)
    for arrow in [t for t in ax.texts if isinstance(t, Annotation) and t.arrow_patch is not None]:
        middle = (np.array(arrow.xy) + np.array(arrow.xyann)) / 2
        [label] = [t for t in labels if np.hypot(*(np.array(t.get_position()) - middle)) < 0.3]
        top, bottom = label.get_text().strip("$").split("/")
        on = {
            tuple(np.round(t.get_position(), 6)): t.get_text().strip("$") for t in texts(ax, "node")
        }
        assert top.strip() == rf"\partial {on[tuple(np.round(arrow.xy, 6))]}"
        assert bottom.strip() == rf"\partial {on[tuple(np.round(arrow.xyann, 6))]}"
        assert "=" not in label.get_text()


def test_the_diagram_says_b_h_reaches_E_k_through_every_output():
    fig = figures.draw_dependencies()
    joined = "\n".join(strings(fig.axes[0]))
    plt.close(fig)
    assert "Σⱼ" in joined and "every βⱼ" in joined and "j = 1, …, l" in joined


# --- the perceptron's geometry -------------------------------------------------------------

W, B = np.array([1.0, -2.0]), 0.5
X = np.array([[2.0, 0.0], [0.0, 2.0], [0.0, -1.0], [1.5, 1.0], [-1.0, 0.5], [1.5, 1.0]])
#            wᵀx + b:  2.5        -3.5       2.5        0.0         -1.5        0.0
# misclassified: 2 (class-1 side, label 0), 4 (0 side, 1), 5 (on the line: 1)
Y = np.array([1, 0, 0, 1, 1, 0])


YOURS = dict(
    augment=ref.augment, predict=ref.perceptron_predict, distance=ref.distance_to_hyperplane
)


def unfinished(*args):
    raise NotImplementedError()


def annotation(ax, gid):
    [found] = [t for t in ax.texts if t.get_gid() == gid]
    return found


def gids(ax):
    return {artist.get_gid() for artist in ax.get_children()} - {None}


def test_the_normal_arrow_starts_on_the_line_and_points_along_w():
    fig = figures.draw_perceptron_geometry(W, B, X, Y)
    ax = fig.axes[0]
    plt.close(fig)
    arrow = annotation(ax, "normal")
    base, tip = np.array(arrow.xyann), np.array(arrow.xy)
    assert abs(W @ base + B) < 1e-9, "the arrow starts on the line"
    direction = tip - base
    assert abs(direction[0] * W[1] - direction[1] * W[0]) < 1e-9 and direction @ W > 0, (
        "it points along w"
    )


def test_without_your_functions_nothing_graded_is_drawn_and_the_title_says_what_awaits_them():
    for yours in ({}, dict(augment=unfinished, predict=unfinished, distance=unfinished)):
        fig = figures.draw_perceptron_geometry(W, B, X, Y, **yours)
        ax = fig.axes[0]
        plt.close(fig)
        assert not gids(ax) & {"predicted class 1", "misclassified", "distance", "distance label"}
        title = ax.get_title()
        assert "augment" in title and "perceptron_predict" in title
        assert "distance_to_hyperplane" in title


def shaded_class_1(ax):
    """The grid points under the shaded pixels, and the points under the clear ones."""
    [image] = [i for i in ax.images if i.get_gid() == "predicted class 1"]
    left, right, bottom, top = image.get_extent()
    rows, columns = image.get_array().shape[:2]
    xs, ys = np.meshgrid(np.linspace(left, right, columns), np.linspace(bottom, top, rows))
    shaded = image.get_array()[..., 3] > 0
    return np.column_stack([xs[shaded], ys[shaded]]), np.column_stack([xs[~shaded], ys[~shaded]])


def test_the_shaded_side_is_where_your_perceptron_predict_says_class_1():
    fig = figures.draw_perceptron_geometry(W, B, X, Y, **YOURS)
    ax = fig.axes[0]
    plt.close(fig)
    inside, outside = shaded_class_1(ax)
    assert len(inside) and len(outside)
    assert np.all(inside @ W + B >= 0) and np.all(outside @ W + B < 0)
    tip = np.array(annotation(ax, "normal").xy)
    assert W @ tip + B > 0, "w points into the shaded side"


def test_the_shading_and_the_marks_follow_your_function_even_when_it_is_wrong():
    everything_1 = lambda w_hat, X_hat: np.ones(len(X_hat), int)  # noqa: E731
    fig = figures.draw_perceptron_geometry(W, B, X, Y, augment=ref.augment, predict=everything_1)
    ax = fig.axes[0]
    plt.close(fig)
    inside, outside = shaded_class_1(ax)
    assert len(outside) == 0
    [marks] = [c for c in ax.collections if c.get_gid() == "misclassified"]
    assert np.array_equal(marks.get_offsets(), X[Y == 0])


def test_the_marked_samples_are_the_misclassified_ones_with_sgn_0_equal_to_1():
    fig = figures.draw_perceptron_geometry(W, B, X, Y, **YOURS)
    [marks] = [c for c in fig.axes[0].collections if c.get_gid() == "misclassified"]
    plt.close(fig)
    assert np.array_equal(marks.get_offsets(), X[[2, 4, 5]])


def distance_shown(ax):
    text = annotation(ax, "distance label").get_text().replace("\N{MINUS SIGN}", "-")
    return float(re.fullmatch(r"距离 · distance (-?\d+\.\d\d)", text).group(1))


@pytest.mark.parametrize(
    "point, x0", [(None, X[2]), (4, X[4]), (np.array([-1.0, 1.0]), np.array([-1.0, 1.0]))]
)
def test_the_distance_shown_is_your_functions_for_the_chosen_point_on_a_segment_to_the_line(
    point, x0
):
    asked = []

    def distance(w, b, x):
        asked.append((w, b, x))
        return 1.234

    fig = figures.draw_perceptron_geometry(
        W, B, X, Y, **(YOURS | dict(distance=distance)), point=point
    )
    ax = fig.axes[0]
    plt.close(fig)
    [(w, b, x)] = asked
    assert np.array_equal(w, W) and b == B and np.array_equal(x, x0)
    assert distance_shown(ax) == 1.23
    [segment] = [line for line in ax.lines if line.get_gid() == "distance"]
    ends = np.column_stack([segment.get_xdata(), segment.get_ydata()])
    assert np.allclose(ends[0], x0) and abs(W @ ends[1] + B) < 1e-9
    along = np.array([-W[1], W[0]])
    assert abs((ends[0] - ends[1]) @ along) < 1e-9, "the segment is perpendicular to the line"


def test_nothing_is_marked_when_every_sample_is_on_its_side():
    fig = figures.draw_perceptron_geometry(W, B, X[:2], Y[:2], **YOURS)
    ax = fig.axes[0]
    plt.close(fig)
    assert not [c for c in ax.collections if c.get_gid() == "misclassified"]
    assert distance_shown(ax) == round(2.5 / np.sqrt(5), 2), (
        "the first sample when none is misclassified"
    )


@pytest.mark.parametrize(
    "w, X_bad, message",
    [
        (W, np.zeros((5, 3)), r"X must have shape \(m, 2\).*got shape \(5, 3\)"),
        (W, np.zeros(4), r"got shape \(4,\)"),
        (np.zeros(2), X, "w is the zero vector"),
    ],
)
def test_a_wrong_input_raises_a_value_error_that_names_it(w, X_bad, message):
    with pytest.raises(ValueError, match=message):
        figures.draw_perceptron_geometry(w, B, X_bad, Y)


# --- standard against accumulated BP -------------------------------------------------------


def curves(ax):
    return {line.get_gid(): line for line in ax.lines if line.get_gid()}


def test_standard_bp_is_plotted_at_m_updates_an_epoch_and_accumulated_at_one():
    standard, accumulated, m = np.linspace(0.3, 0.01, 40), np.linspace(0.3, 0.1, 300), 17
    fig = figures.draw_standard_vs_accumulated(standard, accumulated, m)
    [by_update] = [ax for ax in fig.axes if ax.get_xlabel().endswith("updates")]
    [by_epoch] = [ax for ax in fig.axes if "epochs" in ax.get_xlabel()]
    plt.close(fig)
    lines = curves(by_update)
    assert np.array_equal(lines["standard"].get_xdata(), m * np.arange(1, 41))
    assert np.array_equal(lines["accumulated"].get_xdata(), np.arange(1, 301))
    assert np.array_equal(lines["standard"].get_ydata(), standard)
    assert by_update.get_xscale() == "log", "1 to 680 updates"
    lines = curves(by_epoch)
    assert np.array_equal(lines["standard"].get_xdata(), np.arange(1, 41))
    assert np.array_equal(lines["accumulated"].get_xdata(), np.arange(1, 301))
    assert by_update.get_legend() is not None and by_epoch.get_legend() is not None
    # at a common count, both errors as numbers: 17 epochs of standard BP = 289 updates
    assert (
        "289 次更新后 · after 289 updates:\n"
        f"标准 BP · standard E = {standard[16]:.4g}\n累积 BP · accumulated E = {accumulated[288]:.4g}"
        in strings(by_update)
    )
    assert (
        "40 轮后 · after 40 epochs:\n"
        f"标准 BP · standard E = {standard[39]:.4g}\n累积 BP · accumulated E = {accumulated[39]:.4g}"
        in strings(by_epoch)
    )


def test_the_histories_must_be_one_dimensional_and_m_positive():
    with pytest.raises(ValueError, match=r"history_standard must be a 1-D array.*shape \(2, 2\)"):
        figures.draw_standard_vs_accumulated(np.ones((2, 2)), np.ones(3), 4)
    with pytest.raises(ValueError, match="m must be the positive number of samples"):
        figures.draw_standard_vs_accumulated(np.ones(3), np.ones(3), 0)


# --- every figure --------------------------------------------------------------------------

DRAWINGS = {
    "network": lambda ax: figures.draw_network(7, 3, 2, ax=ax),
    "dependencies": lambda ax: figures.draw_dependencies(ax=ax),
    "perceptron": lambda ax: figures.draw_perceptron_geometry(W, B, X, Y, ax=ax, **YOURS),
}


@pytest.mark.parametrize("name", DRAWINGS)
def test_a_drawing_goes_into_the_axes_it_is_given_and_saves_without_a_warning(name, tmp_path):
    fig, ax = plt.subplots()
    assert DRAWINGS[name](ax) is fig
    assert ax.texts and (ax.lines or ax.patches)
    saved(fig, tmp_path / f"{name}.png")


def test_the_error_curves_go_into_the_pair_of_axes_given_and_save_without_a_warning(tmp_path):
    fig, pair = plt.subplots(1, 2)
    assert (
        figures.draw_standard_vs_accumulated(
            np.geomspace(1, 1e-3, 50), np.geomspace(1, 1e-1, 50), 5, ax=pair
        )
        is fig
    )
    assert all(len(ax.lines) >= 2 for ax in pair)
    saved(fig, tmp_path / "curves.png")


EVERY_FIGURE = {
    "network": lambda: figures.draw_network(),
    "wide network": lambda: figures.draw_network(30, 12, 9),
    "dependencies": figures.draw_dependencies,
    "perceptron, no function of yours": lambda: figures.draw_perceptron_geometry(W, B, X, Y),
    "perceptron with yours": lambda: figures.draw_perceptron_geometry(W, B, X, Y, **YOURS),
    "error curves": lambda: figures.draw_standard_vs_accumulated([0.2, 0.1], [0.2, 0.19], 17),
}


@pytest.mark.parametrize("name", EVERY_FIGURE)
def test_a_new_figure_saves_to_png_without_a_warning_and_closes(name, tmp_path):
    saved(EVERY_FIGURE[name](), tmp_path / "figure.png")


@pytest.mark.parametrize("name", EVERY_FIGURE)
def test_drawing_a_figure_misses_no_glyph_and_finds_every_font(name, tmp_path, caplog):
    # a Chinese character that no font of the text has: a Python warning ("Glyph … missing from
    # font(s)"), or a log record when it is inside mathematics; a font family not found: a log record
    with (
        warnings.catch_warnings(record=True) as caught,
        caplog.at_level(logging.INFO, "matplotlib"),
    ):
        warnings.simplefilter("always")
        fig = EVERY_FIGURE[name]()
        fig.savefig(tmp_path / "figure.png", dpi=60)
        plt.close(fig)
    assert not [str(w.message) for w in caught if re.search(r"Glyph .* missing", str(w.message))]
    assert not [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]


CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def words(text):
    """The English words of a text, its mathematics and code names left out."""
    return re.findall(r"\b[A-Za-z]{3,}\b", re.sub(r"\$[^$]*\$|\w*_\w*", "", text))


@pytest.mark.parametrize("name", EVERY_FIGURE)
def test_every_title_label_legend_and_note_is_in_chinese_and_in_english(name):
    fig = EVERY_FIGURE[name]()
    shown = [t.get_text() for t in fig.findobj(Text) if t.get_visible() and t.get_text()]
    plt.close(fig)
    assert any(CJK.search(text) for text in shown)
    for text in shown:
        assert bool(CJK.search(text)) == bool(words(text)), f"one language only: {text!r}"


# --- the source ----------------------------------------------------------------------------

CODE = SOURCE.read_text(encoding="utf-8")


def test_the_file_imports_nothing_but_numpy_matplotlib_and_the_standard_library():
    imported = set()
    for node in ast.walk(ast.parse(CODE)):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add(node.module.split(".")[0])
    assert imported - set(sys.stdlib_module_names) <= {"numpy", "matplotlib"}, imported


def test_the_file_computes_no_graded_quantity_and_states_no_closed_form():
    assert not closed_forms_in(CODE)


@pytest.mark.parametrize(
    "closed_form",
    [
        "(1 -",
        "(1−",
        "(1 −",
        "1 - y_hat",
        "1 - b",
        "η g",
        "eta * g",
        "eta *",
        "y - ŷ",
        "y − ŷ",
        "ŷ - y",
        "ŷ − y",
        r"(y_j - \hat",
        r"(\hat{y}_j - y_j",
        "y - y_hat",
        "y_hat - y",
        "y_j - ",
        r"- \hat{y}",
        r"\Delta",
        "Δ",
        "g_j =",
        "e_h =",
        r"g_j \,",
        "sum_j w_{hj} g",
        r"\eta",
    ],
)
def test_the_file_states_no_closed_form_of_a_graded_quantity(closed_form):
    assert closed_form not in CODE

"""Drawings for the chapter 5 notebooks: the network of Fig. 5.7, what E_k depends on, the
perceptron's geometry, and standard against accumulated BP (exercise 5.5).

    from figures import draw_network
    draw_network(d=3, q=4, l=2)

Every function takes an optional matplotlib Axes `ax` (a new figure is made when it is None)
and returns the figure. Its words are in Chinese and in English; the Chinese glyphs come from
a CJK font found on the machine. The drawings name quantities; they compute none of the graded
ones: what the perceptron's figure shows of one (the predicted side, a distance) comes from the
student's own functions, passed to it. Needs only NumPy and matplotlib. matplotlib is imported
when a figure is drawn, not with this file: the notebooks import it in their first cell, which
also runs while nbgrader grades.
"""

import dataclasses
import functools
import re
from pathlib import Path

import numpy as np

CLASS_COLOURS = ("tab:blue", "tab:orange")  # label 0, label 1
HIGHLIGHT = "tab:red"
MAX_UNITS = 5  # a layer with more units shows the first two, "⋯", the last two
# Fonts with the Chinese glyphs, the first one found drawing them: Linux's, Windows', macOS's
CJK_FONTS = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Heiti SC",
    "Arial Unicode MS",
    "Droid Sans Fallback",
)
# their files, for a font installed after matplotlib made its list of the system's fonts
CJK_FONT_FILES = re.compile(
    r"noto\w*cjk|sourcehan|wqy|msyh|simhei|pingfang|stheiti|arialuni|droidsansfallback", re.I
)
NORMAL_WEIGHT = 400
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def _both(chinese, english, between=" · "):
    """A text in both languages, Chinese first."""
    return f"{chinese}{between}{english}"


@functools.cache
def _font_families():
    """The font families of every text: matplotlib's default, then a CJK font for what it lacks.

    Each glyph is drawn from the first family that has it. A CJK font installed after
    matplotlib listed the system's fonts is added to its list; one that declares a weight other
    than normal is listed at the normal weight too, so that normal text finds it as it is.
    """
    from matplotlib import font_manager

    fonts = font_manager.fontManager
    if not {font.name for font in fonts.ttflist} & set(CJK_FONTS):
        for path in font_manager.findSystemFonts():
            if CJK_FONT_FILES.search(Path(path).name):
                try:
                    fonts.addfont(path)
                except (OSError, RuntimeError):  # a file FreeType cannot read: as if absent
                    continue
    found = [font for name in CJK_FONTS for font in fonts.ttflist if font.name == name]
    if not found:
        return ["sans-serif"]
    cjk = [font for font in found if font.name == found[0].name]
    if all(font_manager.weight_dict.get(font.weight, font.weight) != NORMAL_WEIGHT for font in cjk):
        fonts.ttflist.append(dataclasses.replace(cjk[0], weight=NORMAL_WEIGHT))
    return ["sans-serif", cjk[0].name]


def _in_both_languages(draw):
    """The drawing function draw, each text it makes with Chinese in it set in _font_families.

    Set on the texts, not taken from matplotlib's settings while drawing: the title and the axis
    labels of an Axes given to draw were made before it, with the fonts of that moment.
    """

    @functools.wraps(draw)
    def drawing(*args, **kwargs):
        from matplotlib.text import Text

        fig = draw(*args, **kwargs)
        for text in fig.findobj(Text):
            if CJK.search(text.get_text()):
                text.set_fontfamily(_font_families())
        return fig

    return drawing


def _subplots(*grid, figsize):
    import matplotlib.pyplot as plt

    return plt.subplots(*grid, figsize=figsize, layout="constrained")


def _figure_and_axes(ax, figsize):
    if ax is None:
        fig, ax = _subplots(figsize=figsize)
    return ax.figure, ax


# --- 1. the network of Fig. 5.7 -----------------------------------------------------------


def _slots(n):
    """(unit numbers shown, their x positions, x of the "⋯" or None) for a layer of n units."""
    if n <= MAX_UNITS:
        return list(range(1, n + 1)), np.arange(n) - (n - 1) / 2, None
    return [1, 2, n - 1, n], np.array([-2.0, -1.0, 1.0, 2.0]), 0.0


@_in_both_languages
def draw_network(d=3, q=4, l=2, ax=None):
    """The single-hidden-layer network of Fig. 5.7: inputs at the bottom, outputs on top.

    d, q, l : int, the numbers of input, hidden and output units (each at least 1); a layer of
              more than five units is drawn as its first two units, "⋯", its last two.
    ax      : matplotlib Axes or None
    returns the matplotlib Figure

    One circle per unit shown and one line per connection between shown units; the edges
    v_ih (input i to hidden h) and w_hj (hidden h to output j) are highlighted, the thresholds
    γ_h and θ_j sit beside their units, and the net inputs (5.3) and the parameters' shapes
    v (d, q), γ (q,), w (q, l), θ (l,) are written beside the layers.
    """
    from matplotlib.patches import Circle

    for name, n in (("d", d), ("q", q), ("l", l)):
        if int(n) != n or n < 1:
            raise ValueError(f"{name} must be a positive whole number of units, got {n!r}")
    fig, ax = _figure_and_axes(ax, (9, 4.6))
    radius, rows = 0.24, (0.0, 1.7, 3.4)
    layers = [
        (_both("输入层", "input layer", "\n"), "x_{%d}", d, rows[0]),
        (_both("隐层", "hidden layer", "\n"), "b_{%d}", q, rows[1]),
        (_both("输出层", "output layer", "\n"), r"\hat{y}_{%d}", l, rows[2]),
    ]
    shown = [_slots(n) for _, _, n, _ in layers]
    half_width = max(np.max(np.abs(xs)) for _, xs, _ in shown) + 0.6

    # the highlighted path: input i -> hidden h -> output j
    i, h, j = min(1, len(shown[0][0]) - 1), len(shown[1][0]) - 1, 0
    highlighted = {(0, i, h): r"$v_{ih}$", (1, h, j): r"$w_{hj}$"}
    for k in (0, 1):
        (_, xs_low, _), (_, xs_high, _) = shown[k], shown[k + 1]
        for a, x_low in enumerate(xs_low):
            for c, x_high in enumerate(xs_high):
                label = highlighted.get((k, a, c))
                ax.plot(
                    [x_low, x_high],
                    [rows[k] + radius, rows[k + 1] - radius],
                    color=HIGHLIGHT if label else "0.6",
                    linewidth=2.2 if label else 0.8,
                    zorder=2 if label else 1,
                    gid="connection",
                )
                if label:
                    share = 0.35  # of the way up the edge
                    x = x_low + share * (x_high - x_low)
                    y = rows[k] + radius + share * (rows[k + 1] - rows[k] - 2 * radius)
                    ax.text(
                        x,
                        y,
                        label,
                        color=HIGHLIGHT,
                        fontsize=12,
                        ha="center",
                        va="center",
                        bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none"),
                        zorder=5,
                    )

    thresholds = {1: r"\gamma_{%d}", 2: r"\theta_{%d}"}
    for k, ((name, symbol, _, y), (numbers, xs, dots)) in enumerate(zip(layers, shown)):
        for number, x in zip(numbers, xs):
            ax.add_patch(Circle((x, y), radius, facecolor="white", edgecolor="black", zorder=3))
            ax.text(x, y, f"${symbol % number}$", ha="center", va="center", fontsize=10, zorder=4)
            if k in thresholds:
                ax.text(
                    x + radius * 1.05,
                    y + radius * 1.05,
                    f"${thresholds[k] % number}$",
                    fontsize=8,
                    color="tab:purple",
                    ha="left",
                    va="bottom",
                    zorder=4,
                    bbox=dict(boxstyle="square,pad=0.05", fc="white", ec="none", alpha=0.8),
                )
        if dots is not None:
            ax.text(dots, y, r"$\cdots$", ha="center", va="center", fontsize=14, zorder=4)
        ax.text(-half_width, y, name, ha="right", va="center", fontsize=10)

    right = half_width
    notes = [
        (rows[0], rf"$x$: $(d,) = ({d},)$"),
        ((rows[0] + rows[1]) / 2, rf"$v$: $(d, q) = ({d}, {q})$"),
        (rows[1], rf"$\alpha_h = \sum_{{i=1}}^{{d}} v_{{ih}}\, x_i$,   $\gamma$: $(q,) = ({q},)$"),
        ((rows[1] + rows[2]) / 2, rf"$w$: $(q, l) = ({q}, {l})$"),
        (rows[2], rf"$\beta_j = \sum_{{h=1}}^{{q}} w_{{hj}}\, b_h$,   $\theta$: $(l,) = ({l},)$"),
    ]
    for y, text in notes:
        ax.text(right, y, text, ha="left", va="center", fontsize=10)
    ax.text(
        0,
        rows[2] + 0.75,
        _both(
            "阈值：隐层单元 h 的 γₕ，输出单元 j 的 θⱼ",
            "thresholds: γₕ at hidden unit h, θⱼ at output unit j",
            "\n",
        ),
        ha="center",
        fontsize=9,
        color="tab:purple",
    )
    ax.set_xlim(-half_width - 2.2, right + 4.6)
    ax.set_ylim(rows[0] - 0.6, rows[2] + 1.3)
    ax.set_aspect("equal")
    ax.axis("off")
    return fig


# --- 2. what E_k depends on ---------------------------------------------------------------

# symbol: (position, kind); kinds: a parameter to learn, data, a computed quantity, the error
NODES = {
    r"v_{ih}": ((0.6, 1.1), "parameter"),
    r"x_i": ((0.6, -1.1), "data"),
    r"\alpha_h": ((1.5, 0.0), "computed"),
    r"\gamma_h": ((2.3, 1.1), "parameter"),
    r"b_h": ((3.0, 0.0), "computed"),
    r"w_{hj}": ((4.0, 1.1), "parameter"),
    r"\beta_j": ((4.8, 0.0), "computed"),
    r"\theta_j": ((5.6, 1.1), "parameter"),
    r"\hat{y}_j": ((6.4, 0.0), "computed"),
    r"y_j": ((7.2, -1.1), "data"),
    r"E_k": ((8.5, 0.0), "error"),
}
# (from, to): "to" is computed from "from"
DEPENDENCIES = [
    (r"v_{ih}", r"\alpha_h"),
    (r"x_i", r"\alpha_h"),
    (r"\alpha_h", r"b_h"),
    (r"\gamma_h", r"b_h"),
    (r"b_h", r"\beta_j"),
    (r"w_{hj}", r"\beta_j"),
    (r"\beta_j", r"\hat{y}_j"),
    (r"\theta_j", r"\hat{y}_j"),
    (r"\hat{y}_j", r"E_k"),
    (r"y_j", r"E_k"),
]
NODE_COLOURS = {"parameter": "#fde0dd", "data": "#eeeeee", "computed": "white", "error": "#deebf7"}


@_in_both_languages
def draw_dependencies(ax=None):
    """How the error E_k (5.4) of one sample depends on each parameter, through (5.3).

    ax : matplotlib Axes or None
    returns the matplotlib Figure

    One node per quantity (parameters shaded red, data grey), one arrow per dependency, each
    labelled with the name of its partial derivative. The nodes indexed by j sit on a plate that
    stands for every output j = 1, ..., l: b_h reaches E_k through every β_j, hence a sum over j.
    """
    from matplotlib.patches import Rectangle

    fig, ax = _figure_and_axes(ax, (10, 4.2))
    for symbol, ((x, y), kind) in NODES.items():
        ax.text(
            x,
            y,
            f"${symbol}$",
            ha="center",
            va="center",
            fontsize=14,
            zorder=3,
            gid="node",
            bbox=dict(boxstyle="round,pad=0.4", fc=NODE_COLOURS[kind], ec="black"),
        )
    for source, target in DEPENDENCIES:
        (xs, ys), (xt, yt) = NODES[source][0], NODES[target][0]
        ax.annotate(
            "",
            xy=(xt, yt),
            xytext=(xs, ys),
            gid="edge",
            arrowprops=dict(arrowstyle="-|>", color="0.25", shrinkA=17, shrinkB=17, linewidth=1.2),
        )
        label = rf"$\partial {target} / \partial {source}$"
        xm, ym = (xs + xt) / 2, (ys + yt) / 2
        if ys == yt:  # along the chain: below the arrow
            ax.text(xm, ym - 0.22, label, ha="center", va="top", fontsize=9, gid="edge label")
        else:  # a parameter above: left of the arrow; data below: right of it
            above = ys > yt
            ax.text(
                xm - 0.08 if above else xm + 0.08,
                ym,
                label,
                ha="right" if above else "left",
                va="center",
                fontsize=9,
                gid="edge label",
                bbox=dict(boxstyle="square,pad=0.05", fc="white", ec="none", alpha=0.85),
            )
    ax.add_patch(
        Rectangle(
            (3.55, -1.6), 4.2, 3.2, fill=False, linestyle="--", edgecolor="tab:blue", zorder=0
        )
    )
    ax.text(
        7.7,
        -1.52,
        _both("每个输出 j = 1, …, l", "every output j = 1, …, l"),
        ha="right",
        va="bottom",
        fontsize=9,
        color="tab:blue",
    )
    ax.text(
        2.45,
        -1.05,
        _both("Σⱼ：bₕ 经过每个 βⱼ\n影响 Eₖ", "Σⱼ: bₕ reaches Eₖ\nthrough every βⱼ", "\n"),
        ha="center",
        va="center",
        fontsize=9,
        color="tab:blue",
    )
    kinds = _both(
        "红色：BP 学习的参数；灰色：样本 (x, y)",
        "red: the parameters BP learns; grey: the sample (x, y)",
        "\n",
    )
    ax.text(4.5, 1.8, kinds, ha="center", va="bottom", fontsize=9)
    ax.set_xlim(-0.3, 9.1)
    ax.set_ylim(-1.8, 2.6)
    ax.set_aspect("equal")
    ax.axis("off")
    return fig


# --- 3. the perceptron's geometry ---------------------------------------------------------

GRID = 200  # points a side of the grid on which the predicted side is shaded


def _validated(w, b, X, y):
    X = np.asarray(X, float)
    if X.ndim != 2 or X.shape[1] != 2 or X.shape[0] == 0:
        raise ValueError(
            f"X must have shape (m, 2) with m >= 1 (2-D samples, one a row), got shape {X.shape}"
        )
    w = np.asarray(w, float)
    if w.shape != (2,):
        raise ValueError(f"w must have shape (2,), got shape {w.shape}")
    if not np.any(w):
        raise ValueError(
            "w is the zero vector: w^T x + b = 0 is then no line, and w has no direction"
        )
    y = np.asarray(y)
    if y.shape != (X.shape[0],) or not np.all((y == 0) | (y == 1)):
        raise ValueError(
            f"y must hold the labels 0/1 with shape ({X.shape[0]},), got shape {y.shape}"
        )
    return w, float(b), X, y.astype(int)


def _line(w, b):
    """A point of the line wᵀx + b = 0, on the axis of w's larger entry, and the line's unit direction."""
    k = int(np.argmax(np.abs(w)))
    point = np.zeros(2)
    point[k] = -b / w[k]
    return point, np.array([-w[1], w[0]]) / np.linalg.norm(w)


def _on_line(x, point, along):
    """The orthogonal projection of the point x on the line through point along the unit vector along."""
    return point + ((x - point) @ along) * along


def _yours(function, *args):
    """function(*args), function being the student's; None if it is not given or not written yet."""
    if function is None:
        return None
    try:
        return function(*args)
    except NotImplementedError:
        return None


def _predicted(augment, predict, w, b, points):
    """The student's perceptron_predict's labels (k,) of the points (k, 2), or None."""
    points_hat = _yours(augment, points)
    if points_hat is None:
        return None
    labels = _yours(predict, np.append(w, b), points_hat)
    return None if labels is None else np.asarray(labels).reshape(len(points))


@_in_both_languages
def draw_perceptron_geometry(
    w, b, X, y, ax=None, point=None, augment=None, predict=None, distance=None
):
    """The hyperplane wᵀx + b = 0 of a perceptron on 2-D data and its normal w; with your
    functions, the side they predict as class 1, the samples they misclassify and a distance.

    w        : array, shape (2,), not zero;  b : float
    X        : array, shape (m, 2), the samples;  y : array, shape (m,), their labels 0/1
    ax       : matplotlib Axes or None
    point    : an index into X, or a point of shape (2,), whose distance is shown; by default
               the first sample that your functions misclassify, else the first sample
    augment, predict : your augment and perceptron_predict: the side where they predict
               class 1 is shaded and the samples they misclassify are circled in red
    distance : your distance_to_hyperplane: the point is joined to the line by a dashed
               segment labelled with the distance your function gives
    returns the matplotlib Figure

    What needs a function that is not given, or not written yet, is not drawn; the title says so.
    """
    w, b, X, y = _validated(w, b, X, y)
    point_on_line, along = _line(w, b)
    unit = w / np.linalg.norm(w)
    predicted = _predicted(augment, predict, w, b, X)
    wrong = np.zeros(len(X), bool) if predicted is None else predicted != y
    if point is None:
        point = int(np.argmax(wrong)) if wrong.any() else 0
    x0 = X[point] if np.ndim(point) == 0 else np.asarray(point, dtype=float)
    if x0.shape != (2,):
        raise ValueError(
            f"point must be an index into X or a point of shape (2,), got shape {x0.shape}"
        )
    foot = _on_line(x0, point_on_line, along)

    # the normal's base: where the samples' centre projects, moved along the line if that is x0's foot
    span = max(np.ptp(np.vstack([X, x0, foot]), axis=0).max(), 1.0)
    base = _on_line(X.mean(axis=0), point_on_line, along)
    if np.linalg.norm(base - foot) < 0.25 * span:
        base = foot + 0.35 * span * along
    tip = base + 0.3 * span * unit

    everything = np.vstack([X, x0, foot, base, tip])
    low, high = everything.min(axis=0), everything.max(axis=0)
    margin = 0.15 * max(np.ptp(everything, axis=0).max(), 1.0)
    xlim, ylim = (low[0] - margin, high[0] + margin), (low[1] - margin, high[1] + margin)

    fig, ax = _figure_and_axes(ax, (7, 7))
    not_drawn, shaded = [], []
    grid = np.stack(np.meshgrid(np.linspace(*xlim, GRID), np.linspace(*ylim, GRID)), axis=-1)
    side = _predicted(augment, predict, w, b, grid.reshape(-1, 2))
    if side is None:
        not_drawn.append(
            _both(
                "预测的一侧与误分类：待你的 augment 与 perceptron_predict",
                "predicted side, misclassified: awaiting your augment and perceptron_predict",
                "\n",
            )
        )
    else:
        from matplotlib.colors import to_rgba
        from matplotlib.patches import Patch

        shade = to_rgba(CLASS_COLOURS[1], 0.15)
        colours = np.where((side == 1).reshape(GRID, GRID, 1), shade, (0.0, 0.0, 0.0, 0.0))
        ax.imshow(
            colours,
            extent=(*xlim, *ylim),
            origin="lower",
            interpolation="nearest",
            zorder=0,
            gid="predicted class 1",
        )
        shaded.append(
            Patch(
                color=shade,
                label=_both(
                    "你的 perceptron_predict 判为 1 类", "your perceptron_predict: class 1"
                ),
            )
        )
    ax.axline(
        point_on_line,
        point_on_line + along,
        color="black",
        linewidth=1.5,
        label=_both("超平面 S", "hyperplane S: wᵀx + b = 0"),
    )
    ax.annotate(
        "",
        xy=tip,
        xytext=base,
        gid="normal",
        arrowprops=dict(arrowstyle="-|>", color=HIGHLIGHT, linewidth=2, shrinkA=0, shrinkB=0),
    )
    ax.text(
        *(tip + 0.04 * span * unit), "$w$", color=HIGHLIGHT, fontsize=13, ha="center", va="center"
    )

    for label in (0, 1):
        mine = y == label
        ax.scatter(
            X[mine, 0],
            X[mine, 1],
            color=CLASS_COLOURS[label],
            marker="os"[label],
            s=40,
            zorder=3,
            label=_both(f"标签 {label}", f"label {label}"),
        )
    if wrong.any():
        ax.scatter(
            X[wrong, 0],
            X[wrong, 1],
            s=240,
            facecolors="none",
            edgecolors=HIGHLIGHT,
            linewidths=1.5,
            zorder=4,
            label=_both("误分类", "misclassified"),
            gid="misclassified",
        )

    shown = _yours(distance, w, b, x0)
    if shown is None:
        not_drawn.append(
            _both(
                "点到 S 的距离：待你的 distance_to_hyperplane",
                "a point's distance to S: awaiting your distance_to_hyperplane",
                "\n",
            )
        )
    else:
        ax.plot(
            [x0[0], foot[0]],
            [x0[1], foot[1]],
            linestyle="--",
            color="0.2",
            zorder=2,
            gid="distance",
        )
        if np.ndim(point) != 0:  # a point of its own, not one of the samples
            ax.scatter([x0[0]], [x0[1]], marker="x", s=60, color="black", zorder=5)
        ax.annotate(
            "$x_0$", xy=x0, xytext=(-6, 6), textcoords="offset points", ha="right", fontsize=12
        )
        aside = 0.06 * span * (along if along[0] >= 0 else -along)  # beside the segment
        ax.text(
            *((x0 + foot) / 2 + aside),
            _both("距离", f"distance {float(shown):.2f}").replace("-", "\N{MINUS SIGN}"),
            ha="left",
            va="center",
            fontsize=10,
            zorder=6,
            gid="distance label",
            bbox=dict(boxstyle="round,pad=0.2", fc="white", ec="0.6", alpha=0.9),
        )

    ax.set_title(
        "\n".join([_both("感知机的几何", "the perceptron's geometry")] + not_drawn),
        fontsize=9,
    )
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    handles = ax.get_legend_handles_labels()[0] + shaded
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.1), ncols=2, fontsize=8)
    return fig


# --- 4. standard against accumulated BP (exercise 5.5) ------------------------------------


def _history(values, name):
    values = np.asarray(values, dtype=float)
    if values.ndim != 1 or len(values) == 0:
        raise ValueError(
            f"{name} must be a 1-D array of E at the end of each epoch, got shape {values.shape}"
        )
    return values


def _errors_at(when, standard, accumulated):
    """The text of both errors at a common count."""
    return (
        f"{when}:\n{_both('标准 BP', 'standard')} E = {standard:.4g}\n"
        f"{_both('累积 BP', 'accumulated')} E = {accumulated:.4g}"
    )


@_in_both_languages
def draw_standard_vs_accumulated(history_standard, history_accumulated, m, ax=None):
    """The error E (5.16) of standard and accumulated BP against updates and against epochs.

    history_standard    : array, shape (epochs_s,), E at the end of each epoch of standard BP
    history_accumulated : array, shape (epochs_a,), the same for accumulated BP
    m                   : int, the number of samples; standard BP makes m updates an epoch,
                          accumulated BP one
    ax                  : None (a new figure of two panels), or a pair of Axes (against updates,
                          against epochs)
    returns the matplotlib Figure

    Left, against updates: standard BP's epoch t ends after t·m updates, accumulated BP's after t.
    Right, against epochs. Each panel states both errors at a common count, as numbers.
    The curves' gids are "standard" and "accumulated".
    """
    standard = _history(history_standard, "history_standard")
    accumulated = _history(history_accumulated, "history_accumulated")
    if int(m) != m or m < 1:
        raise ValueError(f"m must be the positive number of samples, got {m!r}")
    m = int(m)
    if ax is None:
        fig, (by_update, by_epoch) = _subplots(1, 2, figsize=(11, 4.2))
    else:
        by_update, by_epoch = ax
        fig = by_update.figure
    epochs_s, epochs_a = np.arange(1, len(standard) + 1), np.arange(1, len(accumulated) + 1)
    style = {
        "standard": dict(color="tab:blue", gid="standard"),
        "accumulated": dict(color="tab:orange", gid="accumulated"),
    }
    names = {
        "standard": _both("标准 BP", "standard BP"),
        "accumulated": _both("累积 BP", "accumulated BP"),
    }
    positive = standard.min() > 0 and accumulated.min() > 0
    spread = (
        max(standard.max(), accumulated.max()) / min(standard.min(), accumulated.min())
        if positive
        else 1.0
    )

    by_update.plot(
        m * epochs_s,
        standard,
        **style["standard"],
        label=_both(f"标准 BP，每轮 {m} 次更新", f"standard BP, {m} updates an epoch", "\n"),
    )
    by_update.plot(
        epochs_a,
        accumulated,
        **style["accumulated"],
        label=_both("累积 BP，每轮 1 次更新", "accumulated BP, 1 update an epoch", "\n"),
    )
    by_update.set_xlabel(_both("更新次数", "updates"))
    by_update.set_title(_both("按更新次数", "per update"))
    if m * len(standard) >= 100 or len(accumulated) >= 100:
        by_update.set_xscale("log")
    # epochs of standard BP within accumulated's updates
    together = min(len(standard), len(accumulated) // m)
    if together >= 1:
        updates = m * together
        by_update.axvline(updates, color="0.5", linestyle=":", linewidth=1)
        by_update.text(
            0.02,
            0.03,
            _errors_at(
                _both(f"{updates} 次更新后", f"after {updates} updates"),
                standard[together - 1],
                accumulated[updates - 1],
            ),
            transform=by_update.transAxes,
            fontsize=9,
            va="bottom",
            bbox=dict(boxstyle="round", fc="white", ec="0.7"),
        )

    by_epoch.plot(epochs_s, standard, **style["standard"], label=names["standard"])
    by_epoch.plot(epochs_a, accumulated, **style["accumulated"], label=names["accumulated"])
    by_epoch.set_xlabel(_both("轮数（遍历训练集的次数）", "epochs (passes over the training set)"))
    by_epoch.set_title(_both("按轮数", "per epoch"))
    if max(len(standard), len(accumulated)) >= 100:
        by_epoch.set_xscale("log")
    both = min(len(standard), len(accumulated))
    by_epoch.text(
        0.02,
        0.03,
        _errors_at(
            _both(f"{both} 轮后", f"after {both} epochs"), standard[both - 1], accumulated[both - 1]
        ),
        transform=by_epoch.transAxes,
        fontsize=9,
        va="bottom",
        bbox=dict(boxstyle="round", fc="white", ec="0.7"),
    )

    for panel in (by_update, by_epoch):
        panel.set_ylabel(_both("训练集上的 E (5.16)", "E (5.16) on the training set"))
        if spread > 20:
            panel.set_yscale("log")
        panel.grid(True, which="both", alpha=0.3)
        panel.legend(loc="upper right", fontsize=9)
    return fig

"""Closed forms of the graded quantities, to keep them out of what students get.

A text is brought to one canonical spelling, whether it is LaTeX, Unicode prose or NumPy code
(its strings' escaped backslashes read as one): indices, spaces, transposes, multiplication signs
(`*`, `@`, `·`) and ^k dropped; ŷ for \\hat{y} and y_hat, η for \\eta and eta, − for -, ≥ for >=
and \\geq, ‖w‖ for np.linalg.norm(w), |z| for abs(z), ab for np.dot(a, b), x for x0 or x_0. A
closed form is then one plain substring of that spelling.

Two tables: CLOSED_FORMS, which no text may state, prose or code; CODE_FORMS, which no code may
hold (a .py file, a notebook's code cell) but prose may, since a notebook defines with them
what the student is to write (the model f(x) = sgn(wᵀx + b) says which side is class 1).
"""

import re
import unicodedata

HAT = "\u0302"  # the combining circumflex of ŷ, ŵ and x̂
_SPELLINGS = [
    (r"\\\\", r"\\"),  # a backslash escaped in a Python string, "\\geq"
    (r"\^?\\mathrm\{T\}|\^\{?\\top\}?|\.T\b", "ᵀ"),
    (r"\\eta(?![A-Za-z])|\beta\b", "η"),
    (r"\\theta(?![A-Za-z])|\btheta\b", "θ"),
    (r"\\gamma(?![A-Za-z])|\bgamma\b", "γ"),
    (r"\\alpha(?![A-Za-z])|\balpha\b", "α"),
    (r"\\beta(?![A-Za-z])|\bbeta\b", "β"),
    (r"\\sum(?![A-Za-z])|\bnp\.sum\b", "Σ"),
    (r"\\nabla(?![A-Za-z])", "∇"),
    (r"\\Delta(?![A-Za-z])", "Δ"),
    (r"\\partial(?![A-Za-z])", "∂"),
    (r"\\geq?(?![A-Za-z])|>=", "≥"),
    (r"\\leq?(?![A-Za-z])|<=", "≤"),
    (r"\\\|", "‖"),
    (r"\\[lr]vert(?![A-Za-z])", "|"),
    (r"\\(?:left|right|cdot|times|qquad|quad)(?![A-Za-z])|\\[,;!]", ""),
    (r"\\hat\{\\boldsymbol\{(\w)\}\}", r"\1" + HAT),
    (r"\\hat\{(\w)\}", r"\1" + HAT),
    (r"\b(\w)_hat\b", r"\1" + HAT),
    (r"\\(?:boldsymbol|mathbf)\{(\w)\}", r"\1"),
    (r"\b(?:np\.)?asarray\(([^(),]+)(?:,[^()]*)?\)", r"\1"),
    (r"\bnp\.", ""),
    (r"\b([A-Za-z])\d\b", r"\1"),  # x0, x1: a point, as x₀ and x_0 are
    (r"\blinalg\.norm\(([^(),]+)\)", r"‖\1‖"),
    (r"\bsqrt\((\w+)\s*@\s*\1\)", r"‖\1‖"),
    (r"\bdot\(\s*([^(),]+?)\s*,\s*([^(),]+?)\s*\)|\b(\w+)\.dot\(([^()]+)\)", r"\1\3\2\4"),
    (r"\babs\(([^()]*(?:\([^()]*\)[^()]*)*)\)", r"|\1|"),
]

# item: the canonical spellings of its closed form, or of the step that gives it away
CLOSED_FORMS = {
    "distance_to_hyperplane": ["|wᵀx + b|", "(wᵀx + b)/‖w‖", "(w @ x + b) /"],
    "perceptron_loss": ["(ŷ − y)ŵᵀx̂", "(y − ŷ)ŵᵀx̂", "(ŷ − y) * (X̂ @ ŵ)"],
    "perceptron_gradient": ["Σ(ŷ − y)x̂", "∇L(ŵ) = Σ(ŷ − y)", "(ŷ[M] − y[M])", "(ŷ − y) @ X̂"],
    "perceptron_delta": ["η(y − ŷ)x̂", "(y − ŷ)x̂"],
    "dE_dyhat": ["∂E/∂ŷ = ŷ − y", "ŷ − y, from (5.4)"],
    "dyhat_dbeta": ["ŷ(1 − ŷ)"],
    "db_dalpha": ["b(1 − b)"],
    "output_gradient": ["ŷ(1 − ŷ)(y − ŷ)", "(y − ŷ)ŷ(1 − ŷ)"],
    "hidden_gradient": ["Σ w g", "(w @ g)"],
    "delta_w": ["Δw = ηgb", "Δw = ηbg", "η outer(", "η b[:, None] * g"],
    "delta_theta": ["Δθ = −ηg", "∂E/∂θ = g"],
    "delta_v": ["Δv = ηex", "Δv = ηxe", "η outer(", "η x[:, None] * e"],
    "delta_gamma": ["Δγ = −ηe", "∂E/∂γ = e"],
}
CODE_FORMS = {
    "augment": ["append(X, 1", "[X, ones(", "[X, [1"],
    "perceptron_predict": [
        "w @ x + b >= 0",
        "X @ w + b >= 0",
        "x @ w + b >= 0",
        "X̂ @ ŵ >= 0",
        "x̂ @ ŵ >= 0",
        "ŵ @ x̂ >= 0",
        "sign(X̂ @ ŵ)",
        "sign(x̂ @ ŵ)",
        "sign(ŵ @ x̂)",
        "sign(X @ w + b)",
        "sign(w @ x + b)",
        "heaviside(",
    ],
    "dE_dyhat": ["return ŷ − y"],
    "delta_theta": ["return −η g"],
    "delta_gamma": ["return −η e"],
}


def canonical(text):
    """The text in the one spelling the closed forms are written in."""
    for pattern, replacement in _SPELLINGS:
        text = re.sub(pattern, replacement, text)
    while True:  # \frac{a}{b} → a/b, innermost first
        text, count = re.subn(r"\\frac\{([^{}]*)\}\{([^{}]*)\}", r"\1/\2", text)
        if not count:
            break
    text = re.sub(
        r"[_^](\{[^{}]*\}|[A-Za-z0-9∈]+)", lambda m: "" if m.group(0) != "^2" else "^2", text
    )
    text = re.sub(r"[ᵢⱼₕₖ₀₁₂ᵀ]", "", text)
    text = text.replace("-", "−").replace("1.0", "1")
    return unicodedata.normalize("NFC", re.sub(r"[\s*·@]", "", text))


def _canonical_forms(table):
    return {item: [canonical(form) for form in forms] for item, forms in table.items()}


_CLOSED, _CODE = _canonical_forms(CLOSED_FORMS), _canonical_forms(CODE_FORMS)


def closed_forms_in(text, code=False):
    """{item: the closed forms of it that the text spells}; code: look for CODE_FORMS too."""
    text = canonical(text)
    found = {}
    for table in (_CLOSED, _CODE) if code else (_CLOSED,):
        for item, forms in table.items():
            found.setdefault(item, []).extend(form for form in forms if form in text)
    return {item: forms for item, forms in found.items() if forms}


def lines_with_closed_forms(text, code=False):
    """[(line number, line)] of the lines of text that state a closed form on their own."""
    return [
        (number, line)
        for number, line in enumerate(text.splitlines(), 1)
        if closed_forms_in(line, code)
    ]

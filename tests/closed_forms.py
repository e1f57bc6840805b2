"""Closed forms of the graded quantities, to keep them out of what students get.

A text is brought to one canonical spelling, whether it is LaTeX, Unicode prose or NumPy code:
indices, spaces, multiplication signs and ^k dropped, ŷ for \\hat{y} and y_hat, η for \\eta and
eta, − for -. A closed form is then one plain substring of that spelling.
"""

import re
import unicodedata

# item: the canonical spellings of its closed form, or of the step that gives it away
CLOSED_FORMS = {
    "distance_to_hyperplane": ["|wᵀx+b|", "(wᵀx+b)/‖w‖"],
    "perceptron_loss": ["(ŷ−y)ŵᵀx̂", "(y−ŷ)ŵᵀx̂"],
    "perceptron_gradient": ["Σ(ŷ−y)x̂", "∇L(ŵ)=Σ(ŷ−y)", "(ŷ[M]−y[M])"],
    "perceptron_delta": ["η(y−ŷ)x̂", "(y−ŷ)x̂"],
    "dE_dyhat": ["∂E/∂ŷ=ŷ−y", "ŷ−y,from(5.4)"],
    "dyhat_dbeta": ["ŷ(1−ŷ)"],
    "db_dalpha": ["b(1−b)"],
    "output_gradient": ["ŷ(1−ŷ)(y−ŷ)", "(y−ŷ)ŷ(1−ŷ)"],
    "hidden_gradient": ["Σwg", "w@g"],
    "delta_w": ["Δw=ηgb", "Δw=ηbg", "ηouter("],
    "delta_theta": ["Δθ=−ηg", "∂E/∂θ=g"],
    "delta_v": ["Δv=ηex", "Δv=ηxe"],
    "delta_gamma": ["Δγ=−ηe", "∂E/∂γ=e"],
}

HAT = "\u0302"  # the combining circumflex of ŷ, ŵ and x̂
_SPELLINGS = [
    (r"\^?\\mathrm\{T\}", "ᵀ"),
    (r"\.T\b", "ᵀ"),
    (r"\\eta(?![A-Za-z])|\beta\b", "η"),
    (r"\\theta(?![A-Za-z])|\btheta\b", "θ"),
    (r"\\gamma(?![A-Za-z])|\bgamma\b", "γ"),
    (r"\\alpha(?![A-Za-z])|\balpha\b", "α"),
    (r"\\beta(?![A-Za-z])|\bbeta\b", "β"),
    (r"\\sum(?![A-Za-z])|\bnp\.sum\b", "Σ"),
    (r"\\nabla(?![A-Za-z])", "∇"),
    (r"\\Delta(?![A-Za-z])", "Δ"),
    (r"\\partial(?![A-Za-z])", "∂"),
    (r"\\\|", "‖"),
    (r"\\[lr]vert(?![A-Za-z])", "|"),
    (r"\\(?:left|right|cdot|times|qquad|quad)(?![A-Za-z])|\\[,;!]", ""),
    (r"\\hat\{\\boldsymbol\{(\w)\}\}", r"\1" + HAT),
    (r"\\hat\{(\w)\}", r"\1" + HAT),
    (r"\b(\w)_hat\b", r"\1" + HAT),
    (r"\\(?:boldsymbol|mathbf)\{(\w)\}", r"\1"),
    (r"\b(?:np\.)?asarray\(([^(),]+)(?:,[^()]*)?\)", r"\1"),
    (r"\bnp\.", ""),
]


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
    text = re.sub(r"[ᵢⱼₕₖ₀₁₂]", "", text)
    text = text.replace("-", "−").replace("1.0", "1")
    return unicodedata.normalize("NFC", re.sub(r"[\s*·]", "", text))


def closed_forms_in(text):
    """{item: the closed forms of it that the text spells}."""
    text = canonical(text)
    found = {
        item: [form for form in forms if unicodedata.normalize("NFC", form) in text]
        for item, forms in CLOSED_FORMS.items()
    }
    return {item: forms for item, forms in found.items() if forms}

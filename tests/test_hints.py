"""The hints and the names of mistakes say the same in Chinese and in English, and no hint
states the closed form of a graded quantity.

A text of the items' records is "中文 / English": the self-check and the feedback split it at its
first " / ". Both halves must carry the same mathematics: Greek letters, hatted letters, operators,
subscripted symbols, shapes, and numbers (equation numbers included).
"""

import re
import unicodedata

import pytest
from closed_forms import closed_forms_in

from autograder.grading.misconceptions import PUBLIC_ANSWERS
from autograder.items import ITEMS

SEPARATOR = " / "  # where student/selfcheck.py splits a hint into its halves
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
OPERATORS = set("−+×·≥≤=±‖′²½Σ∂∇∈|")
MATHEMATICS = [
    r"[\u0391-\u03a9\u03b1-\u03c9]",  # Greek letters, Δ and Σ among them
    r"\w\u0302",  # hatted letters: ŷ, ŵ, x̂
    r"\b[A-Za-z]\u0302?_\w+",  # subscripted symbols: E_k, w_hj, ŷ_j
    r"\([\w\s+]*,[\w\s,+]*\)",  # shapes: (q, l), (n,), (m, n + 1)
    r"\d+(?:\.\d+)*",  # numbers: 0/1, ±1000, (5.9), §5.2, Fig. 5.8
]


def bilingual_texts():
    """(where, text) of every "中文 / English" text of the records and the catalog."""
    for item_id, record in ITEMS.items():
        yield f"{item_id}: hint", record.hint
        for mistake in record.misconceptions:
            yield f"{item_id}/{mistake.id}: name", mistake.name
            yield f"{item_id}/{mistake.id}: hint", mistake.hint
    yield "public_answers: name", PUBLIC_ANSWERS.name
    yield "public_answers: hint", PUBLIC_ANSWERS.hint


TEXTS = dict(bilingual_texts())


def halves(text):
    chinese, separator, english = text.partition(SEPARATOR)
    assert separator, f"no {SEPARATOR!r} between the halves: {text!r}"
    return chinese, english


def mathematics(text):
    """The symbols and numbers of a text, spaces in shapes left out."""
    text = unicodedata.normalize("NFD", text)
    found = {c for c in text if c in OPERATORS}
    for pattern in MATHEMATICS:
        found |= {re.sub(r"\s", "", match) for match in re.findall(pattern, text)}
    return found


@pytest.mark.parametrize("where", TEXTS)
def test_a_text_is_chinese_then_english_split_at_its_first_separator(where):
    chinese, english = halves(TEXTS[where])
    assert CJK.search(chinese), f"{where}: no Chinese before {SEPARATOR!r}"
    assert english.strip() and not CJK.search(english), f"{where}: the English half {english!r}"


@pytest.mark.parametrize("where", TEXTS)
def test_both_halves_carry_the_same_symbols_and_numbers(where):
    chinese, english = halves(TEXTS[where])
    only_chinese, only_english = mathematics(chinese), mathematics(english)
    assert only_chinese == only_english, (
        f"{where}: only in Chinese {sorted(only_chinese - only_english)}, "
        f"only in English {sorted(only_english - only_chinese)}"
    )


def test_the_comparison_tells_a_half_with_more_mathematics():
    # the public hints of an earlier release: the formula in one half only
    for text in (
        "阈值是减去的 / thresholds are subtracted: b = f(α − γ), ŷ = f(β − θ).",
        "½ Σ_j (ŷ_j − y_j)²，返回 float / a float.",
        "(5.13)：形状 (d, q) / shape (d, q), entry (i, h) pairs x_i with e_h.",
        "与 Δθ 同理 / as Δθ (5.14).",
    ):
        chinese, english = halves(text)
        assert mathematics(chinese) != mathematics(english), text


HINTS = {where: text for where, text in TEXTS.items() if where.endswith("hint")}


@pytest.mark.parametrize("where", HINTS)
def test_a_hint_points_at_where_to_look_and_states_no_closed_form(where):
    # a mistake's name may say what was written; its hint, like an item's, gives no formula
    assert not closed_forms_in(HINTS[where]), where

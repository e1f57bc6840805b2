"""Code similarity between the students' graded functions, pairwise per assignment.

The method is copydetect's (winnowing, Schleimer, Wilkerson and Aiken 2003, as MOSS does):
Pygments' Python tokens with every name written ``V``, every string ``S``, whitespace and
comments dropped; the fingerprints are the hashes of every K-character stretch of that text
(a winnowing window of 1 keeps them all: these functions are short, and the result does not
depend on the process's string hashes). Renamed variables and reformatting therefore change
nothing, and reordered statements only the few stretches that straddle them.

What is not the student's own is left out, as copydetect's boilerplate: the released stub of
the function (its signature and docstring); the model solution's text (the instructor's
source notebook), the formulation the notebook's derivation leads every student to; and the
text that more than
``common_share`` of the submissions that wrote the function (and more than two) share, as
MOSS's ``-m`` leaves out what many share: the formulation every student reaches is no evidence
of copying. A function is compared when both students wrote at least ``min_length``
characters of normalised code of their own; its similarity is the share of each one's
fingerprinted code found in the other's, the two shares averaged. A pair's score is the mean
over its compared functions, so that a one-line function identical across the class flags
nobody; a pair is listed when its score reaches ``threshold`` over at least ``min_functions``
compared functions (one function in common is too little to go on: the variants of one
formula are near-copies by nature).
"""

import ast
import collections
import html
import io
import itertools
import statistics
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from copydetect import CodeFingerprint, compare_files
from copydetect.utils import get_token_coverage

from autograder.exports import spreadsheet
from autograder.grading.submission import SubmissionError, read
from autograder.integration.nbgrader_course import RELEASE, SOURCE, SUBMITTED
from autograder.rounds.progress import Progress

if TYPE_CHECKING:
    from autograder.grading.course import Course, Similarity
    from autograder.integration.nbgrader_course import CourseFolder

SHOWN = 10  # pairs shown side by side in the class report; the CSV has them all
TITLE = "## 相似度 / Similarity"
K = 12  # characters of normalised code per fingerprint: a few tokens, less than most statements
CSV_COLUMNS = ["assignment", "student_a", "student_b", "score", "listed", "compared", "functions"]
Fingerprint = Any  # copydetect's CodeFingerprint, which ships no types
Hash = np.int64  # copydetect's hash of a K-character stretch


@dataclass(frozen=True)
class FunctionMatch:
    """One function of a pair: its similarity (0 to 1) and the two students' sources."""

    function: str
    similarity: float
    sources: tuple[str, str]  # (student_a's source, student_b's source)


@dataclass(frozen=True)
class Pair:
    """Two students' submissions of an assignment, compared function by function."""

    assignment: str
    students: tuple[str, str]  # (student_a, student_b), in sorted order
    score: float  # the mean similarity of the compared functions
    functions: tuple[FunctionMatch, ...]  # each compared function's, most similar first

    def to_dict(self) -> dict[str, Any]:
        return {
            "assignment": self.assignment,
            "students": list(self.students),
            "score": round(self.score, 3),
            "functions": {m.function: round(m.similarity, 3) for m in self.functions},
        }


def function_sources(notebook: Path, functions: Collection[str]) -> dict[str, str]:
    """{name: source} of the functions (names) a notebook defines at top level, the last definition of each.

    Read, never run, with the grader's reader (``submission.read``); an unreadable notebook
    defines nothing.
    """
    try:
        source = read([notebook]).source
        tree = ast.parse(source)
    except (SubmissionError, SyntaxError):
        return {}
    return {
        # None only for a node without positions, and ast.parse gives every node its own
        node.name: ast.get_source_segment(source, node) or ""
        for node in tree.body
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name in functions
    }


def class_pairs(
    assignment: str,
    functions: Sequence[str],
    given: Sequence[Mapping[str, str]],
    sources: Mapping[str, Mapping[str, str]],
    settings: "Similarity",
) -> list[Pair]:
    """Every pair of students who share a fingerprint in a compared function, highest score first.

    ``functions`` are the graded function names, ``given`` [{name: source}] what is not the
    students' own (the released stubs, the model solution), ``sources`` {student: {name:
    source}} and ``settings`` course.yaml's ``Similarity``.
    """
    per_function = {
        name: _own_fingerprints(
            [texts[name] for texts in given if name in texts],
            {s: theirs[name] for s, theirs in sources.items() if name in theirs},
            settings,
        )
        for name in functions
    }
    # only the pairs that share a fingerprint in some function: the others score 0 on every
    # function they both wrote, and comparing every pair costs the square of the class
    candidates: set[tuple[str, str]] = set()
    for prints in per_function.values():
        holders: collections.defaultdict[Hash, list[str]] = collections.defaultdict(list)
        for student, fingerprint in sorted(prints.items()):
            for h in fingerprint.hashes:
                holders[h].append(student)
        candidates.update(
            pair for group in holders.values() for pair in itertools.combinations(group, 2)
        )
    pairs = []
    for a, b in sorted(candidates):
        matches = [
            FunctionMatch(
                name,
                _similarity(prints[a], prints[b]) if prints[a].hashes & prints[b].hashes else 0.0,
                (sources[a][name], sources[b][name]),
            )
            for name, prints in per_function.items()
            if a in prints and b in prints
        ]
        matches.sort(key=lambda m: -m.similarity)
        score = statistics.fmean(m.similarity for m in matches)
        pairs.append(Pair(assignment, (a, b), score, tuple(matches)))
    return sorted(pairs, key=lambda p: (-p.score, p.students))


def round_pairs(
    course: "CourseFolder",
    registry: "Course",
    students: Mapping[str, Sequence[str]],
    settings: "Similarity",
    progress: Progress | None = None,
) -> dict[str, list[Pair]]:
    """{assignment: class_pairs} of a course folder's submitted notebooks.

    ``students`` is {assignment: the students whose submissions were graded}; what is given
    them, the course's released notebook and its source notebook (the model solution).
    progress(done, total) is called as the notebooks are read (total: all the assignments').
    """
    total, done = sum(map(len, students.values())), 0
    found = {}
    for assignment_id, graded in students.items():
        names = [item.function for item in registry.assignment(assignment_id).items]
        given = [
            function_sources(course.root / folder / assignment_id / f"{assignment_id}.ipynb", names)
            for folder in (RELEASE, SOURCE)
        ]
        sources = {}
        for student in graded:
            sources[student] = function_sources(
                course.notebook(SUBMITTED, student, assignment_id), names
            )
            done += 1
            if progress:
                progress(done, total)
        found[assignment_id] = class_pairs(assignment_id, names, given, sources, settings)
    return found


def listed(pairs: Mapping[str, Sequence[Pair]], settings: "Similarity") -> list[Pair]:
    """The pairs (of every assignment, {assignment: [Pair]}) the report lists."""
    return [p for found in pairs.values() for p in found if is_listed(p, settings)]


def is_listed(pair: Pair, settings: "Similarity") -> bool:
    """At the threshold, over enough compared functions."""
    return pair.score >= settings.threshold and len(pair.functions) >= settings.min_functions


def write_csv(path: Path, pairs: Mapping[str, Sequence[Pair]], settings: "Similarity") -> Path:
    """Every compared pair, one row each (CSV_COLUMNS), highest score first per assignment."""
    with open(path, "w", newline="", encoding="utf-8") as file:
        writer = spreadsheet.writer(file)
        writer.writerow(CSV_COLUMNS)
        for found in pairs.values():
            for p in found:
                writer.writerow(
                    [
                        p.assignment,
                        *p.students,
                        f"{p.score:.3f}",
                        "yes" if is_listed(p, settings) else "no",
                        len(p.functions),
                        " ".join(f"{m.function}:{m.similarity:.2f}" for m in p.functions),
                    ]
                )
    return path


def report_markdown(pairs: Mapping[str, Sequence[Pair]], settings: "Similarity") -> list[str]:
    """The class report's section as Markdown lines: the listed pairs, each function in two fenced blocks."""
    lines = [TITLE, "", _summary(pairs, settings), ""]
    for pair in listed(pairs, settings)[:SHOWN]:
        lines += [_pair_heading(pair), ""]
        for match in pair.functions:
            lines += [f"`{match.function}`, {match.similarity:.2f}:", ""]
            for student, source in zip(pair.students, match.sources):
                lines += [f"{student}:", "", "```python", source.rstrip(), "```", ""]
    return lines


def report_html(pairs: Mapping[str, Sequence[Pair]], settings: "Similarity") -> str:
    """The same section as HTML: per listed pair, a table with the two students' code side by side."""
    parts = [
        f"<h2>{html.escape(TITLE[3:])}</h2>",
        f"<p>{html.escape(_summary(pairs, settings))}</p>",
    ]
    for pair in listed(pairs, settings)[:SHOWN]:
        a, b = (html.escape(s) for s in pair.students)
        rows = "".join(
            f"<tr><td><code>{html.escape(m.function)}</code><br>{m.similarity:.2f}</td>"
            + "".join(
                f"<td><pre><code>{html.escape(s.rstrip())}</code></pre></td>" for s in m.sources
            )
            + "</tr>"
            for m in pair.functions
        )
        parts += [
            f"<h3>{html.escape(_pair_heading(pair)[4:])}</h3>",
            f'<table class="side-by-side"><tr><th>function, similarity</th><th>{a}</th><th>{b}</th></tr>{rows}</table>',
        ]
    return "\n".join(parts) + "\n"


def _summary(pairs: Mapping[str, Sequence[Pair]], settings: "Similarity") -> str:
    found = listed(pairs, settings)
    compared = sum(len(p) for p in pairs.values())
    shown = f"; the first {SHOWN} are shown" if len(found) > SHOWN else ""
    return (
        f"相似度达到阈值的学生对 / Pairs at or above the threshold: {len(found)} of {compared} compared{shown} "
        f"(threshold {settings.threshold:g}: the mean similarity of at least {settings.min_functions} functions "
        "both students wrote themselves, beyond the released stub, the model solution and what most of the "
        "class shares). Every compared pair is in similarity_pairs.csv. A high score is a reason to look, "
        "not proof of copying."
    )


def described(pair: Pair) -> str:
    """One line: assignment, students, score, and each compared function's similarity."""
    a, b = pair.students
    functions = ", ".join(f"{m.function} {m.similarity:.2f}" for m in pair.functions)
    return f"{pair.assignment} {a} – {b}: {pair.score:.2f} over {len(pair.functions)} functions ({functions})"


def _pair_heading(pair: Pair) -> str:
    a, b = pair.students
    return (
        f"### {pair.assignment}: {a} – {b}, {pair.score:.2f} over {len(pair.functions)} functions"
    )


def _fingerprint(source: str) -> Fingerprint:
    """copydetect's fingerprint of a function's source."""
    return CodeFingerprint("function.py", K, 1, language="python", fp=io.StringIO(source))


def _without(fingerprint: Fingerprint, excluded: set[Hash]) -> Fingerprint:
    """The fingerprint without the hashes in ``excluded`` (changed in place, and returned).

    Left out here rather than as copydetect's boilerplate: its removal (np.intersect1d with
    assume_unique) also drops a k-gram that occurs twice in the source, though no boilerplate has it.
    """
    if excluded:
        fingerprint.hashes = fingerprint.hashes - excluded
        fingerprint.hash_idx = {
            h: at for h, at in fingerprint.hash_idx.items() if h not in excluded
        }
        fingerprint.token_coverage = get_token_coverage(
            fingerprint.hash_idx, K, len(fingerprint.filtered_code)
        )
    return fingerprint


def _own_fingerprints(
    given: Sequence[str], sources: Mapping[str, str], settings: "Similarity"
) -> dict[str, Fingerprint]:
    """{student: CodeFingerprint} of one function without the given texts' and the class's common
    text; only the students who wrote at least min_length characters of normalised code of their own."""
    released = set().union(*(_fingerprint(text).hashes for text in given))
    # each source is tokenised once (Pygments is most of the cost), its fingerprint then pared down
    prints = {s: _fingerprint(source) for s, source in sources.items()}
    writers = [p.hashes - released for p in prints.values() if p.hashes - released]
    counts = Counter(h for hashes in writers for h in hashes)
    common = {h for h, n in counts.items() if n > 2 and n > settings.common_share * len(writers)}
    prints = {s: _without(p, released | common) for s, p in prints.items()}
    return {s: p for s, p in prints.items() if p.token_coverage >= settings.min_length}


def _similarity(first: Fingerprint, second: Fingerprint) -> float:
    _, shares, _ = compare_files(first, second)
    return float(statistics.fmean(min(share, 1.0) for share in shares))

"""The class report an instructor reads after grading: Markdown and HTML, with PNG plots.

Per assignment: how many were graded, the automatic items' totals, and per equation the mean and
the shares of full, partial and zero marks (plots: the per-equation distribution and the totals);
the derivations graded by people: per cell how many answers await a grade in formgrader, how
many were graded and how many left blank, and how to grade them; the most frequent
misconceptions across the class (plot); the students who need a look: not graded (and why), a
timeout, a crash, an exception, or a tamper flag (the gradebook and the out-of-kernel grading
disagree); the late submissions, with their penalties (``late_submissions``); and the files of
an LMS download that were not simply one student's notebook, each with what became of it.
"""

import collections
import math
import re
import statistics
from collections.abc import Collection, Container, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import matplotlib

matplotlib.use("Agg")  # files only, never a window
import matplotlib.pyplot as plt  # noqa: E402
import mistune  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402
from nbgrader.api import Gradebook  # noqa: E402

from autograder.exports import spreadsheet  # noqa: E402
from autograder.exports.per_item import (  # noqa: E402
    _number,
    late_penalty,
    submission_grades,
    submission_scores,
    totals,
)
from autograder.grading import misconceptions  # noqa: E402
from autograder.grading.course import Assignment, Course, Item, Similarity  # noqa: E402
from autograder.grading.results import CRASHED, ERROR, TIMEOUT  # noqa: E402
from autograder.rounds import late_submissions, manual_grading, similarity  # noqa: E402
from autograder.rounds.crosscheck import Mismatch, Reports  # noqa: E402
from autograder.rounds.lms_download import Note  # noqa: E402

TOP_MISCONCEPTIONS = 12
SHOWN_ROWS = 30  # of a per-student table; the whole table is in a CSV beside the report
ATTENTION = {TIMEOUT: "timeout", CRASHED: "crash", ERROR: "exception"}

# {student: {item: score}} of one assignment's graded submissions
AssignmentScores = dict[str, dict[str, float]]
Mistakes = Mapping[str, Mapping[str, str]]  # {student: {assignment: the one mistaken item's id}}
AttentionRow = tuple[str, str, str, str]  # (student, assignment, what, details)
Withheld = tuple[str, str, str]  # (student, assignment, why its feedback is held back)
SimilarPairs = tuple[dict[str, list[similarity.Pair]], Similarity]  # (round_pairs', its settings)
# (assignment, student, item, points lost on it, points lost on the other items)
MistakeCost = tuple[str, str, str, float, float]
MisconceptionNames = dict[tuple[str, str], misconceptions.Misconception]  # {(item, variant): it}


@dataclass(frozen=True)
class RoundFindings:
    """What the round knows of its submissions besides the gradebook, for the report."""

    reports: Reports  # only the round's assignments are reported on
    not_graded: Mapping[str, Mapping[str, str]]  # {assignment: {student: why not}}
    mismatches: Sequence[Mismatch]  # the cross-check's disputed cells
    enforced: bool  # whether the command line's scores were written over the kernel's
    mistakes: Mistakes | None = None  # a simulated class's: adds the cost of one mistake
    arrivals: Sequence[Note] = ()  # what arrived that was not simply one notebook per student
    withheld: Sequence[Withheld] = ()  # the feedback pages that leak what the student may not see
    similar: SimilarPairs | None = None  # the similarity section, last


@dataclass(frozen=True)
class ReportData:
    """Everything the report states, read from the gradebook and the round before a line is written."""

    registry: Course
    students: Sequence[str]  # the roster's ids
    findings: RoundFindings
    scores: dict[str, AssignmentScores]  # of every assignment of the course
    misconception_counts: collections.Counter[tuple[str, str]]  # {(item, variant): students}
    attention: list[AttentionRow]
    student_rows: list[tuple[str, ...]]
    manual: dict[str, tuple[manual_grading.DerivationStatus, ...]]
    late: list[late_submissions.LateSubmission]

    @property
    def assignments(self) -> list[Assignment]:
        """The round's assignments, in the course's order."""
        return [a for a in self.registry.assignments if a.id in self.findings.reports]


def class_scores(
    db_url: str, registry: Course, students: Collection[str]
) -> dict[str, AssignmentScores]:
    """{assignment: {student: {item: score}}} of the gradebook's submissions: the automatic items only."""
    scores = {}
    with Gradebook(db_url) as book:
        for assignment in registry.assignments:
            found = {
                student: submission_scores(book, assignment.id, student, registry)
                for student in students
            }
            scores[assignment.id] = {
                student: items for student, items in found.items() if items is not None
            }
    return scores


def manual_status(
    db_url: str, registry: Course, students: Collection[str], assignments: Container[str]
) -> dict[str, tuple[manual_grading.DerivationStatus, ...]]:
    """{assignment: its derivations' manual_grading.DerivationStatus} over the gradebook's submissions of the assignments (ids)."""
    statuses = {}
    with Gradebook(db_url) as book:
        for assignment in (a for a in registry.assignments if a.id in assignments):
            found = {
                student: submission_grades(book, assignment.id, student) for student in students
            }
            statuses[assignment.id] = manual_grading.class_status(
                {s: g for s, g in found.items() if g is not None}, assignment
            )
    return statuses


def item_statistics(
    item: Item, scores: Mapping[str, Mapping[str, float]]
) -> tuple[float, float, float, float]:
    """(mean, share with full marks, share with some, share with none) of an item over the submissions."""
    values = [by_item.get(item.id, 0.0) for by_item in scores.values()]
    if not values:
        return 0.0, 0.0, 0.0, 0.0
    full = sum(v >= item.points - 1e-9 for v in values)
    zero = sum(v <= 1e-9 for v in values)
    return (
        statistics.fmean(values),
        full / len(values),
        (len(values) - full - zero) / len(values),
        zero / len(values),
    )


def item_table(db_url: str, registry: Course, students: Collection[str]) -> str:
    """The per-equation table as text: item, equation, points, mean, % full, % partial, % zero."""
    scores = class_scores(db_url, registry, students)
    lines = [
        f"{'assignment':<11} {'item':<23} {'points':>6} {'mean':>6} {'full':>6} {'partial':>7} {'zero':>6}  equation"
    ]
    for assignment in registry.assignments:
        if not scores[assignment.id]:
            continue
        for item in assignment.items:
            mean, full, partial, zero = item_statistics(item, scores[assignment.id])
            lines.append(
                f"{assignment.id:<11} {item.id:<23} {item.points:>6g} {mean:>6.2f} {full:>6.0%} {partial:>7.0%} {zero:>6.0%}  {item.equation}"
            )
    return "\n".join(lines)


def one_mistake_costs(
    scores: Mapping[str, AssignmentScores], registry: Course, mistakes: Mistakes
) -> list[MistakeCost]:
    """[(assignment, student, item, points lost on it, points lost on the other items)] of each known single mistake.

    ``mistakes`` is {student: {assignment: item id}}, the one item each student is known to have
    got wrong (a simulated class knows it); a grade that measures each equation loses nothing elsewhere.
    """
    costs = []
    for assignment in registry.assignments:
        for student, by_item in scores.get(assignment.id, {}).items():
            mistaken = mistakes.get(student, {}).get(assignment.id)
            if mistaken is None:
                continue
            lost = {item.id: item.points - by_item.get(item.id, 0.0) for item in assignment.items}
            elsewhere = math.fsum(points for item_id, points in lost.items() if item_id != mistaken)
            costs.append((assignment.id, student, mistaken, lost[mistaken], round(elsewhere, 6)))
    return costs


def one_mistake_summary(costs: Sequence[MistakeCost]) -> str:
    """One line: the points lost outside the mistaken item, mean and largest, over the students with one mistake."""
    if not costs:
        return "no student with exactly one known mistake"
    elsewhere = [cost[-1] for cost in costs]
    return (
        f"points lost outside the mistaken item, {len(costs)} submissions with one catalogued mistake: "
        f"mean {statistics.fmean(elsewhere):.2f}, largest {max(elsewhere):.2f}"
    )


def write(
    out: Path, registry: Course, db_url: str, students: Sequence[str], findings: RoundFindings
) -> list[Path]:
    """Write class_report.md, class_report.html and plots/*.png into out, from the gradebook at db_url
    and what the round found; return their paths."""
    data = gather(registry, db_url, students, findings)
    plots = out / "plots"
    plots.mkdir(parents=True, exist_ok=True)
    lines, paths = _title(data), []
    for assignment in data.assignments:
        section, plotted = _assignment_section(
            plots, assignment, data.scores[assignment.id], len(students)
        )
        lines += section
        paths += plotted
    lines += _students_section(data.student_rows, out)
    lines += _manual_section(data.manual)
    section, plotted = _misconceptions_section(plots, data.misconception_counts)
    lines += section
    paths += plotted
    if findings.mistakes:
        lines += _one_mistake_section(one_mistake_costs(data.scores, registry, findings.mistakes))
    lines += _attention(data.attention, out)
    lines += late_submissions.section(data.late, registry.late_policy, _row)
    lines += _arrivals_section(findings.arrivals, out)
    return [*_write_pages(out, registry.id, lines, findings.similar), *paths]


def gather(
    registry: Course, db_url: str, students: Sequence[str], findings: RoundFindings
) -> ReportData:
    """The report's data: the gradebook's scores, grades and late submissions, and the round's findings tallied."""
    attention = attention_rows(
        findings.reports,
        findings.not_graded,
        findings.mismatches,
        findings.enforced,
        findings.withheld,
        registry.attempts,
    )
    return ReportData(
        registry,
        students,
        findings,
        class_scores(db_url, registry, students),
        misconception_counts(findings.reports),
        attention,
        student_rows(db_url, registry, students, findings.reports, attention),
        manual_status(db_url, registry, students, findings.reports),
        late_submissions.late_submissions(db_url, list(findings.reports), students),
    )


def misconception_counts(reports: Reports) -> collections.Counter[tuple[str, str]]:
    """{(item, variant): how many reports name it} over the reports that are there."""
    return collections.Counter(
        (r["id"], r["misconception"])
        for by_student in reports.values()
        for report in by_student.values()
        if isinstance(report, dict)
        for r in report["items"]
        if r["misconception"]
    )


def _title(data: ReportData) -> list[str]:
    return [
        f"# 班级报告 Class report: {data.registry.title}",
        "",
        f"Course `{data.registry.id}`, {len(data.students)} students on the roster.",
        "",
    ]


def _assignment_section(
    plots: Path, assignment: Assignment, by_student: AssignmentScores, roster: int
) -> tuple[list[str], list[Path]]:
    """An assignment's summary, its per-equation table and its two plots (written to plots); (lines, plots' paths)."""
    item_totals = [sum(items.values()) for items in by_student.values()]
    lines = [
        f"## {assignment.id}: {assignment.title}",
        "",
        _assignment_summary(assignment, item_totals, roster) + ".",
        "",
        "| item | equation | points | mean | full | partial | zero |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for item in assignment.items:
        mean, full, partial, zero = item_statistics(item, by_student)
        lines.append(
            _row(
                item.id,
                item.equation,
                f"{item.points:g}",
                f"{mean:.2f}",
                f"{full:.0%}",
                f"{partial:.0%}",
                f"{zero:.0%}",
            )
        )
    paths = [
        _plot_items(plots, assignment, by_student),
        _plot_totals(plots, assignment, item_totals),
    ]
    lines += [
        "",
        f"![{assignment.id}: marks per equation](plots/{paths[0].name})",
        "",
        f"![{assignment.id}: totals](plots/{paths[1].name})",
        "",
    ]
    return lines, paths


def _assignment_summary(assignment: Assignment, totals: Sequence[float], roster: int) -> str:
    """How many of the roster were graded, the totals' mean and median, and where the derivations are."""
    summary = f"{len(totals)} of {roster} graded"
    if totals:
        summary += (
            f"; the automatic items' total, out of {assignment.item_points:g}: "
            f"mean {statistics.fmean(totals):.2f}, median {statistics.median(totals):.2f}"
        )
    if assignment.derivations:
        summary += f" (the derivations, {assignment.manual_points:g} points, are graded by people: see below)"
    return summary


def _misconceptions_section(
    plots: Path, counts: collections.Counter[tuple[str, str]]
) -> tuple[list[str], list[Path]]:
    """The most frequent misconceptions, a table and a plot (written to plots); (lines, the plot's path)."""
    lines = ["## 常见错误 Most frequent misconceptions", ""]
    if not counts:
        return lines + ["None recognised.", ""], []
    names = _misconception_names()
    lines += ["| students | item | misconception | hint |", "| ---: | --- | --- | --- |"]
    for (item_id, variant), count in counts.most_common():
        name, hint = _misconception_text(names, item_id, variant)
        lines.append(_row(count, item_id, name, hint))
    path = _plot_misconceptions(plots, counts, names)
    return lines + ["", f"![most frequent misconceptions](plots/{path.name})", ""], [path]


def _misconception_names() -> MisconceptionNames:
    # ids repeat across items
    return {(item, m.id): m for item, variants in misconceptions.CATALOG.items() for m in variants}


def _arrivals_section(arrivals: Sequence[Note], out: Path) -> list[str]:
    """The files of an LMS download that were not simply one student's notebook; every one in out/arrivals.csv."""
    if not arrivals:
        return []
    header = ("file", "student", "what became of it")
    rows = [(note.path, note.student, note.what) for note in arrivals]
    return [
        "## 收到的文件 What arrived, besides one notebook per student",
        "",
        *capped_table(header, rows, out / "arrivals.csv"),
    ]


def _write_pages(
    out: Path, course_id: str, lines: Sequence[str], similar: SimilarPairs | None
) -> list[Path]:
    """Write the report's lines, and the similarity section after them, as class_report.md and .html."""
    markdown = "\n".join(lines) + "\n"
    # the HTML renderer's output is text (only mistune's AST renderer gives a list)
    html = cast(str, mistune.create_markdown(plugins=["table"])(markdown))
    if similar:  # its code side by side, which a Markdown table cannot hold
        markdown += "\n".join(similarity.report_markdown(*similar)) + "\n"
        html += similarity.report_html(*similar)
    (out / "class_report.md").write_text(markdown, encoding="utf-8")
    page = f'<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8"><title>Class report: {course_id}</title>\n<style>{_STYLE}</style></head>\n<body>\n{html}</body></html>\n'
    (out / "class_report.html").write_text(page, encoding="utf-8")
    return [out / "class_report.md", out / "class_report.html"]


MANUAL_GRADING_HOWTO = (
    "To grade them: start JupyterLab in the course folder and open Nbgrader → Formgrader → Manual Grading → "
    "the assignment → its notebook → a submission. Each derivation cell shows the student's answer with a score "
    'box beside "/ points" (saved when the box loses focus) and a comment box. The rubric and the model answer are in the '
    "cell of the solution notebook (`solutions/<assignment>/<assignment>.ipynb`). Then write the feedback again "
    "(`nbgrader generate_feedback <assignment> --force`, from the kit's folder, whose nbgrader_config.py keeps the "
    "hidden tests out of it) and run the round again: a real class's round grades only new or changed submissions "
    "and makes grades.csv, grades_per_item.csv and this report anew from the gradebook (the simulated class's "
    "folder is made anew instead). The instructor's guide (docs/instructors.md), 'Derivations graded by people', gives the commands for a course "
    "folder other than the kit's."
)


def _manual_section(
    statuses: Mapping[str, Sequence[manual_grading.DerivationStatus]],
) -> list[str]:
    """The section on the derivations graded by people: per cell, how many answers await a grade, and how to grade them."""
    if not any(statuses.values()):
        return []
    summary = manual_grading.awaiting_summary(statuses)
    lines = [
        "## 人工评分的推导 Derivations graded by people",
        "",
        "Markdown answer cells that people grade in formgrader: the kit's grader does not score them, and the "
        'totals above are of the automatic items only. nbgrader\'s autograde leaves each answer "needs manual grade", '
        f"and scores an answer left as released 0 itself (blank). {summary[:1].upper()}{summary[1:]}.",
        "",
        "| assignment | cell | equation | points | awaiting a grade | graded | mean of the graded | blank (0 from nbgrader) |",
        "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for assignment, found in statuses.items():
        for status in found:
            d = status.derivation
            mean = f"{statistics.fmean(status.scores):.2f}" if status.scores else ""
            lines.append(
                _row(
                    assignment,
                    d.id,
                    d.equation,
                    f"{d.points:g}",
                    len(status.awaiting),
                    len(status.graded),
                    mean,
                    len(status.blank),
                )
            )
    return lines + ["", MANUAL_GRADING_HOWTO, ""]


def _one_mistake_section(costs: Sequence[MistakeCost]) -> list[str]:
    lines = ["## 一处错误的代价 The cost of one mistake", "", one_mistake_summary(costs) + ".", ""]
    if costs:
        lines += [
            "| assignment | student | mistaken item | lost on it | lost elsewhere |",
            "| --- | --- | --- | ---: | ---: |",
        ]
        lines += [
            _row(assignment, student, item, f"{on_it:g}", f"{elsewhere:g}")
            for assignment, student, item, on_it, elsewhere in costs
        ]
    return lines + [""]


# escaped with a backslash, as Markdown allows any ASCII punctuation to be
CELL_MARKUP = re.compile(r"[\\&<>\[\]!|]")


def _row(*cells: object) -> str:
    """A Markdown table row whose cells are text: a | (|wᵀx₀ + b|) would split the cell, a line break end
    the table, and < > & [ ] ! make HTML, links and images of a file's name."""
    return "| " + " | ".join(_cell_text(cell) for cell in cells) + " |"


def _cell_text(cell: object) -> str:
    return CELL_MARKUP.sub(r"\\\g<0>", " ".join(str(cell).splitlines()))


def _misconception_text(names: MisconceptionNames, item_id: str, variant: str) -> tuple[str, str]:
    if variant == misconceptions.PUBLIC_ANSWERS.id:
        return misconceptions.PUBLIC_ANSWERS.name, misconceptions.PUBLIC_ANSWERS.hint
    misconception = names.get((item_id, variant))
    return (misconception.name, misconception.hint) if misconception else (variant, "")


def _attention(rows: Sequence[AttentionRow], out: Path | None = None) -> list[str]:
    """The 'needs a look' section of attention_rows: the first SHOWN_ROWS, and every row in
    out/needs_a_look.csv (when out is given)."""
    lines = ["## 需要关注 Students who need a look", ""]
    if not rows:
        return lines + ["Nobody.", ""]
    header = ("student", "assignment", "what", "details")
    return lines + capped_table(header, sorted(rows), out and out / "needs_a_look.csv")


def attention_rows(
    reports: Reports,
    not_graded: Mapping[str, Mapping[str, str]],
    mismatches: Iterable[Mismatch],
    enforced: bool,
    withheld: Iterable[Withheld] = (),
    attempts_allowed: int | None = None,
) -> list[AttentionRow]:
    """[(student, assignment, what, details)] of the submissions that need a look: not graded,
    timeouts, crashes, exceptions, tamper flags, feedback held back, attempts past course.yaml's limit."""
    rows = [
        (student, assignment, "feedback held back", why) for student, assignment, why in withheld
    ]
    for assignment, reasons in not_graded.items():
        rows += [(student, assignment, "not graded", reason) for student, reason in reasons.items()]
    for assignment, by_student in reports.items():
        for student, report in by_student.items():
            if not isinstance(report, dict):
                rows.append((student, assignment, "not cross-checked", report))
                continue
            for status, label in ATTENTION.items():
                items = [r["id"] for r in report["items"] if r["status"] == status]
                if items:
                    rows.append((student, assignment, label, ", ".join(items)))
            attempt = report.get("attempt", 1)
            if attempts_allowed and attempt > attempts_allowed:
                details = f"attempt {attempt}; course.yaml allows {attempts_allowed}"
                rows.append((student, assignment, "past the attempt limit", details))
    by_submission = collections.defaultdict(list)
    for mismatch in mismatches:
        by_submission[(mismatch.student, mismatch.assignment)].append(mismatch)
    for (student, assignment), cells in by_submission.items():
        recorded = sum(m.kernel_score or 0.0 for m in cells)
        computed = sum(m.cli_score for m in cells)
        action = (
            "the command line's scores written to the gradebook"
            if enforced
            else "gradebook unchanged (--no-enforce); rerun without it to correct it"
        )
        rows.append(
            (
                student,
                assignment,
                "tamper flag",
                f"{len(cells)} cells: kernel {recorded:g} vs out of kernel {computed:g} points; {action}",
            )
        )
    return rows


def student_rows(
    db_url: str,
    registry: Course,
    students: Collection[str],
    assignments: Container[str],
    attention: Iterable[AttentionRow],
) -> list[tuple[str, ...]]:
    """[(name, id, assignment, items, derivations, late penalty, total, flags)]: each student's
    submission of each assignment (ids) as the gradebook holds it, its flags from attention_rows."""
    flags = collections.defaultdict(list)
    for student, assignment_id, what, _ in sorted(attention):
        flags[(student, assignment_id)].append(what)
    rows = []
    with Gradebook(db_url) as book:
        names = {s.id: " ".join(filter(None, (s.first_name, s.last_name))) for s in book.students}
        for assignment in (a for a in registry.assignments if a.id in assignments):
            for student in sorted(students):
                flagged = ", ".join(dict.fromkeys(flags[(student, assignment.id)]))
                grades = submission_grades(book, assignment.id, student)
                if grades is None:
                    rows.append(
                        (
                            names.get(student, ""),
                            student,
                            assignment.id,
                            *[""] * 4,
                            flagged or "no submission",
                        )
                    )
                    continue
                sums = totals(assignment, grades, late_penalty(book, assignment.id, student))
                derivations = (
                    (
                        f"{sums.awaiting} awaiting a person"
                        if sums.awaiting
                        else _number(sums.derivations_graded)
                    )
                    if assignment.derivations
                    else ""
                )
                rows.append(
                    (
                        names.get(student, ""),
                        student,
                        assignment.id,
                        _number(sums.items_total),
                        derivations,
                        _number(sums.late_penalty) if sums.late_penalty else "",
                        _number(sums.total),
                        flagged,
                    )
                )
    return rows


def _students_section(rows: Sequence[tuple[str, ...]], out: Path) -> list[str]:
    """The per-student table: the first SHOWN_ROWS, and every row in out/students.csv."""
    header = ("name", "id", "assignment", "items", "derivations", "late penalty", "total", "flags")
    return [
        "## 学生 Students",
        "",
        "Each student's submission: the automatic items' total, the derivations (graded by people; "
        "a total counts only what a person has graded), the late penalty, the total "
        "(as grades.csv, grades_per_item.csv and the LMS files have it) and what needs a look.",
        "",
        *capped_table(header, rows, out / "students.csv"),
    ]


def capped_table(
    header: Sequence[str], rows: Sequence[Sequence[object]], csv_path: Path | None = None
) -> list[str]:
    """A Markdown table of the first SHOWN_ROWS rows, then "…and K more" naming csv_path, which
    gets every row (header: column names; rows: tuples)."""
    if csv_path:
        with open(csv_path, "w", newline="", encoding="utf-8") as file:
            spreadsheet.writer(file).writerows([header, *rows])
    lines = [_row(*header), _row(*("---" for _ in header))]
    lines += [_row(*row) for row in rows[:SHOWN_ROWS]]
    if len(rows) > SHOWN_ROWS:
        where = f": {csv_path.name}" if csv_path else ""
        lines += [
            "",
            f"还有 {len(rows) - SHOWN_ROWS} 行 / and {len(rows) - SHOWN_ROWS} more{where}",
        ]
    return lines + [""]


def _plot_items(plots: Path, assignment: Assignment, by_student: AssignmentScores) -> Path:
    items = list(assignment.items)
    shares = [item_statistics(item, by_student)[1:] for item in items]
    figure, axes = plt.subplots(figsize=(8, 0.32 * len(items) + 1.2))
    left = [0.0] * len(items)
    for index, (label, color) in enumerate(
        (("full", "#4c9a2a"), ("partial", "#f2b134"), ("zero", "#c8553d"))
    ):
        widths = [100 * share[index] for share in shares]
        axes.barh([item.id for item in items], widths, left=left, color=color, label=label)
        left = [a + b for a, b in zip(left, widths)]
    axes.invert_yaxis()
    axes.set_xlabel("% of graded submissions")
    axes.set_title(f"{assignment.id}: marks per equation ({len(by_student)} submissions)", pad=24)
    axes.legend(
        loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=3, fontsize="small", frameon=False
    )
    return _save(figure, plots / f"{assignment.id}_items.png")


def _plot_totals(plots: Path, assignment: Assignment, totals: Sequence[float]) -> Path:
    figure, axes = plt.subplots(figsize=(6, 3))
    axes.hist(
        totals,
        bins=min(20, max(5, len(totals) // 2)),
        range=(0, assignment.item_points),
        color="#3b6ea5",
    )
    axes.set_xlabel(f"automatic items' total (of {assignment.item_points:g})")
    axes.set_ylabel("students")
    axes.set_title(f"{assignment.id}: totals")
    return _save(figure, plots / f"{assignment.id}_totals.png")


def _plot_misconceptions(
    plots: Path, counts: collections.Counter[tuple[str, str]], names: MisconceptionNames
) -> Path:
    top = counts.most_common(TOP_MISCONCEPTIONS)
    figure, axes = plt.subplots(figsize=(8, 0.35 * len(top) + 1.2))
    # the names' English half: Matplotlib's default font has no Chinese glyphs
    labels = [
        f"{item}: {_misconception_text(names, item, variant)[0].split(' / ')[-1]}"[:60]
        for (item, variant), _ in top
    ]
    axes.barh(labels, [count for _, count in top], color="#7a4ea3")
    axes.invert_yaxis()
    axes.set_xlabel("students")
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_title("most frequent misconceptions")
    return _save(figure, plots / "misconceptions.png")


def _save(figure: Figure, path: Path) -> Path:
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path


_STYLE = "body{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .5em}img{max-width:100%}table.side-by-side td{vertical-align:top}pre{margin:0;font-size:.85em}"

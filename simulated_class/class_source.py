"""The simulated class as a grading round's class: made anew in the round's output folder each run."""

from dataclasses import dataclass
from pathlib import Path

from autograder.integration.nbgrader_course import CourseFolder
from autograder.rounds import progress
from autograder.rounds.grading_round import Round, empty_output_folder, new_gradebook
from simulated_class.students import DUE, MISTAKE, make_class, write_class, write_extensions


@dataclass(frozen=True)
class SimulatedClass:
    """The kit's simulated class, made anew in the output folder each run."""

    small: bool = False
    size: int | None = None  # --students N: simulated_class.students.make_class's size

    def course_of(self, out: Path) -> CourseFolder:
        return CourseFolder(out / "course")

    def prepare(self, grading_round: Round) -> None:
        new_gradebook(grading_round.course)
        empty_output_folder(grading_round.out)
        # the class's own due dates: the shipped course.yaml sets none
        grading_round.dues.update({a: DUE[a] for a in grading_round.assignments})

    def arrive(self, grading_round: Round) -> list[str]:
        students = make_class(tuple(grading_round.assignments), self.small, self.size)
        course = grading_round.course
        roster = write_class(
            students, course.root, grading_round.assignments, progress.reporter("class")
        )
        course.import_students(roster, grading_round.registry.id)
        if grading_round.extensions is None:  # else the instructor's file given to the round
            grading_round.extensions = write_extensions(
                students, course.root, grading_round.assignments
            )
        for assignment in grading_round.assignments:
            collector = "autograder.integration.lms_collector.BlackboardCollector"
            course.run(
                "zip_collect",
                assignment,
                f"--ZipCollectApp.collector_plugin={collector}",
                "--force",
                log="zip_collect",
            )
        print(
            f"    {len(students)} students: {sum(s.channel == 'nbgrader' for s in students)} submitted through nbgrader, the others through the LMS download"
        )
        # the report measures what a single mistake costs: an assignment with one
        grading_round.known_mistakes = {
            s.id: {a: made[0][0] for a, made in s.mistakes.items() if len(made) == 1}
            for s in students
            if s.profile == MISTAKE
        }
        return [s.id for s in students]

"""nbgrader's configuration for the course: solutions/ is the source step, assignments/ the release step.

The course id comes from course.yaml; the gradebook and every other runtime file live in var/.
"""

from pathlib import Path

from autograder.course import load_course

ROOT = Path(__file__).resolve().parent

c = get_config()  # noqa: F821 (provided by nbgrader when it reads this file)
c.CourseDirectory.root = str(ROOT)
c.CourseDirectory.course_id = load_course().id
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "assignments"
c.CourseDirectory.db_url = f"sqlite:///{ROOT / 'var' / 'gradebook.db'}"

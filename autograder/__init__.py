"""The kit's grading side: the course registry (course.yaml) and, built on it, the hidden graders."""

from pathlib import Path

# The repository: course.yaml, solutions/, assignments/, student/, var/. The one definition of it.
ROOT = Path(__file__).resolve().parent.parent

"""The kit's grading side: the course registry (course.yaml) and, built on it, the hidden graders."""

"""The grading core: the course registry, the hidden cases, the comparison, the grader and its results."""

"""Grades in other systems' formats: Gradescope's results and bundle, the per-item CSV."""

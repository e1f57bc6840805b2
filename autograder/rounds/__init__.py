"""The grading round of a whole class, its record, its cross-check and its reports."""

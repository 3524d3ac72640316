"""Patients: one reader for every input form, the shapes, verdicts and timing."""

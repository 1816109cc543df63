"""Findings: cue lexicons, claim checks and added/dropped content."""

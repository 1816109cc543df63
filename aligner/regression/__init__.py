"""Regression: the sample pairs run against their expected findings."""

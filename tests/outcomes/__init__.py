"""Tests of analysis.outcomes."""

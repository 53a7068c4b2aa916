"""Tests of analysis.pipeline."""

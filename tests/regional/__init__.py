"""Tests of analysis.regional."""

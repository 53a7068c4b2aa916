"""Tests of analysis.protocols."""

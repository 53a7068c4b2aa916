"""Tests of analysis.business.report."""

"""Tests of analysis.sroi."""

"""Tests of analysis.business."""

"""Cooperation outcomes: outcome panels, synthetic panels, difference-in-differences
estimators, the cooperation survey and their report.
"""

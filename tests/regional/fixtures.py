"""The real regional data, loaded once per test session (read-only in every test)."""

from __future__ import annotations

import functools

from analysis.regional import data as regional
from analysis.regional import index as regional_index


@functools.cache
def loaded() -> regional.RegionalData:
    """``regional.load()`` of data/raw/regional; tests must not modify the frames."""
    return regional.load()


@functools.cache
def default_index() -> regional_index.IndexResult:
    """The municipal index with the default indicators and equal weights."""
    return regional_index.structural_weakness(loaded())

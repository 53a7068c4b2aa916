"""Kinds of raw file and the domain loader that validates each.

The catalogue (:mod:`analysis.catalog`) knows which kind every file under ``data/raw``
is, but no domain; this registry joins kinds to the loaders of the domains. It is
the pipeline's to hold, because the pipeline is the one layer allowed to import every
domain (see the import contracts in ``pyproject.toml``). Each loader raises
:class:`~analysis.errors.InputError` naming file, row, column/field and rule.
"""

from __future__ import annotations

from analysis.catalog import Validator
from analysis.outcomes.panel import load_panel, load_units
from analysis.outcomes.survey import load_codebook as load_survey_codebook
from analysis.outcomes.survey import validate_file as validate_survey
from analysis.pipeline.evidence import validate_centre_file, validate_scenario_file
from analysis.protocols.coding import load_codebook
from analysis.protocols.parse import parse_protocol
from analysis.regional.data import validate_file as validate_regional

VALIDATORS: dict[str, Validator] = {
    "protocol": parse_protocol,
    "codebook": load_codebook,
    # a centre file: impact map, every scenario (saved scenario files too), its business
    # section, and its evidence against the workshop protocols
    "impact_map": validate_centre_file,
    "sroi_centre": validate_centre_file,
    # a scenario saved from the what-if notebook: data/raw/sroi/scenarios/<centre>__<name>.yaml
    "sroi_scenario": validate_scenario_file,
    "panel": load_panel,
    "outcome_panel": load_panel,
    "outcome_panel_units": load_units,
    "survey": validate_survey,
    "survey_answers": validate_survey,
    "survey_codebook": load_survey_codebook,
    "regional": validate_regional,
}
"""Kind → the loader that validates a file of that kind."""

"""DORV workbench: cooperation of social organisations and housing companies.

A flat package of small modules, one concept each. Domain modules (protocols,
coding, sroi, sensitivity, outcomes, survey, regional, ...) hold the science;
pipeline modules (manifest, params, runner, cache, provenance, export, cli)
regenerate the reports; shared modules (paths, errors, formatting, i18n, schemas,
results, plots) serve both. Domain modules never import the pipeline.
"""

__version__ = "0.1.0"

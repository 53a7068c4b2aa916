"""The pipeline: run manifest, parameters, fingerprints, execution, export, CLI.

It may import every domain; no domain imports it (checked by import-linter).
"""

"""Workshop evidence in the centre files: checked against the protocols, and listed.

A centre file's outcome, input or figure may cite workshop statements
(``evidence: [dorv_juelich_strukturschwache_gebiete#c3]``), so that the impact map shows
which of its assumptions the stakeholders themselves voiced — the SROI Guide's principles
"involve stakeholders" and "be transparent" (Social Value UK / Nicholls, Lawlor,
Neitzert & Goodspeed, *A Guide to Social Return on Investment*, 2012, principles 1 and 6).
``sroi`` and ``protocols`` may not import each other, so the check that every cited
statement exists lives here, in the one layer that sees both; it runs in the centre
kind's validator (:mod:`analysis.pipeline.kinds`), before any notebook.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import pandas as pd

from analysis import paths
from analysis.errors import InputError, Problem, Rule
from analysis.protocols.statements import statement_index
from analysis.sroi.centre import ImpactMap, centre_files, citations, load_impact_map

EVIDENCE_COLUMNS = (
    "protocol_id",
    "workshop",
    "fictional",
    "statement_id",
    "question",
    "position",
    "text",
    "centre_id",
    "field",
    "kind",
)


def protocols_folder_for(centre_file: str | Path) -> Path:
    """The protocol folder a centre file's citations refer to: ``protocols/`` beside the
    centre file's ``sroi/`` folder when there is one, else ``data/raw/protocols``."""
    beside = Path(centre_file).resolve().parent.parent / "protocols"
    return beside if beside.is_dir() else paths.RAW / "protocols"


def evidence_problems(
    imap: ImpactMap, known: set[str] | frozenset[str], *, file: str | Path | None = None
) -> list[Problem]:
    """One problem per cited statement id that is not in ``known``: file, field path
    (``impact_map.outcomes.<id>.evidence``), the id, and the nearest existing ids."""
    problems = []
    protocols = {k.partition("#")[0] for k in known}
    for c in citations(imap.raw):
        if c.statement in known:
            continue
        near = ", ".join(difflib.get_close_matches(c.statement, sorted(known), n=3, cutoff=0.6))
        stem = c.statement.partition("#")[0]
        if stem in protocols:
            what = Rule(
                de="die zitierte Workshop-Aussage gibt es in den Protokollen nicht",
                en="cited workshop statement does not exist in the protocols",
            )
        else:
            what = Rule(
                de=f"zitierte Workshop-Aussage: kein lesbares Protokoll '{stem}' in den "
                "Protokollen",
                en=f"cited workshop statement: no readable protocol '{stem}' in the protocols",
            )
        problems.append(
            Problem(
                Rule(
                    de=f"{what.de}; nächste vorhandene: {near}" if near else what.de,
                    en=f"{what.en}; nearest existing: {near}" if near else what.en,
                ),
                str(file or imap.file),
                None,
                f"{c.field}.evidence",
                c.statement,
            )
        )
    return problems


def check_evidence(imap: ImpactMap, protocols: str | Path | None = None) -> None:
    """Raise :class:`InputError` if ``imap`` cites a statement that no protocol in
    ``protocols`` (default: :func:`protocols_folder_for` the centre file) has."""
    if not citations(imap.raw):
        return
    folder = Path(protocols) if protocols is not None else protocols_folder_for(imap.file)
    known = set(statement_index(folder)["statement_id"])
    problems = evidence_problems(imap, known)
    if problems:
        raise InputError(problems=problems)


def validate_centre_file(path: str | Path) -> object:
    """The centre kind's validator: the whole file (impact map, every scenario — saved
    scenario files included —, business section; :func:`analysis.business.centre.
    validate_file`), then its evidence against the protocols."""
    from analysis.business.centre import validate_file

    result = validate_file(path)
    check_evidence(load_impact_map(path))
    return result


def evidence_table(
    protocols: str | Path | None = None, centres: str | Path | None = None
) -> pd.DataFrame:
    """Which workshop statements feed which centre's impact map: one row per citation
    (statement × centre × field), ordered by workshop, question and position, with the
    statement's text (see :data:`EVIDENCE_COLUMNS`). For the Gesamt-Dokumentation; the
    wording of its columns is :func:`analysis.sroi.report.evidence_use_table`'s."""
    index = statement_index(protocols or paths.RAW / "protocols")
    rows = []
    for centre_id, path in centre_files(centres).items():
        imap = load_impact_map(path)
        for c in citations(imap.raw):
            rows.append(
                {
                    "statement_id": c.statement,
                    "centre_id": centre_id,
                    "field": c.field,
                    "kind": c.kind,
                }
            )
    cited = pd.DataFrame(rows, columns=["statement_id", "centre_id", "field", "kind"])
    out = index.merge(cited, on="statement_id", how="inner")
    out = out.sort_values(["protocol_id", "question", "position", "centre_id", "field"])
    return out[list(EVIDENCE_COLUMNS)].reset_index(drop=True)


def validate_scenario_file(path: str | Path) -> object:
    """The ``sroi_scenario`` kind's validator: the saved scenario file itself
    (:func:`analysis.sroi.scenario_files.read_scenario_file`), then its centre file with
    every scenario applied, so a saved scenario that addresses no figure is found before
    any run."""
    from analysis.sroi.scenario_files import SEPARATOR, read_scenario_file

    path = Path(path)
    model = read_scenario_file(path)
    centre = path.parent.parent / f"{model.centre}.yaml"
    if not centre.is_file():
        raise InputError(
            Rule(
                de=f"keine Zentrumsdatei {centre.name} neben dem Ordner scenarios für dieses "
                f"gespeicherte Szenario (<centre>{SEPARATOR}<name>.yaml)",
                en=f"no centre file {centre.name} beside the scenarios folder for this saved "
                f"scenario (<centre>{SEPARATOR}<name>.yaml)",
            ),
            file=path,
            column="centre",
            value=model.centre,
        )
    return validate_centre_file(centre)

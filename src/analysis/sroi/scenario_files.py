"""Scenarios saved in their own files: ``data/raw/sroi/scenarios/<centre>__<name>.yaml``.

The what-if notebook (``notebooks/50_what_if.ipynb``) saves the settings of the room as a
named scenario in a file of its own, so the centre file is never rewritten. Such a file
holds the scenario's overrides in the centre file's own form
(:class:`analysis.sroi.schema.OverrideSchema`: path, value, range rule, assumption; paths
may address impact-map and business figures alike), with a description, the date it was
saved and the scenario it started from. :func:`merge_saved_scenarios` adds them to the
centre's declared scenarios when the centre file is loaded
(:func:`analysis.sroi.centre.load_impact_map`); a name that clashes with a declared
scenario or another file is refused, naming both.

Writing (:func:`save_scenario`) is atomic and never overwrites: the file is written to a
temporary file in the same folder and linked into place, which fails if the name exists.
The catalogue (``data/raw/catalog.yaml``) gets an entry for the new file (kind
``sroi_scenario``, status ``authored``, with its sha256), written the same way.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from analysis.errors import InputError, Problem, Rule
from analysis.readers import read_yaml
from analysis.sroi.schema import ID_PATTERN, OverrideSchema
from analysis.validation import problems_from_pydantic

FOLDER = "scenarios"
"""Sub-folder of the centre files' folder that holds saved scenarios."""

SEPARATOR = "__"
"""Separates centre id and scenario name in a saved scenario's file name."""

KIND = "sroi_scenario"
"""The catalogue kind of a saved scenario file."""


class ScenarioFileSchema(BaseModel):
    """A saved scenario: ``<centre>__<name>.yaml`` under ``data/raw/sroi/scenarios``."""

    model_config = ConfigDict(extra="forbid")

    schema_version: Literal[1] = 1
    centre: str = Field(pattern=ID_PATTERN)
    name: str = Field(pattern=ID_PATTERN)
    description: str = Field(min_length=1)
    saved: dt.date
    based_on: str | None = None
    overrides: list[OverrideSchema] = Field(default_factory=list)


def name_problem(name: object) -> Rule | None:
    """Why ``name`` cannot name a saved scenario (None: it can)."""
    if not isinstance(name, str) or not re.fullmatch(ID_PATTERN, name):
        return Rule(
            de=f"ein Szenarioname muss dem Muster {ID_PATTERN} entsprechen (Kleinbuchstaben, "
            "Ziffern und '_', am Anfang ein Buchstabe), weil er Dateien und Berichte benennt",
            en=f"a scenario name must match {ID_PATTERN} (lower-case letters, digits and '_', "
            "starting with a letter), because it names files and reports",
        )
    if SEPARATOR in name or name.endswith("_"):
        return Rule(
            de=f"ein Szenarioname darf '{SEPARATOR}' nicht enthalten und nicht auf '_' enden",
            en=f"a scenario name may not contain '{SEPARATOR}' or end with '_'",
        )
    return None


def scenario_folder(centre_file: str | Path) -> Path:
    """The folder of the saved scenarios of the centre file ``centre_file``."""
    return Path(centre_file).parent / FOLDER


def scenario_path(centre_file: str | Path, name: str) -> Path:
    """Where the scenario ``name`` of ``centre_file`` is saved."""
    return scenario_folder(centre_file) / f"{Path(centre_file).stem}{SEPARATOR}{name}.yaml"


def saved_scenario_files(centre_file: str | Path) -> dict[str, Path]:
    """Name → file of every saved scenario of ``centre_file`` (sorted by file name)."""
    folder = scenario_folder(centre_file)
    if not folder.is_dir():
        return {}
    prefix = f"{Path(centre_file).stem}{SEPARATOR}"
    out = {}
    for p in sorted(folder.glob(f"{prefix}*.yaml")):
        if not p.name.startswith(".") and p.is_file():
            out[p.name[len(prefix) : -len(".yaml")]] = p
    return out


def read_scenario_file(path: str | Path, centre_id: str | None = None) -> ScenarioFileSchema:
    """Read and validate a saved scenario file; its file name must be
    ``<centre>__<name>.yaml`` with the centre and name it declares."""
    path = Path(path)
    data = read_yaml(path)
    if not isinstance(data, Mapping):
        raise InputError(
            Rule(
                de="eine Szenariodatei muss eine Zuordnung sein (YAML-Schlüssel auf oberster "
                "Ebene)",
                en="a scenario file must be a mapping (YAML keys at top level)",
            ),
            file=path,
        )
    try:
        model = ScenarioFileSchema.model_validate(dict(data))
    except ValidationError as err:
        raise InputError(problems=problems_from_pydantic(err, path)) from None
    problems = []
    expected = f"{model.centre}{SEPARATOR}{model.name}.yaml"
    if path.name != expected:
        problems.append(
            Problem(
                Rule(
                    de=f"der Dateiname muss '{expected}' lauten (<centre>{SEPARATOR}<name>.yaml, "
                    "wie centre und name in der Datei angeben)",
                    en=f"the file name must be '{expected}' (<centre>{SEPARATOR}<name>.yaml, as "
                    "the file's centre and name say)",
                ),
                str(path),
                None,
                "name",
                model.name,
            )
        )
    rule = name_problem(model.name)
    if rule:
        problems.append(Problem(rule, str(path), None, "name", model.name))
    if centre_id is not None and model.centre != centre_id:
        problems.append(
            Problem(
                Rule(
                    de=f"das Szenario gehört zum Zentrum '{centre_id}'",
                    en=f"the scenario belongs to centre '{centre_id}'",
                ),
                str(path),
                None,
                "centre",
            )
        )
    if problems:
        raise InputError(problems=problems)
    return model


def _as_declared(model: ScenarioFileSchema) -> dict[str, Any]:
    """The scenario in the centre file's own form (``scenarios.<name>``)."""
    return {
        "description": model.description,
        "overrides": [ov.model_dump(mode="json", exclude_none=True) for ov in model.overrides],
    }


def merge_saved_scenarios(data: Mapping[str, Any], centre_file: str | Path) -> dict[str, Any]:
    """``data`` (a centre file's content) with its saved scenarios added under
    ``scenarios``; a name declared twice (in the file and a saved file) is refused."""
    files = saved_scenario_files(centre_file)
    if not files:
        return dict(data)
    out = dict(data)
    declared = dict(out.get("scenarios") or {})
    problems: list[Problem] = []
    for name, path in files.items():
        try:
            model = read_scenario_file(path, Path(centre_file).stem)
        except InputError as err:
            problems += err.problems
            continue
        if name in declared:
            problems.append(
                Problem(
                    Rule(
                        de=f"das Szenario '{name}' ist bereits in {centre_file} deklariert; "
                        "benennen Sie die gespeicherte Szenariodatei um",
                        en=f"scenario '{name}' is already declared in {centre_file}; rename the "
                        "saved scenario file",
                    ),
                    str(path),
                    None,
                    "name",
                    name,
                )
            )
            continue
        declared[name] = _as_declared(model)
    if problems:
        raise InputError(problems=problems)
    out["scenarios"] = declared
    return out


def scenario_document(
    centre_id: str,
    name: str,
    overrides: Sequence[Mapping[str, Any]],
    *,
    description: str,
    based_on: str | None,
    saved: dt.date,
) -> dict[str, Any]:
    """The content of a saved scenario file (validated)."""
    doc = {
        "schema_version": 1,
        "centre": centre_id,
        "name": name,
        "description": description,
        "saved": saved.isoformat(),
        "based_on": based_on,
        "overrides": [dict(ov) for ov in overrides],
    }
    try:
        ScenarioFileSchema.model_validate(doc)
    except ValidationError as err:
        raise InputError(problems=problems_from_pydantic(err, f"scenario {name}")) from None
    return doc


def _write_new(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically; refuse if ``path`` exists (never overwrite)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.link(tmp, path)  # atomic, and fails if the name exists
        except FileExistsError:
            raise InputError(
                Rule(
                    de="ein gespeichertes Szenario dieses Namens existiert bereits; wählen Sie "
                    "einen anderen Namen (es wird nichts überschrieben)",
                    en="a saved scenario of this name exists; choose another name (nothing is "
                    "overwritten)",
                ),
                file=path,
                column="name",
            ) from None
    finally:
        Path(tmp).unlink(missing_ok=True)


def _replace(path: Path, text: str) -> None:
    """Replace ``path`` by ``text`` atomically (temporary file + rename)."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)


def catalogue_entry(path: Path, raw: Path, *, description: str, saved: dt.date) -> str:
    """The catalogue lines of a saved scenario file (to append under ``files:``)."""
    import hashlib

    rel = path.relative_to(raw).as_posix()
    entry = {
        rel: {
            "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
            "kind": KIND,
            "status": "authored",
            "title": f"Gespeichertes Szenario: {description}",
            "source": f"saved from notebooks/50_what_if.ipynb on {saved.isoformat()}",
            "licence": "MIT (project's own scenario)",
        }
    }
    text = yaml.safe_dump(entry, allow_unicode=True, sort_keys=False, width=100)
    return "".join(f"  {line}\n" for line in text.splitlines())


def check_new_name(centre_file: str | Path, name: object, declared: Sequence[str] = ()) -> Path:
    """The file a new saved scenario ``name`` of ``centre_file`` would get; an
    :class:`InputError` (column ``name``) if the name is malformed, one of the centre's
    ``declared`` scenarios or already saved."""
    centre_file = Path(centre_file)
    rule = name_problem(name)
    if rule:
        where = scenario_path(centre_file, name) if isinstance(name, str) and name else None
        raise InputError(
            rule, file=where or scenario_folder(centre_file), column="name", value=name
        )
    assert isinstance(name, str)
    path = scenario_path(centre_file, name)
    if name in declared or name in saved_scenario_files(centre_file):
        raise InputError(
            Rule(
                de=f"das Szenario '{name}' existiert bereits für das Zentrum "
                f"'{centre_file.stem}'; wählen Sie einen anderen Namen (es wird nichts "
                "überschrieben)",
                en=f"scenario '{name}' exists already for centre '{centre_file.stem}'; choose "
                "another name (nothing is overwritten)",
            ),
            file=path,
            column="name",
            value=name,
        )
    return path


def save_scenario(
    centre_file: str | Path,
    name: str,
    overrides: Sequence[Mapping[str, Any]],
    *,
    description: str,
    based_on: str | None = None,
    declared: Sequence[str] = (),
    saved: dt.date | None = None,
    catalog: str | Path | None = None,
) -> Path:
    """Save ``overrides`` as scenario ``name`` of ``centre_file`` in its own file
    (:func:`scenario_path`) and list it in ``catalog`` (the catalogue file, if given).

    Refused (:class:`InputError`, nothing written): a malformed name, a name that is
    one of the centre's ``declared`` scenarios or already saved, and overrides that do not
    fit the scenario schema. The centre file itself is never touched.
    """
    centre_file = Path(centre_file)
    path = check_new_name(centre_file, name, declared)
    saved = saved or dt.date.today()
    doc = scenario_document(
        centre_file.stem, name, overrides, description=description, based_on=based_on, saved=saved
    )
    header = (
        f"# Scenario '{name}' of centre '{centre_file.stem}', saved from the what-if notebook "
        f"(notebooks/50_what_if.ipynb) on {saved.isoformat()}.\n"
        "# Every override carries its assumption; the centre file is unchanged.\n"
    )
    body = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=100)
    _write_new(path, header + body)
    if catalog is not None:
        catalog = Path(catalog)
        text = catalog.read_text(encoding="utf-8")
        if not text.endswith("\n"):
            text += "\n"
        entry = catalogue_entry(path, catalog.parent, description=description, saved=saved)
        _replace(catalog, text + entry)
    return path

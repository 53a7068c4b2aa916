"""Typed notebook parameters, validated before anything executes.

A notebook's first cell tagged ``parameters`` holds type-annotated assignments
(``centre_id: str = "barmen"  # centre file``), so it stays papermill-compatible:
``papermill`` injects values after it as usual. This module reads that cell with
Python's own parser (:mod:`ast`; papermill's line pattern cannot read annotations such
as ``Literal["de", "en"]``) and checks a run's values against the annotations with
pydantic in strict mode. Papermill alone only warns about unknown names; here an
unknown name, a wrong type, a value outside its domain or a missing required value
stops the run with a message naming the run, the parameter and the rule.

Conventions: every parameter needs an annotation; a parameter whose default is
``None`` while its annotation does not admit ``None`` is *required*. An annotation the
kernel does not know by itself is written in quotes, so the cell still runs as plain
Python, and the choices of a ``Literal`` are written bare (``language: "Literal[de, en]"
= "de"``), so that papermill's own reader of the cell (``papermill --help-notebook``),
which allows no quotes inside an annotation, still sees every parameter; quoted choices
(``Literal['de', 'en']``) mean the same. Besides the builtins, annotations may use
``Literal``, ``Optional``, ``Union``, ``Annotated`` with the bounds ``Ge``, ``Gt``,
``Le``, ``Lt``, ``Interval`` (from ``annotated_types``), and these names:

=====================  ===================================================================
``PositiveInt``        an ``int`` ≥ 1 (e.g. Monte Carlo draws)
``NonNegativeInt``     an ``int`` ≥ 0
``PositiveFloat``      a ``float`` > 0
``Fraction``           a ``float`` in [0, 1]
``RawFile``            a file, folder or glob relative to ``data/raw``; ``""``: none
``ProjectFile``        a file, folder or glob relative to the project root; ``""``: none
``CentreId``           a centre file ``data/raw/sroi/<id>.yaml`` that exists
``ScenarioName``       a scenario declared in the centre file of parameter ``centre_id``
``ProtocolId``         a protocol file ``data/raw/protocols/<id>.*`` that exists
=====================  ===================================================================

A ``RawFile``/``ProjectFile`` parameter is an input of its run: the file joins the
run's fingerprint and is validated by the loader of its kind before anything executes,
like a declared input. Domains that depend on the data (``CentreId``, ``ScenarioName``,
``ProtocolId``) are checked by the hooks of :data:`analysis.pipeline.kinds.DOMAINS`.
"""

from __future__ import annotations

import ast
import hashlib
import io
import json
import tokenize
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Annotated, Any, Literal

from analysis.errors import ParameterError, Problem, Rule

INSPECT_VERSION = 2
"""Bumped when the reading of a parameters cell changes (part of the cache key)."""


@dataclass(frozen=True)
class FileParameter:
    """Marks a parameter whose value names a file the notebook reads: an input.

    ``base`` is the folder the notebook joins the value to: ``"raw"`` (``paths.RAW /
    value``, e.g. ``codebook``) or ``"root"`` (``paths.ROOT / value``, e.g. ``panel_file``).
    """

    base: Literal["raw", "root"]

    def path(self, value: str) -> str:
        """The file as a path relative to the project root."""
        rel = PurePosixPath(value.replace("\\", "/"))
        return (PurePosixPath("data/raw") / rel if self.base == "raw" else rel).as_posix()


@dataclass(frozen=True)
class Domain:
    """Marks a parameter whose allowed values depend on the data (a hook of
    :data:`analysis.pipeline.kinds.DOMAINS` checks them before execution)."""

    name: str


def _namespace() -> dict[str, Any]:
    from annotated_types import Ge, Gt, Interval, Le, Lt

    return {
        "int": int,
        "float": float,
        "str": str,
        "bool": bool,
        "list": list,
        "dict": dict,
        "tuple": tuple,
        "None": None,
        "Any": Any,
        "Optional": typing.Optional,
        "Union": typing.Union,
        "Literal": typing.Literal,
        "Annotated": Annotated,
        "typing": typing,
        "Ge": Ge,
        "Gt": Gt,
        "Le": Le,
        "Lt": Lt,
        "Interval": Interval,
        "PositiveInt": Annotated[int, Ge(1)],
        "NonNegativeInt": Annotated[int, Ge(0)],
        "PositiveFloat": Annotated[float, Gt(0)],
        "Fraction": Annotated[float, Interval(ge=0, le=1)],
        "RawFile": Annotated[str, FileParameter("raw")],
        "ProjectFile": Annotated[str, FileParameter("root")],
        "CentreId": Annotated[str, Domain("centre")],
        "ScenarioName": Annotated[str, Domain("scenario")],
        "ProtocolId": Annotated[str, Domain("protocol")],
    }


def _markers(tp: Any, kind: type) -> Iterator[Any]:
    """Every ``kind`` marker in the ``Annotated`` metadata anywhere inside ``tp``."""
    if typing.get_origin(tp) is Annotated:
        base, *meta = typing.get_args(tp)
        yield from (m for m in meta if isinstance(m, kind))
        yield from _markers(base, kind)
        return
    for arg in typing.get_args(tp):
        yield from _markers(arg, kind)


@dataclass(frozen=True)
class ParameterSpec:
    """One declared parameter of a notebook."""

    name: str
    annotation: str
    default: str
    help: str = ""

    @property
    def type(self) -> Any:
        """The annotation as a Python type (raises ValueError if it is not one)."""
        return _evaluate(self.annotation)

    @property
    def file_parameter(self) -> FileParameter | None:
        """How the notebook resolves a file named by this parameter (None: not a file)."""
        try:
            return next(_markers(self.type, FileParameter), None)
        except ValueError:
            return None

    @property
    def domains(self) -> list[str]:
        """The data-dependent domains this parameter's values must lie in."""
        try:
            return [d.name for d in _markers(self.type, Domain)]
        except ValueError:
            return []

    @property
    def default_value(self) -> Any:
        try:
            return ast.literal_eval(self.default)
        except (ValueError, SyntaxError):
            return ...

    @property
    def required(self) -> bool:
        """True when the default is None but None is not an allowed value."""
        if self.default_value is not None:
            return False
        from pydantic import TypeAdapter, ValidationError

        try:
            TypeAdapter(self.type).validate_python(None, strict=True)
        except ValidationError:
            return True
        return False


_TYPES: dict[str, Any] = {}


class _BareChoices(ast.NodeTransformer):
    """``Literal[de, en]`` → ``Literal['de', 'en']``: a bare word among the choices of a
    ``Literal`` is a text. Papermill's reader of parameter cells (``papermill
    --help-notebook``, its check of passed names) cannot read quotes inside an
    annotation, so choices are written bare."""

    def visit_Subscript(self, node: ast.Subscript) -> ast.AST:
        self.generic_visit(node)
        if isinstance(node.value, ast.Name) and node.value.id == "Literal":
            items = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
            words = [ast.Constant(i.id) if isinstance(i, ast.Name) else i for i in items]
            node.slice = ast.Tuple(words, ast.Load()) if len(words) > 1 else words[0]
        return node


def _evaluate(annotation: str) -> Any:
    if annotation not in _TYPES:
        try:
            tree = ast.fix_missing_locations(
                _BareChoices().visit(ast.parse(annotation, mode="eval"))
            )
            code = compile(tree, "<annotation>", "eval")
            _TYPES[annotation] = eval(code, {"__builtins__": {}}, _namespace())
        except Exception as err:
            raise ValueError(
                Rule(
                    de=f"die Annotation {annotation!r} ist kein unterstützter Typ",
                    en=f"annotation {annotation!r} is not a supported type",
                )
            ) from err
    return _TYPES[annotation]


def _rule(err: ValueError) -> Rule:
    """The rule an annotation's ``ValueError`` carries (:func:`_evaluate`)."""
    cause = err.args[0] if err.args else None
    return cause if isinstance(cause, Rule) else Rule(de=str(err), en=str(err))


def _notebook_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def parse_parameters(source: str) -> list[ParameterSpec]:
    """The parameters a ``parameters`` cell declares: its top-level assignments, in order.

    The annotation is taken as written (a quoted annotation without its quotes), the
    default as its source text, the help from the last comment inside the assignment's
    lines (a multi-line default may carry it on an inner line). An
    assignment without annotation gets the annotation ``""`` (reported by
    :func:`check_notebook`); other statements (imports, comments) are ignored. A cell
    that is not valid Python declares nothing.
    """
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    comments: dict[int, str] = {}
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type == tokenize.COMMENT:
                comments[tok.start[0]] = tok.string.lstrip("#").strip()
    except (tokenize.TokenError, IndentationError):
        pass
    specs = []
    for node in tree.body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            ann = node.annotation
            if isinstance(ann, ast.Constant) and isinstance(ann.value, str):
                annotation = " ".join(ann.value.split())
            else:
                annotation = ast.unparse(ann)
            name = node.target.id
        elif (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
        ):
            annotation, name = "", node.targets[0].id
        else:
            continue
        default = ast.get_source_segment(source, node.value) if node.value is not None else None
        specs.append(
            ParameterSpec(
                name=name,
                annotation=annotation,
                default=default if default is not None else "None",
                help=next(
                    (
                        comments[n]
                        for n in range(node.end_lineno or node.lineno, node.lineno - 1, -1)
                        if n in comments
                    ),
                    "",
                ),
            )
        )
    return specs


def inspect_parameters(notebook: Path, cache_dir: Path | None = None) -> list[ParameterSpec]:
    """The declared parameters of ``notebook``, in cell order (:func:`parse_parameters`).

    Results are cached under ``cache_dir`` keyed by the notebook's content hash, so an
    unchanged notebook costs no notebook parsing.
    """
    cache_file = None
    if cache_dir is not None:
        digest = _notebook_digest(notebook)
        cache_file = cache_dir / "params" / f"v{INSPECT_VERSION}-{digest}.json"
        if cache_file.is_file():
            return [ParameterSpec(**p) for p in json.loads(cache_file.read_text("utf-8"))]
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    cells = [
        c for c in nb.get("cells", []) if "parameters" in c.get("metadata", {}).get("tags", [])
    ]
    specs: list[ParameterSpec] = []
    if cells:
        source = cells[0].get("source", "")
        specs = parse_parameters("".join(source) if isinstance(source, list) else source)
    if cache_file is not None:
        from analysis.pipeline.atomic import write_text

        write_text(cache_file, json.dumps([s.__dict__ for s in specs], ensure_ascii=False))
    return specs


def check_notebook(notebook: str, specs: list[ParameterSpec]) -> list[Problem]:
    """Problems of the ``parameters`` cell itself: missing annotations, unknown types."""
    problems = []
    for s in specs:
        if s.annotation in ("", "None"):
            problems.append(
                Problem(
                    rule=Rule(
                        de="der Parameter hat keine Typannotation (schreiben Sie z. B. "
                        "`x: int = 1`)",
                        en="parameter has no type annotation (write e.g. `x: int = 1`)",
                    ),
                    file=notebook,
                    column=s.name,
                )
            )
            continue
        try:
            s.type  # noqa: B018 - evaluate the annotation
        except ValueError as err:
            problems.append(Problem(rule=_rule(err), file=notebook, column=s.name))
    return problems


def _unsafe_path(name: str, value: Any) -> Rule | None:
    """Why a text parameter could reach outside the project, or None.

    Notebooks join text parameters to project folders (``paths.RAW / codebook``), so no
    value may climb out with ``..`` or be absolute; an ``*_id`` names a file stem and
    may hold no path separator at all.
    """
    texts = [value] if isinstance(value, str) else []
    if isinstance(value, list | tuple):
        texts = [v for v in value if isinstance(v, str)]
    for text in texts:
        parts = text.replace("\\", "/").split("/")
        if ".." in parts or text.startswith(("/", "\\")) or text[1:3] in (":/", ":\\"):
            return Rule(
                de="muss innerhalb des Projekts bleiben: kein '..' und kein absoluter Pfad",
                en="must stay inside the project: no '..' and no absolute path",
            )
        if name.endswith("_id") and ("/" in text or "\\" in text):
            return Rule(
                de="eine Kennung ist ein Dateiname ohne Endung: kein '/' oder '\\'",
                en="an id is a file stem: no '/' or '\\'",
            )
    return None


def validate(
    run_name: str,
    values: dict[str, Any],
    specs: list[ParameterSpec],
    *,
    manifest_file: str,
    entry: int,
    notebook: str,
) -> list[Problem]:
    """Every problem of ``values`` against ``specs``; an empty list means valid."""
    from pydantic import TypeAdapter, ValidationError

    problems = check_notebook(notebook, specs)
    by_name = {s.name: s for s in specs}
    key = f"runs[{entry}].parameters"
    for name, value in values.items():
        spec = by_name.get(name)
        if spec is None:
            declared = ", ".join(by_name)
            problems.append(
                Problem(
                    rule=Rule(
                        de=f"Lauf '{run_name}': unbekannter Parameter; {notebook} deklariert: "
                        f"{declared or 'keine'}",
                        en=f"run '{run_name}': unknown parameter; {notebook} declares: "
                        f"{declared or 'none'}",
                    ),
                    file=manifest_file,
                    column=f"{key}.{name}",
                )
            )
            continue
        if spec.annotation in ("", "None"):
            continue  # reported once by check_notebook
        try:
            TypeAdapter(spec.type).validate_python(value, strict=True)
        except ValidationError as err:
            problems.append(_type_problem(run_name, name, value, spec, err, manifest_file, key))
            continue
        except ValueError as err:  # the annotation itself (reported by check_notebook too)
            why = _rule(err)
            problems.append(
                Problem(
                    rule=Rule(
                        de=f"Lauf '{run_name}': muss vom Typ {spec.annotation} sein ({why.de})",
                        en=f"run '{run_name}': must be of type {spec.annotation} ({why.en})",
                    ),
                    file=manifest_file,
                    column=f"{key}.{name}",
                    value=value,
                )
            )
            continue
        unsafe = _unsafe_path(name, value)
        if unsafe:
            problems.append(
                Problem(
                    rule=Rule(
                        de=f"Lauf '{run_name}': {unsafe.de}", en=f"run '{run_name}': {unsafe.en}"
                    ),
                    file=manifest_file,
                    column=f"{key}.{name}",
                    value=value,
                )
            )
    for spec in specs:
        if spec.name not in values and spec.annotation not in ("", "None"):
            try:
                required = spec.required
            except ValueError:
                continue
            if required:
                problems.append(
                    Problem(
                        rule=Rule(
                            de=f"Lauf '{run_name}': ein Pflichtparameter fehlt ({notebook} hat "
                            "keinen Standardwert dafür)",
                            en=f"run '{run_name}': required parameter is missing "
                            f"({notebook} has no default for it)",
                        ),
                        file=manifest_file,
                        column=f"{key}.{spec.name}",
                    )
                )
    return problems


def _element(value: Any, loc: tuple[Any, ...]) -> tuple[str, Any]:
    """The part of ``value`` a pydantic error location points to, as ``[0]``/``['key']``.

    Union member names in the location (``str``, ``none``, ...) are not parts of the value
    and end the walk.
    """
    where, current = "", value
    for part in loc:
        if isinstance(current, list | tuple) and isinstance(part, int) and part < len(current):
            where, current = f"{where}[{part}]", current[part]
        elif isinstance(current, dict) and part in current:
            where, current = f"{where}[{part!r}]", current[part]
        else:
            break
    return where, current


def _type_problem(
    run_name: str,
    name: str,
    value: Any,
    spec: ParameterSpec,
    err: Any,
    manifest_file: str,
    key: str,
) -> Problem:
    """The first type error of ``value``, naming the element (``covariates[0]``) if any."""
    from analysis.validation import pydantic_rule

    first = err.errors()[0]
    why = pydantic_rule(first)
    where, element = _element(value, tuple(first.get("loc", ())))
    if where:
        rule = Rule(
            de=f"Lauf '{run_name}': das Element {name}{where} muss zum Typ {spec.annotation} "
            f"passen ({why.de})",
            en=f"run '{run_name}': element {name}{where} must fit the type {spec.annotation} "
            f"({why.en})",
        )
        return Problem(rule=rule, file=manifest_file, column=f"{key}.{name}{where}", value=element)
    return Problem(
        rule=Rule(
            de=f"Lauf '{run_name}': muss vom Typ {spec.annotation} sein ({why.de})",
            en=f"run '{run_name}': must be of type {spec.annotation} ({why.en})",
        ),
        file=manifest_file,
        column=f"{key}.{name}",
        value=value,
    )


def effective_values(values: dict[str, Any], specs: list[ParameterSpec]) -> dict[str, Any]:
    """The notebook's literal defaults overridden by ``values``."""
    out = {s.name: s.default_value for s in specs if s.default_value is not ...}
    out.update(values)
    return out


def file_inputs(values: dict[str, Any], specs: list[ParameterSpec]) -> dict[str, str]:
    """The files a run's file parameters name (defaults included), as paths relative to
    the project root, keyed by parameter (``coding_sheet``; ``files[1]`` for a list).

    ``""`` names no file. Values are assumed valid (:func:`validate`).
    """
    effective = effective_values(values, specs)
    found: dict[str, str] = {}
    for spec in specs:
        marker = spec.file_parameter
        if marker is None or spec.name not in effective:
            continue
        value = effective[spec.name]
        if isinstance(value, str):
            if value:
                found[spec.name] = marker.path(value)
        elif isinstance(value, list | tuple):
            for i, v in enumerate(value):
                if isinstance(v, str) and v:
                    found[f"{spec.name}[{i}]"] = marker.path(v)
    return found


def raise_if_invalid(problems: list[Problem]) -> None:
    """Raise one :class:`ParameterError` listing all ``problems``, if any."""
    if problems:
        raise ParameterError(problems=problems)

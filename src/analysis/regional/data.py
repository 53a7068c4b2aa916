"""Official regional statistics: Deutschlandatlas indicators and BBSR settlement types.

Loads the unchanged CSV exports in ``data/raw/regional/`` (Deutschlandatlas, Destatis
im Auftrag des BMWSB, Stand 12.12.2024; BBSR siedlungsstrukturelle Kreistypen 2020)
against their schemas in :mod:`analysis.schemas` and joins them
municipality (Gemeinde) → district (Kreis) → settlement type (Kreistyp).

Pitfalls handled as the data README and the indicator overview (p. 3) state them:
keys are 8-character strings with their leading zero (``01001000``); -9999 (and
-99999 for ``st_einnkr``) means missing; ``preis_miet`` and ``preis_baul`` are
classes (``"7,00 bis unter 8,50"``) parsed to ``_low``/``_high`` bounds; Eisenach
(16056000) merged into the Wartburgkreis (16063000) on 1 July 2021, so the 2020
typology has one district more than the 2022 status. A file whose header, keys or
values break the schema is refused with an :class:`~analysis.errors.InputError`
naming file, row (the line in the CSV, header = line 1), column and rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from pydantic import ValidationError

from analysis import paths
from analysis.errors import InputError, Problem, Rule
from analysis.readers import check_size, read_yaml
from analysis.regional.schema import (
    REGIONAL_KEY_PATTERN,
    REGIONAL_MISSING_CODES,
    REGIONAL_TABLES,
    RegionalIndicatorFileSchema,
    RegionalTableSchema,
)
from analysis.validation import problems_from_pydantic

FOLDER = paths.RAW / "regional"
MUNICIPAL_FILES = (
    "deutschlandatlas_gem1222.csv",
    "deutschlandatlas_gem1221.csv",
    "deutschlandatlas_gem1220.csv",
)
"""Gemeinde sheets, newest territorial status first (the 2022 status is the frame)."""
DISTRICT_FILES = ("deutschlandatlas_krs1222.csv", "deutschlandatlas_krs1221.csv")
TYPOLOGY_FILE = "bbsr_siedlungsstrukturelle_kreistypen_2020.csv"
INDICATOR_FILE = "indicators.yaml"
MAX_PROBLEMS = 25

KREIS_SUCCESSORS: dict[str, str] = {"16056000": "16063000"}
"""2020 district → 2022 district it merged into: Eisenach joined the Wartburgkreis on
1 July 2021 (data README; Thüringer Gesetz zur freiwilligen Neugliederung kreisangehöriger
Gemeinden und des Wartburgkreises, 2021)."""

STATES: dict[str, str] = {
    "01": "Schleswig-Holstein",
    "02": "Hamburg",
    "03": "Niedersachsen",
    "04": "Bremen",
    "05": "Nordrhein-Westfalen",
    "06": "Hessen",
    "07": "Rheinland-Pfalz",
    "08": "Baden-Württemberg",
    "09": "Bayern",
    "10": "Saarland",
    "11": "Berlin",
    "12": "Brandenburg",
    "13": "Mecklenburg-Vorpommern",
    "14": "Sachsen",
    "15": "Sachsen-Anhalt",
    "16": "Thüringen",
}
"""Länder by the first two digits of the official municipality key (AGS; Destatis,
Gemeindeverzeichnis GV-ISys)."""

SETTLEMENT_TYPES: dict[int, dict[str, str]] = {
    1: {"de": "Kreisfreie Großstadt", "en": "Independent large city"},
    2: {"de": "Städtischer Kreis", "en": "Urban district"},
    3: {
        "de": "Ländlicher Kreis mit Verdichtungsansätzen",
        "en": "Rural district with signs of densification",
    },
    4: {"de": "Dünn besiedelter ländlicher Kreis", "en": "Sparsely populated rural district"},
}
"""BBSR siedlungsstrukturelle Kreistypen (German names as published by the BBSR; English
translations by the workbench)."""

ZERO_PLACEHOLDERS: tuple[str, ...] = ("st_einnkr", "beschq_insg")
"""Municipal columns where an exact 0 is a placeholder, not a measurement, and is read as
missing (cause ``placeholder``). The overview defines no code for it; the reading is the
workbench's (an assumption, checked against the data in tests/regional/test_data.py):
``st_einnkr`` (tax capacity per inhabitant) is 0.0 only in two areas without inhabitants
(Giebel, gemfr. Gebiet; Wolferlohe), where a value per inhabitant does not exist; the
employment rate ``beschq_insg`` (employees per 100 inhabitants of working age) is 0.0 in 16
places, among them Bromskirchen (Hessen, 54.8 inh./km²), where not a single employee is
not plausible — most likely a value withheld. (``beschq_w``/``beschq_m`` are left as they
are: in villages of a few dozen people a true 0 for one sex is possible.)"""

UNINHABITED_MARKERS: tuple[str, ...] = ("bev_dicht", "bev_entw")
"""Population-based columns of GEM1222 that are both missing (-9999) exactly where an area
has no inhabitants: the 204 such areas are gemeindefreie Gebiete (forests such as the
Ebersberger Forst, lakes such as the Starnberger See, uninhabited islands such as Memmert).
Their other municipal values (car times from the area's centroid, a tax capacity of 0)
describe no residents, so they take no part in index or candidates (:func:`uninhabited`)."""

CAR_FREE_ISLANDS: dict[str, dict[str, str]] = {
    "01056025": {"name": "Helgoland", "basis": "law", "source": "§ 50 StVO"},
    **{
        key: {"name": name, "basis": "assumption", "source": "–"}
        for key, name in (
            ("01054039", "Gröde"),
            ("01054050", "Hallig Hooge"),
            ("01054074", "Langeneß"),
        )
    },
    **{
        key: {
            "name": name,
            "basis": "press",
            "source": "MERIAN, „Ostfriesland: Urlaub auf autofreien Inseln“; "
            "dpa-infocom, 16.04.2025",
        }
        for key, name in (
            ("03452002", "Baltrum"),
            ("03452013", "Juist"),
            ("03462007", "Langeoog"),
            ("03462014", "Spiekeroog"),
            ("03455021", "Wangerooge"),
            ("13073040", "Insel Hiddensee"),
        )
    },
}
"""Municipalities on islands without car traffic, by GKZ, with the basis of the claim:
``law`` — Helgoland, § 50 StVO (Sonderregelung für die Insel Helgoland: motor-vehicle
traffic and cycling prohibited); ``press`` — the five car-free East Frisian islands and
Hiddensee (private cars not admitted, emergency vehicles excepted; MERIAN and dpa-infocom
reports); ``assumption`` — the Halligen Gröde, Hooge and Langeneß: no road link to the
mainland, supplied by ferry; that residents cannot drive to a shop is the workbench's
assumption (the 110–149 minutes of ``p_markt`` include the crossing), not checked against a
legal text. The car-time indicators (``p_*``, Thünen accessibility model) assume a car;
there they describe no resident's trip. The places stay in the index and are flagged
(:func:`car_free_island`)."""

_NUMBER = r"(\d+(?:\.\d{3})*(?:,\d+)?)"
_CLASS_PATTERNS = (
    (re.compile(rf"^{_NUMBER} bis unter {_NUMBER}$"), "between"),
    (re.compile(rf"^bis unter {_NUMBER}$"), "below"),
    (re.compile(rf"^{_NUMBER} und mehr$"), "above"),
)


def _german_number(text: str) -> float:
    return float(text.replace(".", "").replace(",", "."))


def parse_class(label: str) -> tuple[float, float]:
    """Bounds ``[low, high)`` of a published class such as ``"7,00 bis unter 8,50"``.

    ``"bis unter 5,50"`` has no published lower bound: prices cannot be negative, so it
    is 0. ``"11,50 und mehr"`` is open above: ``inf``. Raises ValueError otherwise.
    """
    text = label.strip()
    for pattern, kind in _CLASS_PATTERNS:
        m = pattern.match(text)
        if m is None:
            continue
        if kind == "between":
            low, high = _german_number(m.group(1)), _german_number(m.group(2))
            if not low < high:
                raise ValueError(
                    Rule(
                        de=f"Klasse {label!r}: die untere Grenze liegt nicht unter der oberen",
                        en=f"class {label!r}: lower bound is not below upper bound",
                    )
                )
            return low, high
        if kind == "below":
            return 0.0, _german_number(m.group(1))
        return _german_number(m.group(1)), float("inf")
    raise ValueError(
        Rule(
            de=f"die Klasse {label!r} hat nicht die Form 'a bis unter b', 'bis unter b' oder "
            "'a und mehr'",
            en=f"class {label!r} is not of the form 'a bis unter b', 'bis unter b' or 'a und mehr'",
        )
    )


@dataclass(frozen=True)
class Table:
    """One validated regional file: values by key, and where missing codes stood."""

    file: str
    """File name (the schema's key in REGIONAL_TABLES)."""
    path: str
    """Path as given, for messages."""
    frame: pd.DataFrame
    """Index: the 8-character key (str); columns: ``name`` and the values."""
    sentinels: pd.DataFrame
    """Columns ``file, key, column, code``: each cell read as NA, with its code in the
    source (``-9999``, ``-99999`` or ``empty``: a few cells are blank in GEM1222)."""


class _Problems:
    """Collects problems with a cap, so a wrong file gives a readable message."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.items: list[Problem] = []
        self.more = 0

    def add(self, rule: Rule, row: int | None = None, column: str | None = None, value=None):
        if len(self.items) < MAX_PROBLEMS:
            self.items.append(Problem(rule, self.file, row, column, value))
        else:
            self.more += 1

    def raise_if_any(self) -> None:
        if not self.items:
            return
        found = list(self.items)
        if self.more:
            more = Rule(
                de=f"… und {self.more} weitere Probleme", en=f"… and {self.more} more problems"
            )
            found.append(Problem(more, self.file))
        raise InputError(problems=found)


def _read_csv(path: Path) -> pd.DataFrame:
    check_size(path, "csv")
    try:
        return pd.read_csv(
            path, sep=";", dtype=str, keep_default_na=False, encoding="utf-8", quotechar='"'
        )
    except FileNotFoundError:
        raise InputError(Rule(de="Datei nicht gefunden", en="file not found"), file=path) from None
    except UnicodeDecodeError as err:
        raise InputError(
            Rule(de=f"kein UTF-8-Text ({err.reason})", en=f"not UTF-8 text ({err.reason})"),
            file=path,
        ) from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        raise InputError(
            Rule(
                de=f"keine durch ';' getrennte CSV-Datei: {err}",
                en=f"not a ';'-separated CSV file: {err}",
            ),
            file=path,
        ) from None


def _check_header(raw: pd.DataFrame, spec: RegionalTableSchema, found: _Problems) -> None:
    expected = spec.columns
    for col in expected:
        if col not in raw.columns:
            listed = ", ".join(expected)
            found.add(
                Rule(
                    de=f"eine Pflichtspalte fehlt (die Datei muss die Spalten haben: {listed})",
                    en=f"required column is missing (the file must have the columns: {listed})",
                ),
                1,
                col,
            )
    for col in raw.columns:
        if col not in expected:
            found.add(
                Rule(
                    de="unerwartete Spalte; sie gehört nicht zum veröffentlichten Aufbau dieser "
                    "Datei",
                    en="unexpected column; not part of this file's published layout",
                ),
                1,
                col,
            )


def _check_keys(keys: pd.Series, spec: RegionalTableSchema, found: _Problems) -> None:
    lines = np.arange(len(keys)) + 2
    bad = ~keys.str.fullmatch(REGIONAL_KEY_PATTERN).fillna(False).to_numpy(dtype=bool)
    for line, key in zip(lines[bad], keys[bad], strict=True):
        rule = Rule(
            de="der Schlüssel muss aus 8 Ziffern als Text bestehen, z. B. 01001000",
            en="key must be 8 digits as text, e.g. 01001000",
        )
        if re.fullmatch(r"[0-9]{7}", key or ""):
            rule = Rule(
                de=f"{rule.de} — die führende Null fehlt (Schlüssel müssen als Text gelesen "
                "und geschrieben werden)",
                en=f"{rule.en} — the leading zero is missing (keys must be read and written "
                "as text)",
            )
        found.add(rule, int(line), spec.key, key)
    dup = keys.duplicated(keep="first").to_numpy(dtype=bool)
    for line, key in zip(lines[dup], keys[dup], strict=True):
        twice = Rule(de="der Schlüssel kommt mehrfach vor", en="key occurs more than once")
        found.add(twice, int(line), spec.key, key)
    if spec.level == "kreis":
        not_kreis = ~bad & ~keys.str.endswith("000").to_numpy(dtype=bool)
        for line, key in zip(lines[not_kreis], keys[not_kreis], strict=True):
            kreis = Rule(de="ein Kreisschlüssel endet auf 000", en="a district key ends in 000")
            found.add(kreis, int(line), spec.key, key)


def _numeric(
    raw: pd.Series, keys: pd.Series, column: str, spec: RegionalTableSchema, found: _Problems
) -> tuple[pd.Series, pd.DataFrame | None]:
    """Numbers of one column with missing codes as NA, and where those codes stood."""
    lines = np.arange(len(raw)) + 2
    text = raw.str.strip()
    parsed = pd.to_numeric(text, errors="coerce").astype("float64")
    empty = (text == "").to_numpy(dtype=bool)
    bad = parsed.isna().to_numpy() & ~empty
    for line, v in zip(lines[bad], raw[bad], strict=True):
        nan = Rule(
            de="keine Zahl mit '.' als Dezimaltrennzeichen",
            en="not a number with '.' as decimal separator",
        )
        found.add(nan, int(line), column, v)
    coded = parsed.isin(REGIONAL_MISSING_CODES).to_numpy()
    values = parsed.mask(coded)
    low, high = spec.bounds.get(column, (None, None))
    out = np.zeros(len(values), dtype=bool)
    if low is not None:
        out |= (values < low).to_numpy(dtype=bool)
    if high is not None:
        out |= (values > high).to_numpy(dtype=bool)
    for line, v in zip(lines[out], raw[out], strict=True):
        outside = Rule(
            de=f"Wert außerhalb des plausiblen Bereichs [{low}, {high}]",
            en=f"value outside the plausible range [{low}, {high}]",
        )
        found.add(outside, int(line), column, v)
    hit = coded | empty
    if not hit.any():
        return values, None
    labels = np.where(empty, "empty", parsed.fillna(0).astype(int).astype(str))
    where = pd.DataFrame(
        {"file": "", "key": keys[hit].to_numpy(), "column": column, "code": labels[hit]}
    )
    return values, where


def _classed(raw: pd.Series, column: str, found: _Problems) -> pd.DataFrame:
    lows, highs = [], []
    for line, label in enumerate(raw, start=2):
        try:
            low, high = parse_class(label)
        except ValueError as err:
            cause = err.args[0] if err.args else None
            rule = cause if isinstance(cause, Rule) else Rule(de=str(err), en=str(err))
            found.add(rule, line, column, label)
            low, high = np.nan, np.nan
        lows.append(low)
        highs.append(high)
    return pd.DataFrame(
        {column: raw.to_numpy(), f"{column}_low": lows, f"{column}_high": highs}, index=raw.index
    )


def read_table(path: str | Path, spec: RegionalTableSchema | None = None) -> Table:
    """Read and validate one regional CSV; refuse it with every problem found.

    ``spec`` defaults to the schema registered under the file's name in
    :data:`analysis.regional.schema.REGIONAL_TABLES`.
    """
    path = Path(path)
    if spec is None:
        spec = REGIONAL_TABLES.get(path.name)
        if spec is None:
            listed = ", ".join(REGIONAL_TABLES)
            raise InputError(
                Rule(
                    de=f"unbekannte Regionaldatei; erwartet wird eine von {listed}",
                    en=f"unknown regional file; expected one of {listed}",
                ),
                file=path,
            )
    raw = _read_csv(path)
    found = _Problems(str(path))
    _check_header(raw, spec, found)
    found.raise_if_any()
    keys = raw[spec.key].str.strip()
    _check_keys(keys, spec, found)
    parts: list[pd.DataFrame | pd.Series] = [raw[spec.name].rename("name")]
    sentinels = []
    for col in spec.numeric:
        values, where = _numeric(raw[col], keys, col, spec, found)
        if where is not None:
            sentinels.append(where.assign(file=path.name))
        parts.append(values.rename(col))
    for col in spec.classed:
        parts.append(_classed(raw[col], col, found))
    for col, allowed in spec.coded.items():
        codes = pd.to_numeric(raw[col].str.strip(), errors="coerce")
        bad = ~codes.isin(allowed).to_numpy()
        listed = ", ".join(map(str, allowed))
        for line, v in zip(np.arange(len(raw))[bad] + 2, raw[col][bad], strict=True):
            rule = Rule(
                de=f"der Code muss einer von {listed} sein", en=f"code must be one of {listed}"
            )
            found.add(rule, int(line), col, v)
        parts.append(codes.astype("Int64").rename(col))
    for col in spec.labels:
        parts.append(raw[col])
    found.raise_if_any()
    frame = pd.concat(parts, axis=1)
    frame.index = pd.Index(keys.to_numpy(), name="key", dtype=str)
    sentinel_frame = (
        pd.concat(sentinels, ignore_index=True)
        if sentinels
        else pd.DataFrame(columns=["file", "key", "column", "code"])
    )
    return Table(path.name, str(path), frame, sentinel_frame)


def validate_file(path: str | Path) -> Table | pd.DataFrame:
    """Validate any regional input by its file name (for the raw-data catalogue check)."""
    path = Path(path)
    if path.name == INDICATOR_FILE:
        return load_indicators(path)
    if path.suffix == ".pdf":
        if path.read_bytes()[:5] != b"%PDF-":
            raise InputError(Rule(de="keine PDF-Datei", en="not a PDF file"), file=path)
        return pd.DataFrame()
    return read_table(path)


def load_indicators(path: str | Path | None = None) -> pd.DataFrame:
    """The indicator codebook (indicators.yaml) as a DataFrame indexed by code."""
    path = Path(path) if path is not None else FOLDER / INDICATOR_FILE
    data = read_yaml(path)
    try:
        model = RegionalIndicatorFileSchema.model_validate(data)
    except ValidationError as err:
        raise InputError(problems=problems_from_pydantic(err, path, row_key="indicators")) from None
    rows = []
    for ind in model.indicators:
        spec = REGIONAL_TABLES[ind.file]
        row = ind.model_dump()
        for field in ("label", "definition", "unit"):
            text = row.pop(field)
            row[f"{field}_de"], row[f"{field}_en"] = text["de"], text["en"]
        row["level"] = spec.level
        rows.append(row)
    return pd.DataFrame(rows).set_index("code")


def district_key(municipality_keys: pd.Series | pd.Index) -> pd.Series:
    """Kreis key of each Gemeinde key: its first five digits followed by ``000``."""
    keys = pd.Series(np.asarray(municipality_keys, dtype=object), dtype=str)
    return keys.str[:5] + "000"


def settlement_types(typology: Table, district_keys: pd.Index) -> pd.DataFrame:
    """Settlement type of each 2022 district from the 2020 BBSR typology.

    2020 districts that merged into a 2022 district (:data:`KREIS_SUCCESSORS`) pass
    their type to it; merged districts of different types are refused, as is a 2022
    district without a type or a 2020 district without a 2022 counterpart.
    """
    code_col = next(iter(REGIONAL_TABLES[TYPOLOGY_FILE].coded))
    frame = typology.frame
    found = _Problems(typology.path)
    mapped: dict[str, int] = {}
    lines = {key: line for line, key in enumerate(frame.index, start=2)}
    # Districts that still exist first, so a conflict is reported at the merged one.
    order = sorted(frame.index, key=lambda k: (k in KREIS_SUCCESSORS, lines[k]))
    for key in order:
        code, line = frame.loc[key, code_col], lines[key]
        target = KREIS_SUCCESSORS.get(key, key)
        if target not in district_keys:
            found.add(
                Rule(
                    de="der Kreis von 2020 hat keine Entsprechung von 2022 und keinen "
                    "angegebenen Nachfolger",
                    en="district of 2020 has no 2022 counterpart and no declared successor",
                ),
                line,
                REGIONAL_TABLES[TYPOLOGY_FILE].key,
                key,
            )
            continue
        if target in mapped and mapped[target] != int(code):
            found.add(
                Rule(
                    de=f"der in {target} aufgegangene Kreis hat einen anderen "
                    f"siedlungsstrukturellen Kreistyp ({code} statt {mapped[target]})",
                    en=f"district merged into {target} has a different settlement type "
                    f"({code} vs {mapped[target]})",
                ),
                line,
                code_col,
                key,
            )
        mapped.setdefault(target, int(code))
    for key in district_keys:
        if key not in mapped:
            untyped = Rule(
                de="der Kreis von 2022 hat keinen Kreistyp in der Typisierung von 2020",
                en="2022 district has no settlement type in the 2020 typology",
            )
            found.add(untyped, None, None, key)
    found.raise_if_any()
    out = pd.DataFrame({"settlement_type": pd.Series(mapped, dtype="Int64")})
    out.index.name = "key"
    return out.reindex(district_keys)


@dataclass(frozen=True)
class RegionalData:
    """The joined regional data of one territorial status (31.12.2022)."""

    districts: pd.DataFrame
    """Index: Kreis key. ``name, state, state_name, settlement_type`` + Kreis indicators."""
    municipalities: pd.DataFrame
    """Index: Gemeinde key. ``name, district, district_name, state, state_name,
    settlement_type`` + Gemeinde indicators (older territorial status joined by key)."""
    indicators: pd.DataFrame
    """The indicator codebook (indicators.yaml), indexed by code."""
    sentinels: pd.DataFrame
    """Every cell read as missing: ``file, key, column, code`` (-9999, -99999, empty, or
    ``0`` for a placeholder zero of :data:`ZERO_PLACEHOLDERS`)."""
    unmatched: pd.DataFrame
    """Keys of older Gemeinde sheets that are not in GEM1222 (territorial changes) and
    GEM1222 keys without a row there: ``file, key, name, rule``."""


def _states(keys: pd.Index) -> pd.DataFrame:
    code = pd.Series(keys, index=keys).str[:2]
    return pd.DataFrame({"state": code, "state_name": code.map(STATES)}, index=keys)


def load(folder: str | Path | None = None) -> RegionalData:
    """Read every regional file in ``folder`` (default ``data/raw/regional``) and join them."""
    folder = Path(folder) if folder is not None else FOLDER
    krs = [read_table(folder / f) for f in DISTRICT_FILES]
    gem = [read_table(folder / f) for f in MUNICIPAL_FILES]
    typology = read_table(folder / TYPOLOGY_FILE)
    indicators = load_indicators(folder / INDICATOR_FILE)
    districts = _districts(krs, typology)
    municipalities, unmatched = _municipalities(gem, districts)
    municipalities, placeholders = zero_placeholders(municipalities, ZERO_PLACEHOLDERS)
    placeholders["file"] = gem[0].file
    return RegionalData(
        districts=districts,
        municipalities=municipalities,
        indicators=indicators,
        sentinels=pd.concat(
            [*(t.sentinels for t in (*krs, *gem)), placeholders], ignore_index=True
        ),
        unmatched=unmatched,
    )


def zero_placeholders(
    frame: pd.DataFrame, columns: tuple[str, ...] | list[str]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``frame`` with exact zeros in ``columns`` read as missing, and where they stood
    (``file, key, column, code`` with code ``"0"``; see :data:`ZERO_PLACEHOLDERS`)."""
    out = frame.copy()
    rows = []
    for col in columns:
        if col not in out.columns:
            continue
        zero = out[col].eq(0.0).to_numpy(dtype=bool)
        out.loc[zero, col] = np.nan
        rows.append(pd.DataFrame({"file": "", "key": out.index[zero], "column": col, "code": "0"}))
    where = (
        pd.concat(rows, ignore_index=True)
        if rows
        else pd.DataFrame(columns=["file", "key", "column", "code"])
    )
    return out, where


def uninhabited(municipalities: pd.DataFrame) -> pd.Series:
    """True for areas without inhabitants: every column of :data:`UNINHABITED_MARKERS`
    (population density and population change) is missing."""
    markers = municipalities[list(UNINHABITED_MARKERS)]
    return markers.isna().all(axis=1).rename("uninhabited")


def car_free_island(keys: pd.Index | pd.Series) -> pd.Series:
    """True for municipalities on an island without car traffic (:data:`CAR_FREE_ISLANDS`)."""
    keys = pd.Index(keys)
    return pd.Series(keys.isin(list(CAR_FREE_ISLANDS)), index=keys, name="car_free_island")


def exclusions(data: RegionalData) -> pd.DataFrame:
    """Every municipality kept out of index and candidates, with its rule and evidence:
    ``key, name, district_name, state_name, rule`` (``uninhabited``) and the values of
    :data:`UNINHABITED_MARKERS` as found (all missing) — nothing is dropped silently."""
    mask = uninhabited(data.municipalities)
    cols = ["name", "district_name", "state_name"]
    out = data.municipalities.loc[mask, cols].assign(rule="uninhabited")
    return out.reset_index()


def _districts(krs: list[Table], typology: Table) -> pd.DataFrame:
    """The district sheets joined by key (Kreise did not change between their statuses),
    with state and settlement type."""
    base = krs[0].frame
    for other in krs[1:]:
        missing = base.index.difference(other.frame.index)
        extra = other.frame.index.difference(base.index)
        if len(missing) or len(extra):
            gone, more = list(missing[:5]), list(extra[:5])
            raise InputError(
                Rule(
                    de="die Kreisschlüssel weichen von KRS1222 ab (die Kreise haben sich zwischen "
                    f"den beiden Gebietsständen nicht geändert): es fehlen {gone}, "
                    f"zusätzlich {more}",
                    en="district keys differ from KRS1222 (Kreise did not change between the two "
                    f"statuses): missing {gone}, extra {more}",
                ),
                file=other.path,
                column=REGIONAL_TABLES[other.file].key,
            )
    districts = pd.concat(
        [_states(base.index), base, *[t.frame.drop(columns="name") for t in krs[1:]]], axis=1
    )
    districts = districts.join(settlement_types(typology, districts.index))
    if districts["state_name"].isna().any():
        bad = districts.index[districts["state_name"].isna()][0]
        raise InputError(
            Rule(
                de="unbekannter Ländercode (die ersten beiden Ziffern)",
                en="unknown state code (first two digits)",
            ),
            file=krs[0].path,
            value=bad,
        )
    return districts


def _municipalities(gem: list[Table], districts: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The GEM1222 frame with district, state and settlement type, the older municipal
    sheets joined by key, and the keys that did not match between the statuses."""
    frame = gem[0].frame
    dkeys = pd.Series(district_key(frame.index).to_numpy(), index=frame.index)
    orphan = ~dkeys.isin(districts.index)
    if orphan.any():
        raise InputError(
            problems=[
                Problem(
                    Rule(
                        de=f"der aus dem Gemeindeschlüssel abgeleitete Kreisschlüssel {dkeys[k]} "
                        f"steht nicht in {DISTRICT_FILES[0]}",
                        en=f"district key {dkeys[k]} derived from the municipality key is not in "
                        f"{DISTRICT_FILES[0]}",
                    ),
                    gem[0].path,
                    int(frame.index.get_loc(k)) + 2,
                    REGIONAL_TABLES[gem[0].file].key,
                    k,
                )
                for k in frame.index[orphan][:MAX_PROBLEMS]
            ]
        )
    unmatched = []
    parts = [frame]
    for table in gem[1:]:
        unmatched += _unmatched_keys(frame, table)
        parts.append(table.frame.drop(columns="name").reindex(frame.index))
    municipalities = pd.concat(parts, axis=1)
    context = districts.loc[dkeys.to_numpy(), ["name", "state", "state_name", "settlement_type"]]
    context = context.rename(columns={"name": "district_name"}).set_index(frame.index)
    municipalities.insert(1, "district", dkeys)
    municipalities = pd.concat(
        [municipalities.iloc[:, :2], context, municipalities.iloc[:, 2:]], axis=1
    )
    return municipalities, pd.concat(unmatched, ignore_index=True)


def _unmatched_keys(frame: pd.DataFrame, older: Table) -> list[pd.DataFrame]:
    """Keys of an older municipal sheet not in GEM1222 (territorial changes: their values
    are not used), and GEM1222 keys without a row there (their values are missing)."""
    gone = older.frame.index.difference(frame.index)
    new = frame.index.difference(older.frame.index)
    return [
        pd.DataFrame(
            {
                "file": older.file,
                "key": gone,
                "name": older.frame.loc[gone, "name"].to_numpy(),
                "rule": "key not in GEM1222 (territorial change); its values are not used",
            }
        ),
        pd.DataFrame(
            {
                "file": older.file,
                "key": new,
                "name": frame.loc[new, "name"].to_numpy(),
                "rule": f"GEM1222 key has no row in {older.file}; its values are missing",
            }
        ),
    ]


def indicator_level(data: RegionalData, code: str) -> str:
    """``gemeinde`` or ``kreis``: the level at which ``code`` is published."""
    if code not in data.indicators.index:
        listed = ", ".join(data.indicators.index)
        raise InputError(
            Rule(
                de=f"unbekannter Indikator; verwenden Sie einen von {listed}",
                en=f"unknown indicator; use one of {listed}",
            ),
            file=INDICATOR_FILE,
            column="code",
            value=code,
        )
    return str(data.indicators.loc[code, "level"])


def values(
    data: RegionalData,
    codes: list[str],
    level: str = "gemeinde",
    exclude: pd.Index | None = None,
) -> pd.DataFrame:
    """Indicator values per place at ``level`` (``gemeinde`` or ``kreis``).

    At Gemeinde level a district indicator is the district's value (every municipality
    of a Kreis shares it). At Kreis level a Gemeinde indicator is the **unweighted
    median** over the district's municipalities: the files carry no population counts,
    so a population-weighted mean cannot be formed (a stated approximation).
    ``exclude`` (municipality keys, e.g. the uninhabited areas) have no values at
    Gemeinde level and are left out of the district medians.
    """
    if level not in ("gemeinde", "kreis"):
        raise ValueError("level must be 'gemeinde' or 'kreis'")
    municipalities = data.municipalities
    if exclude is not None and len(exclude):
        municipalities = municipalities.drop(index=pd.Index(exclude))
    out = {}
    for code in codes:
        published = indicator_level(data, code)
        if level == published == "gemeinde":
            out[code] = data.municipalities[code]
        elif level == published == "kreis":
            out[code] = data.districts[code]
        elif level == "gemeinde":
            out[code] = (
                data.districts[code]
                .reindex(data.municipalities["district"])
                .set_axis(data.municipalities.index)
            )
        else:
            out[code] = municipalities.groupby("district")[code].median()
    if level == "gemeinde":
        frame = pd.DataFrame(out, index=data.municipalities.index)
        if exclude is not None and len(exclude):
            frame.loc[frame.index.isin(pd.Index(exclude))] = np.nan
        return frame
    return pd.DataFrame(out, index=data.districts.index)


def places(data: RegionalData, level: str = "gemeinde") -> pd.DataFrame:
    """Name, district, state and settlement type of every place at ``level``."""
    if level == "gemeinde":
        cols = ["name", "district", "district_name", "state", "state_name", "settlement_type"]
        return data.municipalities[cols]
    frame = data.districts[["name", "state", "state_name", "settlement_type"]].copy()
    frame.insert(1, "district", frame.index)
    frame.insert(2, "district_name", frame["name"])
    return frame


def missing_table(data: RegionalData, codes: list[str], level: str = "gemeinde") -> pd.DataFrame:
    """Every missing indicator value per place, with its cause: one row per cell.

    Causes: ``coded`` (the source has -9999, -99999 or an empty cell: ``source_code``),
    ``placeholder`` (an exact 0 read as missing, :data:`ZERO_PLACEHOLDERS`),
    ``older_status`` (no row in the older territorial status the indicator comes from),
    ``missing`` (otherwise absent), ``no_municipal_value`` (Kreis level: none of the
    district's municipalities has a value). ``via_district`` marks a municipality that
    lacks its district's value. :func:`analysis.regional.report.missing_reason` says it
    in words.
    """
    vals = values(data, codes, level)
    info = places(data, level)
    coded = data.sentinels.set_index(["key", "column"])["code"]
    absent = data.unmatched[data.unmatched["rule"].str.startswith("GEM1222")]
    unmatched = set(zip(absent["file"], absent["key"], strict=True))
    rows = []
    for code in codes:
        published = indicator_level(data, code)
        for key in vals.index[vals[code].isna()]:
            source_code = None
            via_district = published != level and level == "gemeinde"
            if level == "kreis" and published == "gemeinde":
                cause = "no_municipal_value"
            else:
                src = info.loc[key, "district"] if via_district else key
                if (src, code) in coded.index:
                    source_code = str(coded.loc[(src, code)])
                    cause = "placeholder" if source_code == "0" else "coded"
                elif (data.indicators.loc[code, "file"], src) in unmatched:
                    cause = "older_status"
                else:
                    cause = "missing"
            rows.append(
                {
                    "key": key,
                    "name": info.loc[key, "name"],
                    "indicator": code,
                    "cause": cause,
                    "source_code": source_code,
                    "via_district": via_district,
                }
            )
    columns = ["key", "name", "indicator", "cause", "source_code", "via_district"]
    return pd.DataFrame(rows, columns=columns)


def place_level(data: RegionalData, key: str) -> str:
    """``gemeinde`` or ``kreis`` for a place key; refuses unknown or malformed keys."""
    if not isinstance(key, str) or not re.fullmatch(REGIONAL_KEY_PATTERN, key):
        raise InputError(
            Rule(
                de="der Ortsschlüssel muss aus 8 Ziffern als Text bestehen, z. B. 05358024 "
                "(Jülich)",
                en="place key must be 8 digits as text, e.g. 05358024 (Jülich)",
            ),
            column="place_key",
            value=key,
        )
    if key in data.municipalities.index:
        return "gemeinde"
    if key in data.districts.index:
        return "kreis"
    raise InputError(
        Rule(
            de="der Ortsschlüssel ist weder eine Gemeinde (GEM1222) noch ein Kreis (KRS1222)",
            en="place key is neither a municipality (GEM1222) nor a district (KRS1222)",
        ),
        column="place_key",
        value=key,
    )

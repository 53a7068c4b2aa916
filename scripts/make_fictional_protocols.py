"""Write the fictional example protocols that need a generator (reproducible output).

Two of the three fictional protocols in data/raw/protocols/ cannot be hand-edited
comfortably: a Word file (.docx) and a Windows-1252 ("ANSI") text file. This script
writes both from the texts below. Both are FICTIONAL: invented for the workbench,
marked so in the file name (``fiktiv_``) and first line; every organisation and
statement is made up. Run from the project root:

    .venv/bin/python scripts/make_fictional_protocols.py

The .docx is re-zipped with fixed timestamps so that its bytes (and sha256) do not
change between runs.
"""

# ruff: noqa: E501  (the protocol text keeps the long lines real minutes have)
from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

from docx import Document

ROOT = Path(__file__).resolve().parents[1]
FOLDER = ROOT / "data" / "raw" / "protocols"

NOTE = (
    "FIKTIVES BEISPIELPROTOKOLL – für die Werkbank erfunden, kein Ergebnis eines echten "
    "Workshops; Organisationen und Aussagen sind ausgedacht."
)
SERIES = (
    "Gesamt-Dokumentation zur Veranstaltungsreihe: „Soziale Organisationen als Partner "
    "der Wohnungswirtschaft“"
)

# --------------------------------------------------------------------------------------
# 1. Quartiersarbeit und Nachbarschaft (.docx: Word headings and bullet list style)
# --------------------------------------------------------------------------------------

DOCX_TITLE = "Workshop: Quartiersarbeit und gute Nachbarschaft in Großwohnsiedlungen"
DOCX_QUESTIONS: list[tuple[str, list[str], list[str]]] = [
    (
        "a. In welchem Handlungsfeld ist die soziale Organisation tätig und worin besteht "
        "die Kooperation mit der Wohnungswirtschaft?",
        [
            "Quartiersmanagement mit Nachbarschaftstreff in einer Siedlung der 1970er Jahre",
            "Beratung bei Nachbarschaftskonflikten und Mieterbeteiligung",
            "Die Wohnungsgesellschaft stellt eine Erdgeschosswohnung als Treffpunkt und "
            "finanziert anteilig eine halbe Stelle",
        ],
        [],
    ),
    (
        "b. Welcher Voraussetzungen bedarf es bei den sozialen Organisationen und der "
        "Wohnungswirtschaft, um eine Kooperation für gute Nachbarschaft in Großwohnsiedlungen "
        "zu realisieren?",
        [
            "Kooperation auf Augenhöhe: die Wohnungswirtschaft ist nicht nur Geldgeber",
            "Beide Seiten müssen die Logik der anderen verstehen lernen: Sozialarbeit "
            "braucht Zeit, Vermietung braucht Planbarkeit",
            "Ein gemeinsames Verständnis davon, was Erfolg ist – Rendite ist nicht nur Geld, "
            "sondern auch weniger Fluktuation und Leerstand",
            "Langfristige Verträge statt Projektförderung von Jahr zu Jahr",
        ],
        [],
    ),
    (
        "c. Welche Unterstützung benötigt die soziale Organisation in der Kooperation mit "
        "wohnungswirtschaftlichen Akteuren oder ggf. auch anderen Akteuren?",
        [
            "Räume im Quartier zu einer tragbaren Miete, mit Umbau für Barrierefreiheit",
            "Finanzierung der Personalkosten für die Quartiersarbeit",
            "Unterstützung bei der Öffentlichkeitsarbeit: Aushänge, Mieterzeitung, Website",
        ],
        ["Die Stadt sollte als dritter Partner mit am Tisch sitzen."],
    ),
    (
        "d. Wie kann die Kooperation verbessert werden (generelle Empfehlungen, Maßnahmen, "
        "Instrumente etc.)?",
        [
            "Regelmäßige Quartiersrunden mit Wohnungsgesellschaft, Trägern und Kommune",
            "Partner aus Sport, Kultur und Schule einbinden und vernetzen",
            "Nachbarschaftsfeste und Aktionen gemeinsam bewerben",
            "Ehrenamtliche Mieterinnen und Mieter als gleichberechtigte Partner beteiligen",
        ],
        [],
    ),
    (
        "e. Gibt es weitere Themen und Vorschläge, die bei der Förderung der Kooperation "
        "vor Ort zwischen sozialer Organisation und der Wohnungswirtschaft beachtet werden "
        "sollten?",
        [
            "Förderprogramme sollten auch die Analyse- und Planungsphase finanzieren",
            "Politik und Verwaltung müssen Quartiersarbeit als Daueraufgabe anerkennen",
        ],
        [],
    ),
]

# --------------------------------------------------------------------------------------
# 2. Pflege und Wohnen im Alter (.txt in cp1252, markers "a)", bullets "•")
# --------------------------------------------------------------------------------------

CP1252_TEXT = f"""{NOTE}

Gesamt-Dokumentation zur Veranstaltungsreihe:
„Soziale Organisationen als Partner der
Wohnungswirtschaft“

Kurzprotokoll

Workshop: Wohnen im Alter – Pflege und Unterstützung im
vertrauten Quartier

Organisationen: Ambulanter Pflegedienst Lindenhof (fiktiv); Wohnungsgenossenschaft Am Weiher eG (fiktiv)

a) In welchem Handlungsfeld ist die soziale Organisation tätig und worin besteht die Kooperation mit der Wohnungswirtschaft?

Der Pflegedienst Lindenhof betreibt gemeinsam mit der Genossenschaft ein Quartiersbüro mit Pflegestützpunkt.

• Ambulante Pflege und hauswirtschaftliche Hilfen für ältere Mieterinnen und Mieter
• Wohnberatung und Anpassung von Wohnungen, etwa barrierearmer Umbau von Bädern
• Treffpunkt mit Mittagstisch im Erdgeschoss eines Wohnhauses


b) Welche Voraussetzungen braucht es bei sozialen Organisationen und Wohnungsunternehmen, damit Pflege und Wohnen im Alter im Quartier gelingen?

• Vertrauen und Kooperation auf Augenhöhe, auch wenn die Genossenschaft die Räume stellt
• Die Genossenschaft muss verstehen, wie Pflegeleistungen finanziert werden; der
  Pflegedienst muss die Wirtschaftlichkeit der Vermietung verstehen
• Eine feste Ansprechperson auf beiden Seiten
• Anonymisierte Daten zur Altersstruktur der Mieterschaft teilen

c) Welche Unterstützung benötigt die soziale Organisation in der Kooperation mit wohnungswirtschaftlichen Akteuren oder ggf. auch anderen Akteuren?
• Mietgünstige Räume für Quartiersbüro und Pflegestützpunkt
• Zuschüsse für Bedarfsanalyse und Planung, bevor umgebaut wird
• Hilfe bei der Gewinnung von Ehrenamtlichen für Besuchsdienste
• Öffentlichkeitsarbeit über die Mieterzeitung und Aushänge

Ohne verlässliche Räume ist ein Pflegestützpunkt im Quartier kaum zu halten.

d) Wie kann die Kooperation verbessert werden (generelle Empfehlungen, Maßnahmen, Instrumente etc.)?

• Barrierearmen Umbau von Wohnungen und Gemeinschaftsräumen gemeinsam planen
• Nachbarschaftshilfe und Ehrenamt als gleichberechtigte Partner einbinden
• Kommune und Pflegekassen an einen Tisch holen und Partner vernetzen
• Gemeinsame Informationsveranstaltungen und Flyer für ältere Mieterinnen und Mieter
• Nicht nur in Gebäude investieren, sondern auch in Personal und Qualifizierung

e) Gibt es weitere Themen und Vorschläge, die bei der Förderung der Kooperation vor Ort zwischen sozialer Organisation und der Wohnungswirtschaft beachtet werden sollten?

• Die Rendite eines Pflegestützpunkts zeigt sich im längeren Verbleib in der eigenen Wohnung, nicht nur in Mieteinnahmen
• Die Landespolitik muss Quartierspflege dauerhaft fördern
• Pflegekräfte aus der Region gewinnen und halten
"""


def _fixed_zip(data: bytes) -> bytes:
    """Re-zip ``data`` with a fixed timestamp per member (stable bytes and sha256)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2026, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def write_docx(path: Path) -> None:
    """The Quartiersarbeit protocol as a Word document."""
    doc = Document()
    props = doc.core_properties
    props.author = "DORV-Werkbank (fiktives Beispiel)"
    props.title = DOCX_TITLE
    props.created = props.modified = dt.datetime(2026, 1, 1)
    props.last_modified_by = "DORV-Werkbank"
    props.revision = 1
    doc.add_paragraph(NOTE)
    doc.add_heading(SERIES, level=1)
    doc.add_paragraph("Kurzprotokoll")
    doc.add_heading(DOCX_TITLE, level=2)
    for question, bullets, paragraphs in DOCX_QUESTIONS:
        doc.add_paragraph().add_run(question).bold = True
        for bullet in bullets:
            doc.add_paragraph(bullet, style="List Bullet")
        for para in paragraphs:
            doc.add_paragraph(para)
    buffer = io.BytesIO()
    doc.save(buffer)
    path.write_bytes(_fixed_zip(buffer.getvalue()))


def main() -> None:
    FOLDER.mkdir(parents=True, exist_ok=True)
    write_docx(FOLDER / "fiktiv_quartiersarbeit_nachbarschaft.docx")
    (FOLDER / "fiktiv_pflege_wohnen_im_alter.txt").write_bytes(
        CP1252_TEXT.replace("\n", "\r\n").encode("cp1252")
    )


if __name__ == "__main__":
    main()

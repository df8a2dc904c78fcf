"""Two hand-written rulebook outputs of one teldatum and the peildata they are published at,
shared by the publishing tests."""

from __future__ import annotations

from datetime import date

from rod_pipeline_tests.publish.tables import T, count, enrolment, niet_toegerekend, output

P1 = date(2025, 2, 10)
P2 = date(2025, 2, 20)
P3 = date(2025, 3, 10)

FIRST = [
    enrolment("PO0001", "E1", "100000001"),
    enrolment("PO0001", "E2", "100000002"),
    enrolment("PO0001", "E3", "100000003"),
    enrolment("PO0001", "E4", "100000004"),
    enrolment("PO0001", "E6", "100000006"),
    enrolment("PO0001", "E7", "100000007"),
]
SECOND = [
    FIRST[0],  # unchanged
    enrolment("PO0001", "E2", "100000002", BEKOSTIGINGSCATEGORIE="SO_VSO_HOOG"),
    # E3 is gone; E4 moves to PO0002; E5 is new
    enrolment("PO0002", "E4", "100000004"),
    enrolment("PO0002", "E5", "100000005"),
    # S6: an end date filled in after T is informative
    enrolment("PO0001", "E6", "100000006", DATUM_UITSCHRIJVING=date(2025, 3, 1), TLV_EINDDATUM=T),
    enrolment("PO0001", "E7", "100000007", WIJZE_VAN_BEPALING_SWV="Woonplaats leerling"),
]
FIRST_COUNTS = [
    count("PO0001", "TEN_LASTE", "SO_VSO_LAAG", "TLV", 6),
    count("PO0001", "LEERLINGBASIS", "REGULIER", None, 100),
    count("PO0002", "LEERLINGBASIS", "REGULIER", None, 50),
]
SECOND_COUNTS = [
    count("PO0001", "TEN_LASTE", "SO_VSO_LAAG", "TLV", 2),
    count("PO0001", "TEN_LASTE", "SO_VSO_HOOG", "TLV", 1),
    count("PO0001", "TEN_LASTE", "SO_VSO_LAAG", "Woonplaats leerling", 1),
    count("PO0002", "TEN_LASTE", "SO_VSO_LAAG", "TLV", 2),
    count("PO0001", "LEERLINGBASIS", "REGULIER", None, 100),
    count("PO0002", "LEERLINGBASIS", "REGULIER", None, 55),
]
NIET_TOEGEREKEND = [
    niet_toegerekend("PO0002", "N1", "100000009", "CLUSTER_1_2"),
    niet_toegerekend(None, "N2", "100000010", "GESLOTEN_PLAATSING"),
]
FIRST_OUTPUT = output(FIRST, FIRST_COUNTS, NIET_TOEGEREKEND)
SECOND_OUTPUT = output(SECOND, SECOND_COUNTS, NIET_TOEGEREKEND)

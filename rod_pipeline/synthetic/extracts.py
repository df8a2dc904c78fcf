"""One extract: the register as it stood on a peildatum, as the text of the two input files."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from rod_pipeline.synthetic.formatting import codes_as_text
from rod_pipeline.synthetic.locations import SOORTEN, Locations
from rod_pipeline.synthetic.population import RegisterText
from rod_pipeline.synthetic.register import CATEGORIES, RESIDENTIEEL, TLV_SOORTEN, Register


@dataclass(frozen=True)
class Extract:
    """The two files' text, and for each row the register row it came from (so that mistakes
    can be made of valid rows)."""

    inschrijvingen: pa.Table
    tlv: pa.Table
    enrolment_rows: np.ndarray  # row of Register.enrolments behind each inschrijvingen row
    tlv_rows: np.ndarray  # row of Register.tlvs behind each tlv row


def _shown_before(known_from: np.ndarray, peildatum: np.int32, text: pa.Array) -> pa.Array:
    """The text where the register knew it on the peildatum, else an empty field."""
    return pc.if_else(pa.array(known_from <= peildatum), text, pa.scalar(None, pa.string()))


def extract_on(
    peildatum: np.int32,
    register: Register,
    text: RegisterText,
    locations: Locations,
    swv_codes: np.ndarray,
) -> Extract:
    enrolments, tlvs, pupils = register.enrolments, register.tlvs, register.pupils
    rows = np.flatnonzero(enrolments.registered <= peildatum)
    e = enrolments.take(rows)
    # The pupil's address when the enrolment started: a house move shows on the next
    # enrolment, so it never moves the charge of a teldatum already counted (R7).
    moved = pa.array(pupils.moved_on[e.pupil] <= e.start)
    postcode = pc.if_else(moved, text.moved_postcode.take(e.pupil), text.postcode.take(e.pupil))
    category = np.where(e.corrected_on <= peildatum, e.corrected_category, e.category)
    inschrijvingen = pa.table(
        {
            "INSCHRIJVING_ID": text.inschrijving_id.take(rows),
            "ONDERWIJSNUMMER": text.pupil_number.take(e.pupil),
            "VESTIGING": pa.array(locations.code, pa.string()).take(e.location),
            "ONDERWIJSSOORT": codes_as_text(SOORTEN, locations.soort[e.location]),
            "BEKOSTIGINGSCATEGORIE": codes_as_text(CATEGORIES, category),
            "POSTCODE_LEERLING": postcode,
            "DATUM_INSCHRIJVING": text.start.take(rows),
            "DATUM_UITSCHRIJVING": _shown_before(e.end_known, peildatum, text.end.take(rows)),
            "RESIDENTIEEL": codes_as_text(RESIDENTIEEL, e.residential),
            "REGISTRATIEDATUM": pc.if_else(
                pa.array(e.registration_shown),
                text.registered.take(rows),
                pa.scalar(None, pa.string()),
            ),
        }
    )
    tlv_rows = np.flatnonzero(tlvs.issued <= peildatum)
    t = tlvs.take(tlv_rows)
    tlv = pa.table(
        {
            "TLV_NUMMER": text.tlv_number.take(tlv_rows),
            "ONDERWIJSNUMMER": text.pupil_number.take(t.pupil),
            "SWV_CODE": pa.array(swv_codes, pa.string()).take(t.swv),
            "SOORT_TLV": codes_as_text(TLV_SOORTEN, t.soort),
            "BEKOSTIGINGSCATEGORIE": codes_as_text(CATEGORIES, t.category),
            "BEGINDATUM": text.begin.take(tlv_rows),
            "EINDDATUM": text.tlv_end.take(tlv_rows),
        }
    )
    return Extract(inschrijvingen, tlv, rows, tlv_rows)

"""Partitions: one per extract (its peildatum). Every asset of a run belongs to the extract it is
made from, so the lineage in the UI is the real one: a publication is the partition of the
extract it was derived from, and a run of a partition is reproducible.

Dynamic, so a new extract folder appears without a code change: the sensor and `run` add it.
"""

from __future__ import annotations

from datetime import date

import dagster as dg

extract_partitions = dg.DynamicPartitionsDefinition(name="peildatum")

# On a run: publish again what was withdrawn at this extract (`run --peildatum`).
REPUBLISH_TAG = "rod/republish-withdrawn"
# On a run: the operator's reason for accepting an extract that failed a whole-extract gate.
ACCEPT_TAG = "rod/accept"


def register_extract(instance: dg.DagsterInstance, peildatum: date) -> None:
    """Add the extract's partition key when the instance does not know it yet (idempotent)."""
    key = peildatum.isoformat()
    if not instance.has_dynamic_partition(extract_partitions.name, key):  # type: ignore[arg-type]
        instance.add_dynamic_partitions(extract_partitions.name, [key])  # type: ignore[arg-type]

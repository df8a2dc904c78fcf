"""Partitions: one per extract (peildatum) for ingest, one per teldatum for the rulebook.

Both are dynamic, so a new extract folder or a new row in teldata.csv appears without a code
change: the inbox sensor and `rod-pipeline run` add them.
"""

from __future__ import annotations

from datetime import date

import dagster as dg

peildatum_partitions = dg.DynamicPartitionsDefinition(name="peildatum")
teldatum_partitions = dg.DynamicPartitionsDefinition(name="teldatum")

# The extract a teldatum run derives from; absent means "the latest validated extract".
PEILDATUM_TAG = "rod/peildatum"
# On an ingest run: the teldata to derive after it (comma-separated); absent means all on or
# before the peildatum.
TELDATA_TAG = "rod/teldata"


def register_keys(
    instance: dg.DagsterInstance, definition: dg.DynamicPartitionsDefinition, keys: list[str]
) -> None:
    """Add the partition keys the instance does not know yet (idempotent)."""
    assert definition.name is not None
    known = set(instance.get_dynamic_partitions(definition.name))
    new = sorted(k for k in keys if k not in known)
    if new:
        instance.add_dynamic_partitions(definition.name, new)


def register_partitions(
    instance: dg.DagsterInstance, peildata: list[date], teldata: list[date]
) -> None:
    register_keys(instance, peildatum_partitions, [d.isoformat() for d in peildata])
    register_keys(instance, teldatum_partitions, [d.isoformat() for d in teldata])

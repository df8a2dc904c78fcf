"""Asset checks: what an operator must know before (blocking) and after publishing.

Checks report counts and rule names only, never pupil numbers or postcodes.
"""

from datetime import date

import dagster as dg

from rod_pipeline import publish
from rod_pipeline.partitions import peildatum_partitions, teldatum_partitions
from rod_pipeline.resources import WAREHOUSE_POOL, DataFolderResource, Warehouse
from rod_pipeline.warehouse import one_row

ERROR, WARN = dg.AssetCheckSeverity.ERROR, dg.AssetCheckSeverity.WARN
QUARANTINE_WARN_RATE = 0.02

_SPECIAL = "('SBO', 'SO', 'VSO')"


def _file_reconciles(warehouse: Warehouse, peildatum: date, bestand: str, table: str):
    with warehouse.get_connection() as con:
        found = con.execute(
            f"""SELECT f.RIJEN_GELEZEN, f.RIJEN_GEACCEPTEERD, f.RIJEN_GEQUARANTAINEERD,
                       (SELECT count(*) FROM {table} WHERE PEILDATUM = f.PEILDATUM),
                       (SELECT count(DISTINCT REGEL) FROM quarantine
                         WHERE PEILDATUM = f.PEILDATUM AND BESTAND = f.BESTAND)
                FROM input_files f WHERE f.PEILDATUM = ? AND f.BESTAND LIKE ?""",
            [peildatum, f"{bestand}.%"],
        ).fetchall()
    if not found:
        return False, {"problem": f"no record of {bestand} for this extract"}
    read, accepted, quarantined, in_table, quarantined_lines = found[0]
    passed = (
        read == accepted + quarantined
        and in_table == accepted
        and (quarantined_lines == quarantined)
    )
    return passed, {
        "rows_read": read,
        "rows_accepted": accepted,
        "rows_quarantined": quarantined,
        "rows_in_warehouse": in_table,
        "rows_listed_in_quarantine": quarantined_lines,
    }


def _reconciliation_check(asset: str, bestand: str, table: str) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=asset,
        name="rows_reconcile",
        blocking=True,
        pool=WAREHOUSE_POOL,
        partitions_def=peildatum_partitions,
        description=f"Every row of {bestand} is accepted or quarantined, none lost or doubled. "
        "If it fails, nothing is derived from this extract: report it as a pipeline bug.",
    )
    def check(context: dg.AssetCheckExecutionContext, warehouse: Warehouse) -> dg.AssetCheckResult:
        peildatum = date.fromisoformat(context.partition_key)
        passed, metadata = _file_reconciles(warehouse, peildatum, bestand, table)
        return dg.AssetCheckResult(passed=passed, severity=ERROR, metadata=metadata)

    return check


def _quarantine_rate_check(asset: str, bestand: str) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=asset,
        name="quarantine_rate",
        pool=WAREHOUSE_POOL,
        partitions_def=peildatum_partitions,
        description=f"Warns when more than {QUARANTINE_WARN_RATE:.0%} of {bestand} is "
        "quarantined: look at the counts per rule and ask the supplier about the extract.",
    )
    def check(context: dg.AssetCheckExecutionContext, warehouse: Warehouse) -> dg.AssetCheckResult:
        peildatum = date.fromisoformat(context.partition_key)
        with warehouse.get_connection() as con:
            read_row = con.execute(
                "SELECT RIJEN_GELEZEN, RIJEN_GEQUARANTAINEERD FROM input_files "
                "WHERE PEILDATUM = ? AND BESTAND LIKE ?",
                [peildatum, f"{bestand}.%"],
            ).fetchall()
            per_rule = con.execute(
                "SELECT REGEL_CODE, count(DISTINCT REGEL) FROM quarantine "
                "WHERE PEILDATUM = ? AND BESTAND LIKE ? GROUP BY 1 ORDER BY 2 DESC",
                [peildatum, f"{bestand}.%"],
            ).fetchall()
        read, quarantined = read_row[0] if read_row else (0, 0)
        rate = quarantined / read if read else 0.0
        return dg.AssetCheckResult(
            passed=rate <= QUARANTINE_WARN_RATE,
            severity=WARN,
            metadata={
                "quarantine_rate": round(rate, 5),
                "rows_quarantined": quarantined,
                **{f"rule {code}": n for code, n in per_rule},
            },
        )

    return check


@dg.asset_check(
    asset="funding_counts",
    name="ten_laste_equals_charged_rows",
    blocking=True,
    pool=WAREHOUSE_POOL,
    partitions_def=teldatum_partitions,
    additional_deps=["charged_enrolments"],
    description="The TEN_LASTE counts of dashboard 1a add up to the rows of dashboard 1b, per "
    "partnership. If it fails nothing is published: report it as a pipeline bug.",
)
def ten_laste_equals_charged_rows(
    context: dg.AssetCheckExecutionContext, warehouse: Warehouse
) -> dg.AssetCheckResult:
    teldatum = date.fromisoformat(context.partition_key)
    with warehouse.get_connection() as con:
        mismatches, counted, charged = one_row(
            con,
            """WITH c AS (SELECT SAMENWERKINGSVERBAND, sum(AANTAL) AS n FROM rb_counts
                          WHERE TELDATUM = $1 AND TELLING = 'TEN_LASTE' GROUP BY 1),
                    r AS (SELECT SAMENWERKINGSVERBAND, count(*) AS n FROM rb_charged
                          WHERE TELDATUM = $1 GROUP BY 1)
               SELECT count(*) FILTER (WHERE c.n IS DISTINCT FROM r.n),
                      coalesce(sum(c.n), 0), coalesce(sum(r.n), 0)
               FROM c FULL JOIN r USING (SAMENWERKINGSVERBAND)""",
            [teldatum],
        )
    return dg.AssetCheckResult(
        passed=mismatches == 0,
        severity=ERROR,
        metadata={
            "partnerships_not_matching": mismatches,
            "ten_laste_total": int(counted),
            "charged_rows": int(charged),
        },
    )


@dg.asset_check(
    asset="charged_enrolments",
    name="every_special_enrolment_accounted_for",
    blocking=True,
    pool=WAREHOUSE_POOL,
    partitions_def=teldatum_partitions,
    additional_deps=["uncharged_enrolments"],
    description="Every active SBO/SO/VSO enrolment is charged exactly once or listed as not "
    "charged with a reason. If it fails nothing is published: report it as a pipeline bug.",
)
def every_special_enrolment_accounted_for(
    context: dg.AssetCheckExecutionContext, warehouse: Warehouse
) -> dg.AssetCheckResult:
    teldatum = date.fromisoformat(context.partition_key)
    with warehouse.get_connection() as con:
        active, charged, uncharged, both, doubled = one_row(
            con,
            f"""WITH p AS (SELECT max(PEILDATUM) AS p FROM rb_counts WHERE TELDATUM = $1),
                active AS (  -- R1 + R2, counted independently of the rulebook's own query
                    SELECT INSCHRIJVING_ID FROM validated_inschrijvingen
                    WHERE PEILDATUM = (SELECT p FROM p) AND ONDERWIJSSOORT IN {_SPECIAL}
                      AND DATUM_INSCHRIJVING <= $1
                      AND (DATUM_UITSCHRIJVING IS NULL OR DATUM_UITSCHRIJVING >= $1)),
                charged AS (SELECT INSCHRIJVING_ID FROM rb_charged WHERE TELDATUM = $1),
                uncharged AS (SELECT INSCHRIJVING_ID FROM rb_niet_toegerekend WHERE TELDATUM = $1)
               SELECT (SELECT count(*) FROM active),
                      (SELECT count(*) FROM charged),
                      (SELECT count(*) FROM uncharged),
                      (SELECT count(*) FROM charged JOIN uncharged USING (INSCHRIJVING_ID)),
                      (SELECT count(*) - count(DISTINCT INSCHRIJVING_ID) FROM charged)""",
            [teldatum],
        )
    return dg.AssetCheckResult(
        passed=active == charged + uncharged and both == 0 and doubled == 0,
        severity=ERROR,
        metadata={
            "active_special_enrolments": active,
            "charged": charged,
            "not_charged": uncharged,
            "both_charged_and_not": both,
            "charged_twice": doubled,
        },
    )


@dg.asset_check(
    asset="charged_enrolments",
    name="charged_partnerships_known",
    pool=WAREHOUSE_POOL,
    partitions_def=teldatum_partitions,
    description="Every charged partnership is in samenwerkingsverbanden.csv. If it warns, add the "
    "missing partnership to the reference data and run again.",
)
def charged_partnerships_known(
    context: dg.AssetCheckExecutionContext, warehouse: Warehouse
) -> dg.AssetCheckResult:
    teldatum = date.fromisoformat(context.partition_key)
    with warehouse.get_connection() as con:
        unknown = con.execute(
            """SELECT DISTINCT SAMENWERKINGSVERBAND FROM rb_charged c
               WHERE TELDATUM = $1 AND NOT EXISTS (
                   SELECT 1 FROM ref_samenwerkingsverbanden s
                   WHERE s.PEILDATUM = c.PEILDATUM AND s.SWV_CODE = c.SAMENWERKINGSVERBAND)
               ORDER BY 1""",
            [teldatum],
        ).fetchall()
    codes = [code for (code,) in unknown]
    return dg.AssetCheckResult(
        passed=not codes,
        severity=WARN,
        metadata={"unknown_partnerships": len(codes), "codes": ", ".join(codes)},
    )


@dg.asset_check(
    asset="stabiliteit",
    name="no_late_mutation",
    pool=WAREHOUSE_POOL,
    partitions_def=teldatum_partitions,
    description="Warns when this publication changed the teldatum on or after its registration "
    "deadline: tell the partnerships concerned (see mutaties) before they close their books.",
)
def no_late_mutation(
    context: dg.AssetCheckExecutionContext, warehouse: Warehouse
) -> dg.AssetCheckResult:
    teldatum = date.fromisoformat(context.partition_key)
    with warehouse.get_connection() as con:
        latest = publish.latest_stabiliteit(con).to_pylist()
    row = next((r for r in latest if r["TELDATUM"] == teldatum), None)
    if row is None:
        return dg.AssetCheckResult(passed=False, severity=WARN, metadata={"problem": "unpublished"})
    return dg.AssetCheckResult(
        passed=not row["LATE_MUTATIE"],
        severity=WARN,
        metadata={
            "peildatum": row["PEILDATUM"].isoformat(),
            "status": row["STATUS"],
            "new": row["AANTAL_NIEUW"],
            "changed": row["AANTAL_GEWIJZIGD"],
            "gone": row["AANTAL_VERVALLEN"],
        },
    )


@dg.asset_check(
    asset="dashboard_1b",
    name="published_files_current",
    pool=WAREHOUSE_POOL,
    partitions_def=teldatum_partitions,
    description="The Parquet files under published/ hold exactly the warehouse's current "
    "publication. If it fails, run `rod-pipeline run` again: it repairs the files first.",
)
def published_files_current(
    context: dg.AssetCheckExecutionContext,
    data_folder: DataFolderResource,
    warehouse: Warehouse,
) -> dg.AssetCheckResult:
    teldatum = date.fromisoformat(context.partition_key)
    with warehouse.get_connection() as con:
        stale = publish.stale_teldata(con, data_folder.folder.published_dir)
    return dg.AssetCheckResult(
        passed=teldatum not in stale, severity=ERROR, metadata={"stale_teldata": len(stale)}
    )


validation_checks = [
    _reconciliation_check("inschrijvingen", "inschrijvingen", "validated_inschrijvingen"),
    _reconciliation_check("tlv", "tlv", "validated_tlv"),
    _quarantine_rate_check("inschrijvingen", "inschrijvingen"),
    _quarantine_rate_check("tlv", "tlv"),
]
rulebook_checks = [
    ten_laste_equals_charged_rows,
    every_special_enrolment_accounted_for,
    charged_partnerships_known,
]
publication_checks = [no_late_mutation, published_files_current]

"""Asset checks: what an operator must know before (blocking) and after publishing.

Checks report counts and rule names only, never pupil numbers or postcodes.
"""

from datetime import date

import dagster as dg

from rod_pipeline.partitions import extract_partitions
from rod_pipeline.publish import history
from rod_pipeline.resources import WarehouseResource
from rod_pipeline.warehouse import one_row, table_exists

ERROR, WARN = dg.AssetCheckSeverity.ERROR, dg.AssetCheckSeverity.WARN
QUARANTINE_WARN_RATE = 0.02

_SPECIAL = "('SBO', 'SO', 'VSO')"


def _file_reconciles(warehouse: WarehouseResource, peildatum: date, bestand: str, table: str):
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
        partitions_def=extract_partitions,
        description=f"Every row of {bestand} is accepted or quarantined, none lost or doubled. "
        "If it fails, nothing is derived from this extract: report it as a pipeline bug.",
    )
    def check(
        context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource
    ) -> dg.AssetCheckResult:
        peildatum = date.fromisoformat(context.partition_key)
        passed, metadata = _file_reconciles(warehouse, peildatum, bestand, table)
        return dg.AssetCheckResult(passed=passed, severity=ERROR, metadata=metadata)

    return check


def _quarantine_rate_check(asset: str, bestand: str) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=asset,
        name="quarantine_rate",
        partitions_def=extract_partitions,
        description=f"Warns when more than {QUARANTINE_WARN_RATE:.0%} of {bestand} is "
        "quarantined: look at the counts per rule and ask the supplier about the extract.",
    )
    def check(
        context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource
    ) -> dg.AssetCheckResult:
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
    partitions_def=extract_partitions,
    additional_deps=["charged_enrolments"],
    description="The TEN_LASTE counts of dashboard 1a add up to the rows of dashboard 1b, per "
    "teldatum and partnership. If it fails nothing is published: report it as a pipeline bug.",
)
def ten_laste_equals_charged_rows(
    context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource
) -> dg.AssetCheckResult:
    peildatum = date.fromisoformat(context.partition_key)
    with warehouse.get_connection() as con:
        if not _derived(con, peildatum):
            return _nothing_derived()
        mismatches, counted, charged = one_row(
            con,
            """WITH c AS (SELECT TELDATUM, SAMENWERKINGSVERBAND, sum(AANTAL) AS n FROM rb_counts
                          WHERE PEILDATUM = $1 AND TELLING = 'TEN_LASTE' GROUP BY ALL),
                    r AS (SELECT TELDATUM, SAMENWERKINGSVERBAND, count(*) AS n FROM rb_charged
                          WHERE PEILDATUM = $1 GROUP BY ALL)
               SELECT count(*) FILTER (WHERE c.n IS DISTINCT FROM r.n),
                      coalesce(sum(c.n), 0), coalesce(sum(r.n), 0)
               FROM c FULL JOIN r USING (TELDATUM, SAMENWERKINGSVERBAND)""",
            [peildatum],
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
    partitions_def=extract_partitions,
    additional_deps=["uncharged_enrolments"],
    description="Every active SBO/SO/VSO enrolment is charged exactly once or listed as not "
    "charged with a reason. If it fails nothing is published: report it as a pipeline bug.",
)
def every_special_enrolment_accounted_for(
    context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource
) -> dg.AssetCheckResult:
    peildatum = date.fromisoformat(context.partition_key)
    with warehouse.get_connection() as con:
        if not _derived(con, peildatum):
            return _nothing_derived()
        active, charged, uncharged, both, doubled = one_row(
            con,
            f"""WITH teldata AS (SELECT DISTINCT TELDATUM FROM rb_counts WHERE PEILDATUM = $1),
                active AS (  -- R1 + R2, counted independently of the rulebook's own query
                    SELECT t.TELDATUM, i.INSCHRIJVING_ID
                    FROM validated_inschrijvingen i JOIN teldata t
                      ON i.DATUM_INSCHRIJVING <= t.TELDATUM
                     AND (i.DATUM_UITSCHRIJVING IS NULL OR i.DATUM_UITSCHRIJVING >= t.TELDATUM)
                    WHERE i.PEILDATUM = $1 AND i.ONDERWIJSSOORT IN {_SPECIAL}),
                charged AS (SELECT TELDATUM, INSCHRIJVING_ID FROM rb_charged
                            WHERE PEILDATUM = $1),
                uncharged AS (SELECT TELDATUM, INSCHRIJVING_ID FROM rb_niet_toegerekend
                              WHERE PEILDATUM = $1)
               SELECT (SELECT count(*) FROM active),
                      (SELECT count(*) FROM charged),
                      (SELECT count(*) FROM uncharged),
                      (SELECT count(*) FROM charged JOIN uncharged
                         USING (TELDATUM, INSCHRIJVING_ID)),
                      (SELECT count(*) - count(DISTINCT (TELDATUM, INSCHRIJVING_ID))
                         FROM charged)""",
            [peildatum],
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
    partitions_def=extract_partitions,
    description="Every charged partnership is in samenwerkingsverbanden.csv. If it warns, add the "
    "missing partnership to the reference data and run again.",
)
def charged_partnerships_known(
    context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource
) -> dg.AssetCheckResult:
    peildatum = date.fromisoformat(context.partition_key)
    with warehouse.get_connection() as con:
        if not _derived(con, peildatum):
            return _nothing_derived(WARN)
        unknown = con.execute(
            """SELECT DISTINCT SAMENWERKINGSVERBAND FROM rb_charged c
               WHERE PEILDATUM = $1 AND NOT EXISTS (
                   SELECT 1 FROM ref_samenwerkingsverbanden s
                   WHERE s.PEILDATUM = c.PEILDATUM AND s.SWV_CODE = c.SAMENWERKINGSVERBAND)
               ORDER BY 1""",
            [peildatum],
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
    partitions_def=extract_partitions,
    description="Warns when this extract changed who pays for what (a funding-relevant mutation, "
    "S6) on or after a teldatum's registration deadline. What to do: tell the partnerships "
    "concerned (mutaties, BEKOSTIGINGSRELEVANT) and check whether an objection explains it.",
)
def no_late_mutation(
    context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource
) -> dg.AssetCheckResult:
    peildatum = date.fromisoformat(context.partition_key)
    with warehouse.get_connection() as con:
        rows = [r for r in history.stabiliteit_rows(con).to_pylist() if r["PEILDATUM"] == peildatum]
    late = [r for r in rows if r["LATE_MUTATIE"]]
    return dg.AssetCheckResult(
        passed=not late,
        severity=WARN,
        description=(
            "Funding-relevant changes after the deadline of teldatum "
            + ", ".join(f"{r['TELDATUM']} ({r['AANTAL_BEKOSTIGINGSRELEVANT']})" for r in late)
            + ": tell the partnerships concerned and check whether an objection explains it."
        )
        if late
        else "No funding-relevant change after a deadline.",
        metadata={
            f"teldatum {r['TELDATUM']}": f"{r['STATUS']}, {r['AANTAL_BEKOSTIGINGSRELEVANT']} "
            f"funding-relevant, late: {'yes' if r['LATE_MUTATIE'] else 'no'}"
            for r in rows
        },
    )


def _derived(con, peildatum: date) -> bool:
    if not table_exists(con, "rb_counts"):
        return False
    return bool(one_row(con, "SELECT count(*) FROM rb_counts WHERE PEILDATUM = ?", [peildatum])[0])


def _nothing_derived(severity: dg.AssetCheckSeverity = ERROR) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(passed=True, severity=severity, metadata={"teldata derived": 0})


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
publication_checks = [no_late_mutation]

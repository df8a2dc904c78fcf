"""The peildata schedule: working-day mornings, pick up waiting extracts, refresh open teldata."""

import os

import dagster as dg

from rod_pipeline.jobs import ingest_job
from rod_pipeline.partitions import TELDATA_TAG, peildatum_partitions, register_keys
from rod_pipeline.resources import DataFolderResource
from rod_pipeline.rulebook.calendar import DEFINITIEF
from rod_pipeline.teldata import read_teldata

CRON = os.environ.get("ROD_SCHEDULE_CRON", "0 7 * * 1-5")
TIMEZONE = os.environ.get("ROD_SCHEDULE_TIMEZONE", "Europe/Amsterdam")


# An ingest that is queued or running is not waiting: it must not get a second run.
_TAKEN = [
    dg.DagsterRunStatus.SUCCESS,
    dg.DagsterRunStatus.QUEUED,
    dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
]


def _peildata(instance: dg.DagsterInstance, statuses: list[dg.DagsterRunStatus]) -> set[str]:
    runs = instance.get_run_records(dg.RunsFilter(job_name=ingest_job.name, statuses=statuses))
    return {r.dagster_run.tags.get("dagster/partition", "") for r in runs} - {""}


def ingested_peildata(instance: dg.DagsterInstance) -> set[str]:
    return _peildata(instance, [dg.DagsterRunStatus.SUCCESS])


@dg.schedule(
    cron_schedule=CRON,
    execution_timezone=TIMEZONE,
    job=ingest_job,
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Working-day mornings: ingests every extract still waiting in the inbox; when "
    "none waits, re-reads the latest extract with the current reference data and republishes "
    "the teldata that are not yet DEFINITIEF.",
)
def peildata_schedule(context: dg.ScheduleEvaluationContext, data_folder: DataFolderResource):
    folder = data_folder.folder
    today = context.scheduled_execution_time.date()
    tick = context.scheduled_execution_time.strftime("%Y-%m-%dT%H:%M")
    done = ingested_peildata(context.instance)
    taken = _peildata(context.instance, _TAKEN)
    arrived = [p.isoformat() for p in folder.extracts() if p <= today]
    waiting = [key for key in arrived if key not in taken]
    if waiting:
        register_keys(context.instance, peildatum_partitions, waiting)
        return [
            dg.RunRequest(partition_key=key, run_key=f"scheduled:{key}:{tick}") for key in waiting
        ]
    if not done:
        return dg.SkipReason("No extract has been processed yet and none is waiting.")
    latest = max(done)
    open_teldata = [
        d.teldatum.isoformat()
        for d in read_teldata(folder.reference_dir)
        if d.teldatum.isoformat() <= latest and d.status(today) != DEFINITIEF
    ]
    if not open_teldata:
        return dg.SkipReason("Every teldatum is DEFINITIEF; nothing to refresh.")
    # The ingest's success starts the teldatum runs, limited by this tag to the open teldata.
    return dg.RunRequest(
        partition_key=latest,
        run_key=f"refresh:{latest}:{tick}",
        tags={TELDATA_TAG: ",".join(open_teldata)},
    )

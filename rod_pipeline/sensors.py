"""The inbox sensor: asks the planner what to do next and requests it, one extract at a time."""

import dagster as dg
import duckdb

from rod_pipeline import folder_lock, planner, stopped_runs
from rod_pipeline.jobs import extract_job
from rod_pipeline.partitions import extract_partitions
from rod_pipeline.resources import DataFolderResource

# Runs of the job that have not finished: while one is there, the next waits behind it.
IN_FLIGHT = [
    dg.DagsterRunStatus.QUEUED,
    dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
]


def next_request(
    instance: dg.DagsterInstance, data_folder: DataFolderResource, origin: str
) -> dg.SensorResult | dg.SkipReason:
    """The planner's next extract as a run request, or why there is none. Used by the sensor
    and the schedule alike; extracts are processed oldest first, one run at a time."""
    folder = data_folder.folder
    stopped_runs.fail_stopped_runs(instance, f"the {origin}")
    if instance.get_run_records(
        dg.RunsFilter(job_name=extract_job.name, statuses=IN_FLIGHT), limit=1
    ):
        return dg.SkipReason("A run of extract_job is queued or running; the next waits for it.")
    if folder_lock.is_locked(folder.root):
        return dg.SkipReason(f"Another command is writing to {folder.root}; looking again later.")
    try:
        con = (
            duckdb.connect(str(folder.warehouse_path), read_only=True)
            if folder.warehouse_path.exists()
            else None
        )
    except duckdb.IOException:
        return dg.SkipReason("The warehouse is in use by a writer; looking again later.")
    try:
        plan = planner.plan(folder, con, settle_seconds=data_folder.inbox_settle_seconds)
    finally:
        if con is not None:
            con.close()
    notes = [f"inbox/{name} is not an extract: its name is not a date" for name in plan.misnamed]
    notes += [f"inbox/{name}: {why}" for name, why in plan.waiting]
    work = plan.next
    if work is None:
        why = (
            "Nothing to start now:"
            if notes
            else "Nothing to do: every extract in the inbox is processed."
        )
        if plan.repair:
            why = "published/ is behind the warehouse: run `rod-pipeline run` to repair it."
        return dg.SkipReason(" ".join([why, *notes]))
    key = work.peildatum.isoformat()
    return dg.SensorResult(
        run_requests=[
            dg.RunRequest(
                run_key=f"{origin}:{work.run_key}",
                partition_key=key,
                tags={"rod/reason": work.reason},
            )
        ],
        dynamic_partitions_requests=[extract_partitions.build_add_request([key])],
    )


@dg.sensor(
    job=extract_job,
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Starts the processing of the next extract that needs it (new, delivered again, "
    "reference data changed, teldatum reopened), as the planner decides from the data folder.",
)
def inbox_sensor(context: dg.SensorEvaluationContext, data_folder: DataFolderResource):
    return next_request(context.instance, data_folder, "sensor")

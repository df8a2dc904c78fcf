"""The morning schedule: on working days, whatever the planner says waits is started.

The sensor does the same every 30 seconds; the schedule is the fallback when the sensor is
stopped, and the one time of day an operator can count on for the next run.
"""

import dagster as dg

from rod_pipeline.jobs import extract_job
from rod_pipeline.resources import DataFolderResource
from rod_pipeline.sensors import next_request

DEFAULT_CRON = "0 7 * * 1-5"
TIMEZONE = "Europe/Amsterdam"


def build_schedule(cron: str = DEFAULT_CRON) -> dg.ScheduleDefinition:
    @dg.schedule(
        name="peildata_schedule",
        cron_schedule=cron,
        execution_timezone=TIMEZONE,
        job=extract_job,
        default_status=dg.DefaultScheduleStatus.RUNNING,
        description="Working-day mornings: starts the next extract the planner says needs "
        "processing (the same decision as the inbox sensor).",
    )
    def peildata_schedule(context: dg.ScheduleEvaluationContext, data_folder: DataFolderResource):
        tick = context.scheduled_execution_time.strftime("%Y-%m-%dT%H:%M")
        result = next_request(context.instance, data_folder, f"schedule:{tick}")
        if isinstance(result, dg.SkipReason):
            return result
        for request in result.run_requests or []:
            assert request.partition_key is not None
            context.instance.add_dynamic_partitions("peildatum", [request.partition_key])
        return result.run_requests

    return peildata_schedule

"""`rod-pipeline status`: per teldatum its status, deadlines and what changed lately.

Read from the published stabiliteit history, the same numbers the users see, so it never waits
for the warehouse of a running pipeline.
"""

from __future__ import annotations

from datetime import date

import duckdb

from rod_pipeline.datafolder import DataFolder
from rod_pipeline.rulebook.calendar import StabilityDates

_QUERY = """
WITH history AS (SELECT * FROM read_parquet(?)),
latest AS (
    SELECT * FROM history
    -- a rerun of the same extract gives a second row with the same content: either will do
    QUALIFY row_number() OVER (PARTITION BY TELDATUM ORDER BY PEILDATUM DESC) = 1
),
late AS (
    SELECT TELDATUM, string_agg(strftime(PEILDATUM, '%Y-%m-%d'), ', ' ORDER BY PEILDATUM)
           AS LATE_PEILDATA
    FROM history WHERE LATE_MUTATIE GROUP BY TELDATUM
)
SELECT l.TELDATUM, l.PEILDATUM, l.REGISTRATIEDEADLINE, l.EINDE_BEZWAARTERMIJN,
       l.AANTAL_TEN_LASTE, l.AANTAL_NIEUW, l.AANTAL_GEWIJZIGD, l.AANTAL_VERVALLEN,
       l.ONGEWIJZIGD_SINDS, late.LATE_PEILDATA
FROM latest l LEFT JOIN late USING (TELDATUM)
ORDER BY late.LATE_PEILDATA IS NULL, l.TELDATUM DESC
"""


def render_status(folder: DataFolder, today: date | None = None) -> str:
    today = today or date.today()
    files = sorted((folder.published_dir / "stabiliteit").glob("*.parquet"))
    if not files:
        return f"nothing published yet in {folder.published_dir}: run `rod-pipeline run` first"
    with duckdb.connect() as con:
        rows = con.execute(_QUERY, [[str(f) for f in files]]).fetchall()
    lines = []
    for t, p, deadline, end, charged, new, changed, gone, since, late in rows:
        dates = StabilityDates(t, deadline, end)
        lines.append(
            f"teldatum {t}  {dates.status(today):<11} (today)  "
            f"deadline {deadline}, objections until {end}"
        )
        lines.append(
            f"  latest extract {p}: {dates.status(p)}, {charged:,} charged; "
            f"{new} new, {changed} changed, {gone} gone; unchanged since {since}"
        )
        if late:
            lines.append(f"  LATE MUTATIONS in the extracts of {late}")
    return "\n".join(lines)

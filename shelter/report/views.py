from flask import Response, abort, render_template

from shelter.clock import local_today
from shelter.forms import FIRST_YEAR
from shelter.report import bp, queries
from shelter.report.charts import monthly_charts
from shelter.report.export import report_csv
from shelter.security import coordinator_required


@bp.get("/bilan")
@bp.get("/bilan/<int:year>")
@coordinator_required
def overview(year: int | None = None):
    today = local_today()
    year = year or today.year
    if not FIRST_YEAR <= year <= today.year:
        abort(404)
    report = queries.impact_report(today)
    months = report.months_of(year)
    return render_template(
        "report/overview.html",
        report=report,
        year=year,
        months=months,
        total=report.year(year),
        charts=monthly_charts(months),
    )


@bp.get("/bilan.csv")
@coordinator_required
def export():
    today = local_today()
    return Response(
        report_csv(queries.impact_report(today)),
        content_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="bilan-{today:%Y-%m-%d}.csv"',
            "Cache-Control": "no-store",
        },
    )

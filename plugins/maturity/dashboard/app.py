"""The dashboard's FastAPI router and app: the same pages in Airflow and under ``maturity serve``.

==========================================  ==============================================
route                                       page
==========================================  ==============================================
``GET /``                                   portfolio (``sector``, ``phase``, ``confidence``
                                            filters; ``sort`` and ``order``)
``GET /org/{org_id}``                       one organisation
``GET /org/{org_id}/criterion/{id}``        evidence drill-down of one criterion
``GET /runs/{run_id}``                      the assessments one run wrote (``dag_id`` when
                                            the run is an Airflow DAG run)
==========================================  ==============================================

Every page takes ``lang=en|nl``. In Airflow the router depends on Airflow's authentication
(``maturity.airflow.plugin`` passes it in); standalone it listens on localhost only.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING

from fastapi import APIRouter, FastAPI, HTTPException, Request, status
from fastapi.params import Depends
from fastapi.responses import HTMLResponse

from maturity.dashboard import reads
from maturity.dashboard.pages import Filters, Pages, Sort

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from maturity.rubric import Rubric
    from maturity.warehouse import Warehouse

RunWindow = Callable[[str, str], datetime | None]
"""(dag_id, dag_run_id) -> the run's data interval end, or None if Airflow has no such run."""

#: Pages hold their own styles and inline SVG: nothing else may load.
CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; "
    "frame-ancestors 'self'; base-uri 'none'"
)


class Dashboard:
    """What the routes share: the warehouse (opened on first use), the rubric, the run lookup."""

    def __init__(
        self,
        warehouse_factory: Callable[[], Warehouse],
        rubric_factory: Callable[[], Rubric | None] | None = None,
        run_window: RunWindow | None = None,
    ) -> None:
        self._warehouse_factory = warehouse_factory
        self._rubric_factory = rubric_factory or _default_rubric
        self.run_window = run_window
        self._warehouse: Warehouse | None = None
        self._rubric: Rubric | None = None
        self._lock = threading.Lock()

    @property
    def warehouse(self) -> Warehouse:
        with self._lock:
            if self._warehouse is None:
                self._warehouse = self._warehouse_factory()
            return self._warehouse

    @property
    def rubric(self) -> Rubric | None:
        with self._lock:
            if self._rubric is None:
                self._rubric = self._rubric_factory()
            return self._rubric

    @contextmanager
    def reading(self, what: str) -> Iterator[Connection]:
        """One read-only connection; product errors become HTTP errors (unknown input 404,
        warehouse trouble 503)."""
        from sqlalchemy.exc import SQLAlchemyError

        from maturity.errors import InputError, WarehouseError

        wh = self.warehouse
        try:
            with wh.engine.connect() as connection:
                yield connection
        except InputError as exc:
            raise HTTPException(status.HTTP_404_NOT_FOUND, detail=exc.render()) from None
        except (SQLAlchemyError, WarehouseError) as exc:
            detail = f"{what} failed: {type(exc).__name__} (warehouse {wh.url_masked})"
            raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, detail=detail) from None


def _default_rubric() -> Rubric:
    from maturity.rubric import load_default_rubric

    return load_default_rubric()


def _pages(request: Request, dashboard: Dashboard, lang: str) -> Pages:
    from maturity.errors import InputError

    query = {k: v for k, v in request.query_params.items() if k != "lang"}
    try:
        return Pages(
            dashboard.rubric,
            lang=lang,
            root=request.scope.get("root_path", "").rstrip("/"),
            query=query,
            path=request.url.path.removeprefix(request.scope.get("root_path", "")) or "/",
        )
    except InputError as exc:
        raise HTTPException(422, detail=exc.render()) from None


def _html(body: str) -> HTMLResponse:
    return HTMLResponse(body, headers={"Content-Security-Policy": CSP})


def _run_rows(dashboard: Dashboard, run_id: str, dag_id: str) -> tuple[str, list[reads.RunRow]]:
    """The assessments of a warehouse run id, or (with ``dag_id``, in Airflow) of the window
    an Airflow DAG run covered."""
    window_end = None
    if dag_id and dashboard.run_window is not None:
        window_end = dashboard.run_window(dag_id, run_id)
        if window_end is None:
            raise HTTPException(404, detail=f"Airflow has no run {run_id} of DAG {dag_id}")
    with dashboard.reading(f"reading run {run_id}") as connection:
        if window_end is not None:
            rows = reads.run_results(connection, window_end=window_end)
        else:
            rows = reads.run_results(connection, run_id=run_id)
    label = f"{dag_id} {run_id}".strip()
    if window_end is not None:
        label += f" → {window_end.isoformat()}"
    return label, rows


def create_router(dashboard: Dashboard, dependencies: Sequence[Depends] = ()) -> APIRouter:
    from maturity.errors import InputError
    from maturity.warehouse.reads import require_organisation

    router = APIRouter(dependencies=list(dependencies))

    @router.get("/", response_class=HTMLResponse)
    def portfolio(
        request: Request,
        lang: str = "en",
        sector: str = "",
        phase: str = "",
        confidence: str = "",
        sort: str = "name",
        order: str = "asc",
    ) -> HTMLResponse:
        pages = _pages(request, dashboard, lang)
        try:
            filters, by = Filters(sector, phase, confidence), Sort(sort, order)
        except InputError as exc:
            raise HTTPException(422, detail=exc.render()) from None
        with dashboard.reading("reading the portfolio") as connection:
            rows = reads.portfolio(connection)
        return _html(pages.portfolio(rows, filters, by))

    @router.get("/org/{org_id}", response_class=HTMLResponse)
    def organisation(request: Request, org_id: str, lang: str = "en") -> HTMLResponse:
        pages = _pages(request, dashboard, lang)
        with dashboard.reading(f"reading organisation {org_id}") as connection:
            view = reads.organisation(connection, org_id)
        return _html(pages.organisation(org_id, view))

    @router.get("/org/{org_id}/criterion/{criterion_id}", response_class=HTMLResponse)
    def evidence(
        request: Request, org_id: str, criterion_id: str, lang: str = "en"
    ) -> HTMLResponse:
        pages = _pages(request, dashboard, lang)
        with dashboard.reading(f"reading the evidence of {org_id}") as connection:
            org = require_organisation(connection, org_id)
            ev = reads.criterion_evidence(connection, org_id, criterion_id)
        if ev is None:
            raise HTTPException(
                404,
                detail=f"the latest assessment of {org_id} has no criterion {criterion_id}; "
                "open the organisation's page for its criteria",
            )
        return _html(pages.evidence(org_id, org.name, ev))

    @router.get("/runs/{run_id:path}", response_class=HTMLResponse)
    def run(request: Request, run_id: str, lang: str = "en", dag_id: str = "") -> HTMLResponse:
        pages = _pages(request, dashboard, lang)
        label, rows = _run_rows(dashboard, run_id, dag_id)
        return _html(pages.run(label, rows))

    return router


def create_app(
    warehouse_factory: Callable[[], Warehouse],
    *,
    dependencies: Sequence[Depends] = (),
    rubric_factory: Callable[[], Rubric | None] | None = None,
    run_window: RunWindow | None = None,
) -> FastAPI:
    """The dashboard as an app of its own (Airflow mounts it; ``maturity serve`` runs it)."""
    app = FastAPI(
        title="Social Business maturity dashboard",
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
    )
    app.state.dashboard = Dashboard(warehouse_factory, rubric_factory, run_window)
    app.include_router(create_router(app.state.dashboard, dependencies))
    return app

"""The plugin's JSON API, mounted by Airflow's API server at ``/maturity``.

Every route requires an authenticated Airflow user: Airflow does not protect plugin apps by
itself, so the router depends on Airflow's ``requires_authenticated`` (a JWT in the
``Authorization: Bearer`` header, or the UI's session cookie).

==========================================  ================================================
route                                       answer
==========================================  ================================================
``GET /organisations``                      the organisations in the warehouse
``GET /organisations/{id}/assessment``      the latest assessment (``?as_of=`` ISO time)
``GET /organisations/{id}/history``         every stored assessment, oldest window first
``GET /organisations/{id}/evidence``        criteria with their checks and evidence refs
``GET /openapi.json``                       the OpenAPI document, with every body's schema
``GET /docs``                               Swagger UI over that document
==========================================  ================================================

The bodies are built by ``maturity.warehouse.payloads`` and validated against the response
models of ``maturity.airflow.api_models``. FastAPI's own schema and documentation routes cannot
take the router's authentication, so the router serves them itself, behind it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Query, Request, status
from fastapi.responses import HTMLResponse

from maturity.airflow import api_models as models
from maturity.warehouse import payloads

if TYPE_CHECKING:
    from maturity.warehouse import ExplainData, Warehouse

AsOf = Annotated[
    datetime | None,
    Query(description="Latest window ending at or before this time (ISO 8601 with a zone)."),
]


def open_warehouse() -> Warehouse:
    """The warehouse of the connection ``maturity_warehouse`` (see ``WarehouseHook``)."""
    from maturity.airflow.hooks import WarehouseHook

    return WarehouseHook().get_conn()


def get_warehouse(request: Request) -> Warehouse:
    """One warehouse (one engine and its pool) per app, opened on first use."""
    state = request.app.state
    with state.warehouse_lock:
        if state.warehouse is None:
            state.warehouse = state.warehouse_factory()
        warehouse: Warehouse = state.warehouse
    return warehouse


WarehouseDep = Annotated[Any, Depends(get_warehouse)]


@contextmanager
def _answering() -> Iterator[None]:
    """Product errors as HTTP errors: unknown input 404, warehouse trouble 503."""
    from maturity.errors import InputError, WarehouseError

    try:
        yield
    except InputError as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=exc.what) from None
    except WarehouseError as exc:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, detail=exc.render()) from None


def _latest(wh: Warehouse, org_id: str, as_of: datetime | None) -> ExplainData:
    if as_of is not None and (as_of.tzinfo is None or as_of.utcoffset() is None):
        raise HTTPException(
            422,
            detail="as_of needs a timezone, e.g. 2026-11-02T00:00:00Z",
        )
    with _answering():
        data = wh.latest_assessment(org_id, as_of=as_of)
    if data is None:
        when = f" as of {as_of.isoformat()}" if as_of else ""
        raise HTTPException(
            status.HTTP_404_NOT_FOUND, detail=f"no assessment of {org_id}{when} in the warehouse"
        )
    return data


#: Optional evidence-reference fields are left out when unknown, not sent as null.
BODY: dict[str, Any] = {"response_model_exclude_unset": True}


def _router() -> APIRouter:
    from airflow.api_fastapi.core_api.security import requires_authenticated

    router = APIRouter(dependencies=[Depends(requires_authenticated())])

    @router.get("/organisations", response_model=models.OrganisationList, **BODY)
    def organisations(wh: WarehouseDep) -> dict[str, Any]:
        with _answering():
            orgs = wh.list_organisations()
        return {"organisations": [payloads.organisation(o) for o in orgs]}

    @router.get("/organisations/{org_id}/assessment", response_model=models.AssessmentBody, **BODY)
    def assessment(org_id: str, wh: WarehouseDep, as_of: AsOf = None) -> dict[str, Any]:
        return payloads.assessment(_latest(wh, org_id, as_of))

    @router.get("/organisations/{org_id}/history", response_model=models.History, **BODY)
    def history(org_id: str, wh: WarehouseDep) -> dict[str, Any]:
        with _answering():
            rows = wh.assessment_history(org_id)
        return {"org_id": org_id, "assessments": [payloads.summary(s) for s in rows]}

    @router.get("/organisations/{org_id}/evidence", response_model=models.EvidenceBody, **BODY)
    def evidence(org_id: str, wh: WarehouseDep, as_of: AsOf = None) -> dict[str, Any]:
        return payloads.evidence(_latest(wh, org_id, as_of))

    @router.get("/openapi.json", include_in_schema=False)
    def openapi(request: Request) -> dict[str, Any]:
        return request.app.openapi()  # type: ignore[no-any-return]

    @router.get("/docs", include_in_schema=False)
    def docs(request: Request) -> HTMLResponse:
        from fastapi.openapi.docs import get_swagger_ui_html

        root = request.scope.get("root_path", "")
        return get_swagger_ui_html(openapi_url=f"{root}/openapi.json", title="maturity API")

    return router


def create_app(warehouse_factory: Callable[[], Warehouse] = open_warehouse) -> FastAPI:
    app = FastAPI(
        title="Social Business maturity",
        description="Organisations, their assessments and the evidence behind them.",
        version="1",
        # FastAPI's schema and documentation routes cannot take the router's authentication.
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
    )
    app.state.warehouse = None
    app.state.warehouse_factory = warehouse_factory
    app.state.warehouse_lock = threading.Lock()
    app.include_router(_router())
    return app

"""The ``maturity`` Airflow plugin: the product's JSON API under ``/maturity``, and the
dashboard under ``/maturity/dashboard/``, shown in the UI as "Maturity" in the navigation and as
a "Maturity" tab on every DAG run (that run's assessments).

Registered through the ``airflow.plugins`` entry point
(``maturity = "maturity.airflow.plugin:MaturityPlugin"``), so an installed package is enough; no
plugins folder is involved. Airflow imports plugins in every component, task processes
included, so this module imports neither FastAPI nor the warehouse: each app is built on its
first request, which only ever reaches the API server. Both apps sit behind Airflow's
authentication (the UI's session cookie, or a bearer token).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from airflow.plugins_manager import AirflowPlugin

from maturity.airflow import names

if TYPE_CHECKING:
    from fastapi import FastAPI


def _create_app() -> FastAPI:
    """The JSON API, with the dashboard's pages mounted at ``names.DASHBOARD_PATH``."""
    from maturity.airflow.api import create_app

    app = create_app()
    app.mount(names.DASHBOARD_PATH, _create_dashboard())
    return app


def _run_window_end(dag_id: str, run_id: str) -> datetime | None:
    """The data interval end of an Airflow DAG run (the window its assessments cover)."""
    from airflow.models.dagrun import DagRun
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        end = session.scalar(
            select(DagRun.data_interval_end).where(DagRun.dag_id == dag_id, DagRun.run_id == run_id)
        )
    return end if isinstance(end, datetime) else None


def _create_dashboard() -> FastAPI:
    from airflow.api_fastapi.core_api.security import requires_authenticated
    from fastapi import Depends

    from maturity.airflow.api import open_warehouse
    from maturity.dashboard.app import create_app

    return create_app(
        open_warehouse,
        dependencies=[Depends(requires_authenticated())],
        run_window=_run_window_end,
    )


class DeferredApp:
    """An ASGI app that builds the real one (``maturity.airflow.api.create_app``) when first
    called."""

    def __init__(self, factory: Callable[[], FastAPI] = _create_app) -> None:
        self._factory = factory
        self._app: FastAPI | None = None
        self._lock = threading.Lock()

    @property
    def app(self) -> FastAPI:
        with self._lock:
            if self._app is None:
                self._app = self._factory()
            return self._app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await self.app(scope, receive, send)


_DASHBOARD_HREF = (names.API_PREFIX + names.DASHBOARD_PATH).lstrip("/")


class MaturityPlugin(AirflowPlugin):
    name = names.PLUGIN_NAME
    # Airflow reads plugins' class attributes, as declared on AirflowPlugin.
    fastapi_apps: list[Any] = [  # noqa: RUF012
        {
            "app": DeferredApp(),
            "url_prefix": names.API_PREFIX,
            "name": "Social Business maturity API",
        }
    ]
    # Relative hrefs: the UI resolves them against its base URL. Airflow fills in {DAG_ID} and
    # {RUN_ID} where the view is shown.
    external_views: list[Any] = [  # noqa: RUF012
        {
            "name": "Maturity",
            "href": _DASHBOARD_HREF + "/",
            "destination": "nav",
            "url_route": names.DASHBOARD_ROUTE,
        },
        {
            "name": "Maturity",
            "href": _DASHBOARD_HREF + "/runs/{RUN_ID}?dag_id={DAG_ID}",
            "destination": "dag_run",
            "url_route": f"{names.DASHBOARD_ROUTE}_run",
        },
    ]

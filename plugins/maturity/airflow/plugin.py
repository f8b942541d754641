"""The ``maturity`` Airflow plugin: the product's JSON API under ``/maturity``.

Registered through the ``airflow.plugins`` entry point
(``maturity = "maturity.airflow.plugin:MaturityPlugin"``), so an installed package is enough; no
plugins folder is involved. Airflow imports plugins in every component, task processes
included, so this module imports neither FastAPI nor the warehouse: the API app is built on its
first request, which only ever reaches the API server.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from airflow.plugins_manager import AirflowPlugin

from maturity.airflow import names

if TYPE_CHECKING:
    from fastapi import FastAPI


def _create_app() -> FastAPI:
    from maturity.airflow.api import create_app

    return create_app()


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

"""The plugin API: every route needs an Airflow user; answers come from a real warehouse."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from maturity.airflow.api import create_app
from maturity.input_file import load_evidence_file
from maturity.pipeline.score import score_inputs
from maturity.rubric import load_default_rubric
from maturity.sandbox.demo import demo_evidence_path
from maturity.warehouse import Warehouse

pytestmark = pytest.mark.unit

ROUTES = (
    "/organisations",
    "/organisations/gemeente-duinwijk/assessment",
    "/organisations/gemeente-duinwijk/history",
    "/organisations/gemeente-duinwijk/evidence",
)
EVIDENCE = demo_evidence_path()


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Warehouse]:
    """A SQLite warehouse holding the demo evidence's assessments."""
    wh = Warehouse(f"sqlite:///{tmp_path_factory.mktemp('api') / 'warehouse.sqlite'}")
    wh.migrate()
    score_inputs(load_evidence_file(EVIDENCE), load_default_rubric(), wh, input_digest="api-test")
    yield wh
    wh.dispose()


@pytest.fixture
def app(warehouse: Warehouse) -> FastAPI:
    return create_app(lambda: warehouse)


@pytest.fixture
def signed_in(app: FastAPI) -> Iterator[TestClient]:
    """A client whose requests carry an Airflow user (the auth dependency overridden)."""
    from airflow.api_fastapi.auth.managers.simple.user import SimpleAuthManagerUser
    from airflow.api_fastapi.core_api.security import get_user

    app.dependency_overrides[get_user] = lambda: SimpleAuthManagerUser(
        username="viewer", role="viewer"
    )
    yield TestClient(app)
    app.dependency_overrides.clear()


@pytest.mark.parametrize("route", ROUTES)
def test_every_route_refuses_a_request_without_a_user(app: FastAPI, route: str) -> None:
    response = TestClient(app).get(route)
    assert response.status_code == 401
    assert response.json() == {"detail": "Not authenticated"}


def test_the_router_depends_on_airflows_authentication(app: FastAPI) -> None:
    from fastapi.routing import APIRoute

    routes = [r for r in app.routes if isinstance(r, APIRoute)]
    assert {r.path for r in routes} == {
        "/organisations",
        "/organisations/{org_id}/assessment",
        "/organisations/{org_id}/history",
        "/organisations/{org_id}/evidence",
        "/openapi.json",
        "/docs",
    }
    for route in routes:
        called = {d.call.__qualname__ for d in route.dependant.dependencies}
        assert any("requires_authenticated" in q for q in called), route.path


def test_organisations_lists_the_warehouse(signed_in: TestClient) -> None:
    body = signed_in.get("/organisations").json()
    ids = [o["org_id"] for o in body["organisations"]]
    assert "gemeente-duinwijk" in ids
    assert ids == sorted(ids)
    duinwijk = next(o for o in body["organisations"] if o["org_id"] == "gemeente-duinwijk")
    assert duinwijk["name"] == "Gemeente Duinwijk"
    assert duinwijk["sector"] == "municipality"


def test_latest_assessment_has_phase_window_and_next_steps(signed_in: TestClient) -> None:
    body = signed_in.get("/organisations/polderstroom-energie/assessment").json()
    assert body["org_id"] == "polderstroom-energie"
    assert body["verdict"] == "assessed"
    assert body["phase"] == 6
    assert body["phase_label"] == {"en": "Converged", "nl": "Geconvergeerd"}
    assert body["window"] == {"start": "2026-08-03T00:00:00Z", "end": "2026-11-02T00:00:00Z"}
    assert body["rubric"]["id"]
    assert 0 <= body["confidence"] <= 1
    assert body["run"]["trigger"] == "cli"
    assert all({"rank", "criterion_id", "gap"} <= set(s) for s in body["next_steps"])


def test_insufficient_evidence_is_said_in_words(signed_in: TestClient) -> None:
    body = signed_in.get("/organisations/gemeente-moerkerkenveld/assessment").json()
    assert body["verdict"] == "insufficient_evidence"
    assert body["phase"] is None
    assert body["phase_label"]["en"] == "Insufficient evidence"


def test_as_of_selects_by_window_end(signed_in: TestClient) -> None:
    route = "/organisations/gemeente-duinwijk/assessment"
    assert signed_in.get(route, params={"as_of": "2026-11-02T00:00:00Z"}).status_code == 200
    early = signed_in.get(route, params={"as_of": "2026-11-01T23:59:59+00:00"})
    assert early.status_code == 404
    assert "as of 2026-11-01T23:59:59+00:00" in early.json()["detail"]


def test_as_of_without_a_zone_is_refused(signed_in: TestClient) -> None:
    response = signed_in.get(
        "/organisations/gemeente-duinwijk/assessment", params={"as_of": "2026-11-02T00:00:00"}
    )
    assert response.status_code == 422
    assert "timezone" in response.json()["detail"]


@pytest.mark.parametrize("suffix", ["assessment", "history", "evidence"])
def test_an_unknown_organisation_is_404_naming_it(signed_in: TestClient, suffix: str) -> None:
    response = signed_in.get(f"/organisations/no-such-org/{suffix}")
    assert response.status_code == 404
    assert "no-such-org" in response.json()["detail"]


def test_history_lists_every_window(signed_in: TestClient) -> None:
    body = signed_in.get("/organisations/gemeente-duinwijk/history").json()
    assert body["org_id"] == "gemeente-duinwijk"
    [only] = body["assessments"]
    assert only["phase"] == 5
    assert only["phase_label"]["en"] == "Strategic"
    assert only["run_id"]


def test_evidence_gives_criteria_with_their_refs(signed_in: TestClient) -> None:
    body = signed_in.get("/organisations/gemeente-duinwijk/evidence").json()
    assert body["criteria"]
    statuses = {c["status"] for c in body["criteria"]}
    assert statuses <= {"met", "not_met", "uncertain", "unknown"}
    refs = [r for c in body["criteria"] for m in c["metric_values"] for r in m["refs"]]
    assert refs, "the demo evidence carries refs for some metrics"
    assert all(r["kind"] in {"item", "page", "query", "document"} for r in refs)


def test_an_unreachable_warehouse_is_503_with_a_masked_url(tmp_path: Path) -> None:
    from airflow.api_fastapi.auth.managers.simple.user import SimpleAuthManagerUser
    from airflow.api_fastapi.core_api.security import get_user

    wh = Warehouse("postgresql://maturity:s3cret@127.0.0.1:1/none?connect_timeout=1")
    app = create_app(lambda: wh)
    app.dependency_overrides[get_user] = lambda: SimpleAuthManagerUser(
        username="viewer", role="viewer"
    )
    response = TestClient(app).get("/organisations")
    assert response.status_code == 503
    assert "s3cret" not in response.text
    assert "***" in response.json()["detail"]


def _concrete(path: str) -> str:
    """A route's path with its parameters filled in (``{org_id}`` -> an organisation)."""
    return path.replace("{org_id}", "gemeente-duinwijk")


def _every_route(app: FastAPI) -> list[tuple[str, str]]:
    """(method, path) of every route the app answers, Starlette's own routes included."""
    from starlette.routing import Route

    out = []
    for route in app.routes:
        assert isinstance(route, Route), route  # a mount would hide routes from this test
        out += [(m, _concrete(route.path)) for m in sorted(route.methods or ())]
    return out


def test_every_route_of_the_app_and_the_plugin_refuses_anonymous_requests(
    warehouse: Warehouse,
) -> None:
    """Not only the four routes above: every route FastAPI adds too (/openapi.json, /docs,
    /redoc), and the same through the plugin's deferred app as Airflow mounts it."""
    from maturity.airflow.plugin import DeferredApp, MaturityPlugin

    app = create_app(lambda: warehouse)
    routes = _every_route(app)
    assert len(routes) >= len(ROUTES)
    plugin_app = MaturityPlugin.fastapi_apps[0]["app"]
    assert isinstance(plugin_app, DeferredApp)
    for client in (
        TestClient(app),
        TestClient(DeferredApp(lambda: create_app(lambda: warehouse))),
    ):
        for method, path in routes:
            response = client.request(method, path)
            assert response.status_code == 401, (method, path, response.status_code)
        for probe in ("/openapi.json", "/docs", "/redoc", "/docs/oauth2-redirect"):
            assert client.get(probe).status_code in (401, 404), probe


def test_forged_credentials_are_refused(
    warehouse: Warehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A JWT signed with a guessed key, a malformed token, Basic auth or a forged session
    cookie never reaches the warehouse."""
    import jwt
    from airflow.api_fastapi import app as airflow_app

    monkeypatch.setattr(airflow_app._AuthManagerState, "instance", None)
    airflow_app.create_auth_manager()  # Airflow's configured manager; no files written
    forged = jwt.encode(
        {"sub": "admin", "role": "ADMIN", "aud": "apache-airflow"},
        "a-guessed-secret-" * 4,
        algorithm="HS512",
    )
    client = TestClient(create_app(lambda: warehouse))
    attempts: list[dict[str, object]] = [
        {"headers": {"Authorization": f"Bearer {forged}"}},
        {"headers": {"Authorization": "Bearer not-a-jwt"}},
        {"headers": {"Authorization": "Basic YWRtaW46YWRtaW4="}},
        {"cookies": {"_token": forged}},
    ]
    for route in ROUTES:
        for attempt in attempts:
            client.cookies.clear()
            response = client.get(route, **attempt)  # type: ignore[arg-type]
            assert response.status_code in (401, 403), (route, attempt, response.text)
            assert "gemeente-duinwijk" not in response.text


RESPONSE_MODELS = {
    "/organisations": "OrganisationList",
    "/organisations/{org_id}/assessment": "AssessmentBody",
    "/organisations/{org_id}/history": "History",
    "/organisations/{org_id}/evidence": "EvidenceBody",
}


def test_openapi_names_every_body_schema_behind_authentication(
    warehouse: Warehouse, signed_in: TestClient
) -> None:
    anonymous = TestClient(create_app(lambda: warehouse))
    assert anonymous.get("/openapi.json").status_code == 401
    assert anonymous.get("/docs").status_code == 401
    doc = signed_in.get("/openapi.json").json()
    schemas = doc["components"]["schemas"]
    for path, model in RESPONSE_MODELS.items():
        ok = doc["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
        assert ok["schema"] == {"$ref": f"#/components/schemas/{model}"}, path
    assert set(schemas["AssessmentBody"]["required"]) >= {"phase", "phase_label", "next_steps"}
    criterion = schemas["CriterionBody"]["properties"]
    assert criterion["checks"]["items"] == {"$ref": "#/components/schemas/CheckBody"}
    assert schemas["CheckBody"]["properties"]["status"]["enum"] == [
        "met",
        "not_met",
        "uncertain",
        "unknown",
    ]
    assert {"/openapi.json", "/docs"}.isdisjoint(doc["paths"])
    page = signed_in.get("/docs")
    assert page.status_code == 200
    assert "/openapi.json" in page.text


def test_bodies_are_validated_against_their_models(signed_in: TestClient) -> None:
    """The serialisers and the models agree: every route answers 200 with its model's fields,
    and optional evidence-ref fields that were never written stay out (not null)."""
    from maturity.airflow import api_models

    for route, model in zip(ROUTES, RESPONSE_MODELS.values(), strict=True):
        response = signed_in.get(route)
        assert response.status_code == 200, (route, response.text)
        getattr(api_models, model).model_validate(response.json())
    body = signed_in.get("/organisations/gemeente-duinwijk/evidence").json()
    refs = [r for c in body["criteria"] for m in c["metric_values"] for r in m["refs"]]
    assert refs
    assert all(None not in r.values() for r in refs)

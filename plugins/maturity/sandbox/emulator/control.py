"""The control endpoints under ``/_emulator/``: program faults, read call counts, change rate
limits, reset. They are never counted, faulted or rate limited.

=======  ============================  ==========================================================
GET      /_emulator/health             ``{"status": "ok", ...sizes and route names}``
GET      /_emulator/calls              ``{"calls": {"GET /2/users/by": 3, ...}, "total": 3}``
GET      /_emulator/log?limit=N        the last N calls (route, path, query, status, fault)
GET      /_emulator/faults             installed faults with how often each matched and fired
POST     /_emulator/faults             install one fault, a list, or ``{"faults": [...]}``
DELETE   /_emulator/faults             remove all faults
GET      /_emulator/limits             the rate-limit rules
POST     /_emulator/limits             ``{"route": ..., "limit": N, "window": s, "usage_cap": b}``
                                       or ``{"route": ..., "exhaust": reset_in_seconds}``
POST     /_emulator/tokens/expire      invalidate every Reddit access token
POST     /_emulator/reset              forget calls, faults and rate-limit usage
=======  ============================  ==========================================================
"""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from maturity.sandbox.emulator.faults import fault_from_dict
from maturity.sandbox.emulator.http import Request, Response
from maturity.sandbox.emulator.ratelimits import X_WINDOW, EmulatedLimit

if TYPE_CHECKING:
    from maturity.sandbox.emulator.dispatch import EmulatorApp


def _bad(message: str) -> Response:
    return Response.json(400, {"error": message})


class Control:
    def __init__(self, app: EmulatorApp) -> None:
        self.app = app

    def handle(self, req: Request) -> Response:
        action = req.path.removeprefix("/_emulator/").strip("/")
        handlers = {
            ("GET", "health"): self.health,
            ("GET", "calls"): self.calls,
            ("GET", "log"): self.log,
            ("GET", "faults"): self.faults,
            ("POST", "faults"): self.add_faults,
            ("DELETE", "faults"): self.clear_faults,
            ("GET", "limits"): self.limits,
            ("POST", "limits"): self.set_limit,
            ("POST", "tokens/expire"): self.expire_tokens,
            ("POST", "reset"): self.reset,
        }
        handler = handlers.get((req.method, action))
        if handler is None:
            return Response.json(404, {"error": f"no control endpoint {req.method} {req.path}"})
        try:
            return handler(req)
        except (ValueError, TypeError, ValidationError) as exc:
            return _bad(str(exc))

    def health(self, req: Request) -> Response:
        return Response.json(200, {"status": "ok", **self.app.describe()})

    def calls(self, req: Request) -> Response:
        calls = self.app.calls
        return Response.json(200, {"calls": calls, "total": sum(calls.values())})

    def log(self, req: Request) -> Response:
        limit = int(req.query.get("limit", "100"))
        records = self.app.call_log()[-limit:] if limit > 0 else []
        return Response.json(200, {"calls": [asdict(r) for r in records]})

    def faults(self, req: Request) -> Response:
        return Response.json(200, {"faults": self.app.faults.snapshot()})

    def add_faults(self, req: Request) -> Response:
        payload: Any = req.json()
        if isinstance(payload, dict) and "faults" in payload:
            payload = payload["faults"]
        items = payload if isinstance(payload, list) else [payload]
        faults = [fault_from_dict(item) for item in items]
        for fault in faults:
            self.app.faults.add(fault)
        return Response.json(201, {"installed": len(faults)})

    def clear_faults(self, req: Request) -> Response:
        self.app.faults.clear()
        return Response.json(200, {"cleared": True})

    def limits(self, req: Request) -> Response:
        rules = {k: asdict(v) for k, v in self.app.limiter.rules.items()}
        return Response.json(200, {"limits": rules})

    def set_limit(self, req: Request) -> Response:
        body = req.json()
        if not isinstance(body, dict) or not isinstance(body.get("route"), str):
            return _bad("give {'route': ..., 'limit': N} or {'route': ..., 'exhaust': seconds}")
        route = body["route"]
        if "exhaust" in body:
            self.app.limiter.exhaust(route, float(body["exhaust"]))
        elif "limit" not in body:
            return _bad("give {'route': ..., 'limit': N} or {'route': ..., 'exhaust': seconds}")
        else:
            # without a window, a route keeps its own (the "reddit" default: 10 minutes); a
            # route without a rule yet gets X's 15 minutes
            current = self.app.limiter.rules.get(route)
            window = current.window if current else X_WINDOW
            rule = EmulatedLimit(
                int(body["limit"]),
                float(body.get("window", window)),
                bool(body.get("usage_cap", False)),
            )
            self.app.limiter.set_limit(route, rule)
        return Response.json(200, {"route": route})

    def expire_tokens(self, req: Request) -> Response:
        self.app.tokens.expire_all()
        return Response.json(200, {"expired": True})

    def reset(self, req: Request) -> Response:
        self.app.reset()
        return Response.json(200, {"reset": True})

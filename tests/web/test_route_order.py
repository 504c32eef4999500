"""No route is answered by another (issue 12, speed): the routers are listed with the most asked
first (``web.app.ROUTERS``), which is only safe when no earlier route also matches a later one's
paths; then the order changes nothing but the time to find a route."""

from __future__ import annotations

import re

from fastapi.routing import APIRoute
from starlette.routing import Match

from sciatica_care.web.app import ROUTERS

_PARAM = re.compile(r"\{([^}:]+)(?::([a-z]+))?\}")
_SAMPLES = {
    "int": "7",
    "path": "a/b",
    "float": "1.5",
    "uuid": "0b5b3d3e-0000-4000-8000-000000000001",
}


def _sample(path: str) -> str:
    return _PARAM.sub(lambda m: _SAMPLES.get(m.group(2) or "", "sample-1"), path)


def _leaves() -> list[APIRoute]:
    routes = [route for router in ROUTERS for route in router.routes]
    assert all(isinstance(route, APIRoute) for route in routes)
    return [route for route in routes if isinstance(route, APIRoute)]


def test_every_route_is_the_first_to_match_its_own_paths() -> None:
    leaves = _leaves()
    assert len(leaves) > 100
    for n, route in enumerate(leaves):
        for method in route.methods:
            scope = {"type": "http", "path": _sample(route.path), "method": method}
            assert route.matches(dict(scope))[0] is Match.FULL, route.path
            earlier = [
                other.path for other in leaves[:n] if other.matches(dict(scope))[0] is Match.FULL
            ]
            assert earlier == [], f"{method} {route.path} is answered by {earlier}"

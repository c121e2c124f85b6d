"""The last touches on the generated OpenAPI document, so that it describes what the server really does.

FastAPI derives most of the schema from the routes; what it cannot know:

* that every error is application/problem+json, also FastAPI's default 422 for routes with parameters;
* models that no route names in its signature: the problem body (documented through
  :func:`~botrygt_nlp.api.schemas.problem_responses`) and the JSON form of a report request (the report
  routes read their body by hand, to accept text/plain, text/markdown and text/html too);
* that a key is optional on reads: FastAPI lists the key schemes as required on every route that declares them,
  while OpenAPI says "optional" with an empty requirement ``{}`` next to them. With
  ``api_require_key_for_reads`` set the reads do need a key and the empty requirement is left out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from pydantic import BaseModel

from botrygt_nlp.api.auth import reader
from botrygt_nlp.api.routes.reports import ReportRequest
from botrygt_nlp.api.schemas import ProblemOut
from botrygt_nlp.service.methods import flat_routes, original

REF_TEMPLATE = "#/components/schemas/{model}"
EXTRA_MODELS: tuple[type[BaseModel], ...] = (ProblemOut, ReportRequest)


def _calls(dependant: Dependant) -> Iterator[Callable[..., Any]]:
    for sub in dependant.dependencies:
        if sub.call is not None:
            yield sub.call
        yield from _calls(sub)


def _reads(app: FastAPI) -> set[tuple[str, str]]:
    """(path, lower-case method) of every operation that takes the optional-key ``reader`` dependency."""
    out: set[tuple[str, str]] = set()
    for route in flat_routes(app.routes):
        api_route = original(route)
        if (
            isinstance(api_route, APIRoute)
            and api_route.include_in_schema
            and reader in set(_calls(api_route.dependant))
        ):
            out.update((route.path_format, m.lower()) for m in route.methods or ())
    return out


def finish_schema(app: FastAPI, schema: dict[str, Any], *, key_optional_on_reads: bool) -> dict[str, Any]:
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for model in EXTRA_MODELS:
        body = model.model_json_schema(ref_template=REF_TEMPLATE)
        components.update(body.pop("$defs", {}))
        components[model.__name__] = body
    problem = {"application/problem+json": {"schema": {"$ref": REF_TEMPLATE.format(model="ProblemOut")}}}
    for operations in schema.get("paths", {}).values():
        for op in operations.values():
            for status, response in op.get("responses", {}).items():
                # FastAPI's own 422 (HTTPValidationError, application/json) on routes with parameters: every
                # error leaves through problems.py as problem+json, so say that.
                if status[:1] in "45" and "application/problem+json" not in response.get("content", {}):
                    response["content"] = problem
    for unused in ("HTTPValidationError", "ValidationError"):
        components.pop(unused, None)
    if key_optional_on_reads:
        reads = _reads(app)
        for path, operations in schema.get("paths", {}).items():
            for method, op in operations.items():
                security = op.get("security")
                if (path, method) in reads and security and {} not in security:
                    op["security"] = [*security, {}]
    return schema


def install(app: FastAPI, *, key_optional_on_reads: bool) -> None:
    """Wrap ``app.openapi``: FastAPI builds and caches the schema as usual, this finishes it once."""
    generate = app.openapi
    finished = False

    def openapi() -> dict[str, Any]:
        nonlocal finished
        schema = generate()
        if not finished:
            finish_schema(app, schema, key_optional_on_reads=key_optional_on_reads)
            finished = True
        return schema

    app.openapi = openapi  # type: ignore[method-assign]

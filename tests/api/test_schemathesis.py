"""Schemathesis over the whole OpenAPI document, in-process (WSGI): no server errors, every answer as documented."""

from __future__ import annotations

from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from portal.triage.services import save_tag
from tests.api.conftest import token_for
from tests.factories import make_comment, make_idea, make_prototype, make_user

EXAMPLES = 10
EXISTING = ("idea_id", "comment_id", "product_id", "prototype_id", "notification_id")
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance]


@pytest.fixture
def api_schema(app):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


@pytest.fixture
def tokens(ctx) -> dict[str, str | None]:
    """A small portal to run against: ids 1 and 2 exist for every kind of row, and an admin's token."""
    admin = make_user("admin")
    customer = make_user()
    prototype = make_prototype()
    make_prototype(prototype.product)
    first = make_idea(customer, prototype, title="Longer battery life")
    make_idea(admin, prototype, title="Brighter screen for classrooms")
    make_comment(customer, first, "Yes please")
    make_comment(admin, first, "We are on it")
    save_tag(admin, None, name="battery", color="#2454d6", internal=False)
    save_tag(admin, None, name="internal", color="#2454d6", internal=True)
    return {"admin": token_for(admin), "customer (read only)": token_for(customer, ("read",)), "anonymous": None}


def _run(operation, mode, token: str | None, failures: list[str], who: str, seen: Counter) -> None:
    headers = {"Authorization": f"Bearer {token}"} if token else {}

    # Valid examples name rows that exist, so they reach the operation itself rather than its 404.
    ids = {name: 1 for name in EXISTING if f"{{{name}}}" in operation.path}
    fixed = {"path_parameters": ids} if mode is GenerationMode.POSITIVE and ids else {}

    @given(case=operation.as_strategy(generation_mode=mode, **fixed))
    @settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
              suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
    def check(case) -> None:
        seen[case.call_and_validate(headers=headers, checks=CHECKS).status_code] += 1

    try:
        check()
    except Unsatisfiable:  # no parameters and no body: there is no invalid request to make
        pass
    except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - one run reports every failing operation
        failures.append(f"{operation.label} as {who} ({mode.value}): {exc}")


def test_the_api_matches_its_document(api_schema, tokens):
    """Positive and negative examples for every operation as an admin, a read-only customer and a visitor, with a
    fixed seed: no 5xx, every answer as documented."""
    failures: list[str] = []
    seen: Counter = Counter()
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) > 30
    for operation in operations:
        for who, token in tokens.items():
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                _run(operation, mode, token, failures, who, seen)
    assert not failures, "\n\n".join(failures)
    # The run reached the operations themselves, not only their refusals.
    assert sum(n for code, n in seen.items() if code < 300) > 200, seen
    assert {200, 201, 204, 400, 401, 403, 404, 422} <= set(seen), seen

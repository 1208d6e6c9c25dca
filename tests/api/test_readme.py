"""The README's API section says what the schema says: every documented query parameter
exists, and every parameter of the schema is documented."""

import re
from pathlib import Path

import pytest
import yaml
from rest_framework.test import APIClient

README = Path(__file__).resolve().parents[2] / "README.md"
ENDPOINT = re.compile(r"`(GET|POST|PUT|PATCH) (/api/v1/[^`]*)`")
NAME = re.compile(r"`([a-z_0-9]+)`")


@pytest.fixture(scope="module")
def schema():
    response = APIClient().get("/api/schema/")
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def _query_parameters(schema, method: str, path: str) -> set[str]:
    operation = schema["paths"][path][method.lower()]
    return {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}


def _table() -> dict[tuple[str, str], set[str]]:
    text = README.read_text()
    table = text.split("<!-- api-parameters -->")[1].split("<!-- /api-parameters -->")[0]
    rows = {}
    for line in table.splitlines():
        if not line.startswith("| `"):
            continue
        endpoints, parameters = line.strip("|").split("|")
        for method, path in ENDPOINT.findall(endpoints):
            rows[(method, path)] = set(NAME.findall(parameters)) | {"lang"}
    return rows


@pytest.mark.django_db
def test_the_readme_table_lists_exactly_the_schema_parameters(schema):
    rows = _table()
    assert len(rows) >= 8
    for (method, path), documented in rows.items():
        assert documented == _query_parameters(schema, method, path), (method, path)
    # Every operation with more than `lang` is in the table.
    for path, operations in schema["paths"].items():
        for method in operations:
            if method.upper() in ("GET", "POST", "PUT", "PATCH"):
                names = _query_parameters(schema, method, path)
                if names - {"lang"}:
                    assert (method.upper(), path) in rows, (method, path)


@pytest.mark.django_db
def test_every_parameter_the_readme_mentions_exists_in_the_schema(schema):
    section = README.read_text().split("## REST API")[1].split("\n## ")[0]
    mentioned = set(re.findall(r"[?&]([a-z_]+)=", section))
    assert {"search", "q", "bbox", "near", "updated_since", "facets"} <= mentioned
    every = {
        p["name"]
        for operations in schema["paths"].values()
        for operation in operations.values()
        for p in operation.get("parameters", [])
        if p["in"] == "query"
    }
    # `format` is mentioned as what is NOT a parameter.
    assert mentioned - every == {"format"}

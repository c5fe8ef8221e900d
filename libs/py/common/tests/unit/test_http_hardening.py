"""What the API fuzzer found in every service's HTTP surface, fixed once in edu.common."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from edu.common.http_problems import PROBLEM_JSON, install_problem_handlers
from edu.common.json_fields import NOT_BLANK, JsonInt, Text
from edu.common.openapi_links import link, links_on, operation_ref


class Preferences(BaseModel):
    minutes: JsonInt = 10
    note: Text = ""


class Titled(BaseModel):
    model_config = ConfigDict(regex_engine="python-re")
    title: str = Field(pattern=NOT_BLANK)


def make_app() -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)

    @app.get("/preferences")
    def read() -> dict[str, int]:
        return {"minutes": 10}

    @app.put("/preferences", responses=links_on(200, read=link("GET", "/preferences")))
    def change(body: Preferences) -> dict[str, int]:
        return {"minutes": body.minutes}

    return app


client = TestClient(make_app())


class TestMethodNotAllowed:
    def test_allow_lists_every_method_of_the_path_not_only_the_first_route(self) -> None:
        answer = client.delete("/preferences")
        assert answer.status_code == 405
        assert answer.headers["allow"] == "GET, PUT"
        assert answer.headers["content-type"] == PROBLEM_JSON

    def test_options_is_refused_with_the_same_allow(self) -> None:
        assert client.options("/preferences").headers["allow"] == "GET, PUT"


class TestDocumentedErrors:
    def test_a_body_that_is_not_json_is_a_documented_400(self) -> None:
        answer = client.put(
            "/preferences", content=b"{nope", headers={"content-type": "application/json"}
        )
        responses = make_app().openapi()["paths"]["/preferences"]["put"]["responses"]
        assert answer.status_code == 400
        assert PROBLEM_JSON in responses["400"]["content"]

    def test_every_operation_documents_the_503_of_an_unreachable_dependency(self) -> None:
        paths = make_app().openapi()["paths"]
        for path, item in paths.items():
            for method, operation in item.items():
                answer = operation["responses"].get("503")
                assert answer is not None, f"{method.upper()} {path} does not document 503"
                assert PROBLEM_JSON in answer["content"]
                assert "Retry-After" in answer["headers"]

    def test_422_is_documented_as_the_problem_it_is(self) -> None:
        document = make_app().openapi()
        content = document["paths"]["/preferences"]["put"]["responses"]["422"]["content"]
        assert content[PROBLEM_JSON]["schema"] == {"$ref": "#/components/schemas/Problem"}
        assert "HTTPValidationError" not in document["components"]["schemas"]
        assert "Problem" in document["components"]["schemas"]

    def test_links_reach_the_document(self) -> None:
        responses = make_app().openapi()["paths"]["/preferences"]["put"]["responses"]
        assert responses["200"]["links"]["read"]["operationRef"] == "#/paths/~1preferences/get"


class TestJsonInt:
    @pytest.mark.parametrize("value", [5, 5.0])
    def test_takes_what_json_schema_calls_an_integer(self, value: Any) -> None:
        assert Preferences(minutes=value).minutes == 5

    @pytest.mark.parametrize("value", [True, False, "5", 5.5, None])
    def test_refuses_booleans_strings_and_fractions(self, value: Any) -> None:
        with pytest.raises(ValidationError):
            Preferences(minutes=value)

    def test_false_in_a_request_body_is_a_422(self) -> None:
        assert client.put("/preferences", json={"minutes": False}).status_code == 422


class TestText:
    def test_a_nul_which_postgresql_cannot_store_is_refused(self) -> None:
        assert client.put("/preferences", json={"note": "a\u0000b"}).status_code == 422

    def test_anything_else_is_kept(self) -> None:
        assert Preferences(note="naïve \u2028 text").note == "naïve \u2028 text"


class TestNotBlank:
    @settings(max_examples=50, deadline=None)  # the unit layer's budget is tight
    @given(st.text(max_size=8))
    def test_agrees_with_str_strip_on_what_is_blank(self, title: str) -> None:
        stripped_empty = not title.strip()
        try:
            Titled(title=title)
        except ValidationError:
            assert stripped_empty or "\x00" in title or "\ufeff" in title
        else:
            assert not stripped_empty


def test_operation_refs_escape_slashes_and_tildes() -> None:
    assert operation_ref("PUT", "/a~b/{id}") == "#/paths/~1a~0b~1{id}/put"

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import BaseModel, Field

from edu.common.http_problems import PROBLEM_JSON, install_problem_handlers
from edu.common.problems import Conflict, FieldProblem, InvalidInput, NotFound, TooManyRequests


class Signup(BaseModel):
    email: str
    age: int = Field(ge=13)


def make_app() -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)

    @app.get("/courses/{course_id}")
    def get_course(course_id: int) -> dict[str, int]:
        raise NotFound(f"There is no course {course_id}.")

    @app.post("/signup")
    def signup(body: Signup) -> dict[str, str]:
        if body.email == "taken@example.com":
            raise Conflict("That email address is already registered.")
        if body.email == "bad":
            raise InvalidInput("Check the email.", errors=[FieldProblem("email", "Not an email.")])
        return {"ok": "yes"}

    @app.post("/login")
    def login() -> None:
        raise TooManyRequests("Too many failed log-ins; try again later.", retry_after=120)

    @app.get("/database-restarting")
    def database_restarting() -> None:
        try:
            raise _CannotConnectNow("the database system is shutting down")
        except _CannotConnectNow as exc:
            raise RuntimeError("(DBAPIError) the database system is shutting down") from exc

    @app.get("/database-gone")
    def database_gone() -> None:
        raise ConnectionRefusedError(111, "Connect call failed ('127.0.0.1', 5432)")

    @app.get("/query-wrong")
    def query_wrong() -> None:
        raise _SyntaxError("syntax error at or near SELEC")

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("database password is hunter2")

    return app


class _CannotConnectNow(Exception):
    sqlstate = "57P03"  # as asyncpg's CannotConnectNowError carries it


class _SyntaxError(Exception):
    sqlstate = "42601"


client = TestClient(make_app(), raise_server_exceptions=False)


def test_domain_not_found_is_a_404_problem() -> None:
    response = client.get("/courses/7")
    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM_JSON
    body = response.json()
    assert body["detail"] == "There is no course 7."
    assert body["type"].endswith("/not-found")
    assert body["instance"] == "/courses/7"


def test_conflict_keeps_its_status() -> None:
    response = client.post("/signup", json={"email": "taken@example.com", "age": 20})
    assert response.status_code == 409
    assert response.json()["title"] == "Conflict with the current state"


def test_invalid_input_lists_field_problems() -> None:
    response = client.post("/signup", json={"email": "bad", "age": 20})
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "email", "message": "Not an email."}]


def test_validation_errors_name_each_field_in_plain_words() -> None:
    response = client.post("/signup", json={"age": 3})
    assert response.status_code == 422
    errors = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert errors["body.email"] == "This field is required."
    assert "greater than or equal to 13" in errors["body.age"]


def test_malformed_json_is_a_400_not_a_500() -> None:
    response = client.post(
        "/signup", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "The request body is not valid JSON."


def test_too_many_requests_says_when_to_retry() -> None:
    response = client.post("/login")
    assert response.status_code == 429
    assert response.headers["retry-after"] == "120"


def test_unexpected_errors_hide_the_stack_trace_and_name_the_request() -> None:
    response = client.get("/boom", headers={"x-request-id": "abc-123"})
    assert response.status_code == 500
    body = response.json()
    assert "hunter2" not in response.text
    assert "Traceback" not in response.text
    assert body["request_id"] == "abc-123"
    assert response.headers["x-request-id"] == "abc-123"


@pytest.mark.parametrize("path", ["/database-restarting", "/database-gone"])
def test_an_unreachable_database_is_a_503_with_retry_after(path: str) -> None:
    response = client.get(path)
    assert response.status_code == 503
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.headers["retry-after"] == "5"
    assert "Try again in a few seconds" in response.json()["detail"]
    assert "shutting down" not in response.text


def test_a_database_error_that_is_our_bug_stays_a_500() -> None:
    assert client.get("/query-wrong").status_code == 500


def test_unknown_routes_are_problems_too() -> None:
    response = client.get("/nowhere")
    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM_JSON


def test_a_malformed_request_id_is_replaced() -> None:
    response = client.get("/courses/1", headers={"x-request-id": "bad id with spaces"})
    assert response.headers["x-request-id"] != "bad id with spaces"
    assert len(response.headers["x-request-id"]) == 32

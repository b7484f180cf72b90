#!/usr/bin/env python3
"""Runs every case of cors_cases.json against Starlette's own CORSMiddleware, to prove the table that
tests/middleware/test_cors.cpp checks fa::CORSMiddleware against is Starlette's behaviour.

Usage: python3 tests/middleware/cors_vs_starlette.py [path/to/cors_cases.json]
Exit 0 when every case matches (or, with a loud one-line message, when starlette is not importable, except
with CI=true: there a comparison that cannot run fails the run); 1 otherwise, with one line per difference.
"""
import json
import os
import sys

try:
    import starlette
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.middleware.cors import CORSMiddleware
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route
    from starlette.testclient import TestClient
except Exception as error:  # ImportError, or starlette.testclient without httpx
    # A python3 first on PATH (pyenv, a venv) may lack the system's python3-starlette: try the system one once.
    system = "/usr/bin/python3"
    if (os.path.exists(system) and os.path.realpath(sys.executable) != os.path.realpath(system)
            and not os.environ.get("CORS_VS_STARLETTE_REEXEC")):
        os.environ["CORS_VS_STARLETTE_REEXEC"] = "1"
        os.execv(system, [system, os.path.abspath(__file__)] + sys.argv[1:])
    if os.environ.get("CI") == "true":
        print(f"cors_vs_starlette: FAILED: starlette is not importable ({error}); CI=true: the comparison may not be skipped")
        sys.exit(1)
    print(f"cors_vs_starlette: SKIPPED (would fail with CI=true): starlette is not importable ({error})")
    sys.exit(0)


def homepage(request):
    return PlainTextResponse("Homepage")


def vary(request):
    return PlainTextResponse("Vary", headers={"Vary": "Accept-Encoding"})


ROUTES = [Route("/", homepage, methods=["GET", "POST"]), Route("/vary", vary, methods=["GET"])]


def check(case):
    """The differences between Starlette's answer and the case's expectations, as sentences."""
    app = Starlette(routes=ROUTES, middleware=[Middleware(CORSMiddleware, **case["options"])])
    request = case["request"]
    with TestClient(app, raise_server_exceptions=True) as client:
        response = client.request(request["method"], request["path"],
                                  headers=[(name, value) for name, value in request["headers"]])
    problems = []
    if response.status_code != case["status"]:
        problems.append(f"status {response.status_code}, expected {case['status']}")
    if "body" in case and response.text != case["body"]:
        problems.append(f"body {response.text!r}, expected {case['body']!r}")
    sent = [(name.lower(), value) for name, value in response.headers.multi_items()]
    expected = {name.lower(): value for name, value in case["headers"].items()}
    for name, value in expected.items():
        values = [v for n, v in sent if n == name]
        if values != [value]:
            problems.append(f"header {name}: {values!r}, expected [{value!r}]")
    for name in case.get("absent", []):
        if any(n == name.lower() for n, _ in sent):
            problems.append(f"header {name} sent, expected absent")
    for name, value in sent:
        if (name.startswith("access-control-") or name == "vary") and name not in expected:
            problems.append(f"unexpected header {name}: {value!r}")
    return problems


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "cors_cases.json")
    with open(path, encoding="utf-8") as f:
        cases = json.load(f)["cases"]
    failed = 0
    for case in cases:
        problems = check(case)
        if problems:
            failed += 1
            print(f"MISMATCH {case['name']}: " + "; ".join(problems))
    if failed:
        print(f"cors_vs_starlette: {failed} of {len(cases)} cases differ from Starlette {starlette.__version__}")
        return 1
    print(f"cors_vs_starlette: all {len(cases)} cases match Starlette {starlette.__version__}'s CORSMiddleware")
    return 0


if __name__ == "__main__":
    sys.exit(main())

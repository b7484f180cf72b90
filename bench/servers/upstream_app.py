# bench/servers/upstream_app.py: the FastAPI twin of examples/13_calling_services.cpp, for bench/upstream.sh.
#   upstream_app:slow  the upstream: GET /slow?sku=... answers after 400 ms (await asyncio.sleep)
#   upstream_app:app   GET /price          awaits the upstream with httpx.AsyncClient (FastAPI's documented way)
#                      GET /price-blocking calls it with requests inside an `async def`: the event loop is
#                                          blocked for the whole 400 ms (the classic outage)
#                      GET /health
# The upstream's address comes from UPSTREAM_URL (default http://127.0.0.1:8001).
import asyncio
import os

import httpx
import requests
from fastapi import FastAPI

UPSTREAM_URL = os.environ.get("UPSTREAM_URL", "http://127.0.0.1:8001")

slow = FastAPI(title="Slow pricing service")


@slow.get("/slow")
async def slow_quote(sku: str = "A1"):
    await asyncio.sleep(0.4)
    return {"sku": sku, "price": 12.5}


app = FastAPI(title="Prices")
state = {}


@app.on_event("startup")
async def open_client():
    # As many connections as fa::HttpClient gets in the example (httpx's default is 100, which alone would
    # cap /price at 100 / 0.4 s = 250 req/s).
    limits = httpx.Limits(max_connections=1024, max_keepalive_connections=1024)
    state["client"] = httpx.AsyncClient(base_url=UPSTREAM_URL, timeout=5.0, limits=limits)


@app.on_event("shutdown")
async def close_client():
    await state["client"].aclose()


@app.get("/price")
async def price(sku: str = "A1"):
    r = await state["client"].get("/slow", params={"sku": sku})
    q = r.json()
    return {"sku": q["sku"], "price": q["price"], "via": "async"}


@app.get("/price-blocking")
async def price_blocking(sku: str = "A1"):
    q = requests.get(UPSTREAM_URL + "/slow", params={"sku": sku}, timeout=5).json()  # blocks the loop
    return {"sku": q["sku"], "price": q["price"], "via": "blocking"}


@app.get("/health")
async def health():
    return {"status": "ok"}

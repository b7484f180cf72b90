"""bench/servers/fastapi_app.py: the FastAPI peer of bench/run.sh and bench/memory.sh.

The same four endpoints, with the same rules, as bench/servers/fastapi_bench.cpp:
  GET  /plaintext          -> text/plain "Hello, World!"
  GET  /json               -> {"message":"Hello, World!"}
  GET  /items/{item_id}?q  -> {"item_id":1,"q":"foo"}   item_id an int, q optional (<= 50 chars)
  POST /users              -> 201 {"id":N,"email":"...","username":"..."}  (response_model: no password)
                              email an EmailStr, username 3..50 chars, password >= 8 chars; else 422
Written as the FastAPI tutorial writes them (async def, a pydantic model, response_model), on Debian 12's
python3-fastapi 0.92 / pydantic 1.10 (EmailStr needs python3-email-validator). Run by bench/lib.sh:
  /usr/bin/python3 -m uvicorn fastapi_app:app --app-dir bench/servers --host 127.0.0.1 --port PORT \
      --loop asyncio --http h11          (what `apt install python3-uvicorn` gives)
      --loop uvloop --http httptools     (python3-uvloop + python3-httptools: the usual production setup)
One worker (no --workers: uvicorn serves in the process it was started as), access log off.
"""
import itertools
from typing import Optional

from fastapi import FastAPI, Query
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel, EmailStr, constr

app = FastAPI()
_ids = itertools.count(1)  # no store: an id per request, as every peer does


class UserCreate(BaseModel):
    email: EmailStr
    username: constr(min_length=3, max_length=50)
    password: constr(min_length=8)


class UserOut(BaseModel):
    id: int
    email: str
    username: str


@app.get("/plaintext", response_class=PlainTextResponse)
async def plaintext():
    return "Hello, World!"


@app.get("/json")
async def json():
    return {"message": "Hello, World!"}


@app.get("/items/{item_id}")
async def read_item(item_id: int, q: Optional[str] = Query(None, max_length=50)):
    return {"item_id": item_id, "q": q}


@app.post("/users", status_code=201, response_model=UserOut)
async def create_user(user: UserCreate):
    return UserOut(id=next(_ids), email=user.email, username=user.username)

"""tests/openapi/twin_app.py: the feature app of tests/openapi/feature_app.hpp written with FastAPI, route for
route, so that tests/openapi/compare_twin.py can compare the two OpenAPI documents.

    python3 tests/openapi/twin_app.py > twin.json     # prints the twin's openapi.json (no server is started)

Needs Debian's python3-fastapi (0.92) and python3-multipart (FastAPI's Form); exits 77 with a message when
either is missing. The Python function names are the names fastapi.hpp derives for routes without
RouteOptions::name (docs/openapi.md), so the operationIds match.
"""
import json
import sys
from enum import Enum
from datetime import date, datetime, time, timedelta
from typing import List, Literal, Optional, Set, Tuple, Union
from uuid import UUID

try:
    import multipart  # noqa: F401  (FastAPI's Form needs it)
    from fastapi import (APIRouter, BackgroundTasks, Body, Cookie, Depends, FastAPI, Header, HTTPException, Path,
                         Query, Request, Form, File, Security, UploadFile)
    from fastapi.responses import PlainTextResponse
    from fastapi.security import (APIKeyCookie, APIKeyHeader, APIKeyQuery, HTTPAuthorizationCredentials, HTTPBasic,
                                  HTTPBasicCredentials, HTTPBearer, OAuth2PasswordBearer, OAuth2PasswordRequestForm,
                                  SecurityScopes)
    from pydantic import BaseModel, Field
except ImportError as e:  # pragma: no cover
    print(f"twin_app: skipped: {e} (install python3-fastapi and python3-multipart)", file=sys.stderr)
    sys.exit(77)


class ModelName(str, Enum):
    alexnet = "alexnet"
    resnet = "resnet"
    lenet = "lenet"


class Image(BaseModel):
    url: str
    name: str = Field(max_length=100)


class Item(BaseModel):
    name: str = Field(min_length=1, max_length=50)
    description: Optional[str] = None
    price: float = Field(gt=0)
    tax: Optional[float] = None
    tags: List[str] = []
    image: Optional[Image] = None


class ItemOut(BaseModel):
    name: str
    price: float
    tags: List[str]


class User(BaseModel):
    username: str
    full_name: Optional[str] = None


class Message(BaseModel):
    message: str


class Token(BaseModel):
    access_token: str
    token_type: str


class Click(BaseModel):
    type: Literal["click"]
    x: int = Field(ge=0)
    y: int = Field(ge=0)


class Key(BaseModel):
    type: Literal["key"]
    key: str = Field(min_length=1, max_length=16)


class Event(BaseModel):
    id: UUID
    at: datetime
    day: date
    starts: time
    every: timedelta
    tags: Set[str]
    pair: Tuple[int, str]
    order: Literal["asc", "desc"]
    data: bytes
    kind: Union[Click, Key] = Field(discriminator="type")
    ref: Union[int, str]


def common_parameters(skip: int = 0, limit: int = Query(default=100, le=100)):
    return {"skip": skip, "limit": limit}


def verify_token(x_token: str = Header()):
    if x_token != "fake-super-secret-token":
        raise HTTPException(400, "X-Token header invalid")
    return x_token


oauth2_scheme = OAuth2PasswordBearer(tokenUrl="token", scopes={"me": "Read information about the current user.",
                                                                "items": "Read items."})


def current_user(token: str = Depends(oauth2_scheme)) -> User:
    return User(username="alice", full_name="Alice Wonderson")


def scoped_user(security_scopes: SecurityScopes, token: str = Depends(oauth2_scheme)) -> User:
    return User(username="alice", full_name=security_scopes.scope_str)


def active_user(user: User = Security(scoped_user, scopes=["me"])) -> User:
    return user


def get_session(session_id: Optional[str] = Cookie(default=None)):
    yield session_id or "anonymous"


app = FastAPI(title="Feature App", version="2.5.0", description="Every feature of the OpenAPI document.",
              terms_of_service="https://example.com/terms/",
              contact={"name": "Feature Team", "url": "https://example.com/team", "email": "team@example.com"},
              license_info={"name": "Apache 2.0", "url": "https://www.apache.org/licenses/LICENSE-2.0.html"},
              openapi_tags=[{"name": "items", "description": "Operations with items.",
                             "externalDocs": {"description": "Items external docs", "url": "https://example.com/items"}},
                            {"name": "users"}])


@app.get("/")
def read_root():
    return {"message": "Hello World"}


@app.get("/items/{item_id}", tags=["items"])
def read_items_item_id(item_id: int = Path(title="The ID of the item", ge=1),
                       q: Optional[str] = Query(default=None, max_length=50), short: bool = False):
    return {"item_id": item_id}


@app.get("/models/{model_name}")
def get_model(model_name: ModelName):
    return {"model_name": model_name}


@app.get("/items/", tags=["items"])
def list_items(paging: dict = Depends(common_parameters), tag: Optional[List[str]] = Query(default=None),
               item_query: Optional[str] = Query(default=None, alias="item-query", regex="^[a-z]+$"),
               size: float = Query(default=1.5, gt=0, lt=10.5)) -> List[ItemOut]:
    return []


@app.post("/items/", status_code=201, tags=["items"], summary="Create an item",
          description="Create an item with all the information: name, description, price, tax and tags.")
def create_items(item: Item) -> ItemOut:
    return ItemOut(name=item.name, price=item.price, tags=item.tags)


@app.put("/items/{item_id}", tags=["items"])
def update_items_item_id(item_id: int, item: Item, user: User, importance: int = Body()):
    return {"item_id": item_id}


@app.delete("/items/{item_id}", status_code=204, tags=["items"], deprecated=True)
def delete_items_item_id(item_id: int) -> None:
    return None


@app.get("/items/{item_id}/owner", tags=["items"], response_model=User,
         responses={404: {"description": "Item not found", "model": Message}, 403: {}})
def read_items_item_id_owner(item_id: int):
    return {"username": "alice"}


@app.get("/headers")
def read_headers(user_agent: Optional[str] = Header(default=None), x_count: int = Header(default=0, ge=0),
                 ads_id: Optional[str] = Cookie(default=None)):
    return {}


@app.post("/login")
def create_login(username: str = Form(), password: str = Form(min_length=8)) -> Message:
    return Message(message="Welcome " + username)


@app.post("/upload")
def upload_file(file: UploadFile, attachments: List[UploadFile], thumbnail: Optional[bytes] = File(default=None),
                note: str = Form()) -> Message:
    return Message(message=file.filename + ": " + note)


@app.post("/token")
def login_for_access_token(form_data: OAuth2PasswordRequestForm = Depends()) -> Token:
    return Token(access_token="token-alice", token_type="bearer")


users = APIRouter(prefix="/users", tags=["users"], responses={404: {"description": "Not found"}})


@users.get("/me")
def read_current_user(user: User = Depends(current_user)) -> User:
    return user


@users.get("/me/items")
def read_own_items(user: User = Security(active_user, scopes=["items"])) -> User:
    return user


@users.get("/{username}", response_model=User)
def read_users_username(username: str, session: str = Depends(get_session)):
    return {"username": username, "full_name": session}


app.include_router(users)

secure = APIRouter(prefix="/secure", tags=["security"], dependencies=[Depends(verify_token)])


@secure.get("/bearer")
def read_secure_bearer(credentials: HTTPAuthorizationCredentials = Depends(HTTPBearer())):
    return {"token": credentials.credentials}


@secure.get("/basic")
def read_secure_basic(credentials: HTTPBasicCredentials = Depends(HTTPBasic())):
    return {"username": credentials.username}


@secure.get("/key")
def read_secure_key(key: str = Depends(APIKeyHeader(name="X-API-Key"))):
    return {"key": key}


@secure.get("/query-key")
def read_secure_query_key(key: str = Depends(APIKeyQuery(name="api_key"))):
    return {"key": key}


@secure.get("/cookie-key")
def read_secure_cookie_key(key: str = Depends(APIKeyCookie(name="session"))):
    return {"key": key}


app.include_router(secure)


@app.get("/ping", response_class=PlainTextResponse)
def read_ping():
    return "pong"


@app.post("/ping", response_class=PlainTextResponse)
def create_ping():
    return "pong"


@app.get("/framework")
def read_framework(request: Request, background_tasks: BackgroundTasks):
    return {"path": request.url.path}


@app.post("/events")
def create_events(event: Event, since: Optional[date] = None, x_request_id: Optional[UUID] = Header(default=None)) -> Event:
    return event


@app.get("/internal/metrics", include_in_schema=False)
def internal_metrics():
    return {"requests": 0}


if __name__ == "__main__":
    json.dump(app.openapi(), sys.stdout, indent=2)
    print()

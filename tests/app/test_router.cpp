// tests/app/test_router.cpp: fa::APIRouter and include_router: routes served under composed prefixes, tags,
// dependencies (outermost first) and responses composed as FastAPI composes them, routers in routers, the same
// router included twice, and the mistakes refused at registration.
#include <doctest/doctest.h>

#include <mutex>
#include <string>
#include <vector>

#include "fastapi/app/app.hpp"
#include "fastapi/app/router.hpp"
#include "fastapi/testing/test_client.hpp"

namespace test_router_file {

namespace fa = fastapi;

std::mutex order_mutex;
std::vector<std::string> order;
void record(std::string what) {
  std::lock_guard lock(order_mutex);
  order.push_back(std::move(what));
}
void app_dep() { record("app"); }
void include_dep() { record("include"); }
void router_dep() { record("router"); }
void route_dep() { record("route"); }
void verify_token(fa::Header<"x-token", std::string> token) {
  if (*token != "secret") throw fa::HTTPException(400, "X-Token header invalid");
}

fa::APIRouter items_router() {
  fa::APIRouter r{{.prefix = "/items",
                   .tags = {"items"},
                   .dependencies = {fa::dependency<router_dep>()},
                   .responses = {{404, {.description = "Not found"}}, {418, {.description = "router teapot"}}}}};
  r.get("/", [] { return fa::Json{{"items", fa::Json::array({"plumbus", "portal gun"})}}; });
  r.get("/{item_id}",
        [](fa::Path<"item_id", std::string> id) {
          return fa::Json{{"item_id", *id}};
        },
        {.tags = {"custom"}, .responses = {{418, {.description = "route teapot"}}}});
  r.put("/{item_id}",
        [](fa::Path<"item_id", std::string> id) {
          return fa::Json{{"updated", *id}};
        },
        {.dependencies = {fa::dependency<route_dep>()}});
  return r;
}

const fa::RouteDoc* find(const fa::App& app, std::string_view path, fa::Method m) {
  for (const fa::RouteDoc& route : app.routes())
    if (route.path == path && route.methods.front() == m) return &route;
  return nullptr;
}

TEST_SUITE("app/router") {
  TEST_CASE("a router's routes are served under its prefix, with its tags first and the route's responses winning") {
    fa::App app;
    app.include_router(items_router());
    fa::testing::TestClient client{app};
    auto list = client.get("/items/");
    CHECK(list.status == 200);
    CHECK(list.json()["items"][1] == "portal gun");
    auto one = client.get("/items/42");
    CHECK(one.json()["item_id"] == "42");
    CHECK(client.get("/42").status == 404);

    const auto* ep = find(app, "/items/{item_id}", fa::Method::get);
    REQUIRE(ep);
    CHECK(ep->options.tags == std::vector<std::string>{"items", "custom"});
    CHECK(ep->options.responses.at(404).description == "Not found");
    CHECK(ep->options.responses.at(418).description == "route teapot");
    CHECK(ep->description == "GET /items/{item_id}");
  }

  TEST_CASE("dependencies run outermost first: app, inclusion, router, route") {
    {
      std::lock_guard lock(order_mutex);
      order.clear();
    }
    fa::App app;
    app.dependencies({fa::dependency<app_dep>()});
    app.include_router(items_router(), {.dependencies = {fa::dependency<include_dep>()}});
    fa::testing::TestClient client{app};
    auto r = client.put("/items/7");
    CHECK(r.status == 200);
    CHECK(r.json()["updated"] == "7");
    std::lock_guard lock(order_mutex);
    CHECK(order == std::vector<std::string>{"app", "include", "router", "route"});
  }

  TEST_CASE("include_router's prefix, tags and dependencies come before the router's own") {
    fa::App app;
    app.include_router(items_router(),
                       {.prefix = "/v1",
                        .tags = {"v1"},
                        .dependencies = {fa::dependency<verify_token>()},
                        .responses = {{404, {.description = "inclusion 404"}}, {500, {.description = "oops"}}}});
    fa::testing::TestClient client{app};
    auto denied = client.get("/v1/items/3", {.headers = {{"x-token", "nope"}}});
    CHECK(denied.status == 400);
    CHECK(denied.text == R"({"detail":"X-Token header invalid"})");
    auto missing_header = client.get("/v1/items/3");
    CHECK(missing_header.status == 422);
    CHECK(missing_header.json()["detail"][0]["loc"].dump() == R"(["header","x-token"])");
    auto ok = client.get("/v1/items/3", {.headers = {{"x-token", "secret"}}});
    CHECK(ok.status == 200);
    CHECK(client.get("/items/3").status == 404);

    const auto* ep = find(app, "/v1/items/{item_id}", fa::Method::get);
    REQUIRE(ep);
    CHECK(ep->options.tags == std::vector<std::string>{"v1", "items", "custom"});
    // The router's own 404 entry beats the inclusion's; the inclusion adds its 500.
    CHECK(ep->options.responses.at(404).description == "Not found");
    CHECK(ep->options.responses.at(500).description == "oops");
    REQUIRE(ep->options.dependencies.size() == 2);  // inclusion's, router's (route has none)
  }

  TEST_CASE("routers include routers, and one router may be included twice under two prefixes") {
    fa::APIRouter api{{.prefix = "/api"}};
    api.include_router(items_router(), {.prefix = "/v1"});
    api.include_router(items_router(), {.prefix = "/v2", .deprecated = true});
    fa::APIRouter users{{.tags = {"users"}}};
    users.get("/users/me", [] { return "me"; });
    api.include_router(users);
    fa::App app;
    app.include_router(api, {.tags = {"all"}});
    fa::testing::TestClient client{app};
    CHECK(client.get("/api/v1/items/1").json()["item_id"] == "1");
    CHECK(client.get("/api/v2/items/2").json()["item_id"] == "2");
    CHECK(client.get("/api/users/me").text == "me");

    const auto* v1 = find(app, "/api/v1/items/{item_id}", fa::Method::get);
    const auto* v2 = find(app, "/api/v2/items/{item_id}", fa::Method::get);
    REQUIRE(v1);
    REQUIRE(v2);
    CHECK_FALSE(v1->options.deprecated);
    CHECK(v2->options.deprecated);
    CHECK(v1->options.tags == std::vector<std::string>{"all", "items", "custom"});
    const auto* me = find(app, "/api/users/me", fa::Method::get);
    REQUIRE(me);
    CHECK(me->options.tags == std::vector<std::string>{"all", "users"});
  }

  TEST_CASE("include_in_schema=false on a router hides all its routes; routes added after inclusion are not seen") {
    fa::APIRouter hidden{{.prefix = "/internal", .include_in_schema = false}};
    hidden.get("/health", [] { return "ok"; });
    fa::App app;
    app.include_router(hidden);
    hidden.get("/late", [] { return "late"; });
    const auto* ep = find(app, "/internal/health", fa::Method::get);
    REQUIRE(ep);
    CHECK_FALSE(ep->options.include_in_schema);
    fa::testing::TestClient client{app};
    CHECK(client.get("/internal/health").text == "ok");
    CHECK(client.get("/internal/late").status == 404);
  }

  TEST_CASE("an empty route path under a prefix is the prefix itself") {
    fa::APIRouter r{{.prefix = "/things"}};
    r.get("", [] { return "all things"; });
    fa::App app;
    app.include_router(r);
    fa::testing::TestClient client{app};
    CHECK(client.get("/things").text == "all things");
  }

  TEST_CASE("mistakes are recorded at registration with a sentence, and app.run() reports them") {
    CHECK(fa::APIRouter({.prefix = "items"}).configuration_errors() ==
          std::vector<std::string>{
              "fastapi: a router prefix must start with '/' and must not end with '/' (got 'items')"});
    CHECK(fa::APIRouter({.prefix = "/items/"}).configuration_errors().size() == 1);
    fa::App app;
    fa::APIRouter r;
    r.get("", [] { return "x"; });
    app.include_router(r);
    app.include_router(items_router(), {.prefix = "/v1/"});
    fa::APIRouter bad{{.prefix = "/items"}};
    bad.get("/{item_id}", [] { return "no path parameter"; });
    app.include_router(bad);
    CHECK(app.configuration_errors() ==
          std::vector<std::string>{
              "fastapi: route GET : the path is empty (a router's prefix and a route's path cannot both be empty)",
              "fastapi: a router prefix must start with '/' and must not end with '/' (got '/v1/')",
              "fastapi: route GET /items/{item_id}: the path has {item_id} but the handler has no "
              "fa::Path<\"item_id\", T> parameter"});
    CHECK_THROWS_WITH_AS(app.check_configuration(),
                         "fastapi: route GET : the path is empty (a router's prefix and a route's path cannot both be "
                         "empty)",
                         fa::ConfigurationError);
  }
}

}  // namespace test_router_file

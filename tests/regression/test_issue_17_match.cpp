// tests/regression/test_issue_17_match.cpp: issue 17 section 1, one match per request. The router's answer is
// noted in the request (Request::route_memo) when the head arrives or when the request reaches the app, and the
// app dispatches on it: the route's body limit and the handler come from the same match; the middleware sees
// the path parameters; a middleware that rewrites the path or the method is routed again, by what it wrote.
#include <string>

#include <doctest/doctest.h>

#include "fastapi.hpp"

namespace fa = fastapi;

namespace regression_issue_17_match_file {

fa::App& app_with_routes(fa::App& app) {
  app.get("/items/{item_id}", [](fa::Path<"item_id", int> id) { return "item " + std::to_string(*id); });
  app.post("/small/{name}",
           [](fa::Path<"name", std::string> name, fa::Request& req) {
             return *name + ":" + std::to_string(req.body.size());
           },
           {.max_body_size = 8});
  app.post("/large/{name}", [](fa::Path<"name", std::string> name, fa::Request& req) {
    return *name + ":" + std::to_string(req.body.size());
  });
  app.put("/large/{name}", [](fa::Path<"name", std::string> name) { return "put " + *name; });
  return app;
}

TEST_CASE("issue 17: a request is matched once, and the middleware sees its path parameters") {
  fa::App app;
  app_with_routes(app);
  std::string seen;
  app.add_middleware([&seen](fa::Request& req, fa::Next next) -> fa::Task<fa::Response> {
    seen = std::string(req.path_params.get("item_id").value_or(req.path_params.get("name").value_or("-")));
    co_return co_await next(req);
  });
  fa::testing::TestClient client(app);

  auto r = client.get("/items/42");
  CHECK(r.status == 200);
  CHECK(r.text == "item 42");
  CHECK(seen == "42");

  // With a body: matched when the head arrives (the route's limit), dispatched on the same answer.
  r = client.post("/small/a", {.content = "12345678"});
  CHECK(r.status == 200);
  CHECK(r.text == "a:8");
  CHECK(seen == "a");
  r = client.post("/small/b", {.content = "123456789"});
  CHECK(r.status == 413);
  r = client.post("/large/c", {.content = "123456789"});
  CHECK(r.status == 200);
  CHECK(r.text == "c:9");
  CHECK(seen == "c");

  r = client.get("/nowhere");
  CHECK(r.status == 404);
  CHECK(seen == "-");
  r = client.get("/small/a");  // the path matches, the method does not
  CHECK(r.status == 405);
  CHECK(r.header("allow") == "POST");
}

TEST_CASE("issue 17: a middleware that rewrites the path or the method is routed by what it wrote") {
  fa::App app;
  app_with_routes(app);
  app.add_middleware([](fa::Request& req, fa::Next next) -> fa::Task<fa::Response> {
    if (req.path == "/old/7") req.path = "/items/7";  // a rewrite to another route
    if (req.path == "/large/m" && req.method == fa::Method::post) req.method = fa::Method::put;
    co_return co_await next(req);
  });
  fa::testing::TestClient client(app);

  auto r = client.get("/old/7");
  CHECK(r.status == 200);
  CHECK(r.text == "item 7");
  r = client.post("/large/m", {.content = "xyz"});  // matched as POST at the head, dispatched as PUT
  CHECK(r.status == 200);
  CHECK(r.text == "put m");
  r = client.post("/large/n", {.content = "xyz"});
  CHECK(r.text == "n:3");
}

}  // namespace regression_issue_17_match_file

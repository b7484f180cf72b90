// tests/tutorial/test_18_handling_errors.cpp: what docs/tutorial/18_handling_errors.md says, checked on its example.
#include <doctest/doctest.h>

#define TUTORIAL_NO_MAIN  // the example's own main() stays out: this file drives its app
#include "../../examples/tutorial/18_handling_errors.cpp"
#include "fastapi/testing/test_client.hpp"

TEST_SUITE("tutorial/18_handling_errors") {
  TEST_CASE("HTTPException: the status and {\"detail\": ...}, with headers when given; the handler reusing the "
            "default logs and answers the same") {
    fa::App app;
    handling_errors::build(app);
    fa::testing::TestClient client{app};
    handling_errors::http_errors_logged() = 0;
    CHECK(client.get("/items/foo").text == R"({"item":"The Foo Wrestlers"})");
    auto missing = client.get("/items/bar");
    CHECK(missing.status == 404);
    CHECK(missing.text == R"({"detail":"Item not found"})");
    auto with_header = client.get("/items-header/bar");
    CHECK(with_header.status == 404);
    CHECK(with_header.headers.get("x-error") == "There goes my error");
    CHECK(with_header.text == R"({"detail":"Item not found"})");
    CHECK(client.get("/nowhere").text == R"({"detail":"Not Found"})");  // the router's 404 goes through it too
    CHECK(handling_errors::http_errors_logged() == 3);
  }

  TEST_CASE("an exception of your own, answered by its handler") {
    fa::App app;
    handling_errors::build(app);
    fa::testing::TestClient client{app};
    auto r = client.get("/unicorns/yolo");
    CHECK(r.status == 418);
    CHECK(r.text == R"({"message":"Oops! yolo did something. There goes a rainbow..."})");
    CHECK(client.get("/unicorns/bob").text == R"({"unicorn_name":"bob"})");
  }

  TEST_CASE("the validation errors answered with the body that caused them") {
    fa::App app;
    handling_errors::build(app);
    fa::testing::TestClient client{app};
    auto r = client.post("/items/", {.json = fa::Json{{"title", "towel"}, {"size", "XL"}}});
    CHECK(r.status == 422);
    CHECK(r.text == R"({"detail":[{"type":"int_parsing","loc":["body","size"],)"
                    R"("msg":"Input should be a valid integer, unable to parse string as an integer","input":"XL"}],)"
                    R"("body":{"title":"towel","size":"XL"}})");
    CHECK(client.post("/items/", {.json = fa::Json{{"title", "towel"}, {"size", 2}}}).text ==
          R"({"title":"towel","size":2})");
  }

  TEST_CASE("the default handlers replaced by plain text") {
    fa::App app;
    handling_errors::build_plain_text_errors(app);
    fa::testing::TestClient client{app};
    auto nope = client.get("/items/3");
    CHECK(nope.status == 418);
    CHECK(nope.text == "Nope! I don't like 3.");
    CHECK(nope.headers.get("content-type") == "text/plain; charset=utf-8");
    auto invalid = client.get("/items/foo");
    CHECK(invalid.status == 400);
    CHECK(invalid.text ==
          "Validation errors:\nField: ('path', 'item_id'), Error: Input should be a valid integer, unable to parse "
          "string as an integer");
    CHECK(client.get("/items/2").text == R"({"item_id":2})");
    auto router_404 = client.get("/nowhere");
    CHECK(router_404.status == 404);
    CHECK(router_404.text == "Not Found");
  }

  TEST_CASE("handlers keyed by a status code: a 404 page for unknown paths and raised 404s, a 500 page") {
    fa::App app;
    handling_errors::build_error_pages(app);
    fa::testing::TestClient client{app};
    auto unknown = client.get("/nowhere");
    CHECK(unknown.status == 404);
    CHECK(unknown.text == "<h1>Not here</h1><p>Not Found: /nowhere</p>");
    CHECK(unknown.header("content-type") == "text/html; charset=utf-8");
    auto secret = client.get("/pages/secret");
    CHECK(secret.status == 404);
    CHECK(secret.text == "<h1>Not here</h1><p>No such page: /pages/secret</p>");
    auto broken = client.get("/pages/broken");
    CHECK(broken.status == 500);
    CHECK(broken.text == "<h1>Something broke</h1><p>We are on it.</p>");
    CHECK(client.get("/pages/about").text == "page about");
  }
}

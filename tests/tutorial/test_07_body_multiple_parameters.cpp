// tests/tutorial/test_07_body_multiple_parameters.cpp: what docs/tutorial/07_body_multiple_parameters.md says,
// checked on its example.
#include <doctest/doctest.h>

#define TUTORIAL_NO_MAIN  // the example's own main() stays out: this file drives its app
#include "../../examples/tutorial/07_body_multiple_parameters.cpp"
#include "fastapi/testing/test_client.hpp"

TEST_SUITE("tutorial/07_body_multiple_parameters") {
  TEST_CASE("several body parameters are read from one JSON object, each under its name") {
    fa::App app;
    body_multiple_parameters::build(app);
    fa::testing::TestClient client{app};
    fa::Json body{{"item", {{"name", "Foo"}, {"price", 42.0}}},
                  {"user", {{"username", "dave"}, {"full_name", "Dave Grohl"}}},
                  {"importance", 5}};
    auto r = client.put("/items/5", {.json = body});
    CHECK(r.status == 200);
    CHECK(r.text == R"({"item_id":5,"item":{"name":"Foo","description":null,"price":42.0,"tax":null},)"
                    R"("user":{"username":"dave","full_name":"Dave Grohl"},"importance":5})");
  }

  TEST_CASE("a missing or wrong part is a 422 located under its name") {
    fa::App app;
    body_multiple_parameters::build(app);
    fa::testing::TestClient client{app};
    fa::Json body{{"item", {{"name", "Foo"}, {"price", 42.0}}}, {"importance", "high"}};
    auto r = client.put("/items/5", {.json = body});
    CHECK(r.status == 422);
    CHECK(r.text ==
          R"({"detail":[{"type":"missing","loc":["body","user"],"msg":"Field required","input":null},)"
          R"({"type":"int_parsing","loc":["body","importance"],)"
          R"("msg":"Input should be a valid integer, unable to parse string as an integer","input":"high"}]})");
  }

  TEST_CASE("a single named body is embedded: the client sends {\"item\": {...}}") {
    fa::App app;
    body_multiple_parameters::build(app);
    fa::testing::TestClient client{app};
    fa::Json embedded{{"item", {{"name", "Foo"}, {"price", 42.0}}}};
    CHECK(client.put("/embedded/items/5", {.json = embedded}).text ==
          R"({"item_id":5,"item":{"name":"Foo","description":null,"price":42.0,"tax":null}})");
    fa::Json bare{{"name", "Foo"}, {"price", 42.0}};
    auto r = client.put("/embedded/items/5", {.json = bare});
    CHECK(r.status == 422);
    CHECK(r.text == R"({"detail":[{"type":"missing","loc":["body","item"],"msg":"Field required","input":null}]})");
  }
}

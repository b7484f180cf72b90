// tests/tutorial/test_06_path_numeric_validations.cpp: what docs/tutorial/06_path_numeric_validations.md says,
// checked on its example.
#include <doctest/doctest.h>

#define TUTORIAL_NO_MAIN  // the example's own main() stays out: this file drives its app
#include "../../examples/tutorial/06_path_numeric_validations.cpp"
#include "fastapi/testing/test_client.hpp"

TEST_SUITE("tutorial/06_path_numeric_validations") {
  TEST_CASE("numbers inside their bounds pass") {
    fa::App app;
    path_numeric_validations::build(app);
    fa::testing::TestClient client{app};
    CHECK(client.get("/items/42?q=x&size=2.5").text == R"({"item_id":42,"q":"x","size":2.5})");
    CHECK(client.get("/items/0?q=x&size=10.4").status == 200);
    CHECK(client.get("/items/1000?q=x&size=0.1").status == 200);
  }

  TEST_CASE("each bound broken is its own 422, in Pydantic's words") {
    fa::App app;
    path_numeric_validations::build(app);
    fa::testing::TestClient client{app};
    auto high = client.get("/items/1001?q=x&size=1");
    CHECK(high.status == 422);
    CHECK(high.text == R"({"detail":[{"type":"less_than_equal","loc":["path","item_id"],)"
                       R"("msg":"Input should be less than or equal to 1000","input":"1001","ctx":{"le":1000}}]})");
    auto size = client.get("/items/1?q=x&size=10.5");
    CHECK(size.text == R"({"detail":[{"type":"less_than","loc":["query","size"],)"
                       R"("msg":"Input should be less than 10.5","input":"10.5","ctx":{"lt":10.5}}]})");
  }

  TEST_CASE("every error of the request is listed at once, path first, then the query in parameter order") {
    fa::App app;
    path_numeric_validations::build(app);
    fa::testing::TestClient client{app};
    auto all = client.get("/items/-1?size=0");
    CHECK(all.status == 422);
    CHECK(all.text == R"({"detail":[)"
                      R"({"type":"greater_than_equal","loc":["path","item_id"],)"
                      R"("msg":"Input should be greater than or equal to 0","input":"-1","ctx":{"ge":0}},)"
                      R"({"type":"missing","loc":["query","q"],"msg":"Field required","input":null},)"
                      R"({"type":"greater_than","loc":["query","size"],)"
                      R"("msg":"Input should be greater than 0","input":"0","ctx":{"gt":0}}]})");
  }

  TEST_CASE("the bounds and the title are in the OpenAPI document") {
    fa::App app;
    path_numeric_validations::build(app);
    fa::testing::TestClient client{app};
    auto parameters = client.get("/openapi.json").json()["paths"]["/items/{item_id}"]["get"]["parameters"];
    CHECK(parameters[0]["schema"].dump() ==
          R"({"maximum":1000,"minimum":0,"title":"The ID of the item to get","type":"integer"})");
    CHECK(parameters[2]["schema"].dump() ==
          R"({"exclusiveMaximum":10.5,"exclusiveMinimum":0,"title":"Size","type":"number"})");
  }
}

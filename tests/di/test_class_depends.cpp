// tests/di/test_class_depends.cpp: fa::from_fields<S>, FastAPI's class dependency (CommonQueryParams with
// Depends()), through the TestClient over a real socket: values, defaults, every error in the 422, a nested
// dependency member, and OpenAPI parameters equal to the same dependency written as a function.
#include <doctest/doctest.h>

#include <optional>
#include <string>

#include "fastapi/app/app.hpp"
#include "fastapi/di/class_depends.hpp"
#include "fastapi/di/depends.hpp"
#include "fastapi/testing/test_client.hpp"

// Everything below is this file's own (the tests are compiled as a unity build).
namespace di_class_depends_file {

namespace fa = fastapi;

struct CommonQueryParams {
  fa::Query<"q", std::optional<std::string>> q;
  fa::Query<"skip", int, 0> skip;
  fa::Query<"limit", int, fa::Rule{.le = 100}, 100> limit;
};

std::string get_token(fa::Header<"x_token", std::string> token) { return *token; }

struct ItemQuery {
  fa::Path<"item_id", int> item_id;
  fa::Depends<get_token> token;
  fa::Query<"verbose", bool, false> verbose;
};

fa::Json read(const CommonQueryParams& c) {
  return fa::Json{
      {"q", c.q->has_value() ? fa::Json(**c.q) : fa::Json(nullptr)}, {"skip", *c.skip}, {"limit", *c.limit}};
}

/// The same parameters written as a function dependency: the reference for OpenAPI.
CommonQueryParams common_parameters(fa::Query<"q", std::optional<std::string>> q, fa::Query<"skip", int, 0> skip,
                                    fa::Query<"limit", int, fa::Rule{.le = 100}, 100> limit) {
  return {q, skip, limit};
}

TEST_SUITE("di/class dependencies") {
  TEST_CASE("an aggregate of parameters bound as one dependency") {
    fa::App app;
    app.get("/items/", [](fa::Depends<fa::from_fields<CommonQueryParams>> commons) { return read(*commons); });
    app.get("/items/{item_id}", [](fa::Depends<fa::from_fields<ItemQuery>> item) {
      return fa::Json{{"item_id", *item->item_id}, {"token", *item->token}, {"verbose", *item->verbose}};
    });
    fa::testing::TestClient client{app};
    CHECK(client.get("/items/").text == R"({"q":null,"skip":0,"limit":100})");
    CHECK(client.get("/items/?q=foo&skip=5&limit=7").text == R"({"q":"foo","skip":5,"limit":7})");
    auto bad = client.get("/items/?skip=x&limit=500");
    CHECK(bad.status == 422);
    CHECK(bad.text.find(R"("loc":["query","skip"])") != std::string::npos);
    CHECK(bad.text.find(R"("loc":["query","limit"])") != std::string::npos);
    CHECK(client.get("/items/3?verbose=yes", {.headers = {{"X-Token", "t"}}}).text ==
          R"({"item_id":3,"token":"t","verbose":true})");
    auto missing = client.get("/items/3");
    CHECK(missing.status == 422);
    CHECK(missing.text.find(R"("loc":["header","x-token"])") != std::string::npos);
  }

  TEST_CASE("OpenAPI: the members are the route's parameters, as the function dependency's") {
    fa::App app;
    app.get("/class/", [](fa::Depends<fa::from_fields<CommonQueryParams>> commons) { return read(*commons); });
    app.get("/function/", [](fa::Depends<common_parameters> commons) { return read(*commons); });
    fa::testing::TestClient client{app};
    fa::Json spec = fa::Json::parse(client.get("/openapi.json").text);
    const fa::Json& params = spec["paths"]["/class/"]["get"]["parameters"];
    CHECK(params.dump() == spec["paths"]["/function/"]["get"]["parameters"].dump());
    REQUIRE(params.size() == 3);
    CHECK(params[std::size_t{0}]["name"].as_string() == "q");
    CHECK(params[std::size_t{1}]["schema"]["default"].as_int() == 0);
    CHECK(params[std::size_t{2}]["schema"]["maximum"].as_int() == 100);
  }

  TEST_CASE("a class dependency is overridden in tests as any other") {
    fa::App app;
    app.get("/items/", [](fa::Depends<fa::from_fields<CommonQueryParams>> commons) { return read(*commons); });
    app.dependency_overrides<fa::from_fields<CommonQueryParams>>([] {
      return CommonQueryParams{std::optional<std::string>("fixed"), 1, 2};
    });
    fa::testing::TestClient client{app};
    CHECK(client.get("/items/?skip=9").text == R"({"q":"fixed","skip":1,"limit":2})");
  }
}

}  // namespace di_class_depends_file

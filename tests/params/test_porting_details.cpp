// tests/params/test_porting_details.cpp: small things met while porting FastAPI apps, through the TestClient
// over a real socket: a list query parameter defaulting to [] (and in OpenAPI), an HTTPException whose detail
// is JSON (fa::Json), the old detail_is_json spelling still answering the same.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "fastapi/app/app.hpp"
#include "fastapi/testing/test_client.hpp"

// Everything below is this file's own (the tests are compiled as a unity build).
namespace params_porting_details_file {

namespace fa = fastapi;

TEST_SUITE("params/porting details") {
  TEST_CASE("a list query parameter defaulting to [] (FastAPI: q: list[str] = Query(default=[]))") {
    fa::App app;
    app.get("/items/", [](fa::Query<"q", std::vector<std::string>, fa::empty_list> q) { return fa::Json{{"q", *q}}; });
    app.get("/ids/", [](fa::Query<"id", std::vector<int>, fa::empty_list, fa::Rule{.max_length = 2}> id) {
      return fa::Json{{"count", id->size()}};
    });
    app.get("/required/", [](fa::Query<"q", std::vector<std::string>> q) { return fa::Json{{"q", *q}}; });
    fa::testing::TestClient client{app};
    CHECK(client.get("/items/").text == R"({"q":[]})");
    CHECK(client.get("/items/?q=foo&q=bar").text == R"({"q":["foo","bar"]})");
    CHECK(client.get("/ids/").text == R"({"count":0})");
    auto bad = client.get("/ids/?id=1&id=x");
    CHECK(bad.status == 422);
    CHECK(bad.text.find(R"("loc":["query","id",1])") != std::string::npos);
    CHECK(client.get("/ids/?id=1&id=2&id=3").status == 422);  // max_length still applies
    CHECK(client.get("/required/").status == 422);            // without the default: missing, as FastAPI

    fa::Json spec = fa::Json::parse(client.get("/openapi.json").text);
    const fa::Json& p = spec["paths"]["/items/"]["get"]["parameters"][std::size_t{0}];
    CHECK(p["required"].as_bool() == false);
    CHECK(p["schema"]["default"].dump() == "[]");
    CHECK(p["schema"]["type"].as_string() == "array");
  }

  TEST_CASE("HTTPException with a JSON detail (FastAPI: detail={...})") {
    fa::App app;
    app.get("/object", []() -> std::string {
      throw fa::HTTPException{400, fa::Json{{"code", "E42"}, {"msg", "bad thing"}}, {{"X-Error", "yes"}}};
    });
    app.get("/list", []() -> std::string { throw fa::HTTPException(409, fa::Json::array({1, "two"})); });
    app.get("/string", []() -> std::string { throw fa::HTTPException(418, fa::Json("just text")); });
    app.get("/old", []() -> std::string {
      fa::HTTPException e{400, R"({"code":"E42"})"};
      e.detail_is_json = true;
      throw e;
    });
    fa::testing::TestClient client{app};
    auto r = client.get("/object");
    CHECK(r.status == 400);
    CHECK(r.text == R"({"detail":{"code":"E42","msg":"bad thing"}})");
    CHECK(r.headers.get("x-error") == "yes");
    CHECK(client.get("/list").text == R"({"detail":[1,"two"]})");
    CHECK(client.get("/string").text == R"({"detail":"just text"})");
    CHECK(client.get("/old").text == R"({"detail":{"code":"E42"}})");
    // A plain string is still a string detail.
    fa::HTTPException plain{404, "Item not found"};
    CHECK_FALSE(plain.detail_is_json);
  }
}

}  // namespace params_porting_details_file

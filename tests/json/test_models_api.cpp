// tests/json/test_models_api.cpp: json/read + json/write through a real route: good bodies in, the response-model
// wall out, FastAPI's 422 bodies for bad ones. (Until the binding station reads a struct parameter by itself,
// the handler calls fa::read_json<Order>(req.body); until endpoint.hpp writes structs by itself, it returns
// fa::detail::model_response / response_through_model, the two calls endpoint.hpp is to make.)
#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <vector>

#include "fastapi/app/app.hpp"
#include "fastapi/json/http_url.hpp"
#include "fastapi/json/read.hpp"
#include "fastapi/json/schema.hpp"
#include "fastapi/json/write.hpp"
#include "fastapi/testing/test_client.hpp"

// Everything below is this file's own (the tests are compiled as a unity build).
namespace test_models_api_file {

namespace fa = fastapi;

namespace models_api_test {

struct Customer {
  fa::Field<std::string, fa::Rule{.min_length = 2}> name;
  fa::Email email;
};
struct Line {
  std::string sku;
  fa::Field<double, fa::Rule{.gt = 0}> price;
  fa::Default<int, fa::Rule{.ge = 1}> quantity = 1;
};
struct Order {
  Customer customer;
  fa::Field<std::vector<Line>, fa::Rule{.min_length = 1}> items;
  std::optional<std::string> note;
};
struct OrderOut {
  std::string customer_name;
  double total;
  std::size_t lines;
};
struct UserIn {
  std::string username;
  std::string password;
};
struct UserOut {
  std::string username;
};

void add_routes(fa::App& app) {
  app.post("/orders", [](fa::Request& req) {
    const Order order = fa::read_json<Order>(req.body);  // throws RequestValidationError -> 422
    double total = 0;
    for (const Line& l : *order.items) total += l.price * l.quantity;
    return fa::detail::model_response(OrderOut{*order.customer.name, total, order.items->size()}, 201);
  });
  app.post("/users", [](fa::Request& req) {
    const UserIn user = fa::read_json<UserIn>(req.body);
    return fa::detail::response_through_model(fa::response_model<UserOut>, user, 200);  // no password leaves
  });
  app.get("/broken", [](fa::Request&) {
    return fa::detail::response_through_model(fa::response_model<UserOut>, fa::Json{{"name", "x"}}, 200);
  });
}

struct Site {
  fa::HttpUrl url;
  std::optional<fa::HttpUrl> mirror;
};

}  // namespace models_api_test

using namespace models_api_test;

TEST_SUITE("json/models_api") {

  TEST_CASE("a good order body is read, and the handler's model is written as JSON") {
    fa::App app;
    add_routes(app);
    fa::testing::TestClient client(app);
    const auto r =
        client.post("/orders", {.headers = {{"content-type", "application/json"}},
                                .content = R"({"customer":{"name":"Ann","email":"ann@example.org"},)"
                                           R"("items":[{"sku":"a","price":2.5,"quantity":2},{"sku":"b","price":1}]})"});
    CHECK(r.status == 201);
    CHECK(r.header("content-type") == "application/json");
    CHECK(r.text == R"({"customer_name":"Ann","total":6.0,"lines":2})");
  }

  TEST_CASE("a bad order body is a 422 with every error in FastAPI's shape") {
    fa::App app;
    add_routes(app);
    fa::testing::TestClient client(app);
    const auto r = client.post(
        "/orders",
        {.json = fa::Json::parse(
             R"({"customer":{"name":"A","email":"nope"},"items":[{"sku":"a","price":0},{"price":"x","quantity":0}]})")});
    CHECK(r.status == 422);
    CHECK(
        r.text ==
        R"({"detail":[{"type":"string_too_short","loc":["body","customer","name"],"msg":"String should have at least 2 characters","input":"A","ctx":{"min_length":2}},)"
        R"({"type":"value_error","loc":["body","customer","email"],"msg":"value is not a valid email address: An email address must have an @-sign.","input":"nope","ctx":{"reason":"An email address must have an @-sign."}},)"
        R"({"type":"greater_than","loc":["body","items",0,"price"],"msg":"Input should be greater than 0","input":0,"ctx":{"gt":0}},)"
        R"({"type":"missing","loc":["body","items",1,"sku"],"msg":"Field required","input":{"price":"x","quantity":0}},)"
        R"({"type":"float_parsing","loc":["body","items",1,"price"],"msg":"Input should be a valid number, unable to parse string as a number","input":"x"},)"
        R"({"type":"greater_than_equal","loc":["body","items",1,"quantity"],"msg":"Input should be greater than or equal to 1","input":0,"ctx":{"ge":1}}]})");
  }

  TEST_CASE("malformed, empty-list and hostile bodies are 422, never a crash") {
    fa::App app;
    add_routes(app);
    fa::testing::TestClient client(app);
    auto r = client.post("/orders", {.content = R"({"customer": )"});
    CHECK(r.status == 422);
    CHECK(
        r.text ==
        R"({"detail":[{"type":"json_invalid","loc":["body",13],"msg":"JSON decode error","input":{},"ctx":{"error":"Expecting value"}}]})");
    r = client.post("/orders", {.content = R"({"customer":{"name":"Ann","email":"ann@example.org"},"items":[]})"});
    CHECK(r.status == 422);
    CHECK(r.json()["detail"][0]["type"] == "too_short");
    r = client.post("/orders", {.content = std::string(5000, '[')});
    CHECK(r.status == 422);
    CHECK(r.json()["detail"][0]["ctx"]["error"] == "Nesting deeper than 64 arrays and objects");
    r = client.post("/orders", {.content = "{\"customer\":\"\xff\"}"});
    CHECK(r.status == 422);
    CHECK(r.json()["detail"][0]["type"] == "json_invalid");
    r = client.post("/orders", {.content = std::string(500000, 'x')});
    CHECK(r.status == 422);
  }

  TEST_CASE("the response model is a wall: the password never leaves; a value that does not fit is a 500") {
    fa::App app;
    add_routes(app);
    fa::testing::TestClient client(app);
    auto r = client.post("/users", {.json = fa::Json{{"username", "bob"}, {"password", "hunter2"}}});
    CHECK(r.status == 200);
    CHECK(r.text == R"({"username":"bob"})");
    r = client.get("/broken");
    CHECK(r.status == 500);
    CHECK(r.text == R"({"detail":"Internal Server Error"})");
  }

  TEST_CASE("an fa::HttpUrl member and query parameter: normalized in, Pydantic's 422 out, OpenAPI's uri format") {
    fa::App app;
    app.post("/sites", [](Site site) { return fa::to_json(site); });
    app.get("/go", [](fa::Query<"u", fa::HttpUrl> u) { return fa::Json{{"host", u->host()}, {"url", u->str()}}; });
    fa::testing::TestClient client(app);
    auto r = client.post("/sites", {.json = fa::Json{{"url", "HTTP://B\u00fccher.com:80/a/../b c"}}});
    CHECK(r.status == 200);
    CHECK(r.text == R"({"url":"http://xn--bcher-kva.com/b%20c","mirror":null})");
    r = client.post("/sites", {.json = fa::Json{{"url", "ftp://x.com"}, {"mirror", "http://[1::2::3]"}}});
    CHECK(r.status == 422);
    CHECK(r.text ==
          R"({"detail":[{"type":"url_scheme","loc":["body","url"],"msg":"URL scheme should be 'http' or 'https'",)"
          R"("input":"ftp://x.com","ctx":{"expected_schemes":"'http' or 'https'"}},)"
          R"({"type":"url_parsing","loc":["body","mirror"],"msg":"Input should be a valid URL, invalid IPv6 address",)"
          R"("input":"http://[1::2::3]","ctx":{"error":"invalid IPv6 address"}}]})");
    r = client.post("/sites", {.json = fa::Json{{"url", 5}}});
    CHECK(r.text == R"({"detail":[{"type":"url_type","loc":["body","url"],)"
                    R"("msg":"URL input should be a string or URL","input":5}]})");
    r = client.get("/go", {.params = {{"u", " http://0x7f.1:8080/?q=\"x\" "}}});
    CHECK(r.status == 200);
    CHECK(r.text == R"({"host":"127.0.0.1","url":"http://127.0.0.1:8080/?q=%22x%22"})");
    r = client.get("/go", {.params = {{"u", "http://host:99999"}}});
    CHECK(r.status == 422);
    CHECK(r.text == R"({"detail":[{"type":"url_parsing","loc":["query","u"],)"
                    R"("msg":"Input should be a valid URL, invalid port number","input":"http://host:99999",)"
                    R"("ctx":{"error":"invalid port number"}}]})");
    r = client.get("/go");
    CHECK(r.json()["detail"][0]["type"] == "missing");
    const fa::Json doc = client.get("/openapi.json").json();
    CHECK(doc["components"]["schemas"]["Site"]["properties"]["url"].dump() ==
          R"({"format":"uri","maxLength":2083,"minLength":1,"title":"Url","type":"string"})");
    CHECK(doc["paths"]["/go"]["get"]["parameters"][0]["schema"].dump() ==
          R"({"format":"uri","maxLength":2083,"minLength":1,"title":"U","type":"string"})");
  }

}  // TEST_SUITE

}  // namespace test_models_api_file

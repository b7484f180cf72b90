// tests/app/test_partial_updates.cpp: FastAPI's partial-update tutorial in C++: fa::Partial<T> bodies (which members
// the client sent, Pydantic's model_fields_set) and the response_model_exclude_unset / exclude_defaults /
// exclude_none route options, over a real socket; the Partial body's OpenAPI schema.
#include <doctest/doctest.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "fastapi/app/app.hpp"
#include "fastapi/json/partial.hpp"
#include "fastapi/json/read.hpp"
#include "fastapi/json/schema.hpp"
#include "fastapi/json/write.hpp"
#include "fastapi/testing/test_client.hpp"

// Everything below is this file's own (the tests are compiled as a unity build).
namespace test_partial_updates_file {

namespace fa = fastapi;

struct Item {
  std::optional<std::string> name;
  std::optional<std::string> description;
  fa::Default<double, fa::Rule{.gt = 0}> price = 10.5;
  fa::Default<double> tax = 10.5;
  fa::Default<std::vector<std::string>> tags;
};

struct Stock {
  std::string sku;
  fa::Field<int, fa::Rule{.ge = 0}> count;
  std::vector<std::string> tags;
  static auto validators() {
    return fa::Validators{fa::field_validator<&Stock::sku>([](std::string s) {
      if (s.empty()) throw fa::ValueError("sku must not be empty");
      return s;
    })};
  }
};

TEST_SUITE("app/partial_updates") {
  TEST_CASE("fa::Partial<T>: only the members sent are set and applied; the others keep the stored value") {
    std::map<std::string, Stock> stock{{"a", Stock{"A-1", 3, {"x"}}}};
    fa::App app;
    app.patch("/stock/{id}", [&](fa::Path<"id", std::string> id, fa::Partial<Stock> patch) {
      auto it = stock.find(*id);
      if (it == stock.end()) throw fa::HTTPException(404, "Item not found");
      patch.apply_to(it->second);
      return it->second;
    });
    app.post("/fields", [](fa::Partial<Stock> patch) {
      fa::Json names = fa::Json::array({});
      for (std::string_view n : patch.fields_set()) names.push_back(std::string(n));
      return fa::Json{{"set", names}, {"count", patch.is_set(&Stock::count)}, {"sku", patch.is_set("sku")}};
    });
    fa::testing::TestClient client(app);

    auto r = client.patch("/stock/a", {.json = fa::Json{{"count", 7}}});
    CHECK(r.status == 200);
    CHECK(r.text == R"({"sku":"A-1","count":7,"tags":["x"]})");
    r = client.patch("/stock/a", {.json = fa::Json::parse(R"({"tags":[],"sku":"B-2"})")});
    CHECK(r.text == R"({"sku":"B-2","count":7,"tags":[]})");
    r = client.patch("/stock/a", {.json = fa::Json::object({})});
    CHECK(r.text == R"({"sku":"B-2","count":7,"tags":[]})");
    r = client.patch("/stock/zz", {.json = fa::Json{{"count", 1}}});
    CHECK(r.status == 404);
    CHECK(r.text == R"({"detail":"Item not found"})");

    r = client.post("/fields", {.json = fa::Json::parse(R"({"tags":["a"],"count":0,"unknown":1})")});
    CHECK(r.text == R"({"set":["count","tags"],"count":true,"sku":false})");
  }

  TEST_CASE("a Partial body is validated as T's members are: types, Rules, validators, null; every error at once") {
    fa::App app;
    app.patch("/stock", [](fa::Partial<Stock> patch) { return patch.value(); });
    fa::testing::TestClient client(app);
    auto r = client.patch("/stock", {.json = fa::Json::parse(R"({"sku":"","count":-1,"tags":null})")});
    CHECK(r.status == 422);
    CHECK(
        r.text ==
        R"({"detail":[{"type":"value_error","loc":["body","sku"],"msg":"Value error, sku must not be empty","input":"","ctx":{"error":{}}},)"
        R"({"type":"greater_than_equal","loc":["body","count"],"msg":"Input should be greater than or equal to 0","input":-1,"ctx":{"ge":0}},)"
        R"({"type":"list_type","loc":["body","tags"],"msg":"Input should be a valid list","input":null}]})");
    // No body, a body that is not an object, malformed JSON, a form body: FastAPI's answers for a model body.
    r = client.patch("/stock");
    CHECK(r.status == 422);
    CHECK(r.text == R"({"detail":[{"type":"missing","loc":["body"],"msg":"Field required","input":null}]})");
    r = client.patch("/stock", {.json = fa::Json::array({1})});
    CHECK(r.json()["detail"][0]["type"] == "model_attributes_type");
    r = client.patch("/stock", {.headers = {{"content-type", "application/json"}}, .content = R"({"sku": )"});
    CHECK(r.json()["detail"][0]["type"] == "json_invalid");
    r = client.patch("/stock", {.headers = {{"content-type", "application/x-www-form-urlencoded"}}, .content = "a=1"});
    CHECK(r.json()["detail"][0]["type"] == "model_attributes_type");
    r = client.patch("/stock", {.headers = {{"content-type", "application/json"}}, .content = std::string(4000, '[')});
    CHECK(r.status == 422);
  }

  TEST_CASE("fast path and DOM reader agree on a Partial: the same members set, the same values") {
    for (const char* text :
         {R"({"count":2})", R"({"tags":["a","b"],"sku":"s"})", R"({})", R"({"sku":"s","sku":"t"})"}) {
      fa::RequestValidationError e1, e2;
      fa::detail::LocPath l1, l2;
      auto fast = fa::read_json<fa::Partial<Stock>>(text, e1, l1);
      auto dom = fa::detail::read_json_dom<fa::Partial<Stock>>(text, e2, l2);
      REQUIRE(fast);
      REQUIRE(dom);
      CHECK(fast->fields_set() == dom->fields_set());
      CHECK(fa::to_json_string(*fast) == fa::to_json_string(*dom));
    }
  }

  TEST_CASE("response_model_exclude_unset writes only the keys the returned value held (FastAPI's tutorial)") {
    fa::App app;
    // FastAPI: items = {"foo": {"name": "Foo", "price": 50.2}, ...}; response_model=Item, exclude_unset.
    app.get("/items/foo",
            [] {
              return fa::Json{{"name", "Foo"}, {"price", 50.2}};
            },
            {.response_model = fa::response_model<Item>, .response_model_exclude_unset = true});
    app.get("/items/all",
            [] {
              return fa::Json{{"name", "Foo"}, {"price", 50.2}};
            },
            {.response_model = fa::response_model<Item>});
    app.get("/items/list", [] { return fa::Json::parse(R"([{"name":"a"},{"tax":1.0,"tags":["t"]}])"); },
            {.response_model = fa::response_model<std::vector<Item>>, .response_model_exclude_unset = true});
    app.post("/echo", [](fa::Partial<Item> item) { return item; }, {.response_model_exclude_unset = true});
    app.post("/echo-all", [](fa::Partial<Item> item) { return item; });
    fa::testing::TestClient client(app);
    CHECK(client.get("/items/foo").text == R"({"name":"Foo","price":50.2})");
    CHECK(client.get("/items/all").text == R"({"name":"Foo","description":null,"price":50.2,"tax":10.5,"tags":[]})");
    CHECK(client.get("/items/list").text == R"([{"name":"a"},{"tax":1.0,"tags":["t"]}])");
    CHECK(client.post("/echo", {.json = fa::Json{{"tax", 3}}}).text == R"({"tax":3.0})");
    CHECK(client.post("/echo-all", {.json = fa::Json{{"tax", 3}}}).text ==
          R"({"name":null,"description":null,"price":10.5,"tax":3.0,"tags":[]})");
  }

  TEST_CASE("response_model_exclude_defaults leaves out members equal to their default; exclude_none the nulls") {
    fa::App app;
    app.get("/d",
            [] {
              return Item{"Bar", std::nullopt, 62, 10.5, std::vector<std::string>{}};
            },
            {.response_model_exclude_defaults = true});
    app.get("/n",
            [] {
              return Item{"Bar", std::nullopt, 62, 10.5, std::vector<std::string>{}};
            },
            {.response_model_exclude_none = true});
    app.get("/m",
            [] {
              return fa::Json{{"name", "Baz"}, {"price", 10.5}, {"tax", 20.2}, {"tags", fa::Json::array({})}};
            },
            {.response_model = fa::response_model<Item>, .response_model_exclude_defaults = true});
    fa::testing::TestClient client(app);
    CHECK(client.get("/d").text == R"({"name":"Bar","price":62.0})");
    CHECK(client.get("/n").text == R"({"name":"Bar","price":62.0,"tax":10.5,"tags":[]})");
    CHECK(client.get("/m").text == R"({"name":"Baz","tax":20.2})");
    CHECK(fa::to_json_string(Item{}, {.exclude_defaults = true}) == "{}");
  }

  TEST_CASE("a Partial body's OpenAPI schema is T's without `required`, named <T>Partial") {
    fa::App app;
    app.patch("/stock", [](fa::Partial<Stock> patch) { return patch.value(); });
    fa::testing::TestClient client(app);
    fa::Json doc = client.get("/openapi.json").json();
    const fa::Json& body = doc["paths"]["/stock"]["patch"]["requestBody"];
    CHECK(body["content"]["application/json"]["schema"].dump() == R"({"$ref":"#/components/schemas/StockPartial"})");
    CHECK(body["required"] == true);
    CHECK(
        doc["components"]["schemas"]["StockPartial"].dump() ==
        R"({"properties":{"sku":{"title":"Sku","type":"string"},"count":{"minimum":0,"title":"Count","type":"integer"},)"
        R"("tags":{"items":{"type":"string"},"title":"Tags","type":"array"}},"title":"StockPartial","type":"object"})");
  }
}

}  // namespace test_partial_updates_file

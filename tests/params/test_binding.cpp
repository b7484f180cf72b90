// tests/params/test_binding.cpp: handler parameters bound from the path, the query, headers, cookies, the JSON
// body and form fields (params/binding.hpp), through the TestClient over a real socket; every 422 body literal.
#include <doctest/doctest.h>

#include <asio.hpp>

#include <atomic>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "fastapi/app/app.hpp"
#include "fastapi/params/binding.hpp"
#include "fastapi/params/markers.hpp"
#include "fastapi/testing/test_client.hpp"
#include "support/alloc_counter.hpp"

// Everything below is this file's own (the tests are compiled as a unity build).
namespace params_binding_file {

namespace fa = fastapi;

enum class ModelName { alexnet, resnet, lenet };

struct Item {
  std::string name;
  fa::Field<double, fa::Rule{.gt = 0}> price;
  std::optional<std::string> description;
};
struct User {
  std::string username;
};

fa::Json item_json(const Item& item) {
  return fa::Json{{"name", item.name}, {"price", *item.price}, {"description", item.description}};
}

TEST_SUITE("params/binding") {
  TEST_CASE("a path int and an optional query string are bound and converted") {
    fa::App app;
    app.get("/items/{item_id}", [](fa::Path<"item_id", int> item_id,
                                   fa::Query<"q", std::optional<std::string>, fa::Rule{.max_length = 50}> q) {
      return fa::Json{{"item_id", *item_id}, {"q", q ? fa::Json(*q) : nullptr}};
    });
    fa::testing::TestClient client{app};
    auto r = client.get("/items/42", {.params = {{"q", "foo"}}});
    CHECK(r.status == 200);
    CHECK(r.text == R"({"item_id":42,"q":"foo"})");
    CHECK(client.get("/items/7").text == R"({"item_id":7,"q":null})");

    r = client.get("/items/foo");
    CHECK(r.status == 422);
    CHECK(r.text == R"({"detail":[{"type":"int_parsing","loc":["path","item_id"],"msg":"Input should be a valid )"
                    R"(integer, unable to parse string as an integer","input":"foo"}]})");
  }

  TEST_CASE("query parameters: required, defaults, Rules, last value wins") {
    fa::App app;
    app.get("/items",
            [](fa::Query<"skip", int, 0> skip, fa::Query<"limit", int, fa::Rule{.ge = 1, .le = 100}, 10> limit,
               fa::Query<"needy", std::string> needy) {
              return fa::Json{{"skip", *skip}, {"limit", *limit}, {"needy", *needy}};
            });
    fa::testing::TestClient client{app};
    CHECK(client.get("/items", {.params = {{"needy", "x"}}}).text == R"({"skip":0,"limit":10,"needy":"x"})");
    CHECK(client.get("/items", {.params = {{"needy", "a"}, {"needy", "b"}, {"skip", "5"}}}).text ==
          R"({"skip":5,"limit":10,"needy":"b"})");

    auto r = client.get("/items");
    CHECK(r.status == 422);
    CHECK(r.text == R"({"detail":[{"type":"missing","loc":["query","needy"],"msg":"Field required","input":null}]})");

    r = client.get("/items", {.params = {{"limit", "500"}, {"needy", "x"}}});
    CHECK(r.status == 422);
    CHECK(r.text == R"({"detail":[{"type":"less_than_equal","loc":["query","limit"],"msg":"Input should be less )"
                    R"(than or equal to 100","input":"500","ctx":{"le":100}}]})");

    r = client.get("/items", {.params = {{"limit", "0"}, {"skip", "x"}}});
    CHECK(r.text == R"({"detail":[{"type":"int_parsing","loc":["query","skip"],"msg":"Input should be a valid )"
                    R"(integer, unable to parse string as an integer","input":"x"},{"type":"greater_than_equal",)"
                    R"("loc":["query","limit"],"msg":"Input should be greater than or equal to 1","input":"0",)"
                    R"("ctx":{"ge":1}},{"type":"missing","loc":["query","needy"],"msg":"Field required",)"
                    R"("input":null}]})");
  }

  TEST_CASE("string Rules: min_length, max_length and pattern give Pydantic's errors with ctx") {
    fa::App app;
    app.get("/search",
            [](fa::Query<"q", std::string, fa::Rule{.min_length = 3, .max_length = 5, .pattern = "^[a-z]+$"}> q) {
              return *q;
            });
    fa::testing::TestClient client{app};
    CHECK(client.get("/search", {.params = {{"q", "abcd"}}}).text == "abcd");
    CHECK(client.get("/search", {.params = {{"q", "ab"}}}).text ==
          R"({"detail":[{"type":"string_too_short","loc":["query","q"],"msg":"String should have at least 3 )"
          R"(characters","input":"ab","ctx":{"min_length":3}}]})");
    CHECK(client.get("/search", {.params = {{"q", "abcdef"}}}).text ==
          R"({"detail":[{"type":"string_too_long","loc":["query","q"],"msg":"String should have at most 5 )"
          R"(characters","input":"abcdef","ctx":{"max_length":5}}]})");
    CHECK(client.get("/search", {.params = {{"q", "AbC"}}}).text ==
          R"({"detail":[{"type":"string_pattern_mismatch","loc":["query","q"],"msg":"String should match )"
          R"(pattern '^[a-z]+$'","input":"AbC","ctx":{"pattern":"^[a-z]+$"}}]})");
  }

  TEST_CASE("bool, double, enum and unsigned values from the query, with their errors") {
    fa::App app;
    app.get("/types", [](fa::Query<"flag", bool, false> flag, fa::Query<"ratio", double, fa::Literal{0.5}> ratio,
                         fa::Query<"model", ModelName, ModelName::alexnet> model, fa::Query<"n", std::uint8_t, 1> n,
                         fa::Query<"sort", std::string, fa::Literal{"name"}> sort) {
      return fa::Json{{"flag", *flag},
                      {"ratio", *ratio},
                      {"model", std::string(fa::enum_name(*model))},
                      {"n", *n},
                      {"sort", *sort}};
    });
    fa::testing::TestClient client{app};
    CHECK(client.get("/types").text == R"({"flag":false,"ratio":0.5,"model":"alexnet","n":1,"sort":"name"})");
    CHECK(
        client.get("/types", {.params = {{"flag", "Yes"}, {"ratio", "2.25"}, {"model", "lenet"}, {"n", "255"}}}).text ==
        R"({"flag":true,"ratio":2.25,"model":"lenet","n":255,"sort":"name"})");
    CHECK(client.get("/types", {.params = {{"flag", "maybe"}, {"ratio", "x"}, {"model", "vgg"}, {"n", "256"}}}).text ==
          R"({"detail":[{"type":"bool_parsing","loc":["query","flag"],"msg":"Input should be a valid boolean, )"
          R"(unable to interpret input","input":"maybe"},{"type":"float_parsing","loc":["query","ratio"],"msg":)"
          R"("Input should be a valid number, unable to parse string as a number","input":"x"},{"type":"enum",)"
          R"("loc":["query","model"],"msg":"Input should be 'alexnet', 'resnet' or 'lenet'","input":"vgg",)"
          R"("ctx":{"expected":"'alexnet', 'resnet' or 'lenet'"}},{"type":"less_than_equal","loc":["query","n"],)"
          R"("msg":"Input should be less than or equal to 255","input":"256","ctx":{"le":255}}]})");
  }

  TEST_CASE("an enum path parameter reads the enumerator name") {
    fa::App app;
    app.get("/models/{model_name}", [](fa::Path<"model_name", ModelName> m) {
      return fa::Json{{"model_name", std::string(fa::enum_name(*m))}, {"deep", *m == ModelName::resnet}};
    });
    fa::testing::TestClient client{app};
    CHECK(client.get("/models/resnet").text == R"({"model_name":"resnet","deep":true})");
    CHECK(client.get("/models/vgg").text ==
          R"({"detail":[{"type":"enum","loc":["path","model_name"],"msg":"Input should be 'alexnet', 'resnet' )"
          R"(or 'lenet'","input":"vgg","ctx":{"expected":"'alexnet', 'resnet' or 'lenet'"}}]})");
  }

  TEST_CASE("std::vector reads repeated keys; items are checked with their index, Rules on the list") {
    fa::App app;
    app.get("/tags", [](fa::Query<"tag", std::vector<int>, fa::Rule{.max_length = 3}> tags,
                        fa::Query<"opt", std::optional<std::vector<std::string>>> opt) {
      fa::Json out = fa::Json::array({});
      for (int t : tags) out.push_back(t);
      return fa::Json{{"tags", out}, {"opt", opt ? fa::Json(*opt) : nullptr}};
    });
    fa::testing::TestClient client{app};
    CHECK(client.get("/tags?tag=1&tag=2").text == R"({"tags":[1,2],"opt":null})");
    CHECK(client.get("/tags?tag=1&opt=a&opt=b").text == R"({"tags":[1],"opt":["a","b"]})");
    CHECK(client.get("/tags").text ==
          R"({"detail":[{"type":"missing","loc":["query","tag"],"msg":"Field required","input":null}]})");
    CHECK(client.get("/tags?tag=1&tag=x&tag=3&tag=y").text ==
          R"({"detail":[{"type":"int_parsing","loc":["query","tag",1],"msg":"Input should be a valid integer, )"
          R"(unable to parse string as an integer","input":"x"},{"type":"int_parsing","loc":["query","tag",3],)"
          R"("msg":"Input should be a valid integer, unable to parse string as an integer","input":"y"}]})");
    CHECK(client.get("/tags?tag=1&tag=2&tag=3&tag=4").text ==
          R"({"detail":[{"type":"too_long","loc":["query","tag"],"msg":"List should have at most 3 items after )"
          R"(validation, not 4","input":["1","2","3","4"],"ctx":{"field_type":"List","max_length":3,)"
          R"("actual_length":4}}]})");
  }

  TEST_CASE("headers: case-insensitive, underscores match hyphens, repeated headers as a vector") {
    fa::App app;
    app.get("/h", [](fa::Header<"user_agent", std::optional<std::string>> ua, fa::Header<"x_token", std::string> token,
                     fa::Header<"x-num", std::vector<int>, fa::Rule{}, 0> nums) {
      return fa::Json{{"ua", ua ? fa::Json(*ua) : nullptr}, {"token", *token}, {"nums", *nums}};
    });
    fa::testing::TestClient client{app};
    CHECK(
        client.get("/h", {.headers = {{"User-Agent", "t/1"}, {"X-TOKEN", "s"}, {"x-num", "1"}, {"X-Num", "2"}}}).text ==
        R"({"ua":"t/1","token":"s","nums":[1,2]})");
    auto r = client.get("/h", {.headers = {{"x_token", "underscored"}}});  // x_token on the wire is not x-token
    CHECK(r.text ==
          R"({"detail":[{"type":"missing","loc":["header","x-token"],"msg":"Field required","input":null}]})");
  }

  TEST_CASE("cookies are read from the Cookie header") {
    fa::App app;
    app.get("/c", [](fa::Cookie<"session", std::string> session, fa::Cookie<"visits", int, 0> visits) {
      return fa::Json{{"session", *session}, {"visits", *visits}};
    });
    fa::testing::TestClient client{app};
    CHECK(client.get("/c", {.cookies = {{"session", "abc"}, {"visits", "3"}}}).text ==
          R"({"session":"abc","visits":3})");
    CHECK(client.get("/c", {.headers = {{"cookie", "a=1; session=\"q\" ;visits=4"}}}).text ==
          R"({"session":"q","visits":4})");
    CHECK(client.get("/c", {.cookies = {{"visits", "many"}}}).text ==
          R"({"detail":[{"type":"missing","loc":["cookie","session"],"msg":"Field required","input":null},)"
          R"({"type":"int_parsing","loc":["cookie","visits"],"msg":"Input should be a valid integer, unable to )"
          R"(parse string as an integer","input":"many"}]})");
  }

  TEST_CASE(
      "errors from every source come in FastAPI's order whatever the parameter order, and the handler never runs") {
    fa::App app;
    std::atomic<int> calls{0};
    app.post("/all/{id}", [&calls](Item item, fa::Cookie<"c", int> c, fa::Header<"h", int> h, fa::Query<"q", int> q,
                                   fa::Path<"id", int> id) {
      ++calls;
      return fa::Json{{"sum", *c + *h + *q + *id}, {"item", item.name}};
    });
    fa::testing::TestClient client{app};
    auto r = client.post("/all/x", {.headers = {{"h", "y"}}, .content = std::string("")});
    CHECK(r.status == 422);
    CHECK(r.text == R"({"detail":[{"type":"int_parsing","loc":["path","id"],"msg":"Input should be a valid )"
                    R"(integer, unable to parse string as an integer","input":"x"},{"type":"missing","loc":)"
                    R"(["query","q"],"msg":"Field required","input":null},{"type":"int_parsing","loc":["header",)"
                    R"("h"],"msg":"Input should be a valid integer, unable to parse string as an integer","input":)"
                    R"("y"},{"type":"missing","loc":["cookie","c"],"msg":"Field required","input":null},)"
                    R"({"type":"missing","loc":["body"],"msg":"Field required","input":null}]})");
    CHECK(calls == 0);
    r = client.post("/all/1", {.params = {{"q", "2"}},
                               .headers = {{"h", "3"}},
                               .json = fa::Json{{"name", "n"}, {"price", 1}},
                               .cookies = {{"c", "4"}}});
    CHECK(r.text == R"({"sum":10,"item":"n"})");
    CHECK(calls == 1);
  }

  TEST_CASE("a struct parameter is the JSON body; its errors are under body") {
    fa::App app;
    app.post("/items", [](Item item) { return item_json(item); });
    fa::testing::TestClient client{app};
    CHECK(client.post("/items", {.json = fa::Json{{"name", "Foo"}, {"price", 3.5}}}).text ==
          R"({"name":"Foo","price":3.5,"description":null})");
    CHECK(client.post("/items").text ==
          R"({"detail":[{"type":"missing","loc":["body"],"msg":"Field required","input":null}]})");
    CHECK(client.post("/items", {.content = std::string("null")}).text ==
          R"({"detail":[{"type":"missing","loc":["body"],"msg":"Field required","input":null}]})");
    CHECK(client.post("/items", {.json = fa::Json{{"price", -1}}}).text ==
          R"({"detail":[{"type":"missing","loc":["body","name"],"msg":"Field required","input":{"price":-1}},)"
          R"({"type":"greater_than","loc":["body","price"],"msg":"Input should be greater than 0","input":-1,)"
          R"("ctx":{"gt":0}}]})");
    auto r = client.post("/items", {.headers = {{"content-type", "text/plain"}}, .content = std::string("hello")});
    CHECK(r.text == R"({"detail":[{"type":"model_attributes_type","loc":["body"],"msg":"Input should be a valid )"
                    R"(dictionary or object to extract fields from","input":"hello"}]})");
  }

  TEST_CASE("malformed JSON is answered alone with json_invalid, before any other error") {
    fa::App app;
    app.post("/items", [](Item item, fa::Query<"q", int> q) { return fa::Json{{"q", *q}, {"n", item.name}}; });
    fa::testing::TestClient client{app};
    auto r = client.post("/items",
                         {.headers = {{"content-type", "application/json"}}, .content = std::string("{\"name\": }")});
    CHECK(r.status == 422);
    auto j = r.json();
    REQUIRE(j["detail"].size() == 1);
    CHECK(j["detail"][0]["type"] == "json_invalid");
    CHECK(j["detail"][0]["loc"][0] == "body");
    CHECK(j["detail"][0]["msg"] == "JSON decode error");
  }

  TEST_CASE("two bodies are embedded under their names; one named body too") {
    fa::App app;
    app.put("/items/{item_id}", [](fa::Path<"item_id", int> id, fa::Embed<"item", Item> item,
                                   fa::Embed<"user", User> user, fa::Embed<"importance", int> importance) {
      return fa::Json{{"id", *id}, {"item", item->name}, {"user", user->username}, {"importance", *importance}};
    });
    app.post("/embed", [](fa::Embed<"item", Item> item) { return item->name; });
    app.post("/opt",
             [](fa::Body<std::optional<Item>> item) { return item ? item->value().name : std::string("none"); });
    fa::testing::TestClient client{app};
    auto body =
        fa::Json{{"item", {{"name", "Foo"}, {"price", 1}}}, {"user", {{"username", "dave"}}}, {"importance", 5}};
    CHECK(client.put("/items/5", {.json = body}).text == R"({"id":5,"item":"Foo","user":"dave","importance":5})");
    CHECK(client.put("/items/5", {.json = fa::Json{{"item", {{"price", 1}}}, {"importance", "x"}}}).text ==
          R"({"detail":[{"type":"missing","loc":["body","item","name"],"msg":"Field required","input":{"price":1}},)"
          R"({"type":"missing","loc":["body","user"],"msg":"Field required","input":null},{"type":"int_parsing",)"
          R"("loc":["body","importance"],"msg":"Input should be a valid integer, unable to parse string as an )"
          R"(integer","input":"x"}]})");
    CHECK(client.put("/items/5").text ==
          R"({"detail":[{"type":"missing","loc":["body","item"],"msg":"Field required","input":null},{"type":)"
          R"("missing","loc":["body","user"],"msg":"Field required","input":null},{"type":"missing","loc":)"
          R"(["body","importance"],"msg":"Field required","input":null}]})");
    CHECK(client.post("/embed", {.json = fa::Json{{"item", {{"name", "E"}, {"price", 2}}}}}).text == "E");
    CHECK(client.post("/embed", {.json = fa::Json{{"name", "E"}, {"price", 2}}}).text ==
          R"({"detail":[{"type":"missing","loc":["body","item"],"msg":"Field required","input":null}]})");
    CHECK(client.post("/opt").text == "none");
    CHECK(client.post("/opt", {.json = fa::Json{{"name", "O"}, {"price", 2}}}).text == "O");
  }

  TEST_CASE("Header convert_underscores=false keeps the underscore: x_tok is read, X-Tok is not") {
    fa::App app;
    app.get("/h", [](fa::Header<"x_tok", std::optional<std::string>, fa::Rule{.convert_underscores = false}> raw,
                     fa::Header<"x_tok", std::optional<std::string>> converted) {
      return fa::Json{{"raw", raw ? fa::Json(**raw) : nullptr},
                      {"converted", converted ? fa::Json(**converted) : nullptr}};
    });
    app.get("/need", [](fa::Header<"strange_header", int, fa::Rule{.convert_underscores = false}> h) {
      return std::to_string(*h);
    });
    fa::testing::TestClient client{app};
    CHECK(client.get("/h", {.headers = {{"X_Tok", "a"}, {"x-tok", "b"}}}).text == R"({"raw":"a","converted":"b"})");
    CHECK(client.get("/h", {.headers = {{"x-tok", "b"}}}).text == R"({"raw":null,"converted":"b"})");
    CHECK(client.get("/need", {.headers = {{"strange_header", "7"}}}).text == "7");
    CHECK(client.get("/need", {.headers = {{"strange-header", "7"}}}).text ==
          R"({"detail":[{"type":"missing","loc":["header","strange_header"],"msg":"Field required","input":null}]})");
  }

  TEST_CASE("a deprecated parameter, and bodies with a documenting Rule, bind as any other") {
    fa::App app;
    app.get("/old", [](fa::Query<"q", std::optional<std::string>, fa::Rule{.max_length = 3, .deprecated = true}> q) {
      return q->value_or("none");
    });
    app.post("/item",
             [](fa::Body<Item, fa::Rule{.examples = R"([{"name": "Foo", "price": 1}])"}> item) { return item->name; });
    app.post("/pair", [](fa::Embed<"item", Item, fa::Rule{.description = "the item"}> item,
                         fa::Embed<"importance", int, fa::Rule{.examples = "[5]"}> importance) {
      return fa::Json{{"item", item->name}, {"importance", *importance}};
    });
    fa::testing::TestClient client{app};
    CHECK(client.get("/old?q=abc").text == "abc");
    CHECK(client.get("/old").text == "none");
    CHECK(client.get("/old?q=abcd").status == 422);  // deprecated, still checked
    CHECK(client.post("/item", {.json = fa::Json{{"name", "Foo"}, {"price", 1}}}).text == "Foo");
    CHECK(client.post("/pair", {.json = fa::Json{{"item", {{"name", "P"}, {"price", 2}}}, {"importance", 3}}}).text ==
          R"({"item":"P","importance":3})");
  }

  TEST_CASE("a map with integer keys reads each key as Pydantic's dict[int, float] does, errors at [key, \"[key]\"]") {
    fa::App app;
    app.post("/index-weights/", [](fa::Body<std::map<int, double>> weights) { return *weights; });
    fa::testing::TestClient client{app};
    // Keys are read from their text (whitespace, a sign, "2.0"); the answer writes them back as JSON keys, sorted.
    CHECK(client.post("/index-weights/", {.content = R"({"1": 0.5, " 3 ": 2, "-4": 1, "2.0": 3})"}).text ==
          R"({"-4":1.0,"1":0.5,"2":3.0,"3":2.0})");
    // A bad key and a bad value are both reported, the key's under "[key]" (Pydantic v2's loc), in body order.
    CHECK(client.post("/index-weights/", {.content = R"({"1": 0.5, "x": 1, "2": "a"})"}).text ==
          R"({"detail":[{"type":"int_parsing","loc":["body","x","[key]"],"msg":"Input should be a valid integer, )"
          R"(unable to parse string as an integer","input":"x"},{"type":"float_parsing","loc":["body","2"],"msg":)"
          R"("Input should be a valid number, unable to parse string as a number","input":"a"}]})");
    // The C++ key type bounds it, as an int field's text is bounded.
    CHECK(client.post("/index-weights/", {.content = R"({"99999999999": 1})"}).text ==
          R"({"detail":[{"type":"less_than_equal","loc":["body","99999999999","[key]"],"msg":"Input should be less )"
          R"(than or equal to 2147483647","input":"99999999999","ctx":{"le":2147483647}}]})");
    CHECK(client.post("/index-weights/", {.json = fa::Json::array({1})}).text ==
          R"({"detail":[{"type":"dict_type","loc":["body"],"msg":"Input should be a valid dictionary","input":[1]}]})");
  }

  TEST_CASE("form fields read an application/x-www-form-urlencoded body; an empty value is absent") {
    fa::App app;
    app.post("/login", [](fa::Form<"username", std::string> username,
                          fa::Form<"password", std::string, fa::Rule{.min_length = 3}> password,
                          fa::Form<"remember", bool, false> remember,
                          fa::Query<"next", std::string, fa::Literal{"/"}> next) {
      return fa::Json{{"username", *username}, {"password", *password}, {"remember", *remember}, {"next", *next}};
    });
    fa::testing::TestClient client{app};
    CHECK(client.post("/login", {.data = {{"username", "a b"}, {"password", "s&cret"}, {"remember", "on"}}}).text ==
          R"({"username":"a b","password":"s&cret","remember":true,"next":"/"})");
    CHECK(client.post("/login", {.params = {{"next", "/x"}}, .data = {{"username", ""}, {"password", "ab"}}}).text ==
          R"({"detail":[{"type":"missing","loc":["body","username"],"msg":"Field required","input":null},)"
          R"({"type":"string_too_short","loc":["body","password"],"msg":"String should have at least 3 characters",)"
          R"("input":"ab","ctx":{"min_length":3}}]})");
    CHECK(client.post("/login", {.json = fa::Json{{"username", "u"}, {"password", "ppp"}}}).text ==
          R"({"detail":[{"type":"missing","loc":["body","username"],"msg":"Field required","input":null},)"
          R"({"type":"missing","loc":["body","password"],"msg":"Field required","input":null}]})");
  }

  TEST_CASE("Request& and Response& mix with bound parameters; coroutine and blocking handlers bind too") {
    fa::App app;
    app.get("/mix/{id}", [](fa::Response& res, fa::Path<"id", int> id, fa::Request& req) {
      res.headers.add("x-id", std::to_string(*id));
      return std::string(req.path);
    });
    app.get("/task", [](fa::Query<"n", int> n) -> fa::Task<fa::Json> { co_return fa::Json{{"n", *n * 2}}; });
    app.get("/blocking", [](fa::Query<"n", int> n) { return fa::Json{{"n", *n + 1}}; }, {.blocking = true});
    fa::testing::TestClient client{app};
    auto r = client.get("/mix/9");
    CHECK(r.text == "/mix/9");
    CHECK(r.header("x-id") == "9");
    CHECK(client.get("/task?n=21").text == R"({"n":42})");
    CHECK(client.get("/task").status == 422);
    CHECK(client.get("/blocking?n=1").text == R"({"n":2})");
    CHECK(client.get("/blocking?n=z").status == 422);
  }

  TEST_CASE("a {name} without fa::Path, or a fa::Path without {name}, is refused at registration in words") {
    fa::App refused;  // the mistakes are recorded; run() prints them and returns 1
    refused.get("/items/{item_id}", [](fa::Query<"q", int>) { return std::string("1"); });
    refused.get("/items", [](fa::Path<"id", int>) { return std::string("1"); });
    CHECK(refused.configuration_errors() ==
          std::vector<std::string>{"fastapi: route GET /items/{item_id}: the path has {item_id} but the handler has no "
                                   "fa::Path<\"item_id\", T> parameter",
                                   "fastapi: route GET /items: the handler takes fa::Path<\"id\", T> but the path has "
                                   "no {id}"});
    CHECK_THROWS_AS(refused.check_configuration(), fa::ConfigurationError);
    fa::App app;
    CHECK_NOTHROW(app.get("/items/{id}", [](fa::Path<"id", int>) { return std::string("1"); }));
    CHECK_NOTHROW(
        app.get("/raw/{id}", [](fa::Request& req) { return std::string(req.path_params.get("id").value_or("")); }));
    fa::testing::TestClient client{app};
    CHECK(client.get("/items/3").text == "1");  // the refused routes were not registered
    CHECK(client.get("/items").status == 404);
  }

  TEST_CASE("binding a path int and an optional query string allocates nothing more than a bare route" *
            doctest::skip(!fastapi_test_alloc_counted)) {
    constexpr int warmup = 500;
    constexpr int measured = 5000;
    // Allocations per `measured` requests on the worker thread, counted inside the handler.
    auto count = [&](const std::string& route, auto handler_factory) {
      std::atomic<long> at_start{-1}, at_end{-1};
      std::atomic<int> served{0};
      fa::App app;
      auto tick = [&] {
        int n = ++served;
        if (n == warmup) at_start = fastapi_test_alloc_count();
        if (n == warmup + measured) at_end = fastapi_test_alloc_count();
      };
      app.get(route, handler_factory(tick));
      fa::testing::TestClient client{app};
      asio::io_context io;
      asio::ip::tcp::socket sock(io);
      sock.connect({asio::ip::make_address("127.0.0.1"), client.port()});
      const std::string request = "GET /items/42?q=foo HTTP/1.1\r\nHost: bench\r\n\r\n";
      std::string buf;
      char chunk[4096];
      for (int i = 0; i < warmup + measured; ++i) {
        asio::write(sock, asio::buffer(request));
        buf.clear();
        while (buf.size() < 2 || buf.compare(buf.size() - 2, 2, "ok") != 0) {
          std::size_t n = sock.read_some(asio::buffer(chunk));
          buf.append(chunk, n);
        }
      }
      REQUIRE(at_start >= 0);
      return at_end - at_start;
    };
    long bare = count("/items/{item_id}", [](auto& tick) {
      return [&tick](fa::Request&) {
        tick();
        return fa::PlainTextResponse("ok");
      };
    });
    std::atomic<int> wrong{0};
    long bound = count("/items/{item_id}", [&wrong](auto& tick) {
      return [&tick, &wrong](fa::Path<"item_id", int> id, fa::Query<"q", std::optional<std::string>> q) {
        tick();
        if (!(*id == 42 && q && *q == "foo")) ++wrong;
        return fa::PlainTextResponse("ok");
      };
    });
    MESSAGE("allocations over ", measured, " requests: bare ", bare, ", bound ", bound);
    CHECK(wrong == 0);
    CHECK(bound <= bare);
  }
}

}  // namespace params_binding_file

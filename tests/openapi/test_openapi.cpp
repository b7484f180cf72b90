// tests/openapi/test_openapi.cpp: the OpenAPI document through the TestClient, for an app that uses every
// feature (tests/openapi/feature_app.hpp): its exact shape, route naming, the docs pages and their URLs, the
// cached body, the custom validation-error schema. (The npm validator, the FastAPI twin and the browser run
// from scripts/openapi_checks.sh.)
#include <doctest/doctest.h>

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fastapi/app/app.hpp"
#include "fastapi/openapi/docs.hpp"
#include "fastapi/openapi/operation.hpp"
#include "fastapi/openapi/spec.hpp"
#include "fastapi/testing/test_client.hpp"
#include "openapi/feature_app.hpp"
#include "support/log_capture.hpp"

// Everything below is this file's own (the tests are compiled as a unity build).
namespace test_openapi_file {

namespace fa = fastapi;
using fa::Json;

/// True once fa::Dependency carries `describe` (di/scope.hpp): then the route's and the app's `dependencies`
/// show their parameters in the document, as FastAPI's do.
template <class D>
inline constexpr bool describes_dependencies = requires(D d) {
  d.describe;
};
inline constexpr bool route_dependencies_described = describes_dependencies<fa::Dependency>;

Json validation_error_422() {
  return Json::parse(
      R"({"description":"Validation Error","content":{"application/json":{"schema":{"$ref":"#/components/schemas/HTTPValidationError"}}}})");
}

Json success(std::string_view schema) {
  return Json::parse(R"({"description":"Successful Response","content":{"application/json":{"schema":)" +
                     std::string(schema) + "}}}");
}

struct FeatureApp {
  fa::App app{openapi_feature_app::options()};
  explicit FeatureApp(bool problem_details = false) { openapi_feature_app::add_routes(app, problem_details); }
};

/// The feature app's document, fetched once per test through a running app.
Json feature_document(bool problem_details = false) {
  FeatureApp f(problem_details);
  fa::testing::TestClient client{f.app};
  auto r = client.get("/openapi.json");
  REQUIRE(r.status == 200);
  REQUIRE(r.header("content-type") == "application/json");
  return r.json();
}

/// A model whose members carry examples and a deprecation (Pydantic's Field(examples=[...], deprecated=True)).
struct Offer {
  fa::Field<std::string, fa::Rule{.examples = R"(["Foo"])"}> name;
  fa::Field<double, fa::Rule{.description = "The price", .examples = R"([35.4])"}> price;
  fa::Field<std::optional<std::string>, fa::Rule{.deprecated = true}> old_code;
};

/// An app with what FastAPI documents beside a parameter or a body (FastAPI 0.115 with Pydantic 2.13 writes the
/// same): deprecated parameters, examples, openapi_examples, response_description, integer-keyed maps.
Json documented_extras() {
  fa::App app;
  app.get("/offers/",
          [](fa::Query<"q", std::optional<std::string>, fa::Rule{.deprecated = true, .examples = R"(["a", "b"])"}> q,
             fa::Query<"size", int,
                       fa::Rule{.openapi_examples =
                                    R"({"small": {"summary": "A small one", "value": 1}, "big": {"value": 9}})"},
                       1>
                 size) {
            return fa::Json{{"q", *q}, {"size", *size}};
          },
          {.response_description = "The offers"});
  app.put("/offers/{offer_id}",
          [](fa::Path<"offer_id", int>,
             fa::Body<Offer, fa::Rule{.examples = R"([{"name": "Foo", "price": 35.4}])"}> o) { return *o; });
  app.post(
      "/offers/",
      [](fa::Body<Offer,
                  fa::Rule{.openapi_examples =
                               R"({"normal": {"summary": "A normal example", "value": {"name": "Foo", "price": 1}}})"}>
             o) { return *o; },
      {.status_code = fa::status::HTTP_201_CREATED});
  app.post("/pair", [](fa::Embed<"offer", Offer>, fa::Embed<"importance", int, fa::Rule{.examples = "[5]"}>) {});
  app.post("/index-weights/", [](fa::Body<std::map<int, double>> weights) { return *weights; });
  fa::testing::TestClient client{app};
  return client.get("/openapi.json").json();
}

TEST_SUITE("openapi/spec") {
  TEST_CASE("the document lists every included route once per method, in registration order, with info and tags") {
    Json doc = feature_document();
    CHECK(doc["openapi"] == "3.1.0");
    // FastAPI's key order (its Info, Contact, License and Tag models' field order), checked as text
    CHECK(doc["info"].dump() ==
          R"({"title":"Feature App","description":"Every feature of the OpenAPI document.",)"
          R"("termsOfService":"https://example.com/terms/","contact":{"name":"Feature Team",)"
          R"("url":"https://example.com/team","email":"team@example.com"},"license":{"name":"Apache 2.0",)"
          R"("url":"https://www.apache.org/licenses/LICENSE-2.0.html"},"version":"2.5.0"})");
    CHECK(doc["tags"].dump() ==
          R"([{"name":"items","description":"Operations with items.","externalDocs":)"
          R"({"description":"Items external docs","url":"https://example.com/items"}},{"name":"users"}])");
    std::vector<std::string> paths;
    for (const auto& [path, item] : doc["paths"].items()) paths.push_back(path);
    CHECK(paths == std::vector<std::string>{"/",
                                            "/items/{item_id}",
                                            "/models/{model_name}",
                                            "/items/",
                                            "/items/{item_id}/owner",
                                            "/headers",
                                            "/login",
                                            "/upload",
                                            "/token",
                                            "/users/me",
                                            "/users/me/items",
                                            "/users/{username}",
                                            "/secure/bearer",
                                            "/secure/basic",
                                            "/secure/key",
                                            "/secure/query-key",
                                            "/secure/cookie-key",
                                            "/ping",
                                            "/framework",
                                            "/events"});
    // include_in_schema = false, and the docs routes themselves, are not listed.
    CHECK_FALSE(doc["paths"].contains("/internal/metrics"));
    CHECK_FALSE(doc["paths"].contains("/docs"));
    std::vector<std::string> methods;
    for (const auto& [m, op] : doc["paths"]["/items/{item_id}"].items()) methods.push_back(m);
    CHECK(methods == std::vector<std::string>{"get", "put", "delete"});
  }

  TEST_CASE("info's summary and a license by SPDX identifier (OpenAPI 3.1); empty fields are left out") {
    fa::App app{{.title = "T",
                 .version = "1",
                 .summary = "Short.",
                 .contact = {.email = "a@example.com"},
                 .license_info = {.name = "MIT", .identifier = "MIT"}}};
    app.get("/", [] { return "hi"; });
    fa::testing::TestClient client{app};
    Json doc = client.get("/openapi.json").json();
    CHECK(doc["info"].dump() == R"({"title":"T","summary":"Short.","contact":{"email":"a@example.com"},)"
                                R"("license":{"name":"MIT","identifier":"MIT"},"version":"1"})");
    CHECK_FALSE(doc.contains("tags"));
    CHECK_FALSE(doc.contains("servers"));
    fa::App plain;
    plain.get("/", [] { return "hi"; });
    fa::testing::TestClient plain_client{plain};
    CHECK(plain_client.get("/openapi.json").json()["info"].dump() == R"({"title":"FastAPI","version":"0.1.0"})");
  }

  TEST_CASE("a license without a name is a registration mistake, reported by run()") {
    fa::App app{{.license_info = {.url = "https://opensource.org/license/mit"}}};
    app.get("/", [] { return "hi"; });
    CHECK(app.run({.port = 0, .handle_signals = false}) == 1);
    REQUIRE(app.configuration_errors().size() == 1);
    CHECK(app.configuration_errors()[0] ==
          "fastapi: license_info has an identifier or a url but no name (OpenAPI requires one)");
  }

  TEST_CASE("operationId and summary follow FastAPI: the route name (given, or from method and path) + path + method") {
    Json doc = feature_document();
    auto op = [&](const char* path, const char* method) { return doc["paths"][path][method]; };
    CHECK(op("/", "get")["operationId"] == "read_root__get");
    CHECK(op("/", "get")["summary"] == "Read Root");
    CHECK(op("/items/{item_id}", "get")["operationId"] == "read_items_item_id_items__item_id__get");
    CHECK(op("/items/{item_id}", "get")["summary"] == "Read Items Item Id");
    CHECK(op("/models/{model_name}", "get")["operationId"] ==
          "get_model_models__model_name__get");  // RouteOptions::name
    CHECK(op("/models/{model_name}", "get")["summary"] == "Get Model");
    CHECK(op("/items/", "post")["summary"] == "Create an item");  // RouteOptions::summary
    CHECK(op("/items/", "post")["description"] ==
          "Create an item with all the information: name, description, price, tax and tags.");
    CHECK(op("/ping", "get")["operationId"] == "read_ping_ping_get");  // one route, two methods: one id each
    CHECK(op("/ping", "post")["operationId"] == "create_ping_ping_post");
    CHECK(op("/items/{item_id}", "delete")["deprecated"] == true);
    CHECK_FALSE(op("/items/{item_id}", "get").contains("deprecated"));
    CHECK(op("/users/me", "get")["tags"] == Json::array({"users"}));  // from the APIRouter
    CHECK_FALSE(op("/", "get").contains("tags"));
  }

  TEST_CASE("dates, times, durations, UUIDs, sets, tuples, Choice and unions are described as FastAPI describes them") {
    Json doc = feature_document();
    const Json& event = doc["components"]["schemas"]["Event"]["properties"];
    CHECK(event["id"] == Json::parse(R"({"format":"uuid","title":"Id","type":"string"})"));
    CHECK(event["at"] == Json::parse(R"({"format":"date-time","title":"At","type":"string"})"));
    CHECK(event["day"] == Json::parse(R"({"format":"date","title":"Day","type":"string"})"));
    CHECK(event["starts"] == Json::parse(R"({"format":"time","title":"Starts","type":"string"})"));
    CHECK(event["every"] == Json::parse(R"({"format":"duration","title":"Every","type":"string"})"));
    CHECK(event["tags"] ==
          Json::parse(R"({"items":{"type":"string"},"title":"Tags","type":"array","uniqueItems":true})"));
    CHECK(event["pair"] == Json::parse(R"({"maxItems":2,"minItems":2,"prefixItems":[{"type":"integer"},)"
                                       R"({"type":"string"}],"title":"Pair","type":"array"})"));
    CHECK(event["order"] == Json::parse(R"({"enum":["asc","desc"],"title":"Order","type":"string"})"));
    CHECK(event["data"] == Json::parse(R"({"format":"binary","title":"Data","type":"string"})"));
    CHECK(event["kind"] == Json::parse(R"({"discriminator":{"mapping":{"click":"#/components/schemas/Click",)"
                                       R"("key":"#/components/schemas/Key"},"propertyName":"type"},"oneOf":[)"
                                       R"({"$ref":"#/components/schemas/Click"},{"$ref":"#/components/schemas/Key"}],)"
                                       R"("title":"Kind"})"));
    CHECK(event["ref"] == Json::parse(R"({"anyOf":[{"type":"integer"},{"type":"string"}],"title":"Ref"})"));
    CHECK(doc["components"]["schemas"]["Click"]["properties"]["type"] ==
          Json::parse(R"({"const":"click","enum":["click"],"title":"Type","type":"string"})"));
    CHECK(doc["paths"]["/events"]["post"]["parameters"] == Json::parse(R"([
      {"name":"since","in":"query","required":false,"schema":{"anyOf":[{"format":"date","type":"string"},{"type":"null"}],"title":"Since"}},
      {"name":"x-request-id","in":"header","required":false,"schema":{"anyOf":[{"format":"uuid","type":"string"},{"type":"null"}],"title":"X-Request-Id"}}])"));
  }

  TEST_CASE("path, query, header and cookie parameters carry required, their Rules, defaults and titles") {
    Json doc = feature_document();
    CHECK(doc["paths"]["/items/{item_id}"]["get"]["parameters"] == Json::parse(R"([
      {"name":"item_id","in":"path","required":true,"schema":{"minimum":1,"title":"The ID of the item","type":"integer"}},
      {"name":"q","in":"query","required":false,"schema":{"anyOf":[{"maxLength":50,"type":"string"},{"type":"null"}],"title":"Q"}},
      {"name":"short","in":"query","required":false,"schema":{"default":false,"title":"Short","type":"boolean"}}])"));
    // Own parameters first, then the dependency's (FastAPI's flattening); an alias is the wire name.
    CHECK(doc["paths"]["/items/"]["get"]["parameters"] == Json::parse(R"([
      {"name":"tag","in":"query","required":false,"schema":{"anyOf":[{"items":{"type":"string"},"type":"array"},{"type":"null"}],"title":"Tag"}},
      {"name":"item-query","in":"query","required":false,"schema":{"anyOf":[{"pattern":"^[a-z]+$","type":"string"},{"type":"null"}],"title":"Item-Query"}},
      {"name":"size","in":"query","required":false,"schema":{"default":1.5,"exclusiveMaximum":10.5,"exclusiveMinimum":0,"title":"Size","type":"number"}},
      {"name":"skip","in":"query","required":false,"schema":{"default":0,"title":"Skip","type":"integer"}},
      {"name":"limit","in":"query","required":false,"schema":{"default":100,"maximum":100,"title":"Limit","type":"integer"}}])"));
    CHECK(doc["paths"]["/headers"]["get"]["parameters"] == Json::parse(R"([
      {"name":"user-agent","in":"header","required":false,"schema":{"anyOf":[{"type":"string"},{"type":"null"}],"title":"User-Agent"}},
      {"name":"x-count","in":"header","required":false,"schema":{"default":0,"minimum":0,"title":"X-Count","type":"integer"}},
      {"name":"ads_id","in":"cookie","required":false,"schema":{"anyOf":[{"type":"string"},{"type":"null"}],"title":"Ads Id"}}])"));
    // An enum is a component, referenced; a yield dependency's cookie joins the route's parameters.
    CHECK(doc["paths"]["/models/{model_name}"]["get"]["parameters"][0]["schema"] ==
          Json::parse(R"({"$ref":"#/components/schemas/ModelName"})"));
    CHECK(doc["components"]["schemas"]["ModelName"] ==
          Json::parse(R"({"enum":["alexnet","resnet","lenet"],"title":"ModelName","type":"string"})"));
    CHECK(
        doc["paths"]["/users/{username}"]["get"]["parameters"][1] ==
        Json::parse(
            R"({"name":"session_id","in":"cookie","required":false,"schema":{"anyOf":[{"type":"string"},{"type":"null"}],"title":"Session Id"}})"));
    // Framework parameters (Request&, BackgroundTasks&, State<T>) are not parameters of the operation.
    CHECK_FALSE(doc["paths"]["/framework"]["get"].contains("parameters"));
  }

  TEST_CASE("request bodies: a model by $ref, embedded bodies and forms in a Body_<operationId> model") {
    Json doc = feature_document();
    const Json& schemas = doc["components"]["schemas"];
    CHECK(doc["paths"]["/items/"]["post"]["requestBody"] ==
          Json::parse(
              R"({"content":{"application/json":{"schema":{"$ref":"#/components/schemas/Item"}}},"required":true})"));
    CHECK(schemas["Item"] == Json::parse(R"({"properties":{
      "name":{"maxLength":50,"minLength":1,"title":"Name","type":"string"},
      "description":{"anyOf":[{"type":"string"},{"type":"null"}],"default":null,"title":"Description"},
      "price":{"exclusiveMinimum":0,"title":"Price","type":"number"},
      "tax":{"anyOf":[{"type":"number"},{"type":"null"}],"default":null,"title":"Tax"},
      "tags":{"default":[],"items":{"type":"string"},"title":"Tags","type":"array"},
      "image":{"anyOf":[{"$ref":"#/components/schemas/Image"},{"type":"null"}],"default":null}},
      "required":["name","price"],"title":"Item","type":"object"})"));
    CHECK(
        doc["paths"]["/items/{item_id}"]["put"]["requestBody"] ==
        Json::parse(
            R"({"content":{"application/json":{"schema":{"$ref":"#/components/schemas/Body_update_items_item_id_items__item_id__put"}}},"required":true})"));
    CHECK(schemas["Body_update_items_item_id_items__item_id__put"] == Json::parse(R"({"properties":{
      "item":{"$ref":"#/components/schemas/Item"},"user":{"$ref":"#/components/schemas/User"},
      "importance":{"title":"Importance","type":"integer"}},
      "required":["item","user","importance"],"title":"Body_update_items_item_id_items__item_id__put","type":"object"})"));
    CHECK(
        doc["paths"]["/login"]["post"]["requestBody"] ==
        Json::parse(
            R"({"content":{"application/x-www-form-urlencoded":{"schema":{"$ref":"#/components/schemas/Body_create_login_login_post"}}},"required":true})"));
    CHECK(schemas["Body_create_login_login_post"] == Json::parse(R"({"properties":{
      "username":{"title":"Username","type":"string"},"password":{"minLength":8,"title":"Password","type":"string"}},
      "required":["username","password"],"title":"Body_create_login_login_post","type":"object"})"));
    // Files: multipart/form-data, binary strings (an array for a vector; an optional one not required).
    CHECK(
        doc["paths"]["/upload"]["post"]["requestBody"] ==
        Json::parse(
            R"({"content":{"multipart/form-data":{"schema":{"$ref":"#/components/schemas/Body_upload_file_upload_post"}}},"required":true})"));
    CHECK(schemas["Body_upload_file_upload_post"] == Json::parse(R"({"properties":{
      "file":{"format":"binary","title":"File","type":"string"},
      "attachments":{"items":{"format":"binary","type":"string"},"title":"Attachments","type":"array"},
      "thumbnail":{"format":"binary","title":"Thumbnail","type":"string"},"note":{"title":"Note","type":"string"}},
      "required":["file","attachments","note"],"title":"Body_upload_file_upload_post","type":"object"})"));
    CHECK(schemas["Body_login_for_access_token_token_post"]["required"] == Json::array({"username", "password"}));
    CHECK(schemas["Body_login_for_access_token_token_post"]["properties"]["grant_type"] ==
          Json::parse(R"({"anyOf":[{"pattern":"^password$","type":"string"},{"type":"null"}],"title":"Grant Type"})"));
    CHECK_FALSE(doc["paths"]["/"]["get"].contains("requestBody"));
  }

  TEST_CASE("deprecated parameters, examples, openapi_examples and response_description are written as FastAPI's") {
    Json doc = documented_extras();
    // Query(deprecated=True, examples=[...]): the Parameter says deprecated; its schema too (Pydantic >= 2.10),
    // with the examples. Query(openapi_examples={...}): the Parameter's "examples", in the order given.
    CHECK(doc["paths"]["/offers/"]["get"]["parameters"] == Json::parse(R"([
      {"name":"q","in":"query","required":false,"deprecated":true,
       "schema":{"anyOf":[{"type":"string"},{"type":"null"}],"deprecated":true,"examples":["a","b"],"title":"Q"}},
      {"name":"size","in":"query","required":false,"schema":{"default":1,"title":"Size","type":"integer"},
       "examples":{"small":{"summary":"A small one","value":1},"big":{"value":9}}}])"));
    CHECK(doc["paths"]["/offers/"]["get"]["parameters"][1]["examples"].dump() ==
          R"({"small":{"summary":"A small one","value":1},"big":{"value":9}})");
    CHECK(doc["paths"]["/offers/"]["get"]["responses"]["200"]["description"] == "The offers");
    CHECK(doc["paths"]["/offers/"]["post"]["responses"]["201"]["description"] == "Successful Response");
    // Body(examples=[...]) sits beside the $ref; Body(openapi_examples={...}) in the media type.
    CHECK(doc["paths"]["/offers/{offer_id}"]["put"]["requestBody"] == Json::parse(R"({"content":{"application/json":
      {"schema":{"$ref":"#/components/schemas/Offer","examples":[{"name":"Foo","price":35.4}]}}},"required":true})"));
    CHECK(doc["paths"]["/offers/"]["post"]["requestBody"] == Json::parse(R"({"content":{"application/json":
      {"schema":{"$ref":"#/components/schemas/Offer"},
       "examples":{"normal":{"summary":"A normal example","value":{"name":"Foo","price":1}}}}},"required":true})"));
    // Field(examples=[...], deprecated=True) on members, as Pydantic writes them.
    CHECK(doc["components"]["schemas"]["Offer"] == Json::parse(R"({"properties":{
      "name":{"examples":["Foo"],"title":"Name","type":"string"},
      "price":{"description":"The price","examples":[35.4],"title":"Price","type":"number"},
      "old_code":{"anyOf":[{"type":"string"},{"type":"null"}],"default":null,"deprecated":true,"title":"Old Code"}},
      "required":["name","price"],"title":"Offer","type":"object"})"));
    // An embedded body's examples are in its property of the Body_ model.
    CHECK(doc["components"]["schemas"]["Body_create_pair_pair_post"]["properties"]["importance"] ==
          Json::parse(R"({"examples":[5],"title":"Importance","type":"integer"})"));
    // dict[int, float]: Pydantic describes it as any dict of numbers.
    CHECK(doc["paths"]["/index-weights/"]["post"]["requestBody"]["content"]["application/json"]["schema"] ==
          Json::parse(R"({"additionalProperties":{"type":"number"},"type":"object"})"));
  }

  TEST_CASE("responses: the declared status with the model (return type or response_model), extra responses, 422") {
    Json doc = feature_document();
    auto responses = [&](const char* path, const char* method) { return doc["paths"][path][method]["responses"]; };
    CHECK(responses("/", "get") ==
          Json::parse(R"({"200":{"description":"Successful Response","content":{"application/json":{"schema":{}}}}})"));
    CHECK(responses("/items/", "post")["201"] == success(R"({"$ref":"#/components/schemas/ItemOut"})"));
    CHECK(responses("/items/", "post")["422"] == validation_error_422());
    CHECK(
        responses("/items/", "get")["200"] ==
        success(
            R"({"items":{"$ref":"#/components/schemas/ItemOut"},"title":"Response List Items Items  Get","type":"array"})"));
    // 204: no body; the route can still fail validation (its path parameter).
    CHECK(responses("/items/{item_id}", "delete") ==
          Json::object({{"204", Json{{"description", "Successful Response"}}}, {"422", validation_error_422()}}));
    // response_model wins over the return type (fa::Json); extra responses with and without a model.
    CHECK(
        responses("/items/{item_id}/owner", "get") ==
        Json::object(
            {{"200", success(R"({"$ref":"#/components/schemas/User"})")},
             {"403", Json{{"description", "Forbidden"}}},
             {"404",
              Json::parse(
                  R"({"description":"Item not found","content":{"application/json":{"schema":{"$ref":"#/components/schemas/Message"}}}})")},
             {"422", validation_error_422()}}));
    // The router's responses; no parameter and no body: no 422.
    CHECK(responses("/users/me", "get") == Json::object({{"200", success(R"({"$ref":"#/components/schemas/User"})")},
                                                         {"404", Json{{"description", "Not found"}}}}));
    CHECK(
        responses("/ping", "post")["200"] ==
        Json::parse(R"({"description":"Successful Response","content":{"text/plain":{"schema":{"type":"string"}}}})"));
  }

  TEST_CASE("components: each model once, sorted, with the validation errors; the security schemes used") {
    Json doc = feature_document();
    std::vector<std::string> names;
    for (const auto& [name, schema] : doc["components"]["schemas"].items()) names.push_back(name);
    CHECK(names == std::vector<std::string>{"Body_create_login_login_post", "Body_login_for_access_token_token_post",
                                            "Body_update_items_item_id_items__item_id__put",
                                            "Body_upload_file_upload_post", "Click", "Event", "HTTPValidationError",
                                            "Image", "Item", "ItemOut", "Key", "Message", "ModelName", "Token", "User",
                                            "ValidationError"});
    CHECK(doc["components"]["schemas"]["HTTPValidationError"] == Json::parse(R"({"properties":{"detail":{
      "items":{"$ref":"#/components/schemas/ValidationError"},"title":"Detail","type":"array"}},"title":"HTTPValidationError","type":"object"})"));
    CHECK(doc["components"]["schemas"]["ValidationError"]["required"] == Json::array({"loc", "msg", "type"}));
    CHECK(doc["components"]["securitySchemes"] == Json::parse(R"({
      "OAuth2PasswordBearer":{"type":"oauth2","flows":{"password":{"scopes":{
        "me":"Read information about the current user.","items":"Read items."},"tokenUrl":"token"}}},
      "HTTPBearer":{"type":"http","scheme":"bearer"},"HTTPBasic":{"type":"http","scheme":"basic"},
      "APIKeyHeader":{"type":"apiKey","in":"header","name":"X-API-Key"},
      "APIKeyQuery":{"type":"apiKey","in":"query","name":"api_key"},
      "APIKeyCookie":{"type":"apiKey","in":"cookie","name":"session"}})"));
    CHECK(doc["paths"]["/users/me"]["get"]["security"] == Json::parse(R"([{"OAuth2PasswordBearer":[]}])"));
    CHECK(doc["paths"]["/users/me/items"]["get"]["security"] ==
          Json::parse(R"([{"OAuth2PasswordBearer":["items","me"]}])"));  // fa::Security's scopes, handler's first
    CHECK(doc["paths"]["/secure/key"]["get"]["security"] == Json::parse(R"([{"APIKeyHeader":[]}])"));
    CHECK_FALSE(doc["paths"]["/"]["get"].contains("security"));
  }

  TEST_CASE("a router's dependencies show their parameters in each of its operations") {
    Json doc = feature_document();
    const Json& op = doc["paths"]["/secure/bearer"]["get"];
    if constexpr (route_dependencies_described) {
      CHECK(op["parameters"] ==
            Json::parse(
                R"([{"name":"x-token","in":"header","required":true,"schema":{"title":"X-Token","type":"string"}}])"));
      CHECK(op["responses"]["422"] == validation_error_422());
    } else {
      MESSAGE("fa::Dependency has no describe member yet (di/scope.hpp): route dependencies are not described");
      CHECK_FALSE(op.contains("parameters"));
    }
  }

  TEST_CASE("a custom validation-error handler's schema replaces HTTPValidationError in every 422") {
    FeatureApp f(true);
    fa::testing::TestClient client{f.app};
    Json doc = client.get("/openapi.json").json();
    const Json& schemas = doc["components"]["schemas"];
    CHECK(
        doc["paths"]["/items/"]["post"]["responses"]["422"] ==
        Json::parse(
            R"({"description":"Validation Error","content":{"application/json":{"schema":{"$ref":"#/components/schemas/Problem"}}}})"));
    CHECK_FALSE(schemas.contains("HTTPValidationError"));
    CHECK_FALSE(schemas.contains("ValidationError"));
    CHECK(schemas["Problem"] == Json::parse(R"({"properties":{"title":{"title":"Title","type":"string"},
      "status":{"title":"Status","type":"integer"},"errors":{"items":{"$ref":"#/components/schemas/ProblemError"},"title":"Errors","type":"array"}},
      "required":["title","status","errors"],"title":"Problem","type":"object"})"));
    CHECK(schemas.contains("ProblemError"));
    // And the 422 the app sends has that shape.
    auto r = client.get("/items/0");
    CHECK(r.status == 422);
    CHECK(r.json() == Json::parse(R"({"title":"Your request parameters didn't validate.","status":422,
      "errors":[{"field":"path.item_id","message":"Input should be greater than or equal to 1"}]})"));
  }

  TEST_CASE(
      "get_openapi works on any routes: one scheme name for two definitions is split, response_model of a list is titled") {
    fa::App app;
    app.get("/a", [](fa::APIKeyHeader<"X-A"> key) { return *key; });
    app.get("/b", [](fa::APIKeyHeader<"X-B"> key) { return *key; });
    app.get("/c", [] { return fa::Json::array({}); },
            {.response_model = fa::response_model<std::vector<openapi_feature_app::User>>});
    app.get("/d/{rest:path}", [](fa::Path<"rest", std::string> rest) { return *rest; });
    Json doc = fa::get_openapi({.title = "T", .version = "1", .routes = app.routes()});
    CHECK(doc["paths"]["/a"]["get"]["security"] == Json::parse(R"([{"APIKeyHeader":[]}])"));
    CHECK(doc["paths"]["/b"]["get"]["security"] == Json::parse(R"([{"APIKeyHeader_2":[]}])"));
    CHECK(doc["components"]["securitySchemes"]["APIKeyHeader_2"]["name"] == "X-B");
    CHECK(doc["paths"]["/c"]["get"]["responses"]["200"] ==
          success(R"({"items":{"$ref":"#/components/schemas/User"},"title":"Response Read C C Get","type":"array"})"));
    CHECK(doc["components"]["schemas"].contains("User"));
    CHECK(doc["paths"].contains("/d/{rest}"));  // {name:path} is written {name}
    CHECK(doc["paths"]["/d/{rest}"]["get"]["operationId"] == "read_d_rest_d__rest__get");
    CHECK_FALSE(doc.contains("tags"));
    CHECK_FALSE(doc["info"].contains("description"));
  }

  TEST_CASE("route names without RouteOptions::name, and operationIds, as documented") {
    using fa::Method;
    CHECK(fa::detail::default_route_name(Method::get, "/") == "read_root");
    CHECK(fa::detail::default_route_name(Method::get, "/users/{user_id}") == "read_users_user_id");
    CHECK(fa::detail::default_route_name(Method::post, "/token") == "create_token");
    CHECK(fa::detail::default_route_name(Method::put, "/items/{id}") == "update_items_id");
    CHECK(fa::detail::default_route_name(Method::patch, "/items/{id}") == "patch_items_id");
    CHECK(fa::detail::default_route_name(Method::del, "/a-b/c.d") == "delete_a_b_c_d");
    CHECK(fa::detail::default_route_name(Method::get, "/files/{rest:path}") == "read_files_rest");
    CHECK(fa::detail::operation_id("read_item", "/items/{item_id}", Method::get) == "read_item_items__item_id__get");
    CHECK(fa::detail::operation_id("x", "/", Method::options) == "x__options");
    CHECK(fa::detail::path_format("/a/{b}/{c:path}") == "/a/{b}/{c}");
  }

  TEST_CASE("two operations with the same operationId are logged, as FastAPI warns") {
    fa::App app;
    app.logger().set_level(fa::LogLevel::debug);
    test_support::LogCapture log(app);
    app.get("/x", [] { return "1"; }, {.name = "same"});
    app.get("/x/", [] { return "2"; }, {.name = "same"});  // same_x_get and same_x__get: different
    app.post("/x", [] { return "3"; }, {.name = "same"});  // same_x_post: different
    app.get("/b_c", [] { return "4"; }, {.name = "a"});    // a_b_c_get ...
    app.get("/c", [] { return "5"; }, {.name = "a_b"});    // ... and a_b_c_get again
    fa::testing::TestClient client{app};
    CHECK(log.count("openapi: duplicate operationId a_b_c_get (route GET /c)") == 1);
    CHECK(log.count("duplicate operationId") == 1);
  }
}

TEST_SUITE("openapi/docs") {
  TEST_CASE("/docs, /redoc and /docs/oauth2-redirect are served as HTML, pointing at the CDN and /openapi.json") {
    FeatureApp f;
    fa::testing::TestClient client{f.app};
    auto docs = client.get("/docs");
    CHECK(docs.status == 200);
    CHECK(docs.header("content-type") == "text/html; charset=utf-8");
    CHECK(docs.text.find("<title>Feature App - Swagger UI</title>") != std::string::npos);
    CHECK(docs.text.find(R"(src="https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui-bundle.js")") !=
          std::string::npos);
    CHECK(docs.text.find(R"(href="https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui.css")") !=
          std::string::npos);
    CHECK(docs.text.find(R"(url: "/openapi.json",)") != std::string::npos);
    CHECK(docs.text.find(R"(oauth2RedirectUrl: window.location.origin + "/docs/oauth2-redirect",)") !=
          std::string::npos);
    auto redoc = client.get("/redoc");
    CHECK(redoc.status == 200);
    CHECK(redoc.header("content-type") == "text/html; charset=utf-8");
    CHECK(redoc.text.find(R"(<redoc spec-url="/openapi.json"></redoc>)") != std::string::npos);
    CHECK(redoc.text.find(R"(src="https://cdn.jsdelivr.net/npm/redoc@2/bundles/redoc.standalone.js")") !=
          std::string::npos);
    CHECK(redoc.text.find("fonts.googleapis.com") != std::string::npos);
    auto redirect = client.get("/docs/oauth2-redirect");
    CHECK(redirect.status == 200);
    CHECK(redirect.text.find("window.opener.swaggerUIRedirectOauth2") != std::string::npos);
  }

  TEST_CASE("the URLs and assets are configurable, and an empty URL turns its page off") {
    fa::App app{{.title = "A <b>&</b>",
                 .openapi_url = "/api/v1/openapi.json",
                 .docs_url = "/api/docs",
                 .redoc_url = "",
                 .swagger_ui_oauth2_redirect_url = "",
                 .docs_assets = {.swagger_js_url = "/static/sw.js",
                                 .swagger_css_url = "/static/sw.css",
                                 .swagger_favicon_url = "/static/f.png"}}};
    app.get("/", [] { return "hi"; });
    fa::testing::TestClient client{app};
    CHECK(client.get("/api/v1/openapi.json").json()["info"]["title"] == "A <b>&</b>");
    auto docs = client.get("/api/docs");
    CHECK(docs.status == 200);
    CHECK(docs.text.find(R"(url: "/api/v1/openapi.json",)") != std::string::npos);
    CHECK(docs.text.find(R"(<script src="/static/sw.js"></script>)") != std::string::npos);
    CHECK(docs.text.find(R"(href="/static/sw.css")") != std::string::npos);
    CHECK(docs.text.find("<title>A &lt;b&gt;&amp;&lt;/b&gt; - Swagger UI</title>") != std::string::npos);
    CHECK(docs.text.find("oauth2RedirectUrl") == std::string::npos);
    CHECK(client.get("/openapi.json").status == 404);
    CHECK(client.get("/docs").status == 404);
    CHECK(client.get("/redoc").status == 404);
    CHECK(client.get("/docs/oauth2-redirect").status == 404);
  }

  TEST_CASE("an empty openapi_url turns the document and every docs page off") {
    fa::App app{{.openapi_url = ""}};
    app.get("/", [] { return "hi"; });
    fa::testing::TestClient client{app};
    CHECK(client.get("/openapi.json").status == 404);
    CHECK(client.get("/docs").status == 404);
    CHECK(client.get("/redoc").status == 404);
    CHECK(client.get("/docs/oauth2-redirect").status == 404);
    CHECK(app.routes().size() == 1);
  }

  TEST_CASE(
      "the document is built once when the app starts and served from that body; a second run registers nothing twice") {
    FeatureApp f;
    f.app.logger().set_level(fa::LogLevel::debug);
    test_support::LogCapture log(f.app);
    std::string first;
    {
      fa::testing::TestClient client{f.app};
      first = client.get("/openapi.json").text;
      CHECK(client.get("/openapi.json").text == first);
      CHECK(client.get("/openapi.json").text == first);
      CHECK(log.count("openapi: built the document served at /openapi.json") == 1);
    }
    const std::size_t routes = f.app.routes().size();
    fa::testing::TestClient again{f.app};  // run() again: the routes are there already
    CHECK(f.app.routes().size() == routes);
    CHECK(again.get("/openapi.json").text == first);
    CHECK(again.get("/docs").status == 200);
    CHECK(log.count("openapi: built the document served at /openapi.json") == 2);
  }

  TEST_CASE("a route of the app's own at /docs is served instead of Swagger UI") {
    fa::App app;
    app.get("/docs", [] { return "my own docs"; });
    fa::testing::TestClient client{app};
    auto r = client.get("/docs");
    CHECK(r.status == 200);
    CHECK(r.text == "my own docs");
    CHECK(client.get("/redoc").status == 200);
    CHECK(client.get("/openapi.json").json()["paths"]["/docs"]["get"]["operationId"] == "read_docs_docs_get");
  }

  TEST_CASE("the page builders escape what they insert") {
    auto page = fa::get_swagger_ui_html("/x.json?a=</script>", "T\"", {.swagger_js_url = "/s.js?a=1&b=2"});
    CHECK(page.body.find("a=</script>") == std::string::npos);
    CHECK(page.body.find(R"(url: "/x.json?a=\u003c/script>",)") != std::string::npos);
    CHECK(page.body.find(R"(<title>T&quot;</title>)") != std::string::npos);
    CHECK(page.body.find(R"(src="/s.js?a=1&amp;b=2")") != std::string::npos);
    auto redoc = fa::get_redoc_html("/o.json", "R", {.redoc_google_fonts = false});
    CHECK(redoc.body.find("fonts.googleapis.com") == std::string::npos);
  }
}

}  // namespace test_openapi_file

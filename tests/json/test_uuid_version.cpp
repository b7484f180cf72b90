// tests/json/test_uuid_version.cpp: fa::UUID4 and its siblings (json/uuid.hpp's fa::UUIDv<V>, Pydantic v2's UUID1 ...
// UUID8) through the TestClient: a UUID of the right version passes in a body and a query parameter, another
// version (or the nil UUID, or a non-RFC 9562 variant) is pydantic-core's 422 uuid_version, unparseable text stays
// uuid_parsing, and OpenAPI says format uuid4. (Pydantic v2 is not installed here: the cases are pydantic-core's own
// test_uuid_version table.)
#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <vector>

#include "fastapi/app/app.hpp"
#include "fastapi/json/uuid.hpp"
#include "fastapi/testing/test_client.hpp"

// Everything below is this file's own (the tests are compiled as a unity build).
namespace uuid_version_file {

namespace fa = fastapi;

struct Order {
  fa::UUID4 id;
  std::optional<fa::UUID7> trace;
};

void add_routes(fa::App& app) {
  app.post("/orders", [](Order order) {
    return fa::Json{{"id", order.id.to_string()},
                    {"trace", order.trace ? fa::Json(order.trace->to_string()) : nullptr}};
  });
  app.get("/v/{id}", [](fa::Path<"id", fa::UUID1> id, fa::Query<"also", std::optional<fa::UUID5>> also) {
    return id->to_string() + (*also ? " " + (*also)->to_string() : std::string());
  });
}

TEST_SUITE("json/uuid") {
  TEST_CASE("fa::UUID4 in a body: a version 4 passes; another version is a 422 uuid_version with pydantic's words") {
    fa::App app;
    add_routes(app);
    fa::testing::TestClient client{app};
    auto r = client.post("/orders", {.json = fa::Json{{"id", "F47AC10B-58CC-4372-A567-0E02B2C3D479"},
                                                      {"trace", "0190163d-8694-739b-aea5-966c26f8ad91"}}});
    CHECK(r.status == 200);
    CHECK(r.text == R"({"id":"f47ac10b-58cc-4372-a567-0e02b2c3d479","trace":"0190163d-8694-739b-aea5-966c26f8ad91"})");

    // pydantic-core's table: version 3 and the nil-variant 4 are not UUID4; a version 1 is not UUID7.
    r = client.post("/orders", {.json = fa::Json{{"id", "04e4aeb3-8f20-30d0-8852-d295e1265eed"},
                                                 {"trace", "a6cc5730-2261-11ee-9c43-2eb5a363657c"}}});
    CHECK(r.status == 422);
    CHECK(r.text == R"({"detail":[{"type":"uuid_version","loc":["body","id"],"msg":"UUID version 4 expected",)"
                    R"("input":"04e4aeb3-8f20-30d0-8852-d295e1265eed","ctx":{"expected_version":4}},)"
                    R"({"type":"uuid_version","loc":["body","trace"],"msg":"UUID version 7 expected",)"
                    R"("input":"a6cc5730-2261-11ee-9c43-2eb5a363657c","ctx":{"expected_version":7}}]})");
    for (const char* not_v4 : {"00000000-0000-4000-0000-000000000000", "00000000-0000-0000-0000-000000000000",
                               "00000000-7fff-4000-7fff-000000000000", "a6cc5730-2261-11ee-9c43-2eb5a363657c"}) {
      r = client.post("/orders", {.json = fa::Json{{"id", not_v4}}});
      CHECK(r.status == 422);
      CHECK(r.json()["detail"][0]["type"] == "uuid_version");
    }
    // Not a UUID at all: still uuid_parsing / uuid_type, before any version is looked at.
    r = client.post("/orders", {.json = fa::Json{{"id", "abc"}}});
    CHECK(r.json()["detail"][0]["type"] == "uuid_parsing");
    r = client.post("/orders", {.json = fa::Json{{"id", 4}}});
    CHECK(r.json()["detail"][0]["type"] == "uuid_type");
  }

  TEST_CASE("fa::UUID1 / fa::UUID5 as path and query parameters: the same check, located in the path or query") {
    fa::App app;
    add_routes(app);
    fa::testing::TestClient client{app};
    auto r = client.get("/v/a6cc5730-2261-11ee-9c43-2eb5a363657c",
                        {.params = {{"also", "c4a760a8-dbcf-5254-a0d9-6a4474bd1b62"}}});
    CHECK(r.status == 200);
    CHECK(r.text == "a6cc5730-2261-11ee-9c43-2eb5a363657c c4a760a8-dbcf-5254-a0d9-6a4474bd1b62");
    r = client.get("/v/08ed0736-fb95-5cc5-85ed-37e4f3df9b29",
                   {.params = {{"also", "0e7ac198-9acd-4c0c-b4b4-761974bf71d7"}}});
    CHECK(r.status == 422);
    CHECK(r.text == R"({"detail":[{"type":"uuid_version","loc":["path","id"],"msg":"UUID version 1 expected",)"
                    R"("input":"08ed0736-fb95-5cc5-85ed-37e4f3df9b29","ctx":{"expected_version":1}},)"
                    R"({"type":"uuid_version","loc":["query","also"],"msg":"UUID version 5 expected",)"
                    R"("input":"0e7ac198-9acd-4c0c-b4b4-761974bf71d7","ctx":{"expected_version":5}}]})");
  }

  TEST_CASE("OpenAPI describes fa::UUID4 as Pydantic's UUID4: format uuid4") {
    fa::App app;
    add_routes(app);
    fa::testing::TestClient client{app};
    fa::Json doc = client.get("/openapi.json").json();
    CHECK(doc["components"]["schemas"]["Order"]["properties"]["id"].dump() ==
          R"({"format":"uuid4","title":"Id","type":"string"})");
    CHECK(doc["paths"]["/v/{id}"]["get"]["parameters"][0]["schema"].dump() ==
          R"({"format":"uuid1","title":"Id","type":"string"})");
    static_assert(fa::UUID4().version() == 0);  // a default one is the nil UUID, as fa::UUID
  }
}

}  // namespace uuid_version_file

// tests/tutorial/test_20_json_compatible_encoder.cpp: what docs/tutorial/20_json_compatible_encoder.md says,
// checked on its example.
#include <doctest/doctest.h>

#define TUTORIAL_NO_MAIN  // the example's own main() stays out: this file drives its app
#include "../../examples/tutorial/20_json_compatible_encoder.cpp"
#include "fastapi/testing/test_client.hpp"

namespace json_compatible_encoder {

TEST_SUITE("tutorial/20_json_compatible_encoder") {
  TEST_CASE("the model is stored as plain JSON: the datetime a string, the empty optional a null") {
    fa::App app;
    build(app);
    fa::testing::TestClient client{app};
    fake_db.clear();
    auto r = client.put("/items/foo", {.json = fa::Json{{"title", "Foo"}, {"timestamp", "2032-04-23T10:20:30+02:00"}}});
    CHECK(r.status == 200);
    CHECK(r.text == "null");
    REQUIRE(fake_db.count("foo") == 1);
    const fa::Json& stored = fake_db["foo"];
    CHECK(stored["timestamp"].is_string());
    CHECK(stored.dump() == R"({"title":"Foo","timestamp":"2032-04-23T08:20:30Z","description":null})");
    CHECK(client.get("/items/foo").text == stored.dump());
    CHECK(client.get("/items/bar").status == 404);
  }

  TEST_CASE("to_json and to_json_string give the same JSON") {
    Item item{"Bar", std::chrono::sys_days{std::chrono::year{2032} / 4 / 23}, "the bartenders"};
    fa::Json json = fa::to_json(item);
    CHECK(json["timestamp"].as_string() == "2032-04-23T00:00:00Z");
    CHECK(fa::to_json_string(item) == json.dump());
    CHECK(fa::to_json_string(item) ==
          R"({"title":"Bar","timestamp":"2032-04-23T00:00:00Z","description":"the bartenders"})");
  }
}

}  // namespace json_compatible_encoder

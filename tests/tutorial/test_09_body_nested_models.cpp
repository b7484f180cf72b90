// tests/tutorial/test_09_body_nested_models.cpp: what docs/tutorial/09_body_nested_models.md says, checked on its
// example.
#include <doctest/doctest.h>

#define TUTORIAL_NO_MAIN  // the example's own main() stays out: this file drives its app
#include "../../examples/tutorial/09_body_nested_models.cpp"
#include "fastapi/testing/test_client.hpp"

TEST_SUITE("tutorial/09_body_nested_models") {
  TEST_CASE("a nested model, a list of models and a set are read and written back") {
    fa::App app;
    body_nested_models::build(app);
    fa::testing::TestClient client{app};
    auto body = fa::Json::parse(R"({"name":"Foo","price":42,"tags":["rock","metal","rock"],)"
                                R"("images":[{"url":"https://example.com/baz.jpg","name":"The Foo live"}]})");
    auto r = client.put("/items/5", {.json = body});
    CHECK(r.status == 200);
    CHECK(r.text ==
          R"({"item_id":5,"item":{"name":"Foo","description":null,"price":42.0,"tax":null,)"
          R"("tags":["metal","rock"],"images":[{"url":"https://example.com/baz.jpg","name":"The Foo live"}]}})");
    auto minimal = client.put("/items/5", {.json = fa::Json{{"name", "Foo"}, {"price", 1}}});
    CHECK(minimal.json()["item"]["tags"].dump() == "[]");
    CHECK(minimal.json()["item"]["images"].is_null());
  }

  TEST_CASE("an image's URL is Pydantic's HttpUrl: normalized, and refused in the url crate's words") {
    fa::App app;
    body_nested_models::build(app);
    fa::testing::TestClient client{app};
    auto r = client.post("/images/multiple/",
                         {.json = fa::Json::parse(R"([{"url":"HTTPS://Example.COM:443/a b","name":"x"}])")});
    CHECK(r.text == R"([{"url":"https://example.com/a%20b","name":"x"}])");
    r = client.post("/images/multiple/", {.json = fa::Json::parse(R"([{"url":"example.com","name":"x"},)"
                                                                  R"({"url":"http://host:99999","name":"y"}])")});
    CHECK(r.status == 422);
    CHECK(r.text == R"({"detail":[{"type":"url_parsing","loc":["body",0,"url"],)"
                    R"("msg":"Input should be a valid URL, relative URL without a base","input":"example.com",)"
                    R"("ctx":{"error":"relative URL without a base"}},)"
                    R"({"type":"url_parsing","loc":["body",1,"url"],)"
                    R"("msg":"Input should be a valid URL, invalid port number","input":"http://host:99999",)"
                    R"("ctx":{"error":"invalid port number"}}]})");
  }

  TEST_CASE("an error deep inside is located by its whole path") {
    fa::App app;
    body_nested_models::build(app);
    fa::testing::TestClient client{app};
    auto body = fa::Json::parse(R"({"name":"Foo","price":42,"images":[{"url":"https://a/b.jpg","name":"ok"},)"
                                R"({"url":"ftp://a/b.jpg"}]})");
    auto r = client.put("/items/5", {.json = body});
    CHECK(r.status == 422);
    CHECK(r.text == R"({"detail":[{"type":"url_scheme","loc":["body","images",1,"url"],)"
                    R"("msg":"URL scheme should be 'http' or 'https'","input":"ftp://a/b.jpg",)"
                    R"("ctx":{"expected_schemes":"'http' or 'https'"}},)"
                    R"({"type":"missing","loc":["body","images",1,"name"],"msg":"Field required",)"
                    R"("input":{"url":"ftp://a/b.jpg"}}]})");
  }

  TEST_CASE("a body may be a list of models, or a map") {
    fa::App app;
    body_nested_models::build(app);
    fa::testing::TestClient client{app};
    auto images = fa::Json::parse(R"([{"url":"https://a/1.jpg","name":"one"},{"url":"https://a/2.jpg","name":"two"}])");
    CHECK(client.post("/images/multiple/", {.json = images}).text == images.dump());
    CHECK(client.post("/index-weights/", {.json = fa::Json{{"1", 0.5}, {"2", 1.5}}}).text == R"({"1":0.5,"2":1.5})");
    auto bad = client.post("/index-weights/", {.json = fa::Json{{"1", "heavy"}}});
    CHECK(bad.status == 422);
    CHECK(bad.json()["detail"][0]["loc"].dump() == R"(["body","1"])");
    auto bad_key = client.post("/index-weights/", {.json = fa::Json{{"x", 0.5}}});  // dict[int, float]: "x" is no int
    CHECK(bad_key.text ==
          R"({"detail":[{"type":"int_parsing","loc":["body","x","[key]"],"msg":"Input should be a valid integer, )"
          R"(unable to parse string as an integer","input":"x"}]})");
  }
}

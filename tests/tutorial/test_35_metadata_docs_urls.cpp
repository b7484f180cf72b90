// tests/tutorial/test_35_metadata_docs_urls.cpp: what docs/tutorial/35_metadata_docs_urls.md says, checked on its
// example.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#define TUTORIAL_NO_MAIN  // the example's own main() stays out: this file drives its app
#include "../../examples/tutorial/35_metadata_docs_urls.cpp"
#include "fastapi/testing/test_client.hpp"

TEST_SUITE("tutorial/35_metadata_docs_urls") {
  TEST_CASE("the document's info and tags come from the app's options, tags in the order given") {
    fa::App app{metadata_docs_urls::app_options()};
    metadata_docs_urls::build(app);
    fa::testing::TestClient client{app};
    auto spec = client.get("/api/v1/openapi.json").json();
    CHECK(spec["info"]["title"] == "ChimichangApp");
    CHECK(spec["info"]["version"] == "0.0.1");
    CHECK(spec["info"]["description"].as_string().starts_with(
        "ChimichangApp API helps you do awesome stuff. 🚀\n\n## Items"));
    CHECK(spec["info"]["summary"] == "Deadpool's favorite app. Nuff said.");
    CHECK(spec["info"]["termsOfService"] == "http://example.com/terms/");
    CHECK(spec["info"]["contact"].dump() ==
          R"({"name":"Deadpoolio the Amazing","url":"http://x-force.example.com/contact/",)"
          R"("email":"dp@x-force.example.com"})");
    CHECK(spec["info"]["license"].dump() == R"({"name":"Apache 2.0","identifier":"Apache-2.0"})");
    std::vector<std::string> keys;  // FastAPI's order
    for (const auto& [key, value] : spec["info"].items()) keys.push_back(key);
    CHECK(keys == std::vector<std::string>{"title", "summary", "description", "termsOfService", "contact", "license",
                                           "version"});
    CHECK(spec["tags"].dump() ==
          R"([{"name":"users","description":"Operations with users. The **login** logic is also here."},)"
          R"({"name":"items","description":"Manage items. So _fancy_ they have their own docs.",)"
          R"("externalDocs":{"description":"Items external docs","url":"https://fastapi.tiangolo.com/"}}])");
    CHECK(spec["paths"]["/items/"]["get"]["tags"].dump() == R"(["items"])");
    CHECK(client.get("/items/").text == R"([{"name":"wand"},{"name":"flying broom"}])");
  }

  TEST_CASE("the document and Swagger UI move; ReDoc is off; the old URLs are 404") {
    fa::App app{metadata_docs_urls::app_options()};
    metadata_docs_urls::build(app);
    fa::testing::TestClient client{app};
    auto docs = client.get("/documentation");
    CHECK(docs.status == 200);
    CHECK(docs.text.find("/api/v1/openapi.json") != std::string::npos);
    for (const char* gone : {"/openapi.json", "/docs", "/redoc"}) {
      auto r = client.get(gone);
      CHECK(r.status == 404);
      CHECK(r.text == R"({"detail":"Not Found"})");
    }
  }

  TEST_CASE("an empty openapi_url turns off the document and every docs page") {
    fa::App app{{.openapi_url = ""}};
    metadata_docs_urls::build(app);
    fa::testing::TestClient client{app};
    CHECK(client.get("/openapi.json").status == 404);
    CHECK(client.get("/docs").status == 404);
    CHECK(client.get("/redoc").status == 404);
    CHECK(client.get("/users/").status == 200);
  }
}

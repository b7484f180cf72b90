// examples/tutorial/35_metadata_docs_urls.cpp: what the docs say of the app itself, and where they are served
// (docs/tutorial/35_metadata_docs_urls.md).
//   GET /api/v1/openapi.json  the document: title ChimichangApp, version 0.0.1, a summary, a Markdown description,
//                             terms of service, contact, license, two tags (one with external docs)
//   GET /documentation        Swagger UI (instead of /docs); no ReDoc page
//   GET /users/, GET /items/  two small lists, tagged "users" and "items"
// Run: ./35_metadata_docs_urls [--port 8000]; its test: tests/tutorial/test_35_metadata_docs_urls.cpp
#include "fastapi.hpp"

namespace fa = fastapi;

namespace metadata_docs_urls {

// The app's own options: main() makes the app from them, fa::App app{app_options()}.
fa::AppOptions app_options() {
  return {
      .title = "ChimichangApp",
      .version = "0.0.1",
      .summary = "Deadpool's favorite app. Nuff said.",
      .description = R"(ChimichangApp API helps you do awesome stuff. 🚀

## Items

You can **read items**.

## Users

You will be able to:

* **Create users** (_not implemented_).
* **Read users** (_not implemented_).
)",
      .terms_of_service = "http://example.com/terms/",
      .contact = {.name = "Deadpoolio the Amazing",
                  .url = "http://x-force.example.com/contact/",
                  .email = "dp@x-force.example.com"},
      .license_info = {.name = "Apache 2.0", .identifier = "Apache-2.0"},
      .openapi_url = "/api/v1/openapi.json",
      .docs_url = "/documentation",
      .redoc_url = "",
      .openapi_tags = {{.name = "users", .description = "Operations with users. The **login** logic is also here."},
                       {.name = "items",
                        .description = "Manage items. So _fancy_ they have their own docs.",
                        .external_docs = {.description = "Items external docs",
                                          .url = "https://fastapi.tiangolo.com/"}}},
  };
}

void build(fa::App& app) {
  app.get("/users/", [] { return fa::Json::array({{{"name", "Harry"}}, {{"name", "Ron"}}}); }, {.tags = {"users"}});
  app.get("/items/",
          [] {
            return fa::Json::array({{{"name", "wand"}}, {{"name", "flying broom"}}});
          },
          {.tags = {"items"}});
}

}  // namespace metadata_docs_urls

#ifndef TUTORIAL_NO_MAIN  // the page's test includes this file and runs build() itself
int main(int argc, char** argv) {
  fa::App app{metadata_docs_urls::app_options()};
  metadata_docs_urls::build(app);
  return app.run(argc, argv);
}
#endif

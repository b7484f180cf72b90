// examples/tutorial/11_cookie_parameters.cpp: reading a cookie (docs/tutorial/11_cookie_parameters.md).
//   GET /items/ with "Cookie: ads_id=abc" -> {"ads_id":"abc"}; without it -> {"ads_id":null}
// Run: ./11_cookie_parameters [--port 8000]; its test: tests/tutorial/test_11_cookie_parameters.cpp
#include <optional>
#include <string>

#include "fastapi.hpp"

namespace fa = fastapi;

namespace cookie_parameters {

void build(fa::App& app) {
  app.get("/items/", [](fa::Cookie<"ads_id", std::optional<std::string>> ads_id) {
    return fa::Json{{"ads_id", *ads_id}};
  });

  app.get("/session/", [](fa::Cookie<"session_id", std::string> session_id) {
    return fa::Json{{"session_id", *session_id}};
  });
}

}  // namespace cookie_parameters

#ifndef TUTORIAL_NO_MAIN  // the page's test includes this file and runs build() itself
int main(int argc, char** argv) {
  fa::App app;
  cookie_parameters::build(app);
  return app.run(argc, argv);
}
#endif

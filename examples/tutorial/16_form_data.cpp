// examples/tutorial/16_form_data.cpp: fields of an HTML form instead of JSON (docs/tutorial/16_form_data.md).
//   POST /login/ username=johndoe&password=secret   (application/x-www-form-urlencoded) -> {"username":"johndoe"}
// Run: ./16_form_data [--port 8000]; its test: tests/tutorial/test_16_form_data.cpp
#include <string>

#include "fastapi.hpp"

namespace fa = fastapi;

namespace form_data {

void build(fa::App& app) {
  app.post("/login/", [](fa::Form<"username", std::string> username, fa::Form<"password", std::string> password) {
    return fa::Json{{"username", *username}, {"password_length", password->size()}};
  });
}

}  // namespace form_data

#ifndef TUTORIAL_NO_MAIN  // the page's test includes this file and runs build() itself
int main(int argc, char** argv) {
  fa::App app;
  form_data::build(app);
  return app.run(argc, argv);
}
#endif

// examples/tutorial/26_security_first_steps.cpp: a route that needs a bearer token
// (docs/tutorial/26_security_first_steps.md).
//   GET /items/ with "Authorization: Bearer foobar" -> {"token":"foobar"}
//   GET /items/ without it                          -> 401 {"detail":"Not authenticated"}, WWW-Authenticate: Bearer
// Run: ./26_security_first_steps [--port 8000]; its test: tests/tutorial/test_26_security_first_steps.cpp
#include <string>

#include "fastapi.hpp"

namespace fa = fastapi;

namespace security_first_steps {

// FastAPI's `oauth2_scheme = OAuth2PasswordBearer(tokenUrl="token")`: "token" is where a client gets a token.
using OAuth2Scheme = fa::OAuth2PasswordBearer<"token">;

void build(fa::App& app) {
  app.get("/items/", [](OAuth2Scheme token) { return fa::Json{{"token", *token}}; });
}

}  // namespace security_first_steps

#ifndef TUTORIAL_NO_MAIN  // the page's test includes this file and runs build() itself
int main(int argc, char** argv) {
  fa::App app;
  security_first_steps::build(app);
  return app.run(argc, argv);
}
#endif

// expect: SecurityOptions::scopes lists the scopes of an OAuth2 scheme: only fa::OAuth2PasswordBearer takes them
// tests/compile_fail/security_scopes_on_http_bearer.cpp: must not compile; the static_assert above is the sentence the user reads.
#include "fastapi/app/app.hpp"
#include "fastapi/security/http.hpp"

namespace fa = fastapi;

int main() {
  fa::App app;
  app.get("/me",
          [](fa::HTTPBearer<fa::SecurityOptions{.scopes = {{"me", "Read information about the current user."}}}> auth) {
            return auth->credentials;
          });
}

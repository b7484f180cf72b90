// expect: SecurityOptions::scopes lists the scopes of an OAuth2 scheme: only fa::OAuth2PasswordBearer takes them
// misuse: Scopes on `fa::HTTPBearer`
// fix: scopes belong to an OAuth2 scheme: `fa::OAuth2PasswordBearer<"token", fa::SecurityOptions{.scopes = {...}}>`, or drop `.scopes`.
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

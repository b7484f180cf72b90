// expect: is one word: printable ASCII, no space, no quote, no backslash (RFC 6749 section 3.3)
// misuse: An OAuth2 scope with a space in it
// fix: write each scope as its own argument: `fa::Security<current_user, "items", "read">`.
// tests/compile_fail/di_security_scope_with_space.cpp: must not compile; the static_assert above is the sentence the user reads.
#include <string>

#include "fastapi/app/app.hpp"

namespace fa = fastapi;
std::string current_user(fa::SecurityScopes scopes) { return scopes.scope_str; }

int main() {
  fa::App app;
  // OAuth2 sends scopes space-separated: "items read" would be two scopes. Write fa::Security<fn, "items", "read">.
  app.get("/items", [](fa::Security<current_user, "items read"> user) { return *user; });
}

// expect: a fa::File has no default value
// misuse: A default value for `fa::File`
// fix: make the file optional instead: `fa::File<"upload", std::optional<fa::UploadFile>> upload` (then `if (*upload) ...`).
// tests/compile_fail/params_file_default.cpp: must not compile; an uploaded file has no literal to default to.
#include <string>

#include "fastapi/app/app.hpp"

namespace fa = fastapi;

int main() {
  fa::App app;
  app.post("/upload", [](fa::File<"upload", std::string, fa::Literal{"none"}> upload) { return *upload; });
}

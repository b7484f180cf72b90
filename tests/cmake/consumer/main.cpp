// A user's app: one .cpp file plus fastapi.hpp. Prints the answer of its own route and exits 0.
#include "fastapi.hpp"

#include <iostream>

namespace fa = fastapi;

int main() {
  fa::App app;
  app.get("/", [] { return fa::Json{{"message", "Hello World"}}; });
  fa::testing::TestClient client{app};
  auto r = client.get("/");
  std::cout << r.status << " " << r.text << "\n";
  return r.status == 200 && r.text == R"({"message":"Hello World"})" ? 0 : 1;
}

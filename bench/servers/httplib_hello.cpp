// bench/servers/httplib_hello.cpp: cpp-httplib's twin of examples/01_hello.cpp, for bench/compile_time.sh:
// the same route and body, built the way a user of cpp-httplib builds it (the single header, one .cpp).
//   GET /  ->  {"message":"Hello World"}
// Build: g++ -std=c++20 -O2 -Ibuild/bench/httplib bench/servers/httplib_hello.cpp -o httplib_hello -pthread
#include <httplib.h>

int main() {
  httplib::Server svr;
  svr.Get("/", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(R"({"message":"Hello World"})", "application/json");
  });
  return svr.listen("127.0.0.1", 8000) ? 0 : 1;
}

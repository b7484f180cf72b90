// examples/tutorial/30_middleware.cpp: code that runs around every request (docs/tutorial/30_middleware.md).
//   GET /items/  ->  [{"name":"Foo"}], with "X-Process-Time: 0.000123" (seconds) added by the middleware
// Run: ./30_middleware [--port 8000]; its test: tests/tutorial/test_30_middleware.cpp
#include <chrono>
#include <string>

#include "fastapi.hpp"

namespace fa = fastapi;

namespace middleware {

void build(fa::App& app) {
  app.add_middleware([](fa::Request& request, fa::Next call_next) -> fa::Task<fa::Response> {
    auto start_time = std::chrono::steady_clock::now();
    fa::Response response = co_await call_next(request);
    std::chrono::duration<double> process_time = std::chrono::steady_clock::now() - start_time;
    response.headers.set("X-Process-Time", std::to_string(process_time.count()));
    co_return response;
  });

  app.get("/items/", [] { return fa::Json::array({{{"name", "Foo"}}}); });
}

}  // namespace middleware

#ifndef TUTORIAL_NO_MAIN  // the page's test includes this file and runs build() itself
int main(int argc, char** argv) {
  fa::App app;
  middleware::build(app);
  return app.run(argc, argv);
}
#endif

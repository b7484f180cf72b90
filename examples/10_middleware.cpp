// examples/10_middleware.cpp: middleware as FastAPI's tutorial shows it: an X-Process-Time header from a
// timing middleware written as a coroutine lambda, an access log, and GZip for large bodies.
//   GET /items/{item_id}  ->  {"item_id":1,"name":"Item 1"}   (small: sent as it is)
//   GET /report           ->  a 20 KB text report              (gzipped when the client accepts gzip)
// Every answer carries X-Process-Time (seconds) and leaves a line in the access log (stderr):
//   INFO:     127.0.0.1:52814 - "GET /report HTTP/1.1" 200 1834 0.912ms
// GZip needs zlib: build with -DFASTAPI_ENABLE_GZIP -lz (the project's CMake does when zlib is found).
// Run: ./10_middleware [--host 127.0.0.1] [--port 8000 | PORT=8000] [--workers N]   (--port 0 picks a free port)
#include "fastapi.hpp"

#include <chrono>
#include <string>

namespace fa = fastapi;

int main(int argc, char** argv) {
  fa::App app;

  app.get("/items/{item_id}", [](fa::Path<"item_id", int> item_id) {
    return fa::Json{{"item_id", *item_id}, {"name", "Item " + std::to_string(*item_id)}};
  });
  app.get("/report", [] {
    std::string report;
    for (int day = 1; report.size() < 20000; ++day)
      report += "day " + std::to_string(day) + ": 42 orders, 7 returns, all shipped on time\n";
    return report;
  });

  // The last added runs first: the access log sees every answer as sent (compressed sizes included);
  // the timing includes the compression.
#ifdef FASTAPI_ENABLE_GZIP
  app.add_middleware(fa::GZipMiddleware{{.minimum_size = 1000}});
#endif
  // FastAPI's `@app.middleware("http") async def add_process_time_header(request, call_next)`:
  app.add_middleware([](fa::Request& req, fa::Next next) -> fa::Task<fa::Response> {
    auto start = std::chrono::steady_clock::now();
    fa::Response response = co_await next(req);
    std::chrono::duration<double> process_time = std::chrono::steady_clock::now() - start;
    response.headers.set("X-Process-Time", std::to_string(process_time.count()));
    co_return response;
  });
  app.add_middleware(fa::AccessLogMiddleware{{.format = fa::AccessLog::common}});

  return app.run(argc, argv);
}

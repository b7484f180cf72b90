// bench/servers/fastapi_bench.cpp: the app bench/run.sh and bench/memory.sh measure against nginx.
//   GET /plaintext  ->  text/plain "Hello, World!"          (TechEmpower test 6)
//   GET /json       ->  {"message":"Hello, World!"}          (TechEmpower test 1)
// Build (bench/run.sh does it): g++ -std=c++20 -O2 -DNDEBUG -I. bench/servers/fastapi_bench.cpp -lsimdjson -pthread
// Run:   ./fastapi_bench --port 8080 --workers 1        (--host, PORT= as for every fa::App)
#include "fastapi.hpp"

namespace fa = fastapi;

int main(int argc, char** argv) {
  fa::App app;
  app.get("/plaintext", [] { return fa::PlainTextResponse("Hello, World!"); });
  app.get("/json", [] { return fa::Json{{"message", "Hello, World!"}}; });
  // Later issues add endpoints here, each measured by bench/run.sh beside its nginx/peer twin:
  //   GET  /items/{item_id}?q=...   path + query binding
  //   POST /items                   validated JSON body (a struct with Rules)
  // As nginx's defaults, so bench/memory.sh's 10,000 idle keep-alive connections stay open while measured.
  fa::Config config;
  config.keep_alive_timeout = std::chrono::seconds(75);
  config.max_connections = 20000;
  return app.run(argc, argv, config);
}

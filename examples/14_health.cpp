// examples/14_health.cpp: liveness and readiness probes, as a deployment (Kubernetes, a load balancer) expects.
//   GET /health/live   -> 200 {"status":"alive"} whenever the process can answer
//   GET /health/ready  -> 200 {"status":"ready"} once startup is done; 503 during the drain after SIGTERM
//   GET /stock/{sku}   -> a route that needs the state opened at startup
// Before the lifespan's startup is done the port is not even open: a probe sees "connection refused", which
// every orchestrator reads as not ready. After SIGTERM the app drains: in-flight requests finish (and a
// readiness check among them answers 503), idle connections close, new connections are refused.
// Run: ./14_health --port 8000 [--startup-ms 500]
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <map>
#include <mutex>
#include <string>

#include "fastapi.hpp"

namespace fa = fastapi;

/// What the app opens at startup and closes at shutdown (a stand-in for a database pool).
struct Inventory {
  std::mutex mutex;
  std::map<std::string, int> stock;
  int count(const std::string& sku) {
    std::lock_guard lock(mutex);
    auto it = stock.find(sku);
    return it == stock.end() ? 0 : it->second;
  }
};

int main(int argc, char** argv) {
  // --startup-ms N: how long "opening the pool" takes (to watch the probes during startup).
  int startup_ms = 0;
  std::vector<char*> args{argv[0]};
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]) == "--startup-ms" && i + 1 < argc) {
      startup_ms = std::atoi(argv[++i]);
    } else {
      args.push_back(argv[i]);
    }
  }

  fa::App app{{.title = "Health probes"}};
  app.lifespan([startup_ms](fa::App& app) -> fa::Yield<void> {
    Inventory& inventory = app.state<Inventory>();
    co_await fa::sleep(std::chrono::milliseconds(startup_ms));  // connecting...
    inventory.stock = {{"apple", 3}, {"pear", 0}};
    std::cout << "startup complete" << std::endl;
    co_yield {};
    std::cout << "shutdown complete" << std::endl;
  });

  app.get("/health/live", [] { return fa::Json{{"status", "alive"}}; });
  app.get("/health/ready", [&app] {
    if (!app.ready()) throw fa::HTTPException(503, "not ready");
    return fa::Json{{"status", "ready"}};
  });
  app.get("/stock/{sku}", [](fa::Path<"sku", std::string> sku, fa::State<Inventory> inventory) {
    return fa::Json{{"sku", *sku}, {"count", inventory->count(*sku)}};
  });
  // A slow request, to have one in flight when the drain starts: it reports what readiness said at its end.
  app.get("/slow", [&app]() -> fa::Task<fa::Json> {
    co_await fa::sleep(std::chrono::milliseconds(500));
    co_return fa::Json{{"ready_at_end", app.ready()}};
  });
  return app.run(static_cast<int>(args.size()), args.data());
}

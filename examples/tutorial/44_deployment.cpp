// examples/tutorial/44_deployment.cpp: an app ready to deploy: the probes a load balancer or Kubernetes asks,
// and a graceful drain on SIGTERM (docs/tutorial/44_deployment.md; the files are in deploy/).
// Run: ./44_deployment [--host 0.0.0.0] [--port 8000] [--workers N]; its test: tests/tutorial/test_44_deployment.cpp
#include "fastapi.hpp"

namespace fa = fastapi;

namespace deployment {

void build(fa::App& app) {
  app.get("/", [] { return fa::Json{{"message", "Hello World"}}; });

  // Liveness: the process answers. Readiness: it should get traffic (false during startup and the drain).
  app.get("/health/live", [] { return fa::Json{{"status", "alive"}}; }, {.include_in_schema = false});
  app.get("/health/ready",
          [&app] {
            if (!app.ready()) throw fa::HTTPException(503, "not ready");
            return fa::Json{{"status", "ready"}};
          },
          {.include_in_schema = false});
}

}  // namespace deployment

#ifndef TUTORIAL_NO_MAIN  // the page's test includes this file and runs build() itself
int main(int argc, char** argv) {
  fa::App app;
  deployment::build(app);
  return app.run(argc, argv);
}
#endif

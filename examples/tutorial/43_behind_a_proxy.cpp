// examples/tutorial/43_behind_a_proxy.cpp: an app behind a reverse proxy: the client's scheme and address from
// the proxy's headers, and the path prefix the app is served under (docs/tutorial/43_behind_a_proxy.md).
// Run: ./43_behind_a_proxy [--port 8000]; its test: tests/tutorial/test_43_behind_a_proxy.cpp
#include <string>

#include "fastapi.hpp"

namespace fa = fastapi;

namespace behind_a_proxy {

void build(fa::App& app) {
  // Believe X-Forwarded-Proto and X-Forwarded-For from the proxy on this machine only.
  app.add_middleware(fa::ProxyHeadersMiddleware{{.trusted_hosts = {"127.0.0.1"}}});

  app.get("/app", [](fa::Request& request) {
    return fa::Json{{"message", "Hello World"}, {"root_path", std::string(request.root_path)}};
  });
  app.get("/client", [](fa::Request& request) {
    return fa::Json{{"host", std::string(request.client_host)}, {"scheme", std::string(request.scheme)}};
  });
  app.get("/items/", [] { return fa::Json::array({{{"name", "Plumbus"}}, {{"name", "Portal Gun"}}}); });
}

}  // namespace behind_a_proxy

#ifndef TUTORIAL_NO_MAIN  // the page's test includes this file and runs build() itself
int main(int argc, char** argv) {
  fa::App app;
  behind_a_proxy::build(app);
  return app.run(argc, argv);
}
#endif

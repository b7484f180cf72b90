// Issue 23 §2, the logs: the startup and shutdown lines as uvicorn's (the PID, the workers, the docs URL), a
// 500's line naming the route and the exception's type as C++ spells it, and with --log-level debug one line
// per request with its request line and the handler's bound parameters (secrets masked). Over a real socket.
#include <unistd.h>

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <doctest/doctest.h>

#include "fastapi.hpp"
#include "support/exchange.hpp"
#include "support/log_capture.hpp"

namespace fa = fastapi;

namespace shop {
struct OutOfStock : std::runtime_error {
  using std::runtime_error::runtime_error;
};
}  // namespace shop

namespace regression_issue_23_logs_file {

struct Item {
  std::string name;
  int price = 0;
};

/// Runs `app` on 127.0.0.1 (a free port, one worker) in a thread; `body(port)` talks to it; then stops it.
template <class Body>
int serve(fa::App& app, Body body, std::vector<std::string> args = {}) {
  std::vector<std::string> argv_text = {"app", "--host", "127.0.0.1", "--port", "0", "--workers", "1"};
  argv_text.insert(argv_text.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_text) argv.push_back(a.data());
  int code = -1;
  std::thread runner([&] { code = app.run(static_cast<int>(argv.size()), argv.data(), {.handle_signals = false}); });
  int port = app.wait_until_listening();
  if (port) body(port);
  app.stop();
  runner.join();
  return code;
}

/// The index of the first line holding `text`, or npos.
std::size_t line_of(const std::vector<std::string>& lines, std::string_view text) {
  for (std::size_t i = 0; i < lines.size(); ++i)
    if (lines[i].find(text) != std::string::npos) return i;
  return std::string::npos;
}

TEST_SUITE("regression/issue 23 logs") {
  TEST_CASE("startup and shutdown say what they do, in order, with the PID, the workers and the docs URL") {
    fa::App app;
    test_support::LogCapture log(app);
    app.get("/", [] { return "hi"; });
    std::uint16_t seen_port = 0;
    CHECK(serve(app, [&](int port) { seen_port = static_cast<std::uint16_t>(port); }) == 0);
    const auto lines = log.lines();
    for (const auto& l : lines) CAPTURE(l);
    const std::string pid = std::to_string(::getpid());
    const std::string base = "http://127.0.0.1:" + std::to_string(seen_port);
    const std::vector<std::string> order = {"INFO:     Started server process [" + pid + "]",
                                            "INFO:     Waiting for application startup.",
                                            "INFO:     Application startup complete.",
                                            "INFO:     Serving " + base + " with 1 worker thread (Ctrl+C stops it)",
                                            "INFO:     Interactive docs at " + base + "/docs",
                                            "INFO:     Shutting down",
                                            "INFO:     Waiting for application shutdown.",
                                            "INFO:     Application shutdown complete.",
                                            "INFO:     Finished server process [" + pid + "]"};
    std::size_t previous = 0;
    for (const auto& want : order) {
      CAPTURE(want);
      std::size_t at = line_of(lines, want);
      REQUIRE(at != std::string::npos);
      CHECK(lines[at] == want);
      CHECK(at >= previous);
      previous = at;
    }
    CHECK(log.count("Listening on") == 0);  // that line stays on stdout, for scripts
  }

  TEST_CASE("no docs URL when the docs are off; nothing of this at --log-level warning") {
    fa::App no_docs{{.docs_url = ""}};
    test_support::LogCapture log(no_docs);
    no_docs.get("/", [] { return "hi"; });
    CHECK(serve(no_docs, [](int) {}) == 0);
    CHECK(log.contains("Application startup complete."));
    CHECK_FALSE(log.contains("/docs"));

    fa::App quiet;
    test_support::LogCapture quiet_log(quiet);
    quiet.get("/", [] { return "hi"; });
    CHECK(serve(quiet, [](int) {}, {"--log-level", "warning"}) == 0);
    CHECK(quiet_log.lines().empty());
  }

  TEST_CASE("a 500's line names the route and the exception's type: std, a user's class in a namespace, an int") {
    fa::App app;
    test_support::LogCapture log(app);
    app.get("/boom", []() -> std::string { throw std::runtime_error("boom"); });
    app.get("/stock/{id}", [](fa::Path<"id", int>) -> std::string { throw shop::OutOfStock("none left"); });
    app.get("/int", []() -> std::string { throw 42; });
    serve(app, [](int port) {
      CHECK(test_support::status_of(test_support::http_get(port, "/boom")) == 500);
      CHECK(test_support::status_of(test_support::http_get(port, "/stock/7")) == 500);
      CHECK(test_support::status_of(test_support::http_get(port, "/int")) == 500);
    });
    for (const auto& l : log.lines()) CAPTURE(l);
    CHECK(log.contains("ERROR:    exception in GET /boom: std::runtime_error: boom"));
    CHECK(log.contains("ERROR:    exception in GET /stock/{id}: shop::OutOfStock: none left"));
    CHECK(log.contains("ERROR:    exception in GET /int: int"));
  }

  TEST_CASE("--log-level debug: one line per request with its request line and bound parameters, secrets masked") {
    auto routes = [](fa::App& app) {
      app.get("/items/{id}", [](fa::Path<"id", int> id, fa::Query<"q", std::optional<std::string>> q,
                                fa::Header<"x-api-key", std::string> key) {
        return std::to_string(*id) + (*q ? **q : "") + std::to_string((*key).size());
      });
      app.post("/items", [](Item item) { return item.name; });
      app.get("/", [] { return "hi"; });
      app.get("/me", [](fa::HTTPBearer<> auth) { return auth->scheme; });
      app.post("/token", [](fa::OAuth2PasswordRequestForm form) { return form.username; });
    };
    const std::string long_q(200, 'x');
    auto talk = [&](int port) {
      CHECK(test_support::status_of(
                test_support::http_get(port, "/items/5?q=" + long_q, "X-API-Key: hunter2-secret\r\n")) == 200);
      CHECK(test_support::status_of(
                test_support::http_request(port, "POST", "/items", {}, R"({"name":"pen","price":3})")) == 200);
      CHECK(test_support::status_of(test_support::http_get(port, "/")) == 200);
      CHECK(test_support::status_of(
                test_support::http_get(port, "/me", "Authorization: Bearer bearer-secret-token\r\n")) == 200);
      CHECK(test_support::status_of(test_support::http_request(port, "POST", "/token", {},
                                                               "grant_type=password&username=ann&password=pw-secret",
                                                               "application/x-www-form-urlencoded")) == 200);
    };

    fa::App debug;
    test_support::LogCapture log(debug);
    routes(debug);
    CHECK(serve(debug, talk, {"--log-level", "debug"}) == 0);
    for (const auto& l : log.lines()) CAPTURE(l);
    CHECK(log.count("DEBUG:    GET /items/5?q=") == 1);
    CHECK(log.contains(": id = 5, q = '" + std::string(76, 'x') + "..., x-api-key = ***"));
    CHECK_FALSE(log.contains("hunter2"));
    CHECK(log.contains(R"(DEBUG:    POST /items HTTP/1.1: body = {"name":"pen","price":3})"));
    CHECK(log.contains("DEBUG:    GET / HTTP/1.1"));
    CHECK(log.contains("DEBUG:    GET /me HTTP/1.1"));
    CHECK(log.contains("DEBUG:    POST /token HTTP/1.1"));
    CHECK_FALSE(log.contains("bearer-secret-token"));
    CHECK_FALSE(log.contains("pw-secret"));

    fa::App info;
    test_support::LogCapture info_log(info);
    routes(info);
    CHECK(serve(info, talk) == 0);
    CHECK_FALSE(info_log.contains("DEBUG:"));
    CHECK_FALSE(info_log.contains("GET /items/5"));
  }
}

}  // namespace regression_issue_23_logs_file

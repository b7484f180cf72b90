// tests/examples/test_app_examples.cpp: the examples of a growing app, run as a user runs them:
// examples/14_health.cpp (liveness/readiness around the lifespan and the drain) and examples/bigger_app/
// (routers in headers, composed prefixes and dependencies).
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <sys/stat.h>
#include <unistd.h>

#include "support/exchange.hpp"
#include "support/process.hpp"
#include "support/tls_fixtures.hpp"

namespace test_app_examples_file {

using namespace std::chrono_literals;
using test_support::body_of;
using test_support::example;
using test_support::status_of;
/// One request (Connection: close); the raw response.
inline std::string exchange(int port, const std::string& method, const std::string& target,
                            const std::string& headers = "") {
  return test_support::http_request(port, method, target, headers);
}

TEST_SUITE("examples") {
  TEST_CASE("14_health: live and ready once startup is done; a request in flight at SIGTERM sees not ready") {
    test_support::Process app(example("14_health"), {"--port", "0", "--startup-ms", "100"});
    REQUIRE(app.wait_for_line("startup complete", 10s));
    auto line = app.wait_for_line("Listening on http://127.0.0.1:", 10s);
    REQUIRE(line);
    int port = test_support::port_of(*line);
    auto live = exchange(port, "GET", "/health/live");
    CHECK(status_of(live) == 200);
    CHECK(body_of(live) == R"({"status":"alive"})");
    auto ready = exchange(port, "GET", "/health/ready");
    CHECK(status_of(ready) == 200);
    CHECK(body_of(ready) == R"({"status":"ready"})");
    CHECK(body_of(exchange(port, "GET", "/stock/apple")) == R"({"sku":"apple","count":3})");

    // A slow request in flight when SIGTERM arrives finishes, and readiness says no by then.
    std::string slow;
    std::thread in_flight([&] { slow = exchange(port, "GET", "/slow"); });
    std::this_thread::sleep_for(150ms);
    app.signal(SIGTERM);
    in_flight.join();
    CHECK(status_of(slow) == 200);
    CHECK(body_of(slow) == R"({"ready_at_end":false})");
    CHECK(app.wait_for_line("shutdown complete", 10s));
    CHECK(app.wait(10s) == 0);
  }

  TEST_CASE("14_health: a bad --ssl-certfile or --uds is one line and exit 1, before the lifespan starts") {
    test_support::TempDir dir;
    test_support::write_file(dir.file("not_a_cert.pem"), "hello");
    // Each: the flags, and a word the one line must say (the setting, the file, the reason).
    const std::vector<std::pair<std::string, std::string>> cases{
        {"--ssl-certfile " + dir.file("missing.pem"), "ssl_certfile"},
        {"--ssl-certfile " + dir.file("not_a_cert.pem"), "ssl_certfile"},
        {"--uds " + dir.file("no/such/dir/app.sock"), "No such file or directory"},
        {"--uds " + dir.file("not_a_cert.pem"), "not a socket"},
        {"--uds " + dir.file(std::string(120, 'x') + ".sock"), "at most"},
    };
    for (const auto& one : cases) {
      const std::string& flags = one.first;
      const std::string& says = one.second;
      CAPTURE(flags);
      // stdout and stderr together: nothing of the app may have run, and the reason is one line.
      auto run = test_support::capture("(" + example("14_health") + " --port 0 " + flags + " 2>&1)");
      CHECK(run.status == 1);
      CHECK(run.out.find("startup complete") == std::string::npos);
      CHECK(run.out.find("Waiting for application startup") == std::string::npos);
      CHECK(run.out.find("shutdown complete") == std::string::npos);
      CHECK(std::count(run.out.begin(), run.out.end(), '\n') == 1);
      CHECK(run.out.find(says) != std::string::npos);
    }
    // A directory the app may not write in (root may write anywhere: then it runs as nobody, if setpriv can).
    const std::string locked = dir.file("locked");
    REQUIRE(::mkdir(locked.c_str(), 0555) == 0);
    std::string as_user;
    if (::geteuid() == 0) {
      if (test_support::capture("command -v setpriv").status != 0) return;
      REQUIRE(::chmod(dir.path.c_str(), 0755) == 0);  // nobody may reach the locked directory, not write in it
      as_user = "setpriv --reuid=65534 --regid=65534 --clear-groups ";
    }
    auto run =
        test_support::capture("(" + as_user + example("14_health") + " --port 0 --uds " + locked + "/app.sock 2>&1)");
    CAPTURE(run.out);
    CHECK(run.status == 1);
    CHECK(run.out.find("startup complete") == std::string::npos);
    CHECK(std::count(run.out.begin(), run.out.end(), '\n') == 1);
    CHECK(run.out.find("Permission denied") != std::string::npos);
  }

  TEST_CASE("bigger_app: routers from headers under their prefixes, with router and app dependencies") {
    test_support::Process app(example("bigger_app"), {"--port", "0"});
    auto line = app.wait_for_line("Listening on http://127.0.0.1:", 10s);
    REQUIRE(line);
    int port = test_support::port_of(*line);
    const std::string token = "X-Token: fake-super-secret-token\r\n";

    auto root = exchange(port, "GET", "/?token=jessica");
    CHECK(body_of(root) == R"({"message":"Hello Bigger Applications!"})");
    auto no_jessica = exchange(port, "GET", "/users/me?token=nope");
    CHECK(status_of(no_jessica) == 400);
    CHECK(body_of(no_jessica) == R"({"detail":"No Jessica token provided"})");
    CHECK(body_of(exchange(port, "GET", "/users/me?token=jessica")) == R"({"username":"fakecurrentuser"})");
    CHECK(body_of(exchange(port, "GET", "/users/?token=jessica")) == R"([{"username":"Rick"},{"username":"Morty"}])");

    auto item = exchange(port, "GET", "/items/plumbus?token=jessica", token);
    CHECK(status_of(item) == 200);
    CHECK(body_of(item) == R"({"name":"Plumbus","item_id":"plumbus"})");
    auto no_header = exchange(port, "GET", "/items/plumbus?token=jessica");
    CHECK(status_of(no_header) == 422);  // the router's dependency needs X-Token
    auto missing = exchange(port, "GET", "/items/nothing?token=jessica", token);
    CHECK(status_of(missing) == 404);
    auto forbidden = exchange(port, "PUT", "/items/gun?token=jessica", token);
    CHECK(status_of(forbidden) == 403);
    auto admin = exchange(port, "POST", "/admin/?token=jessica", token);
    CHECK(status_of(admin) == 200);
    CHECK(body_of(admin) == R"({"message":"Admin getting schwifty"})");
    CHECK(status_of(exchange(port, "POST", "/admin/?token=jessica", "X-Token: wrong\r\n")) == 400);
    app.signal(SIGTERM);
    CHECK(app.wait(10s) == 0);
  }

  TEST_CASE("11_errors: HTTPException headers, a handler for the app's exception, validation errors reshaped") {
    test_support::Process app(example("11_errors"), {"--port", "0"});
    auto line = app.wait_for_line("Listening on http://127.0.0.1:", 10s);
    REQUIRE(line);
    int port = test_support::port_of(*line);
    CHECK(body_of(exchange(port, "GET", "/items/foo")) == R"({"item":"The Foo Wrestlers"})");
    auto missing = exchange(port, "GET", "/items/bar");
    CHECK(status_of(missing) == 404);
    CHECK(missing.find("\r\nX-Error: There goes my error\r\n") != std::string::npos);
    CHECK(body_of(missing) == R"({"detail":"Item not found"})");
    auto unicorn = exchange(port, "GET", "/unicorns/yolo");
    CHECK(status_of(unicorn) == 418);
    CHECK(body_of(unicorn) == R"({"message":"Oops! yolo did something. There goes a rainbow..."})");
    auto invalid = exchange(port, "GET", "/numbers/seven");
    CHECK(status_of(invalid) == 400);
    CHECK(body_of(invalid) == R"({"error":"validation","fields":["path.n"]})");
    CHECK(body_of(exchange(port, "GET", "/numbers/7")) == R"({"n":7})");
    app.signal(SIGTERM);
    CHECK(app.wait(10s) == 0);
  }

  TEST_CASE("12_background_tasks: the response first, then the dependency's task, then the handler's") {
    std::string log = "/tmp/fastapi_bg_" + std::to_string(::getpid()) + ".txt";
    std::remove(log.c_str());
    test_support::Process app(example("12_background_tasks"), {"--port", "0", "--log", log});
    auto line = app.wait_for_line("Listening on http://127.0.0.1:", 10s);
    REQUIRE(line);
    int port = test_support::port_of(*line);
    auto reply = exchange(port, "POST", "/send-notification/rick@example.com?q=portal");
    CHECK(status_of(reply) == 200);
    CHECK(body_of(reply) == R"({"message":"Notification sent in the background"})");
    auto read_log = [&] {
      std::ifstream in(log);
      std::stringstream ss;
      ss << in.rdbuf();
      return ss.str();
    };
    const std::string expected = "found query: portal\nnotification for rick@example.com: some notification\n";
    for (int i = 0; i < 200 && read_log() != expected; ++i) std::this_thread::sleep_for(10ms);
    CHECK(read_log() == expected);
    app.signal(SIGTERM);
    CHECK(app.wait(10s) == 0);
    std::remove(log.c_str());
  }
}

}  // namespace test_app_examples_file

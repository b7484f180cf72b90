// tests/examples/test_app_examples.cpp: the examples of a growing app, run as a user runs them:
// examples/14_health.cpp (liveness/readiness around the lifespan and the drain) and examples/bigger_app/
// (routers in headers, composed prefixes and dependencies).
#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <thread>

#include <asio.hpp>

#include "support/process.hpp"

namespace test_app_examples_file {

using namespace std::chrono_literals;

std::string example(const char* name) { return std::string(FASTAPI_EXAMPLES_DIR) + "/" + name; }

/// Sends one raw request over a fresh connection and reads until the server closes.
std::string exchange(int port, const std::string& method, const std::string& target, const std::string& headers = "") {
  asio::io_context io;
  asio::ip::tcp::socket s(io);
  s.connect({asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)});
  std::string req = method + " " + target + " HTTP/1.1\r\nHost: example\r\nConnection: close\r\n" + headers +
                    "Content-Length: 0\r\n\r\n";
  asio::write(s, asio::buffer(req));
  std::string out;
  asio::error_code ec;
  char buf[4096];
  for (;;) {
    std::size_t n = s.read_some(asio::buffer(buf), ec);
    if (ec) break;
    out.append(buf, n);
  }
  return out;
}
std::string body_of(const std::string& reply) {
  auto at = reply.find("\r\n\r\n");
  return at == std::string::npos ? std::string() : reply.substr(at + 4);
}
int status_of(const std::string& reply) { return reply.size() > 12 ? std::stoi(reply.substr(9, 3)) : 0; }

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
}

}  // namespace test_app_examples_file

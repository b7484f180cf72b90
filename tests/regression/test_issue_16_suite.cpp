// tests/regression/test_issue_16_suite.cpp: issue 16 §9, the promises the suite did not check: the production
// defaults of fa::Config are the README's table; a request pipelined behind `Connection: close` (or behind an
// HTTP/1.0 request without keep-alive) is never answered; delete_cookie and the cookie attributes over a real
// socket; a Yield dependency's teardown runs during a SIGTERM drain, before run() returns (one worker and two);
// the client's DNS failure is a quick fa::ClientError naming the host.
#include <doctest/doctest.h>

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <exception>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <vector>

#include <asio.hpp>

#include "fastapi/app/app.hpp"
#include "fastapi/client/client.hpp"
#include "fastapi/testing/test_client.hpp"
#include "support/raw_socket.hpp"
#include "support/run_task.hpp"
#include "support/time_scale.hpp"

// Everything below is this file's own (the tests are compiled as a unity build).
namespace test_issue_16_suite_file {

namespace fa = fastapi;
using fastapi::test_support::RawSocket;
using fastapi::test_support::scaled;
using namespace std::chrono_literals;

// ---- the README's Configuration table ----

/// The rows of README.md's `| field | default | what |` table: each field name (a cell may name several,
/// "`host`, `port`") with its default as written, backticks removed.
std::map<std::string, std::string> readme_defaults() {
  std::ifstream in(std::string(FASTAPI_SOURCE_DIR) + "/README.md");
  std::map<std::string, std::string> out;
  std::string line;
  bool in_table = false;
  auto strip = [](std::string s) {
    std::string r;
    for (char c : s)
      if (c != '`') r += c;
    while (!r.empty() && r.front() == ' ') r.erase(0, 1);
    while (!r.empty() && r.back() == ' ') r.pop_back();
    return r;
  };
  auto split = [](const std::string& s, char sep) {
    std::vector<std::string> parts;
    std::string cur;
    for (char c : s) {
      if (c == sep) {
        parts.push_back(cur);
        cur.clear();
      } else {
        cur += c;
      }
    }
    parts.push_back(cur);
    return parts;
  };
  while (std::getline(in, line)) {
    if (line.starts_with("| field | default | what |")) {
      in_table = true;
      continue;
    }
    if (!in_table) continue;
    if (!line.starts_with("|")) break;
    if (line.starts_with("|---")) continue;
    auto cells = split(line, '|');  // "", field, default, what, ""
    REQUIRE(cells.size() >= 4);
    std::vector<std::string> names;
    for (auto& n : split(cells[1], ',')) names.push_back(strip(n));
    if (names.size() == 1) {
      out[names[0]] = strip(cells[2]);
    } else {
      auto values = split(cells[2], ',');
      REQUIRE_MESSAGE(values.size() == names.size(), "README row: " << line);
      for (std::size_t i = 0; i < names.size(); ++i) out[names[i]] = strip(values[i]);
    }
  }
  return out;
}

/// A Config field's value written as the README writes defaults: sizes in KiB/MiB, durations in s or ms,
/// workers 0 as "hardware threads".
template <class T>
std::string readme_form(std::string_view name, const T& value) {
  if constexpr (std::is_same_v<T, bool>) {
    return value ? "true" : "false";
  } else if constexpr (std::is_same_v<T, std::string>) {
    return value.empty() ? "empty" : value;
  } else if constexpr (std::is_same_v<T, std::chrono::milliseconds>) {
    auto ms = value.count();
    if (ms == 0) return "off";
    return ms % 1000 == 0 ? std::to_string(ms / 1000) + " s" : std::to_string(ms) + " ms";
  } else if constexpr (std::is_integral_v<T>) {
    if (name == "workers" && value == 0) return "hardware threads";
    if (name == "max_body_size" || name == "max_request_line" || name == "max_header_bytes" || name == "ws_max_size") {
      auto n = static_cast<unsigned long long>(value);
      if (n % (1u << 20) == 0) return std::to_string(n >> 20) + " MiB";
      if (n % 1024 == 0) return std::to_string(n >> 10) + " KiB";
    }
    return std::to_string(value);
  } else if constexpr (std::is_same_v<T, fastapi::MultipartLimits>) {
    // The README says "Starlette's": its max_files, max_fields and the 1 MiB part size and spool threshold.
    const bool starlettes = value.max_files == 1000 && value.max_fields == 1000 &&
                            value.max_field_bytes == (1u << 20) && value.spool_max_size == (1u << 20);
    return starlettes ? "Starlette's" : "not Starlette's";
  } else {
    static_assert(sizeof(T) == 0, "a Config field of a type this test cannot write: add it to readme_form");
  }
}

/// The README's default for this build: "100 ms debug, off release" -> "100 ms" (debug) or "off" (NDEBUG).
std::string for_this_build(std::string cell) {
  auto comma = cell.find(", ");
  if (comma == std::string::npos) return cell;
#ifdef NDEBUG
  std::string part = cell.substr(comma + 2);
  std::string_view word = " release";
#else
  std::string part = cell.substr(0, comma);
  std::string_view word = " debug";
#endif
  if (part.ends_with(word)) part.erase(part.size() - word.size());
  return part;
}

// ---- the Yield teardown during a drain ----

struct DrainEvents {
  std::mutex mutex;
  std::vector<std::string> seen;
  std::atomic<bool> handler_started{false};
  void add(std::string e) {
    std::lock_guard lock(mutex);
    seen.push_back(std::move(e));
  }
  std::vector<std::string> list() {
    std::lock_guard lock(mutex);
    return seen;
  }
};
DrainEvents& drain_events() {
  static DrainEvents e;
  return e;
}

fa::Yield<int> tracked_resource() {
  int n = 1;
  co_yield n;
  drain_events().add("teardown");
}

// ---- the client ----

/// The ClientError a client call ends with, at most 10 s (support/run_task.hpp).
std::optional<fa::ClientError> client_failure(fa::Task<fa::ClientResponse> task) {
  return fa::test_support::client_error_of(std::move(task));
}

/// Every "HTTP/1.x " status line at the start of a line in `raw`.
int status_lines(std::string_view raw) {
  int n = 0;
  for (std::size_t pos = 0; (pos = raw.find("HTTP/1.", pos)) != std::string_view::npos; ++pos)
    if (pos == 0 || raw[pos - 1] == '\n') ++n;
  return n;
}

/// The attributes of one Set-Cookie value (everything after the first "; "), each as written.
std::vector<std::string> cookie_attributes(std::string_view header) {
  std::vector<std::string> out;
  auto pos = header.find("; ");
  while (pos != std::string_view::npos) {
    auto next = header.find("; ", pos + 2);
    out.emplace_back(header.substr(pos + 2, next == std::string_view::npos ? next : next - pos - 2));
    pos = next;
  }
  return out;
}

bool has(const std::vector<std::string>& list, std::string_view item) {
  for (const auto& s : list)
    if (s == item) return true;
  return false;
}

TEST_SUITE("regression/issue_16/suite") {
  TEST_CASE("every field of fa::Config{} has the default the README's Configuration table states") {
    auto readme = readme_defaults();
    REQUIRE(readme.size() >= 10);
    const fa::Config config{};
    int compared = 0;
    fa::for_each_field(config, [&](const auto& value, auto index) {
      std::string name(fa::field_names<fa::Config>[index]);
      auto row = readme.find(name);
      CHECK_MESSAGE(row != readme.end(), "fa::Config::" << name << " is not in the README's table");
      if (row == readme.end()) return;
      CAPTURE(name);
      CHECK(readme_form(name, value) == for_this_build(row->second));
      readme.erase(row);
      ++compared;
    });
    CHECK(compared >= 10);
    for (const auto& [name, value] : readme) FAIL_CHECK("the README's table names " << name << ", not a Config field");
  }

  TEST_CASE("a request pipelined behind Connection: close is not answered: one response, then the close") {
    std::atomic<int> first{0}, second{0};
    fa::App app;
    app.get("/first", [&] {
      ++first;
      return std::string("first");
    });
    app.get("/second", [&] {
      ++second;
      return std::string("second");
    });
    fa::testing::TestClient client{app};
    RawSocket s{client.port()};
    REQUIRE(s.send("GET /first HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
                   "GET /second HTTP/1.1\r\nHost: t\r\n\r\n"));
    std::string raw = s.read_until_close(scaled(5000ms));
    CHECK(raw.starts_with("HTTP/1.1 200 OK\r\n"));
    CHECK(status_lines(raw) == 1);
    CHECK(raw.ends_with("first"));
    CHECK(first == 1);
    CHECK(second == 0);
  }

  TEST_CASE("a request pipelined behind an HTTP/1.0 request without keep-alive is not answered") {
    std::atomic<int> first{0}, second{0};
    fa::App app;
    app.get("/first", [&] {
      ++first;
      return std::string("first");
    });
    app.get("/second", [&] {
      ++second;
      return std::string("second");
    });
    fa::testing::TestClient client{app};
    RawSocket s{client.port()};
    REQUIRE(s.send("GET /first HTTP/1.0\r\n\r\nGET /second HTTP/1.0\r\n\r\n"));
    std::string raw = s.read_until_close(scaled(5000ms));
    CAPTURE(raw);
    CHECK(raw.starts_with("HTTP/1."));
    CHECK(raw.find(" 200 OK\r\n") == 8);
    CHECK(status_lines(raw) == 1);
    CHECK(raw.ends_with("first"));
    CHECK(first == 1);
    CHECK(second == 0);
  }

  TEST_CASE("set_cookie's attributes and delete_cookie reach the wire as Starlette writes them") {
    fa::App app;
    app.get("/set", [](fa::Response& res) {
      res.set_cookie("session", "abc",
                     {.max_age = 3600,
                      .expires = "Wed, 21 Oct 2037 07:28:00 GMT",
                      .path = "/app",
                      .domain = "example.com",
                      .secure = true,
                      .httponly = true,
                      .samesite = "strict"});
      res.set_cookie("plain", "x");  // the defaults: Path=/, SameSite=lax, nothing else
      return std::string("set");
    });
    app.get("/delete", [](fa::Response& res) {
      res.delete_cookie("session");
      res.delete_cookie("scoped", "/app", "example.com");
      return std::string("deleted");
    });
    fa::testing::TestClient client{app};

    RawSocket s{client.port()};
    REQUIRE(s.send("GET /set HTTP/1.1\r\nHost: t\r\n\r\n"));
    auto set = s.read_response();
    REQUIRE(set);
    REQUIRE(set->count("set-cookie") == 2);
    std::vector<std::string> values;
    for (const auto& [name, value] : set->headers)
      if (fastapi::test_support::RawResponse::equal_ci(name, "set-cookie")) values.push_back(value);
    REQUIRE(values.size() == 2);
    CHECK(values[0].starts_with("session="));
    auto a = cookie_attributes(values[0]);
    CHECK(a == std::vector<std::string>{"Domain=example.com", "expires=Wed, 21 Oct 2037 07:28:00 GMT", "HttpOnly",
                                        "Max-Age=3600", "Path=/app", "SameSite=strict", "Secure"});
    CHECK(values[1].starts_with("plain="));
    CHECK(cookie_attributes(values[1]) == std::vector<std::string>{"Path=/", "SameSite=lax"});

    REQUIRE(s.send("GET /delete HTTP/1.1\r\nHost: t\r\n\r\n"));
    auto del = s.read_response();
    REQUIRE(del);
    values.clear();
    for (const auto& [name, value] : del->headers)
      if (fastapi::test_support::RawResponse::equal_ci(name, "set-cookie")) values.push_back(value);
    REQUIRE(values.size() == 2);
    // Starlette: set_cookie(key, max_age=0, expires=0, path, domain, samesite="lax"); the value's quoting aside.
    CHECK(values[0].starts_with("session="));
    auto d = cookie_attributes(values[0]);
    CHECK(d ==
          std::vector<std::string>{"expires=Thu, 01 Jan 1970 00:00:00 GMT", "Max-Age=0", "Path=/", "SameSite=lax"});
    CHECK(values[1].starts_with("scoped="));
    auto ds = cookie_attributes(values[1]);
    CHECK(has(ds, "Domain=example.com"));
    CHECK(has(ds, "Path=/app"));
    CHECK(has(ds, "Max-Age=0"));
    CHECK(has(ds, "expires=Thu, 01 Jan 1970 00:00:00 GMT"));
  }

  TEST_CASE("SIGTERM while a request is in flight: its Yield teardown runs before the shutdown hooks and exit") {
    unsigned workers = 1;
    SUBCASE("one worker") { workers = 1; }
    SUBCASE("two workers") { workers = 2; }
    CAPTURE(workers);
    {
      std::lock_guard lock(drain_events().mutex);
      drain_events().seen.clear();
    }
    drain_events().handler_started = false;
    fa::App app;
    app.logger().set_level(fa::LogLevel::off);
    app.get("/slow", [](fa::Depends<tracked_resource> r) -> fa::Task<std::string> {
      drain_events().handler_started = true;
      co_await fa::sleep(300ms);
      drain_events().add("handler-done");
      co_return std::string("slow done ") + std::to_string(*r);
    });
    app.on_shutdown([] { drain_events().add("shutdown-hook"); });
    fa::Config c = fa::testing::TestClient::default_config();
    c.workers = workers;
    c.handle_signals = true;
    c.graceful_timeout = scaled(5000ms);
    std::atomic<int> exit_code{-1};
    std::thread runner([&] { exit_code = app.run(c); });
    std::uint16_t port = app.wait_until_listening();
    REQUIRE(port != 0);

    RawSocket busy{port, scaled(3000ms)};
    REQUIRE(busy.send("GET /slow HTTP/1.1\r\nHost: t\r\n\r\n"));
    auto deadline = std::chrono::steady_clock::now() + scaled(5000ms);
    while (!drain_events().handler_started && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(2ms);  // a bounded wait for the handler to start
    REQUIRE(drain_events().handler_started);
    ::kill(::getpid(), SIGTERM);

    auto r = busy.read_response();
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(r->body == "slow done 1");
    runner.join();
    CHECK(exit_code == 0);
    CHECK(drain_events().list() == std::vector<std::string>{"handler-done", "teardown", "shutdown-hook"});
  }

  TEST_CASE("a host name that cannot resolve (nonexistent.invalid) is a quick ClientError naming the host") {
    // .invalid is reserved (RFC 6761): it resolves nowhere. Without a network (the suite's machines) the
    // resolver fails at once; with a DNS server that does not answer, connect_timeout bounds the wait.
    fa::HttpClient client{fa::ClientOptions{.connect_timeout = 2000ms}};
    auto start = std::chrono::steady_clock::now();
    auto error = client_failure(client.get("http://nonexistent.invalid/items"));
    auto took = std::chrono::steady_clock::now() - start;
    REQUIRE(error);
    CAPTURE(error->what());
    CHECK((error->kind == fa::ClientErrorKind::resolve || error->kind == fa::ClientErrorKind::connect_timeout));
    CHECK(std::string_view(error->what()).find("nonexistent.invalid") != std::string_view::npos);
    CHECK(took < scaled(3000ms));
  }
}

}  // namespace test_issue_16_suite_file

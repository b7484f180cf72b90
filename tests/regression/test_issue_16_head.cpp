// tests/regression/test_issue_16_head.cpp: issue 16, section 3, "nothing a handler sets can split a response".
// Over a real socket, reading the exact bytes: a media type, header, cookie, Location or status that a
// handler, a middleware or an exception handler sets from user input either goes out encoded (cookie values
// quoted as Python's http.cookies quotes them, Location percent-encoded as Starlette's RedirectResponse) or
// is refused with one 500 and one log line naming the route and the header; never a second response on the
// keep-alive connection, never a silent drop. And fa::HttpClient refuses a control byte in what it would
// write into its own request head.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "fastapi/app/app.hpp"
#include "fastapi/client/client.hpp"
#include "fastapi/testing/test_client.hpp"
#include "support/log_capture.hpp"
#include "support/raw_socket.hpp"
#include "support/run_task.hpp"

namespace test_issue_16_head_file {

namespace fa = fastapi;
using fastapi::test_support::RawResponse;
using fastapi::test_support::RawSocket;
using namespace std::chrono_literals;

struct ExplainedError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::atomic<int> teardowns{0};
fa::Yield<int> counted() {
  co_yield 1;
  ++teardowns;
}

/// One app with a route per way a handler can put bytes into a head; the bytes come from the query.
void add_routes(fa::App& app) {
  app.get("/ok", [] {
    fa::Response r = fa::PlainTextResponse("ok");
    r.headers.add("x-second", "yes");
    return r;
  });
  app.get("/type", [](fa::Query<"t", std::string> t) {
    fa::Response r{.body = "typed"};
    r.set_media_type(*t);
    return r;
  });
  app.get("/stream", [](fa::Query<"t", std::string> t) {
    auto sent = std::make_shared<bool>(false);
    return fa::StreamingResponse(
        [sent](std::string& chunk) -> fa::Task<bool> {
          if (*sent) co_return false;
          *sent = true;
          chunk = "streamed";
          co_return true;
        },
        *t);
  });
  app.get("/custom", [](fa::Query<"t", std::string> t) {
    fa::Response r{.body = "custom"};
    r.media = fa::Response::Media::custom;
    r.media_custom = *t;
    return r;
  });
  app.get("/header", [](fa::Query<"n", std::string> n, fa::Query<"v", std::string> v) {
    fa::Response r{.body = "header"};
    r.headers.add(*n, *v);
    return r;
  });
  app.get("/header-set", [](fa::Response& res, fa::Query<"v", std::string> v) {
    res.headers.set("x-sub", *v);  // through the injected fa::Response&, merged by the endpoint
    return std::string("sub");
  });
  app.get("/status", [](fa::Query<"s", int> s) { return fa::Response{.status = *s, .body = "status"}; });
  app.get("/cookie", [](fa::Query<"v", std::string> v) {
    fa::Response r{.body = "cookie"};
    r.set_cookie("pref", *v);
    return r;
  });
  app.get("/cookie-name", [](fa::Query<"n", std::string> n) {
    fa::Response r{.body = "cookie"};
    r.set_cookie(*n, "1");
    return r;
  });
  app.get("/cookie-attr", [](fa::Query<"path", std::string> path, fa::Query<"domain", std::string> domain,
                             fa::Query<"samesite", std::string> samesite) {
    fa::Response r{.body = "cookie"};
    r.set_cookie("pref", "1", {.path = *path, .domain = *domain, .samesite = *samesite});
    return r;
  });
  app.get("/delete-cookie", [](fa::Query<"path", std::string> path) {
    fa::Response r{.body = "deleted"};
    r.delete_cookie("pref", *path);
    return r;
  });
  app.get("/redirect", [](fa::Query<"u", std::string> u) { return fa::RedirectResponse(*u); });
  app.get("/http-exception", [](fa::Query<"v", std::string> v) -> std::string {
    throw fa::HTTPException(401, "Not authenticated", {{"www-authenticate", *v}});
  });
  app.get("/http-exception-status", [](fa::Query<"s", int> s) -> std::string { throw fa::HTTPException(*s, "odd"); });
  app.get("/explained", [](fa::Query<"v", std::string> v) -> std::string { throw ExplainedError(*v); });
  app.get("/yield", [](fa::Depends<counted>, fa::Query<"v", std::string> v) {
    fa::Response r{.body = "yield"};
    r.headers.add("x-y", *v);
    return r;
  });
  app.exception_handler<ExplainedError>([](fa::Request&, const ExplainedError& e) {
    fa::Response r = fa::PlainTextResponse("explained", 400);
    r.headers.add("x-why", e.what());  // an exception handler echoing user bytes into a header
    return r;
  });
  app.add_middleware([](fa::Request& req, fa::Next next) -> fa::Task<fa::Response> {
    fa::Response res = co_await next(req);
    if (auto v = req.query.get("mw")) res.headers.add("x-mw", std::string(*v));
    co_return res;
  });
}

/// A running app with its log captured.
struct Served {
  fa::App app;
  test_support::LogCapture log{app};
  std::optional<fa::testing::TestClient> client;
  Served() {
    add_routes(app);
    client.emplace(app);
  }
  std::uint16_t port() const { return client->port(); }
};

/// Sends `GET target` and then `GET /ok` on one keep-alive connection and returns the first answer, after
/// checking that exactly two answers came back: the second is /ok's own (so no response was smuggled in
/// between) and nothing follows it.
RawResponse only_answer(const Served& s, std::string_view target) {
  RawSocket sock(s.port());
  std::string req = "GET " + std::string(target) + " HTTP/1.1\r\nHost: t\r\n\r\nGET /ok HTTP/1.1\r\nHost: t\r\n\r\n";
  REQUIRE(sock.send(req));
  std::optional<RawResponse> first = sock.read_response();
  REQUIRE(first);
  std::optional<RawResponse> second = sock.read_response();
  REQUIRE(second);
  CHECK(second->status == 200);
  CHECK(second->body == "ok");
  CHECK(second->header("x-second") == "yes");
  CHECK(sock.buffered().empty());
  CHECK_FALSE(sock.has_data_within(100ms));
  return *first;
}

/// The refused case: 500 with FastAPI's body, and one log line from `route` naming `header`.
void check_refused(const Served& s, std::string_view target, std::string_view route, std::string_view header) {
  CAPTURE(target);
  RawResponse r = only_answer(s, target);
  CHECK(r.status == 500);
  CHECK(r.body == R"({"detail":"Internal Server Error"})");
  std::string line = "invalid response from " + std::string(route) + ": " + std::string(header);
  for (const auto& l : s.log.lines()) CAPTURE(l);
  CHECK(s.log.count(line) == 1);
  CHECK(s.log.count("invalid response from") == 1);
}

TEST_SUITE("regression/issue_16/head") {
  TEST_CASE("a media type with CR LF from the query gives one 500, not an injected cookie and a second response") {
    const char* attack = "text/html%0d%0aSet-Cookie:%20session=attacker%0d%0aContent-Length:%200%0d%0a%0d%0a"
                         "HTTP/1.1%20200%20OK%0d%0aContent-Length:%205%0d%0a%0d%0aowned";
    for (std::string_view path : {"/type", "/stream", "/custom"}) {
      Served s;
      std::string target = std::string(path) + "?t=" + attack;
      RawResponse r = only_answer(s, target);
      CHECK(r.status == 500);
      CHECK(r.count("set-cookie") == 0);
      CHECK(s.log.count("invalid response from GET " + std::string(path) + ": header 'content-type'") == 1);
    }
  }

  TEST_CASE("every control byte but HTAB, and DEL, in a header value is a logged 500 naming the route and header") {
    Served s;
    int refused = 0;
    for (int b = 0; b < 0x20; ++b) {
      if (b == '\t') continue;
      char hex[4];
      std::snprintf(hex, sizeof hex, "%02X", b);
      RawResponse r = only_answer(s, std::string("/header?n=X-Evil&v=a%") + hex + "b");
      CHECK(r.status == 500);
      CHECK(r.count("x-evil") == 0);
      ++refused;
    }
    RawResponse del = only_answer(s, "/header?n=X-Evil&v=a%7Fb");
    CHECK(del.status == 500);
    ++refused;
    CHECK(s.log.count("invalid response from GET /header: header 'X-Evil': its value holds the control byte") ==
          static_cast<std::size_t>(refused));
    CHECK(s.log.contains("control byte 0x01 at offset 1"));
    CHECK(s.log.contains("control byte 0x7F at offset 1"));
    CHECK(s.log.contains("control byte 0x0D at offset 1"));
  }

  TEST_CASE("CR, LF and NUL are refused loudly, no longer dropped silently; the log line does not echo the value") {
    Served s;
    check_refused(s, "/header?n=x-a&v=1%0d%0aSet-Cookie:%20stolen=1", "GET /header", "header 'x-a'");
    CHECK_FALSE(s.log.contains("stolen"));
    Served t;
    check_refused(t, "/header?n=x-a&v=1%00", "GET /header", "header 'x-a'");
  }

  TEST_CASE("a header name that is not a token is a logged 500, shown with its bytes escaped") {
    Served s;
    check_refused(s, "/header?n=bad%20name&v=1", "GET /header", "header 'bad name': the name is not a token");
    Served t;
    check_refused(t, "/header?n=x%0d%0aInjected&v=1", "GET /header", "header 'x\\x0D\\x0AInjected'");
    Served u;
    check_refused(u, "/header?n=&v=1", "GET /header", "header '': the name is not a token");
    Served v;
    check_refused(v, "/header?n=x:y&v=1", "GET /header", "header 'x:y'");
  }

  TEST_CASE("HTAB and UTF-8 in a header value are sent as they are") {
    Served s;
    RawResponse r = only_answer(s, "/header?n=X-Ok&v=a%09b%C3%A9");
    CHECK(r.status == 200);
    CHECK(r.header("x-ok") == "a\tb\xC3\xA9");
    CHECK(s.log.count("invalid response") == 0);
  }

  TEST_CASE("headers set through fa::Response&, by a middleware and by an exception handler are checked the same way") {
    Served s;
    check_refused(s, "/header-set?v=a%01", "GET /header-set", "header 'x-sub'");
    Served t;
    check_refused(t, "/ok?mw=a%0d%0ab", "GET /ok", "header 'x-mw'");
    Served u;
    check_refused(u, "/explained?v=why%0d%0aX-Injected:%201", "GET /explained", "header 'x-why'");
    Served v;
    check_refused(v, "/http-exception?v=Bearer%0d%0aX-Injected:%201", "GET /http-exception",
                  "header 'www-authenticate'");
    Served w;
    RawResponse fine = only_answer(w, "/http-exception?v=Bearer");
    CHECK(fine.status == 401);
    CHECK(fine.header("www-authenticate") == "Bearer");
  }

  TEST_CASE("a middleware's own answer with a bad header names the method and path, escaped") {
    fa::App app;
    test_support::LogCapture log(app);
    app.add_middleware([](fa::Request&, fa::Next) -> fa::Task<fa::Response> {
      fa::Response r = fa::PlainTextResponse("short-circuit");
      r.headers.add("x-m", "a\x01");
      co_return r;
    });
    fa::testing::TestClient client{app};
    RawSocket sock(client.port());
    REQUIRE(sock.send("GET /any%0d%0aX HTTP/1.1\r\nHost: t\r\n\r\n"));
    auto r = sock.read_response();
    REQUIRE(r);
    CHECK(r->status == 500);
    CHECK(log.count("invalid response from GET /any%0d%0aX: header 'x-m'") == 1);
  }

  TEST_CASE("the log line names the refused route even when another request ran while its handler awaited") {
    fa::App app;
    test_support::LogCapture log(app);
    auto other_done = std::make_shared<std::atomic<bool>>(false);
    auto slow_started = std::make_shared<std::atomic<bool>>(false);
    app.get("/slow-bad", [other_done, slow_started]() -> fa::Task<fa::Response> {
      *slow_started = true;
      for (int i = 0; i < 1000 && !*other_done; ++i) co_await fa::sleep(std::chrono::milliseconds(5));
      fa::Response r{.body = "late"};
      r.headers.add("x-late", "a\r\nb");
      co_return r;
    });
    app.get("/other", [other_done] {
      *other_done = true;
      return std::string("other");
    });
    fa::testing::TestClient client{app};  // one worker: both handlers share one loop
    RawSocket slow(client.port());
    REQUIRE(slow.send("GET /slow-bad HTTP/1.1\r\nHost: t\r\n\r\n"));
    auto deadline = std::chrono::steady_clock::now() + 5s;
    while (!*slow_started && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
    REQUIRE(*slow_started);
    RawSocket other(client.port());
    REQUIRE(other.send("GET /other HTTP/1.1\r\nHost: t\r\n\r\n"));
    auto o = other.read_response();
    REQUIRE(o);
    CHECK(o->body == "other");
    auto r = slow.read_response();
    REQUIRE(r);
    CHECK(r->status == 500);
    for (const auto& l : log.lines()) CAPTURE(l);
    CHECK(log.count("invalid response from GET /slow-bad: header 'x-late'") == 1);
  }

  TEST_CASE("the teardown of a Yield dependency still runs when its response is refused") {
    teardowns = 0;
    Served s;
    check_refused(s, "/yield?v=a%0ab", "GET /yield", "header 'x-y'");
    // The teardown runs after the response is written: wait for it, bounded.
    auto deadline = std::chrono::steady_clock::now() + 5s;
    while (teardowns.load() == 0 && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
    CHECK(teardowns.load() == 1);
  }

  TEST_CASE("a final status outside 200-599 is a logged 500: negative, 0, 99, 1xx, 600, 1000") {
    for (int status : {-5, 0, 99, 100, 101, 199, 600, 1000}) {
      CAPTURE(status);
      Served s;
      RawResponse r = only_answer(s, "/status?s=" + std::to_string(status));
      CHECK(r.status == 500);
      CHECK(r.status_line == "HTTP/1.1 500 Internal Server Error");
      CHECK(s.log.count("invalid response from GET /status: status " + std::to_string(status)) == 1);
    }
    Served s;
    CHECK(only_answer(s, "/status?s=200").status == 200);
    CHECK(only_answer(s, "/status?s=299").status_line == "HTTP/1.1 299 ");
    CHECK(only_answer(s, "/status?s=599").status == 599);
    CHECK(only_answer(s, "/status?s=204").status == 204);
    CHECK(s.log.count("invalid response") == 0);
  }

  TEST_CASE("an HTTPException with a status outside 200-599 is a logged 500 too") {
    for (int status : {42, 101, 700}) {
      CAPTURE(status);
      Served s;
      check_refused(s, "/http-exception-status?s=" + std::to_string(status), "GET /http-exception-status",
                    "status " + std::to_string(status));
    }
  }

  TEST_CASE("set_cookie quotes a value with ';' so no attribute can be injected (Starlette's exact header)") {
    Served s;
    RawResponse r = only_answer(s, "/cookie?v=dark;%20Domain=evil.example;%20Max-Age=99999999");
    CHECK(r.status == 200);
    CHECK(r.count("set-cookie") == 1);
    CHECK(r.header("set-cookie") ==
          R"(pref="dark\073 Domain=evil.example\073 Max-Age=99999999"; Path=/; SameSite=lax)");
    RawResponse ctl = only_answer(s, "/cookie?v=a%0d%0aSet-Cookie:%20x=1");
    CHECK(ctl.status == 200);
    CHECK(ctl.count("set-cookie") == 1);
    CHECK(ctl.header("set-cookie") == R"(pref="a\015\012Set-Cookie: x=1"; Path=/; SameSite=lax)");
  }

  TEST_CASE("cookie values are quoted exactly as Python's http.cookies quotes them") {
    // Produced with python3: m = http.cookies.SimpleCookie(); m["pref"] = v; m.output(header="").strip(),
    // the bytes of v read as Latin-1 (each byte one character, as the C++ string holds them).
    struct Row {
      std::string value;
      std::string header;
    };
    std::vector<Row> table = {
        {"abc", "pref=abc"},
        {"", R"(pref="")"},
        {"dark; Domain=evil.example; Max-Age=99999999", R"(pref="dark\073 Domain=evil.example\073 Max-Age=99999999")"},
        {"a b", R"(pref="a b")"},
        {R"(x"y\z)", R"(pref="x\"y\\z")"},
        {"\x01\x7f", R"(pref="\001\177")"},
        {"caf\xc3\xa9", R"(pref="caf\303\251")"},
        {"{json}", R"(pref="{json}")"},
        {"a,b", R"(pref="a\054b")"},
        {"a=b", R"(pref="a=b")"},
        {"tab\there", R"(pref="tab\011here")"},
        {"e:f", "pref=e:f"},
        {"[1]", R"(pref="[1]")"},
    };
    for (const auto& row : table) {
      CAPTURE(row.value);
      fa::Response r;
      r.set_cookie("pref", row.value, {.path = "", .samesite = ""});
      CHECK(r.headers.get("set-cookie") == row.header);
    }
  }

  TEST_CASE("a cookie name that is not a token, and ';' or a control byte in path or domain, are a logged 500") {
    Served s;
    RawResponse r = only_answer(s, "/cookie-name?n=a%3Db");
    CHECK(r.status == 500);
    CHECK(
        s.log.count(
            "exception in GET /cookie-name: std::invalid_argument: fastapi: set_cookie (a cookie): the name is not a token") ==
        1);
    Served t;
    CHECK(only_answer(t, "/cookie-name?n=path").status == 500);  // an attribute name, refused by Python too
    CHECK(t.log.count("set_cookie \"path\": the name is an attribute name") == 1);
    Served u;
    CHECK(only_answer(u, "/cookie-attr?path=/;%20Domain=evil&domain=&samesite=lax").status == 500);
    CHECK(u.log.count(
              "exception in GET /cookie-attr: std::invalid_argument: fastapi: set_cookie \"pref\": path holds ';'") ==
          1);
    Served v;
    CHECK(only_answer(v, "/cookie-attr?path=/&domain=ex.com%0d%0aX:%201&samesite=lax").status == 500);
    CHECK(v.log.count("set_cookie \"pref\": domain holds ';' or a control byte") == 1);
    Served w;
    CHECK(only_answer(w, "/cookie-attr?path=/&domain=&samesite=evil").status == 500);
    CHECK(w.log.count("samesite must be either 'strict', 'lax' or 'none'") == 1);
    Served x;
    RawResponse ok = only_answer(x, "/cookie-attr?path=/app&domain=example.com&samesite=Strict");
    CHECK(ok.status == 200);
    CHECK(ok.header("set-cookie") == "pref=1; Domain=example.com; Path=/app; SameSite=Strict");
  }

  TEST_CASE("delete_cookie sends Starlette's header and refuses a path with ';'") {
    Served s;
    RawResponse r = only_answer(s, "/delete-cookie?path=/");
    CHECK(r.status == 200);
    CHECK(r.header("set-cookie") ==
          R"(pref=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; SameSite=lax)");
    Served t;
    CHECK(only_answer(t, "/delete-cookie?path=/;%20Max-Age=9").status == 500);
    CHECK(t.log.count(
              "exception in GET /delete-cookie: std::invalid_argument: fastapi: set_cookie \"pref\": path holds ';'") ==
          1);
  }

  TEST_CASE("RedirectResponse percent-encodes its URL as Starlette does: CR LF, spaces and UTF-8 become %XX") {
    Served s;
    RawResponse r = only_answer(s, "/redirect?u=/next%0d%0aSet-Cookie:%20x=1");
    CHECK(r.status == 307);
    CHECK(r.header("location") == "/next%0D%0ASet-Cookie:%20x=1");
    CHECK(r.count("set-cookie") == 0);
    // urllib.parse.quote(u, safe=":/%#?=@[]!$&'()*+,;") for each of these:
    RawResponse utf8 = only_answer(s, "/redirect?u=/caf%C3%A9?q%3D%C3%BC");
    CHECK(utf8.header("location") == "/caf%C3%A9?q=%C3%BC");
    RawResponse kept = only_answer(s, "/redirect?u=http://ex.com/a'b(c)*!$%26,;%3D@[]%23f");
    CHECK(kept.header("location") == "http://ex.com/a'b(c)*!$&,;=@[]#f");
    RawResponse already = only_answer(s, "/redirect?u=/a%2520b");
    CHECK(already.header("location") == "/a%20b");  // '%' is safe: quoting twice changes nothing
    CHECK(s.log.count("invalid response") == 0);
  }
}

TEST_SUITE("regression/issue_16/head/client") {
  /// The ClientError a client call ends with (support/run_task.hpp).
  std::optional<fa::ClientError> client_error(fa::Task<fa::ClientResponse> task) {
    return fa::test_support::client_error_of(std::move(task));
  }

  TEST_CASE("fa::HttpClient refuses a URL with CR, LF or another control byte before connecting") {
    fa::HttpClient client;
    // Port 1 refuses connections: a refusal of kind invalid_url proves nothing was sent.
    for (const std::string& url :
         std::vector<std::string>{"http://127.0.0.1:1/a\r\nX-Injected: 1", "http://127.0.0.1:1/a\nb",
                                  std::string("http://127.0.0.1:1/a\0b", 22), "http://127.0.0.1:1/?q=\x7f"}) {
      CAPTURE(url);
      auto e = client_error(client.get(url));
      REQUIRE(e);
      CHECK(e->kind == fa::ClientErrorKind::invalid_url);
      // what() is a C string: with the NUL in the URL it ends there.
      if (url.find('\0') == std::string::npos) CHECK(std::string(e->what()).find("control byte") != std::string::npos);
    }
  }

  TEST_CASE("fa::HttpClient refuses a User-Agent, header value or header name with a control byte") {
    fa::HttpClient agent(fa::ClientOptions{.user_agent = "me\r\nX-Injected: 1"});
    auto e = client_error(agent.get("http://127.0.0.1:1/"));
    REQUIRE(e);
    CHECK(e->kind == fa::ClientErrorKind::invalid_request);
    CHECK(std::string(e->what()).find("user_agent") != std::string::npos);
    fa::HttpClient client;
    for (auto header : std::vector<std::pair<std::string, std::string>>{
             {"x-a", "1\x01"}, {"x-a", "1\x7f"}, {"x-a", "1\r\n"}, {"x a", "1"}, {"x:a", "1"}}) {
      CAPTURE(header.first);
      auto h = client_error(client.get("http://127.0.0.1:1/", {.headers = {header}}));
      REQUIRE(h);
      CHECK(h->kind == fa::ClientErrorKind::invalid_request);
    }
  }
}

}  // namespace test_issue_16_head_file

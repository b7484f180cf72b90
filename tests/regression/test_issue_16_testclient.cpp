// tests/regression/test_issue_16_testclient.cpp: issue 16, sections 6 and 8. The TestClient behaves as
// Starlette's (httpx): a header the caller sets replaces the default of that name, a cookie jar honours
// Set-Cookie (compared with httpx's jar case by case), gzip/deflate bodies come back decoded; and
// fastapi.hpp pins simdjson's configuration whatever the flags (the build recipes themselves are run by
// tests/docs/run_recipes.sh).
#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include <unistd.h>

#include "fastapi/app/app.hpp"
#include "fastapi/testing/test_client.hpp"
#ifdef FASTAPI_ENABLE_GZIP
#include "fastapi/middleware/gzip.hpp"
#endif

// Everything below is this file's own (the tests are compiled as a unity build).
namespace test_issue_16_testclient_file {

namespace fa = fastapi;

// Pinned before <simdjson.h>: the same layout with or without -pthread, at -O0 as at -O2.
#if !defined(SIMDJSON_THREADS_ENABLED) || SIMDJSON_DEVELOPMENT_CHECKS
#error "fastapi.hpp must pin SIMDJSON_THREADS_ENABLED on and SIMDJSON_DEVELOPMENT_CHECKS off"
#endif

/// An app that answers what it was sent: every header (name: value lines, in order) and the Cookie header,
/// and sets the Set-Cookie values given in ?set= (separated by '|').
inline void add_routes(fa::App& app) {
  auto echo = [](fa::Request& req, fa::Response& res) {
    std::string lines;
    for (const auto& f : req.headers) lines += std::string(f.name) + ": " + std::string(f.value) + "\n";
    std::string set(req.query.get("set").value_or(""));
    for (std::size_t start = 0; !set.empty() && start <= set.size();) {
      auto bar = set.find('|', start);
      if (bar == std::string::npos) bar = set.size();
      res.headers.add("set-cookie", set.substr(start, bar - start));
      start = bar + 1;
    }
    res.headers.set("x-cookie", std::string(req.headers.get("cookie").value_or("<none>")));
    return lines;
  };
  app.get("/{rest:path}", echo);
  app.post("/login", [] {
    fa::Response r = fa::RedirectResponse("/me", 303);
    r.set_cookie("session", "s1");
    return r;
  });
}

inline std::size_t count_lines_starting(const std::string& text, std::string_view prefix) {
  std::size_t n = 0;
  for (std::size_t at = 0; at < text.size();) {
    auto end = text.find('\n', at);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(at, end - at);
    if (line.size() >= prefix.size() && fa::iequals(std::string_view(line).substr(0, prefix.size()), prefix)) ++n;
    at = end + 1;
  }
  return n;
}

/// One row of the cookie table: Set-Cookie values received on `set_path`, then what a request to
/// `ask_path` sends, in this client and (recorded, checked below when httpx is there) in httpx 0.23.
struct CookieCase {
  const char* what;
  std::vector<std::string> set;  // each: a path, a space, then '|'-separated Set-Cookie values
  const char* ask_path;
  const char* ours;
  const char* httpx;  // differs from ours only where the note on the row says why
};

inline const std::vector<CookieCase>& cookie_table() {
  static const std::vector<CookieCase> rows{
      {"a plain cookie comes back", {"/ a=1"}, "/", "a=1", "a=1"},
      {"Path=/sub: sent under /sub only (path-match on '/' boundaries)",
       {"/ a=1|b=2; Path=/sub"},
       "/sub/x",
       "b=2; a=1",
       "b=2; a=1"},
      {"Path=/sub is not sent to /subway", {"/ a=1|b=2; Path=/sub"}, "/subway", "a=1", "a=1"},
      {"no Path: the default path is the request's directory", {"/a/b/c p=1"}, "/a/b/x", "p=1", "p=1"},
      {"no Path: not sent above the default path", {"/a/b/c p=1"}, "/a/x", "<none>", "<none>"},
      {"another site's Domain is refused", {"/ c=3; Domain=other.example"}, "/", "<none>", "<none>"},
      {"Domain=testserver is sent to testserver (httpx's cookiejar treats a dotless host as testserver.local "
       "and drops it: RFC 6265 sends it)",
       {"/ d=4; Domain=testserver"},
       "/",
       "d=4",
       "<none>"},
      {"Secure is kept but never sent over http", {"/ e=5; Secure"}, "/", "<none>", "<none>"},
      {"Max-Age=0 deletes", {"/ a=1", "/ a=; Max-Age=0"}, "/", "<none>", "<none>"},
      {"a past Expires deletes", {"/ a=1", "/ a=x; Expires=Thu, 01 Jan 1970 00:00:00 GMT"}, "/", "<none>", "<none>"},
      {"a future Max-Age keeps it", {"/ f=6; Max-Age=100"}, "/", "f=6", "f=6"},
      {"a future Expires keeps it", {"/ g=7; Expires=Fri, 01 Jan 2100 00:00:00 GMT"}, "/", "g=7", "g=7"},
      {"Max-Age wins over a past Expires",
       {"/ h=8; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=100"},
       "/",
       "h=8",
       "h=8"},
      {"a later Set-Cookie replaces the value", {"/ a=1", "/ a=2"}, "/", "a=2", "a=2"},
      {"a quoted value is sent as it came", {"/ q=\"quoted\""}, "/", "q=\"quoted\"", "q=\"quoted\""},
      {"without '=' the cookie is ignored (RFC 6265 5.2; httpx's cookiejar sends a bare name)",
       {"/ novalue"},
       "/",
       "<none>",
       "novalue"},
      {"several cookies go in one header, longest path first",
       {"/ a=1", "/x/ b=2; Path=/x"},
       "/x/y",
       "b=2; a=1",
       "b=2; a=1"},
  };
  return rows;
}

/// Runs the rows through httpx 0.23's cookie jar (MockTransport, host testserver) and returns its answers,
/// one per line; nullopt when /usr/bin/python3 has no httpx.
inline std::optional<std::vector<std::string>> httpx_answers() {
  std::string script = "import httpx, sys, warnings\nwarnings.simplefilter('ignore')\n"
                       "def h(req):\n"
                       "    s = req.url.params.get('set')\n"
                       "    return httpx.Response(200, headers=[('set-cookie', v) for v in s.split('|')] if s else [],"
                       " text=req.headers.get('cookie', '<none>'))\n"
                       "for line in sys.stdin.read().split('\\n'):\n"
                       "    if not line: continue\n"
                       "    parts = line.split('\\t')\n"
                       "    c = httpx.Client(transport=httpx.MockTransport(h), base_url='http://testserver')\n"
                       "    for s in parts[1:]:\n"
                       "        path, _, sets = s.partition(' ')\n"
                       "        c.get(path, params={'set': sets})\n"
                       "    print(c.get(parts[0]).text)\n";
  std::string dir = std::string(std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp");
  std::string py = dir + "/fastapi_issue16_cookies_" + std::to_string(::getpid()) + ".py";
  std::string in = py + ".in";
  std::ofstream(py) << script;
  {
    std::ofstream f(in);
    for (const auto& row : cookie_table()) {
      f << row.ask_path;
      for (const auto& s : row.set) f << '\t' << s;
      f << '\n';
    }
  }
  std::vector<std::string> out;
  FILE* p = ::popen(("/usr/bin/python3 " + py + " < " + in + " 2>/dev/null").c_str(), "r");
  if (p) {
    char line[4096];
    while (std::fgets(line, sizeof line, p)) {
      std::string s(line);
      if (!s.empty() && s.back() == '\n') s.pop_back();
      out.push_back(s);
    }
  }
  int rc = p ? ::pclose(p) : -1;
  std::remove(py.c_str());
  std::remove(in.c_str());
  if (rc != 0) return std::nullopt;
  return out;
}

TEST_SUITE("regression/issue_16/testclient") {
  TEST_CASE("a host header set by the caller replaces the default Host, whatever its case: one Host, not a 400") {
    fa::App app;
    add_routes(app);
    fa::testing::TestClient client{app};
    auto r = client.get("/", {.headers = {{"host", "example.com"}}});
    REQUIRE(r.status == 200);
    CHECK(count_lines_starting(r.text, "host:") == 1);
    CHECK(r.text.find("host: example.com\n") != std::string::npos);
    r = client.get("/", {.headers = {{"HOST", "api.example.com"}, {"USER-AGENT", "probe/1"}}});
    REQUIRE(r.status == 200);
    CHECK(count_lines_starting(r.text, "host:") == 1);
    CHECK(count_lines_starting(r.text, "user-agent:") == 1);
    CHECK(r.text.find("USER-AGENT: probe/1\n") != std::string::npos);
    r = client.get("/");  // and the defaults, as httpx sends them
    CHECK(r.text.starts_with("Host: testserver\nUser-Agent: testclient\n"));
#ifdef FASTAPI_ENABLE_GZIP
    CHECK(r.text.find("Accept-Encoding: gzip, deflate\n") != std::string::npos);
    r = client.get("/", {.headers = {{"accept-encoding", "identity"}}});
    CHECK(count_lines_starting(r.text, "accept-encoding:") == 1);
    CHECK(r.text.find("accept-encoding: identity\n") != std::string::npos);
#endif
  }

  TEST_CASE("Set-Cookie is kept in the client's jar and sent back, in one Cookie header, through redirects") {
    fa::App app;
    add_routes(app);
    fa::testing::TestClient client{app};
    auto r = client.post("/login");  // 303 with Set-Cookie, then GET /me
    REQUIRE(r.status == 200);
    CHECK(r.header("x-cookie") == "session=s1");
    CHECK(client.cookies.get("session") == "s1");
    client.get("/", {.params = {{"set", "theme=dark; Path=/"}}});
    r = client.get("/me");
    CHECK(r.header("x-cookie") == "session=s1; theme=dark");
    CHECK(count_lines_starting(r.text, "cookie:") == 1);
    // the per-request cookies replace the jar's of that name, for this request only
    CHECK(client.get("/me", {.cookies = {{"theme", "light"}, {"extra", "1"}}}).header("x-cookie") ==
          "session=s1; theme=light; extra=1");
    CHECK(client.get("/me").header("x-cookie") == "session=s1; theme=dark");
    // a Cookie header the caller writes wins over the jar (as httpx: the jar does not add a second one)
    r = client.get("/me", {.headers = {{"cookie", "mine=1"}}});
    CHECK(r.header("x-cookie") == "mine=1");
    CHECK(count_lines_starting(r.text, "cookie:") == 1);
    // delete_cookie (Max-Age=0 and a 1970 Expires) empties it; the jar can be set and cleared by hand
    client.get("/", {.params = {{"set", "session=; Max-Age=0; Path=/"}}});
    CHECK_FALSE(client.cookies.get("session"));
    client.cookies.set("token", "t");
    CHECK(client.get("/x").header("x-cookie") == "theme=dark; token=t");
    client.cookies.erase("theme");
    CHECK(client.cookies.size() == 1);
    client.cookies.clear();
    CHECK(client.get("/x").header("x-cookie") == "<none>");
  }

  TEST_CASE("the cookie jar against httpx's, case by case (Path, Domain, Secure, Max-Age, Expires)") {
    fa::App app;
    add_routes(app);
    fa::testing::TestClient client{app};
    const auto& rows = cookie_table();
    for (const auto& row : rows) {
      CAPTURE(row.what);
      client.cookies.clear();
      for (const auto& s : row.set) {
        auto space = s.find(' ');
        client.get(s.substr(0, space), {.params = {{"set", s.substr(space + 1)}}});
      }
      CHECK(client.get(row.ask_path).header("x-cookie") == row.ours);
    }
    auto theirs = httpx_answers();
    if (!theirs) {
      if (std::getenv("CI")) FAIL("/usr/bin/python3 with httpx is needed for the comparison (CI is set)");
      MESSAGE("no httpx for /usr/bin/python3: the httpx column is not checked");
      return;
    }
    REQUIRE(theirs->size() == rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
      CAPTURE(rows[i].what);
      CHECK((*theirs)[i] == rows[i].httpx);
    }
  }

  TEST_CASE("an Expires date is read in the forms servers send") {
    using J = fa::testing::CookieJar;
    auto t = J::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT");
    REQUIRE(t);
    CHECK(std::chrono::system_clock::to_time_t(*t) == 784111777);
    CHECK(J::parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT") == t);
    CHECK(J::parse_http_date("Sun Nov  6 08:49:37 1994") == t);
    CHECK_FALSE(J::parse_http_date("tomorrow"));
    CHECK_FALSE(J::parse_http_date("Sun, 06 Nov 1994 25:49:37 GMT"));
  }

#ifdef FASTAPI_ENABLE_GZIP
  TEST_CASE("gzip and deflate bodies come back decoded, Content-Encoding kept and the wire bytes in raw") {
    fa::App app;
    std::string big;
    for (int i = 0; i < 200; ++i) big += "line " + std::to_string(i) + " of a body that compresses well\n";
    app.get("/big", [big] { return fa::PlainTextResponse(big); });
    app.get("/deflate", [big] {
      uLongf n = compressBound(static_cast<uLong>(big.size()));
      std::string packed(n, '\0');
      compress(reinterpret_cast<Bytef*>(packed.data()), &n, reinterpret_cast<const Bytef*>(big.data()),
               static_cast<uLong>(big.size()));
      packed.resize(n);
      fa::Response r = fa::PlainTextResponse(packed);
      r.headers.set("content-encoding", "deflate");
      return r;
    });
    app.get("/bad", [] {
      fa::Response r = fa::PlainTextResponse("not gzip at all");
      r.headers.set("content-encoding", "gzip");
      return r;
    });
    app.add_middleware(fa::GZipMiddleware{});
    fa::testing::TestClient client{app};
    auto r = client.get("/big");  // Accept-Encoding: gzip, deflate by default, as httpx
    REQUIRE(r.status == 200);
    CHECK(r.header("content-encoding") == "gzip");
    CHECK(r.text == big);
    CHECK(r.raw.size() < big.size() / 4);
    CHECK(r.header("content-length") == std::to_string(r.raw.size()));
    r = client.get("/deflate");
    CHECK(r.header("content-encoding") == "deflate");
    CHECK(r.text == big);
    r = client.get("/big", {.headers = {{"Accept-Encoding", "identity"}}});
    CHECK_FALSE(r.headers.contains("content-encoding"));
    CHECK(r.text == big);
    CHECK(r.raw == big);
    CHECK_THROWS_WITH_AS(client.get("/bad"), doctest::Contains("not valid gzip"), std::runtime_error);
  }
#endif
}

}  // namespace test_issue_16_testclient_file

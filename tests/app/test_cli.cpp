// tests/app/test_cli.cpp: the command line and the logs of a real process, as a user runs it (issue 23 §2):
// --help / --version / --reload, an app's own flags declared by a settings struct (examples/15_settings.cpp)
// beside the server's, hostile argv (empty strings, `--port=`, missing values, huge numbers: a sentence and
// exit status 2), --log-level filtering the log but never the `Listening on` line, the access log, and a 500's
// line naming the route, the exception's type and its message. Output is stdout and stderr together.
#include <doctest/doctest.h>

#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fastapi.hpp"
#include "support/exchange.hpp"
#include "support/process.hpp"

// Everything below is this file's own (the tests are compiled as a unity build).
namespace app_cli_file {

namespace fa = fastapi;
using namespace std::chrono_literals;
using test_support::example;
using test_support::http_get;
using test_support::Process;

/// Starts `program` with `args` under /bin/sh, its stderr joined to its stdout (exec: the same pid).
Process start(const std::string& program, std::vector<std::string> args, const std::vector<std::string>& env = {}) {
  args.insert(args.begin(), {"-c", "exec \"$0\" \"$@\" 2>&1", program});
  return Process("/bin/sh", args, env);
}

/// Every line `p` prints until it closes its output (or 20 s pass).
std::vector<std::string> rest_of(Process& p) {
  std::vector<std::string> lines;
  while (auto line = p.wait_for_line("", 20s)) lines.push_back(*line);
  return lines;
}

/// The lines up to and with the first holding `text`.
std::vector<std::string> lines_until(Process& p, const std::string& text) {
  std::vector<std::string> lines;
  while (auto line = p.wait_for_line("", 20s)) {
    lines.push_back(*line);
    if (line->find(text) != std::string::npos) break;
  }
  return lines;
}

bool has(const std::vector<std::string>& lines, const std::string& text) {
  for (const auto& l : lines)
    if (l.find(text) != std::string::npos) return true;
  return false;
}

struct Outcome {
  std::optional<int> code;
  std::vector<std::string> lines;
};

/// Runs a program that exits by itself (--help, a bad flag): its exit code and its output.
Outcome run_to_exit(const std::string& program, const std::vector<std::string>& args,
                    const std::vector<std::string>& env = {}) {
  Process p = start(program, args, env);
  Outcome out;
  out.lines = rest_of(p);
  out.code = p.wait(20s);
  return out;
}

/// A temporary items file, one item per line, removed at the end of the test.
struct ItemsFile {
  std::string path;
  explicit ItemsFile(const std::string& text) {
    char name[] = "/tmp/fastapi_items_XXXXXX";
    int fd = ::mkstemp(name);
    REQUIRE(fd >= 0);
    path = name;
    REQUIRE(::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()));
    ::close(fd);
  }
  ~ItemsFile() { std::remove(path.c_str()); }
};

/// A running example: the lines up to `Listening on`, its port; stop() sends SIGTERM and returns the rest.
struct Server {
  Process process;
  std::vector<std::string> startup;
  int port = 0;
  Server(const std::string& program, const std::vector<std::string>& args, const std::vector<std::string>& env = {})
      : process(start(program, args, env)) {
    startup = lines_until(process, "Listening on http://");
    REQUIRE(!startup.empty());
    REQUIRE(startup.back().starts_with("Listening on http://127.0.0.1:"));
    port = test_support::port_of(startup.back());
  }
  std::vector<std::string> stop(std::optional<int>& code) {
    process.signal(SIGTERM);
    auto rest = rest_of(process);
    code = process.wait(20s);
    return rest;
  }
};

struct Database {
  std::string host;  // required
  fa::Default<int, fa::Rule{.ge = 1, .le = 65535}> port = 5432;
};
struct Settings {
  fa::Default<std::string> db_path = ":memory:";
  fa::Default<bool> debug = false;
  fa::Default<bool> cache = true;
  fa::Default<std::vector<std::string>> tags;
  fa::Default<std::uint16_t> port = 1;  // a member named as a server flag: both read --port
  std::optional<Database> database;
  std::optional<double> ratio;
};

/// argv as main gets it, from strings; `count` is the argc that load_settings_or_exit may shrink.
struct Argv {
  std::vector<std::string> text;
  std::vector<char*> pointers;
  int count = 0;
  explicit Argv(std::vector<std::string> args) : text(std::move(args)) {
    text.insert(text.begin(), "app");
    for (auto& a : text) pointers.push_back(a.data());
    pointers.push_back(nullptr);
    count = static_cast<int>(text.size());
  }
  std::vector<std::string_view> left() const { return {pointers.begin(), pointers.begin() + count}; }
};

TEST_SUITE("app/cli") {
  TEST_CASE("load_settings_or_exit(argc, argv): kebab and snake flags, switches, nested, JSON; argv keeps the rest") {
    Argv a({"--db-path", "./data.sqlite", "--port", "9000", "--debug", "--no-cache", "--tags", R"(["a","b"])",
            "--database.host=db1", "--database.port", "6543", "--ratio=0.5", "--workers", "2", "--", "--db-path", "x"});
    auto s = fa::load_settings_or_exit<Settings>(a.count, a.pointers.data());
    CHECK(*s.db_path == "./data.sqlite");
    CHECK(*s.debug);
    CHECK_FALSE(*s.cache);
    CHECK(*s.tags == std::vector<std::string>{"a", "b"});
    CHECK(*s.port == 9000);
    REQUIRE(s.database);
    CHECK(s.database->host == "db1");
    CHECK(*s.database->port == 6543);
    CHECK(s.ratio == 0.5);
    // The app's flags are gone; the server's (--port read by both), `--` and what follows stay, null-terminated.
    CHECK(a.left() == std::vector<std::string_view>{"app", "--port", "9000", "--workers", "2", "--", "--db-path", "x"});
    CHECK(a.pointers[static_cast<std::size_t>(a.count)] == nullptr);
    CHECK(fa::parse_args(a.count, a.pointers.data()).port == 9000);

    Argv b({"--db_path=y", "--debug=false", "--cache=yes", "--debug", "--db-path", "z"});  // the last one wins
    auto t = fa::load_settings_or_exit<Settings>(b.count, b.pointers.data());
    CHECK(*t.db_path == "z");
    CHECK(*t.debug);
    CHECK(*t.cache);
    CHECK_FALSE(t.database);
    CHECK(b.left() == std::vector<std::string_view>{"app"});
  }

  TEST_CASE("--help lists the server's flags and the app's own (type, default, variable), exit 0") {
    Outcome out = run_to_exit(example("15_settings"), {"--help"});
    for (const auto& l : out.lines) CAPTURE(l);
    CHECK(out.code == 0);
    REQUIRE(!out.lines.empty());
    CHECK(out.lines[0].find("Usage: ") == 0);
    for (const char* flag : {"--host HOST", "--port PORT", "--workers N", "--log-level LEVEL", "--access-log",
                             "--no-access-log", "--root-path PATH", "--reload", "--version", "--help", "-- ARGS..."})
      CHECK(has(out.lines, std::string("  ") + flag));
    CHECK(has(out.lines, "Options of this app"));
    CHECK(has(out.lines, "  --page-size INT           items per page (default 10; env APP_PAGE_SIZE)"));
    CHECK(has(out.lines, "  --items-file TEXT         a text file, one item per line (default \"items.txt\"; env"));
    CHECK(has(out.lines, "  --ssl-keyfile-password P  the key's passphrase"));
    CHECK_FALSE(has(out.lines, "Listening on"));

    // One table: every description (and every continuation of a long one) starts in the same column, two
    // spaces after the longest flag, the app's flags included; no line is over 100 columns.
    std::optional<std::size_t> column;
    bool in_table = false;
    for (const std::string& l : out.lines) {
      CAPTURE(l);
      CHECK(l.size() <= 100);
      in_table = in_table || l == "Server options:";
      if (!in_table || l.empty() || l.back() == ':') continue;  // the usage line, blank lines, headings
      std::size_t start = l.find_first_not_of(' ');
      if (l.starts_with("  -")) start = l.find_first_not_of(' ', l.find("  ", 2));
      if (!column) column = start;
      CHECK(start == *column);
    }
    CHECK(column == std::string_view("  --ssl-keyfile-password P").size() + 2);

    // An app flag too long for the column: its description on the next line, at the column (argparse's way);
    // a long description wraps at a space, each line within 100 columns.
    std::string entry;
    fa::detail::append_help_entry(entry, "  --a-very-long-nested.member-name TEXT", "short", 28);
    CHECK(entry == "  --a-very-long-nested.member-name TEXT\n" + std::string(28, ' ') + "short\n");
    entry.clear();
    fa::detail::append_help_entry(entry, "  --x N", std::string(60, 'a') + " " + std::string(20, 'b'), 28);
    CHECK(entry == "  --x N" + std::string(21, ' ') + std::string(60, 'a') + "\n" + std::string(28, ' ') +
                       std::string(20, 'b') + "\n");

    Outcome plain = run_to_exit(example("01_hello"), {"-h", "--port", "0"});  // -h wins wherever it is
    CHECK(plain.code == 0);
    CHECK(has(plain.lines, "  --port PORT"));
    CHECK_FALSE(has(plain.lines, "Options of this app"));
  }

  TEST_CASE("--version prints the library's version and exits 0, for an app with flags and one without") {
    for (const char* program : {"01_hello", "15_settings"}) {
      Outcome out = run_to_exit(example(program), {"--version"});
      CHECK(out.code == 0);
      CHECK(out.lines == std::vector<std::string>{"fastapi.hpp " FASTAPI_VERSION_STRING});
    }
  }

  TEST_CASE("--reload says that a compiled app cannot, and what can (scripts/dev.sh), exit 2") {
    Outcome out = run_to_exit(example("01_hello"), {"--reload"});
    CHECK(out.code == 2);
    CHECK(has(out.lines, "fastapi: --reload: a compiled app cannot reload itself"));
    CHECK(has(out.lines, "bash scripts/dev.sh app.cpp"));
  }

  TEST_CASE("an unknown flag is exit 2 with a hint to --help, whether the app declares flags or not") {
    for (const char* program : {"01_hello", "15_settings"}) {
      Outcome out = run_to_exit(example(program), {"--port", "0", "--db", "./data.sqlite"});
      CAPTURE(program);
      CHECK(out.code == 2);
      REQUIRE(out.lines.size() == 1);
      CHECK(out.lines[0].starts_with("fastapi: unknown argument '--db'. Try '"));
      CHECK(out.lines[0].find(" --help' for the options") != std::string::npos);
    }
  }

  TEST_CASE("hostile argv: empty strings, `--port=`, missing values, huge numbers: one sentence each, exit 2") {
    struct Case {
      std::vector<std::string> args;
      std::string says;
    };
    const std::vector<Case> cases = {
        {{""}, "fastapi: unknown argument ''."},
        {{"--port="}, "fastapi: --port expects a number from 0 to 65535, got ''"},
        {{"--port"}, "fastapi: --port needs a value (--port PORT)"},
        {{"--port", "70000"}, "fastapi: --port expects a number from 0 to 65535, got '70000'"},
        {{"--port", "99999999999999999999999999"}, "got '99999999999999999999999999'"},
        {{"--port", "-1"}, "fastapi: --port expects a number from 0 to 65535, got '-1'"},
        {{"--port", " 80"}, "got ' 80'"},
        {{"--workers", "100000"}, "fastapi: --workers expects a number from 0 to 1024, got '100000'"},
        {{"--host="}, "fastapi: --host needs a value, got ''"},
        {{"--log-level", "loud"},
         "fastapi: --log-level expects critical, error, warning, info, debug or trace, got "
         "'loud'"},
        {{"--log-level"}, "fastapi: --log-level needs a value"},
        {{"--access-log=yes"}, "fastapi: --access-log takes no value, got '--access-log=yes'"},
        {{"serve"}, "fastapi: unknown argument 'serve'."},
        {{"-p", "80"}, "fastapi: unknown argument '-p'."},
        {{"--port", "0", "--port", "x"}, "got 'x'"},  // a repeated flag is read each time, the last one wins
    };
    for (const char* program : {"01_hello", "15_settings"}) {
      for (const Case& c : cases) {
        CAPTURE(program);
        CAPTURE(c.says);
        Outcome out = run_to_exit(example(program), c.args);
        CHECK(out.code == 2);
        REQUIRE(out.lines.size() == 1);
        CHECK(out.lines[0].find(c.says) != std::string::npos);
      }
    }
    // The app's own flags, as hostile.
    const std::vector<Case> app_cases = {
        {{"--page-size"}, "fastapi: --page-size needs a value (--page-size INT)"},
        {{"--page-size", "0"}, "Input should be greater than or equal to 1 [type=greater_than_equal"},
        {{"--page-size=1e99"}, "Input should be a valid integer, unable to parse string as an integer"},
        {{"--page-size", "99999999999999999999"}, "page_size"},
        {{"--no-page-size"}, "fastapi: unknown argument '--no-page-size'."},  // --no- is for bool members only
    };
    for (const Case& c : app_cases) {
      CAPTURE(c.says);
      Outcome out = run_to_exit(example("15_settings"), c.args);
      for (const auto& l : out.lines) CAPTURE(l);
      CHECK(out.code == 2);
      CHECK(has(out.lines, c.says));
    }
    // A bad variable alone is the settings' failure, exit 1 (as load_settings_or_exit), not a usage error.
    Outcome env = run_to_exit(example("15_settings"), {"--port", "0"}, {"APP_PAGE_SIZE=many"});
    CHECK(env.code == 1);
    CHECK(has(env.lines, "1 validation error for Settings"));
    CHECK(has(env.lines, "input_value='many'"));
  }

  TEST_CASE("the app's own flags beside the server's: --port 0 --items-file F --page-size 2; flags win over env") {
    ItemsFile items("apple\nbanana\ncherry\n");
    Server app(example("15_settings"),
               {"--port", "0", "--items-file", items.path, "--page_size=5", "--workers", "1", "--page-size", "2"},
               {"APP_PAGE_SIZE=50", "APP_APP_NAME=Shop"});
    CHECK(test_support::body_of(http_get(app.port, "/info")) ==
          R"({"app_name":"Shop","items_file":")" + items.path + R"(","page_size":2})");
    CHECK(test_support::body_of(http_get(app.port, "/items?page=2")) == R"({"page":2,"items":["cherry"]})");
    std::optional<int> code;
    app.stop(code);
    CHECK(code == 0);

    // Everything after -- stays the app's, unread by both.
    Server rest(example("15_settings"), {"--port", "0", "--", "--anything", "goes"});
    CHECK(test_support::status_of(http_get(rest.port, "/info")) == 200);
    rest.stop(code);
    CHECK(code == 0);
  }

  TEST_CASE("startup as uvicorn's, in our words: process, startup, Listening on, workers, docs URL") {
    Server app(example("01_hello"), {"--port", "0", "--workers", "2"});
    const std::string pid = std::to_string(app.process.pid());
    const std::string base = "http://127.0.0.1:" + std::to_string(app.port);
    for (const auto& l : app.startup) CAPTURE(l);
    CHECK(has(app.startup, "INFO:     Started server process [" + pid + "]"));
    CHECK(has(app.startup, "INFO:     Waiting for application startup."));
    CHECK(has(app.startup, "INFO:     Application startup complete."));
    CHECK(app.startup.back() == "Listening on " + base);  // the line scripts parse, unchanged
    std::optional<int> code;
    auto rest = app.stop(code);
    for (const auto& l : rest) CAPTURE(l);
    CHECK(code == 0);
    CHECK(has(rest, "INFO:     Serving " + base + " with 2 worker threads (Ctrl+C stops it)"));
    CHECK(has(rest, "INFO:     Interactive docs at " + base + "/docs"));
    CHECK(has(rest, "INFO:     Finished server process [" + pid + "]"));
  }

  TEST_CASE("--log-level warning hides the INFO lines but never `Listening on`; critical hides a 500's ERROR") {
    Server quiet(example("15_settings"), {"--port", "0", "--log-level", "warning", "--items-file", "/nonexistent"});
    CHECK(quiet.startup.size() == 1);  // Listening on, alone
    CHECK(test_support::status_of(http_get(quiet.port, "/items")) == 500);
    std::optional<int> code;
    auto rest = quiet.stop(code);
    CHECK(code == 0);
    CHECK_FALSE(has(rest, "INFO:"));
    CHECK(has(rest, "ERROR:    exception in GET /items: std::runtime_error: cannot open the items file "
                    "'/nonexistent'"));

    Server silent(example("15_settings"), {"--port", "0", "--log-level=critical", "--items-file", "/nonexistent"});
    CHECK(silent.startup.size() == 1);
    CHECK(test_support::status_of(http_get(silent.port, "/items")) == 500);
    rest = silent.stop(code);
    CHECK(code == 0);
    CHECK(rest.empty());
  }

  TEST_CASE("a 500 names the route template, the exception's type and message; debug adds the bound parameters") {
    Server app(example("15_settings"), {"--port", "0", "--log-level", "debug", "--items-file", "/nonexistent/x"});
    CHECK(test_support::status_of(http_get(app.port, "/items?page=3")) == 500);
    CHECK(test_support::body_of(http_get(app.port, "/items?page=3")) == R"({"detail":"Internal Server Error"})");
    std::optional<int> code;
    auto rest = app.stop(code);
    for (const auto& l : rest) CAPTURE(l);
    CHECK(code == 0);
    CHECK(has(rest, "DEBUG:    GET /items?page=3 HTTP/1.1: page = 3"));
    CHECK(has(rest, "ERROR:    exception in GET /items: std::runtime_error: cannot open the items file "
                    "'/nonexistent/x'"));
  }

  TEST_CASE("--access-log writes uvicorn's line per request; --no-access-log after it turns it off") {
    ItemsFile items("apple\n");
    Server logged(example("15_settings"), {"--port", "0", "--access-log", "--items-file", items.path});
    CHECK(test_support::status_of(http_get(logged.port, "/items")) == 200);
    std::optional<int> code;
    auto rest = logged.stop(code);
    CHECK(code == 0);
    bool found = false;
    for (const auto& l : rest)
      found = found || (l.starts_with("INFO:     127.0.0.1:") && l.find(" - \"GET /items HTTP/1.1\" 200 ") != l.npos);
    CHECK(found);

    Server unlogged(example("15_settings"), {"--port", "0", "--access-log", "--no-access-log"});
    CHECK(test_support::status_of(http_get(unlogged.port, "/info")) == 200);
    rest = unlogged.stop(code);
    CHECK_FALSE(has(rest, "\"GET /info HTTP/1.1\""));
  }

  TEST_CASE("--root-path: the docs page and the OpenAPI servers under the proxy's prefix; routes as received") {
    Server app(example("15_settings"), {"--port", "0", "--root-path", "/api/v1"});
    std::string doc = http_get(app.port, "/openapi.json");
    CHECK(test_support::status_of(doc) == 200);
    CHECK(doc.find(R"(},"servers":[{"url":"/api/v1"}],"paths":{)") != std::string::npos);
    CHECK(http_get(app.port, "/docs").find(R"(url: "/api/v1/openapi.json")") != std::string::npos);
    CHECK(test_support::status_of(http_get(app.port, "/info")) == 200);  // the proxy stripped the prefix
    std::optional<int> code;
    app.stop(code);
    CHECK(code == 0);
  }
}

}  // namespace app_cli_file

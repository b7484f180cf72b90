// tests/di/test_settings.cpp: fa::load_settings<S> against pydantic-settings' behaviour: the prefix, any case,
// nested structs through `__`, defaults and Rules, JSON for containers, the environment over the .env file,
// every error listed in Pydantic's format; parse_dotenv on quotes, comments, `export` and hostile text.
#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "fastapi/app/app.hpp"
#include "fastapi/app/cli.hpp"
#include "fastapi/di/settings.hpp"

// Everything below is this file's own (the tests are compiled as a unity build).
namespace di_settings_file {

namespace fa = fastapi;

/// Sets variables for one test and restores what was there before, whatever the test's outcome.
class ScopedEnv {
 public:
  ScopedEnv(std::initializer_list<std::pair<const char*, const char*>> vars) {
    for (auto [name, value] : vars) {
      const char* old = std::getenv(name);
      saved_.emplace_back(name, old ? std::optional<std::string>(old) : std::nullopt);
      ::setenv(name, value, 1);
    }
  }
  ~ScopedEnv() {
    for (auto& [name, old] : saved_) {
      if (old) ::setenv(name.c_str(), old->c_str(), 1);
      else ::unsetenv(name.c_str());
    }
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

/// A file removed at the end of the test.
struct TempFile {
  std::string path;
  explicit TempFile(const std::string& text) {
    char name[] = "/tmp/fastapi_env_XXXXXX";
    int fd = ::mkstemp(name);
    REQUIRE(fd >= 0);
    path = name;
    std::FILE* f = ::fdopen(fd, "wb");
    std::fwrite(text.data(), 1, text.size(), f);
    std::fclose(f);
  }
  ~TempFile() { std::remove(path.c_str()); }
};

struct Database {
  std::string host;
  fa::Default<int, fa::Rule{.ge = 1, .le = 65535}> port = 5432;
};

enum class Mode { dev, prod };

struct Settings {
  fa::Default<std::string> name = "demo";
  fa::Default<int, fa::Rule{.ge = 1, .le = 1000}> max_items = 100;
  fa::Default<bool> debug = false;
  std::optional<double> ratio;
  fa::Default<Mode> mode = Mode::dev;
  fa::Default<std::vector<std::string>> tags;
  fa::Default<Database> db;
};

struct Required {
  std::string admin_email;
  fa::Field<int, fa::Rule{.gt = 0}> workers;
  fa::Field<std::string, fa::Rule{.alias = "DATABASE_URL"}> database_url;
};

std::string error_of(auto&& load) {
  try {
    load();
  } catch (const fa::ConfigurationError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST_CASE("settings: defaults when nothing is set, the prefix and any case when something is") {
  Settings plain = fa::load_settings<Settings>({.env_prefix = "FA_TEST_NONE_"});
  CHECK(*plain.name == "demo");
  CHECK(*plain.max_items == 100);
  CHECK_FALSE(plain.ratio);
  CHECK(plain.db->host.empty());

  ScopedEnv env{{"FA_TEST_NAME", " shop "},  {"fa_test_max_items", " 42 "}, {"Fa_Test_Debug", "yes"},
                {"FA_TEST_RATIO", "1e3"},    {"FA_TEST_MODE", "prod"},      {"FA_TEST_TAGS", "[\"a\", \"b\"]"},
                {"FA_TEST_DB__HOST", "db1"}, {"fa_test_db__PORT", "6543"},  {"NAME", "not mine"}};
  Settings s = fa::load_settings<Settings>({.env_prefix = "FA_TEST_"});
  CHECK(*s.name == " shop ");  // strings as they are, as pydantic-settings keeps them
  CHECK(*s.max_items == 42);   // lax conversion, as query parameters
  CHECK(*s.debug);
  CHECK(*s.ratio == 1000.0);
  CHECK(*s.mode == Mode::prod);
  CHECK(*s.tags == std::vector<std::string>{"a", "b"});
  CHECK(s.db->host == "db1");
  CHECK(*s.db->port == 6543);
}

TEST_CASE("settings: every error listed in pydantic-settings' format") {
  ScopedEnv env{{"FA_BAD_MAX_ITEMS", "5000"}, {"FA_BAD_RATIO", "nan(1)"}, {"FA_BAD_TAGS__X", "ignored"},
                {"FA_BAD_DEBUG", "maybe"},    {"FA_BAD_MODE", "staging"}, {"FA_BAD_TAGS", "[1,"},
                {"FA_BAD_DB__PORT", "x"}};
  std::string what = error_of([] { fa::load_settings<Settings>({.env_prefix = "FA_BAD_"}); });
  CHECK(what ==
        "7 validation errors for Settings\n"
        "max_items\n"
        "  Input should be less than or equal to 1000 [type=less_than_equal, input_value='5000', input_type=str]\n"
        "debug\n"
        "  Input should be a valid boolean, unable to interpret input [type=bool_parsing, input_value='maybe', "
        "input_type=str]\n"
        "ratio\n"
        "  Input should be a valid number, unable to parse string as a number [type=float_parsing, "
        "input_value='nan(1)', input_type=str]\n"
        "mode\n"
        "  Input should be 'dev' or 'prod' [type=enum, input_value='staging', input_type=str]\n"
        "tags\n"
        "  Invalid JSON: Expecting value [type=json_invalid, input_value='[1,', input_type=str]\n"
        "db.host\n"
        "  Field required [type=missing, input_value={'port': 'x'}, input_type=dict]\n"
        "db.port\n"
        "  Input should be a valid integer, unable to parse string as an integer [type=int_parsing, "
        "input_value='x', input_type=str]");
}

TEST_CASE("settings: an element of a JSON member is located inside it") {
  ScopedEnv env{{"FA_EL_TAGS", "[\"a\", 1]"}};
  CHECK(error_of([] { fa::load_settings<Settings>({.env_prefix = "FA_EL_"}); }) ==
        "1 validation error for Settings\ntags.1\n  Input should be a valid string [type=string_type, input_value=1, "
        "input_type=int]");
}

TEST_CASE("settings: required members, an alias is the whole name, one error is singular") {
  std::string what = error_of([] { fa::load_settings<Required>({.env_prefix = "FA_REQ_NONE_"}); });
  CHECK(what.rfind("3 validation errors for Required\nadmin_email\n  Field required [type=missing, input_value={}, "
                   "input_type=dict]\nworkers\n",
                   0) == 0);
  ScopedEnv env{{"FA_REQ_ADMIN_EMAIL", "a@example.com"}, {"FA_REQ_WORKERS", "0"}, {"DATABASE_URL", "sqlite://"}};
  what = error_of([] { fa::load_settings<Required>({.env_prefix = "FA_REQ_"}); });
  CHECK(what == "1 validation error for Required\nworkers\n  Input should be greater than 0 [type=greater_than, "
                "input_value='0', input_type=str]");
  ScopedEnv fixed{{"FA_REQ_WORKERS", "4"}};
  Required r = fa::load_settings<Required>({.env_prefix = "FA_REQ_"});
  CHECK(*r.workers == 4);
  CHECK(*r.database_url == "sqlite://");
}

TEST_CASE("settings: long inputs are truncated as Pydantic prints them, quotes as Python's repr") {
  std::string long_value(60, 'x');
  ScopedEnv env{{"FA_LONG_MAX_ITEMS", long_value.c_str()}, {"FA_LONG_DEBUG", "it's\n"}};
  std::string what = error_of([] { fa::load_settings<Settings>({.env_prefix = "FA_LONG_"}); });
  CHECK(what.find("input_value='" + std::string(24, 'x') + "..." + std::string(23, 'x') + "'") != std::string::npos);
  CHECK(what.find("input_value=\"it's\\n\"") != std::string::npos);
}

TEST_CASE("settings: the .env file, under the environment") {
  TempFile file("# settings for tests\n"
                "export FA_DOT_NAME='from file'\n"
                "FA_DOT_MAX_ITEMS = 7   # a comment\n"
                "FA_DOT_DB__HOST=\"db\\nhost\"\n"
                "FA_DOT_DEBUG=on\n");
  Settings s = fa::load_settings<Settings>({.env_prefix = "FA_DOT_", .env_file = file.path});
  CHECK(*s.name == "from file");
  CHECK(*s.max_items == 7);
  CHECK(s.db->host == "db\nhost");
  CHECK(*s.debug);
  ScopedEnv env{{"FA_DOT_MAX_ITEMS", "9"}};
  CHECK(*fa::load_settings<Settings>({.env_prefix = "FA_DOT_", .env_file = file.path}).max_items == 9);
  // A missing file is skipped, as pydantic-settings does.
  CHECK(*fa::load_settings<Settings>({.env_prefix = "FA_DOT_", .env_file = "/nonexistent/.env"}).max_items == 9);
}

TEST_CASE("settings: an oversized .env file is refused with a sentence") {
  TempFile file(std::string((1 << 20) + 1, '#'));
  std::string what = error_of([&] { fa::load_settings<Settings>({.env_file = file.path}); });
  CHECK(what.find("is larger than 1 MiB") != std::string::npos);
}

TEST_CASE("parse_dotenv: quotes, escapes, comments, export, multi-line values") {
  auto pairs = fa::parse_dotenv("A=1\n"
                                "  B = two words  \n"
                                "C='single # not a comment'\n"
                                "D=\"double \\\"quoted\\\" \\t tab\"\n"
                                "E=x#not-a-comment\n"
                                "F=x #comment\n"
                                "export G=exported\n"
                                "H='multi\nline'\n"
                                "I=\n"
                                "J='it\\'s'\r\n"
                                "K=crlf\r\n");
  std::map<std::string, std::string> m(pairs.begin(), pairs.end());
  CHECK(m["A"] == "1");
  CHECK(m["B"] == "two words");
  CHECK(m["C"] == "single # not a comment");
  CHECK(m["D"] == "double \"quoted\" \t tab");
  CHECK(m["E"] == "x#not-a-comment");
  CHECK(m["F"] == "x");
  CHECK(m["G"] == "exported");
  CHECK(m["H"] == "multi\nline");
  CHECK(m.count("I") == 1);
  CHECK(m["I"].empty());
  CHECK(m["J"] == "it's");
  CHECK(m["K"] == "crlf");
  CHECK(pairs.size() == 11);
}

TEST_CASE("parse_dotenv: hostile text loses only the lines it cannot read") {
  auto pairs = fa::parse_dotenv("no equals sign\n"
                                "=no key\n"
                                "A='unterminated\n"
                                "B=\"trailing\" garbage\n"
                                "C=after\n"
                                "D=\"\\\n"
                                "E=ok");
  std::map<std::string, std::string> m(pairs.begin(), pairs.end());
  CHECK(m.count("A") == 0);
  CHECK(m.count("B") == 0);
  CHECK(m["C"] == "after");
  CHECK(m["E"] == "ok");
  CHECK(fa::parse_dotenv("").empty());
  CHECK(fa::parse_dotenv("export ").empty());
  CHECK(fa::parse_dotenv("'quoted key'=x\nY=1").size() == 1);
  CHECK(fa::parse_dotenv(std::string("X=\0y\n", 5)).size() == 1);
  CHECK(fa::parse_dotenv("\"\"\"\"'''''\n\n\n===").empty());
  std::string deep(100000, '"');
  CHECK(fa::parse_dotenv("K=" + deep).empty());
}

TEST_CASE("load_config: fa::Config from FASTAPI_ variables, under PORT and the flags") {
  ScopedEnv env{{"FASTAPI_HOST", "0.0.0.0"},
                {"fastapi_port", "9001"},
                {"FASTAPI_KEEP_ALIVE_TIMEOUT", "2.5"},
                {"FASTAPI_ACCESS_LOG", "true"},
                {"FASTAPI_MULTIPART__MAX_FILES", "3"}};
  fa::Config c = fa::load_config();
  CHECK(c.host == "0.0.0.0");
  CHECK(c.port == 9001);
  CHECK(c.keep_alive_timeout == std::chrono::milliseconds(2500));
  CHECK(c.access_log);
  CHECK(c.multipart.max_files == 3);
  CHECK(c.multipart.max_fields == 1000);  // the others keep their defaults
  CHECK(c.max_body_size == fa::Config{}.max_body_size);
  CHECK(fa::load_config({.workers = 3}).workers == 3);  // the base's values stay when no variable names them
  CHECK(c.uds.empty());
  CHECK(c.ws_deflate_max_window_bits == 15);
  {
    ScopedEnv more{{"FASTAPI_UDS", "/run/app.sock"},
                   {"FASTAPI_SSL_CERTFILE", "cert.pem"},
                   {"FASTAPI_SSL_KEYFILE", "key.pem"},
                   {"FASTAPI_SSL_CERT_REQS", "2"},
                   {"FASTAPI_WS_MAX_SIZE", "1024"},
                   {"FASTAPI_WS_PING_INTERVAL", "0.5"},
                   {"FASTAPI_WS_PER_MESSAGE_DEFLATE", "false"},
                   {"FASTAPI_WS_DEFLATE_MAX_WINDOW_BITS", "12"},
                   {"FASTAPI_ROOT_PATH", "/api/v1"}};
    fa::Config t = fa::load_config();
    CHECK(t.uds == "/run/app.sock");
    CHECK(t.ssl_certfile == "cert.pem");
    CHECK(t.ssl_keyfile == "key.pem");
    CHECK(t.ssl_cert_reqs == 2);
    CHECK(t.ws_max_size == 1024);
    CHECK(t.ws_ping_interval == std::chrono::milliseconds(500));
    CHECK(!t.ws_per_message_deflate);
    CHECK(t.ws_deflate_max_window_bits == 12);
    CHECK(t.root_path == "/api/v1");
  }

  const char* none[] = {"app", nullptr};
  CHECK(fa::parse_args(1, const_cast<char**>(none)).port == 9001);
  {
    ScopedEnv port{{"PORT", "9002"}};
    CHECK(fa::parse_args(1, const_cast<char**>(none)).port == 9002);  // PORT as before, over FASTAPI_PORT
    const char* flag[] = {"app", "--port", "9003", nullptr};
    CHECK(fa::parse_args(3, const_cast<char**>(flag)).port == 9003);
  }
}

TEST_CASE("load_config: bad FASTAPI_ variables are every one listed, and App::run(argc, argv) returns 1") {
  ScopedEnv env{{"FASTAPI_PORT", "70000"}, {"FASTAPI_WORKERS", "many"}, {"FASTAPI_WRITE_TIMEOUT", "-1"}};
  CHECK(error_of([] { fa::load_config(); }) ==
        "3 validation errors for Config\n"
        "port\n  Input should be less than or equal to 65535 [type=less_than_equal, input_value='70000', "
        "input_type=str]\n"
        "workers\n  Input should be a valid integer, unable to parse string as an integer [type=int_parsing, "
        "input_value='many', input_type=str]\n"
        "write_timeout\n  Input should be greater than or equal to 0 [type=greater_than_equal, input_value='-1', "
        "input_type=str]");
  fa::App app;
  const char* argv[] = {"app", nullptr};
  CHECK(app.run(1, const_cast<char**>(argv)) == 1);  // nothing served: startup stops at the settings
}

TEST_CASE("load_config: the transport and WebSocket variables are checked as their flags are") {
  ScopedEnv env{{"FASTAPI_SSL_CERT_REQS", "3"}, {"FASTAPI_WS_DEFLATE_MAX_WINDOW_BITS", "8"}};
  CHECK(error_of([] { fa::load_config(); }) ==
        "2 validation errors for Config\n"
        "ws_deflate_max_window_bits\n  Input should be greater than or equal to 9 [type=greater_than_equal, "
        "input_value='8', input_type=str]\n"
        "ssl_cert_reqs\n  Input should be less than or equal to 2 [type=less_than_equal, input_value='3', "
        "input_type=str]");
}

}  // namespace di_settings_file

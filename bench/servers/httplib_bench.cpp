// bench/servers/httplib_bench.cpp: the cpp-httplib peer of bench/run.sh and bench/memory.sh.
// The same four endpoints, with the same rules, as bench/servers/fastapi_bench.cpp:
//   GET  /plaintext         ->  text/plain "Hello, World!"
//   GET  /json              ->  {"message":"Hello, World!"}
//   GET  /items/{item_id}?q ->  {"item_id":1,"q":"foo"}   item_id an int, q optional (<= 50 chars)
//   POST /users             ->  201 {"id":N,"email":"...","username":"..."}   the password never leaves;
//                               email an e-mail, username 3..50 chars, password >= 8 chars; else 422
// cpp-httplib has no models, no binding and no JSON: the path parameter is a regex group parsed with
// std::from_chars, the body is parsed with simdjson's DOM API (the whole document validated), every rule is checked by hand, and the JSON
// out (and the 422 `{"detail":[...]}` in FastAPI's shape) is written by hand. That is what a user of
// cpp-httplib writes; it does no less work than the others.
// cpp-httplib's defaults are kept (a pool of max(8, cores - 1) threads, keep-alive 5 s and 5 requests per
// connection, listen backlog 5), as a user who copies the header gets them; bench/lib.sh builds it with
// -DCPPHTTPLIB_USE_POLL (the option its README offers, and what Debian's libcpp-httplib is built with):
// without it a socket numbered >= 1024 gets a 500, which c1024 and bench/memory.sh would hit.
// Build (bench/lib.sh does it, against the single header from `apt-get source cpp-httplib`, or Debian's
// split header + shared library with -lcpp-httplib when the source package cannot be fetched):
//   g++ -std=c++20 -O2 -DNDEBUG -DCPPHTTPLIB_USE_POLL -Ibuild/bench/httplib bench/servers/httplib_bench.cpp
//       -o build/bench/httplib_bench -lsimdjson -pthread
// Run:   ./httplib_bench --host 127.0.0.1 --port 8080
#include <httplib.h>
#include <simdjson.h>

#include <atomic>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace {

std::size_t utf8_length(std::string_view s) {  // characters, as pydantic counts them
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += ch;
        }
    }
  }
  out += '"';
}

// local@domain.tld: a non-empty local part of atext and dots (no leading, trailing or double dot), a domain of
// at least two labels of letters, digits and hyphens (not at either end), a top-level label of letters.
bool valid_email(std::string_view s) {
  auto at = s.find('@');
  if (at == std::string_view::npos || s.find('@', at + 1) != std::string_view::npos) return false;
  std::string_view local = s.substr(0, at), domain = s.substr(at + 1);
  if (local.empty() || local.size() > 64 || domain.size() > 253) return false;
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos) return false;
  for (unsigned char c : local)
    if (!(std::isalnum(c) || std::strchr(".!#$%&'*+/=?^_`{|}~-", c))) return false;
  std::size_t labels = 0, start = 0;
  while (start <= domain.size()) {
    std::size_t end = domain.find('.', start);
    if (end == std::string_view::npos) end = domain.size();
    std::string_view label = domain.substr(start, end - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
    for (unsigned char c : label)
      if (!(std::isalnum(c) || c == '-')) return false;
    ++labels;
    if (end == domain.size()) {
      for (unsigned char c : label)
        if (!std::isalpha(c)) return false;
      break;
    }
    start = end + 1;
  }
  return labels >= 2;
}

// One FastAPI-shaped error: {"type":..,"loc":[where,field],"msg":..} (loc ["body"] for the whole body)
void add_error(std::string& detail, std::string_view type, std::string_view where, std::string_view field,
               std::string_view msg) {
  detail += detail.empty() ? "" : ",";
  detail += "{\"type\":";
  append_json_string(detail, type);
  detail += ",\"loc\":[";
  append_json_string(detail, where);
  if (!field.empty()) {
    detail += ',';
    append_json_string(detail, field);
  }
  detail += "],\"msg\":";
  append_json_string(detail, msg);
  detail += '}';
}

void unprocessable(httplib::Response& res, const std::string& detail) {
  res.status = 422;
  res.set_content("{\"detail\":[" + detail + "]}", "application/json");
}

// A string member of the body: a "missing" or "string_type" error, or the value.
std::optional<std::string> read_string_field(simdjson::dom::object obj, std::string_view key, std::string& detail) {
  simdjson::dom::element field;
  if (obj.at_key(key).get(field) != simdjson::SUCCESS) {
    add_error(detail, "missing", "body", key, "Field required");
    return std::nullopt;
  }
  std::string_view v;
  if (field.get_string().get(v) != simdjson::SUCCESS) {
    add_error(detail, "string_type", "body", key, "Input should be a valid string");
    return std::nullopt;
  }
  return std::string(v);
}

}  // namespace

int main(int argc, char** argv) {
  std::string host = "127.0.0.1";
  int port = 8000;
  bool tcp_nodelay = false;  // --tcp-nodelay: the one tuning a user who finds the 300 req/s would apply
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a == "--tcp-nodelay") tcp_nodelay = true;
    else if (a == "--host" && i + 1 < argc) host = argv[++i];
    else if (a == "--port" && i + 1 < argc) port = std::atoi(argv[++i]);
  }

  httplib::Server svr;
  if (tcp_nodelay) svr.set_tcp_nodelay(true);
  std::atomic<int> next_id{1};

  svr.Get("/plaintext",
          [](const httplib::Request&, httplib::Response& res) { res.set_content("Hello, World!", "text/plain"); });

  svr.Get("/json", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(R"({"message":"Hello, World!"})", "application/json");
  });

  svr.Get(R"(/items/([^/]+))", [](const httplib::Request& req, httplib::Response& res) {
    std::string detail;
    std::string raw = req.matches[1];
    long long item_id = 0;
    auto [end, ec] = std::from_chars(raw.data(), raw.data() + raw.size(), item_id);
    if (ec != std::errc{} || end != raw.data() + raw.size() || item_id < INT32_MIN || item_id > INT32_MAX)
      add_error(detail, "int_parsing", "path", "item_id", "Input should be a valid integer");
    bool has_q = req.has_param("q");
    std::string q = has_q ? req.get_param_value("q") : std::string();
    if (has_q && utf8_length(q) > 50)
      add_error(detail, "string_too_long", "query", "q", "String should have at most 50 characters");
    if (!detail.empty()) return unprocessable(res, detail);
    std::string out = "{\"item_id\":" + std::to_string(item_id) + ",\"q\":";
    if (has_q) append_json_string(out, q);
    else out += "null";
    out += '}';
    res.set_content(out, "application/json");
  });

  svr.Post("/users", [&next_id](const httplib::Request& req, httplib::Response& res) {
    // simdjson's parser is not thread-safe and costly to build: one per pool thread.
    thread_local simdjson::dom::parser parser;
    std::string detail;
    simdjson::dom::object obj;
    if (auto err = parser.parse(req.body).get(obj)) {
      add_error(detail, err == simdjson::INCORRECT_TYPE ? "model_attributes_type" : "json_invalid", "body", "",
                err == simdjson::INCORRECT_TYPE ? "Input should be a valid dictionary" : "JSON decode error");
      return unprocessable(res, detail);
    }
    auto email = read_string_field(obj, "email", detail);
    auto username = read_string_field(obj, "username", detail);
    auto password = read_string_field(obj, "password", detail);
    if (email && !valid_email(*email))
      add_error(detail, "value_error", "body", "email", "value is not a valid email address");
    if (username && utf8_length(*username) < 3)
      add_error(detail, "string_too_short", "body", "username", "String should have at least 3 characters");
    if (username && utf8_length(*username) > 50)
      add_error(detail, "string_too_long", "body", "username", "String should have at most 50 characters");
    if (password && utf8_length(*password) < 8)
      add_error(detail, "string_too_short", "body", "password", "String should have at least 8 characters");
    if (!detail.empty()) return unprocessable(res, detail);
    std::string out = "{\"id\":" + std::to_string(next_id.fetch_add(1, std::memory_order_relaxed)) + ",\"email\":";
    append_json_string(out, *email);
    out += ",\"username\":";
    append_json_string(out, *username);
    out += '}';
    res.status = 201;
    res.set_content(out, "application/json");
  });

  if (!svr.listen(host, port)) {
    std::fprintf(stderr, "httplib_bench: cannot listen on %s:%d\n", host.c_str(), port);
    return 1;
  }
}

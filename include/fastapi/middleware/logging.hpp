// middleware/logging.hpp: fa::AccessLogMiddleware, one line per request (uvicorn's layout, or JSON lines):
// client, method, path, status, bytes, duration. Fed by the middleware chain (a request in, its response
// out); feeds the app's logger or a sink of the user's. Knows nothing of routes.
#pragma once

#include <charconv>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <ctime>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "fastapi/core/config.hpp"
#include "fastapi/core/log.hpp"
#include "fastapi/core/task.hpp"
#include "fastapi/http/method.hpp"
#include "fastapi/http/request.hpp"
#include "fastapi/http/response.hpp"
#include "fastapi/http/status.hpp"
#include "fastapi/json/sink.hpp"
#include "fastapi/middleware/chain.hpp"

namespace fastapi {

/// The layout of an access-log line.
enum class AccessLog {
  off,     ///< no line (the middleware passes requests through)
  common,  ///< uvicorn's: `127.0.0.1:52814 - "GET /items/1?q=x HTTP/1.1" 200 1234 0.512ms`
  json,    ///< one object: {"time":"2024-05-01T12:00:00.123Z","client":"127.0.0.1:52814","method":"GET",
           ///< "path":"/items/1","query":"q=x","status":200,"bytes":1234,"duration_ms":0.512}
};

/// Options of fa::AccessLogMiddleware.
struct AccessLogOptions {
  AccessLog format = AccessLog::common;
  /// Where each line goes, without a newline; called from every worker thread, so it must be thread-safe.
  /// Empty: the app's logger at info level (`INFO:     ` + the line, as uvicorn prints it).
  std::function<void(std::string_view line)> sink{};
};

/// Logs one line per request: `app.add_middleware(fa::AccessLogMiddleware{{.format = fa::AccessLog::json}});`
///   - common: `<client> - "<METHOD> <raw path>[?<query>] HTTP/1.<v>" <status> <bytes> <ms>ms`, uvicorn's
///     line with bytes and duration; `"`, `\` and bytes outside printable ASCII in the target become `\xHH`,
///     so a request cannot forge log lines. A client without an address is `-`.
///   - json: the fields of the line as one JSON object: time (RFC 3339, UTC, when the request came in),
///     client ("host:port" or null), method, path (raw, as sent), query (raw), status, bytes, duration_ms.
/// The client is read when the response comes back, so the one a trusted proxy names is logged even when
/// fa::ProxyHeadersMiddleware runs inside this middleware.
/// bytes counts the body bytes sent: 0 for HEAD and for 1xx/204/304; for a streamed body, the sum of its
/// chunks. So a streamed response is logged when its stream ends (or is abandoned: client gone, HEAD),
/// with the duration up to then: the line then tells what the client got and how long it took, which a
/// line written before the first chunk could not (it would say "-" and the time to the headers only).
/// An exception that escapes the rest of the chain is logged as status 500 with bytes `-` (null in JSON),
/// then rethrown: the app answers it, outside this middleware.
/// Order: added last (outermost), it logs what the client gets: the compressed size under
/// fa::GZipMiddleware, and the answers of every middleware added before it. With the default sink, no
/// line is built when the logger drops info.
class AccessLogMiddleware {
 public:
  using Options = AccessLogOptions;  ///< app.add_middleware<ThisMiddleware>({...}) takes these
  explicit AccessLogMiddleware(AccessLogOptions options = {}) : options_(std::move(options)) {}
  Task<Response> operator()(Request& req, Next next) const;
  const AccessLogOptions& options() const { return options_; }

 private:
  AccessLogOptions options_;
};

namespace detail {

/// What a line says of its request; views, or owned copies for a stream that outlives the request.
struct AccessFields {
  std::chrono::system_clock::time_point time{};
  std::string_view client_host{};
  std::uint16_t client_port = 0;
  std::string_view method{};
  std::string_view path{};
  std::string_view query{};
  int version_minor = 1;
};

/// Appends `text` with `"`, `\` and bytes outside printable ASCII as `\xHH` (Apache's escaping).
inline void append_log_escaped(std::string& out, std::string_view text) {
  constexpr std::string_view hex = "0123456789abcdef";
  for (char c : text) {
    auto b = static_cast<unsigned char>(c);
    if (b < 0x20 || b >= 0x7f || c == '"' || c == '\\') {
      out.append("\\x");
      out.push_back(hex[b >> 4]);
      out.push_back(hex[b & 15]);
    } else {
      out.push_back(c);
    }
  }
}

/// `t` as RFC 3339 in UTC with milliseconds: "2024-05-01T12:00:00.123Z".
inline void append_rfc3339(std::string& out, std::chrono::system_clock::time_point t) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  long long seconds = ms / 1000, millis = ms % 1000;
  if (millis < 0) {
    millis += 1000;
    seconds -= 1;
  }
  std::time_t tt = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::size_t n = std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
  out.append(buf, n);
  out.push_back('.');
  out.push_back(static_cast<char>('0' + millis / 100));
  out.push_back(static_cast<char>('0' + millis / 10 % 10));
  out.push_back(static_cast<char>('0' + millis % 10));
  out.push_back('Z');
}

inline void append_client(std::string& out, const AccessFields& f) {
  out.append(f.client_host);
  out.push_back(':');
  char buf[8];
  out.append(buf, std::to_chars(buf, buf + sizeof(buf), f.client_port).ptr);
}

/// The line for one request (without a newline).
inline std::string access_line(AccessLog format, const AccessFields& f, int status, std::optional<std::size_t> bytes,
                               std::chrono::steady_clock::duration took) {
  std::string out;
  out.reserve(128 + f.path.size() + f.query.size());
  char num[32];
  auto append_num = [&](auto v) { out.append(num, std::to_chars(num, num + sizeof(num), v).ptr); };
  double ms = std::chrono::duration<double, std::milli>(took).count();
  auto append_ms = [&] { out.append(num, std::to_chars(num, num + sizeof(num), ms, std::chars_format::fixed, 3).ptr); };
  if (format == AccessLog::json) {
    out.append("{\"time\":\"");
    append_rfc3339(out, f.time);
    out.append("\",\"client\":");
    if (f.client_host.empty()) {
      out.append("null");
    } else {
      out.push_back('"');
      append_client(out, f);  // an address and a number: nothing to escape
      out.push_back('"');
    }
    out.append(",\"method\":");
    write_json_string(out, f.method);
    out.append(",\"path\":");
    write_json_string(out, f.path);
    out.append(",\"query\":");
    write_json_string(out, f.query);
    out.append(",\"status\":");
    append_num(status);
    out.append(",\"bytes\":");
    if (bytes) {
      append_num(*bytes);
    } else {
      out.append("null");
    }
    out.append(",\"duration_ms\":");
    append_ms();
    out.push_back('}');
    return out;
  }
  if (f.client_host.empty()) {
    out.push_back('-');
  } else {
    append_client(out, f);
  }
  out.append(" - \"");
  append_log_escaped(out, f.method);
  out.push_back(' ');
  append_log_escaped(out, f.path);
  if (!f.query.empty()) {
    out.push_back('?');
    append_log_escaped(out, f.query);
  }
  out.append(f.version_minor == 0 ? " HTTP/1.0\" " : " HTTP/1.1\" ");
  append_num(status);
  out.push_back(' ');
  if (bytes) {
    append_num(*bytes);
  } else {
    out.push_back('-');
  }
  out.push_back(' ');
  append_ms();
  out.append("ms");
  return out;
}

inline void write_access_line(const AccessLogOptions& o, const std::string& line) {
  if (o.sink) {
    o.sink(line);
  } else {
    log(LogLevel::info, line);
  }
}

/// A streamed response's line: written when the stream ends, or when the response is dropped before
/// (HEAD, client gone, an exception in the stream), with the bytes counted until then.
struct AccessLogStream {
  AccessLogStream(BodyStream source, const AccessLogOptions& o, const AccessFields& f, int code,
                  std::chrono::steady_clock::time_point began)
      : inner(std::move(source)), options(o), client_host(f.client_host), method(f.method), path(f.path),
        query(f.query), fields(f), status(code), start(began) {
    fields.client_host = client_host;  // the request's views die with it: point at our copies
    fields.method = method;
    fields.path = path;
    fields.query = query;
  }
  ~AccessLogStream() {
    try {
      finish();
    } catch (...) {  // a destructor must not throw: a failing sink loses this one line
    }
  }
  AccessLogStream(const AccessLogStream&) = delete;
  AccessLogStream& operator=(const AccessLogStream&) = delete;
  void finish() {
    if (logged) return;
    logged = true;
    write_access_line(options,
                      access_line(options.format, fields, status, bytes, std::chrono::steady_clock::now() - start));
  }

  BodyStream inner;
  AccessLogOptions options;
  std::string client_host, method, path, query;
  AccessFields fields;
  int status;
  std::chrono::steady_clock::time_point start;
  std::size_t bytes = 0;
  bool logged = false;
};

inline Task<bool> access_log_stream_next(std::shared_ptr<AccessLogStream> s, std::string& chunk) {
  std::size_t before = chunk.size();
  bool more = co_await s->inner(chunk);
  if (more) {
    s->bytes += chunk.size() - before;
    co_return true;
  }
  s->finish();
  co_return false;
}

}  // namespace detail

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE Task<Response> AccessLogMiddleware::operator()(Request& req, Next next) const {
  if (options_.format == AccessLog::off || (!options_.sink && !detail::current_logger().enabled(LogLevel::info)))
    co_return co_await next(req);
  auto start = std::chrono::steady_clock::now();
  detail::AccessFields fields{.time = std::chrono::system_clock::now(),
                              .method = req.method_name,
                              .path = req.raw_path,
                              .query = req.query_string,
                              .version_minor = req.version_minor};
  Response res;
  std::exception_ptr error;
  try {
    res = co_await next(req);
  } catch (...) {
    error = std::current_exception();
  }
  // The client as the request holds it now: an inner ProxyHeadersMiddleware has put the forwarded one there.
  fields.client_host = req.client_host;
  fields.client_port = req.client_port;
  if (error) {
    detail::write_access_line(options_, detail::access_line(options_.format, fields, 500, std::nullopt,
                                                            std::chrono::steady_clock::now() - start));
    std::rethrow_exception(error);
  }
  bool bodyless = req.method == Method::head || status_forbids_body(res.status);
  if (res.stream && !bodyless) {
    auto state = std::make_shared<detail::AccessLogStream>(std::move(res.stream), options_, fields, res.status, start);
    res.stream = [state](std::string& chunk) { return detail::access_log_stream_next(state, chunk); };
    co_return res;
  }
  std::size_t bytes = bodyless ? 0 : res.body.size();
  detail::write_access_line(options_, detail::access_line(options_.format, fields, res.status, bytes,
                                                          std::chrono::steady_clock::now() - start));
  co_return res;
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

}  // namespace fastapi

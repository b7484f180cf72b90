// middleware/gzip.hpp: fa::GZipMiddleware, Starlette's GZipMiddleware: response bodies compressed with zlib
// (gzip wrapper) for clients that accept gzip. Fed by the middleware chain (a Response on its way out);
// feeds the writer. Knows nothing of routes or JSON. Compiled only with FASTAPI_ENABLE_GZIP (link -lz).
#pragma once

#include <cstddef>

#include "fastapi/core/config.hpp"
#include "fastapi/core/task.hpp"
#include "fastapi/http/request.hpp"
#include "fastapi/http/response.hpp"
#include "fastapi/middleware/chain.hpp"

namespace fastapi {

/// Options of fa::GZipMiddleware, with Starlette's names and defaults.
struct GZipOptions {
  std::size_t minimum_size = 500;  ///< bodies shorter than this many bytes are sent as they are
  int compresslevel = 9;           ///< zlib's level: 1 fastest .. 9 smallest (0 stores); else ConfigurationError
};

}  // namespace fastapi

#ifdef FASTAPI_ENABLE_GZIP

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <zlib.h>

#include "fastapi/core/errors.hpp"
#include "fastapi/core/zlib.hpp"
#include "fastapi/http/headers.hpp"
#include "fastapi/http/status.hpp"

namespace fastapi {

/// Compresses response bodies for clients that accept gzip (Starlette 0.26's GZipMiddleware):
///     app.add_middleware(fa::GZipMiddleware{{.minimum_size = 1000, .compresslevel = 6}});
/// A response is compressed when all of these hold, else it passes untouched:
///   - the request's Accept-Encoding contains "gzip" (a substring test, as Starlette: `gzip;q=0` counts
///     too, `GZIP` does not);
///   - it has no Content-Encoding of its own and its status allows a body (not 1xx, 204, 304);
///   - its body is at least `minimum_size` bytes, or it is streamed (a stream's size is unknown up front:
///     Starlette compresses every multi-part body too), except `text/event-stream`, left alone as newer
///     Starlette does (events are small, and some proxies hold compressed event streams back).
/// It gets `Content-Encoding: gzip` and `Accept-Encoding` in its Vary (appended to an existing Vary).
/// A streamed body is compressed chunk by chunk, each flushed (Z_SYNC_FLUSH), so every chunk the handler
/// produces reaches the client at once, decodable. A HEAD answer is compressed like the GET it mirrors
/// (same Content-Length and Content-Encoding; the connection drops the body). Compression runs on the
/// loop thread: for bodies of megabytes, prefer a lower compresslevel.
/// When zlib fails (out of memory) the response goes out uncompressed; in the middle of a stream, whose
/// headers already said gzip, the connection is closed instead, so the client sees a truncated body.
/// Order: add it before (inside) middleware that should see the compressed body, such as the access log.
class GZipMiddleware {
 public:
  using Options = GZipOptions;  ///< app.add_middleware<ThisMiddleware>({...}) takes these
  explicit GZipMiddleware(GZipOptions options = {});
  Task<Response> operator()(Request& req, Next next) const;
  const GZipOptions& options() const { return options_; }

 private:
  GZipOptions options_;
};

namespace detail {

/// `in` compressed as one gzip member into `out`; false (and `out` unspecified) on a zlib error.
inline bool gzip_compress(std::string_view in, int level, std::string& out) {
  Deflater deflater(level);
  out.clear();
  return deflater.write(in, Z_FINISH, out);
}

/// Adds `token` to the response's Vary (one field, the existing values kept first), unless it is
/// already listed or Vary is `*` (RFC 9110 section 12.5.5).
inline void add_vary(Headers& headers, std::string_view token) {
  std::vector<std::string_view> values = headers.get_all("vary");
  std::string joined;
  for (std::string_view value : values) {
    std::string_view rest = value;
    while (!rest.empty()) {
      std::size_t comma = rest.find(',');
      std::string_view item = rest.substr(0, comma);
      while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
      while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
      if (item == "*" || iequals(item, token)) return;
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    }
    if (!joined.empty()) joined.append(", ");
    joined.append(value);
  }
  if (!joined.empty()) joined.append(", ");
  joined.append(token);
  headers.set("Vary", joined);
}

/// The Content-Type a response will be sent with: its media type, else a raw Content-Type header.
inline std::string_view sent_content_type(const Response& res) {
  std::string_view media = res.media_type();
  if (!media.empty()) return media;
  return res.headers.get("content-type").value_or(std::string_view());
}

/// The handler's stream and the deflate stream fed by it, shared by the copies of the wrapping BodyStream.
struct GZipStream {
  explicit GZipStream(BodyStream source, int level) : inner(std::move(source)), deflater(level) {}
  BodyStream inner;
  Deflater deflater;
  std::string raw;
  bool finished = false;
};

/// The next compressed chunk: the inner stream's next chunk, deflated and flushed; at its end, the gzip
/// trailer; then false.
inline Task<bool> gzip_stream_next(std::shared_ptr<GZipStream> s, std::string& chunk) {
  if (s->finished) co_return false;
  s->raw.clear();
  bool more = co_await s->inner(s->raw);
  if (more && s->raw.empty()) co_return true;  // nothing to compress yet; the connection asks again
  bool ok = s->deflater.write(s->raw, more ? Z_SYNC_FLUSH : Z_FINISH, chunk);
  // The head already said gzip: a corrupt or cut body must not look complete, so the connection closes.
  if (!ok) throw std::runtime_error("gzip: zlib failed in the middle of a streamed body");
  if (!more) s->finished = true;
  co_return true;
}

}  // namespace detail

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE GZipMiddleware::GZipMiddleware(GZipOptions options) : options_(options) {
  if (options_.compresslevel < 0 || options_.compresslevel > 9)
    throw ConfigurationError("fastapi: GZipMiddleware compresslevel must be 0..9, got " +
                             std::to_string(options_.compresslevel));
}

FASTAPI_DETAIL_INLINE Task<Response> GZipMiddleware::operator()(Request& req, Next next) const {
  std::optional<std::string_view> accept = req.headers.get("accept-encoding");
  if (!accept || accept->find("gzip") == std::string_view::npos) co_return co_await next(req);
  Response res = co_await next(req);
  if (status_forbids_body(res.status) || res.headers.contains("content-encoding")) co_return res;
  if (res.status == 206) co_return res;  // a range of a file: its Content-Range counts uncompressed bytes
  if (res.stream) {
    if (detail::sent_content_type(res).starts_with("text/event-stream")) co_return res;
    auto state = std::make_shared<detail::GZipStream>(std::move(res.stream), options_.compresslevel);
    if (!state->deflater.ok()) {
      res.stream = std::move(state->inner);
      co_return res;
    }
    res.stream = [state](std::string& chunk) { return detail::gzip_stream_next(state, chunk); };
    res.stream_size.reset();  // a file's length is not its compressed length: chunked now
  } else {
    if (res.body.size() < options_.minimum_size) co_return res;
    std::string packed;
    if (!detail::gzip_compress(res.body, options_.compresslevel, packed)) co_return res;
    res.body = std::move(packed);  // the writer sends the new Content-Length
  }
  res.headers.set("Content-Encoding", "gzip");
  detail::add_vary(res.headers, "Accept-Encoding");
  co_return res;
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

}  // namespace fastapi

#else  // FASTAPI_ENABLE_GZIP

namespace fastapi {

/// Without FASTAPI_ENABLE_GZIP there is no compression: using this says how to turn it on.
class GZipMiddleware {
 public:
  using Options = GZipOptions;  ///< app.add_middleware<ThisMiddleware>({...}) takes these
  template <class O = GZipOptions>
  explicit GZipMiddleware(O = {}) {
    static_assert(
        sizeof(O) == 0,
        "fastapi: fa::GZipMiddleware needs zlib: define FASTAPI_ENABLE_GZIP (-DFASTAPI_ENABLE_GZIP, or "
        "#define it before including fastapi.hpp) and link zlib (-lz) (docs/compile_errors.md#app-gzip-without-zlib)");
  }
  Task<Response> operator()(Request& req, Next next) const { return next(req); }  // never built: see above
};

}  // namespace fastapi

#endif  // FASTAPI_ENABLE_GZIP

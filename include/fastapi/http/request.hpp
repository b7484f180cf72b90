// http/request.hpp: what a handler sees of one request. Filled by the parser (head), the connection
// (body, client) and the router (path params); read by middleware, binding and handlers.
// Every string_view points into the connection's read buffer or its arena: valid until the response is sent.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fastapi/core/arena.hpp"
#include "fastapi/core/config.hpp"
#include "fastapi/core/task.hpp"
#include "fastapi/http/headers.hpp"
#include "fastapi/http/method.hpp"
#include "fastapi/http/request_state.hpp"

namespace fastapi {

/// One decoded query parameter. `?tag=a&tag=b` gives two, in order.
struct QueryParam {
  std::string_view key;
  std::string_view value;
};

/// The decoded query string, in order, repeats kept. `req.query.get("q")`.
class QueryParams {
 public:
  std::optional<std::string_view> get(std::string_view key) const {
    for (const auto& p : params_)
      if (p.key == key) return p.value;
    return std::nullopt;
  }
  std::vector<std::string_view> get_all(std::string_view key) const {
    std::vector<std::string_view> out;
    for (const auto& p : params_)
      if (p.key == key) out.push_back(p.value);
    return out;
  }
  bool contains(std::string_view key) const { return get(key).has_value(); }
  void add(std::string_view key, std::string_view value) { params_.push_back({key, value}); }
  void clear() { params_.clear(); }
  std::size_t size() const { return params_.size(); }
  bool empty() const { return params_.empty(); }
  auto begin() const { return params_.begin(); }
  auto end() const { return params_.end(); }

 private:
  std::vector<QueryParam> params_;
};

/// One `{name}` captured by the router: the template's name and the (percent-decoded) path segment.
struct PathParam {
  std::string_view name;
  std::string_view value;
};

/// The path parameters of the matched route; fixed capacity, so matching allocates nothing.
class PathParams {
 public:
  std::optional<std::string_view> get(std::string_view name) const {
    for (std::size_t i = 0; i < size_; ++i)
      if (params_[i].name == name) return params_[i].value;
    return std::nullopt;
  }
  /// Appends; returns false when FASTAPI_MAX_PATH_PARAMS are already held.
  bool push(std::string_view name, std::string_view value) {
    if (size_ == params_.size()) return false;
    params_[size_++] = {name, value};
    return true;
  }
  void pop() {
    if (size_) --size_;
  }
  void clear() { size_ = 0; }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const PathParam* begin() const { return params_.data(); }
  const PathParam* end() const { return params_.data() + size_; }

 private:
  std::array<PathParam, FASTAPI_MAX_PATH_PARAMS> params_{};
  std::size_t size_ = 0;
};

namespace detail {
/// The router's answer for one request, kept where the request is, so that a request is matched once: the
/// app notes it when the head arrives (Service::body_policy needs the route's limit) or when the request
/// reaches it, and dispatches on it. It holds for the router, method and path it was made for; a middleware
/// that rewrites the method or the path gets a new match. Opaque here: routing/ comes later in the line.
struct RouteMemo {
  const void* router = nullptr;  ///< who matched (nullptr: nobody yet)
  Method method = Method::get;
  std::string_view path;
  std::uint8_t kind = 0;
  bool add_slash = false;
  std::uint32_t route = 0;
  std::string_view allow;
};
class Connection;
}  // namespace detail

/// The certificate a client presented in the TLS handshake (Config::ssl_cert_reqs 1 or 2), read once per
/// connection: what uvicorn's ASGI `tls` extension gives as client_cert_chain and client_cert_name. It has been
/// verified against Config::ssl_ca_certs (one that does not verify ends the handshake), so a handler may trust
/// its subject: `if (const fa::ClientCertificate* c = req.client_certificate()) user = c->subject;`
struct ClientCertificate {
  std::string subject;                  ///< RFC 4514, most specific first: "CN=alice,O=Example"
  std::string issuer;                   ///< the CA that signed it, the same way
  std::string serial;                   ///< the serial number in hex, uppercase ("3A0F...")
  std::chrono::sys_seconds not_before;  ///< valid from (UTC)
  std::chrono::sys_seconds not_after;   ///< valid until (UTC)
  std::string pem;                      ///< the certificate itself, PEM ("-----BEGIN CERTIFICATE-----...")
};

namespace detail {
/// What a request knows of its connection: the body read on demand, and whether the client is still there.
/// The connection implements it (http/connection.hpp); nothing above http/ sees a socket.
class ClientChannel {
 public:
  /// The next piece of a streamed body as it arrives; empty at its end. The view is valid until the next
  /// call. Throws HTTPException 413 (over the route's max_body_size), 400 (bad chunked framing), 408 (no byte
  /// for Config::body_timeout), fa::ClientDisconnect (the client went away).
  virtual Task<std::string_view> read_body_chunk() = 0;
  /// True when the client has closed its side (or reset); never waits and consumes no byte.
  virtual bool peer_closed() = 0;

 protected:
  ~ClientChannel() = default;
};
}  // namespace detail

/// `{.max_body_size = fa::unlimited}`: a streamed route that accepts a body of any size (say so explicitly;
/// a route taking fa::RequestStream& without max_body_size is a registration error).
inline constexpr std::size_t unlimited = static_cast<std::size_t>(-1);

/// The request body as it arrives, chunk by chunk (Starlette's `async for chunk in request.stream()`):
///     app.post("/upload", [](fa::RequestStream& body) -> fa::Task<fa::Json> {
///       std::uint64_t n = 0;
///       while (std::optional<std::string_view> chunk = co_await body.next()) n += chunk->size();
///       co_return fa::Json{{"bytes", n}};
///     }, {.max_body_size = 1ull << 30});
/// A handler that takes `fa::RequestStream&` gets the body unbuffered: the connection reads only as next() is
/// awaited (a client sending faster waits: TCP backpressure), sends `100 Continue` at the first next(), and
/// checks the route's max_body_size as bytes arrive (which such a route must set: docs/realtime.md). Elsewhere
/// `req.stream()` gives the body already read, as one chunk. The view is valid until the next next().
class RequestStream {
 public:
  /// The next chunk (never empty), or nullopt once the body has ended. Errors: see ClientChannel.
  Task<std::optional<std::string_view>> next();
  /// Bytes given so far.
  std::uint64_t bytes_read() const { return received_; }
  /// True once next() has given the whole body.
  bool finished() const { return done_; }

 private:
  friend struct Request;
  detail::ClientChannel* channel_ = nullptr;  ///< set: read from the connection; null: `whole_` is the body
  std::string_view whole_;
  std::uint64_t received_ = 0;
  bool done_ = false;
};

namespace detail {
inline Task<std::optional<std::string_view>> ready_chunk(std::optional<std::string_view> chunk) { co_return chunk; }
}  // namespace detail

/// An HTTP request as the handler sees it. Field names follow Starlette's Request.
struct Request {
  Method method = Method::get;
  std::string_view method_name;   ///< the method token as sent ("GET", "PROPFIND", ...)
  std::string_view target;        ///< the raw request-target ("/items/a%20b?q=1")
  std::string_view raw_path;      ///< path part of the target, not decoded
  std::string_view path;          ///< percent-decoded path ("/items/a b"); under a mount, the rest after its prefix
  std::string_view root_path;     ///< the mount prefixes this request passed ("/sub"; "" at the top), for URLs
  std::string_view query_string;  ///< raw query, without '?'
  int version_minor = 1;          ///< 1 for HTTP/1.1, 0 for HTTP/1.0
  HeaderViews headers;            ///< in order, duplicates kept
  QueryParams query;              ///< decoded query parameters
  PathParams path_params;         ///< filled by the router, before the middleware runs (again if one rewrites the path)
  std::string_view body;          ///< the whole body (de-chunked), empty when none
  std::string_view client_host;   ///< peer address ("127.0.0.1"; the client's, behind a trusted proxy)
  std::uint16_t client_port = 0;  ///< peer port
  std::string_view scheme = "http";  ///< "http", or what a trusted proxy says ("https")

  // Framing, as the parser understood it.
  std::optional<std::size_t> content_length;  ///< Content-Length, when sent
  bool chunked = false;                       ///< Transfer-Encoding: chunked
  bool keep_alive = true;                     ///< false: close after the response
  bool expect_continue = false;               ///< Expect: 100-continue

  /// Decoded strings (path, query, chunked body) live here until the response is sent.
  detail::Arena* arena = nullptr;
  /// The router's answer, once per request (app/app.hpp).
  detail::RouteMemo route_memo;
  /// Typed values set by a middleware or dependency for this request: `req.state.set<RequestId>(...)`.
  RequestStateMap state;
  /// The connection this request came on (null for a Request built by hand).
  detail::ClientChannel* channel = nullptr;
  /// The body is not read before the handler: it comes through stream() (the route takes fa::RequestStream&).
  bool body_streamed = false;

  /// The body as it arrives (a route taking fa::RequestStream&), else the body already read, as one chunk.
  RequestStream& stream() {
    if (!body_streamed) body_stream_.whole_ = body;
    body_stream_.channel_ = body_streamed ? channel : nullptr;
    return body_stream_;
  }
  /// True once the client has gone (closed or reset its connection), as Starlette's is_disconnected(): for a
  /// long handler to give up early. `if (co_await req.is_disconnected()) co_return fa::Response{};` Never waits.
  /// A client that half-closed after sending its request counts as gone (uvicorn does the same).
  Task<bool> is_disconnected() { co_return channel && channel->peer_closed(); }
  /// The client's TLS certificate, verified at the handshake (Starlette: `request.scope["extensions"]["tls"]`);
  /// null without TLS, when the server asks for none (ssl_cert_reqs 0) or the client sent none (1). It lives as
  /// long as the connection.
  const ClientCertificate* client_certificate() const { return client_certificate_; }

  /// Forget everything of the previous request (keeps capacity: no allocation next time).
  void reset() {
    method = Method::get;
    method_name = target = raw_path = path = root_path = query_string = body = {};
    scheme = "http";
    version_minor = 1;
    headers.clear();
    query.clear();
    path_params.clear();
    route_memo = {};
    state.clear();
    content_length.reset();
    chunked = false;
    keep_alive = true;
    expect_continue = false;
    body_streamed = false;
    body_stream_ = RequestStream{};
    client_certificate_ = nullptr;
  }

 private:
  friend class detail::Connection;  // sets the certificate of its TLS session
  RequestStream body_stream_{};
  const ClientCertificate* client_certificate_ = nullptr;
};

inline Task<std::optional<std::string_view>> RequestStream::next() {
  if (done_) return detail::ready_chunk(std::nullopt);
  if (!channel_) {
    done_ = true;
    received_ = whole_.size();
    return detail::ready_chunk(whole_.empty() ? std::nullopt : std::optional<std::string_view>(whole_));
  }
  return [](RequestStream& self) -> Task<std::optional<std::string_view>> {
    std::string_view chunk = co_await self.channel_->read_body_chunk();
    if (chunk.empty()) {
      self.done_ = true;
      co_return std::nullopt;
    }
    self.received_ += chunk.size();
    co_return chunk;
  }(*this);
}

}  // namespace fastapi

// client/exchange.hpp: one request and its response over one connection (a ClientStream: TCP, a Unix socket,
// TLS over either; opened by client/stream.hpp unless the pool lends one), send the serialized request, read the head (interim 1xx skipped) and the body (Content-Length,
// chunked or up to the close, within max_response_size), each step raced against its deadline; a
// connection that ends clean goes back to the pool. Fed by the client (client/client.hpp: a leased
// connection and one hop of a call); feeds a ClientResponse, or a Failure the client words as a ClientError.
// Responses are read by the server's own parser (http/response_parser.hpp). Knows nothing of redirects or retries.
#pragma once

#include <algorithm>
#include <chrono>
#include <coroutine>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "fastapi/client/options.hpp"
#include "fastapi/client/pool.hpp"
#include "fastapi/client/response.hpp"
#include "fastapi/client/stream.hpp"
#include "fastapi/client/url.hpp"
#include "fastapi/core/config.hpp"
#include "fastapi/core/task.hpp"
#include "fastapi/http/chunked.hpp"
#include "fastapi/http/field_lines.hpp"
#include "fastapi/http/response_parser.hpp"

// The server's internals name Asio's types: declared only where Asio is included (core/config.hpp's
// FASTAPI_DETAIL_ASIO), so an app's file built with FASTAPI_SEPARATE_COMPILATION parses none of them.
#if FASTAPI_DETAIL_ASIO
#include <asio.hpp>

namespace fastapi::detail {

/// Frees the pool slot of a lease unless the connection was given back (every early return, every throw).
struct LeaseGuard {
  ConnectionPool& pool;
  const std::string& key;
  bool given_back = false;
  ~LeaseGuard() {
    if (!given_back) pool.forget(key);
  }
};

/// Most interim 1xx responses (100 Continue, 103 Early Hints) skipped before the final one; more is a
/// protocol error. RFC 9110 section 15.2 sets no bound; Go's transport stops at 5, we allow a few more.
inline constexpr int max_interim_responses = 10;

inline bool is_idempotent(std::string_view method) {
  return method == "GET" || method == "HEAD" || method == "OPTIONS" || method == "PUT" || method == "DELETE" ||
         method == "TRACE";
}

/// Appends what arrives to `buf`; a failure on EOF, error or deadline (`what` names the awaited part).
FASTAPI_DETAIL_INLINE Task<std::optional<Failure>> read_more(ClientStream& stream, asio::steady_timer& timer,
                                                             const ClientCall& call, const ClientOptions& options,
                                                             std::string& buf, std::string_view what);
/// Sends `call.wire` over the leased connection (a new one when the lease holds none) and reads the response
/// into `out`; the connection goes back to `pool` when the response ended clean and may be kept alive.
/// `tls_context` is the client's (client/tls.hpp) for an https:// call, else nullptr.
FASTAPI_DETAIL_INLINE Task<std::optional<Failure>> exchange_once(asio::io_context& io, const ClientCall& call,
                                                                 const ClientOptions& options, ConnectionPool& pool,
                                                                 Lease lease, ::ssl_ctx_st* tls_context,
                                                                 ClientResponse& out);

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE Task<std::optional<Failure>> read_more(ClientStream& stream, asio::steady_timer& timer,
                                                             const ClientCall& call, const ClientOptions& options,
                                                             std::string& buf, std::string_view what) {
  // The total deadline is checked before every read, not only raced against it: an upstream that keeps the
  // socket readable (a flood of 1xx heads, endless chunk extensions, a body trickled byte by byte) completes
  // every read before the timer could fire, so a race alone never ends such a call.
  const std::chrono::steady_clock::time_point now = std::chrono::steady_clock::now();
  if (now >= call.deadline)
    co_return Failure{ClientErrorKind::timeout, std::string(what) + " did not arrive within the total timeout of " +
                                                    std::to_string(call.total.count()) + " ms"};
  auto read_deadline = std::min(call.deadline, now + options.read_timeout);
  std::size_t old = buf.size();
  // Read into the room the string already has (a reserved Content-Length body), 16 to 64 KiB at a time.
  std::size_t room = std::clamp<std::size_t>(buf.capacity() - old, 16384, 65536);
  buf.resize(old + room);
  auto [timed_out, result] = co_await race<asio::error_code, std::size_t>(
      timer, read_deadline,
      [&](auto handler) { stream.async_read_some(asio::buffer(buf.data() + old, room), std::move(handler)); },
      [&] { stream.cancel(); });
  auto [ec, n] = result;
  buf.resize(old + (ec ? 0 : n));
  if (timed_out) {
    if (read_deadline < call.deadline)
      co_return Failure{ClientErrorKind::read_timeout, "nothing of " + std::string(what) + " arrived for " +
                                                           std::to_string(options.read_timeout.count()) +
                                                           " ms (read_timeout)"};
    co_return Failure{ClientErrorKind::timeout, std::string(what) + " did not arrive within the total timeout of " +
                                                    std::to_string(call.total.count()) + " ms"};
  }
  if (is_end_of_stream(ec))
    co_return Failure{ClientErrorKind::closed,
                      "the server closed the connection before " + std::string(what) + " was whole", false, true};
  // A TLS alert after the handshake: TLS 1.3 servers refuse a missing client certificate here.
  if (is_tls_error(ec)) co_return Failure{ClientErrorKind::tls, "reading " + std::string(what) + ": " + ec.message()};
  if (ec) co_return Failure{ClientErrorKind::closed, "reading " + std::string(what) + ": " + ec.message()};
  co_return std::nullopt;
}

FASTAPI_DETAIL_INLINE Task<std::optional<Failure>> exchange_once(asio::io_context& io, const ClientCall& call,
                                                                 const ClientOptions& options, ConnectionPool& pool,
                                                                 Lease lease, ::ssl_ctx_st* tls_context,
                                                                 ClientResponse& out) {
  const std::string key = call.url.key();
  LeaseGuard guard{pool, key};  // before the stream: the stream closes, then the slot frees
  ClientStream stream(io);
  asio::steady_timer timer(io);
  asio::error_code ec;
  if (lease.fd >= 0) {
    if (!stream.adopt(lease, ec))
      co_return Failure{ClientErrorKind::connect, "adopting a pooled connection: " + ec.message(), true};
  } else if (std::optional<Failure> f = co_await open_connection(stream, timer, call, options, tls_context)) {
    co_return f;
  }
  // A reused connection the server closed meanwhile fails before any response byte: the caller tries once
  // more on a new one (for a method that may be repeated, or when the request could not even be sent).
  const bool may_retry = lease.reused;
  const bool idempotent = is_idempotent(call.method);
  {
    auto [timed_out, result] = co_await race<asio::error_code, std::size_t>(
        timer, call.deadline, [&](auto handler) { stream.async_write(asio::buffer(call.wire), std::move(handler)); },
        [&] { stream.cancel(); });
    if (timed_out)
      co_return Failure{ClientErrorKind::timeout, "the request could not be sent within the total timeout of " +
                                                      std::to_string(call.total.count()) + " ms"};
    if (auto write_ec = std::get<0>(result)) {
      Failure failure{ClientErrorKind::closed, "sending the request: " + write_ec.message(), may_retry};
      // A TLS 1.3 server refuses a client (no client certificate) after our side of the handshake is done,
      // with an alert and a close: the request runs into the closed connection, but the alert that says
      // why may still be there to read.
      if (call.url.tls() && !lease.reused) {
        std::string scratch;
        std::optional<Failure> why = co_await read_more(stream, timer, call, options, scratch, "the response");
        if (why && why->kind == ClientErrorKind::tls) co_return why;
      }
      co_return failure;
    }
  }
  // The head, skipping interim 1xx responses (at most max_interim_responses of them).
  ResponseParser parser(HeadLimits{options.max_header_bytes, options.max_header_bytes, options.max_headers});
  ResponseHead head;
  std::string buf;
  const bool head_request = call.method == "HEAD";
  int interim = 0;
  for (;;) {
    ResponseParser::Result r = parser.parse_head(buf, head, head_request);
    if (r == ResponseParser::Result::error)
      co_return Failure{ClientErrorKind::protocol, std::string(parser.error().reason)};
    if (r == ResponseParser::Result::complete) {
      if (head.status == 101) co_return Failure{ClientErrorKind::protocol, "101 Switching Protocols is not supported"};
      if (head.status >= 200) break;
      if (++interim > max_interim_responses)
        co_return Failure{ClientErrorKind::protocol, "more than " + std::to_string(max_interim_responses) +
                                                         " interim 1xx responses before the final one"};
      buf.erase(0, parser.head_size());
      parser.reset();
      continue;
    }
    bool nothing_yet = buf.empty();
    if (std::optional<Failure> f = co_await read_more(stream, timer, call, options, buf, "the response head")) {
      f->retry = may_retry && nothing_yet && idempotent && f->kind == ClientErrorKind::closed;
      if (nothing_yet && f->kind == ClientErrorKind::closed)
        f->detail = "the server closed the connection without answering";
      co_return f;
    }
  }
  out.status = head.status;
  out.reason = std::string(head.reason);
  out.headers.reserve(head.headers.size());
  for (const auto& field : head.headers) out.headers.add(std::string(field.name), std::string(field.value));
  out.method = call.method;
  out.url = call.url.text();
  std::string rest = buf.substr(parser.head_size());  // body bytes that came with the head
  buf = std::string();
  const std::size_t max = options.max_response_size;
  bool clean_end = true;   // nothing arrived beyond the response: the connection may carry another request
  switch (head.framing) {  // fastapi::BodyFraming: detail has one of its own (http/writer.hpp)
    case fastapi::BodyFraming::none: clean_end = rest.empty(); break;
    case fastapi::BodyFraming::content_length: {
      const std::size_t length = head.content_length;
      if (length > max)
        co_return Failure{ClientErrorKind::too_large, "Content-Length " + std::to_string(length) +
                                                          " exceeds max_response_size (" + std::to_string(max) + ")"};
      out.content = std::move(rest);
      if (out.content.capacity() < length) out.content.reserve(length);
      while (out.content.size() < length)
        if (std::optional<Failure> f = co_await read_more(stream, timer, call, options, out.content, "the body")) {
          if (f->kind == ClientErrorKind::closed)
            f->detail = "the server closed the connection after " + std::to_string(out.content.size()) + " of " +
                        std::to_string(length) + " body bytes";
          co_return f;
        }
      clean_end = out.content.size() == length;
      out.content.resize(length);
      break;
    }
    case fastapi::BodyFraming::chunked: {
      ChunkedDecoder decoder(max);
      for (;;) {
        std::size_t used = 0;
        ChunkedDecoder::Result r = decoder.feed(rest, out.content, used);
        if (r == ChunkedDecoder::Result::error) {
          if (decoder.error().status == 413)
            co_return Failure{ClientErrorKind::too_large,
                              "the chunked body exceeds max_response_size (" + std::to_string(max) + ")"};
          co_return Failure{ClientErrorKind::protocol, "chunked body: " + std::string(decoder.error().reason)};
        }
        if (r == ChunkedDecoder::Result::complete) {
          clean_end = used == rest.size();
          break;
        }
        rest.clear();
        if (std::optional<Failure> f = co_await read_more(stream, timer, call, options, rest, "the chunked body"))
          co_return f;
      }
      break;
    }
    case fastapi::BodyFraming::until_close: {
      out.content = std::move(rest);
      for (;;) {
        if (out.content.size() > max)
          co_return Failure{ClientErrorKind::too_large,
                            "the body exceeds max_response_size (" + std::to_string(max) + ")"};
        std::optional<Failure> f = co_await read_more(stream, timer, call, options, out.content, "the body");
        if (!f) continue;
        if (!f->eof) co_return f;
        break;  // the server's close ends a close-delimited body
      }
      if (out.content.size() > max)
        co_return Failure{ClientErrorKind::too_large,
                          "the body exceeds max_response_size (" + std::to_string(max) + ")"};
      clean_end = false;
      break;
    }
  }
  if (head.keep_alive && clean_end) {
    if (std::optional<Lease> connection = stream.release()) {
      guard.given_back = true;
      pool.give_back(key, *connection);
    }
  }
  co_return std::nullopt;
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

}  // namespace fastapi::detail
#endif  // FASTAPI_DETAIL_ASIO

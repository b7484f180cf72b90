// core/errors.hpp: the exceptions a handler throws to answer with an error. Fed by handlers and every
// station; turned into responses by the app (app/app.hpp). Knows nothing of sockets or JSON.
#pragma once

#include <concepts>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace fastapi {

/// Throw to answer with `status` and `{"detail": detail}` (FastAPI's HTTPException).
/// `throw fa::HTTPException{404, "Item not found", {{"X-Error", "There goes my error"}}};`
/// An empty detail becomes the status phrase ("Not Found"), as in FastAPI.
class HTTPException : public std::exception {
 public:
  HTTPException(int status_code, std::string detail = {}, std::vector<std::pair<std::string, std::string>> headers = {})
      : status_code(status_code), detail(std::move(detail)), headers(std::move(headers)) {}
  /// A detail of any JSON shape, as FastAPI's `detail={"code": ..., "msg": ...}`:
  /// `throw fa::HTTPException{400, fa::Json{{"code", "E42"}, {"msg", "bad thing"}}};` -> 400
  /// `{"detail":{"code":"E42","msg":"bad thing"}}`. Takes anything with `dump()` and `is_object()` (fa::Json,
  /// json/value.hpp: this station comes before it); its text is stored with detail_is_json set.
  template <class J>
    requires requires(const J& j) {
      { j.dump() } -> std::convertible_to<std::string>;
      { j.is_object() } -> std::convertible_to<bool>;
    }
  HTTPException(int status_code, const J& detail, std::vector<std::pair<std::string, std::string>> headers = {})
      : status_code(status_code), detail(detail.dump()), headers(std::move(headers)), detail_is_json(true) {}
  const char* what() const noexcept override { return detail.c_str(); }

  int status_code;
  std::string detail;  ///< plain text, sent as a JSON string (or raw JSON when detail_is_json)
  std::vector<std::pair<std::string, std::string>> headers;  ///< added to the error response
  bool detail_is_json = false;                               ///< detail already holds JSON text (an object or a list)
};

/// A mistake in how the app is put together (a route registered twice, a bad template, ...),
/// thrown at registration, before the first request, with a sentence saying what to change.
class ConfigurationError : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

/// The client went away while its request body was being read (Starlette's ClientDisconnect), thrown by
/// `co_await stream.next()` (fa::RequestStream). An HTTPException (400) so that one a handler lets escape is
/// answered quietly, like any other: the connection is gone, so nobody reads that answer, and nothing is logged.
class ClientDisconnect : public HTTPException {
 public:
  ClientDisconnect() : HTTPException(400, "Client disconnected") {}
};

/// A coroutine's wait was cancelled (asyncio's CancelledError): thrown by `co_await fa::sleep(...)` inside a
/// streamed response (fa::StreamingResponse, fa::EventSourceResponse) whose client went away, or an event
/// stream the server stops at shutdown. Let it escape (clean up with RAII or catch, rethrow): the connection
/// ends the stream.
class CancelledError : public std::runtime_error {
 public:
  CancelledError() : std::runtime_error("fastapi: the stream was cancelled (client gone, or server shutting down)") {}
};

}  // namespace fastapi

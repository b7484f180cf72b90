// app/websocket.hpp: fa::WebSocket, what a WebSocket handler talks through, with Starlette's names: accept,
// receive (text, bytes, JSON validated like a body), send, close, the states, WebSocketDisconnect and
// WebSocketException. Fed by the WebSocket endpoint (app/websocket_endpoint.hpp); feeds websocket/session.hpp.
// Knows nothing of sockets: before accept() it only records the handshake's answer, which the endpoint returns
// as the HTTP response (101, 403 or 500).
#pragma once

#include <coroutine>
#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fastapi/core/task.hpp"
#include "fastapi/core/utf8.hpp"
#include "fastapi/http/request.hpp"
#include "fastapi/http/response.hpp"
#include "fastapi/http/upgrade.hpp"
#include "fastapi/json/errors.hpp"
#include "fastapi/json/read.hpp"
#include "fastapi/json/value.hpp"
#include "fastapi/json/write.hpp"
#include "fastapi/websocket/frame.hpp"
#include "fastapi/websocket/handshake.hpp"
#include "fastapi/websocket/session.hpp"

namespace fastapi {

/// Starlette's WebSocketState: CONNECTING until accept(), CONNECTED, DISCONNECTED once closed.
enum class WebSocketState : std::uint8_t { connecting, connected, disconnected };

/// Thrown by receive_text/receive_bytes/receive_json and by the sends when the peer has gone (Starlette's
/// WebSocketDisconnect): `code` is the peer's close code (1005 when its close had none, 1006 when the
/// connection dropped without one). Let it escape the handler: that ends the session quietly.
class WebSocketDisconnect : public std::exception {
 public:
  explicit WebSocketDisconnect(std::uint16_t code = 1000, std::string reason = {})
      : code(code), reason(std::move(reason)), what_("WebSocket disconnected with code " + std::to_string(code)) {}
  const char* what() const noexcept override { return what_.c_str(); }
  std::uint16_t code;
  std::string reason;

 private:
  std::string what_;
};

/// Thrown by a handler or a dependency to close with `code` and `reason` (Starlette's WebSocketException):
/// before accept() the handshake is refused (HTTP 403, as uvicorn answers a close before accept).
class WebSocketException : public std::exception {
 public:
  explicit WebSocketException(std::uint16_t code, std::string reason = {})
      : code(code), reason(std::move(reason)), what_("WebSocket closed with code " + std::to_string(code)) {}
  const char* what() const noexcept override { return what_.c_str(); }
  std::uint16_t code;
  std::string reason;

 private:
  std::string what_;
};

/// accept()'s options: the subprotocol chosen (one the client offered, see WebSocket::subprotocols()) and
/// extra headers for the 101.
struct WebSocketAccept {
  std::optional<std::string> subprotocol{};
  std::vector<std::pair<std::string, std::string>> headers{};
};

// fa::WebSocketMessage, what receive() gives (a text or binary message, or the disconnect: Starlette's
// websocket.disconnect), is defined in websocket/session.hpp, whose receive() makes it: receive() hands the
// session's task over as it is (no coroutine frame of its own for an idle socket to keep).

/// receive_json<T>()'s answer: the value, or every validation error (a malformed or invalid message is
/// never a crash: the handler answers it). `if (!msg) co_await ws.send_json(msg.errors().body());`
template <class T>
class Received {
 public:
  explicit operator bool() const { return value_.has_value(); }
  T& operator*() { return *value_; }
  T* operator->() { return &*value_; }
  T& value() { return *value_; }
  /// Pydantic's error list, as a 422 would carry it (`{"detail": [...]}` via errors().body()).
  const RequestValidationError& errors() const { return errors_; }
  std::optional<T> value_;
  RequestValidationError errors_;
};

namespace detail {
/// send_text's (and broadcast_text's) rule: a text message is UTF-8, or std::invalid_argument.
inline void check_text(std::string_view text) {
  if (!is_valid_utf8(text))
    throw std::invalid_argument(
        "fastapi: WebSocket text must be valid UTF-8 (a text frame that is not makes the client fail the "
        "connection with 1007): send binary data with send_bytes");
}

/// The handshake's answer, decided by the handler before or at accept(), awaited by the endpoint.
enum class HandshakeDecision : std::uint8_t { pending, accepted, refused, failed };
}  // namespace detail

/// One WebSocket, as its handler sees it: `co_await ws.accept(); auto text = co_await ws.receive_text();`
class WebSocket {
 public:
  WebSocket(Request& req, ws::Handshake handshake, ws::Session& session)
      : request_(req), handshake_(std::move(handshake)), session_(session) {}
  WebSocket(const WebSocket&) = delete;
  WebSocket& operator=(const WebSocket&) = delete;

  /// The handshake request: headers, query, path params, client (valid as long as the handler runs).
  Request& request() { return request_; }
  /// The subprotocols the client offered (Sec-WebSocket-Protocol), in its order.
  const std::vector<std::string>& subprotocols() const { return handshake_.subprotocols; }
  /// Accepts the handshake: the 101 is written, then this returns. A subprotocol the client did not offer
  /// is std::invalid_argument; calling it twice is std::logic_error.
  Task<void> accept(WebSocketAccept options = {});
  /// The next message, or the disconnect (a message of Type::disconnect; later calls throw std::logic_error).
  Task<WebSocketMessage> receive() {
    require_connected("receive");
    if (client_state() == WebSocketState::disconnected)
      throw std::logic_error("Cannot call \"receive\" once a disconnect message has been received.");
    return session_.receive();
  }
  /// The next text message; WebSocketDisconnect when the peer goes; a binary message closes with 1003.
  Task<std::string> receive_text();
  /// The next binary message; WebSocketDisconnect when the peer goes; a text message closes with 1003.
  Task<std::string> receive_bytes();
  /// The next message (text or binary) read as JSON into T (fa::Json by default), validated like a body.
  template <class T = Json>
  Task<Received<T>> receive_json();
  /// Sends a text message. Text that is not UTF-8 is std::invalid_argument, thrown before anything is sent
  /// (the socket stays open; binary data goes with send_bytes), as Starlette's encode("utf-8") raises.
  /// Waits while the client reads slower than the handler writes. WebSocketDisconnect when it has gone.
  Task<void> send_text(std::string_view text) {
    detail::check_text(text);
    return send(ws::Opcode::text, text);
  }
  Task<void> send_bytes(std::string_view data) { return send(ws::Opcode::binary, data); }
  /// Sends `value` (fa::Json, a reflected struct, a vector...) as a JSON text message.
  template <class T>
  Task<void> send_json(const T& value) {
    // serialized here, before any suspension: the task owns its text, never a reference to `value`
    if constexpr (std::is_same_v<T, Json>) return send_owned(ws::Opcode::text, value.dump());
    else return send_owned(ws::Opcode::text, to_json_string(value));
  }
  /// Closes with `code` and `reason` (reason at most 123 bytes) and waits for the client's close. Before
  /// accept() it refuses the handshake: the client gets HTTP 403, as uvicorn answers.
  Task<void> close(std::uint16_t code = 1000, std::string_view reason = {});

  /// Both become DISCONNECTED once receive() has given the disconnect (the session knows it: receive() is the
  /// session's own task).
  WebSocketState client_state() const {
    return session_.close_delivered() ? WebSocketState::disconnected : client_state_;
  }
  WebSocketState application_state() const {
    return session_.close_delivered() ? WebSocketState::disconnected : application_state_;
  }

  // ---- the endpoint's and the hub's side ----
  ws::Session& session() { return session_; }
  detail::HandshakeDecision decision() const { return decision_; }
  /// Fired when the handshake's answer is known (accept, close before it, or the handler's end).
  ws::detail::Signal& decided() { return decided_; }
  /// The 101, once accepted (its hook set by the endpoint).
  Response take_accept_response() { return std::move(*std::exchange(accept_response_, nullptr)); }
  /// The handler's end: an answer for a handshake never answered, the close for an open one.
  Task<void> finish(std::exception_ptr error, std::string_view route);

 private:
  Task<void> send(ws::Opcode op, std::string_view payload);
  Task<void> send_owned(ws::Opcode op, std::string payload) { co_await send(op, payload); }
  void decide(detail::HandshakeDecision d) {
    if (decision_ != detail::HandshakeDecision::pending) return;
    decision_ = d;
    decided_.fire();
  }
  void require_connected(const char* what) const;

  Request& request_;
  ws::Handshake handshake_;
  ws::Session& session_;
  std::unique_ptr<Response> accept_response_;  ///< the 101 until the endpoint takes it (an idle socket keeps none)
  ws::detail::Signal decided_;
  detail::HandshakeDecision decision_ = detail::HandshakeDecision::pending;
  WebSocketState client_state_ = WebSocketState::connecting;
  WebSocketState application_state_ = WebSocketState::connecting;
};

template <class T>
Task<Received<T>> WebSocket::receive_json() {
  WebSocketMessage m = co_await receive();
  if (m.is_disconnect()) throw WebSocketDisconnect(m.code, std::move(m.reason));
  RequestValidationError errors;
  detail::LocPath loc;
  std::optional<T> value = read_json<T>(m.data, errors, loc);
  co_return Received<T>{std::move(value), std::move(errors)};
}

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE void WebSocket::require_connected(const char* what) const {
  if (application_state_ == WebSocketState::connecting)
    throw std::logic_error(std::string("WebSocket is not connected. Need to call \"accept\" first (") + what + ").");
}

FASTAPI_DETAIL_INLINE Task<void> WebSocket::accept(WebSocketAccept options) {
  if (application_state_ != WebSocketState::connecting || decision_ != detail::HandshakeDecision::pending)
    throw std::logic_error("WebSocket.accept() was called twice, or after close()");
  Response res = ws::accept_response(handshake_, options.subprotocol);  // std::invalid_argument: not offered
  for (auto& [name, value] : options.headers) res.headers.add(std::move(name), std::move(value));
  if (!res.headers.contains("sec-websocket-extensions")) {
    if (auto pmd = ws::negotiate_permessage_deflate(handshake_, session_.options().deflate)) {
      res.headers.add("sec-websocket-extensions", std::move(pmd->header));
#ifdef FASTAPI_ENABLE_GZIP
      session_.enable_deflate(pmd->params);
#endif
    }
  }
  accept_response_ = std::make_unique<Response>(std::move(res));
  // What only the answer needed is freed (the key, the extension offers): the socket may live for hours.
  std::string().swap(handshake_.key);
  std::vector<ws::ExtensionOffer>().swap(handshake_.extensions);
  decide(detail::HandshakeDecision::accepted);
  co_await session_.attached().wait();  // the connection wrote the 101 and handed the socket over
  application_state_ = WebSocketState::connected;
  client_state_ = WebSocketState::connected;
}

FASTAPI_DETAIL_INLINE Task<std::string> WebSocket::receive_text() {
  WebSocketMessage m = co_await receive();
  if (m.is_disconnect()) throw WebSocketDisconnect(m.code, std::move(m.reason));
  if (!m.is_text()) throw WebSocketException(ws::close_code::unsupported_data, "expected a text message");
  co_return std::move(m.data);
}

FASTAPI_DETAIL_INLINE Task<std::string> WebSocket::receive_bytes() {
  WebSocketMessage m = co_await receive();
  if (m.is_disconnect()) throw WebSocketDisconnect(m.code, std::move(m.reason));
  if (!m.is_binary()) throw WebSocketException(ws::close_code::unsupported_data, "expected a binary message");
  co_return std::move(m.data);
}

FASTAPI_DETAIL_INLINE Task<void> WebSocket::send(ws::Opcode op, std::string_view payload) {
  require_connected("send");
  // (Awaited into a variable first: g++ 12 at -O0 compiled `if (!co_await ...) { ...; throw ...; }` here into a
  // coroutine whose body never ran.)
  const bool sent = co_await session_.send(op, payload);
  if (sent) co_return;
  if (session_.peer_gone()) client_state_ = WebSocketState::disconnected;
  throw WebSocketDisconnect(session_.close_code() ? session_.close_code() : ws::close_code::abnormal,
                            session_.close_reason());
}

FASTAPI_DETAIL_INLINE Task<void> WebSocket::close(std::uint16_t code, std::string_view reason) {
  if (application_state_ == WebSocketState::connecting) {
    application_state_ = WebSocketState::disconnected;
    decide(detail::HandshakeDecision::refused);
    co_return;
  }
  if (application_state() == WebSocketState::disconnected && session_.closing()) co_return;
  application_state_ = WebSocketState::disconnected;
  co_await session_.close(code, reason);
  client_state_ = WebSocketState::disconnected;
}

FASTAPI_DETAIL_INLINE Task<void> WebSocket::finish(std::exception_ptr error, std::string_view route) {
  std::uint16_t code = ws::close_code::normal;
  std::string reason;
  if (error) {
    try {
      std::rethrow_exception(error);
    } catch (const WebSocketDisconnect&) {
      // the peer went: nothing to say
    } catch (const WebSocketException& e) {
      code = e.code;
      reason = e.reason;
    } catch (const RequestValidationError& e) {
      // FastAPI closes with 1008 when the parameters do not bind (before accept: HTTP 403)
      code = ws::close_code::policy_violation;
      log(LogLevel::info, std::string("WebSocket ") + std::string(route) + ": " + e.body().dump() + " (closed 1008)");
    } catch (const HTTPException& e) {
      code = ws::close_code::policy_violation;
      log(LogLevel::info, std::string("WebSocket ") + std::string(route) + ": HTTPException " +
                              std::to_string(e.status_code) + " (closed 1008)");
    } catch (const std::exception& e) {
      code = ws::close_code::internal_error;
      log(LogLevel::error, "Exception in WebSocket " + std::string(route) + ": " + e.what());
      if (decision_ == detail::HandshakeDecision::pending) decide(detail::HandshakeDecision::failed);
    } catch (...) {
      code = ws::close_code::internal_error;
      log(LogLevel::error, "Exception in WebSocket " + std::string(route) + ": unknown exception type");
      if (decision_ == detail::HandshakeDecision::pending) decide(detail::HandshakeDecision::failed);
    }
  }
  if (decision_ == detail::HandshakeDecision::pending) {
    if (!error) log(LogLevel::error, "WebSocket " + std::string(route) + ": the handler returned without accept()");
    decide(error ? detail::HandshakeDecision::refused : detail::HandshakeDecision::failed);
    co_return;
  }
  if (decision_ != detail::HandshakeDecision::accepted) co_return;
  if (application_state_ == WebSocketState::connecting) co_return;  // accepted, but the 101 never went out
  if (reason.size() > 123) reason.resize(123);
  if (!session_.closing()) {
    application_state_ = WebSocketState::disconnected;
    co_await session_.close(code, reason);
  }
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

}  // namespace fastapi

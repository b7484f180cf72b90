// testing/websocket_session.hpp: fa::testing::WebSocketTestSession, what TestClient::websocket_connect gives
// (Starlette's WebSocketTestSession): a blocking WebSocket client over a real socket, masking its frames as a
// client must, answering the server's pings. Fed by tests; feeds the app's WebSocket routes. Knows nothing of
// the app's internals.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <sys/socket.h>
#include <sys/time.h>

#include "fastapi/app/websocket.hpp"
#include "fastapi/core/digest.hpp"
#include "fastapi/http/headers.hpp"
#include "fastapi/json/value.hpp"
#include "fastapi/websocket/frame.hpp"
#include "fastapi/websocket/frame_parser.hpp"
#include "fastapi/websocket/handshake.hpp"

#if FASTAPI_DETAIL_ASIO
#include <asio.hpp>
#endif

namespace fastapi::testing {

/// websocket_connect's options: subprotocols offered, extra handshake headers, the read timeout.
struct WebSocketConnectOptions {
  std::vector<std::string> subprotocols{};
  std::vector<std::pair<std::string, std::string>> headers{};
  std::chrono::milliseconds timeout{10000};
};

/// One WebSocket to the app. A handshake the app refuses throws fa::WebSocketDisconnect (1008 for its 403, as
/// Starlette's TestClient raises when the app closes before accept); receive_* throw fa::WebSocketDisconnect
/// when the app closes.
class WebSocketTestSession {
 public:
  WebSocketTestSession(std::uint16_t port, std::string_view path, const WebSocketConnectOptions& options = {});
  ~WebSocketTestSession();
  WebSocketTestSession(const WebSocketTestSession&) = delete;
  WebSocketTestSession& operator=(const WebSocketTestSession&) = delete;

  void send_text(std::string_view text) { send_frame(ws::Opcode::text, text); }
  void send_bytes(std::string_view data) { send_frame(ws::Opcode::binary, data); }
  void send_json(const Json& value) { send_text(value.dump()); }
  /// One frame of any opcode, fin or not (to test fragments and control frames), masked.
  void send_frame(ws::Opcode op, std::string_view payload, bool fin = true);
  /// Bytes as they are (hostile input: unmasked frames, bad opcodes...).
  void send_raw(std::string_view bytes);
  std::string receive_text();
  std::string receive_bytes();
  Json receive_json() { return Json::parse(receive_text()); }
  /// The next message or the close (Event::Kind::close with the code); pings are answered on the way.
  ws::Incoming receive();
  /// Sends a close and reads until the app's close (its code is returned; 1006 when the socket just ended).
  std::uint16_t close(std::uint16_t code = 1000, std::string_view reason = {});
  /// The 101's headers (Sec-WebSocket-Protocol, the app's own).
  const Headers& headers() const { return headers_; }
  std::string accepted_subprotocol() const { return std::string(headers_.get("sec-websocket-protocol").value_or("")); }
  /// Pongs received (answers to our pings) and pings received (the server's keep-alive), in order.
  std::vector<std::string> pongs, pings;

 private:
  std::array<std::uint8_t, 4> next_mask() {
    std::uint32_t r = rng_();
    return {static_cast<std::uint8_t>(r), static_cast<std::uint8_t>(r >> 8), static_cast<std::uint8_t>(r >> 16),
            static_cast<std::uint8_t>(r >> 24)};
  }
  struct Net;                 // Asio's loop and socket, defined with the functions: a test's file parses no Asio
  std::unique_ptr<Net> net_;  // on the heap once per session, so the class names no Asio type
  ws::FrameParser parser_{ws::ParserOptions{.max_message = std::size_t{1} << 30, .require_mask = false}};
  std::string buffered_;
  Headers headers_;
  std::mt19937 rng_{std::random_device{}()};
  bool closed_ = false;
  std::uint16_t close_code_ = 0;
  std::string close_reason_;
};

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
struct WebSocketTestSession::Net {
  asio::io_context io;
  asio::ip::tcp::socket socket{io};
};

FASTAPI_DETAIL_INLINE WebSocketTestSession::~WebSocketTestSession() = default;

FASTAPI_DETAIL_INLINE WebSocketTestSession::WebSocketTestSession(std::uint16_t port, std::string_view path,
                                                                 const WebSocketConnectOptions& o)
    : net_(std::make_unique<Net>()) {
  asio::ip::tcp::socket& socket = net_->socket;
  socket.connect({asio::ip::make_address("127.0.0.1"), port});
  socket.set_option(asio::ip::tcp::no_delay(true));
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(o.timeout.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((o.timeout.count() % 1000) * 1000);
  ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  std::string raw_key;
  for (int i = 0; i < 16; ++i) raw_key.push_back(static_cast<char>(rng_()));
  const std::string key = fastapi::detail::base64_encode(raw_key);
  std::string req = "GET " + std::string(path) + " HTTP/1.1\r\nHost: testserver\r\nUpgrade: websocket\r\n" +
                    "Connection: Upgrade\r\nSec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n";
  if (!o.subprotocols.empty()) {
    req += "Sec-WebSocket-Protocol: ";
    for (std::size_t i = 0; i < o.subprotocols.size(); ++i) req += (i ? ", " : "") + o.subprotocols[i];
    req += "\r\n";
  }
  for (const auto& [name, value] : o.headers) req += name + ": " + value + "\r\n";
  req += "\r\n";
  asio::write(net_->socket, asio::buffer(req));
  // The head of the answer.
  std::array<char, 4096> buf;
  std::size_t end;
  while ((end = buffered_.find("\r\n\r\n")) == std::string::npos) {
    asio::error_code ec;
    std::size_t n = net_->socket.read_some(asio::buffer(buf), ec);
    if (ec) throw std::runtime_error("WebSocketTestSession: the server closed during the handshake");
    buffered_.append(buf.data(), n);
  }
  std::string head = buffered_.substr(0, end);
  buffered_.erase(0, end + 4);
  int status = std::stoi(head.substr(9, 3));
  for (std::size_t at = head.find("\r\n"); at != std::string::npos;) {
    std::size_t next = head.find("\r\n", at + 2);
    std::string line = head.substr(at + 2, next == std::string::npos ? std::string::npos : next - at - 2);
    if (auto colon = line.find(':'); colon != std::string::npos) {
      std::size_t v = line.find_first_not_of(' ', colon + 1);
      std::string name = line.substr(0, colon);
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      headers_.add(name, v == std::string::npos ? "" : line.substr(v));
    }
    at = next;
  }
  if (status == 403) throw WebSocketDisconnect(ws::close_code::policy_violation, "HTTP 403");
  if (status != 101) throw std::runtime_error("WebSocketTestSession: the handshake was answered " + head.substr(9));
  if (headers_.get("sec-websocket-accept").value_or("") != ws::accept_key(key))
    throw std::runtime_error("WebSocketTestSession: wrong Sec-WebSocket-Accept");
}

FASTAPI_DETAIL_INLINE void WebSocketTestSession::send_raw(std::string_view bytes) {
  asio::error_code ec;
  asio::write(net_->socket, asio::buffer(bytes.data(), bytes.size()), ec);
}

FASTAPI_DETAIL_INLINE void WebSocketTestSession::send_frame(ws::Opcode op, std::string_view payload, bool fin) {
  send_raw(ws::encode_frame(op, payload, fin, next_mask()));
}

FASTAPI_DETAIL_INLINE ws::Incoming WebSocketTestSession::receive() {
  if (closed_) return ws::Incoming{ws::Incoming::Kind::close, {}, close_code_, close_reason_};
  std::array<char, 65536> buf;
  for (;;) {
    while (!buffered_.empty()) {
      auto r = parser_.feed(buffered_);
      buffered_.erase(0, r.consumed);
      switch (r.event.kind) {
        case ws::Event::Kind::none: break;
        case ws::Event::Kind::text:
        case ws::Event::Kind::binary: {
          bool text = r.event.kind == ws::Event::Kind::text;
          return ws::Incoming{
              text ? ws::Incoming::Kind::text : ws::Incoming::Kind::binary, parser_.take_message(), 0, {}};
        }
        case ws::Event::Kind::ping:
          pings.emplace_back(r.event.data);
          send_frame(ws::Opcode::pong, r.event.data);
          continue;
        case ws::Event::Kind::pong: pongs.emplace_back(r.event.data); continue;
        case ws::Event::Kind::close:
        case ws::Event::Kind::error:
          closed_ = true;
          close_code_ = r.event.code;
          close_reason_ = std::string(r.event.data);
          if (r.event.kind == ws::Event::Kind::close) send_raw(ws::encode_close(close_code_, {}, next_mask()));
          return ws::Incoming{ws::Incoming::Kind::close, {}, close_code_, close_reason_};
      }
    }
    asio::error_code ec;
    std::size_t n = net_->socket.read_some(asio::buffer(buf), ec);
    if (ec) {
      if (ec == asio::error::would_block || ec == asio::error::try_again)
        throw std::runtime_error("WebSocketTestSession: timed out waiting for a message");
      closed_ = true;
      close_code_ = ws::close_code::abnormal;
      return ws::Incoming{ws::Incoming::Kind::close, {}, close_code_, {}};
    }
    buffered_.append(buf.data(), n);
  }
}

FASTAPI_DETAIL_INLINE std::string WebSocketTestSession::receive_text() {
  ws::Incoming in = receive();
  if (in.kind == ws::Incoming::Kind::close) throw WebSocketDisconnect(in.code, in.reason);
  if (in.kind != ws::Incoming::Kind::text) throw std::runtime_error("WebSocketTestSession: expected a text message");
  return std::move(in.data);
}

FASTAPI_DETAIL_INLINE std::string WebSocketTestSession::receive_bytes() {
  ws::Incoming in = receive();
  if (in.kind == ws::Incoming::Kind::close) throw WebSocketDisconnect(in.code, in.reason);
  if (in.kind != ws::Incoming::Kind::binary)
    throw std::runtime_error("WebSocketTestSession: expected a binary message");
  return std::move(in.data);
}

FASTAPI_DETAIL_INLINE std::uint16_t WebSocketTestSession::close(std::uint16_t code, std::string_view reason) {
  if (!closed_) {
    send_raw(ws::encode_close(code, reason, next_mask()));
    for (;;) {
      ws::Incoming in = receive();
      if (in.kind == ws::Incoming::Kind::close) break;
    }
  }
  return close_code_;
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

}  // namespace fastapi::testing

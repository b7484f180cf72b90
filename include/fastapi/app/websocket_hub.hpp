// app/websocket_hub.hpp: fa::WebSocketHub, rooms of WebSockets and broadcast to them, safe across worker
// threads: a message for a member is posted to that member's own loop, queued there without waiting (bounded:
// a member that reads too slowly is closed with 1013, never holding up the sender or the others). Fed by
// WebSocket handlers (join, broadcast); feeds each member's session (websocket/session.hpp). Knows nothing of
// sockets or routes.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fastapi/app/websocket.hpp"
#include "fastapi/core/loop.hpp"
#include "fastapi/websocket/frame.hpp"

#if FASTAPI_DETAIL_ASIO
#include <asio.hpp>
#endif

namespace fastapi {

/// Rooms of WebSockets, for chats and dashboards. One hub per app (hold it in fa::State or capture it):
///     fa::WebSocketHub hub;
///     app.websocket("/ws/chat/{room}", [&hub](fa::WebSocket& ws, fa::Path<"room", std::string> room)
///                                          -> fa::Task<void> {
///       co_await ws.accept();
///       auto membership = hub.join(*room, ws);       // leaves the room when the handler ends
///       for (;;) {
///         std::string text = co_await ws.receive_text();  // fa::WebSocketDisconnect ends the loop
///         hub.broadcast_text(*room, text);
///       }
///     });
class WebSocketHub {
 public:
  struct Member {
    ws::Session* session;
    asio::io_context* io;         ///< the member's loop: every touch of its session happens there
    std::shared_ptr<bool> alive;  ///< read and cleared on that loop only
  };
  /// A place in a room, held by the handler: leaving (its destruction) happens on the member's loop.
  class Membership {
   public:
    Membership(WebSocketHub& hub, std::string room, Member member)
        : hub_(&hub), room_(std::move(room)), alive_(member.alive) {}
    Membership(Membership&& other) noexcept
        : hub_(std::exchange(other.hub_, nullptr)), room_(std::move(other.room_)), alive_(std::move(other.alive_)) {}
    Membership(const Membership&) = delete;
    Membership& operator=(const Membership&) = delete;
    Membership& operator=(Membership&&) = delete;
    ~Membership() { leave(); }
    void leave();

   private:
    WebSocketHub* hub_;
    std::string room_;
    std::shared_ptr<bool> alive_;
  };

  /// Joins `room` (call it from the socket's handler, after accept()).
  [[nodiscard]] Membership join(std::string room, WebSocket& socket);
  /// Sends `text` to every member of `room`, the caller included, each through its own loop; returns how
  /// many members it was sent to. Never waits. Text that is not UTF-8 is std::invalid_argument (as send_text).
  std::size_t broadcast_text(std::string_view room, std::string text) {
    detail::check_text(text);
    return broadcast(room, ws::Opcode::text, std::move(text));
  }
  std::size_t broadcast_bytes(std::string_view room, std::string data) {
    return broadcast(room, ws::Opcode::binary, std::move(data));
  }
  /// Members in `room` now.
  std::size_t size(std::string_view room) const;

 private:
  std::size_t broadcast(std::string_view room, ws::Opcode op, std::string payload);
  void remove(const std::string& room, const std::shared_ptr<bool>& alive);

  mutable std::mutex mutex_;
  std::map<std::string, std::vector<Member>, std::less<>> rooms_;
};

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE WebSocketHub::Membership WebSocketHub::join(std::string room, WebSocket& socket) {
  Member m{&socket.session(), detail::this_loop().io, std::make_shared<bool>(true)};
  {
    std::lock_guard lock(mutex_);
    rooms_[room].push_back(m);
  }
  return Membership(*this, std::move(room), m);
}

FASTAPI_DETAIL_INLINE void WebSocketHub::Membership::leave() {
  if (!hub_) return;
  *alive_ = false;  // on the member's loop: a message posted before this finds it gone
  hub_->remove(room_, alive_);
  hub_ = nullptr;
}

FASTAPI_DETAIL_INLINE void WebSocketHub::remove(const std::string& room, const std::shared_ptr<bool>& alive) {
  std::lock_guard lock(mutex_);
  auto it = rooms_.find(room);
  if (it == rooms_.end()) return;
  std::erase_if(it->second, [&](const Member& m) { return m.alive == alive; });
  if (it->second.empty()) rooms_.erase(it);
}

FASTAPI_DETAIL_INLINE std::size_t WebSocketHub::size(std::string_view room) const {
  std::lock_guard lock(mutex_);
  auto it = rooms_.find(room);
  return it == rooms_.end() ? 0 : it->second.size();
}

FASTAPI_DETAIL_INLINE std::size_t WebSocketHub::broadcast(std::string_view room, ws::Opcode op, std::string payload) {
  std::vector<Member> members;
  {
    std::lock_guard lock(mutex_);
    auto it = rooms_.find(room);
    if (it == rooms_.end()) return 0;
    members = it->second;
  }
  auto shared = std::make_shared<const std::string>(std::move(payload));  // one copy for every member
  for (const Member& m : members) {
    auto deliver = [m, op, shared] {
      if (*m.alive) (void)m.session->post(op, *shared);
    };
    if (m.io) {
      asio::post(*m.io, std::move(deliver));
    } else {
      deliver();
    }
  }
  return members.size();
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

}  // namespace fastapi

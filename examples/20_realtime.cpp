// examples/20_realtime.cpp: beyond request -> response (issue 18; docs/realtime.md, docs/websockets.md). Its
// contract, which tests rely on:
//   GET  /ws/echo                WebSocket: each text message echoed as text, each binary as binary
//   GET  /ws/chat/{room}?name=N  WebSocket: "N: message" sent to every member of the room, sender included
//   GET  /events?count=K         Server-Sent Events: K events, `id: i` and `data: {"i": i}` (i = 1..K), one every
//                                10 ms, then the stream ends
//   POST /upload                 the body streamed (never held in memory), answered {"bytes": N, "sha256": "<hex>"};
//                                any size below 4 GiB
// Run: ./20_realtime [--host 127.0.0.1] [--port 8000 | PORT=8000] [--workers N]   (--port 0 picks a free port)
//   python3 -m websockets ws://127.0.0.1:8000/ws/chat/lobby?name=ann
//   curl -N 'http://127.0.0.1:8000/events?count=5'
//   curl -X POST --data-binary @big.iso http://127.0.0.1:8000/upload
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "fastapi.hpp"

namespace fa = fastapi;

// ---- Server-Sent Events and streamed uploads ------------------------------------------------------

/// The events of GET /events: a coroutine that waits, then yields; the client sees each event at once.
fa::AsyncGenerator<fa::ServerSentEvent> numbered_events(int count) {
  for (int i = 1; i <= count; ++i) {
    co_await fa::sleep(std::chrono::milliseconds(10));
    fa::ServerSentEvent event{.data = "{\"i\": " + std::to_string(i) + "}", .id = std::to_string(i)};
    co_yield std::move(event);
  }
}

/// Reads the upload as it arrives: memory stays flat whatever its size.
fa::Task<fa::Json> digest_upload(fa::RequestStream& body) {
  fa::Sha256 sha;
  std::uint64_t bytes = 0;
  while (std::optional<std::string_view> chunk = co_await body.next()) {
    sha.update(*chunk);
    bytes += chunk->size();
  }
  co_return fa::Json{{"bytes", bytes}, {"sha256", fa::to_hex(sha.finish())}};
}

void add_streaming_routes(fa::App& app) {
  app.get("/events", [](fa::Query<"count", int, fa::Rule{.ge = 0}> count) {
    return fa::EventSourceResponse(numbered_events(*count));
  });
  app.post("/upload", digest_upload, {.max_body_size = std::size_t{4} << 30});
}

// ---- end of Server-Sent Events and streamed uploads ------------------------------------------------

int main(int argc, char** argv) {
  fa::App app{{.title = "Realtime"}};
  add_streaming_routes(app);

  // ---- WebSockets -------------------------------------------------------------------------------------------
  app.websocket("/ws/echo", [](fa::WebSocket& ws) -> fa::Task<void> {
    co_await ws.accept();
    for (;;) {
      fa::WebSocketMessage message = co_await ws.receive();
      if (message.is_disconnect()) co_return;
      if (message.is_text()) {
        co_await ws.send_text(message.data);
      } else {
        co_await ws.send_bytes(message.data);
      }
    }
  });

  // Members of a room may be served by different worker threads: the hub posts each message to its
  // member's own loop, and a member that reads too slowly is closed instead of holding the room up.
  fa::WebSocketHub hub;
  app.websocket("/ws/chat/{room}",
                [&hub](fa::WebSocket& ws, fa::Path<"room", std::string> room,
                       fa::Query<"name", std::string> name) -> fa::Task<void> {
                  co_await ws.accept();
                  auto membership = hub.join(*room, ws);  // leaves the room when the handler ends
                  for (;;) {
                    std::string message = co_await ws.receive_text();  // fa::WebSocketDisconnect ends the handler
                    hub.broadcast_text(*room, *name + ": " + message);
                  }
                });
  // ---- end of WebSockets ------------------------------------------------------------------------------------

  return app.run(argc, argv);
}

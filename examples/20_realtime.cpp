// examples/20_realtime.cpp: beyond request/response (issue 18).
//   GET /ws/echo                    WebSocket: each text message echoed as text, each binary as binary
//   GET /ws/chat/{room}?name=N      WebSocket: "N: message" sent to every member of the room, sender included
// Run: ./20_realtime [--host 127.0.0.1] [--port 8000 | PORT=8000] [--workers N]   (--port 0 picks a free port)
// Try: python3 -m websockets ws://127.0.0.1:8000/ws/chat/lobby?name=ann
#include <string>

#include "fastapi.hpp"

namespace fa = fastapi;

int main(int argc, char** argv) {
  fa::App app{{.title = "Realtime"}};

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

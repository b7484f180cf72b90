// examples/tutorial/39_websockets.cpp: WebSocket routes: an echo, parameters and a dependency bound from the
// handshake, and a chat that says who left (docs/tutorial/39_websockets.md). Open / in two browser tabs.
// Run: ./39_websockets [--port 8000]; its test: tests/tutorial/test_39_websockets.cpp
#include <optional>
#include <string>

#include "fastapi.hpp"

namespace fa = fastapi;

namespace websockets {

constexpr const char* html = R"html(<!DOCTYPE html>
<html>
  <head><title>Chat</title></head>
  <body>
    <h1>WebSocket Chat</h1>
    <form onsubmit="sendMessage(event)">
      <input type="text" id="messageText" autocomplete="off"/>
      <button>Send</button>
    </form>
    <ul id="messages"></ul>
    <script>
      var clientId = Date.now();
      var ws = new WebSocket("ws://" + location.host + "/ws/" + clientId);
      ws.onmessage = function(event) {
        var message = document.createElement("li");
        message.appendChild(document.createTextNode(event.data));
        document.getElementById("messages").appendChild(message);
      };
      function sendMessage(event) {
        var input = document.getElementById("messageText");
        ws.send(input.value);
        input.value = "";
        event.preventDefault();
      }
    </script>
  </body>
</html>
)html";

// The handshake must carry a `session` cookie or a `token` query parameter; else it is refused (1008: a 403).
std::string get_cookie_or_token(fa::Cookie<"session", std::optional<std::string>> session,
                                fa::Query<"token", std::optional<std::string>> token) {
  if (!*session && !*token) throw fa::WebSocketException(1008, "a session cookie or a token is needed");
  return *session ? **session : **token;
}

void build(fa::App& app) {
  app.get("/", [] { return fa::HTMLResponse(html); });

  app.websocket("/ws", [](fa::WebSocket& websocket) -> fa::Task<void> {
    co_await websocket.accept();
    for (;;) {
      std::string data = co_await websocket.receive_text();  // fa::WebSocketDisconnect when the client leaves
      std::string reply = "Message text was: " + data;       // named: no temporary inside co_await (g++ 12)
      co_await websocket.send_text(reply);
    }
  });

  app.websocket(
      "/items/{item_id}/ws",
      [](fa::WebSocket& websocket, fa::Path<"item_id", std::string> item_id, fa::Query<"q", std::optional<int>> q,
         fa::Depends<get_cookie_or_token> cookie_or_token) -> fa::Task<void> {
        co_await websocket.accept();
        for (;;) {
          std::string data = co_await websocket.receive_text();
          std::string token = "Session cookie or query token value is: " + *cookie_or_token;
          co_await websocket.send_text(token);
          if (*q) {
            std::string query = "Query parameter q is: " + std::to_string(**q);
            co_await websocket.send_text(query);
          }
          std::string reply = "Message text was: " + data + ", for item ID: " + *item_id;
          co_await websocket.send_text(reply);
        }
      });

  // The chat: every client in one room of a hub, FastAPI's ConnectionManager.
  app.state<fa::WebSocketHub>();
  app.websocket("/ws/{client_id}",
                [](fa::WebSocket& websocket, fa::Path<"client_id", int> client_id,
                   fa::State<fa::WebSocketHub> manager) -> fa::Task<void> {
                  co_await websocket.accept();
                  std::string me = "Client #" + std::to_string(*client_id);
                  {
                    auto membership = manager->join("chat", websocket);  // leaves the room at the end of the block
                    try {
                      for (;;) {
                        std::string data = co_await websocket.receive_text();
                        std::string echo = "You wrote: " + data;
                        co_await websocket.send_text(echo);
                        manager->broadcast_text("chat", me + " says: " + data);
                      }
                    } catch (const fa::WebSocketDisconnect&) {
                      // the client has gone: the others are told below, once it has left the room
                    }
                  }
                  manager->broadcast_text("chat", me + " left the chat");
                });
}

}  // namespace websockets

#ifndef TUTORIAL_NO_MAIN  // the page's test includes this file and runs build() itself
int main(int argc, char** argv) {
  fa::App app;
  websockets::build(app);
  return app.run(argc, argv);
}
#endif

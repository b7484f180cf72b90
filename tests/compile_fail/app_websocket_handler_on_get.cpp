// expect: a handler that takes fa::WebSocket& is registered with app.websocket(path, handler)
// misuse: A WebSocket handler registered with `app.get`
// fix: register it with `app.websocket("/ws", [](fa::WebSocket& ws) -> fa::Task<void> { ... });` (a WebSocket is an upgrade of a GET, but it is its own kind of route).
// tests/compile_fail/app_websocket_handler_on_get.cpp: must not compile; an HTTP route cannot hand its handler a
// WebSocket.
#include "fastapi/app/app.hpp"

namespace fa = fastapi;

int main() {
  fa::App app;
  app.get("/ws", [](fa::WebSocket& ws) -> fa::Task<void> { co_await ws.accept(); });
}

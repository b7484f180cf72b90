// bench/servers/realtime_bench.cpp: the app bench/realtime.sh measures (ours), beside bench/servers/ws_echo.mjs
// (Node's ws) and bench/servers/realtime_app.py (FastAPI on uvicorn + websockets + python-multipart):
//   GET  /ws/echo                       WebSocket: each text message echoed as text, each binary as binary
//                                       (examples/20_realtime.cpp's route, written the same way)
//   GET  /events?count=K&interval_ms=T  SSE: K events, one every T ms on a fixed schedule (event i is due at
//                                       start + i*T), each `data: {"i":i,"t":NOW,"due":DUE}` with NOW and DUE in
//                                       steady_clock nanoseconds (CLOCK_MONOTONIC: the load client on the same
//                                       machine reads the same clock), so the client measures each event's delay
//   GET  /plaintext                     "Hello, World!" (bench/lib.sh's readiness probe)
//   POST /files                         multipart: form field `note`, file field `file` -> {"filename": ...,
//                                       "content_type": ..., "size": N, "note": ...}; no body limit (the file is
//                                       spooled to a temporary file past 1 MiB, as examples/21_files.cpp does)
// The WebSocket keep-alive ping is kept at its default (20 s) and the idle timeout too: what a user gets.
// max_connections is raised to 20,000 (the default, 10,000, would pause accepting at exactly the 10k idle test).
// permessage-deflate is off (Config::ws_per_message_deflate = false): the peers do not compress either.
// Build (bench/realtime.sh does it): g++ -std=c++20 -O2 -DNDEBUG -I. bench/servers/realtime_bench.cpp -lsimdjson -pthread
// Run:   ./realtime_bench --port 8080 --workers 1
#include <chrono>
#include <cstdint>
#include <string>

#include "fastapi.hpp"

namespace fa = fastapi;

namespace {

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

/// Event i is due at start + i * interval; its data says when it was due and when it was written.
fa::AsyncGenerator<fa::ServerSentEvent> stamped_events(int count, int interval_ms) {
  const std::int64_t start = now_ns();
  const std::int64_t step = std::int64_t{interval_ms} * 1'000'000;
  for (int i = 1; i <= count; ++i) {
    const std::int64_t due = start + i * step;
    if (std::int64_t wait = due - now_ns(); wait > 0) co_await fa::sleep(std::chrono::nanoseconds(wait));
    std::string data =
        "{\"i\":" + std::to_string(i) + ",\"t\":" + std::to_string(now_ns()) + ",\"due\":" + std::to_string(due) + "}";
    fa::ServerSentEvent event{.data = std::move(data), .id = std::to_string(i)};
    co_yield std::move(event);
  }
}

}  // namespace

int main(int argc, char** argv) {
  fa::App app{{.title = "Realtime bench"}};

  app.get("/plaintext", [] { return fa::PlainTextResponse("Hello, World!"); });

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

  app.get("/events", [](fa::Query<"count", int, fa::Rule{.ge = 0}> count,
                        fa::Query<"interval_ms", int, fa::Rule{.ge = 1}> interval_ms) {
    return fa::EventSourceResponse(stamped_events(*count, *interval_ms));
  });

  app.post(
      "/files",
      [](fa::File<"file", fa::UploadFile> file, fa::Form<"note", std::string> note) {
        return fa::Json{
            {"filename", file->filename}, {"content_type", file->content_type}, {"size", file->size}, {"note", *note}};
      },
      {.max_body_size = fa::unlimited});

  fa::Config config;
  config.max_connections = 20000;
  // permessage-deflate pinned off (its default is on when built with zlib): the echo compares frames as sent,
  // and the load client offers no extension, so no peer compresses (bench/realtime.sh says so in its results).
  config.ws_per_message_deflate = false;
  return app.run(argc, argv, config);
}

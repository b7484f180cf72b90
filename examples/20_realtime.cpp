// examples/20_realtime.cpp: beyond request -> response (docs/realtime.md). Its contract, which tests rely on:
//   GET  /events?count=K  Server-Sent Events: K events, `id: i` and `data: {"i": i}` (i = 1..K), one every
//                         10 ms, then the stream ends
//   POST /upload          the body streamed (never held in memory), answered {"bytes": N, "sha256": "<hex>"};
//                         any size below 4 GiB
// Run: ./20_realtime [--port 8000 | --port 0]
//   curl -N 'http://127.0.0.1:8000/events?count=5'
//   curl -T big.iso http://127.0.0.1:8000/upload        (curl -T sends PUT: use -X POST --data-binary @file)
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
  return app.run(argc, argv);
}

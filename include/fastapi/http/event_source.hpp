// http/event_source.hpp: Server-Sent Events (the HTML standard's text/event-stream): fa::ServerSentEvent and
// fa::EventSourceResponse (sse-starlette's names), a streamed Response fed by a coroutine generator of events,
// with comment pings while the generator is quiet. Fed by handlers; feeds the connection's stream writer. Knows
// nothing of sockets, routes or JSON.
#pragma once

#include <chrono>
#include <coroutine>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "fastapi/core/async_call.hpp"
#include "fastapi/core/config.hpp"
#include "fastapi/core/errors.hpp"
#include "fastapi/core/generator.hpp"
#include "fastapi/core/loop.hpp"
#include "fastapi/core/task.hpp"
#include "fastapi/http/response.hpp"

#if FASTAPI_DETAIL_ASIO
#include <asio.hpp>
#endif

namespace fastapi {

/// One event (sse-starlette's ServerSentEvent). Each field that is set becomes its line(s); `data` and
/// `comment` may hold several lines (each becomes its own `data:` / `:` line, so a client reads the data back
/// with its newlines); a CR or LF in `id` or `event` is dropped, so no value can inject a field or end the
/// event early. `fa::ServerSentEvent e{.data = R"({"i": 1})", .id = "1"}; co_yield std::move(e);` (a named value:
/// see fa::AsyncGenerator on g++ 12 and temporaries).
struct ServerSentEvent {
  std::optional<std::string> data{};
  std::optional<std::string> event{};    ///< the client's event type ("message" when absent)
  std::optional<std::string> id{};       ///< the client's last event ID (sent back as Last-Event-ID on reconnect)
  std::optional<std::int64_t> retry{};   ///< the client's reconnection time, in milliseconds
  std::optional<std::string> comment{};  ///< `: comment` lines, which clients ignore
};

/// Options of fa::EventSourceResponse, with sse-starlette's defaults.
struct EventSourceOptions {
  std::chrono::milliseconds ping_interval{15000};  ///< a `: ping` comment after this long without an event
  int status = 200;
};

/// A text/event-stream response from a generator of events (sse-starlette's EventSourceResponse):
///     fa::AsyncGenerator<fa::ServerSentEvent> ticks(int n) {
///       for (int i = 1; i <= n; ++i) {
///         co_await fa::sleep(std::chrono::seconds(1));
///         fa::ServerSentEvent tick{.data = std::to_string(i), .id = std::to_string(i)};
///         co_yield std::move(tick);
///       }
///     }
///     app.get("/ticks", [](fa::Query<"n", int> n) { return fa::EventSourceResponse(ticks(*n)); });
/// Each event is sent (and flushed) as soon as it is yielded; nothing buffers it (GZipMiddleware leaves event
/// streams alone). Headers: `Content-Type: text/event-stream; charset=utf-8`, `Cache-Control: no-cache`,
/// `X-Accel-Buffering: no` (nginx would buffer otherwise). While the generator yields nothing for
/// `ping_interval`, a `: ping - <UTC time>` comment keeps proxies from closing the idle connection.
/// When the client disconnects, or the server shuts down, the generator is cancelled at once: the wait it is
/// in (fa::sleep...) throws fa::CancelledError, so its cleanup (destructors, catch blocks) runs, then it is
/// destroyed.
Response EventSourceResponse(AsyncGenerator<ServerSentEvent> events, EventSourceOptions options = {});

// What EventSourceResponse runs, only there: with FASTAPI_SEPARATE_COMPILATION only fastapi_impl.cpp compiles it
// (and the Asio timer templates it instantiates), not every translation unit that includes fastapi.hpp.
#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
namespace detail {

/// Appends `text` without CR and LF (the value of an `id:` or `event:` line).
inline void append_single_line(std::string& out, std::string_view text) {
  for (char c : text)
    if (c != '\r' && c != '\n' && c != '\0') out.push_back(c);
}

/// Appends one `prefix line\r\n` per line of `text`: lines end at CRLF, CR or LF (the HTML standard's and
/// sse-starlette's split), so a CR alone cannot smuggle a line past the framing.
inline void append_lines(std::string& out, std::string_view prefix, std::string_view text) {
  std::size_t start = 0;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    if (i < text.size() && text[i] != '\r' && text[i] != '\n') continue;
    out.append(prefix).append(text.substr(start, i - start)).append("\r\n");
    if (i < text.size() && text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
    start = i + 1;
  }
}

/// One event as sent: comment, id, event, data, retry lines (sse-starlette's order), then the blank line.
inline void encode_event(const ServerSentEvent& e, std::string& out) {
  if (e.comment) append_lines(out, ": ", *e.comment);
  if (e.id) {
    out.append("id: ");
    append_single_line(out, *e.id);
    out.append("\r\n");
  }
  if (e.event) {
    out.append("event: ");
    append_single_line(out, *e.event);
    out.append("\r\n");
  }
  if (e.data) append_lines(out, "data: ", *e.data);
  if (e.retry) out.append("retry: ").append(std::to_string(*e.retry)).append("\r\n");
  out.append("\r\n");
}

/// `: ping - 2026-01-01 12:00:00.000000+00:00` (sse-starlette's ping comment: the UTC time).
inline void encode_ping(std::string& out) {
  auto now = std::chrono::system_clock::now();
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count() % 1000000;
  char text[64];
  std::snprintf(text, sizeof text, ": ping - %04d-%02d-%02d %02d:%02d:%02d.%06lld+00:00\r\n\r\n", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<long long>(micros));
  out.append(text);
}

/// The generator and its pending step. The step (the generator run to its next co_yield) runs as a coroutine
/// of its own, so that the stream can send a ping while it waits; it has its own Cancellation, cancelled when
/// the stream is (client gone, drain) or dropped.
struct EventPump {
  explicit EventPump(AsyncGenerator<ServerSentEvent> g, std::chrono::milliseconds ping)
      : events(std::move(g)), ping_interval(ping) {}
  AsyncGenerator<ServerSentEvent> events;
  std::chrono::milliseconds ping_interval;
  Cancellation step_cancel;
  Cancellation never_cancelled;  ///< for waits that must not be cut short
  std::optional<ServerSentEvent> event;
  std::exception_ptr error;
  bool running = false;  ///< a step is in progress
  bool ready = false;    ///< a step ended: `event` (or `error`, or nullopt: the generator's end) is its result
  bool ended = false;
  std::unique_ptr<asio::steady_timer> timer;  ///< the ping interval; a step that ends cancels it to wake the stream
};

/// Owned by the response's stream function: when the response goes (sent, or its client gone), a step still
/// running is cancelled, so the generator's cleanup runs now rather than at its next event.
struct EventPumpOwner {
  std::shared_ptr<EventPump> pump;
  ~EventPumpOwner() {
    if (pump && pump->running) pump->step_cancel.cancel();
  }
};

inline Task<void> event_step(std::shared_ptr<EventPump> p) {
  try {
    p->event = co_await p->events.next();
  } catch (...) {
    p->error = std::current_exception();
  }
  p->running = false;
  p->ready = true;
  if (p->timer) p->timer->cancel();  // wakes the stream if it waits
}

/// Waits on the pump's timer; cancellable by the awaiting chain unless bound otherwise.
inline Task<void> wait_timer(asio::steady_timer& timer) {
  co_await async_call<asio::error_code>([&](auto handler) { timer.async_wait(std::move(handler)); });
}

inline Task<bool> event_stream_next(std::shared_ptr<EventPump> p, std::string& chunk) {
  if (p->ended) co_return false;
  Cancellation* mine = co_await current_cancellation();
  if (!p->running && !p->ready) {
    p->running = true;
    Task<void> step = event_step(p);
    step.bind_cancellation(&p->step_cancel);
    spawn(std::move(step));  // runs now, up to its first wait (or its end)
  }
  if (!p->ready) {
    asio::io_context* io = this_loop().io;
    if (!p->timer && io) p->timer = std::make_unique<asio::steady_timer>(*io);
    if (p->timer) {
      p->timer->expires_after(p->ping_interval);
      co_await wait_timer(*p->timer);  // the step's end, the ping interval, or our cancellation
    }
    if (!p->ready && mine && mine->requested()) {
      // Cancelled (client gone, drain): cancel the step and wait for it to unwind before we are destroyed.
      p->step_cancel.cancel();
      while (!p->ready && p->timer) {
        p->timer->expires_after(std::chrono::hours(1));
        Task<void> wait = wait_timer(*p->timer);
        wait.bind_cancellation(&p->never_cancelled);
        co_await std::move(wait);
      }
      p->ended = true;
      throw CancelledError();
    }
    if (!p->ready) {
      encode_ping(chunk);
      co_return true;
    }
  }
  p->ready = false;
  if (p->error) {
    p->ended = true;
    std::rethrow_exception(std::exchange(p->error, nullptr));
  }
  if (!p->event) {
    p->ended = true;
    co_return false;
  }
  encode_event(*p->event, chunk);
  p->event.reset();
  co_return true;
}

}  // namespace detail

FASTAPI_DETAIL_INLINE Response EventSourceResponse(AsyncGenerator<ServerSentEvent> events, EventSourceOptions options) {
  auto owner = std::make_shared<detail::EventPumpOwner>();
  owner->pump = std::make_shared<detail::EventPump>(std::move(events), options.ping_interval);
  Response r{.status = options.status};
  r.stream = [owner](std::string& chunk) { return detail::event_stream_next(owner->pump, chunk); };
  r.set_media_type("text/event-stream");
  r.headers.set("Cache-Control", "no-cache");
  r.headers.set("X-Accel-Buffering", "no");
  r.cancel_on_shutdown = true;
  return r;
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

}  // namespace fastapi

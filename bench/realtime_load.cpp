// bench/realtime_load.cpp: the load client of bench/realtime.sh (standalone Asio, one thread, no fastapi.hpp: the
// client must not share code, or costs, with the server it measures). Four modes, each printing one result line:
//   echo   --port P [--path /ws/echo] [--connections 64] [--size 1024] [--depth 1] [--warmup 1] [--seconds 5]
//          each connection keeps DEPTH masked text messages of SIZE bytes in flight (sends one more per echo);
//          prints messages/s over SECONDS (after WARMUP), round-trip p50/p99, this client's CPU use (a fraction of
//          one core: near 1.0 would mean the client is the limit) and, with --server-pid, the server's CPU per
//          message over the same window (/proc/PID/stat, all its threads)
//   idle   --port P [--path /ws/echo] [--connections 10000] [--hold 10]
//          opens that many WebSockets (at most 128 handshakes at a time), answers pings, prints "held N" once all
//          are open, holds them HOLD seconds, prints how many are still open, exits
//   sse    --port P [--streams 1000] [--count 50] [--interval-ms 100]
//          opens STREAMS GET /events?count=K&interval_ms=T (bench/servers/realtime_bench.cpp) and records, per
//          event, now - t (delivery delay: written -> read) and now - due (delay against the schedule)
//   upload --port P [--path /files] [--bytes 1073741824]
//          one multipart/form-data POST (field `note`, file `file` of BYTES pseudo-random bytes, Content-Length)
//          written from a 1 MiB buffer; prints seconds, MiB/s, the answer and (--server-pid) the server's CPU use
// Every connection goes to 127.0.0.1. Build: g++ -std=c++20 -O2 -DNDEBUG bench/realtime_load.cpp -o realtime_load -pthread
#include <sys/resource.h>
#include <unistd.h>

// Asio turns on C++20 coroutines by itself for g++; clang++ with libstdc++ must say so (as core/config.hpp does).
#if defined(__clang__) && !defined(ASIO_HAS_CO_AWAIT)
#define ASIO_HAS_CO_AWAIT 1
#endif
#if defined(__clang__) && !defined(ASIO_HAS_STD_COROUTINE)
#define ASIO_HAS_STD_COROUTINE 1
#endif

#include <algorithm>
#include <asio.hpp>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

using asio::awaitable;
using asio::use_awaitable;
using asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

struct Options {
  std::string mode;
  std::map<std::string, std::string> values;
  std::string get(const std::string& key, const std::string& fallback) const {
    auto it = values.find(key);
    return it == values.end() ? fallback : it->second;
  }
  long long num(const std::string& key, long long fallback) const {
    return std::stoll(get(key, std::to_string(fallback)));
  }
};

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count();
}

/// This process's user + system CPU seconds so far.
double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

/// User + system CPU seconds of process `pid` (all its threads), from /proc/PID/stat; 0 when pid is 0.
double process_cpu_seconds(long pid) {
  if (pid <= 0) return 0;
  std::FILE* f = std::fopen(("/proc/" + std::to_string(pid) + "/stat").c_str(), "r");
  if (!f) return 0;
  char line[1024] = {};
  std::size_t n = std::fread(line, 1, sizeof line - 1, f);
  std::fclose(f);
  const char* p = std::strrchr(line, ')');  // the command name may hold spaces: fields count from after it
  if (!p || static_cast<std::size_t>(p - line) >= n) return 0;
  unsigned long long utime = 0, stime = 0;
  if (std::sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &utime, &stime) != 2) return 0;
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

double percentile(std::vector<std::int64_t>& v, double p) {
  if (v.empty()) return 0;
  std::size_t k = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return static_cast<double>(v[k]);
}

std::uint32_t xorshift(std::uint32_t& s) {
  s ^= s << 13;
  s ^= s >> 17;
  s ^= s << 5;
  return s;
}

/// Bytes read from a socket, consumed from the front.
struct Reader {
  explicit Reader(tcp::socket& s) : socket(s) {}
  tcp::socket& socket;
  std::string buf;
  std::size_t pos = 0;
  awaitable<void> fill(std::size_t n) {  // at least n unconsumed bytes
    while (buf.size() - pos < n) {
      if (pos == buf.size() || pos >= 65536) buf.erase(0, pos), pos = 0;  // views taken before are spent by now
      char tmp[65536];
      std::size_t got = co_await socket.async_read_some(asio::buffer(tmp), use_awaitable);
      buf.append(tmp, got);
    }
  }
  std::string_view take(std::size_t n) {
    std::string_view v(buf.data() + pos, n);
    pos += n;
    return v;
  }
  awaitable<std::string> head() {  // up to and including the blank line
    std::size_t end;
    while ((end = buf.find("\r\n\r\n", pos)) == std::string::npos) co_await fill(buf.size() - pos + 1);
    std::string h(take(end + 4 - pos));
    co_return h;
  }
};

/// A client frame (masked, RFC 6455 section 5.3), FIN set.
std::string client_frame(unsigned opcode, std::string_view payload, std::uint32_t& seed) {
  std::string f;
  f.push_back(static_cast<char>(0x80 | opcode));
  if (payload.size() < 126) {
    f.push_back(static_cast<char>(0x80 | payload.size()));
  } else if (payload.size() < 65536) {
    f.push_back(static_cast<char>(0x80 | 126));
    f.push_back(static_cast<char>(payload.size() >> 8));
    f.push_back(static_cast<char>(payload.size() & 0xff));
  } else {
    f.push_back(static_cast<char>(0x80 | 127));
    for (int i = 7; i >= 0; --i) f.push_back(static_cast<char>((payload.size() >> (8 * i)) & 0xff));
  }
  std::uint32_t key = xorshift(seed);
  char mask[4];
  std::memcpy(mask, &key, 4);
  f.append(mask, 4);
  for (std::size_t i = 0; i < payload.size(); ++i) f.push_back(static_cast<char>(payload[i] ^ mask[i % 4]));
  return f;
}

struct Frame {
  unsigned opcode;
  std::string_view payload;  // valid until the next read
};

/// The next server frame (unmasked); pings are answered with a pong here and skipped.
awaitable<Frame> read_frame(Reader& r, std::uint32_t& seed) {
  for (;;) {
    co_await r.fill(2);
    auto h = r.take(2);
    unsigned opcode = static_cast<unsigned char>(h[0]) & 0x0f;
    std::uint64_t len = static_cast<unsigned char>(h[1]) & 0x7f;
    if (len == 126 || len == 127) {
      std::size_t n = len == 126 ? 2 : 8;
      co_await r.fill(n);
      auto ext = r.take(n);
      len = 0;
      for (char c : ext) len = (len << 8) | static_cast<unsigned char>(c);
    }
    co_await r.fill(len);
    Frame f{opcode, r.take(len)};
    if (opcode == 0x9) {
      std::string pong = client_frame(0xA, f.payload, seed);
      co_await asio::async_write(r.socket, asio::buffer(pong), use_awaitable);
      continue;
    }
    co_return f;
  }
}

awaitable<void> ws_handshake(tcp::socket& s, Reader& r, int port, const std::string& path) {
  co_await s.async_connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)),
                           use_awaitable);
  s.set_option(tcp::no_delay(true));
  std::string req = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                    "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    "Sec-WebSocket-Version: 13\r\n\r\n";
  co_await asio::async_write(s, asio::buffer(req), use_awaitable);
  std::string head = co_await r.head();
  if (head.compare(0, 12, "HTTP/1.1 101") != 0) throw std::runtime_error("handshake refused: " + head.substr(0, 40));
}

// ---- echo ----

struct EchoState {
  bool measuring = false, stopping = false;
  std::uint64_t messages = 0, errors = 0;
  std::vector<std::int64_t> rtt_ns;
};

awaitable<void> echo_connection(int port, std::string path, std::size_t size, int depth, std::uint32_t seed,
                                EchoState& st) {
  tcp::socket s(co_await asio::this_coro::executor);
  Reader r{s};
  try {
    co_await ws_handshake(s, r, port, path);
    std::string payload(size, 'x');
    for (std::size_t i = 0; i < size; ++i) payload[i] = static_cast<char>('a' + i % 26);
    const std::string frame = client_frame(0x1, payload, seed);       // the same masked frame each time: cheap to send
    std::vector<std::int64_t> sent(static_cast<std::size_t>(depth));  // send times, a ring: echoes come in order
    std::size_t head = 0;
    for (int i = 0; i < depth; ++i) {
      sent[static_cast<std::size_t>(i)] = now_ns();
      co_await asio::async_write(s, asio::buffer(frame), use_awaitable);
    }
    while (!st.stopping) {
      Frame f = co_await read_frame(r, seed);
      if (f.opcode != 0x1 || f.payload.size() != size) throw std::runtime_error("bad echo");
      if (st.measuring) {
        ++st.messages;
        st.rtt_ns.push_back(now_ns() - sent[head]);
      }
      sent[head] = now_ns();
      head = (head + 1) % sent.size();
      co_await asio::async_write(s, asio::buffer(frame), use_awaitable);
    }
  } catch (const std::exception& e) {
    if (!st.stopping) {
      ++st.errors;
      std::fprintf(stderr, "echo connection: %s\n", e.what());
    }
  }
}

int run_echo(const Options& o) {
  asio::io_context io(1);
  EchoState st;
  const int port = static_cast<int>(o.num("port", 0));
  const auto conns = o.num("connections", 64);
  const auto size = static_cast<std::size_t>(o.num("size", 1024));
  const int depth = static_cast<int>(std::max(1ll, o.num("depth", 1)));
  const auto warmup = o.num("warmup", 1), seconds = o.num("seconds", 5);
  for (long long i = 0; i < conns; ++i)
    asio::co_spawn(
        io, echo_connection(port, o.get("path", "/ws/echo"), size, depth, static_cast<std::uint32_t>(i * 7919 + 1), st),
        asio::detached);
  const long server_pid = static_cast<long>(o.num("server-pid", 0));
  double cpu0 = 0, t0 = 0, cpu1 = 0, t1 = 0, server0 = 0, server1 = 0;
  std::uint64_t m1 = 0;
  asio::steady_timer timer(io);
  asio::co_spawn(
      io,
      [&]() -> awaitable<void> {
        timer.expires_after(std::chrono::seconds(warmup));
        co_await timer.async_wait(use_awaitable);
        st.measuring = true;
        cpu0 = cpu_seconds();
        server0 = process_cpu_seconds(server_pid);
        t0 = static_cast<double>(now_ns()) / 1e9;
        timer.expires_after(std::chrono::seconds(seconds));
        co_await timer.async_wait(use_awaitable);
        m1 = st.messages;
        cpu1 = cpu_seconds();
        server1 = process_cpu_seconds(server_pid);
        t1 = static_cast<double>(now_ns()) / 1e9;
        st.measuring = false;
        st.stopping = true;
        io.stop();  // the sockets close with the process: the servers see a reset, as with any dropped client
      },
      asio::detached);
  io.run();
  const double wall = t1 - t0;
  std::printf(
      "BENCH ws_echo connections=%lld depth=%d size=%zu seconds=%.2f messages=%llu msgs_per_s=%.0f rtt_p50_us=%.0f "
      "rtt_p99_us=%.0f client_cpu=%.2f server_cpu=%.2f server_us_per_msg=%.2f errors=%llu\n",
      conns, depth, size, wall, static_cast<unsigned long long>(m1), static_cast<double>(m1) / wall,
      percentile(st.rtt_ns, 0.5) / 1e3, percentile(st.rtt_ns, 0.99) / 1e3, (cpu1 - cpu0) / wall,
      (server1 - server0) / wall, m1 ? (server1 - server0) * 1e6 / static_cast<double>(m1) : 0.0,
      static_cast<unsigned long long>(st.errors));
  return st.errors ? 1 : 0;
}

// ---- idle ----

struct IdleState {
  long long open = 0, failed = 0, closed = 0;
};

/// One held WebSocket: the socket and its reader live together at a fixed address.
struct IdleConn {
  explicit IdleConn(asio::any_io_executor ex) : socket(ex), reader{socket} {}
  tcp::socket socket;
  Reader reader;
};

awaitable<void> idle_connection(IdleConn& c, IdleState& st) {
  std::uint32_t seed = 12345;
  try {
    for (;;) (void)co_await read_frame(c.reader, seed);  // answers pings; anything else is ignored
  } catch (const std::exception&) {
    ++st.closed;
  }
}

// ---- sse ----

struct SseState {
  std::vector<std::int64_t> delivery_ns, schedule_ns;
  long long streams_done = 0, errors = 0;
};

/// Removes chunked framing (RFC 9112 section 7.1): feed() appends to `out` what the bytes so far complete, and
/// `done` is set by the last (zero-size) chunk.
struct Dechunk {
  std::string raw;
  std::size_t left = 0;  // bytes left in the current chunk
  bool done = false;
  void feed(std::string_view in, std::string& out) {
    raw.append(in);
    std::size_t p = 0;
    while (!done) {
      if (left > 0) {
        std::size_t n = std::min(left, raw.size() - p);
        out.append(raw, p, n);
        p += n;
        left -= n;
        if (left > 0) break;
        left = static_cast<std::size_t>(-1);  // expect the chunk's CRLF
      }
      if (left == static_cast<std::size_t>(-1)) {
        if (raw.size() - p < 2) break;
        p += 2;
        left = 0;
      }
      std::size_t eol = raw.find("\r\n", p);
      if (eol == std::string::npos) break;
      std::size_t size = std::strtoull(raw.c_str() + p, nullptr, 16);
      p = eol + 2;
      if (size == 0) done = true;
      left = size;
    }
    raw.erase(0, p);
  }
};

awaitable<void> sse_stream(int port, long long count, long long interval, SseState& st) {
  tcp::socket s(co_await asio::this_coro::executor);
  Reader r{s};
  try {
    co_await s.async_connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)),
                             use_awaitable);
    std::string req = "GET /events?count=" + std::to_string(count) + "&interval_ms=" + std::to_string(interval) +
                      " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n";
    co_await asio::async_write(s, asio::buffer(req), use_awaitable);
    std::string head = co_await r.head();
    if (head.compare(0, 12, "HTTP/1.1 200") != 0) throw std::runtime_error("not 200: " + head.substr(0, 40));
    const bool chunked = head.find("chunked") != std::string::npos;
    Dechunk dechunk;
    std::string text(r.buf.substr(r.pos));
    if (chunked) {
      std::string first;
      dechunk.feed(text, first);
      text = first;
    }
    long long seen = 0;
    for (;;) {
      std::int64_t now = now_ns();
      std::size_t line_end;
      while ((line_end = text.find('\n')) != std::string::npos) {
        std::string_view line(text.data(), line_end);
        if (line.starts_with("data: ")) {
          auto t = line.find("\"t\":"), due = line.find("\"due\":");
          if (t != line.npos && due != line.npos) {
            st.delivery_ns.push_back(now - std::strtoll(line.data() + t + 4, nullptr, 10));
            st.schedule_ns.push_back(now - std::strtoll(line.data() + due + 6, nullptr, 10));
            ++seen;
          }
        }
        text.erase(0, line_end + 1);
      }
      if (seen == count || dechunk.done) break;
      char tmp[16384];
      std::size_t got = co_await s.async_read_some(asio::buffer(tmp), use_awaitable);
      if (chunked) {
        dechunk.feed(std::string_view(tmp, got), text);
      } else {
        text.append(tmp, got);
      }
    }
    ++st.streams_done;
  } catch (const std::exception& e) {
    if (++st.errors <= 3) std::fprintf(stderr, "sse stream: %s\n", e.what());
  }
}

int run_sse(const Options& o) {
  asio::io_context io(1);
  SseState st;
  const int port = static_cast<int>(o.num("port", 0));
  const auto streams = o.num("streams", 1000), count = o.num("count", 50), interval = o.num("interval-ms", 100);
  st.delivery_ns.reserve(static_cast<std::size_t>(streams * count));
  st.schedule_ns.reserve(static_cast<std::size_t>(streams * count));
  for (long long i = 0; i < streams; ++i) asio::co_spawn(io, sse_stream(port, count, interval, st), asio::detached);
  const double cpu0 = cpu_seconds(), t0 = static_cast<double>(now_ns()) / 1e9;
  io.run();
  const double wall = static_cast<double>(now_ns()) / 1e9 - t0, cpu = cpu_seconds() - cpu0;
  auto events = st.delivery_ns.size();
  std::printf("BENCH sse streams=%lld done=%lld count=%lld interval_ms=%lld events=%zu expected=%lld "
              "delivery_p50_ms=%.3f delivery_p99_ms=%.3f delivery_max_ms=%.3f schedule_p50_ms=%.3f "
              "schedule_p99_ms=%.3f schedule_max_ms=%.3f client_cpu=%.2f errors=%lld\n",
              streams, st.streams_done, count, interval, events, streams * count, percentile(st.delivery_ns, 0.5) / 1e6,
              percentile(st.delivery_ns, 0.99) / 1e6, percentile(st.delivery_ns, 1.0) / 1e6,
              percentile(st.schedule_ns, 0.5) / 1e6, percentile(st.schedule_ns, 0.99) / 1e6,
              percentile(st.schedule_ns, 1.0) / 1e6, cpu / wall, st.errors);
  return st.errors || static_cast<long long>(events) != streams * count ? 1 : 0;
}

// ---- upload ----

int run_upload(const Options& o) {
  asio::io_context io(1);
  const int port = static_cast<int>(o.num("port", 0));
  const auto bytes = static_cast<std::uint64_t>(o.num("bytes", 1ll << 30));
  const std::string boundary = "----realtimeLoadBoundary7MA4YWxkTrZu0gW";
  const std::string pre = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nbench\r\n--" +
                          boundary +
                          "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.bin\"\r\n"
                          "Content-Type: application/octet-stream\r\n\r\n";
  const std::string post = "\r\n--" + boundary + "--\r\n";
  std::string block(1 << 20, '\0');  // pseudo-random bytes: CR, LF and '-' appear as in any binary file
  std::uint32_t seed = 2463534242u;
  for (std::size_t i = 0; i < block.size(); i += 4) {
    std::uint32_t v = xorshift(seed);
    std::memcpy(block.data() + i, &v, 4);
  }
  const std::string head = "POST " + o.get("path", "/files") + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                           "\r\nContent-Type: multipart/form-data; boundary=" + boundary +
                           "\r\nContent-Length: " + std::to_string(pre.size() + bytes + post.size()) + "\r\n\r\n";
  tcp::socket s(io);
  s.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)));
  const long server_pid = static_cast<long>(o.num("server-pid", 0));
  const double cpu0 = cpu_seconds(), t0 = static_cast<double>(now_ns()) / 1e9,
               server0 = process_cpu_seconds(server_pid);
  asio::write(s, asio::buffer(head + pre));
  for (std::uint64_t sent = 0; sent < bytes;) {
    std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(block.size(), bytes - sent));
    asio::write(s, asio::buffer(block.data(), n));
    sent += n;
  }
  asio::write(s, asio::buffer(post));
  std::string answer;
  char tmp[4096];
  asio::error_code ec;
  for (;;) {  // the head, then Content-Length bytes of body
    std::size_t got = s.read_some(asio::buffer(tmp), ec);
    if (ec) break;
    answer.append(tmp, got);
    auto end = answer.find("\r\n\r\n");
    if (end == std::string::npos) continue;
    auto cl = answer.find("ontent-Length: ");
    if (cl == std::string::npos) cl = answer.find("ontent-length: ");
    if (cl != std::string::npos && answer.size() >= end + 4 + std::stoull(answer.substr(cl + 15))) break;
  }
  const double wall = static_cast<double>(now_ns()) / 1e9 - t0, cpu = cpu_seconds() - cpu0;
  const double server_cpu = process_cpu_seconds(server_pid) - server0;
  auto body = answer.substr(std::min(answer.size(), answer.find("\r\n\r\n") + 4));
  const bool ok =
      answer.compare(0, 12, "HTTP/1.1 200") == 0 && body.find("\"size\":" + std::to_string(bytes)) != std::string::npos;
  const bool ok_spaced = body.find("\"size\": " + std::to_string(bytes)) != std::string::npos;  // Python's json
  std::printf("BENCH upload bytes=%llu seconds=%.2f mib_per_s=%.1f client_cpu=%.2f server_cpu=%.2f ok=%d answer=%s\n",
              static_cast<unsigned long long>(bytes), wall, static_cast<double>(bytes) / 1048576.0 / wall, cpu / wall,
              server_cpu / wall, ok || ok_spaced ? 1 : 0, body.c_str());
  return ok || ok_spaced ? 0 : 1;
}

int run_idle(const Options& o) {
  rlimit lim{};  // one descriptor per connection: as many as the hard limit allows
  if (getrlimit(RLIMIT_NOFILE, &lim) == 0) {
    lim.rlim_cur = lim.rlim_max;
    setrlimit(RLIMIT_NOFILE, &lim);
  }
  asio::io_context io(1);
  IdleState st;
  const int port = static_cast<int>(o.num("port", 0));
  const auto n = o.num("connections", 10000), hold = o.num("hold", 10);
  const long long openers = std::min<long long>(128, n);
  std::vector<std::unique_ptr<IdleConn>> held;
  held.reserve(static_cast<std::size_t>(n));
  for (long long i = 0; i < openers; ++i)
    asio::co_spawn(
        io,
        [&, i]() -> awaitable<void> {
          auto ex = co_await asio::this_coro::executor;
          for (long long k = i; k < n; k += openers) {
            auto c = std::make_unique<IdleConn>(ex);
            try {
              co_await ws_handshake(c->socket, c->reader, port, o.get("path", "/ws/echo"));
              ++st.open;
              asio::co_spawn(ex, idle_connection(*c, st), asio::detached);
              held.push_back(std::move(c));
            } catch (const std::exception& e) {
              if (++st.failed <= 3) std::fprintf(stderr, "idle connection: %s\n", e.what());
            }
          }
        },
        asio::detached);
  asio::steady_timer timer(io);
  asio::co_spawn(
      io,
      [&]() -> awaitable<void> {
        while (st.open + st.failed < n) {
          timer.expires_after(std::chrono::milliseconds(50));
          co_await timer.async_wait(use_awaitable);
        }
        std::printf("held %lld failed %lld\n", st.open, st.failed);
        std::fflush(stdout);
        timer.expires_after(std::chrono::seconds(hold));
        co_await timer.async_wait(use_awaitable);
        std::printf("BENCH ws_idle_client connections=%lld opened=%lld failed=%lld closed_by_server=%lld\n", n, st.open,
                    st.failed, st.closed);
        std::fflush(stdout);
        io.stop();
      },
      asio::detached);
  io.run();
  return st.failed ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: realtime_load echo|idle|sse|upload --port P [--key value]...\n");
    return 2;
  }
  Options o;
  o.mode = argv[1];
  for (int i = 2; i + 1 < argc; i += 2) {
    std::string k = argv[i];
    if (!k.starts_with("--")) {
      std::fprintf(stderr, "realtime_load: expected --key value, got %s\n", argv[i]);
      return 2;
    }
    o.values[k.substr(2)] = argv[i + 1];
  }
  try {
    if (o.mode == "echo") return run_echo(o);
    if (o.mode == "idle") return run_idle(o);
    if (o.mode == "sse") return run_sse(o);
    if (o.mode == "upload") return run_upload(o);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "realtime_load: %s\n", e.what());
    return 1;
  }
  std::fprintf(stderr, "realtime_load: unknown mode %s\n", o.mode.c_str());
  return 2;
}

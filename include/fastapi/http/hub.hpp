// http/hub.hpp: what one worker thread shares with its connections: the Service and Config, the pools of read
// and write buffers, the Date line, the coarse clock and the list of connections its tick sweeps.
// Fed by the server (one Hub per worker); feeds connections. Knows nothing of HTTP bytes, routes or JSON.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "fastapi/core/config.hpp"
#include "fastapi/http/service.hpp"
#include "fastapi/http/writer.hpp"

// The server's internals name Asio's types: declared only where Asio is included (core/config.hpp's
// FASTAPI_DETAIL_ASIO), so an app's file built with FASTAPI_SEPARATE_COMPILATION parses none of them.
#if FASTAPI_DETAIL_ASIO
#include <asio.hpp>

struct ssl_ctx_st;  // OpenSSL's SSL_CTX (http/tls_context.hpp)

namespace fastapi::detail {

using Clock = std::chrono::steady_clock;

/// Fixed-size read buffers recycled per worker.
class BufferPool {
 public:
  explicit BufferPool(std::size_t buffer_size, std::size_t max_cached = 1024)
      : size_(buffer_size), max_cached_(max_cached) {}
  ~BufferPool() {
    for (char* b : free_) delete[] b;
  }
  BufferPool(const BufferPool&) = delete;
  BufferPool& operator=(const BufferPool&) = delete;
  char* acquire() {
    if (free_.empty()) return new char[size_];
    char* b = free_.back();
    free_.pop_back();
    return b;
  }
  void release(char* b) {
    if (free_.size() < max_cached_) {
      free_.push_back(b);
    } else {
      delete[] b;
    }
  }
  std::size_t buffer_size() const { return size_; }

 private:
  std::size_t size_;
  std::size_t max_cached_;
  std::vector<char*> free_;
};

class Connection;

/// What one worker thread shares with its connections. Touched only by that worker's thread.
struct Hub {
  Hub(asio::io_context& io_context, const Config& cfg, Service& svc, std::atomic<std::size_t>& open)
      : io(io_context), config(cfg), service(svc), open_connections(open),
        buffers(std::max<std::size_t>(cfg.max_header_bytes, 4096) + 1) {}

  asio::io_context& io;
  const Config& config;
  Service& service;
  std::atomic<std::size_t>& open_connections;  ///< across all workers (max_connections)
  BufferPool buffers;
  std::vector<std::string> out_buffers;  ///< recycled write buffers (capacity kept)
  DateCache date;
  Clock::time_point now = Clock::now();  ///< coarse: refreshed by the tick
  bool draining = false;                 ///< shutdown: finish in-flight requests, accept no new ones
  Connection* first = nullptr;           ///< intrusive list of this worker's connections
  std::size_t count = 0;
  asio::steady_timer* ticker = nullptr;  ///< the worker's tick, woken when a drain has no connection left
  ::ssl_ctx_st* tls = nullptr;           ///< the server's TLS context: every connection starts with a handshake

  std::string take_out_buffer() {
    if (out_buffers.empty()) return {};
    std::string s = std::move(out_buffers.back());
    out_buffers.pop_back();
    return s;
  }
  void give_out_buffer(std::string&& s) {
    if (s.capacity() > 65536 || out_buffers.size() >= 1024) return;  // let an oversized one go
    s.clear();
    out_buffers.push_back(std::move(s));
  }
};

}  // namespace fastapi::detail
#endif  // FASTAPI_DETAIL_ASIO

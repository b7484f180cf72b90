// client/pool.hpp: the HTTP client's keep-alive connections, per host, with a bound per host and a queue of
// waiters when it is reached. Fed by the client (which leases a connection for each request and hands it
// back); feeds nothing. Knows nothing of HTTP messages, only of descriptors (and the TLS session riding on
// one), hosts and deadlines.
//
// Idle connections are kept as bare socket descriptors, not as asio sockets: a socket belongs to one
// io_context, a descriptor to none. A request adopts the descriptor into the io_context of the loop it runs
// on (socket.assign) and gives it back (socket.release) when the response is read. So one pool serves
// every worker, the bound per host holds across workers, and no pooled socket outlives the loop it was
// opened on (the lifespan's startup loop, a stopped app's workers). An https:// connection keeps its OpenSSL
// session (an SSL*, which belongs to no loop either) beside its descriptor (client/stream.hpp).
#pragma once

#include <cerrno>
#include <chrono>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <sys/socket.h>
#include <unistd.h>

#ifdef FASTAPI_ENABLE_TLS
#include <openssl/ssl.h>
#endif

#include "fastapi/core/async_call.hpp"
#include "fastapi/core/config.hpp"
#include "fastapi/core/loop.hpp"
#include "fastapi/core/task.hpp"

#if FASTAPI_DETAIL_ASIO
#include <asio.hpp>
#endif

struct ssl_st;  // OpenSSL's SSL; only a build with FASTAPI_ENABLE_TLS ever sets one

namespace fastapi::detail {

/// A connection a request may use: a pooled descriptor (`fd >= 0`) or the right to open a new one.
struct Lease {
  int fd = -1;              ///< -1: open a new connection (the slot is already counted)
  int family = AF_INET;     ///< the descriptor's address family (AF_INET, AF_INET6, AF_UNIX), for socket.assign
  bool reused = false;      ///< it carried a request before (a stale one may fail: the client retries once)
  ::ssl_st* tls = nullptr;  ///< an https:// connection's session, owned by the lease (SSL_free) with the fd
};

/// Closes a connection the pool owns: its TLS session (without a close_notify: nobody reads it) and descriptor.
inline void close_pooled(int fd, ::ssl_st* tls) {
#ifdef FASTAPI_ENABLE_TLS
  if (tls) SSL_free(tls);
#else
  (void)tls;
#endif
  ::close(fd);
}

/// Connections per host key ("http://host:port"), shared by every thread (one mutex; held only for a few
/// vector operations, never across an await).
class ConnectionPool {
 public:
  using Clock = std::chrono::steady_clock;
  ConnectionPool(std::size_t max_per_host, std::size_t max_idle_per_host, Clock::duration idle_expiry)
      : max_per_host_(max_per_host ? max_per_host : 1), max_idle_(max_idle_per_host), expiry_(idle_expiry) {}
  ~ConnectionPool() { close_idle(); }
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  /// A lease for `key`, waiting on `io` (the caller's loop) until `deadline` when the host is at its
  /// bound. nullopt when the deadline passed first.
  Task<std::optional<Lease>> acquire(std::string key, asio::io_context& io, Clock::time_point deadline);
  /// A connection whose response was read whole and that may carry another request: to a waiter, or idle.
  void give_back(const std::string& key, Lease connection);
  /// A lease that ends without a reusable connection (error, timeout, Connection: close): its slot is freed.
  void forget(const std::string& key);
  /// Closes every idle connection (the client's close()).
  void close_idle();
  /// Connections counted against the bound of `key` (idle + in use + being opened), and the idle ones.
  std::pair<std::size_t, std::size_t> counts(const std::string& key) const;

 private:
  struct Idle {
    Lease connection;
    Clock::time_point since;
  };
  /// A request waiting for a slot (defined with the functions: it names Asio's timer).
  struct Waiter;
  struct Host {
    std::vector<Idle> idle;  ///< most recently used last
    std::size_t open = 0;
    std::deque<std::shared_ptr<Waiter>> waiters;
  };
  /// Leaves the queue, or gives back a grant nobody took (a frame destroyed while it waited).
  struct WaitGuard {
    ConnectionPool& pool;
    const std::string& key;
    std::shared_ptr<Waiter> waiter;
    bool taken = false;
    ~WaitGuard();
  };

  /// An idle connection that is still good (the server did not close it), or nullopt. Under the mutex.
  std::optional<Lease> take_idle(Host& host);
  /// Hands a connection (fd >= 0) or a free slot (fd < 0) to the first waiter; false when none. Under the mutex.
  bool grant(Host& host, Lease lease);

  mutable std::mutex mutex_;
  std::unordered_map<std::string, Host> hosts_;
  std::size_t max_per_host_;
  std::size_t max_idle_;
  Clock::duration expiry_;
};

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
/// A request waiting for a slot. Granted under the mutex; woken on its own loop (its timer cancelled).
struct ConnectionPool::Waiter {
  asio::io_context* io = nullptr;
  asio::steady_timer* timer = nullptr;  ///< touched only on the waiter's loop thread
  bool granted = false;
  Lease lease;
};

FASTAPI_DETAIL_INLINE std::optional<Lease> ConnectionPool::take_idle(Host& host) {
  auto now = Clock::now();
  while (!host.idle.empty()) {
    Idle c = host.idle.back();
    host.idle.pop_back();
    // A connection the server has closed (EOF pending, or a TLS close_notify) or written to unasked is no
    // use: MSG_PEEK tells.
    char byte;
    ssize_t n = ::recv(c.connection.fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    bool alive = n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
    if (alive && now - c.since <= expiry_) {
      c.connection.reused = true;
      return c.connection;
    }
    close_pooled(c.connection.fd, c.connection.tls);
    --host.open;
  }
  return std::nullopt;
}

FASTAPI_DETAIL_INLINE bool ConnectionPool::grant(Host& host, Lease lease) {
  if (host.waiters.empty()) return false;
  std::shared_ptr<Waiter> w = std::move(host.waiters.front());
  host.waiters.pop_front();
  w->granted = true;
  w->lease = lease;
  asio::post(*w->io, [w] {
    if (w->timer) w->timer->cancel();
  });
  return true;
}

FASTAPI_DETAIL_INLINE Task<std::optional<Lease>> ConnectionPool::acquire(std::string key, asio::io_context& io,
                                                                         Clock::time_point deadline) {
  auto waiter = std::make_shared<Waiter>();
  asio::steady_timer timer(io, deadline);
  {
    std::lock_guard lock(mutex_);
    Host& host = hosts_[key];
    if (std::optional<Lease> idle = take_idle(host)) co_return idle;
    if (host.open < max_per_host_) {
      ++host.open;
      co_return Lease{};
    }
    waiter->io = &io;
    waiter->timer = &timer;  // a grant posts its cancel to this loop: it runs after we suspend below
    host.waiters.push_back(waiter);
  }
  WaitGuard guard{*this, key, waiter};
  co_await async_call<asio::error_code>([&](auto handler) { timer.async_wait(std::move(handler)); });
  waiter->timer = nullptr;
  {
    std::lock_guard lock(mutex_);
    if (waiter->granted) guard.taken = true;
  }
  if (!guard.taken) co_return std::nullopt;  // the deadline passed first; the guard leaves the queue
  co_return waiter->lease;
}

FASTAPI_DETAIL_INLINE ConnectionPool::WaitGuard::~WaitGuard() {
  if (taken) return;
  waiter->timer = nullptr;
  std::lock_guard lock(pool.mutex_);
  Host& host = pool.hosts_[key];
  if (!waiter->granted) {
    std::erase(host.waiters, waiter);
    return;
  }
  // Granted, but the request is gone: pass the grant on.
  Lease lease = waiter->lease;
  if (pool.grant(host, lease)) return;
  if (lease.fd >= 0) {
    host.idle.push_back(Idle{lease, Clock::now()});
  } else {
    --host.open;
  }
}

FASTAPI_DETAIL_INLINE void ConnectionPool::give_back(const std::string& key, Lease connection) {
  connection.reused = true;
  std::lock_guard lock(mutex_);
  Host& host = hosts_[key];
  if (grant(host, connection)) return;
  if (host.idle.size() >= max_idle_) {
    close_pooled(connection.fd, connection.tls);
    --host.open;
    return;
  }
  host.idle.push_back(Idle{connection, Clock::now()});
}

FASTAPI_DETAIL_INLINE void ConnectionPool::forget(const std::string& key) {
  std::lock_guard lock(mutex_);
  Host& host = hosts_[key];
  if (grant(host, Lease{})) return;  // the slot goes to a waiter, who opens a new connection
  --host.open;
}

FASTAPI_DETAIL_INLINE void ConnectionPool::close_idle() {
  std::lock_guard lock(mutex_);
  for (auto& [key, host] : hosts_) {
    for (const Idle& c : host.idle) close_pooled(c.connection.fd, c.connection.tls);
    host.open -= host.idle.size();
    host.idle.clear();
  }
}

FASTAPI_DETAIL_INLINE std::pair<std::size_t, std::size_t> ConnectionPool::counts(const std::string& key) const {
  std::lock_guard lock(mutex_);
  auto it = hosts_.find(key);
  if (it == hosts_.end()) return {0, 0};
  return {it->second.open, it->second.idle.size()};
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

}  // namespace fastapi::detail

// http/server.hpp: worker threads, each with its own io_context and SO_REUSEPORT acceptor (shared nothing), or
// one acceptor for all on a Unix socket (Config::uds); the TLS context when Config asks for HTTPS; the tick that
// sweeps timeouts and refreshes the Date header, signals and the graceful drain.
// Fed by app.run(); feeds connections. Knows nothing of routes or JSON.
#pragma once

#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdint>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "fastapi/core/async_call.hpp"
#include "fastapi/core/config.hpp"
#include "fastapi/core/log.hpp"
#include "fastapi/core/loop.hpp"
#include "fastapi/http/connection.hpp"
#include "fastapi/http/connection_body.hpp"
#include "fastapi/http/connection_upgrade.hpp"
#include "fastapi/http/hub.hpp"
#include "fastapi/http/service.hpp"
#include "fastapi/http/stream.hpp"
#include "fastapi/http/tls_context.hpp"

// The server's internals name Asio's types: declared only where Asio is included (core/config.hpp's
// FASTAPI_DETAIL_ASIO), so an app's file built with FASTAPI_SEPARATE_COMPILATION parses none of them.
#if FASTAPI_DETAIL_ASIO
#include <asio.hpp>

namespace fastapi {

/// The HTTP server under an App: `Server s{service, config, logger}; s.listen(); s.run();` (app.run() does
/// this). stop() may be called from any thread, or by SIGINT/SIGTERM when config.handle_signals is set.
class Server {
 public:
  Server(Service& service, Config config, Logger& logger);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// Binds every worker's acceptor; returns the bound port (a free one when config.port is 0; 0 on a Unix
  /// socket). Throws std::system_error worded as uvicorn's when it cannot bind: `[Errno 98] error while
  /// attempting to bind on 127.0.0.1:8000: Address already in use`. A port held by any other socket (another
  /// fastapi.hpp process included) is refused: SO_REUSEPORT is shared among this server's workers only.
  /// Config::uds: the socket file is made with mode 0666 (uvicorn's); a stale one (nobody accepts on it) is
  /// replaced, a live one refused (`... bind on unix:PATH: Address already in use`); it is removed by run()'s
  /// end. Calls prepare() first if it was not called.
  std::uint16_t listen();
  /// What can be checked before binding, so that App::run refuses a misconfiguration before the app's startup
  /// hooks run (uvicorn's Config.load() makes its SSL context before the lifespan starts): TLS
  /// (Config::ssl_certfile) reads the certificate and key into the context, throwing std::runtime_error that
  /// names the file and OpenSSL's reason; Config::uds checks the path (its directory exists and may be written,
  /// nothing but a socket file is in the way), throwing std::system_error in the bind error's words. Idempotent.
  void prepare();
  /// Serves until stop() and the drain have finished. Calls listen() first if it was not called.
  void run();
  /// Starts the graceful drain: stop accepting, finish in-flight requests (within graceful_timeout),
  /// close idle connections. Thread-safe, idempotent.
  void stop();
  /// The bound port (after listen()).
  std::uint16_t port() const { return port_; }
  /// True between listen() and the start of the drain.
  bool accepting() const { return listening_.load() && !stopping_.load(); }
  /// Open connections across all workers.
  std::size_t open_connections() const { return open_.load(); }
  const Config& config() const { return config_; }

 private:
  struct Worker;
  void listen_tcp();
  void listen_uds();
  void check_uds_path() const;
  void remove_uds();
  Task<void> accept_loop(Worker& w);
  Task<void> tick(Worker& w);
  void begin_drain(Worker& w);

  Service& service_;
  Config config_;
  Logger& logger_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::unique_ptr<ThreadPool> pool_;
  std::atomic<std::size_t> open_{0};
  std::atomic<bool> listening_{false};
  std::atomic<bool> stopping_{false};
  std::uint16_t port_ = 0;
  ::ssl_ctx_st* tls_ = nullptr;  ///< made by prepare() when the Config asks for TLS
  bool prepared_ = false;
  ino_t uds_inode_ = 0;           ///< the Unix socket file we made (removed at the end only if it is still ours)
  bool shared_acceptor_ = false;  ///< SO_REUSEPORT missing: worker 0 accepts for all
  std::atomic<unsigned> next_worker_{0};
  std::mutex stop_mutex_;
  std::condition_variable stop_cv_;
  std::unique_ptr<asio::io_context> signal_io_;
  std::unique_ptr<asio::signal_set> signals_;  ///< set up by listen() when config.handle_signals
};

struct Server::Worker {
  Worker(Service& service, const Config& config, std::atomic<std::size_t>& open);
  asio::io_context io;
  detail::Hub hub;
  asio::basic_socket_acceptor<asio::generic::stream_protocol> acceptor;  ///< TCP of either family, or a Unix socket
  asio::steady_timer ticker;
  std::chrono::steady_clock::time_point drain_deadline = std::chrono::steady_clock::time_point::max();
  bool aborted = false;  ///< the grace period is over and every connection was shut down
  std::thread thread;
};

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
// Out of the class: it instantiates Asio's socket and timer constructors, which a translation unit that
// only sees declarations (FASTAPI_SEPARATE_COMPILATION) should not pay for.
FASTAPI_DETAIL_INLINE Server::Worker::Worker(Service& service, const Config& config, std::atomic<std::size_t>& open)
    : io(1), hub(io, config, service, open), acceptor(io), ticker(io) {
  hub.ticker = &ticker;
}

FASTAPI_DETAIL_INLINE Server::Server(Service& service, Config config, Logger& logger)
    : service_(service), config_(std::move(config)), logger_(logger) {
  unsigned n = config_.worker_count();
  for (unsigned i = 0; i < n; ++i) workers_.push_back(std::make_unique<Worker>(service_, config_, open_));
}

FASTAPI_DETAIL_INLINE Server::~Server() {
  stop();
  for (auto& w : workers_)
    if (w->thread.joinable()) w->thread.join();
  remove_uds();
  detail::free_tls_context(tls_);
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS  // used by Server::listen only
namespace detail {
FASTAPI_DETAIL_INLINE asio::ip::address resolve_host(const std::string& host) {
  asio::error_code ec;
  auto addr = asio::ip::make_address(host == "localhost" ? "127.0.0.1" : host, ec);
  if (!ec) return addr;
  asio::io_context io;
  asio::ip::tcp::resolver resolver(io);
  auto results = resolver.resolve(host, "", ec);
  if (ec || results.empty()) throw std::system_error(ec, "fastapi: cannot resolve host '" + host + "'");
  return results.begin()->endpoint().address();
}

/// uvicorn's words for a failed bind: "[Errno 98] error while attempting to bind on 127.0.0.1:8000" (the
/// exception's what() adds ": Address already in use").
FASTAPI_DETAIL_INLINE std::system_error bind_error(const asio::error_code& ec, const std::string& host,
                                                   std::uint16_t port) {
  std::string where = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return std::system_error(ec, "[Errno " + std::to_string(ec.value()) + "] error while attempting to bind on " + where +
                                   ":" + std::to_string(port));
}

/// Binds a throwaway socket to `ep` WITHOUT SO_REUSEPORT: on Linux that fails with EADDRINUSE while any
/// socket listens on the port, whoever holds it, whereas our SO_REUSEPORT workers would silently join the
/// listeners of another process of the same user (and the kernel would split the requests between two
/// apps). SO_REUSEADDR is set so that connections of a previous run in TIME_WAIT do not count. The probe
/// is closed before the workers bind; a second server starting in that same microsecond is not caught.
FASTAPI_DETAIL_INLINE asio::error_code probe_bind(asio::io_context& io, const asio::ip::tcp::endpoint& ep) {
  asio::ip::tcp::acceptor probe(io);
  asio::error_code ec;
  probe.open(ep.protocol(), ec);
  if (!ec) probe.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) probe.bind(ep, ec);
  asio::error_code ignored;
  probe.close(ignored);
  return ec;
}

FASTAPI_DETAIL_INLINE bool set_reuse_port(asio::basic_socket_acceptor<asio::generic::stream_protocol>& a) {
#ifdef SO_REUSEPORT
  int one = 1;
  return ::setsockopt(a.native_handle(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) == 0;
#else
  (void)a;
  return false;
#endif
}
}  // namespace detail
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE std::uint16_t Server::listen() {
  if (listening_) return port_;
  if (config_.handle_signals && !signals_) {
    // Catch SIGINT/SIGTERM from now on, before anyone is told where we listen: a supervisor that
    // signals right after "Listening on" must get a drain, not the default kill. Handled in run().
    signal_io_ = std::make_unique<asio::io_context>(1);
    signals_ = std::make_unique<asio::signal_set>(*signal_io_, SIGINT, SIGTERM);
    signals_->async_wait([this](const asio::error_code& ec, int sig) {
      if (ec) return;
      logger_.write(LogLevel::info, std::string("received ") + (sig == SIGINT ? "SIGINT" : "SIGTERM") +
                                        ": shutting down (in-flight requests may finish)");
      stop();
    });
  }
  {
    // OpenSSL writes to the socket with write(), and a file body goes with sendfile(2), neither with
    // send(MSG_NOSIGNAL) as Asio does: a client that has gone would raise SIGPIPE and kill the process.
    // Ignored, as Python and nginx ignore it, unless the program has a handler of its own.
    struct sigaction current {};
    if (::sigaction(SIGPIPE, nullptr, &current) == 0 && current.sa_handler == SIG_DFL) std::signal(SIGPIPE, SIG_IGN);
  }
  prepare();
  if (config_.uds.empty()) {
    listen_tcp();
  } else {
    listen_uds();
  }
  listening_ = true;
  return port_;
}

FASTAPI_DETAIL_INLINE void Server::prepare() {
  if (prepared_) return;
  if (detail::wants_tls(config_) || !detail::tls_configuration_error(config_).empty()) {
    if (!tls_) tls_ = detail::make_server_tls_context(config_);  // throws, in words
    for (auto& w : workers_) w->hub.tls = tls_;
  }
  if (!config_.uds.empty()) check_uds_path();
  prepared_ = true;
}

FASTAPI_DETAIL_INLINE void Server::listen_tcp() {
  asio::ip::tcp::endpoint ep(detail::resolve_host(config_.host), config_.port);
  if (ep.port() != 0)  // port 0: the kernel picks a free port for worker 0, the others join it below
    if (asio::error_code ec = detail::probe_bind(workers_[0]->io, ep))
      throw detail::bind_error(ec, config_.host, ep.port());
  auto open_one = [&](Worker& w, bool reuse_port) {
    asio::generic::stream_protocol::endpoint where(ep);
    w.acceptor.open(where.protocol());
    w.acceptor.set_option(asio::socket_base::reuse_address(true));
    if (reuse_port && !detail::set_reuse_port(w.acceptor)) return false;
    asio::error_code ec;
    w.acceptor.bind(where, ec);
    if (ec) {
      asio::error_code ignored;
      w.acceptor.close(ignored);
      if (!reuse_port) throw detail::bind_error(ec, config_.host, ep.port());
      return false;
    }
    w.acceptor.listen(4096);
    w.acceptor.non_blocking(true);
    return true;
  };
  bool multi = workers_.size() > 1 && config_.reuse_port;
  if (!open_one(*workers_[0], multi)) {
    if (!multi) throw std::runtime_error("fastapi: cannot listen");
    open_one(*workers_[0], false);  // no SO_REUSEPORT here: throws in words if the bind fails
    multi = false;
  }
  ep.port(detail::endpoint_port(workers_[0]->acceptor.local_endpoint()));
  port_ = ep.port();
  for (std::size_t i = 1; multi && i < workers_.size(); ++i) {
    if (!open_one(*workers_[i], true)) {
      for (std::size_t j = 1; j < i; ++j) workers_[j]->acceptor.close();
      multi = false;
    }
  }
  shared_acceptor_ = !multi && workers_.size() > 1;
}

namespace detail {
/// The bind error's words for a Unix socket path: "[Errno 2] error while attempting to bind on unix:PATH (why)",
/// what() adding ": No such file or directory".
FASTAPI_DETAIL_INLINE std::system_error uds_error(int code, const std::string& path, const std::string& why) {
  return std::system_error(code, std::generic_category(),
                           "[Errno " + std::to_string(code) + "] error while attempting to bind on unix:" + path + why);
}
}  // namespace detail

/// The checks that need no bind: bind() would fail on each of them later, after the startup hooks have run.
FASTAPI_DETAIL_INLINE void Server::check_uds_path() const {
  const std::string& path = config_.uds;
  if (path.size() >= sizeof(::sockaddr_un::sun_path))
    throw detail::uds_error(
        ENAMETOOLONG, path,
        " (a socket path holds at most " + std::to_string(sizeof(::sockaddr_un::sun_path) - 1) + " bytes)");
  const auto slash = path.find_last_of('/');
  const std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
  struct ::stat st;
  if (::stat(dir.c_str(), &st) != 0) throw detail::uds_error(errno, path, " (its directory '" + dir + "')");
  if (!S_ISDIR(st.st_mode)) throw detail::uds_error(ENOTDIR, path, " ('" + dir + "' is not a directory)");
  // The socket file is created in the directory: that takes write and search permission there (checked for
  // the effective user, who binds: AT_EACCESS).
  if (::faccessat(AT_FDCWD, dir.c_str(), W_OK | X_OK, AT_EACCESS) != 0)
    throw detail::uds_error(errno, path, " (cannot create a file in '" + dir + "')");
  if (::lstat(path.c_str(), &st) == 0 && !S_ISSOCK(st.st_mode))
    throw detail::uds_error(EEXIST, path, " (a file that is not a socket is in the way)");
}

/// One acceptor (worker 0's) on the Unix socket, shared by the workers as without SO_REUSEPORT.
FASTAPI_DETAIL_INLINE void Server::listen_uds() {
  const std::string& path = config_.uds;
  Worker& w = *workers_[0];
  asio::local::stream_protocol::endpoint local(path);  // prepare() has checked its length
  struct ::stat st;
  if (::lstat(path.c_str(), &st) == 0) {
    if (!S_ISSOCK(st.st_mode))  // put there since prepare()
      throw detail::uds_error(EEXIST, path, " (a file that is not a socket is in the way)");
    // A socket file: live if someone accepts on it (another instance: refused), stale if the connect is
    // refused (a crashed run left it: replaced).
    asio::local::stream_protocol::socket probe(w.io);
    asio::error_code ec;
    probe.connect(local, ec);
    if (!ec) throw detail::uds_error(EADDRINUSE, path, " (another server is listening on it)");
    if (ec == asio::error::connection_refused) ::unlink(path.c_str());
  }
  asio::generic::stream_protocol::endpoint where(local);
  w.acceptor.open(where.protocol());
  asio::error_code ec;
  w.acceptor.bind(where, ec);
  if (ec)
    throw std::system_error(
        ec, "[Errno " + std::to_string(ec.value()) + "] error while attempting to bind on unix:" + path);
  // Anybody on the machine may connect (nginx runs as another user), as uvicorn's 0666: restrict access with
  // the directory's permissions.
  ::chmod(path.c_str(), 0666);
  if (::lstat(path.c_str(), &st) == 0) uds_inode_ = st.st_ino;
  w.acceptor.listen(4096);
  w.acceptor.non_blocking(true);
  port_ = 0;
  shared_acceptor_ = workers_.size() > 1;
}

/// Removes the socket file at the end, unless another process has replaced it since (its inode differs).
FASTAPI_DETAIL_INLINE void Server::remove_uds() {
  if (!uds_inode_) return;
  struct ::stat st;
  if (::lstat(config_.uds.c_str(), &st) == 0 && st.st_ino == uds_inode_) ::unlink(config_.uds.c_str());
  uds_inode_ = 0;
}

FASTAPI_DETAIL_INLINE Task<void> Server::accept_loop(Worker& w) {
  using namespace std::chrono_literals;
  bool warned = false;
  for (;;) {
    if (w.hub.draining) co_return;
    if (open_.load(std::memory_order_relaxed) >= config_.max_connections) {
      co_await sleep(20ms);  // at the limit: pause accepting (the kernel backlog holds the rest)
      continue;
    }
    Worker& target = shared_acceptor_ ? *workers_[next_worker_++ % workers_.size()] : w;
    auto [ec, socket] = co_await detail::async_call<asio::error_code, detail::ServerStream::Socket>(
        [&](auto handler) { w.acceptor.async_accept(target.io, std::move(handler)); });
    if (ec == asio::error::operation_aborted || !w.acceptor.is_open()) co_return;
    if (ec) {
      if (!warned) {
        logger_.write(LogLevel::error, "accept failed: " + ec.message() + " (pausing accepts for 100 ms)");
        warned = true;
      }
      co_await sleep(100ms);  // EMFILE and friends: back off instead of spinning
      continue;
    }
    warned = false;
    // Reserve the connection's place below max_connections. With several workers each may have been
    // waiting in accept while the count was below the limit, so the check above is not enough: one that
    // accepts past the limit holds its connection unserved until a place frees (the kernel had completed
    // the handshake anyway, as it does for the backlog).
    for (std::size_t n = open_.load(std::memory_order_relaxed);;) {
      if (n < config_.max_connections) {
        if (open_.compare_exchange_weak(n, n + 1, std::memory_order_relaxed)) break;
        continue;
      }
      if (w.hub.draining) co_return;  // the unserved connection closes with `socket`
      co_await sleep(20ms);
      n = open_.load(std::memory_order_relaxed);
    }
    if (&target == &w) {
      detail::Connection::start(w.hub, std::move(socket));
    } else {
      asio::post(target.io,
                 [&target, s = std::move(socket)]() mutable { detail::Connection::start(target.hub, std::move(s)); });
    }
  }
}

FASTAPI_DETAIL_INLINE Task<void> Server::tick(Worker& w) {
  using namespace std::chrono;
  constexpr auto period = milliseconds(250);
  // A late tick is no stall warning: on a busy machine an idle loop is simply scheduled late. The loop-stall
  // warning times the resumes that ran a handler instead (detail::ResumeWatch, core/task.hpp).
  auto expected = steady_clock::now() + period;
  for (;;) {
    w.ticker.expires_at(expected);
    co_await detail::async_call<asio::error_code>([&](auto h) { w.ticker.async_wait(std::move(h)); });
    auto now = steady_clock::now();
    expected = now + period;
    w.hub.now = now;
    w.hub.date.update(std::time(nullptr));
    if (w.hub.draining && now >= w.drain_deadline) {
      if (!w.aborted) {  // the grace period is over: connections waiting on I/O end now
        w.aborted = true;
        for (auto* c = w.hub.first; c; c = c->next) c->abort();
      } else if (w.hub.count > 0) {
        // A tick later, those left are stuck in handlers (a long sleep, a slow upstream): stop the loop;
        // run() frees them once the threads are joined (Connection::destroy_suspended).
        w.io.stop();
        co_return;
      }
    }
    for (auto* c = w.hub.first; c;) {
      auto* next = c->next;  // sweep() only cancels; the connection unlinks itself later
      c->sweep();
      c = next;
    }
    if (w.hub.draining && w.hub.count == 0) co_return;
  }
}

FASTAPI_DETAIL_INLINE void Server::begin_drain(Worker& w) {
  if (w.hub.draining) return;
  w.hub.draining = true;
  w.drain_deadline = std::chrono::steady_clock::now() + config_.graceful_timeout;
  // Connections the kernel has already completed (the listen backlog) are served, not reset by the close:
  // their clients (nginx) sent or are sending a request, which a reset would lose.
  for (asio::error_code ec; w.acceptor.is_open();) {
    detail::ServerStream::Socket socket(w.io);
    w.acceptor.accept(socket, ec);
    if (ec) break;
    open_.fetch_add(1, std::memory_order_relaxed);
    detail::Connection::start(w.hub, std::move(socket));
  }
  asio::error_code ec;
  w.acceptor.close(ec);
  for (auto* c = w.hub.first; c;) {
    auto* next = c->next;
    c->sweep();  // wakes idle keep-alive connections, which then close
    c = next;
  }
  if (w.hub.count == 0) w.ticker.cancel();  // nothing to wait for: the tick ends the loop now
}

FASTAPI_DETAIL_INLINE void Server::run() {
  listen();
  pool_ = std::make_unique<ThreadPool>(config_.blocking_threads, config_.blocking_queue);
  for (std::size_t i = 0; i < workers_.size(); ++i) {
    Worker& w = *workers_[i];
    w.thread = std::thread([this, &w] {
      detail::LoopScope loop(detail::LoopContext{&w.io, pool_.get(), {}, config_.stall_warning});
      detail::thread_logger() = &logger_;
      if (w.acceptor.is_open()) detail::spawn(accept_loop(w));
      detail::spawn(tick(w));
      if (stopping_) begin_drain(w);
      w.io.run();
      detail::thread_logger() = nullptr;
    });
  }
  if (signals_) {
    std::thread watcher([this] {
      std::unique_lock lock(stop_mutex_);
      stop_cv_.wait(lock, [this] { return stopping_.load(); });
      signal_io_->stop();
    });
    signal_io_->run();
    watcher.join();
    signals_.reset();
  }
  for (auto& w : workers_) w->thread.join();
  pool_.reset();  // blocking jobs finish first: they may still point into a frame freed below
  std::size_t abandoned = 0;
  for (auto& w : workers_)
    while (w->hub.first) {
      w->hub.first->destroy_suspended();
      ++abandoned;
    }
  if (abandoned)
    logger_.write(LogLevel::warning,
                  std::to_string(abandoned) + " request(s) still running after graceful_timeout were cut off");
  remove_uds();
  listening_ = false;
}

FASTAPI_DETAIL_INLINE void Server::stop() {
  {
    std::lock_guard lock(stop_mutex_);
    if (stopping_.exchange(true)) return;
  }
  stop_cv_.notify_all();
  for (auto& w : workers_) {
    Worker* wp = w.get();
    asio::post(wp->io, [this, wp] { begin_drain(*wp); });
  }
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

}  // namespace fastapi
#endif  // FASTAPI_DETAIL_ASIO

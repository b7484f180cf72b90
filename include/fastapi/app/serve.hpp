// app/serve.hpp: what App::run does once the app's routes are checked, as uvicorn's Server.serve does it:
// startup (hooks, then lifespans), the Server (listen, the `Listening on` line, serve until SIGINT/SIGTERM or
// stop()), the drain, shutdown (lifespans newest first, then hooks), each step logged in uvicorn's words; and
// what other threads ask of a running app (stop, ready, the port). Fed by App::run; feeds http/server.hpp.
//
// Non-template and behind one small class on purpose: it is the seam between the app (routes, templates, the
// user's code) and the server (Asio), compiled once with FASTAPI_SEPARATE_COMPILATION (docs/compile_time.md).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <variant>
#include <vector>

#include "fastapi/app/cli.hpp"
#include "fastapi/app/lifespan.hpp"
#include "fastapi/core/config.hpp"
#include "fastapi/core/errors.hpp"
#include "fastapi/core/log.hpp"
#include "fastapi/http/service.hpp"
#include "fastapi/http/tls_context.hpp"
#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
#include "fastapi/http/server.hpp"  // only where AppRunner's functions are compiled: the server is Asio's
#endif

namespace fastapi {
class Server;  // http/server.hpp; named by pointer only, so the app's declarations need no Asio type
}  // namespace fastapi

namespace fastapi::detail {

/// App::run(argc, argv)'s reading of its command line (app/cli.hpp): the Config to run with (its --log-level set
/// on `logger`), or the exit code when there is nothing to serve: --help and --version print and give 0, a usage
/// error 2 (as click's), a bad FASTAPI_ variable 1 (every error listed, as pydantic-settings), each printed.
std::variant<Config, int> config_from_command_line(int argc, char** argv, Config config, Logger& logger);

/// The app's startup and shutdown work, run by AppRunner::serve around the server.
struct ServeHooks {
  std::vector<std::function<void()>>& startup;
  Lifespans& lifespans;
  std::vector<std::function<void()>>& shutdown;
};

/// One app's serving state: the Server while run() serves, and the answers other threads read from it.
class AppRunner {
 public:
  /// Serves `service` until stop() (or SIGINT/SIGTERM) and the drain: startup, listen, run, shutdown. Returns
  /// the exit code: 0, or 1 when startup failed, the address was taken, or a shutdown step failed (each said
  /// through `logger`). `docs_url` (empty: none) is named in the lines printed once listening.
  int serve(Service& service, const Config& config, Logger& logger, ServeHooks hooks, std::string_view docs_url);
  /// run() gave up before serve(): wait_until_listening() returns 0.
  void fail();
  /// Starts the graceful drain of a running server, or makes the next serve() stop at once (thread-safe).
  void stop();
  /// True while accepting new work: listening, not draining (a readiness probe's answer).
  bool ready() const;
  /// The bound port while serving (0 before, and on a Unix socket).
  std::uint16_t port() const { return port_.load(); }
  /// Blocks until the server listens or serving failed; the port, or 0.
  std::uint16_t wait_until_listening() const;

 private:
  void failed_before_serving(Logger& logger, std::string_view what, std::string_view reason);

  mutable std::mutex mutex_;
  mutable std::condition_variable cv_;
  Server* server_ = nullptr;
  bool failed_ = false;
  std::atomic<std::uint16_t> port_{0};
  std::atomic<bool> stop_requested_{false};
};

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE std::variant<Config, int> config_from_command_line(int argc, char** argv, Config config,
                                                                         Logger& logger) {
  if (std::optional<int> code = print_help_or_version(argc, argv)) return *code;
  CommandLine line;
  try {
    line = parse_command_line(argc, argv, std::move(config));
  } catch (const std::invalid_argument& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 2;
  } catch (const ConfigurationError& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }
  if (line.log_level) logger.set_level(*line.log_level);
  return std::move(line.config);
}

FASTAPI_DETAIL_INLINE void AppRunner::fail() {
  {
    std::lock_guard lock(mutex_);
    server_ = nullptr;
    port_ = 0;
    failed_ = true;
  }
  cv_.notify_all();
}

FASTAPI_DETAIL_INLINE void AppRunner::failed_before_serving(Logger& logger, std::string_view what,
                                                            std::string_view reason) {
  if (!what.empty() || !reason.empty()) logger.write(LogLevel::error, std::string(what) + std::string(reason));
  fail();
}

FASTAPI_DETAIL_INLINE int AppRunner::serve(Service& service, const Config& config, Logger& logger, ServeHooks hooks,
                                           std::string_view docs_url) {
  // The TLS certificate and key, and the Unix socket's path, are checked before anything of the app runs, as
  // uvicorn's Config.load() makes its SSL context before the lifespan: a misconfiguration is one line and exit
  // code 1, and no startup hook runs (nor its teardown, half-done). The bind itself comes after startup, as
  // uvicorn's (a lifespan may still be opening what the first request needs).
  std::unique_ptr<Server> server;
  try {
    server = std::make_unique<Server>(service, config, logger);
    server->prepare();
  } catch (const std::exception& e) {
    server.reset();
    failed_before_serving(logger, "", e.what());
    return 1;
  }
  // Startup: hooks, then lifespans; nothing is listening yet. The lines say so as uvicorn's do.
  const std::string pid = std::to_string(process_id());
  logger.write(LogLevel::info, "Started server process [" + pid + "]");
  logger.write(LogLevel::info, "Waiting for application startup.");
  try {
    for (auto& hook : hooks.startup) hook();
    hooks.lifespans.enter(logger);
  } catch (const std::exception& e) {
    failed_before_serving(logger, "startup failed: ", e.what());
    return 1;
  } catch (...) {
    server.reset();
    failed_before_serving(logger, "startup failed: ", "unknown exception type");
    return 1;
  }
  try {
    std::uint16_t port = server->listen();
    {
      std::lock_guard lock(mutex_);
      server_ = server.get();
      port_ = port;
    }
    cv_.notify_all();
    std::string host = config.host.find(':') != std::string::npos ? "[" + config.host + "]" : config.host;
    logger.write(LogLevel::info, "Application startup complete.");
    // The contract line (scripts and tests parse it) stays on stdout, flushed; the rest goes through the
    // logger. `Listening on https://127.0.0.1:8443` with TLS, `Listening on unix:/run/app.sock` on a Unix socket.
    const std::string base = !config.uds.empty()
                                 ? "unix:" + config.uds
                                 : (wants_tls(config) ? "https://" : "http://") + host + ":" + std::to_string(port);
    std::fprintf(stdout, "Listening on %s\n", base.c_str());
    std::fflush(stdout);
    const unsigned workers = config.worker_count();
    logger.write(LogLevel::info, "Serving " + base + " with " + std::to_string(workers) +
                                     (workers == 1 ? " worker thread" : " worker threads") + " (Ctrl+C stops it)");
    if (!docs_url.empty()) logger.write(LogLevel::info, "Interactive docs at " + base + std::string(docs_url));
    if (stop_requested_) server->stop();
    server->run();
  } catch (const std::system_error& e) {  // the address: "[Errno 98] error while attempting to bind on ..."
    server.reset();
    hooks.lifespans.exit(logger);
    failed_before_serving(logger, "", e.what());
    return 1;
  } catch (const std::exception& e) {
    server.reset();
    hooks.lifespans.exit(logger);
    failed_before_serving(logger, "startup failed: ", e.what());
    return 1;
  }
  {
    std::lock_guard lock(mutex_);
    server_ = nullptr;
    port_ = 0;
    stop_requested_ = false;  // the app may be run again
  }
  logger.write(LogLevel::info, "Shutting down");
  server.reset();
  // Shutdown: lifespans (newest first), then hooks.
  logger.write(LogLevel::info, "Waiting for application shutdown.");
  int code = hooks.lifespans.exit(logger) ? 0 : 1;
  for (auto& hook : hooks.shutdown) {
    try {
      hook();
    } catch (const std::exception& e) {
      logger.write(LogLevel::error, std::string("shutdown hook failed: ") + e.what());
      code = 1;
    }
  }
  logger.write(LogLevel::info, "Application shutdown complete.");
  logger.write(LogLevel::info, "Finished server process [" + pid + "]");
  return code;
}

FASTAPI_DETAIL_INLINE void AppRunner::stop() {
  std::lock_guard lock(mutex_);
  stop_requested_ = true;
  if (server_) server_->stop();
}

FASTAPI_DETAIL_INLINE bool AppRunner::ready() const {
  std::lock_guard lock(mutex_);
  return server_ && server_->accepting() && !stop_requested_;
}

FASTAPI_DETAIL_INLINE std::uint16_t AppRunner::wait_until_listening() const {
  std::unique_lock lock(mutex_);
  cv_.wait(lock, [this] { return server_ != nullptr || failed_; });  // a Unix socket has no port
  return port_.load();
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

}  // namespace fastapi::detail

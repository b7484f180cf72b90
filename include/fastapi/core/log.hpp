// core/log.hpp: one-line log records to a sink (stderr by default). Used by every station; the sink hangs
// off the App and each worker thread points at it, so there is no global logger to trip over.
#pragma once

#include <chrono>
#include <cstdio>
#include <ctime>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>

#include "fastapi/core/config.hpp"

namespace fastapi {

/// uvicorn's levels (its `trace` is read as debug); `off` logs nothing. Nothing in the library logs at critical:
/// `--log-level critical` keeps even the errors out, as uvicorn's does.
enum class LogLevel { debug, info, warning, error, critical, off };

/// Where log lines go. `app.logger().set_sink([](fa::LogLevel, std::string_view line) {...});`
class Logger {
 public:
  using Sink = std::function<void(LogLevel, std::string_view)>;

  void set_level(LogLevel level) { level_ = level; }
  LogLevel level() const { return level_; }
  bool enabled(LogLevel level) const { return level >= level_ && level_ != LogLevel::off; }
  /// Replaces the sink (thread-safe with respect to write()); an empty sink restores stderr.
  void set_sink(Sink sink) {
    std::lock_guard lock(mutex_);
    sink_ = std::move(sink);
  }
  /// Writes one record: "INFO:     message" (uvicorn's layout) to the sink.
  void write(LogLevel level, std::string_view message);

 private:
  LogLevel level_ = LogLevel::info;
  std::mutex mutex_;
  Sink sink_;
};

inline constexpr std::string_view log_level_name(LogLevel level) {
  switch (level) {
    case LogLevel::debug: return "DEBUG";
    case LogLevel::info: return "INFO";
    case LogLevel::warning: return "WARNING";
    case LogLevel::error: return "ERROR";
    case LogLevel::critical: return "CRITICAL";
    case LogLevel::off: break;
  }
  return "";
}

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE void Logger::write(LogLevel level, std::string_view message) {
  if (!enabled(level)) return;
  std::string line;
  line.reserve(message.size() + 16);
  line.append(log_level_name(level));
  line.push_back(':');
  line.append(line.size() < 9 ? 9 - line.size() + 1 : 1, ' ');
  line.append(message);
  std::lock_guard lock(mutex_);
  if (sink_) {
    sink_(level, line);
  } else {
    line.push_back('\n');
    std::fwrite(line.data(), 1, line.size(), stderr);
  }
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

namespace detail {
/// The logger of the app whose worker runs on this thread (or a stderr logger elsewhere).
inline Logger*& thread_logger() {
  thread_local Logger* logger = nullptr;
  return logger;
}
inline Logger& current_logger() {
  if (Logger* l = thread_logger()) return *l;
  thread_local Logger fallback;
  return fallback;
}
}  // namespace detail

/// Logs through the current app's logger: `fa::log(fa::LogLevel::warning, "slow upstream")`.
inline void log(LogLevel level, std::string_view message) { detail::current_logger().write(level, message); }

}  // namespace fastapi

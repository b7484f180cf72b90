// tests/support/log_capture.hpp: collects an app's log lines (its Logger's sink) so a test can assert on them.
#pragma once

#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "fastapi/app/app.hpp"

namespace test_support {

/// `test_support::LogCapture log(app); ... CHECK(log.contains("startup failed: "));`
class LogCapture {
 public:
  explicit LogCapture(fastapi::App& app) {
    app.logger().set_sink([this](fastapi::LogLevel, std::string_view line) {
      std::lock_guard lock(mutex_);
      lines_.emplace_back(line);
    });
  }
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;

  /// True when a line holds `text`.
  bool contains(std::string_view text) const {
    std::lock_guard lock(mutex_);
    for (const auto& line : lines_)
      if (line.find(text) != std::string::npos) return true;
    return false;
  }
  /// How many lines hold `text`.
  std::size_t count(std::string_view text) const {
    std::lock_guard lock(mutex_);
    std::size_t n = 0;
    for (const auto& line : lines_) n += line.find(text) != std::string::npos;
    return n;
  }
  /// A copy of every line so far.
  std::vector<std::string> lines() const {
    std::lock_guard lock(mutex_);
    return lines_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> lines_;
};

}  // namespace test_support

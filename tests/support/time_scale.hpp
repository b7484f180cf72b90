// tests/support/time_scale.hpp: the one factor by which every wall-clock bound of the suite is scaled, read
// from the environment: FASTAPI_TEST_TIME_SCALE (default 1; e.g. 3 on a busy 2-core machine or under
// valgrind). Bounds that measure a promise ("answers within 1 s") use scaled(); waits for an event use a
// bounded wait (RawSocket's timeouts, Process::wait_for_line), scaled the same way where their bound is tight.
// `CHECK(took < test_support::scaled(1000ms));`
#pragma once

#include <chrono>
#include <cstdlib>
#include <string>

namespace fastapi::test_support {

/// FASTAPI_TEST_TIME_SCALE as a number >= 1 (unset, empty, unreadable or below 1: 1).
inline double time_scale() {
  static const double scale = [] {
    const char* text = std::getenv("FASTAPI_TEST_TIME_SCALE");
    if (!text || !*text) return 1.0;
    char* end = nullptr;
    double value = std::strtod(text, &end);
    return (end && *end == '\0' && value >= 1.0) ? value : 1.0;
  }();
  return scale;
}

/// `bound` times time_scale(), in milliseconds.
template <class Rep, class Period>
std::chrono::milliseconds scaled(std::chrono::duration<Rep, Period> bound) {
  auto ms = std::chrono::duration_cast<std::chrono::duration<double, std::milli>>(bound).count();
  return std::chrono::milliseconds(static_cast<long long>(ms * time_scale() + 0.5));
}

}  // namespace fastapi::test_support

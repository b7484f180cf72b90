// tests/support/exchange.hpp: one HTTP/1.1 request over a fresh connection to 127.0.0.1 (Connection: close),
// the whole raw response back, for tests that drive an example binary as a user would with curl. Every read
// has a deadline (support/raw_socket.hpp): a server that never answers fails the test instead of hanging it.
#pragma once

#include <chrono>
#include <stdexcept>
#include <string>
#include <string_view>

#include "support/raw_socket.hpp"

namespace test_support {

/// The path of an example's binary, built by CMake beside the tests (FASTAPI_EXAMPLES_DIR).
/// (Appended, not string + "/": g++ 12 -O2 reports a false -Warray-bounds on the temporary.)
inline std::string example(std::string_view name) {
  std::string path = FASTAPI_EXAMPLES_DIR;
  return path.append("/").append(name);
}

/// Sends `method target` with the extra header lines `headers` ("Name: value\r\n" each) and `body` (with its
/// Content-Type and Content-Length); returns everything the server sent until it closed, or "" when the
/// connection could not be made.
inline std::string http_request(int port, std::string_view method, std::string_view target,
                                std::string_view headers = {}, std::string_view body = {},
                                std::string_view content_type = "application/json",
                                std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  std::string req;
  req.append(method).append(" ").append(target).append(" HTTP/1.1\r\nHost: example\r\nConnection: close\r\n");
  req.append(headers);
  if (!body.empty()) req.append("Content-Type: ").append(content_type).append("\r\n");
  if (!body.empty() || (method != "GET" && method != "HEAD"))
    req.append("Content-Length: ").append(std::to_string(body.size())).append("\r\n");
  req.append("\r\n").append(body);
  try {
    fastapi::test_support::RawSocket s(static_cast<std::uint16_t>(port), timeout);
    if (!s.send(req)) return {};
    return s.read_until_close(timeout);
  } catch (const std::runtime_error&) {
    return {};
  }
}

/// `GET target` (see http_request).
inline std::string http_get(int port, std::string_view target, std::string_view headers = {}) {
  return http_request(port, "GET", target, headers);
}

/// The status code of a raw response ("HTTP/1.1 404 Not Found..." -> 404), 0 when there is none.
inline int status_of(std::string_view reply) {
  if (reply.size() < 12 || !reply.starts_with("HTTP/1.")) return 0;
  return std::stoi(std::string(reply.substr(9, 3)));
}

/// The body of a raw response (after the blank line), "" when there is none.
inline std::string body_of(std::string_view reply) {
  auto at = reply.find("\r\n\r\n");
  return at == std::string_view::npos ? std::string() : std::string(reply.substr(at + 4));
}

}  // namespace test_support

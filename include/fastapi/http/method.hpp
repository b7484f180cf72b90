// http/method.hpp: the HTTP request methods. Fed by nothing; used by parser, router and app.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace fastapi {

/// The request methods a route can be registered for. `other` is any other valid token (answered 405 or 501).
enum class Method : std::uint8_t { get, head, post, put, patch, del, options, trace, connect, other };

/// Number of Method values (for per-method tables).
inline constexpr std::size_t method_count = 10;

/// "GET" for Method::get, ... (the wire spelling).
constexpr std::string_view method_name(Method m) {
  switch (m) {
    case Method::get: return "GET";
    case Method::head: return "HEAD";
    case Method::post: return "POST";
    case Method::put: return "PUT";
    case Method::patch: return "PATCH";
    case Method::del: return "DELETE";
    case Method::options: return "OPTIONS";
    case Method::trace: return "TRACE";
    case Method::connect: return "CONNECT";
    case Method::other: break;
  }
  return "OTHER";
}

/// The Method for a wire token (case-sensitive, RFC 9110 section 9.1); Method::other when unknown.
constexpr Method method_from_name(std::string_view s) {
  switch (s.size()) {
    case 3:
      if (s == "GET") return Method::get;
      if (s == "PUT") return Method::put;
      break;
    case 4:
      if (s == "POST") return Method::post;
      if (s == "HEAD") return Method::head;
      break;
    case 5:
      if (s == "PATCH") return Method::patch;
      if (s == "TRACE") return Method::trace;
      break;
    case 6:
      if (s == "DELETE") return Method::del;
      break;
    case 7:
      if (s == "OPTIONS") return Method::options;
      if (s == "CONNECT") return Method::connect;
      break;
    default: break;
  }
  return Method::other;
}

}  // namespace fastapi

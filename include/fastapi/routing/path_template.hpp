// routing/path_template.hpp: "/items/{id}" -> parts (static text, {name}, {name:path}). Fed by route
// registration; feeds radix_tree.hpp and the app's check of Path<"name"> parameters. Knows nothing of requests.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "fastapi/core/config.hpp"

namespace fastapi {

/// A parsed route path, as Starlette reads it. `{name}` captures one non-empty segment (`[^/]+`),
/// `{name:path}` the rest of the path, slashes included, possibly empty (`.*`; it must come last).
/// Static text may share a segment with parameters: `/files/{name}.txt`, `/v{major}-{minor}/`.
///
///     auto t = PathTemplate::parse("/items/{item_id}/files/{rest:path}");
///     t.param_names();  // {"item_id", "rest"}
///
/// A malformed template throws std::invalid_argument at registration with a sentence naming it, e.g.
/// `invalid path template "/items/{id:int}": convertor 'int' is not supported; declare the type
/// with fa::Path<"id", int> instead`.
class PathTemplate {
 public:
  enum class Kind : std::uint8_t { text, param, path };
  /// One part: static bytes (may hold several '/'), or the name of a `{name}` / `{name:path}` parameter.
  struct Part {
    Kind kind;
    std::string_view text;
  };

  static PathTemplate parse(std::string_view source);
  std::string_view source() const { return source_; }
  std::size_t part_count() const { return parts_.size(); }
  Part part(std::size_t i) const {
    return {parts_[i].kind, std::string_view(source_).substr(parts_[i].offset, parts_[i].size)};
  }
  std::size_t param_count() const { return param_count_; }
  std::vector<std::string_view> param_names() const;  ///< in template order; views into this template
  bool has_catch_all() const { return !parts_.empty() && parts_.back().kind == Kind::path; }
  /// True when both match exactly the same paths (same text, same kinds of parameters; names may differ).
  bool same_shape(const PathTemplate& other) const;

 private:
  struct Span {
    Kind kind;
    std::uint32_t offset;
    std::uint32_t size;
  };
  std::string source_;
  std::vector<Span> parts_;
  std::size_t param_count_ = 0;
};

namespace detail {

/// A C identifier: letters, digits and '_', not starting with a digit (so it can name a Path<"...">).
constexpr bool is_identifier(std::string_view s) {
  if (s.empty() || (s[0] >= '0' && s[0] <= '9')) return false;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
  }
  return true;
}

[[noreturn]] inline void throw_bad_template(std::string_view source, const std::string& why) {
  throw std::invalid_argument("invalid path template \"" + std::string(source) + "\": " + why);
}

}  // namespace detail

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE PathTemplate PathTemplate::parse(std::string_view source) {
  auto fail = [source](const std::string& why) { detail::throw_bad_template(source, why); };
  if (source.empty() || source[0] != '/') fail("it must start with '/'");
  if (source.size() > 0xFFFFFFFFu) fail("it is too long");

  PathTemplate t;
  t.source_ = std::string(source);
  std::string_view catch_all_name;  // set once a {name:path} was seen: nothing may follow it
  auto push = [&](Kind kind, std::size_t offset, std::size_t size) {
    if (!catch_all_name.empty())
      fail("{" + std::string(catch_all_name) + ":path} must be the last part of the template");
    t.parts_.push_back({kind, static_cast<std::uint32_t>(offset), static_cast<std::uint32_t>(size)});
  };

  std::size_t i = 0;
  std::size_t text_start = 0;
  while (i < source.size()) {
    char c = source[i];
    if (c == '}') fail("unbalanced braces: '}' at offset " + std::to_string(i) + " has no matching '{'");
    if (c != '{') {
      ++i;
      continue;
    }
    std::size_t close = source.find_first_of("{}", i + 1);
    if (close == std::string_view::npos || source[close] == '{')
      fail("unbalanced braces: '{' at offset " + std::to_string(i) + " is not closed by '}'");
    if (i > text_start) push(Kind::text, text_start, i - text_start);

    std::string_view inner = source.substr(i + 1, close - i - 1);
    std::size_t colon = inner.find(':');
    std::string_view name = inner.substr(0, colon);
    std::string name_s(name);
    if (name.empty()) fail("a parameter has an empty name ('{" + std::string(inner) + "}')");
    if (!detail::is_identifier(name))
      fail("parameter name '" + name_s + "' is not an identifier (letters, digits and '_', not starting with a digit)");

    Kind kind = Kind::param;
    if (colon != std::string_view::npos) {
      std::string conv(inner.substr(colon + 1));
      if (conv == "path") {
        kind = Kind::path;
      } else if (conv == "int" || conv == "float") {
        fail("convertor '" + conv + "' is not supported; declare the type with fa::Path<\"" + name_s + "\", " +
             (conv == "int" ? "int" : "double") + "> instead");
      } else if (conv != "str") {
        fail("convertor '" + conv + "' is not supported; use {" + name_s + "} or {" + name_s +
             ":path} and declare the type with fa::Path<\"" + name_s + "\", T>");
      }
    }
    for (std::string_view seen : t.param_names())
      if (seen == name) fail("parameter '" + name_s + "' appears twice");
    if (!t.parts_.empty() && t.parts_.back().kind != Kind::text && catch_all_name.empty())
      fail("parameters {" + std::string(t.part(t.parts_.size() - 1).text) + "} and {" + name_s +
           "} must be separated by static text");
    if (t.param_count_ == FASTAPI_MAX_PATH_PARAMS)
      fail("it has more than " + std::to_string(FASTAPI_MAX_PATH_PARAMS) +
           " parameters (raise FASTAPI_MAX_PATH_PARAMS)");
    push(kind, i + 1, name.size());
    ++t.param_count_;
    if (kind == Kind::path) catch_all_name = t.part(t.parts_.size() - 1).text;
    i = close + 1;
    text_start = i;
  }
  if (source.size() > text_start) push(Kind::text, text_start, source.size() - text_start);
  return t;
}

FASTAPI_DETAIL_INLINE std::vector<std::string_view> PathTemplate::param_names() const {
  std::vector<std::string_view> out;
  out.reserve(param_count_);
  for (std::size_t i = 0; i < parts_.size(); ++i)
    if (parts_[i].kind != Kind::text) out.push_back(part(i).text);
  return out;
}

FASTAPI_DETAIL_INLINE bool PathTemplate::same_shape(const PathTemplate& other) const {
  if (parts_.size() != other.parts_.size()) return false;
  for (std::size_t i = 0; i < parts_.size(); ++i) {
    Part a = part(i), b = other.part(i);
    if (a.kind != b.kind) return false;
    if (a.kind == Kind::text && a.text != b.text) return false;
  }
  return true;
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

}  // namespace fastapi

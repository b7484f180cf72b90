// http/headers.hpp: ordered header lists with case-insensitive lookup, as views (requests) or owned (responses).
// Fed by the parser (views) and by handlers (owned); knows nothing of sockets, routes or JSON.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fastapi {

/// ASCII lower-case of one byte.
constexpr char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

/// Case-insensitive ASCII comparison (header names, tokens).
constexpr bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  return true;
}

namespace detail {

/// True for a token (RFC 9110 section 5.6.2), what a header name must be: `!#$%&'*+-.^_`|~`, digits, letters.
constexpr bool is_token_char(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}
constexpr bool is_header_name(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!is_token_char(c)) return false;
  return true;
}

/// True for a byte a header field value may not carry (RFC 9110 section 5.5): the controls 0x00-0x1F other
/// than HTAB, and DEL. CR and LF among them are what would split a response in two.
constexpr bool is_control_byte(char c) {
  auto b = static_cast<unsigned char>(c);
  return (b < 0x20 && b != '\t') || b == 0x7F;
}
/// The index of the first byte of `s` that a field value may not carry, or npos.
constexpr std::size_t find_control_byte(std::string_view s) {
  for (std::size_t i = 0; i < s.size(); ++i)
    if (is_control_byte(s[i])) return i;
  return std::string_view::npos;
}

}  // namespace detail

/// One header field: name and value as on the wire (value trimmed of surrounding whitespace).
template <class Str>
struct BasicHeaderField {
  Str name;
  Str value;
};

/// An ordered list of header fields; lookups ignore case; duplicates are kept in order.
/// `req.headers.get("content-type")` -> std::optional<std::string_view>.
template <class Str>
class BasicHeaders {
 public:
  using Field = BasicHeaderField<Str>;

  /// The first value of `name`, or nullopt.
  std::optional<std::string_view> get(std::string_view name) const;
  /// Every value of `name`, in order.
  std::vector<std::string_view> get_all(std::string_view name) const;
  bool contains(std::string_view name) const { return get(name).has_value(); }
  /// Appends a field (keeps existing ones of the same name).
  void add(Str name, Str value) { fields_.push_back({std::move(name), std::move(value)}); }
  /// Replaces every field of `name` by one with `value`.
  void set(std::string_view name, std::string_view value);
  /// Removes every field of `name`; returns how many were removed.
  std::size_t remove(std::string_view name);
  void clear() { fields_.clear(); }
  void reserve(std::size_t n) { fields_.reserve(n); }
  std::size_t size() const { return fields_.size(); }
  bool empty() const { return fields_.empty(); }
  auto begin() const { return fields_.begin(); }
  auto end() const { return fields_.end(); }
  const Field& operator[](std::size_t i) const { return fields_[i]; }

 private:
  std::vector<Field> fields_;
};

/// Request headers: views into the connection's read buffer, valid while the request is handled.
using HeaderViews = BasicHeaders<std::string_view>;
/// Response headers: owned strings.
using Headers = BasicHeaders<std::string>;

template <class Str>
std::optional<std::string_view> BasicHeaders<Str>::get(std::string_view name) const {
  for (const auto& f : fields_)
    if (iequals(f.name, name)) return std::string_view(f.value);
  return std::nullopt;
}

template <class Str>
std::vector<std::string_view> BasicHeaders<Str>::get_all(std::string_view name) const {
  std::vector<std::string_view> out;
  for (const auto& f : fields_)
    if (iequals(f.name, name)) out.emplace_back(f.value);
  return out;
}

template <class Str>
void BasicHeaders<Str>::set(std::string_view name, std::string_view value) {
  remove(name);
  fields_.push_back({Str(name), Str(value)});
}

template <class Str>
std::size_t BasicHeaders<Str>::remove(std::string_view name) {
  std::size_t before = fields_.size();
  std::erase_if(fields_, [&](const Field& f) { return iequals(f.name, name); });
  return before - fields_.size();
}

}  // namespace fastapi

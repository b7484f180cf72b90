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

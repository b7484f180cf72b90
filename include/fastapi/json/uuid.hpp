// json/uuid.hpp: fa::UUID, a 128-bit identifier of any version, read and written as Pydantic v2 does (its parser is the
// Rust uuid crate: the error words below are that crate's). Fed by json/scalar; feeds the readers, the writer and the
// schema through fa::Scalar. Knows nothing of JSON text or HTTP.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "fastapi/core/config.hpp"
#include "fastapi/json/scalar.hpp"
#include "fastapi/json/value.hpp"

namespace fastapi {

/// A UUID of any version (Pydantic's `uuid.UUID`). In: hyphenated, 32 hex digits, `{braced}` or `urn:uuid:...`,
/// any case. Out: lowercase hyphenated. Errors: uuid_type (not a string), uuid_parsing with the uuid crate's words:
/// `{"type":"uuid_parsing","msg":"Input should be a valid UUID, invalid group count: expected 5, found 1",...}`.
///   auto id = fa::UUID::parse("c4a760a8-dbcf-5254-a0d9-6a4474bd1b62");   // std::optional<fa::UUID>
class UUID {
 public:
  constexpr UUID() noexcept = default;
  constexpr explicit UUID(const std::array<std::uint8_t, 16>& bytes) noexcept : bytes_(bytes) {}
  /// The UUID in `text`, or nullopt (then `why` says why in the uuid crate's words, when given).
  static std::optional<UUID> parse(std::string_view text, std::string* why = nullptr);

  constexpr const std::array<std::uint8_t, 16>& bytes() const noexcept { return bytes_; }
  /// The version nibble (4 for a random UUID, 0 for the nil UUID).
  constexpr int version() const noexcept { return bytes_[6] >> 4; }
  /// "c4a760a8-dbcf-5254-a0d9-6a4474bd1b62"
  std::string to_string() const;
  constexpr bool operator==(const UUID&) const noexcept = default;
  constexpr auto operator<=>(const UUID&) const noexcept = default;

 private:
  std::array<std::uint8_t, 16> bytes_{};
};

template <>
struct Scalar<UUID> {
  static constexpr std::string_view name = "uuid";
  static std::optional<UUID> read(const ScalarInput& in, ConversionError& error) {
    if (!in.is_string())
      return error = {"uuid_type", "UUID input should be a string, bytes or UUID object", nullptr}, std::nullopt;
    std::string why;
    if (auto id = UUID::parse(in.text, &why)) return id;
    error = {"uuid_parsing", "Input should be a valid UUID, " + why, Json{{"error", why}}};
    return std::nullopt;
  }
  static void write(const UUID& value, std::string& out) { out += value.to_string(); }
  static Json schema() { return Json{{"format", "uuid"}, {"type", "string"}}; }
};

namespace detail {
#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
inline int uuid_hex_digit(char c) noexcept {
  return c >= '0' && c <= '9'   ? c - '0'
         : c >= 'a' && c <= 'f' ? c - 'a' + 10
         : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                : -1;
}

/// Why `input` is no UUID, in the uuid crate's words (its InvalidUuid::into_err): the first bad character, the length
/// of a simple UUID, the group count, or the first group of the wrong length.
inline std::string uuid_error(std::string_view input) {
  std::string_view s = input;
  std::size_t offset = 0;
  bool simple = true;
  if (s.size() >= 2 && s.front() == '{' && s.back() == '}') s = s.substr(1, s.size() - 2), offset = 1, simple = false;
  else if (s.substr(0, 9) == "urn:uuid:") s.remove_prefix(9), offset = 9, simple = false;
  std::size_t hyphens = 0;
  std::array<std::size_t, 4> bounds{};
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {  // a multibyte character: shown whole, as Rust's char
      std::size_t n = (c >= 0xF0) ? 4 : (c >= 0xE0) ? 3 : 2;
      return "invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], found `" +
             std::string(s.substr(i, n)) + "` at " + std::to_string(i + offset + 1);
    }
    if (c == '-') {
      if (hyphens < 4) bounds[hyphens] = i;
      ++hyphens;
    } else if (uuid_hex_digit(static_cast<char>(c)) < 0) {
      return "invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], found `" +
             std::string(1, static_cast<char>(c)) + "` at " + std::to_string(i + offset + 1);
    }
  }
  if (hyphens == 0 && simple)
    return "invalid length: expected length 32 for simple format, found " + std::to_string(input.size());
  if (hyphens != 4) return "invalid group count: expected 5, found " + std::to_string(hyphens + 1);
  constexpr std::size_t starts[5] = {0, 9, 14, 19, 24};
  constexpr std::size_t lengths[5] = {8, 4, 4, 4, 12};
  for (std::size_t g = 0; g < 4; ++g)
    if (bounds[g] != starts[g + 1] - 1)
      return "invalid group length in group " + std::to_string(g) + ": expected " + std::to_string(lengths[g]) +
             ", found " + std::to_string(bounds[g] - starts[g]);
  return "invalid group length in group 4: expected 12, found " + std::to_string(input.size() - starts[4]);
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS
}  // namespace detail

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE std::optional<UUID> UUID::parse(std::string_view text, std::string* why) {
  std::string_view s = text;
  if (s.size() == 38 && s.front() == '{' && s.back() == '}') s = s.substr(1, 36);
  else if (s.size() == 45 && s.substr(0, 9) == "urn:uuid:") s.remove_prefix(9);
  std::array<std::uint8_t, 16> b{};
  bool ok = s.size() == 32 || s.size() == 36;
  const bool hyphenated = s.size() == 36;
  for (std::size_t i = 0, k = 0; ok && i < s.size();) {
    if (hyphenated && (i == 8 || i == 13 || i == 18 || i == 23)) {
      ok = s[i] == '-';
      ++i;
      continue;
    }
    const int hi = detail::uuid_hex_digit(s[i]), lo = i + 1 < s.size() ? detail::uuid_hex_digit(s[i + 1]) : -1;
    ok = hi >= 0 && lo >= 0;
    if (ok) b[k++] = static_cast<std::uint8_t>(hi * 16 + lo);
    i += 2;
  }
  if (ok) return UUID(b);
  if (why) *why = detail::uuid_error(text);
  return std::nullopt;
}

FASTAPI_DETAIL_INLINE std::string UUID::to_string() const {
  constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (std::size_t i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += digits[bytes_[i] >> 4];
    out += digits[bytes_[i] & 15];
  }
  return out;
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

/// A UUID of version V (Pydantic v2's UUID1, UUID3, UUID4, UUID5, UUID6, UUID7, UUID8): read as fa::UUID, then its
/// version nibble must be V and its variant RFC 9562's (pydantic-core's check). Another version (or the nil UUID) ->
/// 422 `{"type":"uuid_version","msg":"UUID version 4 expected","ctx":{"expected_version":4}}`. Schema: `{"format":
/// "uuid4","type":"string"}`. `struct Order { fa::UUID4 id; };`
template <int V>
class UUIDv : public UUID {
  static_assert(V >= 1 && V <= 8 && V != 2, "fastapi: fa::UUIDv<V> checks versions 1, 3, 4, 5, 6, 7 and 8 (Pydantic's "
                                            "UUID1 ... UUID8; version 2 has no Pydantic type)"
                                            " (docs/compile_errors.md#json-uuid-version-unsupported)");

 public:
  constexpr UUIDv() noexcept = default;
  /// `id` as a UUID of this version (not checked: a value built by hand is trusted).
  constexpr explicit UUIDv(const UUID& id) noexcept : UUID(id) {}
};
using UUID1 = UUIDv<1>;
using UUID3 = UUIDv<3>;
using UUID4 = UUIDv<4>;
using UUID5 = UUIDv<5>;
using UUID6 = UUIDv<6>;
using UUID7 = UUIDv<7>;
using UUID8 = UUIDv<8>;

namespace detail {
/// pydantic-core's UuidVersion check: the version nibble, and the RFC 9562 variant (the top two bits of byte 8: 10).
FASTAPI_DETAIL_INLINE bool uuid_has_version(const UUID& id, int version) noexcept;
#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE bool uuid_has_version(const UUID& id, int version) noexcept {
  return id.version() == version && (id.bytes()[8] & 0xC0) == 0x80;
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS
}  // namespace detail

template <int V>
struct Scalar<UUIDv<V>> {
  static constexpr std::string_view name = "uuid";
  static std::optional<UUIDv<V>> read(const ScalarInput& in, ConversionError& error) {
    std::optional<UUID> id = Scalar<UUID>::read(in, error);
    if (!id) return std::nullopt;
    if (!detail::uuid_has_version(*id, V)) {
      error = {"uuid_version", "UUID version " + std::to_string(V) + " expected", Json{{"expected_version", V}}};
      return std::nullopt;
    }
    return UUIDv<V>(*id);
  }
  static void write(const UUIDv<V>& value, std::string& out) { out += value.to_string(); }
  static Json schema() { return Json{{"format", "uuid" + std::to_string(V)}, {"type", "string"}}; }
};

}  // namespace fastapi

// http/multipart.hpp: a `multipart/form-data` body (RFC 7578 over RFC 2046 section 5.1) -> events (a part
// begins with its parsed headers, its data in chunks, it ends, the body ends), fed incrementally in any split.
// It lives in http/ beside http/chunked.hpp: it is a body encoding, read from bytes with no knowledge of
// parameters; params/ (a later station) turns its events into values (fa::Form, fa::File, UploadFile).
// Fed by whatever holds the body's bytes (the connection's stream, a test); feeds a MultipartHandler.
// Knows nothing of sockets, requests, routes, files on disk or JSON: a filename is data, never a path.
#pragma once

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fastapi/core/config.hpp"
#include "fastapi/http/field_lines.hpp"

namespace fastapi {

/// What stopped a multipart parse; `none` while it goes well.
enum class MultipartErrorKind : std::uint8_t {
  none,
  bad_boundary,         ///< the Content-Type is not multipart/form-data or its boundary is missing or invalid
  malformed,            ///< a delimiter line or a part header line breaks the grammar
  missing_disposition,  ///< a part without Content-Disposition
  missing_name,         ///< a Content-Disposition without `name`
  not_form_data,        ///< a Content-Disposition other than `form-data`
  truncated,            ///< the input ended before the close delimiter `--boundary--`
  too_many_fields,      ///< more non-file parts than MultipartLimits::max_fields
  too_many_files,       ///< more file parts than MultipartLimits::max_files
  header_too_large,     ///< a part's header block over max_part_header_bytes
  too_many_headers,     ///< a part with more header lines than max_part_headers
  field_too_large,      ///< a non-file part's value over max_field_bytes
  body_too_large,       ///< the body over max_body_bytes
};

struct MultipartError {
  MultipartErrorKind kind = MultipartErrorKind::none;
  std::string message;  ///< one sentence for the client
  /// The status an HTTP server answers with: 413 for the body size, 400 for everything else.
  int status() const { return kind == MultipartErrorKind::body_too_large ? 413 : 400; }
  explicit operator bool() const { return kind != MultipartErrorKind::none; }
};

/// One part's headers, parsed. `filename` is set (possibly empty) when the part is a file.
struct MultipartPart {
  std::string name;
  std::optional<std::string> filename;  ///< `filename*` (RFC 5987) when present, else `filename`; raw data
  std::string content_type = "text/plain";
  std::vector<std::pair<std::string, std::string>> headers;  ///< every header line, as sent, in order
  bool is_file() const { return filename.has_value(); }
  /// The first header named `name` (ASCII case-insensitive), or nullptr.
  const std::string* header(std::string_view name) const;
};

/// What a MultipartParser calls as it reads. Data chunks are views into the fed bytes or the parser's small
/// hold-back buffer: copy what must outlive the call.
class MultipartHandler {
 public:
  virtual ~MultipartHandler() = default;
  virtual void on_part_begin(const MultipartPart& part) = 0;
  virtual void on_part_data(std::string_view chunk) = 0;
  virtual void on_part_end() = 0;
  virtual void on_body_end() = 0;
};

/// `boundary=` of a `multipart/form-data` Content-Type (type, subtype and parameter names ignoring case,
/// the value a token or a quoted-string), checked against RFC 2046's bchars, 1 to 70 of them, not ending in a
/// space. Returns the boundary, or sets `error` (kind bad_boundary) and returns nullopt.
std::optional<std::string> multipart_boundary(std::string_view content_type, MultipartError& error);

/// Streaming `multipart/form-data` parser.
/// ```
/// MultipartParser p{req.header("content-type"), {.max_files = 10}};
/// for (auto chunk : body) if (p.feed(chunk, handler) == MultipartParser::Result::error) return 400;
/// if (p.finish() == error) ...   // a body that ended before `--boundary--`
/// ```
/// Data is handed out as it arrives: only what could be the start of a delimiter (at most the boundary plus 4
/// bytes) is held back. The boundary search is linear in the input: memchr for CR, then one comparison that,
/// on a mismatch, resumes where it failed (the delimiter has no CR after its first byte).
class MultipartParser {
 public:
  enum class Result { incomplete, complete, error };
  /// A bad Content-Type leaves the parser failed from the start: feed returns error, error() says why.
  explicit MultipartParser(std::string_view content_type, MultipartLimits limits = {});
  /// Consumes all of `in` (after the close delimiter the epilogue is ignored).
  Result feed(std::string_view in, MultipartHandler& handler);
  /// End of input: complete after the close delimiter, else a truncated error.
  Result finish();
  const MultipartError& error() const { return error_; }
  const std::string& boundary() const { return boundary_; }
  /// Bytes compared against the delimiter so far (memchr's scan aside): at most twice the input, for tests.
  std::size_t compared() const { return compared_; }

 private:
  enum class State : std::uint8_t {
    preamble,
    after_delim,
    close_dash,
    padding,
    delim_lf,
    header,
    header_lf,
    data,
    epilogue,
    failed
  };
  Result fail(MultipartErrorKind kind, std::string message);
  bool scan(std::string_view in, std::size_t& i, MultipartHandler& handler);  // preamble/data: true at a delimiter
  bool delimiter_byte(char c, MultipartHandler& handler);                     // after a delimiter; false -> failed
  bool header_line(MultipartHandler& handler);                                // line_ complete; false -> failed
  bool emit(std::string_view data, MultipartHandler& handler);                // false -> failed (field size)
  Result headers_too_large() {
    return fail(MultipartErrorKind::header_too_large,
                "A multipart part's headers exceed " + std::to_string(limits_.max_part_header_bytes) + " bytes.");
  }

  MultipartLimits limits_;
  std::string boundary_;
  std::string delimiter_;  // CRLF "--" boundary
  std::string hold_;       // a prefix of delimiter_ seen at the end of the last input
  std::string line_;       // the header line being read
  MultipartPart part_;
  std::size_t fields_ = 0, files_ = 0, headers_ = 0, header_bytes_ = 0, part_bytes_ = 0, total_ = 0;
  std::size_t compared_ = 0;
  State state_ = State::preamble;
  bool in_part_ = false;
  MultipartError error_;
};

namespace detail {
/// `type/subtype` and its `; name=value` parameters (RFC 9110 section 5.6.6), lowercased names, unquoted values.
struct MediaParams {
  std::string_view type;
  std::vector<std::pair<std::string, std::string>> params;
  bool ok = false;
};
MediaParams parse_media_params(std::string_view value);
/// RFC 5987 `charset'lang'pct-encoded` (UTF-8 or ISO-8859-1) -> UTF-8, or nullopt.
std::optional<std::string> decode_ext_value(std::string_view value);
}  // namespace detail

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
namespace detail {
inline char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c | 0x20) : c; }
inline bool iequal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  return true;
}
inline bool is_bchar(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         std::string_view("'()+_,-./:=? ").find(c) != std::string_view::npos;
}
/// Length of the common prefix of `a` and `b`, known to be at least `from`: eight bytes per step where the
/// machine is little-endian (the first differing byte is then the lowest set byte of the XOR).
inline std::size_t common_prefix(std::string_view a, std::string_view b, std::size_t from) {
  std::size_t n = std::min(a.size(), b.size()), k = from;
  if constexpr (std::endian::native == std::endian::little) {
    for (; k + 8 <= n; k += 8) {
      std::uint64_t x, y;
      std::memcpy(&x, a.data() + k, 8);
      std::memcpy(&y, b.data() + k, 8);
      if (x != y) return k + static_cast<std::size_t>(std::countr_zero(x ^ y)) / 8;
    }
  }
  while (k < n && a[k] == b[k]) ++k;
  return k;
}
inline int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = ascii_lower(c);
  return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

FASTAPI_DETAIL_INLINE MediaParams parse_media_params(std::string_view v) {
  MediaParams out;
  std::size_t i = 0;
  auto skip_ows = [&] {
    while (i < v.size() && is_ows(v[i])) ++i;
  };
  auto token = [&] {
    std::size_t start = i;
    while (i < v.size() && is_tchar(v[i])) ++i;
    return v.substr(start, i - start);
  };
  skip_ows();
  std::size_t start = i;
  if (token().empty()) return out;
  if (i < v.size() && v[i] == '/') {  // a media type; a disposition type has no subtype
    ++i;
    if (token().empty()) return out;
  }
  out.type = v.substr(start, i - start);
  while (true) {
    skip_ows();
    if (i == v.size()) break;
    if (v[i++] != ';') return out;
    skip_ows();
    if (i == v.size()) break;  // a trailing ';' is tolerated, as browsers and Python do
    std::string name(token());
    if (name.empty() || i == v.size() || v[i++] != '=') return out;
    for (char& c : name) c = ascii_lower(c);
    std::string value;
    if (i < v.size() && v[i] == '"') {
      for (++i;; ++i) {
        if (i == v.size()) return out;  // an unterminated quoted-string
        char c = v[i];
        if (c == '"') break;
        // `\"` and `\\` are escapes; any other backslash is kept: browsers send a filename's backslashes
        // unescaped (Chromium: `filename="a\b.txt"`), and python-multipart keeps them too.
        if (c == '\\' && i + 1 < v.size() && (v[i + 1] == '"' || v[i + 1] == '\\')) c = v[++i];
        value += c;
      }
      ++i;
    } else {
      value = token();
      if (value.empty()) return out;
    }
    out.params.emplace_back(std::move(name), std::move(value));
  }
  out.ok = true;
  return out;
}

FASTAPI_DETAIL_INLINE std::optional<std::string> decode_ext_value(std::string_view v) {
  std::size_t q1 = v.find('\'');
  if (q1 == std::string_view::npos) return std::nullopt;
  std::size_t q2 = v.find('\'', q1 + 1);
  if (q2 == std::string_view::npos) return std::nullopt;
  std::string_view charset = v.substr(0, q1);
  bool latin1 = iequal(charset, "iso-8859-1");
  if (!latin1 && !iequal(charset, "utf-8")) return std::nullopt;
  std::string out;
  for (std::size_t i = q2 + 1; i < v.size(); ++i) {
    auto c = static_cast<unsigned char>(v[i]);
    if (c == '%') {
      if (v.size() - i < 3) return std::nullopt;
      int hi = hex_digit(v[i + 1]), lo = hex_digit(v[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      c = static_cast<unsigned char>(hi * 16 + lo);
      i += 2;
    }
    if (latin1 && c >= 0x80) {
      out += static_cast<char>(0xC0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}
}  // namespace detail

FASTAPI_DETAIL_INLINE const std::string* MultipartPart::header(std::string_view name) const {
  for (const auto& [n, v] : headers)
    if (detail::iequal(n, name)) return &v;
  return nullptr;
}

FASTAPI_DETAIL_INLINE std::optional<std::string> multipart_boundary(std::string_view content_type,
                                                                    MultipartError& error) {
  auto fail = [&](std::string message) -> std::optional<std::string> {
    error = {MultipartErrorKind::bad_boundary, std::move(message)};
    return std::nullopt;
  };
  detail::MediaParams m = detail::parse_media_params(content_type);
  if (!m.ok) return fail("The Content-Type header is malformed.");
  if (!detail::iequal(m.type, "multipart/form-data")) return fail("The Content-Type is not multipart/form-data.");
  for (const auto& [name, value] : m.params) {
    if (name != "boundary") continue;
    if (value.empty() || value.size() > 70) return fail("The multipart boundary must be 1 to 70 characters long.");
    for (char c : value)
      if (!detail::is_bchar(c)) return fail("The multipart boundary has a character RFC 2046 does not allow.");
    if (value.back() == ' ') return fail("The multipart boundary must not end with a space.");
    return value;
  }
  return fail("The multipart Content-Type has no boundary.");
}

FASTAPI_DETAIL_INLINE MultipartParser::MultipartParser(std::string_view content_type, MultipartLimits limits)
    : limits_(limits) {
  if (auto b = multipart_boundary(content_type, error_)) {
    boundary_ = std::move(*b);
    delimiter_ = "\r\n--" + boundary_;
    hold_ = "\r\n";  // the first delimiter may come without its CRLF: the body reads as if after one
  } else {
    state_ = State::failed;
  }
}

FASTAPI_DETAIL_INLINE MultipartParser::Result MultipartParser::fail(MultipartErrorKind kind, std::string message) {
  error_ = {kind, std::move(message)};
  state_ = State::failed;
  return Result::error;
}

FASTAPI_DETAIL_INLINE bool MultipartParser::emit(std::string_view data, MultipartHandler& handler) {
  if (data.empty() || state_ != State::data) return true;  // preamble bytes are dropped
  part_bytes_ += data.size();
  if (!part_.is_file() && part_bytes_ > limits_.max_field_bytes) {
    fail(MultipartErrorKind::field_too_large, "The value of field '" + part_.name + "' exceeds the maximum size of " +
                                                  std::to_string(limits_.max_field_bytes) + " bytes.");
    return false;
  }
  handler.on_part_data(data);
  return true;
}

// Scans `in` from `i` for the delimiter, emitting what cannot be part of one. Returns true with `i` past the
// delimiter, or false with all of `in` consumed (a possible delimiter prefix kept in hold_).
FASTAPI_DETAIL_INLINE bool MultipartParser::scan(std::string_view in, std::size_t& i, MultipartHandler& handler) {
  const std::string_view d = delimiter_;
  if (!hold_.empty()) {  // extend the held prefix
    std::size_t k = hold_.size();
    while (k < d.size() && i < in.size() && in[i] == d[k]) ++k, ++i, ++compared_;
    if (k == d.size()) {
      hold_.clear();
      return true;
    }
    if (i == in.size()) {
      hold_.append(d.substr(hold_.size(), k - hold_.size()));
      return false;
    }
    ++compared_;
    // A mismatch: the held bytes and those matched now hold no CR after the first, so no delimiter starts in
    // them. They are data; in[i] (maybe a CR) is scanned below.
    std::string held = std::move(hold_);
    held.append(d.substr(held.size(), k - held.size()));
    hold_.clear();
    if (!emit(held, handler)) return false;
  }
  std::size_t from = i;
  while (i < in.size()) {
    const void* cr = std::memchr(in.data() + i, '\r', in.size() - i);
    if (cr == nullptr) break;
    std::size_t at = static_cast<std::size_t>(static_cast<const char*>(cr) - in.data());
    std::size_t k = detail::common_prefix(in.substr(at), d, 1);
    compared_ += k - 1;
    std::size_t j = at + k;
    if (k == d.size()) {
      if (!emit(in.substr(from, at - from), handler)) return false;
      i = j;
      return true;
    }
    if (j == in.size()) {
      if (!emit(in.substr(from, at - from), handler)) return false;
      hold_.assign(in.substr(at));
      i = j;
      return false;
    }
    ++compared_;
    i = j;  // in[at+1 .. j) matched CR-free delimiter bytes: the next CR is at j or later
  }
  i = in.size();
  emit(in.substr(from), handler);
  return false;
}

// One byte after `--boundary`: `--` closes the body; otherwise transport padding (spaces, tabs) then CRLF.
FASTAPI_DETAIL_INLINE bool MultipartParser::delimiter_byte(char c, MultipartHandler& handler) {
  switch (state_) {
    case State::after_delim:
      if (c == '-') {
        state_ = State::close_dash;
        return true;
      }
      state_ = State::padding;
      [[fallthrough]];
    case State::padding:
      if (c == ' ' || c == '\t') return true;
      if (c == '\r') {
        state_ = State::delim_lf;
        return true;
      }
      fail(MultipartErrorKind::malformed, "A multipart boundary line has bytes after the boundary.");
      return false;
    case State::close_dash:
      if (c != '-') {
        fail(MultipartErrorKind::malformed, "A multipart boundary line has bytes after the boundary.");
        return false;
      }
      state_ = State::epilogue;
      handler.on_body_end();
      return true;
    default:  // delim_lf
      if (c != '\n') {
        fail(MultipartErrorKind::malformed, "A multipart boundary line does not end with CRLF.");
        return false;
      }
      state_ = State::header;
      part_ = MultipartPart{};
      headers_ = header_bytes_ = part_bytes_ = 0;
      line_.clear();
      return true;
  }
}

FASTAPI_DETAIL_INLINE bool MultipartParser::header_line(MultipartHandler& handler) {
  using K = MultipartErrorKind;
  if (!line_.empty()) {  // one `name: value` line
    if (++headers_ > limits_.max_part_headers) {
      fail(K::too_many_headers,
           "A multipart part has more than " + std::to_string(limits_.max_part_headers) + " header lines.");
      return false;
    }
    std::size_t colon = line_.find(':');
    std::string_view name = std::string_view(line_).substr(0, colon == std::string::npos ? 0 : colon);
    if (!detail::is_token(name)) {
      fail(K::malformed, "A multipart part has a malformed header line.");
      return false;
    }
    std::string_view value = detail::trim_ows(std::string_view(line_).substr(colon + 1));
    for (char c : value)
      if ((static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7F) {
        fail(K::malformed, "A multipart part header has a control character.");
        return false;
      }
    part_.headers.emplace_back(std::string(name), std::string(value));
    line_.clear();
    state_ = State::header;
    return true;
  }
  // The blank line: the headers are complete.
  const std::string* disposition = part_.header("content-disposition");
  if (disposition == nullptr) {
    fail(K::missing_disposition, "A multipart part has no Content-Disposition header.");
    return false;
  }
  detail::MediaParams m = detail::parse_media_params(*disposition);
  if (!m.ok) {
    fail(K::malformed, "A multipart part has a malformed Content-Disposition header.");
    return false;
  }
  if (!detail::iequal(m.type, "form-data")) {
    fail(K::not_form_data, "A multipart part's Content-Disposition is not form-data.");
    return false;
  }
  bool named = false, starred = false;
  for (auto& [n, v] : m.params) {
    if (n == "name") {
      part_.name = std::move(v), named = true;
    } else if (n == "filename" && !starred) {
      part_.filename = std::move(v);
    } else if (n == "filename*") {
      if (auto decoded = detail::decode_ext_value(v)) part_.filename = std::move(*decoded), starred = true;
    }
  }
  if (!named) {
    fail(K::missing_name, "A multipart part's Content-Disposition has no name.");
    return false;
  }
  if (const std::string* type = part_.header("content-type")) part_.content_type = *type;
  if (part_.is_file() ? ++files_ > limits_.max_files : ++fields_ > limits_.max_fields) {
    bool file = part_.is_file();
    fail(file ? K::too_many_files : K::too_many_fields,
         std::string(file ? "Too many files. Maximum number of files is "
                          : "Too many fields. Maximum number of fields is ") +
             std::to_string(file ? limits_.max_files : limits_.max_fields) + ".");
    return false;
  }
  state_ = State::data;
  in_part_ = true;
  handler.on_part_begin(part_);
  return true;
}

FASTAPI_DETAIL_INLINE MultipartParser::Result MultipartParser::feed(std::string_view in, MultipartHandler& handler) {
  if (state_ == State::failed) return Result::error;
  if (std::size_t allowed = limits_.max_body_bytes - total_; in.size() > allowed) {
    // The bytes within the limit first, so that an error in them wins as it would fed in smaller pieces.
    if (feed(in.substr(0, allowed), handler) == Result::error) return Result::error;
    return fail(MultipartErrorKind::body_too_large,
                "The multipart body exceeds the maximum size of " + std::to_string(limits_.max_body_bytes) + " bytes.");
  }
  total_ += in.size();
  std::size_t i = 0;
  while (i < in.size()) {
    switch (state_) {
      case State::epilogue: return Result::complete;
      case State::preamble:
      case State::data:
        if (!scan(in, i, handler)) return state_ == State::failed ? Result::error : Result::incomplete;
        if (in_part_) {
          in_part_ = false;
          handler.on_part_end();
        }
        state_ = State::after_delim;
        break;
      case State::header: {  // a run of header-line bytes up to CR, checked as the byte-wise rules would
        const char* start = in.data() + i;
        std::size_t avail = in.size() - i, room = limits_.max_part_header_bytes - header_bytes_;
        const void* cr = std::memchr(start, '\r', avail);
        std::size_t run = cr ? static_cast<std::size_t>(static_cast<const char*>(cr) - start) : avail;
        std::size_t take = cr ? run + 1 : run;
        if (const void* lf = std::memchr(start, '\n', run)) {
          std::size_t upto = static_cast<std::size_t>(static_cast<const char*>(lf) - start) + 1;
          if (upto <= room)
            return fail(MultipartErrorKind::malformed, "A multipart header line does not end with CRLF.");
        }
        if (take > room) return headers_too_large();
        line_.append(start, run);
        header_bytes_ += take;
        i += take;
        if (cr) state_ = State::header_lf;
        break;
      }
      case State::header_lf:
        if (++header_bytes_ > limits_.max_part_header_bytes) return headers_too_large();
        if (in[i++] != '\n')
          return fail(MultipartErrorKind::malformed, "A multipart header line does not end with CRLF.");
        if (!header_line(handler)) return Result::error;
        break;
      default:
        if (!delimiter_byte(in[i++], handler)) return Result::error;
    }
  }
  if (state_ == State::failed) return Result::error;
  return state_ == State::epilogue ? Result::complete : Result::incomplete;
}

FASTAPI_DETAIL_INLINE MultipartParser::Result MultipartParser::finish() {
  if (state_ == State::failed) return Result::error;
  if (state_ == State::epilogue) return Result::complete;
  return fail(MultipartErrorKind::truncated, "The multipart body ended before its closing boundary.");
}
#endif

}  // namespace fastapi

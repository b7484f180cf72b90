// core/zlib.hpp: zlib's deflate and inflate streams as two small classes, shared by the gzip middleware
// (middleware/gzip.hpp: the gzip wrapper) and WebSocket permessage-deflate (websocket/deflate.hpp: raw deflate).
// Fed bytes; gives bytes. Knows nothing of HTTP or frames. Compiled only with FASTAPI_ENABLE_GZIP (link -lz).
#pragma once

#include "fastapi/core/config.hpp"

#ifdef FASTAPI_ENABLE_GZIP

#include <algorithm>
#include <climits>
#include <cstddef>
#include <string>
#include <string_view>

#include <zlib.h>

namespace fastapi::detail {

/// Gives zlib the next slice of the input (`next`, `left` bytes not yet given): avail_in is 32 bits, so a
/// larger input goes in slices of at most UINT_MAX bytes.
inline void give_zlib_slice(z_stream& z, const char*& next, std::size_t& left) {
  const uInt take = left > UINT_MAX ? UINT_MAX : static_cast<uInt>(left);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(next));
  z.avail_in = take;
  next += take;
  left -= take;
}

/// One zlib deflate stream, freed with the object. `window_bits` is zlib's: 9..15 raw deflate when negative,
/// 8..15 with the zlib wrapper, plus 16 for the gzip wrapper (the default, 31). Its memory is zlib's
/// (1 << (window_bits + 2)) + (1 << (mem_level + 9)) bytes: 256 KiB at 15 and 8.
class Deflater {
 public:
  explicit Deflater(int level, int window_bits = 15 + 16, int mem_level = 8);
  ~Deflater() {
    if (ok_) deflateEnd(&z_);
  }
  Deflater(const Deflater&) = delete;
  Deflater& operator=(const Deflater&) = delete;
  /// False when zlib could not set the stream up (out of memory, or a bad level).
  bool ok() const { return ok_; }
  /// Compresses `in`, appending what zlib gives to `out`; `flush` is Z_NO_FLUSH, Z_SYNC_FLUSH or Z_FINISH.
  /// False on a zlib error (the stream is then unusable).
  bool write(std::string_view in, int flush, std::string& out);

 private:
  z_stream z_{};
  bool ok_ = false;
};

/// One zlib inflate stream, freed with the object (`window_bits` as for Deflater; negative: raw deflate).
/// Its memory is the window (1 << window_bits bytes, made at the first byte) and about 7 KiB of state.
class Inflater {
 public:
  explicit Inflater(int window_bits) { ok_ = inflateInit2(&z_, window_bits) == Z_OK; }
  ~Inflater() {
    if (ok_) inflateEnd(&z_);
  }
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;
  bool ok() const { return ok_; }
  enum class Result : unsigned char { ok, too_big, error };
  /// Inflates `in`, appending to `out`, which never grows past `limit` + 1 bytes: more output than `limit`
  /// is too_big (a deflate bomb stops there, nothing inflated beyond it). error: the data is not deflate.
  /// A stream that ends (a final block) starts over with the bytes after it.
  Result write(std::string_view in, std::string& out, std::size_t limit);

 private:
  z_stream z_{};
  bool ok_ = false;
};

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE Deflater::Deflater(int level, int window_bits, int mem_level) {
  ok_ = deflateInit2(&z_, level, Z_DEFLATED, window_bits, mem_level, Z_DEFAULT_STRATEGY) == Z_OK;
}

FASTAPI_DETAIL_INLINE bool Deflater::write(std::string_view in, int flush, std::string& out) {
  if (!ok_) return false;
  std::size_t left = in.size();
  const char* next = in.data();
  for (;;) {
    give_zlib_slice(z_, next, left);  // only the last slice is flushed
    int mode = left ? Z_NO_FLUSH : flush;
    for (;;) {
      std::size_t used = out.size();
      std::size_t room = deflateBound(&z_, z_.avail_in) + 64;
      if (room > UINT_MAX) room = UINT_MAX;
      out.resize(used + room);
      z_.next_out = reinterpret_cast<Bytef*>(out.data() + used);
      z_.avail_out = static_cast<uInt>(room);
      int rc = deflate(&z_, mode);
      out.resize(used + room - z_.avail_out);
      if (rc == Z_STREAM_END) break;
      if (rc != Z_OK && rc != Z_BUF_ERROR) return false;
      // Done with this slice when zlib left output room: all input taken and, for a flush, all written.
      // Z_FINISH is done only at Z_STREAM_END; without progress (Z_BUF_ERROR with room left) it never is.
      if (z_.avail_out != 0) {
        if (mode != Z_FINISH) break;
        if (rc == Z_BUF_ERROR) return false;
      }
    }
    if (left == 0) return true;
  }
}

FASTAPI_DETAIL_INLINE Inflater::Result Inflater::write(std::string_view in, std::string& out, std::size_t limit) {
  if (!ok_) return Result::error;
  std::size_t left = in.size();
  const char* next = in.data();
  for (;;) {
    give_zlib_slice(z_, next, left);
    for (;;) {
      if (out.size() > limit) return Result::too_big;
      const std::size_t used = out.size();
      // Output room: a guess from the input, never past limit + 1 (one byte over says "too big").
      const std::size_t room =
          std::min<std::size_t>(std::max<std::size_t>(std::size_t{z_.avail_in} * 4, 4096), limit + 1 - used);
      const std::size_t capped = std::min<std::size_t>(room, 1u << 20);
      out.resize(used + capped);
      z_.next_out = reinterpret_cast<Bytef*>(out.data() + used);
      z_.avail_out = static_cast<uInt>(capped);
      int rc = inflate(&z_, Z_SYNC_FLUSH);
      out.resize(used + capped - z_.avail_out);
      if (rc == Z_STREAM_END) {
        if (inflateReset(&z_) != Z_OK) return Result::error;
        if (z_.avail_in == 0) break;
        continue;
      }
      if (rc == Z_BUF_ERROR) {
        if (z_.avail_out != 0) break;  // no progress with room left: all taken, nothing pending
        continue;
      }
      if (rc != Z_OK) return Result::error;
      if (z_.avail_out != 0 && z_.avail_in == 0) break;  // all input taken and all output written
    }
    if (out.size() > limit) return Result::too_big;
    if (left == 0) return Result::ok;
  }
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

}  // namespace fastapi::detail

#endif  // FASTAPI_ENABLE_GZIP

// core/arena.hpp: a per-connection scratch arena for decoded strings. Fed by nothing; used by url and binding.
// Memory is kept across reset(), so a keep-alive connection allocates nothing in steady state.
#pragma once

#include <cstddef>
#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

namespace fastapi::detail {

/// Monotonic bump allocator for bytes. Views handed out stay valid until reset().
class Arena {
 public:
  explicit Arena(std::size_t first_block = 1024) : first_block_(first_block) {}
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;

  /// `n` writable bytes, valid until reset().
  char* allocate(std::size_t n);
  /// A stable copy of `s`.
  std::string_view copy(std::string_view s) {
    char* p = allocate(s.size());
    if (!s.empty()) std::memcpy(p, s.data(), s.size());
    return {p, s.size()};
  }
  /// Forget every allocation; keeps the largest block for the next request.
  void reset();
  /// Bytes currently reserved (for memory accounting).
  std::size_t capacity() const;

 private:
  struct Block {
    std::unique_ptr<char[]> data;
    std::size_t size = 0;
  };
  std::vector<Block> blocks_;
  std::size_t used_ = 0;  // bytes used in blocks_.back()
  std::size_t first_block_;
};

inline char* Arena::allocate(std::size_t n) {
  if (blocks_.empty() || blocks_.back().size - used_ < n) {
    std::size_t size = blocks_.empty() ? first_block_ : blocks_.back().size * 2;
    while (size < n) size *= 2;
    blocks_.push_back({std::unique_ptr<char[]>(new char[size]), size});
    used_ = 0;
  }
  char* p = blocks_.back().data.get() + used_;
  used_ += n;
  return p;
}

inline void Arena::reset() {
  if (blocks_.size() > 1) {
    // Keep only the largest (last) block: the next request of this size fits in one.
    Block last = std::move(blocks_.back());
    blocks_.clear();
    blocks_.push_back(std::move(last));
  }
  used_ = 0;
}

inline std::size_t Arena::capacity() const {
  std::size_t total = 0;
  for (const auto& b : blocks_) total += b.size;
  return total;
}

}  // namespace fastapi::detail

// routing/radix_tree.hpp: path -> the template shapes it matches, in precedence order, with captured values.
// Fed by path_template.hpp (insert) and router.hpp (match); feeds router.hpp. Knows nothing of methods or handlers.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "fastapi/core/config.hpp"
#include "fastapi/routing/path_template.hpp"

namespace fastapi::detail {

/// A compressed prefix tree over template shapes. Each distinct shape (`/items/{}` whatever the names) ends
/// at one leaf, numbered 0, 1, 2, ... in insertion order. Matching walks static children first (at most one
/// per first byte), then the `{param}` child, then the `{name:path}` catch-all, backtracking when a branch
/// fails deeper but never walking the same failed branch twice (linear in the path); it captures views into
/// the path and allocates nothing unless a segment holds a parameter followed by static text (`{name}.txt`).
/// Each leaf is offered once per way of reaching it that has not already failed.
///
///     RadixTree tree;
///     auto leaf = tree.insert(PathTemplate::parse("/users/{id}"));
///     tree.match("/users/42", [&](RadixTree::LeafId l, std::span<const std::string_view> v) { ...; return true; });
class RadixTree {
 public:
  using LeafId = std::uint32_t;
  using Values = std::span<const std::string_view>;
  static constexpr std::uint32_t none = 0xFFFFFFFFu;

  /// Adds the template's shape; returns its leaf (the existing one when the shape is already present).
  LeafId insert(const PathTemplate& t);
  /// Calls `visit(leaf, values)` for each leaf matching `path`, best first, until it returns true. Returns that.
  template <class Visit>
  bool match(std::string_view path, Visit&& visit) const;
  /// As match(), for `path + "/"` without building that string (the trailing-slash redirect check).
  template <class Visit>
  bool match_with_slash(std::string_view path, Visit&& visit) const;
  std::size_t leaf_count() const { return leaf_count_; }
  std::size_t node_count() const { return nodes_.size(); }

 private:
  struct Node {
    std::string prefix;                  // static bytes consumed when entering (empty for parameter nodes)
    std::string first_bytes;             // first byte of each static child, parallel to `statics`
    std::vector<std::uint32_t> statics;  // static children, at most one per first byte
    std::uint32_t param = none;          // the `{name}` child
    std::uint32_t catch_all = none;      // the `{name:path}` child (holds only a leaf)
    LeafId leaf = none;                  // a shape ends here
    bool continues_in_segment = false;   // some child can start with a byte other than '/'
  };
  template <bool Slash, class Visit>
  struct Walker;

  std::uint32_t new_node();
  std::uint32_t insert_text(std::uint32_t at, std::string_view text);

  std::vector<Node> nodes_ = std::vector<Node>(1);  // nodes_[0] is the root, with an empty prefix
  std::size_t leaf_count_ = 0;
};

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE std::uint32_t RadixTree::new_node() {
  nodes_.emplace_back();
  return static_cast<std::uint32_t>(nodes_.size() - 1);
}

FASTAPI_DETAIL_INLINE std::uint32_t RadixTree::insert_text(std::uint32_t at, std::string_view text) {
  while (!text.empty()) {
    std::size_t k = nodes_[at].first_bytes.find(text[0]);
    if (k == std::string::npos) {
      std::uint32_t child = new_node();  // invalidates references: index only
      nodes_[child].prefix = std::string(text);
      nodes_[at].first_bytes.push_back(text[0]);
      nodes_[at].statics.push_back(child);
      if (text[0] != '/') nodes_[at].continues_in_segment = true;
      return child;
    }
    std::uint32_t child = nodes_[at].statics[k];
    std::string_view prefix = nodes_[child].prefix;
    std::size_t common = 0;
    while (common < prefix.size() && common < text.size() && prefix[common] == text[common]) ++common;
    if (common < prefix.size()) {
      // Split: `child` keeps the common head; a new node takes the tail and everything below it.
      std::uint32_t tail = new_node();
      Node& head = nodes_[child];
      nodes_[tail] = std::move(head);
      nodes_[tail].prefix.erase(0, common);
      head = Node{};
      head.prefix = std::string(text.substr(0, common));
      head.first_bytes.push_back(nodes_[tail].prefix[0]);
      head.statics.push_back(tail);
      head.continues_in_segment = nodes_[tail].prefix[0] != '/';
    }
    at = child;
    text.remove_prefix(common);
  }
  return at;
}

FASTAPI_DETAIL_INLINE RadixTree::LeafId RadixTree::insert(const PathTemplate& t) {
  std::uint32_t at = 0;
  for (std::size_t i = 0; i < t.part_count(); ++i) {
    PathTemplate::Part part = t.part(i);
    if (part.kind == PathTemplate::Kind::text) {
      at = insert_text(at, part.text);
      continue;
    }
    bool is_param = part.kind == PathTemplate::Kind::param;
    std::uint32_t child = is_param ? nodes_[at].param : nodes_[at].catch_all;
    if (child == none) {
      child = new_node();  // invalidates references: index only
      (is_param ? nodes_[at].param : nodes_[at].catch_all) = child;
      nodes_[at].continues_in_segment = true;
    }
    at = child;
  }
  if (nodes_[at].leaf == none) nodes_[at].leaf = static_cast<LeafId>(leaf_count_++);
  return nodes_[at].leaf;
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

/// One match in progress. `Slash` reads the path as if it ended with one more '/'.
template <bool Slash, class Visit>
struct RadixTree::Walker {
  const std::vector<Node>& nodes;
  std::string_view path;
  Visit& visit;
  std::size_t n = path.size() + (Slash ? 1 : 0);
  std::array<std::string_view, FASTAPI_MAX_PATH_PARAMS> values{};
  std::size_t count = 0;
  // What is known to fail below each parameter node, once a segment has been split. Trying every split of a
  // segment that holds several parameters (`/{a}-{b}-{c}.txt`) was L^k steps in the segment's length L
  // (an 8 KiB path of dashes held a loop thread for minutes). A failure depends only on the node and the
  // position: the number of values captured at a node is fixed by its depth, and visit() answers per leaf;
  // and a node is always entered in the same segment (parameters hold no '/', static text is fixed). So each
  // (parameter node, end of its value) is walked at most once: linear in the path per node. Allocated only
  // when a segment is split, so ordinary matches allocate nothing.
  struct Tried {
    std::size_t splits_from = static_cast<std::size_t>(-1);  // every value ending in (splits_from, end) failed
    bool whole = false;                                      // the value ending at the segment's end failed
  };
  std::vector<Tried> tried{};

  char at(std::size_t i) const {
    if constexpr (Slash) return i < path.size() ? path[i] : '/';
    return path[i];
  }
  // Does the subject continue with `p` at `pos`?
  bool has_at(std::size_t pos, std::string_view p) const {
    if (n - pos < p.size()) return false;
    if constexpr (Slash) {
      std::size_t real = p.size() <= path.size() - pos ? p.size() : path.size() - pos;
      if (path.compare(pos, real, p.substr(0, real)) != 0) return false;
      return real == p.size() || p[real] == '/';  // the one virtual byte
    }
    return path.compare(pos, p.size(), p) == 0;
  }
  std::string_view slice(std::size_t b, std::size_t e) const {
    if (e > path.size()) e = path.size();
    if (b > e) b = e;
    return path.substr(b, e - b);
  }
  bool leaf(LeafId l) { return l != none && visit(l, Values(values.data(), count)); }

  bool walk(std::uint32_t index, std::size_t pos) {
    const Node& node = nodes[index];
    if (pos == n) {
      if (leaf(node.leaf)) return true;
    } else {
      char c = at(pos);
      std::size_t k = node.first_bytes.find(c);
      if (k != std::string::npos) {
        std::uint32_t child = node.statics[k];
        const std::string& prefix = nodes[child].prefix;
        if (has_at(pos, prefix) && walk(child, pos + prefix.size())) return true;
      }
      if (node.param != none && c != '/' && count < values.size()) {
        // `[^/]+`. When static text may follow inside the segment (`{name}.txt`), that static
        // continuation is tried first, longest value first (a greedy regex's answer); then the whole segment.
        std::size_t end = path.find('/', pos);
        if (end == std::string_view::npos) end = path.size();
        ++count;
        if (nodes[node.param].continues_in_segment) {
          if (tried.empty()) tried.resize(nodes.size());
          Tried& t = tried[node.param];  // no resize below: the reference stays valid through the recursion
          for (std::size_t e = std::min(end - 1, t.splits_from); e > pos; --e) {
            values[count - 1] = slice(pos, e);
            if (walk(node.param, e)) return true;
          }
          t.splits_from = std::min(t.splits_from, pos);
        }
        if (tried.empty() || !tried[node.param].whole) {
          values[count - 1] = slice(pos, end);
          if (walk(node.param, end)) return true;
          if (!tried.empty()) tried[node.param].whole = true;
        }
        --count;
      }
    }
    if (node.catch_all != none && count < values.size()) {
      values[count++] = slice(pos, n);
      if (leaf(nodes[node.catch_all].leaf)) return true;
      --count;
    }
    return false;
  }
};

template <class Visit>
bool RadixTree::match(std::string_view path, Visit&& visit) const {
  Walker<false, std::remove_reference_t<Visit>> w{nodes_, path, visit};
  return w.walk(0, 0);
}

template <class Visit>
bool RadixTree::match_with_slash(std::string_view path, Visit&& visit) const {
  Walker<true, std::remove_reference_t<Visit>> w{nodes_, path, visit};
  return w.walk(0, 0);
}

}  // namespace fastapi::detail

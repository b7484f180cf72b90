// core/regex.hpp: the pattern matcher of Rule.pattern and CORS allow_origin_regex, in time linear in the input and
// constant stack: the Thompson program of core/regex_syntax.hpp simulated over code points, no backtracking
// (Pydantic v2 uses Rust's regex crate for the same reason), with a lazy DFA caching the sets of states it meets.
// Fed by json/rules and middleware/cors; feeds nothing. Knows nothing of HTTP or JSON.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fastapi/core/config.hpp"
#include "fastapi/core/errors.hpp"
#include "fastapi/core/regex_syntax.hpp"

namespace fastapi {
namespace detail {

/// A compiled pattern. `Regex::compile("^[a-z]+$")` (a match anywhere, as Python's re.search and Pydantic's
/// pattern) or `Regex::compile(p, true)` (the whole input, as re.fullmatch). Invalid or unsupported patterns
/// throw ConfigurationError: `fastapi: pattern "(a)\1" is not supported: backreferences ...`.
class Regex {
 public:
  Regex() = default;
  static Regex compile(std::string_view pattern, bool full = false);
  /// True when the input matches (anywhere, or as a whole for a full pattern). Linear time, constant stack.
  bool matches(std::string_view input) const;
  /// The same answer without the DFA cache: the NFA simulated alone (tests and the fuzzer compare the two).
  bool matches_uncached(std::string_view input) const { return !program_.empty() && simulate(input); }
  std::size_t program_size() const { return program_.size(); }

  // The emitter interface RegexParser builds with.
  static constexpr bool stores = true;
  std::uint32_t size() const { return static_cast<std::uint32_t>(program_.size()); }
  std::uint32_t emit(RegexInst in) {
    program_.push_back(in);
    return size() - 1;
  }
  RegexInst& at(std::uint32_t pc) { return program_[pc]; }
  void insert(std::uint32_t pos, RegexInst in);
  void copy(std::uint32_t src, std::uint32_t len);
  void truncate(std::uint32_t to) { program_.resize(to); }
  std::uint32_t add_class(const RegexClassSet& s);

 private:
  struct Class {
    std::uint64_t ascii[2] = {0, 0};
    std::uint32_t begin = 0, end = 0;  // its ranges above ASCII in ranges_
  };
  struct Scratch;
  struct Dfa;
  bool in_class(const Class& c, std::uint32_t cp) const;
  bool consumes(const RegexInst& in, std::uint32_t cp) const {
    return (in.op == RegexOp::chr && in.x == cp) || (in.op == RegexOp::cls && in_class(classes_[in.x], cp));
  }
  /// Adds pc and all it reaches without reading a character to the set; true when that reaches match.
  /// `at` says which assertions hold there (bit 0: start of text, 1: end, 2: word before, 3: word after).
  bool closure(Scratch& s, bool into_b, std::uint32_t pc, unsigned at) const;
  bool simulate(std::string_view input) const;  // the NFA, one set of states per character
  bool run_dfa(Dfa& dfa, std::string_view input) const;

  std::vector<RegexInst> program_;
  std::vector<Class> classes_;
  std::vector<std::uint32_t> ranges_;  // lo, hi pairs
  bool anchored_ = false;              // starts with \A: threads start at offset 0 only
  bool word_asserts_ = false;          // has \b or \B: the DFA cache does not apply
  std::shared_ptr<Dfa> dfa_;           // shared by copies; used by one thread at a time (try_lock)
};

/// The ConfigurationError text for a refused pattern: `fastapi: <who> "<pattern>" is not supported: <why> (at
/// offset N)`.
inline std::string regex_refusal(std::string_view who, std::string_view pattern, const RegexCheck& check) {
  return "fastapi: " + std::string(who) + " \"" + std::string(pattern) +
         "\" is not supported: " + std::string(regex_error_message(check.error)) + " (at offset " +
         std::to_string(check.offset) + ")";
}

#if FASTAPI_DETAIL_DEFINE_FUNCTIONS
FASTAPI_DETAIL_INLINE Regex Regex::compile(std::string_view pattern, bool full) {
  Regex r;
  RegexParser<Regex> parser{pattern, r};
  if (!parser.parse(full))
    throw ConfigurationError(regex_refusal("pattern", pattern, {parser.error, parser.offset, r.size()}));
  r.anchored_ =
      !r.program_.empty() && r.program_[0].op == RegexOp::assert_ && r.program_[0].kind == RegexAssert::begin_text;
  for (const RegexInst& in : r.program_)
    r.word_asserts_ = r.word_asserts_ || (in.op == RegexOp::assert_ && (in.kind == RegexAssert::word_boundary ||
                                                                        in.kind == RegexAssert::not_word_boundary));
  if (!r.word_asserts_) r.dfa_ = std::make_shared<Dfa>();
  return r;
}

FASTAPI_DETAIL_INLINE void Regex::insert(std::uint32_t pos, RegexInst in) {
  // Every target at or after pos inside the moved code moves with it; code before pos never points past it.
  for (std::size_t k = pos; k < program_.size(); ++k) {
    RegexInst& m = program_[k];
    if (m.op == RegexOp::split || m.op == RegexOp::jmp) {
      if (m.x >= pos) ++m.x;
      if (m.op == RegexOp::split && m.y >= pos) ++m.y;
    }
  }
  program_.insert(program_.begin() + pos, in);
}

FASTAPI_DETAIL_INLINE void Regex::copy(std::uint32_t src, std::uint32_t len) {
  const std::uint32_t delta = size() - src;  // the copy's targets are inside [src, src + len], shifted
  for (std::uint32_t k = 0; k < len; ++k) {
    RegexInst m = program_[src + k];
    if (m.op == RegexOp::split || m.op == RegexOp::jmp) {
      m.x += delta;
      if (m.op == RegexOp::split) m.y += delta;
    }
    program_.push_back(m);
  }
}

FASTAPI_DETAIL_INLINE std::uint32_t Regex::add_class(const RegexClassSet& s) {
  Class c;
  c.begin = static_cast<std::uint32_t>(ranges_.size());
  for (std::size_t k = 0; k < s.size; ++k) {
    for (std::uint32_t cp = s.lo[k]; cp <= s.hi[k] && cp < 128; ++cp) c.ascii[cp >> 6] |= std::uint64_t{1} << (cp & 63);
    if (s.hi[k] >= 128) {
      ranges_.push_back(s.lo[k] < 128 ? 128 : s.lo[k]);
      ranges_.push_back(s.hi[k]);
    }
  }
  c.end = static_cast<std::uint32_t>(ranges_.size());
  classes_.push_back(c);
  return static_cast<std::uint32_t>(classes_.size() - 1);
}

FASTAPI_DETAIL_INLINE bool Regex::in_class(const Class& c, std::uint32_t cp) const {
  if (cp < 128) return (c.ascii[cp >> 6] >> (cp & 63)) & 1;
  for (std::uint32_t k = c.begin; k < c.end; k += 2)
    if (cp >= ranges_[k] && cp <= ranges_[k + 1]) return true;
  return false;
}

namespace regex_vm {
/// A set of program counters with O(1) insert, test and clear (Briggs and Torczon's sparse set).
struct SparseSet {
  std::vector<std::uint32_t> dense, sparse;
  std::uint32_t n = 0;
  void reset(std::size_t cap) {
    if (sparse.size() < cap) dense.resize(cap), sparse.resize(cap);
    n = 0;
  }
  bool contains(std::uint32_t pc) const { return sparse[pc] < n && dense[sparse[pc]] == pc; }
  void add(std::uint32_t pc) {
    sparse[pc] = n;
    dense[n++] = pc;
  }
};
inline bool is_word(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
}  // namespace regex_vm

struct Regex::Scratch {
  regex_vm::SparseSet a, b;
  std::vector<std::uint32_t> stack;
  /// One per thread, grown to the largest program seen: no allocation per match in steady state.
  static Scratch& get(std::size_t cap) {
    thread_local Scratch s;
    s.a.reset(cap);
    s.b.reset(cap);
    if (s.stack.size() < cap) s.stack.resize(cap);
    return s;
  }
};

/// The lazy DFA: each state is a set of NFA states met while matching, with its transitions on ASCII characters
/// filled in as they are taken. Bounded: past max_states, or max_stored program counters in all (about 1 MiB
/// with the index), it starts over.
struct Regex::Dfa {
  static constexpr std::size_t max_states = 512;
  static constexpr std::size_t max_stored = std::size_t{1} << 17;
  struct State {
    std::vector<std::uint32_t> pcs;  // sorted
    bool match = false;              // a match has been reached (the search is over)
    int match_at_end = -1;           // -1 not yet known, else whether the end of the text completes a match
  };
  std::mutex mutex;
  std::vector<State> states;
  std::vector<std::int32_t> next;  // [state * 128 + c]: -1 unknown
  std::map<std::vector<std::uint32_t>, std::uint32_t> index;
  std::int32_t start = -1;  // the state at offset 0 of a non-empty text
  std::size_t stored = 0;   // program counters held by states

  bool full() const { return states.size() > max_states || stored > max_stored; }
  void clear() {
    states.clear();
    next.clear();
    index.clear();
    start = -1;
    stored = 0;
  }
  /// The state of the set `set` (sorted here), added when new.
  std::uint32_t intern(std::vector<std::uint32_t>& pcs, bool match) {
    std::sort(pcs.begin(), pcs.end());
    auto it = index.find(pcs);
    if (it != index.end()) return it->second;
    const auto id = static_cast<std::uint32_t>(states.size());
    index.emplace(pcs, id);
    stored += pcs.size();
    states.push_back({pcs, match, -1});
    next.resize(next.size() + 128, -1);
    return id;
  }
};

FASTAPI_DETAIL_INLINE bool Regex::closure(Scratch& s, bool into_b, std::uint32_t pc0, unsigned at) const {
  regex_vm::SparseSet& set = into_b ? s.b : s.a;
  if (set.contains(pc0)) return false;
  bool matched = false;
  std::uint32_t* const stack = s.stack.data();
  std::size_t top = 0;
  set.add(pc0);
  stack[top++] = pc0;
  while (top > 0) {  // each pc enters the set once: the explicit stack never outgrows the program
    const std::uint32_t pc = stack[--top];
    const RegexInst& in = program_[pc];
    std::uint32_t to[2];
    int count = 0;
    switch (in.op) {
      case RegexOp::jmp: to[count++] = in.x; break;
      case RegexOp::split: to[count++] = in.y, to[count++] = in.x; break;
      case RegexOp::match: matched = true; break;
      case RegexOp::assert_: {
        bool ok;
        switch (in.kind) {
          case RegexAssert::begin_text: ok = at & 1; break;
          case RegexAssert::end_text: ok = at & 2; break;
          case RegexAssert::word_boundary: ok = ((at >> 2) & 1) != ((at >> 3) & 1); break;
          default: ok = ((at >> 2) & 1) == ((at >> 3) & 1); break;
        }
        if (ok) to[count++] = pc + 1;
        break;
      }
      default: break;  // chr, cls: wait for the next character
    }
    for (int k = 0; k < count; ++k) {
      if (set.contains(to[k])) continue;
      set.add(to[k]);
      stack[top++] = to[k];
    }
  }
  return matched;
}

FASTAPI_DETAIL_INLINE bool Regex::matches(std::string_view input) const {
  if (program_.empty()) return false;
  if (dfa_ && !input.empty() && dfa_->mutex.try_lock()) {  // busy on another thread: simulate the NFA instead
    std::lock_guard<std::mutex> hold(dfa_->mutex, std::adopt_lock);
    return run_dfa(*dfa_, input);
  }
  return simulate(input);
}

FASTAPI_DETAIL_INLINE bool Regex::simulate(std::string_view input) const {
  Scratch& s = Scratch::get(program_.size());
  const std::size_t size = input.size();
  auto at = [&](std::size_t pos) {
    return unsigned{pos == 0} | unsigned{pos == size} << 1 |
           unsigned{pos > 0 && regex_vm::is_word(static_cast<unsigned char>(input[pos - 1]))} << 2 |
           unsigned{pos < size && regex_vm::is_word(static_cast<unsigned char>(input[pos]))} << 3;
  };
  bool cur_b = false;  // the current set is s.a; the next one s.b
  if (closure(s, cur_b, 0, at(0))) return true;
  for (std::size_t pos = 0; pos < size;) {
    regex_vm::SparseSet& cur = cur_b ? s.b : s.a;
    if (cur.n == 0 && anchored_) return false;
    std::size_t len = 1;
    const std::uint32_t cp = regex_decode(input, pos, len);
    pos += len;
    const unsigned flags = at(pos);
    (cur_b ? s.a : s.b).n = 0;
    for (std::uint32_t k = 0; k < cur.n; ++k)
      if (consumes(program_[cur.dense[k]], cp) && closure(s, !cur_b, cur.dense[k] + 1, flags)) return true;
    if (!anchored_ && closure(s, !cur_b, 0, flags)) return true;  // a match may also start here (search)
    cur_b = !cur_b;
  }
  return false;
}

FASTAPI_DETAIL_INLINE bool Regex::run_dfa(Dfa& dfa, std::string_view input) const {
  // No \b or \B here: the assertions depend only on "start of text" (offset 0) and "end of text" (checked once
  // the text is read), so a set of states and a character give one next set, whatever came before.
  Scratch& s = Scratch::get(program_.size());
  std::vector<std::uint32_t> pcs;
  auto intern_a = [&](bool match) {
    pcs.assign(s.a.dense.begin(), s.a.dense.begin() + s.a.n);
    return dfa.intern(pcs, match);
  };
  if (dfa.full()) dfa.clear();
  if (dfa.start < 0) {
    s.a.n = 0;
    const bool m = closure(s, false, 0, 1);
    dfa.start = static_cast<std::int32_t>(intern_a(m));
  }
  std::uint32_t state = static_cast<std::uint32_t>(dfa.start);
  if (dfa.states[state].match) return true;
  const std::size_t size = input.size();
  for (std::size_t pos = 0; pos < size;) {
    const unsigned char c = static_cast<unsigned char>(input[pos]);
    if (c < 128) {
      const std::int32_t known = dfa.next[state * 128 + c];
      if (known >= 0) {
        state = static_cast<std::uint32_t>(known);
        ++pos;
        if (dfa.states[state].match) return true;
        if (anchored_ && dfa.states[state].pcs.empty()) return false;
        continue;
      }
    }
    std::size_t len = 1;
    const std::uint32_t cp = regex_decode(input, pos, len);
    pos += len;
    // The step, as in simulate(), from the state's set into s.a (not at the start; the end is checked below).
    s.a.n = 0;
    s.b.n = 0;
    bool m = false;
    for (std::uint32_t pc : dfa.states[state].pcs)
      if (consumes(program_[pc], cp)) m = closure(s, false, pc + 1, 0) || m;
    if (!anchored_) m = closure(s, false, 0, 0) || m;
    if (dfa.full()) {  // full: start over, keeping only where we are
      pcs.assign(s.a.dense.begin(), s.a.dense.begin() + s.a.n);
      dfa.clear();
      state = dfa.intern(pcs, m);
    } else {
      const std::uint32_t to = intern_a(m);
      if (cp < 128) dfa.next[state * 128 + cp] = static_cast<std::int32_t>(to);
      state = to;
    }
    if (m) return true;
    if (anchored_ && dfa.states[state].pcs.empty()) return false;
  }
  // The end of the text: the end assertions now hold.
  Dfa::State& last = dfa.states[state];
  if (last.match_at_end < 0) {
    s.a.n = 0;
    bool m = false;
    for (std::uint32_t pc : last.pcs)
      if (program_[pc].op == RegexOp::assert_) m = closure(s, false, pc, 2) || m;
    last.match_at_end = m;
  }
  return last.match_at_end == 1;
}
#endif  // FASTAPI_DETAIL_DEFINE_FUNCTIONS

}  // namespace detail
}  // namespace fastapi

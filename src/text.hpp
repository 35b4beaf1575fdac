// SPDX-License-Identifier: Apache-2.0
// Private: building the reports' sentences with one allocation each. `cat(a, b, c...)` sizes
// the whole text first, reserves it once and appends every piece in place, where an
// operator+ chain makes a temporary string per `+` (and std::to_string / to_string(date) one
// per number or date). Pieces: string_view-like text, single chars, and the formatting
// wrappers below (integers, decimals, dates, area lists, code words), which format on the stack.
#ifndef MNSCREEN_SRC_RULES_TEXT_HPP
#define MNSCREEN_SRC_RULES_TEXT_HPP

#include <bit>
#include <charconv>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>

#include "mnscreen/dates.hpp"
#include "mnscreen/vocabulary.hpp"

namespace mnscreen::detail::text {

/// A formatted value held on the stack.
class stack_chars {
 public:
  [[nodiscard]] std::string_view view() const noexcept { return {buf_, n_}; }

 protected:
  char buf_[32]{};
  std::size_t n_ = 0;
};

/// An integer of any width or signedness in decimal (as std::to_string).
class integer : public stack_chars {
 public:
  template <std::integral T>
  explicit integer(T v) noexcept {
    n_ = static_cast<std::size_t>(std::to_chars(buf_, buf_ + sizeof buf_, v).ptr - buf_);
  }
};

/// A decimal without trailing zeros, shortest form that reads back exactly (std::to_chars):
/// 1.5, 0.25, 3.
class decimal : public stack_chars {
 public:
  explicit decimal(double v) noexcept {
    // The usual values (depths, lab results, limits: at most 3 decimals, below 10,000) are
    // written directly; their shortest form is their decimal digits, in fixed notation (for
    // magnitudes from 0.001 to 9999.999 fixed is never longer than scientific). Any other
    // value goes to std::to_chars.
    const double scaled = v * 1000.0;
    if (std::isfinite(v) && v != 0.0 && std::fabs(v) >= 0.001 && std::fabs(v) < 10000.0) {
      const double r = std::nearbyint(scaled);
      if (r / 1000.0 == v) {
        write_thousandths(static_cast<long long>(r));
        return;
      }
    }
    if (v == 0.0 && !std::signbit(v)) {
      buf_[0] = '0';
      n_ = 1;
      return;
    }
    const auto [end, ec] = std::to_chars(buf_, buf_ + sizeof buf_, v);
    if (ec == std::errc{}) {
      n_ = static_cast<std::size_t>(end - buf_);
    } else {
      buf_[0] = '?';
      n_ = 1;
    }
  }

 private:
  void write_thousandths(long long t) noexcept;
};

inline void decimal::write_thousandths(long long t) noexcept {
  char* p = buf_;
  if (t < 0) {
    *p++ = '-';
    t = -t;
  }
  const auto whole = static_cast<unsigned long long>(t / 1000);
  auto frac = static_cast<unsigned>(t % 1000);
  p = std::to_chars(p, buf_ + sizeof buf_, whole).ptr;
  if (frac != 0) {
    *p++ = '.';
    char digits[3] = {static_cast<char>('0' + frac / 100), static_cast<char>('0' + frac / 10 % 10),
                      static_cast<char>('0' + frac % 10)};
    int len = 3;
    while (digits[len - 1] == '0') --len;
    for (int i = 0; i < len; ++i) *p++ = digits[i];
  }
  n_ = static_cast<std::size_t>(p - buf_);
}

/// A date as YYYY-MM-DD (the same text as mnscreen::to_string(date), without its snprintf).
class iso_date : public stack_chars {
 public:
  explicit iso_date(date d) {
    const int y = static_cast<int>(d.year());
    const auto m = static_cast<unsigned>(d.month());
    const auto dd = static_cast<unsigned>(d.day());
    if (y < 0 || y > 9999 || m > 99 || dd > 99) {  // out of the usual form: the library's text
      const std::string s = to_string(d);
      n_ = s.copy(buf_, sizeof buf_);
      return;
    }
    const auto digit = [](unsigned v) { return static_cast<char>('0' + v); };
    const auto year = static_cast<unsigned>(y);
    buf_[0] = digit(year / 1000);
    buf_[1] = digit(year / 100 % 10);
    buf_[2] = digit(year / 10 % 10);
    buf_[3] = digit(year % 10);
    buf_[4] = '-';
    buf_[5] = digit(m / 10);
    buf_[6] = digit(m % 10);
    buf_[7] = '-';
    buf_[8] = digit(dd / 10);
    buf_[9] = digit(dd % 10);
    n_ = 10;
  }
};

/// "cheeks", "cheeks and forehead", "cheeks, chin and forehead" (declaration order).
struct areas {
  area_set set;
};

/// A code word with underscores as spaces ("fish_oil" -> "fish oil").
struct words {
  std::string_view code;
};

// --- size and append of each kind of piece ----------------------------------------------------

[[nodiscard]] inline std::size_t size_of(std::string_view s) noexcept { return s.size(); }
[[nodiscard]] inline std::size_t size_of(char) noexcept { return 1; }
[[nodiscard]] inline std::size_t size_of(const stack_chars& s) noexcept { return s.view().size(); }
[[nodiscard]] inline std::size_t size_of(words w) noexcept { return w.code.size(); }
[[nodiscard]] inline std::size_t size_of(areas a) noexcept {
  std::size_t n = 0;
  for (std::uint64_t bits = a.set.bits(); bits != 0; bits &= bits - 1)
    n += to_string(static_cast<area>(std::countr_zero(bits))).size();
  const auto count = static_cast<std::size_t>(std::popcount(a.set.bits()));
  if (count > 1) n += 5 + 2 * (count - 2);  // " and " once, ", " between the others
  return n;
}

// `S`: a std::string (a finding's, a flag's or any other).
template <class S>
void append_to(S& s, std::string_view v) {
  s.append(v);
}
template <class S>
void append_to(S& s, char c) {
  s.push_back(c);
}
template <class S>
void append_to(S& s, const stack_chars& v) {
  s.append(v.view());
}
template <class S>
void append_to(S& s, words w) {
  const std::size_t at = s.size();
  s.append(w.code);
  for (std::size_t i = at; i < s.size(); ++i)
    if (s[i] == '_') s[i] = ' ';
}
template <class S>
void append_to(S& s, areas a) {
  const auto count = static_cast<std::size_t>(std::popcount(a.set.bits()));
  std::size_t k = 0;
  for (std::uint64_t bits = a.set.bits(); bits != 0; bits &= bits - 1, ++k) {
    if (k > 0) s.append(k + 1 == count ? " and " : ", ");
    s.append(to_string(static_cast<area>(std::countr_zero(bits))));
  }
}

// Literal text and strings are seen as string_view; everything else as itself.
[[nodiscard]] inline std::string_view piece(const char* s) noexcept { return s; }
[[nodiscard]] inline std::string_view piece(const std::string& s) noexcept { return s; }
[[nodiscard]] inline std::string_view piece(std::string_view s) noexcept { return s; }
template <class T>
[[nodiscard]] const T& piece(const T& v) noexcept {
  return v;
}

/// Appends every piece to `out` (a std::string), reserving once.
template <class S, class... P>
void append(S& out, const P&... p) {
  out.reserve(out.size() + (std::size_t{0} + ... + size_of(piece(p))));
  (append_to(out, piece(p)), ...);
}

/// The pieces as one string, allocated once.
template <class... P>
[[nodiscard]] std::string cat(const P&... p) {
  std::string out;
  append(out, p...);
  return out;
}

// A piece as `join` keeps it: text as a view, a formatted value by value.
template <class T>
using kept_piece =
    std::conditional_t<std::is_convertible_v<const T&, std::string_view>, std::string_view, T>;

/// The pieces of a sentence not yet written: `join(...)` is `cat(...)` without its string, for
/// an argument of `finding::fire`, which writes it into the finding's string (in a screen, the
/// flag's own, whose room a reused report keeps: a usual screen builds its sentences without
/// allocating). Text pieces are views, so a join lives only in the expression that makes it:
/// it is used as an rvalue (write it out, or convert it to a std::string), never kept.
template <class... P>
class joined {
 public:
  explicit joined(const P&... p) : pieces_(piece(p)...) {}
  joined(const joined&) = delete;
  joined& operator=(const joined&) = delete;

  /// Replaces `out`'s text with the pieces, reserving once.
  template <class S>
  void write_to(S& out) && {
    out.clear();
    std::apply([&out](const auto&... q) { append(out, q...); }, pieces_);
  }
  /// As cat(...).
  [[nodiscard]] operator std::string() && {  // NOLINT(google-explicit-constructor): as cat
    std::string out;
    std::move(*this).write_to(out);
    return out;
  }

 private:
  std::tuple<kept_piece<P>...> pieces_;
};

template <class... P>
[[nodiscard]] joined<P...> join(const P&... p) {
  return joined<P...>(p...);
}

/// Sets `out` to a sentence: text (copied into out's room), a std::string or a join.
template <class S>
void assign(S& out, std::string_view s) {
  out.assign(s);
}
template <class S, class... P>
void assign(S& out, joined<P...>&& j) {
  std::move(j).write_to(out);
}

}  // namespace mnscreen::detail::text

#endif  // MNSCREEN_SRC_RULES_TEXT_HPP

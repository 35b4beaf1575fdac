// SPDX-License-Identifier: Apache-2.0
// Private: UTF-8 validation and cutting shared by the JSON writer and readers, the batch reader
// and the FHIR reader, so that every place that passes text on treats it the same way.
#ifndef MNSCREEN_SRC_UTF8_HPP
#define MNSCREEN_SRC_UTF8_HPP

#include <cstddef>
#include <string_view>

namespace mnscreen::detail {

/// Length of the valid UTF-8 sequence starting at s[i] (1 for ASCII), or 0 when it is not valid
/// (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF, no truncated sequence).
[[nodiscard]] inline std::size_t utf8_sequence_length(std::string_view s, std::size_t i) noexcept {
  const auto at = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = at(i);
  if (c < 0x80U) return 1;
  std::size_t len = 0;
  unsigned char lo = 0x80U, hi = 0xBFU;
  if (c >= 0xC2U && c <= 0xDFU) {
    len = 2;
  } else if (c >= 0xE0U && c <= 0xEFU) {
    len = 3;
    if (c == 0xE0U) lo = 0xA0U;
    if (c == 0xEDU) hi = 0x9FU;
  } else if (c >= 0xF0U && c <= 0xF4U) {
    len = 4;
    if (c == 0xF0U) lo = 0x90U;
    if (c == 0xF4U) hi = 0x8FU;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  if (at(i + 1) < lo || at(i + 1) > hi) return 0;
  for (std::size_t k = 2; k < len; ++k)
    if (at(i + k) < 0x80U || at(i + k) > 0xBFU) return 0;
  return len;
}

/// The longest prefix of `s` of at most `n` bytes that does not split a UTF-8 sequence (it backs
/// up over continuation bytes, 10xxxxxx).
[[nodiscard]] inline std::string_view utf8_prefix(std::string_view s, std::size_t n) noexcept {
  if (s.size() <= n) return s;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0U) == 0x80U) --n;
  return s.substr(0, n);
}

}  // namespace mnscreen::detail

#endif  // MNSCREEN_SRC_UTF8_HPP

// SPDX-License-Identifier: Apache-2.0
// Helpers for the JSON reader tests: finding diagnostics by code and path.
#ifndef MNSCREEN_TESTS_IO_IO_TEST_SUPPORT_HPP
#define MNSCREEN_TESTS_IO_IO_TEST_SUPPORT_HPP

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "mnscreen/diagnostic.hpp"

namespace mnscreen::test {

/// The diagnostic with this code at this path, or nullptr.
inline const diagnostic* find_diag(const std::vector<diagnostic>& ds, std::string_view code,
                                   std::string_view path) {
  auto it = std::find_if(ds.begin(), ds.end(),
                         [&](const diagnostic& d) { return d.code == code && d.path == path; });
  return it == ds.end() ? nullptr : &*it;
}

/// Number of diagnostics at this path (any code).
inline std::size_t count_at(const std::vector<diagnostic>& ds, std::string_view path) {
  return static_cast<std::size_t>(
      std::count_if(ds.begin(), ds.end(), [&](const diagnostic& d) { return d.path == path; }));
}

/// All diagnostics, one per line, for failure messages.
inline std::string dump(const std::vector<diagnostic>& ds) {
  std::string out;
  for (const auto& d : ds) {
    out += std::string(to_string(d.severity)) + " " + d.code + " " + format(d) + "\n";
  }
  return out;
}

}  // namespace mnscreen::test

#endif  // MNSCREEN_TESTS_IO_IO_TEST_SUPPORT_HPP

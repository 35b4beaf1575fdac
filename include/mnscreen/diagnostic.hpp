// SPDX-License-Identifier: Apache-2.0
// File: mnscreen/diagnostic.hpp
//
// Problems found in input, reported with a severity, a stable code and the JSON path of the
// value. Readers never stop at the first problem: they return everything they could read plus
// every diagnostic (`parse_result`).
//
//   auto r = mnscreen::parse_plan(text);
//   for (const auto& d : r.diagnostics) std::cerr << mnscreen::format(d, "plan.json") << '\n';
//   //  plan.json: $.needle_depth_mm: -1 is not a depth in (0, 4] mm
//   if (!r.ok()) return 2;
#ifndef MNSCREEN_DIAGNOSTIC_HPP
#define MNSCREEN_DIAGNOSTIC_HPP

#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mnscreen/export.hpp"

namespace mnscreen {

/// `warning`: the value was read or safely ignored (unknown key). `error`: the value could not
/// be used and was left out (the rest of the document was kept). `fatal`: the document as a
/// whole could not be read (malformed JSON, over a size limit).
enum class severity : unsigned char { warning, error, fatal };

[[nodiscard]] MNSCREEN_EXPORT std::string_view to_string(severity) noexcept;

/// One problem in one place. `code` is stable (see docs/errors.md), `path` is a JSONPath such as
/// `$.medications[2].stop` (`$` for the whole document), `message` names the value and what was
/// allowed.
struct diagnostic {
  enum severity severity = severity::error;
  std::string code;
  std::string path;
  std::string message;

  friend bool operator==(const diagnostic&, const diagnostic&) = default;
};

/// "`file`: `path`: `message`" (the file part is left out when `file` is empty).
[[nodiscard]] MNSCREEN_EXPORT std::string format(const diagnostic& d, std::string_view file = {});

/// True if any diagnostic is an error or fatal.
[[nodiscard]] MNSCREEN_EXPORT bool has_errors(const std::vector<diagnostic>& ds) noexcept;

/// The one exception type the library throws: broken caller contracts the types cannot prevent
/// (a `millimetres` from NaN, a `screener` from an invalid policy, sizes that do not match) and
/// `value_or_throw` on a failed parse. Only the standard library's own exceptions (`bad_alloc`)
/// pass through besides it. A `std::runtime_error`.
class MNSCREEN_EXPORT error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The value read from a document (everything that could be read) plus every diagnostic.
template <class T>
struct [[nodiscard]] parse_result {
  T value{};
  std::vector<diagnostic> diagnostics;

  /// No error or fatal diagnostic: `value` is the whole document.
  [[nodiscard]] bool ok() const noexcept { return !has_errors(diagnostics); }

  /// The value, or throws `mnscreen::error` carrying the first error's text.
  /// @throws mnscreen::error if `!ok()`.
  [[nodiscard]] const T& value_or_throw() const& {
    for (const auto& d : diagnostics)
      if (d.severity != severity::warning) throw error(format(d));
    return value;
  }
};

}  // namespace mnscreen

#endif  // MNSCREEN_DIAGNOSTIC_HPP

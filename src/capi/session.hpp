// SPDX-License-Identifier: Apache-2.0
// Private: what the C API (c_api.cpp) and the Python extension (python/) share. JSON text in,
// JSON text out, with the same reading, validation and warning rules as `mnscreen screen`
// (tools/cmd_screen.cpp), so that a report made through a binding is byte-identical to the
// tool's for the same inputs. Each input has a name ("intake", "plan", "fhir", "overlay",
// "policy", "model") that plays the part of the tool's file name in messages.
//
// Nothing here catches exceptions: std::bad_alloc and defects propagate to the binding, which
// turns them into its own error (a status code in C, a Python exception).
#ifndef MNSCREEN_SRC_CAPI_SESSION_HPP
#define MNSCREEN_SRC_CAPI_SESSION_HPP

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mnscreen/diagnostic.hpp"
#include "mnscreen/screener.hpp"

namespace mnscreen::bindings {

/// A diagnostic with the name of the input it concerns.
struct named_diagnostic {
  std::string input;
  diagnostic d;
};

/// Every diagnostic of the inputs of one call, in the order the inputs were read.
class input_log {
 public:
  void add(std::string_view input, const std::vector<diagnostic>& ds);
  void add(std::string_view input, diagnostic d);
  /// Only the errors (a second, validating pass over a document already read).
  void add_errors(std::string_view input, const std::vector<diagnostic>& ds);
  void append(const input_log& other);

  [[nodiscard]] bool has_errors() const noexcept;
  [[nodiscard]] const std::vector<named_diagnostic>& entries() const noexcept { return entries_; }
  /// The warnings for a report: message prefixed with `input: ` (as the tool's file name).
  [[nodiscard]] std::vector<diagnostic> warnings() const;
  /// One line per error: `input: $.path: message` (warnings left out).
  [[nodiscard]] std::string error_message() const;
  /// `[{"input", "severity", "code", "path", "message"}, ...]`, every entry.
  [[nodiscard]] std::string to_json() const;

 private:
  std::vector<named_diagnostic> entries_;
};

/// A screener with the warnings its policy and model files gave (they go to every report, as
/// the tool adds them).
struct session {
  screener screen;
  input_log warnings;
};

/// Builds a session from an optional policy and model document. Empty with `log` holding the
/// errors when a document cannot be used.
[[nodiscard]] std::optional<session> make_session(const std::optional<std::string_view>& policy,
                                                  const std::optional<std::string_view>& model,
                                                  input_log& log);

/// Screens one intake for one plan: the report as JSON (no newline), or empty with the
/// problems in `log` (every error of every input).
[[nodiscard]] std::optional<std::string> screen_json(const session& s, std::string_view intake,
                                                     std::string_view plan, input_log& log);

/// Screens a FHIR record (Bundle or resource) with an optional intake overlay for one plan.
[[nodiscard]] std::optional<std::string> screen_fhir_json(
    const session& s, std::string_view fhir, std::string_view plan,
    const std::optional<std::string_view>& overlay, input_log& log);

/// As `screen_json` for several intakes and one plan: `out[i]` is the report of `intakes[i]`
/// or empty with its problems in `logs[i]`. The readable records are screened together
/// (`screener::screen_many`). `plan_log` receives the plan's problems (then nothing is
/// screened and false is returned).
[[nodiscard]] bool screen_many_json(const session& s, const std::vector<std::string>& intakes,
                                    std::string_view plan,
                                    std::vector<std::optional<std::string>>& out,
                                    std::vector<input_log>& logs, input_log& plan_log);

}  // namespace mnscreen::bindings

#endif  // MNSCREEN_SRC_CAPI_SESSION_HPP

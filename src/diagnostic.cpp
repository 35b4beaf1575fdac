// SPDX-License-Identifier: Apache-2.0
#include "mnscreen/diagnostic.hpp"

namespace mnscreen {

std::string_view to_string(severity s) noexcept {
  switch (s) {
    case severity::warning:
      return "warning";
    case severity::error:
      return "error";
    case severity::fatal:
      return "fatal";
  }
  return "error";
}

std::string format(const diagnostic& d, std::string_view file) {
  std::string out;
  if (!file.empty()) {
    out.append(file);
    out.append(": ");
  }
  out.append(d.path.empty() ? std::string_view{"$"} : std::string_view{d.path});
  out.append(": ");
  out.append(d.message);
  return out;
}

bool has_errors(const std::vector<diagnostic>& ds) noexcept {
  for (const auto& d : ds)
    if (d.severity != severity::warning) return true;
  return false;
}

}  // namespace mnscreen

// SPDX-License-Identifier: Apache-2.0
// load_json_record: read an intake and a plan from JSON files (formats.md), print every
// diagnostic as "file: $.path: message", screen and print the JSON report. Shows the
// collect-everything readers: a bad file is reported in full, never half-read in silence.
// Usage: load_json_record INTAKE.json PLAN.json
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "mnscreen/mnscreen.hpp"

namespace {

std::string read_file(const char* path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: load_json_record INTAKE.json PLAN.json\n";
    return 2;
  }
  const auto in = mnscreen::parse_intake(read_file(argv[1]));
  const auto plan = mnscreen::parse_plan(read_file(argv[2]));
  for (const auto& d : in.diagnostics) std::cerr << mnscreen::format(d, argv[1]) << '\n';
  for (const auto& d : plan.diagnostics) std::cerr << mnscreen::format(d, argv[2]) << '\n';
  if (!in.ok() || !plan.ok()) return 2;

  const mnscreen::screener s;
  const mnscreen::report r = s.screen(in.value, plan.value);
  std::cout << mnscreen::to_json(r) << '\n';
  return r.decision == mnscreen::decision::cannot_screen ? 2 : 0;
}

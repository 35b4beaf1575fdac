// SPDX-License-Identifier: Apache-2.0
// screen_folder: screen every intake JSON file of a folder against one plan with one screener,
// printing one line per patient (file, patient id, decision, defer-until date, flag rule ids).
// Shows reuse of one immutable screener, and a bad file reported without stopping the others.
// Usage: screen_folder FOLDER PLAN.json
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "mnscreen/mnscreen.hpp"

namespace fs = std::filesystem;

namespace {

std::string read_file(const fs::path& path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3 || !fs::is_directory(argv[1])) {
    std::cerr << "usage: screen_folder FOLDER PLAN.json\n";
    return 2;
  }
  const auto plan = mnscreen::parse_plan(read_file(argv[2]));
  for (const auto& d : plan.diagnostics) std::cerr << mnscreen::format(d, argv[2]) << '\n';
  if (!plan.ok()) return 2;

  // Sorted, so that the output does not depend on the order the file system lists files in.
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(argv[1]))
    if (entry.is_regular_file() && entry.path().extension() == ".json") files.push_back(entry);
  std::sort(files.begin(), files.end());

  const mnscreen::screener s;
  int bad = 0;
  for (const auto& file : files) {
    const auto in = mnscreen::parse_intake(read_file(file));
    for (const auto& d : in.diagnostics) std::cerr << mnscreen::format(d, file.string()) << '\n';
    std::cout << file.filename().string() << '\t';
    if (!in.ok()) {
      std::cout << "unreadable\n";
      ++bad;
      continue;
    }
    const mnscreen::report r = s.screen(in.value, plan.value);
    std::cout << in.value.patient.id << '\t' << mnscreen::to_string(r.decision);
    if (r.defer_until) std::cout << " until " << mnscreen::to_string(*r.defer_until);
    if (!r.complete) std::cout << " (incomplete)";
    for (const auto& f : r.flags) std::cout << (&f == &r.flags.front() ? "\t" : ",") << f.rule_id;
    std::cout << '\n';
  }
  return bad == 0 ? 0 : 2;
}

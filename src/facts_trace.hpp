// SPDX-License-Identifier: Apache-2.0
// Private: the trace `facts` notes into when one is attached (explain, src/rules/explain.cpp).
#ifndef MNSCREEN_SRC_FACTS_TRACE_HPP
#define MNSCREEN_SRC_FACTS_TRACE_HPP

#include <algorithm>
#include <string>
#include <vector>

#include "mnscreen/explain.hpp"

namespace mnscreen::detail {

/// The facts one rule looked at, in the order it asked (each once).
class explain_trace {
 public:
  void add(std::string name, std::string value, std::string source) {
    explained_fact f{std::move(name), std::move(value), std::move(source)};
    if (std::find(facts_.begin(), facts_.end(), f) == facts_.end()) facts_.push_back(std::move(f));
  }
  std::vector<explained_fact>& facts() noexcept { return facts_; }

 private:
  std::vector<explained_fact> facts_;
};

}  // namespace mnscreen::detail

#endif  // MNSCREEN_SRC_FACTS_TRACE_HPP

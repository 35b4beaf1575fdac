// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>
#include <iostream>

#include "cds_test_support.hpp"

using namespace mnscreen;
using namespace mnscreen::test;

TEST_CASE("explore", "[cds][.]") {
  for (auto name :
       {"patient-view.json", "order-sign.json", "order-select.json", "appointment-book.json"}) {
    auto r = run_hook(cds_fixture(name));
    std::cout << name << "\n" << bj::serialize(r.response) << "\n";
    for (auto& d : r.result.input.diagnostics) std::cout << "  D " << format(d) << "\n";
    for (auto& d : r.result.input.fhir.diagnostics) std::cout << "  F " << format(d) << "\n";
    if (r.result.screen) std::cout << "  decision " << to_string(r.result.screen->decision) << "\n";
  }
}

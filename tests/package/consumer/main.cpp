// SPDX-License-Identifier: Apache-2.0
// Screens one patient through the installed library; exits 0 only if the expected deferral
// comes back, so the package test checks behaviour, not just linking.
#include <iostream>

#include <mnscreen/mnscreen.hpp>

int main() {
  mnscreen::intake in;
  in.medications.push_back({.code = mnscreen::medication_code::isotretinoin,
                            .route = mnscreen::route::oral,
                            .stop = mnscreen::parse_date("2026-09-15")});
  mnscreen::procedure_plan plan;
  plan.date = *mnscreen::parse_date("2026-12-01");
  plan.areas = {mnscreen::area::cheeks};
  const mnscreen::report r = mnscreen::screener{}.screen(in, plan);
  std::cout << mnscreen::to_string(r.decision) << ' '
            << (r.defer_until ? mnscreen::to_string(*r.defer_until) : "-") << '\n';
  return r.decision == mnscreen::decision::defer && r.defer_until &&
                 mnscreen::to_string(*r.defer_until) == "2027-03-14"
             ? 0
             : 1;
}

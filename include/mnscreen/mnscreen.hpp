// SPDX-License-Identifier: Apache-2.0
// File: mnscreen/mnscreen.hpp
//
// Umbrella header: includes every public header of mnscreen.
#ifndef MNSCREEN_MNSCREEN_HPP
#define MNSCREEN_MNSCREEN_HPP

#include "mnscreen/batch.hpp"
#include "mnscreen/dates.hpp"
#include "mnscreen/diagnostic.hpp"
#include "mnscreen/explain.hpp"
#include "mnscreen/fhir.hpp"
#include "mnscreen/fit.hpp"
#include "mnscreen/html.hpp"
#include "mnscreen/json.hpp"
#include "mnscreen/patient.hpp"
#include "mnscreen/policy.hpp"
#include "mnscreen/procedure.hpp"
#include "mnscreen/report.hpp"
#include "mnscreen/risk_model.hpp"
#include "mnscreen/rules.hpp"
#include "mnscreen/screener.hpp"
#include "mnscreen/units.hpp"
#include "mnscreen/version.hpp"
#include "mnscreen/vocabulary.hpp"

#endif  // MNSCREEN_MNSCREEN_HPP

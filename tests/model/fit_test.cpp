// SPDX-License-Identifier: Apache-2.0
#include "mnscreen/fit.hpp"

#include <catch2/catch.hpp>

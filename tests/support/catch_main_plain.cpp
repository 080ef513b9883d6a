// SPDX-License-Identifier: BSD-3-Clause
// The test runner's main, written out because Catch2 v3 has no CATCH_CONFIG_MAIN: this form
// works with v2 and v3 alike.
#define CATCH_CONFIG_RUNNER
#include "support/catch_compat.h"

int main(int argc, char **argv)
{
    return Catch::Session().run(argc, argv);
}

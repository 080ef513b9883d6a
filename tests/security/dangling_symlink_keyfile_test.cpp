// SPDX-License-Identifier: BSD-3-Clause
// A dangling symbolic link planted as a key file in a shared TMPDIR is refused with exit 9, and
// nothing is made through it.

#include "support/cli_support.h"
#include "support/live_segment_support.h"
#include "support/segment_support.h"

#include "support/catch_compat.h"

#include <unistd.h>

using namespace shmtest;

TEST_CASE("a dangling symbolic link planted as a key file in a shared TMPDIR is refused with exit 9", "[foreign]")
{
    if (const std::string why = whyNobodyCannotRun(); !why.empty())
        SKIP(why);
    const SharedScratchDir shared;
    const std::string key = uniqueKey("danglinglink");
    RunOptions inShared;
    inShared.env = {{"TMPDIR", shared.path()}};
    for (const bool semaphore : {false, true}) {
        const ProcessResult plant =
            run(asNobody({"/bin/ln", "-s", shared.path() + "/nowhere", shared.keyFile(key, semaphore)}));
        REQUIRE_EXIT(plant, 0);
    }
    const ProcessResult create = run(Tool::Create, {"-d", "-k", key, "-s", "64K"}, inShared);
    CHECK_EXIT(create, 9);
    CHECK(isOneLine(create.err));
    CHECK_THAT(create.err, Catch::Matchers::ContainsSubstring("not a regular file owned by you"));
    CHECK(::access((shared.path() + "/nowhere").c_str(), F_OK) != 0); // nothing made through the link
}

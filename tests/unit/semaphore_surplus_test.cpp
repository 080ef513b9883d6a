// SPDX-License-Identifier: BSD-3-Clause
// Giving up a semaphore unit that should not exist (sys/semaphore_surplus), on a private System V
// semaphore of this test (IPC_PRIVATE: no key, nobody else meets it), removed at the end.
#include "sys/semaphore_surplus.h"

#include "unit_support.h"

#include <sys/ipc.h>
#include <sys/sem.h>

using namespace shmtools::detail;
using unit::inChild;

namespace {

/// A one-semaphore set of this test alone, at `value`.
struct PrivateSemaphore {
    int id = -1;
    explicit PrivateSemaphore(int value)
    {
        id = ::semget(IPC_PRIVATE, 1, 0600);
        REQUIRE(id != -1);
        REQUIRE(::semctl(id, 0, SETVAL, value) == 0);
    }
    ~PrivateSemaphore() { ::semctl(id, 0, IPC_RMID); }
    PrivateSemaphore(const PrivateSemaphore &) = delete;
    PrivateSemaphore &operator=(const PrivateSemaphore &) = delete;
    int value() const { return ::semctl(id, 0, GETVAL); }
};

} // namespace

TEST_CASE("surplus unit: one unit above 0 is destroyed per call, down to 0", "[semaphore_surplus]")
{
    PrivateSemaphore semaphore(2); // a one-count lock granted twice, once to us
    dropSurplusUnit(semaphore.id);
    CHECK(semaphore.value() == 1);
    dropSurplusUnit(semaphore.id);
    CHECK(semaphore.value() == 0);
}

TEST_CASE("surplus unit: at 0 (the normal case, the lock held) nothing changes and nothing waits",
          "[semaphore_surplus]")
{
    PrivateSemaphore semaphore(0);
    dropSurplusUnit(semaphore.id); // would block for ever without IPC_NOWAIT
    CHECK(semaphore.value() == 0);
}

TEST_CASE("surplus unit: the unit stays gone when the process that dropped it exits", "[semaphore_surplus]")
{
    PrivateSemaphore semaphore(2);
    const int id = semaphore.id;
    REQUIRE(inChild([id] {
                dropSurplusUnit(id);
                return 0;
            }) == 0);
    // With SEM_UNDO the kernel would have handed the unit back at the child's exit.
    CHECK(semaphore.value() == 1);
}

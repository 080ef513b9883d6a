// SPDX-License-Identifier: BSD-3-Clause
#include <shmtools/error.h>

namespace shmtools {

const char *errorCodeName(ErrorCode code)
{
    switch (code) {
    case ErrorCode::Failure: return "failure";
    case ErrorCode::Usage: return "usage";
    case ErrorCode::NoSegment: return "no-segment";
    case ErrorCode::KeyHeld: return "key-held";
    case ErrorCode::InputUnreadable: return "input-unreadable";
    case ErrorCode::TooLarge: return "too-large";
    case ErrorCode::TimedOut: return "timed-out";
    case ErrorCode::InvalidContent: return "invalid-content";
    case ErrorCode::Unsafe: return "unsafe";
    case ErrorCode::Interrupted: return "interrupted";
    }
    return "unknown";
}

const char *remedyName(Remedy remedy)
{
    switch (remedy) {
    case Remedy::None: return "none";
    case Remedy::StartHolder: return "start-holder";
    case Remedy::AdoptOrphan: return "adopt-orphan";
    case Remedy::RestartHolder: return "restart-holder";
    case Remedy::UseMatchingVersion: return "use-matching-version";
    case Remedy::StopHolderOrChooseAnotherKey: return "stop-holder-or-choose-another-key";
    case Remedy::GiveKey: return "give-key";
    case Remedy::UseRaw: return "use-raw";
    case Remedy::UseWithoutRaw: return "use-without-raw";
    case Remedy::RaiseTimeout: return "raise-timeout";
    case Remedy::RaiseTimeoutOrStopLockHolder: return "raise-timeout-or-stop-lock-holder";
    case Remedy::LargerCapacity: return "larger-capacity";
    case Remedy::SmallerCapacity: return "smaller-capacity";
    case Remedy::ContinueStoppedProcess: return "continue-stopped-process";
    case Remedy::RemoveAgain: return "remove-again";
    case Remedy::JoinHolderIpcNamespace: return "join-holder-ipc-namespace";
    case Remedy::RemoveLeftovers: return "remove-leftovers";
    }
    return "unknown";
}

} // namespace shmtools

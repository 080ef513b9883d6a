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

} // namespace shmtools

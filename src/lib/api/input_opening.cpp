// SPDX-License-Identifier: BSD-3-Clause
#include "input_opening.h"

#include "base/error.h"

namespace shmtools::detail {

Result<InputSource> openInput(const Input &input, const std::string &key)
{
    Result<InputSource> opened = [&] {
        switch (input.kind()) {
        case Input::Kind::Descriptor: return InputSource::fromDescriptor(input.fd(), input.name());
        case Input::Kind::Bytes: return Result<InputSource>(InputSource::fromBuffer(input.content(), input.name()));
        case Input::Kind::File: break;
        }
        return InputSource::open(input.path());
    }();
    if (!opened)
        return detail::withKey(opened.error(), key);
    return std::move(*opened);
}

} // namespace shmtools::detail

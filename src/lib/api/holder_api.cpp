// SPDX-License-Identifier: BSD-3-Clause
// The public Holder: a facade over the core's Holder.
#include "convert.h"
#include "protocol/holder.h"
#include "protocol/segment_removal.h"

#include <shmtools/holder.h>

namespace shmtools {

using detail::toPublic;

struct Holder::Impl {
    std::unique_ptr<::Holder> core;
    std::string key;
    VersionInfo kept;
};

Result<Holder> Holder::start(const std::string &key, const HolderOptions &options)
{
    auto names = detail::namesFor(key);
    if (!names)
        return names.error();
    if (options.capacity == 0)
        return Error{ErrorCode::Usage, key + ": the capacity must be at least one byte", key, 0};
    auto started = ::Holder::start(*names, ::HolderOptions{options.capacity, options.raw, options.lockTimeout.count()});
    if (!started)
        return toPublic(started.error(), key);
    auto impl = std::make_unique<Impl>();
    impl->kept = toPublic((*started)->keptVersion());
    impl->core = std::move(*started);
    impl->key = key;
    return Holder(std::move(impl));
}

Holder::Holder(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
Holder::Holder(Holder &&other) noexcept = default;
Holder &Holder::operator=(Holder &&other) noexcept = default;
Holder::~Holder() = default;

const std::string &Holder::key() const
{
    return m_impl->key;
}

std::uint64_t Holder::capacity() const
{
    return m_impl->core->capacity();
}

bool Holder::adopted() const
{
    return m_impl->core->adopted();
}

const VersionInfo &Holder::keptVersion() const
{
    return m_impl->kept;
}

int Holder::serve(const std::function<void(const VersionInfo &)> &onVersion,
                  const std::function<void(const std::string &)> &onNotice)
{
    if (!onVersion)
        return m_impl->core->serve(nullptr, onNotice);
    return m_impl->core->serve([&](const ::VersionInfo &version) { onVersion(toPublic(version)); }, onNotice);
}

Result<Removed> removeSegment(const std::string &key, Seconds timeout)
{
    auto names = detail::namesFor(key);
    if (!names)
        return names.error();
    auto removed = ::removeSegment(*names, timeout.count());
    if (!removed)
        return toPublic(removed.error(), key);
    return Removed{removed->holderStopped, removed->holderPid, removed->shmid};
}

} // namespace shmtools

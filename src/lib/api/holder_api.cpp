// SPDX-License-Identifier: BSD-3-Clause
// The public Holder: a facade over the core's Holder.
#include "base/error.h"
#include "sys/ipc_names.h"
#include "protocol/holder.h"
#include "protocol/segment_removal.h"

#include <shmtools/holder.h>

namespace shmtools {

struct Holder::Impl {
    std::unique_ptr<detail::Holder> core;
    std::string key;
};

Result<Holder> Holder::start(const std::string &key, const HolderOptions &options)
{
    auto names = detail::ipcNamesFor(key);
    if (!names)
        return detail::withKey(names.error(), key);
    auto started = detail::Holder::start(*names, options);
    if (!started)
        return detail::withKey(started.error(), key);
    auto impl = std::make_unique<Impl>();
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
    return m_impl->core->keptVersion();
}

std::string Holder::keyFileRepairProblem() const
{
    return m_impl->core->keyFileRepairProblem();
}

int Holder::serve(const std::function<void(const VersionInfo &)> &onVersion,
                  const std::function<void(const std::string &)> &onNotice)
{
    return m_impl->core->serve(onVersion, onNotice);
}

void Holder::stopServing()
{
    m_impl->core->stopServing();
}

Status Holder::stop()
{
    if (auto stopped = m_impl->core->stop(); !stopped)
        return detail::withKey(stopped.error(), m_impl->key);
    return {};
}

Result<Removed> removeSegment(const std::string &key, Seconds timeout)
{
    auto names = detail::ipcNamesFor(key);
    if (!names)
        return detail::withKey(names.error(), key);
    auto removed = detail::removeSegment(*names, timeout.count());
    if (!removed)
        return detail::withKey(removed.error(), key);
    return Removed{removed->holderStopped, removed->holderPid, removed->shmid, removed->semid};
}

} // namespace shmtools

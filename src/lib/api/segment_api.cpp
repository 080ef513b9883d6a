// SPDX-License-Identifier: BSD-3-Clause
// The public Segment: a facade over the core's Segment.
#include "base/error.h"
#include "sys/ipc_names.h"
#include "input_opening.h"
#include "protocol/segment.h"

#include <shmtools/segment.h>

namespace shmtools {

struct Segment::Impl {
    explicit Impl(detail::Segment &&opened, std::string name) : core(std::move(opened)), key(std::move(name)) {}
    detail::Segment core;
    std::string key;
};

Status checkKey(const std::string &key)
{
    if (auto names = detail::ipcNamesFor(key); !names)
        return detail::withKey(names.error(), key);
    return {};
}

Result<Segment> Segment::open(const std::string &key, const OpenOptions &options)
{
    auto names = detail::ipcNamesFor(key);
    if (!names)
        return detail::withKey(names.error(), key);
    auto opened = detail::Segment::open(*names, options.lockTimeout.count());
    if (!opened)
        return detail::withKey(opened.error(), key);
    return Segment(std::make_unique<Impl>(std::move(*opened), key));
}

Segment::Segment(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
Segment::Segment(Segment &&other) noexcept = default;
Segment &Segment::operator=(Segment &&other) noexcept = default;
Segment::~Segment() = default;

const std::string &Segment::key() const
{
    return m_impl->key;
}

std::uint64_t Segment::capacity() const
{
    return m_impl->core.capacity();
}

Result<VersionInfo> Segment::load(const Input &input, const LoadOptions &options)
{
    auto opened = detail::openInput(input, m_impl->key);
    if (!opened)
        return opened.error();
    const std::string source = options.source.empty() ? input.name() : options.source;
    auto loaded = m_impl->core.load(*opened, source, options.progress);
    if (!loaded)
        return detail::withKey(loaded.error(), m_impl->key);
    return *loaded;
}

Result<VersionInfo> Segment::readTo(int fd, const Progress &progress)
{
    return readTo([fd](const VersionInfo &) -> Result<Sink> { return Sink{fd, false}; }, progress);
}

Result<VersionInfo> Segment::readTo(const std::function<Result<Sink>(const VersionInfo &)> &sinkFor,
                                    const Progress &progress)
{
    auto read = m_impl->core.read(sinkFor, progress);
    if (!read)
        return detail::withKey(read.error(), m_impl->key);
    return *read;
}

Result<VersionInfo> Segment::read(const std::function<void(const VersionInfo &, std::span<const std::byte>)> &consume)
{
    auto read = m_impl->core.read(consume);
    if (!read)
        return detail::withKey(read.error(), m_impl->key);
    return *read;
}

Result<VersionInfo> Segment::read(std::vector<std::byte> &content)
{
    content.clear();
    return read(
        [&](const VersionInfo &, std::span<const std::byte> bytes) { content.assign(bytes.begin(), bytes.end()); });
}

Result<VersionInfo> Segment::read(std::string &content)
{
    content.clear();
    return read([&](const VersionInfo &, std::span<const std::byte> bytes) {
        content.assign(reinterpret_cast<const char *>(bytes.data()), bytes.size());
    });
}

Result<std::uint64_t> Segment::currentGeneration()
{
    auto generation = m_impl->core.currentGeneration();
    if (!generation)
        return detail::withKey(generation.error(), m_impl->key);
    return *generation;
}

Result<std::uint64_t> Segment::waitForGenerationAbove(std::uint64_t after, std::optional<Seconds> timeout)
{
    const detail::Deadline deadline = timeout ? detail::Deadline::after(timeout->count()) : detail::Deadline::never();
    auto reached = m_impl->core.waitForGenerationAbove(after, deadline);
    if (!reached)
        return detail::withKey(reached.error(), m_impl->key);
    return *reached;
}

Result<SegmentInfo> Segment::describe()
{
    auto info = m_impl->core.info();
    if (!info)
        return detail::withKey(info.error(), m_impl->key);
    return *info;
}

Result<SegmentInfo> describe(const std::string &key, const OpenOptions &options)
{
    auto segment = Segment::open(key, options);
    if (!segment)
        return segment.error();
    return segment->describe();
}

} // namespace shmtools

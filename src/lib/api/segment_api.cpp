// SPDX-License-Identifier: BSD-3-Clause
// The public Segment: a facade over the core's Segment.
#include "format/checksum.h"
#include "convert.h"
#include "input_opening.h"
#include "protocol/segment.h"
#include "base/size_text.h"

#include <shmtools/segment.h>

namespace shmtools {

using detail::toPublic;

struct Segment::Impl {
    explicit Impl(::Segment &&opened, std::string name) : core(std::move(opened)), key(std::move(name)) {}
    ::Segment core;
    std::string key;
};

std::string checksumText(std::uint64_t checksum)
{
    return Checksum::format(checksum);
}

std::string sizeText(std::uint64_t bytes)
{
    return formatSize(bytes);
}

Status checkKey(const std::string &key)
{
    if (auto names = detail::namesFor(key); !names)
        return names.error();
    return {};
}

Result<Segment> Segment::open(const std::string &key, const OpenOptions &options)
{
    auto names = detail::namesFor(key);
    if (!names)
        return names.error();
    auto opened = ::Segment::open(*names, options.lockTimeout.count());
    if (!opened)
        return toPublic(opened.error(), key);
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
        return toPublic(loaded.error(), m_impl->key);
    return toPublic(*loaded);
}

Result<VersionInfo> Segment::readTo(int fd, const Progress &progress)
{
    return readTo([fd](const VersionInfo &) -> Result<Sink> { return Sink{fd, false}; }, progress);
}

Result<VersionInfo> Segment::readTo(const std::function<Result<Sink>(const VersionInfo &)> &sinkFor,
                                    const Progress &progress)
{
    auto read = m_impl->core.read(
        [&](const ::VersionInfo &version) -> ::Result<::Segment::Sink> {
            auto sink = sinkFor(toPublic(version));
            if (!sink)
                return detail::toCore(sink.error());
            return ::Segment::Sink{sink->fd, sink->earlyCloseIsFine};
        },
        progress);
    if (!read)
        return toPublic(read.error(), m_impl->key);
    return toPublic(*read);
}

Result<VersionInfo> Segment::read(const std::function<void(const VersionInfo &, std::span<const std::byte>)> &consume)
{
    auto read = m_impl->core.read(
        [&](const ::VersionInfo &version, std::span<const std::byte> bytes) { consume(toPublic(version), bytes); });
    if (!read)
        return toPublic(read.error(), m_impl->key);
    return toPublic(*read);
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
        return toPublic(generation.error(), m_impl->key);
    return *generation;
}

Result<std::uint64_t> Segment::waitForGenerationAbove(std::uint64_t after, std::optional<Seconds> timeout)
{
    const Deadline deadline = timeout ? Deadline::after(timeout->count()) : Deadline::never();
    auto reached = m_impl->core.waitForGenerationAbove(after, deadline);
    if (!reached)
        return toPublic(reached.error(), m_impl->key);
    return *reached;
}

Result<SegmentInfo> Segment::describe()
{
    auto info = m_impl->core.info();
    if (!info)
        return toPublic(info.error(), m_impl->key);
    return toPublic(*info);
}

Result<SegmentInfo> describe(const std::string &key, const OpenOptions &options)
{
    auto segment = Segment::open(key, options);
    if (!segment)
        return segment.error();
    return segment->describe();
}

} // namespace shmtools

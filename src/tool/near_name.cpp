// SPDX-License-Identifier: BSD-3-Clause
#include "near_name.h"

#include <algorithm>
#include <cctype>

std::size_t editDistance(const std::string &a, const std::string &b)
{
    // Three rows of the dynamic-programming table suffice: a swap looks two rows back.
    std::vector<std::size_t> twoBack(b.size() + 1), previous(b.size() + 1), current(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j)
        previous[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        current[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            current[j] = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                current[j] = std::min(current[j], twoBack[j - 2] + 1);
        }
        twoBack.swap(previous);
        previous.swap(current);
    }
    return previous[b.size()];
}

namespace {

std::string lower(std::string text)
{
    for (char &c : text)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
}

// How many characters a typed prefix needs before it names a longer key ("dem" for "demo-2").
constexpr std::size_t kMinPrefix = 3;

} // namespace

std::string nearestName(const std::string &typed, const std::vector<std::string> &candidates)
{
    // A name that exists is no typo.
    if (std::find(candidates.begin(), candidates.end(), typed) != candidates.end())
        return {};
    // Case is the commonest slip (keys are case-sensitive): "Demo" for "demo", however long.
    const std::string typedLower = lower(typed);
    for (const std::string &candidate : candidates)
        if (lower(candidate) == typedLower)
            return candidate;
    // A name cut short ("--foll" for "--follow"): the one candidate that starts with it, before
    // any guess by distance ("--foll" is as near to "--all"); several would be a guess.
    if (typed.size() >= kMinPrefix) {
        std::string onlyExtension;
        std::size_t extensions = 0;
        for (const std::string &candidate : candidates)
            if (lower(candidate).rfind(typedLower, 0) == 0) {
                onlyExtension = candidate;
                ++extensions;
            }
        if (extensions == 1)
            return onlyExtension;
    }
    std::string best;
    std::size_t bestDistance = 0;
    for (const std::string &candidate : candidates) {
        const std::size_t distance = editDistance(typedLower, lower(candidate));
        const std::size_t allowed = std::min<std::size_t>(3, std::max(typed.size(), candidate.size()) / 3);
        if (distance <= allowed && (best.empty() || distance < bestDistance)) {
            best = candidate;
            bestDistance = distance;
        }
    }
    return best;
}

// SPDX-License-Identifier: BSD-3-Clause
// --help is written for people, and it is the one list of each tool's options: the man page and
// the bash, zsh and fish completions name exactly the options --help shows, no more, no fewer.
#include "support/cli_support.h"
#include "support/segment_support.h"

#include "support/catch_compat.h"

#include <filesystem>
#include <regex>
#include <set>
#include <shmtools/segment.h>
#include <sstream>

using namespace shmtest;

namespace {

using Names = std::set<std::string>;

std::string joined(const Names &names)
{
    std::string out;
    for (const std::string &name : names)
        out += name + " ";
    return out;
}

// The option names of --help: the entries of its option groups ("  -s, --size SIZE  ...").
Names helpOptions(const std::string &help)
{
    Names names;
    std::istringstream lines(help);
    std::string line;
    static const std::regex entry(R"(^  (-[A-Za-z0-9])?(, )?(--[a-z][a-z-]*)?( [A-Z]+)?(  |$))");
    static const std::regex name(R"(--?[A-Za-z0-9][a-z-]*)");
    bool inExamples = false;
    while (std::getline(lines, line)) {
        if (line == "Examples:")
            inExamples = true;
        std::smatch match;
        if (inExamples || !std::regex_search(line, match, entry) || match.length(0) <= 2)
            continue;
        const std::string head = match.str(1) + " " + match.str(3);
        for (auto it = std::sregex_iterator(head.begin(), head.end(), name); it != std::sregex_iterator(); ++it)
            names.insert(it->str());
    }
    return names;
}

// The options a man page documents: the tags of the .TP entries in OPTIONS (man(7) escapes
// dashes as "\-").
Names manOptions(const std::string &man)
{
    const auto start = man.find(".SH OPTIONS");
    const auto end = man.find(".SH ", start + 1);
    REQUIRE(start != std::string::npos);
    std::istringstream lines(man.substr(start, end - start));
    Names names;
    std::string line;
    bool tag = false;
    static const std::regex name(R"(\\-(\\-)?[A-Za-z0-9][a-z\\-]*)");
    while (std::getline(lines, line)) {
        if (tag && line.rfind(".RS", 0) != 0) {
            for (auto it = std::sregex_iterator(line.begin(), line.end(), name); it != std::sregex_iterator(); ++it) {
                std::string option = std::regex_replace(it->str(), std::regex(R"(\\-)"), "-");
                names.insert(option);
            }
        }
        tag = line == ".TP";
    }
    return names;
}

// The lines a function of the bash completion prints: functionAndArgs = {NAME, ARGS...}.
Names bashCompletionLines(const std::vector<std::string> &functionAndArgs)
{
    std::vector<std::string> argv{"/bin/bash", "-c", "source \"$1\"; shift; \"$@\"", "bash",
                                  std::string(SHM_SOURCE_DIR) + "/completion/shm-tools.bash"};
    argv.insert(argv.end(), functionAndArgs.begin(), functionAndArgs.end());
    const ProcessResult listed = run(argv);
    REQUIRE(listed.exited(0));
    Names names;
    std::istringstream lines(listed.out);
    for (std::string line; std::getline(lines, line);)
        names.insert(line);
    return names;
}

// What the bash completion offers for TOOL's options ("-" completes every option).
Names bashOptions(const std::string &tool)
{
    return bashCompletionLines({"_shm_tools_options", tool});
}

// The options a zsh or fish completion file declares for TOOL, from its text.
Names zshOptions(const std::string &tool)
{
    const std::string text = readFile(std::string(SHM_SOURCE_DIR) + "/completion/_shm-tools");
    const auto common = text.substr(text.find("common=("), text.find("case $service") - text.find("common=("));
    const auto start = text.find("\n" + tool + ")");
    const auto section = text.substr(start, text.find(";;", start) - start);
    Names names;
    // A name right after '{', ',', ')' or a quote and before '[', ',' or '}' (the separator after
    // a name is only looked at, so that it can start the next one).
    static const std::regex spec(R"([{,)'](--?[A-Za-z0-9][a-z-]*)[+=]?(?=[\[,}]))");
    for (const std::string &part : {common, section})
        for (auto it = std::sregex_iterator(part.begin(), part.end(), spec); it != std::sregex_iterator(); ++it)
            names.insert((*it)[1].str());
    return names;
}

Names fishOptions(const std::string &tool)
{
    const std::string text = readFile(std::string(SHM_SOURCE_DIR) + "/completion/shm-tools.fish");
    Names names;
    std::istringstream lines(text);
    static const std::regex shortName(R"( -s ([A-Za-z0-9]))"), longName(R"( -l ([a-z][a-z-]*))");
    for (std::string line; std::getline(lines, line);) {
        const bool forAll = line.find("complete -c $tool") != std::string::npos;
        if (!forAll && line.find("complete -c " + tool + " ") == std::string::npos)
            continue;
        std::smatch match;
        if (std::regex_search(line, match, shortName))
            names.insert("-" + match.str(1));
        if (std::regex_search(line, match, longName))
            names.insert("--" + match.str(1));
    }
    return names;
}

// The options the bash completion no longer offers once OPTION is on the line.
Names bashExcluded(const std::string &tool, const std::string &option)
{
    return bashCompletionLines({"_shm_tools_excludes", tool, option});
}

// The same for zsh: the exclusion list "(...)" that opens the spec of OPTION in TOOL's section
// ('(-s --size)'{-s+,--size=}'[...]' or '(--raw --source)--raw[...]').
Names zshExcluded(const std::string &tool, const std::string &option)
{
    const std::string text = readFile(std::string(SHM_SOURCE_DIR) + "/completion/_shm-tools");
    const auto start = text.find("\n" + tool + ")");
    std::istringstream lines(text.substr(start, text.find(";;", start) - start));
    static const std::regex spec(R"(^ *'\(([^)]*)\)'?(.*)$)");
    const std::regex named("[{,)']" + option + "[+=]?[\\[,}]");
    Names names;
    for (std::string line; std::getline(lines, line);) {
        std::smatch match;
        if (!std::regex_match(line, match, spec) || !std::regex_search(")" + match.str(2), named))
            continue;
        std::istringstream excluded(match.str(1));
        for (std::string name; excluded >> name;)
            names.insert(name);
    }
    return names;
}

// The same for fish, where it is said the other way round: each option's line lists (in
// `__shm_tools_none`, without dashes) the options that hide it.
Names fishExcluded(const std::string &tool, const std::string &option)
{
    const std::string text = readFile(std::string(SHM_SOURCE_DIR) + "/completion/shm-tools.fish");
    const std::string bare = option.substr(option.find_first_not_of('-'));
    static const std::regex longName(R"( -l ([a-z][a-z-]*))"), none(R"(__shm_tools_none ([^']*)')");
    Names names;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
        std::smatch name, hiders;
        if (line.find("complete -c " + tool + " ") == std::string::npos || !std::regex_search(line, name, longName) ||
            !std::regex_search(line, hiders, none))
            continue;
        std::istringstream hidden(hiders.str(1));
        for (std::string word; hidden >> word;)
            if (word == bare)
                names.insert("--" + name.str(1));
    }
    return names;
}

// --help wrapped to the width is matched as running text.
std::string flattened(const std::string &text)
{
    return std::regex_replace(text, std::regex(R"(\n +)"), " ");
}

// The seconds of every "default N" in `text`, as written.
std::vector<std::string> statedDefaults(const std::string &text, const std::regex &stated)
{
    std::vector<std::string> found;
    for (auto it = std::sregex_iterator(text.begin(), text.end(), stated); it != std::sregex_iterator(); ++it)
        found.push_back((*it)[1].str());
    return found;
}

// The -t entry of a man page's OPTIONS: from its tag to the next entry.
std::string manTimeoutEntry(const std::string &man)
{
    const auto start = man.find(".BI \\-t ");
    REQUIRE(start != std::string::npos);
    return man.substr(start, man.find(".TP", start) - start);
}

} // namespace

TEST_CASE("every option of --help is in the man page and the bash, zsh and fish completions, and no other",
          "[help][completion]")
{
    const Tool tool = GENERATE(Tool::Create, Tool::Load, Tool::Read);
    const std::string name = toolName(tool);
    CAPTURE(name);
    const ProcessResult help = run(tool, {"--help"});
    REQUIRE_EXIT(help, 0);
    const Names options = helpOptions(help.out);
    INFO("--help: " << joined(options));
    // A floor, so that a parser that finds nothing cannot pass.
    for (const char *common : {"-k", "--key", "-t", "--timeout", "-q", "--quiet", "-h", "--help", "-V", "--version"})
        CHECK(options.count(common) == 1);
    CHECK(joined(manOptions(readFile(std::string(SHM_SOURCE_DIR) + "/man/" + name + ".1"))) == joined(options));
    CHECK(joined(bashOptions(name)) == joined(options));
    CHECK(joined(zshOptions(name)) == joined(options));
    CHECK(joined(fishOptions(name)) == joined(options));
}

TEST_CASE("help: -t's default in --help, the man pages and the guide is shmtools::kDefaultLockTimeout",
          "[help][timeout]")
{
    // The default is one constant of the API; what people read must follow it when it changes.
    const double expected = shmtools::kDefaultLockTimeout.count();
    const Tool tool = GENERATE(Tool::Create, Tool::Load, Tool::Read);
    const std::string name = toolName(tool);
    CAPTURE(name, expected);
    const ProcessResult help = run(tool, {"--help"});
    REQUIRE_EXIT(help, 0);
    const auto inHelp = statedDefaults(flattened(help.out), std::regex(R"(\(default ([0-9.]+)\))"));
    const auto inMan = statedDefaults(manTimeoutEntry(readFile(std::string(SHM_SOURCE_DIR) + "/man/" + name + ".1")),
                                      std::regex(R"(default ([0-9.]+)\))"));
    const std::string guide = readFile(std::string(SHM_SOURCE_DIR) + "/docs/guide.md");
    const auto timeouts = guide.find("**Timeouts.**");
    REQUIRE(timeouts != std::string::npos);
    const auto inGuide = statedDefaults(guide.substr(timeouts, guide.find("\n- ", timeouts) - timeouts),
                                        std::regex(R"(default ([0-9.]+) s\b)"));
    for (const auto &[where, stated] :
         {std::pair{"--help", inHelp}, std::pair{"man page", inMan}, std::pair{"docs/guide.md", inGuide}}) {
        CAPTURE(where);
        REQUIRE(stated.size() == 1); // a floor: a pattern that finds nothing cannot pass
        CHECK(std::stod(stated.front()) == expected);
    }
}

TEST_CASE("completions: once --progress or --no-progress is typed, neither is offered (the last one given wins)",
          "[help][completion]")
{
    const Tool tool = GENERATE(Tool::Load, Tool::Read);
    const std::string name = toolName(tool);
    const std::string option = GENERATE(as<std::string>{}, "--progress", "--no-progress");
    CAPTURE(name, option);
    for (const auto &[shell, excluded] :
         {std::pair{"bash", bashExcluded(name, option)}, std::pair{"zsh", zshExcluded(name, option)},
          std::pair{"fish", fishExcluded(name, option)}}) {
        CAPTURE(shell, joined(excluded));
        CHECK(excluded.count("--progress") == 1);
        CHECK(excluded.count("--no-progress") == 1);
        // A floor, so that a parser that finds everything cannot pass.
        CHECK(excluded.count("--key") == 0);
    }
}

TEST_CASE("completions: shm-read offers after --info or --follow nothing the tool refuses with them, and --json after --all",
          "[help][completion]")
{
    // Once --all and --exec were offered after --info,
    // --all after --follow (all refused), and --json was hidden after --all although
    // `shm-read --list --all --json` is one listing.
    for (const char *shell : {"bash", "zsh", "fish"}) {
        CAPTURE(shell);
        const auto excluded = [&](const std::string &option) {
            return std::string(shell) == "bash"  ? bashExcluded("shm-read", option)
                   : std::string(shell) == "zsh" ? zshExcluded("shm-read", option)
                                                 : fishExcluded("shm-read", option);
        };
        const Names afterInfo = excluded("--info"), afterFollow = excluded("--follow");
        const Names afterAll = excluded("--all"), afterExec = excluded("--exec");
        CHECK(afterInfo.count("--all") == 1);
        CHECK(afterInfo.count("--exec") == 1);
        CHECK(afterFollow.count("--all") == 1);
        CHECK(afterExec.count("--info") == 1);
        CHECK(afterExec.count("--all") == 1);
        CHECK(afterAll.count("--json") == 0);
        CHECK(afterAll.count("--info") == 1); // a floor: the parser found the list
    }
}

TEST_CASE("help: --help groups options under headings, without CLI11's annotations, within the width", "[help]")
{
    const Tool tool = GENERATE(Tool::Create, Tool::Load, Tool::Read);
    const std::string columns = GENERATE(as<std::string>{}, "", "60", "100");
    CAPTURE(toolName(tool), columns);
    RunOptions options;
    if (columns.empty())
        options.unsetEnv.push_back("COLUMNS");
    else
        options.env.emplace_back("COLUMNS", columns);
    const ProcessResult help = run(tool, {"--help"}, options);
    REQUIRE_EXIT(help, 0);
    const std::size_t width = columns.empty() ? 80 : std::stoul(columns);
    std::istringstream lines(help.out);
    for (std::string line; std::getline(lines, line);) {
        INFO(line);
        CHECK(line.size() <= width);
    }
    for (const char *annotation : {"Excludes:", "Needs:", "TEXT", "UINT", "FLOAT", "[Option Group", "=fileloader"})
        CHECK_THAT(help.out, !Catch::Matchers::ContainsSubstring(annotation));
    CHECK_THAT(help.out, Catch::Matchers::ContainsSubstring("\nCommon options:\n  -k, --key KEY ") &&
                             Catch::Matchers::ContainsSubstring("-t, --timeout SECONDS"));
    // The common options come last, after the tool's own.
    CHECK(help.out.find("Common options:") > help.out.find("--raw"));
}

TEST_CASE("each tool's --help speaks of its own options and values", "[help]")
{
    const std::string create = flattened(run(Tool::Create, {"--help"}).out);
    CHECK_THAT(create, Catch::Matchers::ContainsSubstring("-s, --size SIZE") &&
                               Catch::Matchers::ContainsSubstring("--remove") &&
                               !Catch::Matchers::ContainsSubstring("free slot") &&
                               !Catch::Matchers::ContainsSubstring("--follow") &&
                               !Catch::Matchers::ContainsSubstring("as the seed example"));
    const std::string load = flattened(run(Tool::Load, {"--help"}).out);
    CHECK_THAT(load, Catch::Matchers::ContainsSubstring("free slot") &&
                             Catch::Matchers::ContainsSubstring("Usage: shm-load [OPTIONS] FILE") &&
                             !Catch::Matchers::ContainsSubstring("--follow"));
    const std::string read = flattened(run(Tool::Read, {"--help"}).out);
    CHECK_THAT(read, Catch::Matchers::ContainsSubstring("--exec CMD") &&
                             Catch::Matchers::ContainsSubstring("-o, --output FILE") &&
                             Catch::Matchers::ContainsSubstring("--follow"));
}

TEST_CASE("help: --help shows the effective default key, from $SHM_KEY when set", "[help]")
{
    const Tool tool = GENERATE(Tool::Create, Tool::Load, Tool::Read);
    RunOptions foo;
    foo.env = {{"SHM_KEY", "foo"}};
    const ProcessResult withKey = run(tool, {"--help"}, foo);
    CHECK_EXIT(withKey, 0);
    CHECK_THAT(flattened(withKey.out), Catch::Matchers::ContainsSubstring("(default: foo, from $SHM_KEY)"));
    RunOptions unset;
    unset.unsetEnv = {"SHM_KEY"};
    const ProcessResult without = run(tool, {"--help"}, unset);
    CHECK_THAT(flattened(without.out), Catch::Matchers::ContainsSubstring("else fileloader_shm_key)") &&
                                !Catch::Matchers::ContainsSubstring("foo"));
}

TEST_CASE("version: -V and --version name the version and the licence", "[help][option]")
{
    const Tool tool = GENERATE(Tool::Create, Tool::Load, Tool::Read);
    const ProcessResult shortForm = run(tool, {"-V"});
    const ProcessResult longForm = run(tool, {"--version"});
    CHECK_EXIT(shortForm, 0);
    CHECK(shortForm.out == longForm.out);
    CHECK(shortForm.out.rfind(std::string(toolName(tool)) + " (shm-tools) ", 0) == 0);
    CHECK_THAT(shortForm.out, Catch::Matchers::ContainsSubstring("BSD-3-Clause"));
    // Built from a git checkout (with git installed), the commit is named; from a tarball, or
    // where git is missing, no commit line at all rather than a stale or empty one.
    const std::string commit = SHM_TOOLS_COMMIT;
    if (commit.empty())
        CHECK_THAT(shortForm.out, !Catch::Matchers::ContainsSubstring("commit"));
    else
        CHECK_THAT(shortForm.out, Catch::Matchers::ContainsSubstring("\nbuilt from git commit " + commit + "\n"));
}

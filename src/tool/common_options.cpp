// SPDX-License-Identifier: BSD-3-Clause
#include "common_options.h"

#include "exit_code_table.h"
#include "help_format.h"
#include "report.h"
#include "temp_dir.h"

#include <charconv>
#include <cstdint>
#include <cstdlib>

namespace {

// Seconds for --timeout: a plain decimal number with an optional fraction, as sizes are written
// ("2.5"; not "0x10", "1e1", "inf" or "nan", which strtod would take), from 0 to 1e9.
CLI::Validator timeoutSeconds()
{
    return CLI::Validator(
        [](std::string &text) -> std::string {
            const std::size_t point = text.find('.');
            const std::string whole = text.substr(0, point);
            const std::string fraction = point == std::string::npos ? std::string() : text.substr(point + 1);
            const bool plain = whole.size() + fraction.size() > 0 &&
                               whole.find_first_not_of("0123456789") == std::string::npos &&
                               fraction.find_first_not_of("0123456789") == std::string::npos;
            if (!plain || std::strtod(text.c_str(), nullptr) > 1e9)
                return "expected seconds from 0 to 1000000000, a decimal number (a fraction allowed, e.g. 2.5), "
                       "got '" + text + "'";
            return {};
        },
        "");
}

std::string keyHelp()
{
    const char *fromEnvironment = std::getenv("SHM_KEY");
    if (fromEnvironment && *fromEnvironment)
        return std::string("The segment's name (default: ") + fromEnvironment + ", from $SHM_KEY)";
    return "The segment's name (default: $SHM_KEY if set, else fileloader_shm_key)";
}

std::string timeoutHelp(const TimeoutWording &wording)
{
    std::string text = "How long to wait for other processes, in seconds (decimals allowed): " + wording.waitsFor +
                       ". 0: " + wording.zero;
    return wording.notBounded.empty() ? text : text + ". " + wording.notBounded;
}

} // namespace

std::string timeoutDefaultText()
{
    char digits[32];
    const auto [end, ec] = std::to_chars(digits, digits + sizeof digits, shmtools::kDefaultLockTimeout.count());
    return "default " + std::string(digits, ec == std::errc() ? end : digits);
}

CLI::Validator wholeNumber()
{
    return CLI::Validator(
        [](std::string &text) -> std::string {
            std::uint64_t value = 0;
            const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
            if (text.empty() || ec != std::errc() || end != text.data() + text.size())
                return "expected a whole number from 0 to 18446744073709551615, got '" + text + "'";
            return {};
        },
        "");
}

void addProgressOptions(CLI::App &app, const char *what, const char *heading)
{
    app.add_flag("--progress")
        ->description(std::string("Show a progress bar on a terminal even for short ") + what)
        ->group(heading);
    app.add_flag("--no-progress")->description("Never show a progress bar")->group(heading);
}

ProgressBar::Mode progressMode(const CLI::App &app)
{
    ProgressBar::Mode mode = ProgressBar::Mode::Auto;
    for (const CLI::Option *option : app.parse_order()) {
        if (option->check_lname("progress"))
            mode = ProgressBar::Mode::Always;
        else if (option->check_lname("no-progress"))
            mode = ProgressBar::Mode::Never;
    }
    return mode;
}

std::string versionText(const std::string &tool)
{
    std::string text = tool + " (shm-tools) " SHM_TOOLS_VERSION;
    const std::string commit = SHM_TOOLS_COMMIT;
    if (!commit.empty())
        text += "\nbuilt from git commit " + commit;
    return text + "\nLicence: BSD-3-Clause <https://spdx.org/licenses/BSD-3-Clause.html>";
}

void setUpApp(CLI::App &app, CommonOptions &common, const TimeoutWording &timeout, const std::string &examples)
{
    app.formatter(std::make_shared<ToolHelpFormatter>());
    app.add_option("-k,--key", common.key, keyHelp())->envname("SHM_KEY")->option_text("KEY")->group(group::kCommon);
    app.add_option("-t,--timeout", common.timeout, timeoutHelp(timeout))
        ->check(timeoutSeconds())
        ->option_text("SECONDS")
        ->group(group::kCommon);
    app.add_flag("-q,--quiet", common.quiet, "No status messages on stderr (errors are still shown)")
        ->group(group::kCommon);
    app.set_help_flag("-h,--help", "Show this help and exit")->group(group::kCommon);
    app.set_version_flag("-V,--version", versionText(app.get_name()), "Show the version and licence and exit")
        ->group(group::kCommon);
    app.footer("Examples:\n" + examples + "\n" + exitCodeTable());
}

std::optional<int> parseArguments(CLI::App &app, CommonOptions &common, int argc, char **argv,
                                  const std::vector<OptionRule> &rules)
{
    const auto usage = [&](const std::string &problem) {
        reportUsage(app.get_name(), problem);
        return static_cast<int>(shmtools::ErrorCode::Usage);
    };
    const std::vector<std::string> args(argv + (argc > 0 ? 1 : 0), argv + argc);
    // --help and --version answer even beside a mistake, as CLI11 (and coreutils) do.
    bool helpOrVersion = false;
    for (const std::string &arg : args) {
        if (arg == "--")
            break;
        helpOrVersion = helpOrVersion || arg == "-h" || arg == "--help" || arg == "-V" || arg == "--version";
    }
    if (!helpOrVersion)
        if (auto problem = findArgumentProblem(app, args))
            return usage(*problem);
    // A repeated option: the last one wins (`-k a -k b` is b), as in coreutils and most CLIs,
    // so that an alias or a script's defaults can be overridden by appending.
    for (CLI::Option *option : app.get_options())
        if (!option->get_positional())
            option->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError &e) {
        if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success))
            return app.exit(e); // --help, --version
        // CLI11's own exit codes (105, 106, ...) are not ours: every parse problem is a usage error.
        return usage(describeParseError(app, e));
    }
    if (auto problem = findRuleProblem(app, rules))
        return usage(*problem);
    // CLI11 treats an empty variable as unset; an empty key is refused like `-k ''`.
    if (const char *fromEnvironment = std::getenv("SHM_KEY");
        app.count("--key") == 0 && fromEnvironment && *fromEnvironment == '\0')
        return usage("SHM_KEY is set but empty; unset it for the default key, or give one with -k KEY");
    common.timeoutGiven = app.count("--timeout") > 0;
    common.keyTyped = optionTyped(app, args, "--key");
    if (auto tempDir = resolveTempDir(); !tempDir)
        return reportError(app.get_name(), tempDir.error());
    return std::nullopt;
}

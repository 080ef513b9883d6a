#include "common_options.h"

#include "exit_code_table.h"
#include "report.h"
#include "temp_dir.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>

namespace {

// Seconds for --timeout: finite and not negative ("nan" and "inf" would make a wait unbounded).
CLI::Validator timeoutSeconds()
{
    return CLI::Validator(
        [](std::string &text) -> std::string {
            char *end = nullptr;
            const double value = std::strtod(text.c_str(), &end);
            if (text.empty() || *end != '\0' || !std::isfinite(value) || value < 0 || value > 1e9)
                return "expected seconds from 0 to 1e9, got '" + text + "'";
            return {};
        },
        "SECONDS");
}

} // namespace

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
        "GEN");
}

void setUpApp(CLI::App &app, CommonOptions &common, const std::string &examples)
{
    app.set_version_flag("--version", std::string(app.get_name()) + " (shm-tools) " SHM_TOOLS_VERSION);
    app.add_option("-k,--key", common.key, "Segment key (default: $SHM_KEY, else fileloader_shm_key)")
        ->envname("SHM_KEY")
        ->capture_default_str();
    app.add_option("-t,--timeout", common.timeout,
                   "Seconds to wait for other processes: for the segment lock or a free slot (always; "
                   "default 10) and, only when given, for a new version (--wait, --since, --follow). "
                   "Reading the input and writing the output are not bounded (decimals allowed)")
        ->check(timeoutSeconds());
    app.add_flag("-q,--quiet", common.quiet, "No status messages on stderr (errors are still shown)");
    app.footer("Examples:\n" + examples + "\n" + exitCodeTable());
}

std::optional<int> parseArguments(CLI::App &app, CommonOptions &common, int argc, char **argv)
{
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError &e) {
        if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success))
            return app.exit(e); // --help, --version
        // CLI11's own exit codes (105, 106, ...) are not ours: every parse problem is a usage error.
        reportUsage(app.get_name(), e.what());
        return static_cast<int>(shmtools::ErrorCode::Usage);
    }
    // CLI11 treats an empty variable as unset; an empty key is refused like `-k ''`.
    if (const char *fromEnvironment = std::getenv("SHM_KEY");
        app.count("--key") == 0 && fromEnvironment && *fromEnvironment == '\0') {
        reportUsage(app.get_name(), "SHM_KEY is set but empty; unset it for the default key, or give one with -k KEY");
        return static_cast<int>(shmtools::ErrorCode::Usage);
    }
    common.timeoutGiven = app.count("--timeout") > 0;
    if (auto tempDir = resolveTempDir(); !tempDir)
        return reportError(app.get_name(), tempDir.error());
    return std::nullopt;
}

// SPDX-License-Identifier: BSD-3-Clause
#include "argument_check.h"

#include "near_name.h"

#include <cctype>

namespace {

bool takesValue(const CLI::Option *option)
{
    return option->get_expected_max() > 0 && option->get_type_size() > 0; // flags expect 0 values
}

std::string valueName(const CLI::Option *option)
{
    return option->get_option_text().empty() ? std::string("VALUE") : option->get_option_text();
}

std::vector<std::string> longNames(const CLI::App &app)
{
    std::vector<std::string> names;
    for (const CLI::Option *option : app.get_options())
        for (const std::string &name : option->get_lnames())
            names.push_back("--" + name);
    return names;
}

std::string unknownOption(const CLI::App &app, const std::string &typed)
{
    std::string problem = "unknown option " + typed;
    // "-size" for "--size", and typos of long options ("--szie").
    const std::string asLong = typed.rfind("--", 0) == 0 ? typed : "-" + typed;
    if (std::string near = nearestName(asLong, longNames(app)); !near.empty())
        return problem + " (did you mean " + near + "?)";
    if (app.get_option_no_throw(asLong) != nullptr)
        return problem + " (did you mean " + asLong + "?)";
    return problem;
}

std::string missingValue(const CLI::Option *option, const std::string &typed)
{
    return typed + " needs a value (" + valueName(option) + ")";
}

// "-o ''", "--output=": no option takes an empty value (an empty file name, key, size or
// command is always a mistake, often an unset shell variable).
std::string emptyValue(const CLI::Option *option, const std::string &typed)
{
    return typed + " needs a value (" + valueName(option) + "), got an empty one";
}

// "--name" or "--name=value".
std::optional<std::string> checkLong(const CLI::App &app, const std::vector<std::string> &args, std::size_t &at)
{
    const std::string &arg = args[at];
    const std::size_t equals = arg.find('=');
    const std::string name = arg.substr(0, equals);
    const CLI::Option *option = app.get_option_no_throw(name);
    if (option == nullptr || option->get_positional())
        return unknownOption(app, name);
    if (!takesValue(option)) {
        if (equals != std::string::npos)
            return name + " takes no value, got '" + arg.substr(equals + 1) + "'";
        return std::nullopt;
    }
    if (equals != std::string::npos)
        return equals + 1 == arg.size() ? std::optional<std::string>(emptyValue(option, name)) : std::nullopt;
    if (++at >= args.size())
        return missingValue(option, name);
    if (args[at].empty())
        return emptyValue(option, name);
    return std::nullopt;
}

// "-q", "-qk KEY", "-kKEY", "-s16M": flags may be bundled; a short option with a value takes the
// rest of the word or the next word.
std::optional<std::string> checkShort(const CLI::App &app, const std::vector<std::string> &args, std::size_t &at)
{
    const std::string &arg = args[at];
    for (std::size_t i = 1; i < arg.size(); ++i) {
        const std::string name = std::string("-") + arg[i];
        const CLI::Option *option = app.get_option_no_throw(name);
        if (option == nullptr || option->get_positional())
            return i == 1 && arg.size() > 2 ? unknownOption(app, arg) : unknownOption(app, name);
        if (!takesValue(option))
            continue;
        if (i + 1 < arg.size())
            return std::nullopt; // the rest of the word is the value
        if (++at >= args.size())
            return missingValue(option, name);
        if (args[at].empty())
            return emptyValue(option, name);
        return std::nullopt;
    }
    return std::nullopt;
}

std::string lowerFirst(std::string text)
{
    if (!text.empty())
        text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
    return text;
}

// An empty word where an argument goes (`shm-load ""`, often an unset shell variable): a usage
// error naming the argument, as an empty option value is, not a file or key named "".
std::string emptyArgument(const CLI::App &app)
{
    for (const CLI::Option *option : app.get_options())
        if (option->get_positional())
            return "empty " + option->get_name(true, false) + " '': " + lowerFirst(option->get_description());
    return "unexpected empty argument ''; " + app.get_name() + " takes options only";
}

bool given(const CLI::App &app, const std::string &name)
{
    return app.count(name) > 0;
}

} // namespace

std::optional<std::string> findArgumentProblem(const CLI::App &app, const std::vector<std::string> &args)
{
    bool optionsEnded = false;
    for (std::size_t at = 0; at < args.size(); ++at) {
        const std::string &arg = args[at];
        if (arg.empty())
            return emptyArgument(app);
        if (optionsEnded)
            continue;
        if (arg == "--") {
            optionsEnded = true;
            continue;
        }
        if (arg.size() < 2 || arg[0] != '-')
            continue; // a positional argument, or "-" for stdin
        auto problem = arg[1] == '-' ? checkLong(app, args, at) : checkShort(app, args, at);
        if (problem)
            return problem;
    }
    return std::nullopt;
}

bool optionTyped(const CLI::App &app, const std::vector<std::string> &args, const std::string &name)
{
    const CLI::Option *wanted = app.get_option_no_throw(name);
    if (wanted == nullptr)
        return false;
    for (std::size_t at = 0; at < args.size(); ++at) {
        const std::string &arg = args[at];
        if (arg == "--")
            return false;
        if (arg.size() < 2 || arg[0] != '-')
            continue;
        if (arg[1] == '-') {
            const std::size_t equals = arg.find('=');
            const CLI::Option *option = app.get_option_no_throw(arg.substr(0, equals));
            if (option == wanted)
                return true;
            if (option != nullptr && takesValue(option) && equals == std::string::npos)
                ++at; // the next word is its value
            continue;
        }
        for (std::size_t i = 1; i < arg.size(); ++i) {
            const CLI::Option *option = app.get_option_no_throw(std::string("-") + arg[i]);
            if (option == wanted)
                return true;
            if (option == nullptr || !takesValue(option))
                continue;
            if (i + 1 == arg.size())
                ++at; // the next word is its value
            break;    // else the rest of the word is
        }
    }
    return false;
}

std::optional<std::string> findRuleProblem(const CLI::App &app, const std::vector<OptionRule> &rules)
{
    for (const OptionRule &rule : rules) {
        if (!given(app, rule.option))
            continue;
        const std::string why = rule.why.empty() ? std::string() : "; " + rule.why;
        if (rule.kind == OptionRule::Kind::Excludes && given(app, rule.other))
            return rule.option + " cannot be used with " + rule.other + why;
        if (rule.kind == OptionRule::Kind::Needs && !given(app, rule.other))
            return rule.option + " works only with " + rule.other + why;
    }
    return std::nullopt;
}

std::string describeParseError(const CLI::App &app, const CLI::ParseError &error)
{
    if (dynamic_cast<const CLI::ExtrasError *>(&error) != nullptr) {
        const std::vector<std::string> extra = app.remaining();
        const std::string first = extra.empty() ? std::string("?") : extra.front();
        std::size_t positionals = 0;
        for (const CLI::Option *option : app.get_options())
            positionals += option->get_positional() ? 1 : 0;
        return "unexpected argument '" + first + "'; " + app.get_name() +
               (positionals == 0 ? " takes options only" : " takes one FILE");
    }
    if (dynamic_cast<const CLI::RequiredError *>(&error) != nullptr) {
        for (const CLI::Option *option : app.get_options())
            if (option->get_positional() && option->get_required() && option->count() == 0)
                return "missing " + option->get_name(true, false) + ": " + lowerFirst(option->get_description());
    }
    // Validation errors carry our validators' own wording ("--timeout: expected seconds ...").
    return error.what();
}

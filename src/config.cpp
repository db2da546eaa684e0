#include "sagebox/config.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <regex>
#include <string_view>
#include <utility>

#ifndef SAGEBOX_VERSION
#define SAGEBOX_VERSION "unknown"
#endif

namespace sagebox {
namespace {

// Thrown only inside this file: turns the first bad value into exit code 2 with a message.
struct BadValue {
  std::string message;
};

struct Option {
  std::string_view flag;
  std::string_view env;
  std::string_view metavar;
  std::string_view help;
  std::string_view default_text;
};

constexpr Option kOptions[] = {
    {"--host", "SAGEBOX_HOST", "HOST", "address to listen on", "127.0.0.1"},
    {"--port", "SAGEBOX_PORT", "PORT", "TCP port, 0..65535 (0: any free port)", "8080"},
    {"--db", "SAGEBOX_DB", "PATH", "SQLite database file", "in-memory, lost at exit"},
    {"--region", "SAGEBOX_REGION", "REGION", "region when a request does not name one", "us-east-1"},
    {"--account", "SAGEBOX_ACCOUNT", "ID", "12-digit account when a request does not name one",
     "123456789012"},
    {"--threads", "SAGEBOX_THREADS", "N", "worker threads, 0..256 (0: one per core)", "0"},
    {"--max-connections", "SAGEBOX_MAX_CONNECTIONS", "N",
     "connections served at once, 1..100000; more get 503 and are closed", "1024"},
    {"--transition-delay", "SAGEBOX_TRANSITION_DELAY", "SECONDS",
     "how long an endpoint stays Creating, Updating or Deleting, 0..86400, decimals allowed", "0"},
    {"--journal-size", "SAGEBOX_JOURNAL_SIZE", "N",
     "SageMaker calls kept for GET /_sagebox/requests, 0..1000000 (0: the journal is off)", "1000"},
    {"--backend", "SAGEBOX_BACKENDS", "MODEL=URL",
     "the container that answers model MODEL's invocations (SageMaker's container contract at URL, such as "
     "http://localhost:9000); repeatable; the variable takes a comma-separated list",
     "none: a built-in echo answers"},
    {"--backend-timeout", "SAGEBOX_BACKEND_TIMEOUT", "SECONDS",
     "how long a container may take to answer an invocation, 0.001..86400", "60"},
    {"--capture-dir", "SAGEBOX_CAPTURE_DIR", "DIR",
     "where data capture writes, in SageMaker's layout below each DestinationS3Uri", "none: nothing is captured"},
    {"--random-seed", "SAGEBOX_RANDOM_SEED", "N",
     "seed of the variant draws and capture samplings, so that they repeat (0..2^64-1)", "random"},
    {"--log-level", "SAGEBOX_LOG_LEVEL", "LEVEL", "error, warn, info or debug", "info"},
    {"--auth", "SAGEBOX_AUTH", "MODE", "lenient (any signature) or strict (verify SigV4)", "lenient"},
    {"--credentials", "SAGEBOX_CREDENTIALS", "FILE",
     "key pairs for strict mode: lines 'ACCESS_KEY_ID SECRET_ACCESS_KEY ACCOUNT_ID'", "none"},
    {"--admin-token", "SAGEBOX_ADMIN_TOKEN", "TOKEN",
     "strict mode: admin paths but health require header X-Sagebox-Admin-Token: TOKEN", "none"},
    {"--seed", "SAGEBOX_SEED", "FILE",
     "state document to load at startup when the database holds no resource", "none"},
};

const Option* find_option(std::string_view flag) {
  for (const auto& option : kOptions) {
    if (option.flag == flag) return &option;
  }
  return nullptr;
}

[[noreturn]] void bad(std::string_view source, std::string_view value, std::string_view why) {
  throw BadValue{"invalid " + std::string(source) + " value '" + std::string(value) +
                 "': " + std::string(why)};
}

unsigned long parse_number(std::string_view source, std::string_view value, unsigned long min,
                           unsigned long max) {
  unsigned long n = 0;
  const auto* end = value.data() + value.size();
  const auto [ptr, ec] = std::from_chars(value.data(), end, n);
  if (value.empty() || ec != std::errc{} || ptr != end || n < min || n > max) {
    bad(source, value, "must be an integer from " + std::to_string(min) + " to " + std::to_string(max));
  }
  return n;
}

// Decimal seconds ("0.5", "2", "1.25") to whole milliseconds, 0 to 86,400 s. Not strtod: its locale could read a
// comma, and it accepts hex, infinity and exponents.
std::chrono::milliseconds parse_seconds(std::string_view source, std::string_view value) {
  const std::size_t dot = value.find('.');
  const std::string_view whole = value.substr(0, dot);
  const std::string_view fraction = dot == std::string_view::npos ? std::string_view{} : value.substr(dot + 1);
  const auto digits = [](std::string_view text) {
    return std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  const char* why = "must be a number of seconds from 0 to 86400, such as 0.5";
  if (whole.empty() || !digits(whole) || !digits(fraction) || (dot != std::string_view::npos && fraction.empty()) ||
      whole.size() > 5) {
    bad(source, value, why);
  }
  std::int64_t ms = std::stoll(std::string(whole)) * 1000;
  std::int64_t scale = 100;
  for (char c : fraction) {
    ms += (c - '0') * scale;  // beyond milliseconds, digits count for nothing
    scale /= 10;
  }
  if (ms > 86400 * 1000) bad(source, value, why);
  return std::chrono::milliseconds(ms);
}

LogLevel parse_level(std::string_view source, std::string_view value) {
  if (value == "error") return LogLevel::kError;
  if (value == "warn") return LogLevel::kWarn;
  if (value == "info") return LogLevel::kInfo;
  if (value == "debug") return LogLevel::kDebug;
  bad(source, value, "must be one of error, warn, info, debug");
}

bool is_account(std::string_view value) {
  if (value.size() != 12) return false;
  for (char c : value) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

bool is_region(const std::string& value) {
  static const std::regex pattern("[a-z]{2}(-[a-z]+)+-[0-9]{1,2}");
  return std::regex_match(value, pattern);
}

// One MODEL=URL pair of --backend: both parts non-empty, the model a SageMaker model name.
std::pair<std::string, std::string> parse_backend(std::string_view source, std::string_view value) {
  const std::size_t equals = value.find('=');
  const std::string_view model = value.substr(0, equals);
  const auto model_name = [](std::string_view text) {
    return !text.empty() && text.size() <= 63 && text.front() != '-' && text.back() != '-' &&
           std::all_of(text.begin(), text.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-'; });
  };
  if (equals == std::string_view::npos || !model_name(model) || equals + 1 == value.size()) {
    bad(source, value, "must be MODEL=URL, such as my-model=http://localhost:9000");
  }
  return {std::string(model), std::string(value.substr(equals + 1))};
}

// `source` is the flag or variable name, so a message points at what the user typed.
void apply(Config& config, std::string_view flag, std::string_view source, const std::string& value) {
  if (flag == "--host") {
    if (value.empty()) bad(source, value, "must not be empty");
    config.host = value;
  } else if (flag == "--port") {
    config.port = static_cast<std::uint16_t>(parse_number(source, value, 0, 65535));
  } else if (flag == "--db") {
    config.db_path = value;
  } else if (flag == "--region") {
    if (!is_region(value)) bad(source, value, "must look like us-east-1");
    config.region = value;
  } else if (flag == "--account") {
    if (!is_account(value)) bad(source, value, "must be exactly 12 digits");
    config.account = value;
  } else if (flag == "--threads") {
    config.threads = static_cast<unsigned>(parse_number(source, value, 0, 256));
  } else if (flag == "--max-connections") {
    config.max_connections = parse_number(source, value, 1, 100000);
  } else if (flag == "--transition-delay") {
    config.transition_delay = parse_seconds(source, value);
  } else if (flag == "--journal-size") {
    config.journal_size = parse_number(source, value, 0, 1000000);
  } else if (flag == "--backend") {
    if (source == "SAGEBOX_BACKENDS") {
      std::string_view rest = value;
      while (!rest.empty()) {
        const std::size_t comma = rest.find(',');
        const std::string_view item = rest.substr(0, comma);
        if (!item.empty()) config.backends.push_back(parse_backend(source, item));
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
      }
    } else {
      config.backends.push_back(parse_backend(source, value));
    }
  } else if (flag == "--backend-timeout") {
    config.backend_timeout = parse_seconds(source, value);
    if (config.backend_timeout.count() == 0) bad(source, value, "must be at least 0.001 seconds");
  } else if (flag == "--capture-dir") {
    if (value.empty()) bad(source, value, "must not be empty");
    config.capture_dir = value;
  } else if (flag == "--random-seed") {
    std::uint64_t seed = 0;
    const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), seed);
    if (value.empty() || error != std::errc{} || end != value.data() + value.size()) {
      bad(source, value, "must be an integer from 0 to 18446744073709551615");
    }
    config.random_seed = seed;
  } else if (flag == "--log-level") {
    config.log_level = parse_level(source, value);
  } else if (flag == "--auth") {
    if (value != "lenient" && value != "strict") bad(source, value, "must be lenient or strict");
    config.auth = value == "strict" ? AuthMode::kStrict : AuthMode::kLenient;
  } else if (flag == "--credentials") {
    if (value.empty()) bad(source, value, "must not be empty");
    config.credentials_path = value;
  } else if (flag == "--admin-token") {
    config.admin_token = value;
  } else if (flag == "--seed") {
    if (value.empty()) bad(source, value, "must not be empty");
    config.seed_path = value;
  }
}

ConfigResult failure(const std::string& message) {
  return {std::nullopt, "sagebox: " + message + "\nTry 'sagebox --help' for more information.\n", 2};
}

struct ParsedArgs {
  bool help = false;
  bool version = false;
  std::vector<std::pair<std::string, std::string>> values;  // flag, value
};

// Reads the shape of the command line only; values are checked later, after the environment.
ParsedArgs split_args(const std::vector<std::string>& args) {
  ParsedArgs parsed;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--help" || arg == "-h") {
      parsed.help = true;
      continue;
    }
    if (arg == "--version") {
      parsed.version = true;
      continue;
    }
    const auto eq = arg.find('=');
    const std::string flag = arg.substr(0, eq);
    if (find_option(flag) == nullptr) {
      throw BadValue{(arg.rfind("-", 0) == 0 ? "unknown option '" : "unexpected argument '") + arg + "'"};
    }
    if (eq != std::string::npos) {
      parsed.values.emplace_back(flag, arg.substr(eq + 1));
    } else if (i + 1 < args.size()) {
      parsed.values.emplace_back(flag, args[++i]);
    } else {
      throw BadValue{"option '" + flag + "' needs a value"};
    }
  }
  return parsed;
}

}  // namespace

ConfigResult parse_config(const std::vector<std::string>& args,
                          const std::map<std::string, std::string>& env) {
  try {
    const ParsedArgs parsed = split_args(args);
    if (parsed.help) return {std::nullopt, usage_text(), 0};
    if (parsed.version) return {std::nullopt, std::string("sagebox ") + SAGEBOX_VERSION + "\n", 0};
    Config config;
    for (const auto& option : kOptions) {
      const auto it = env.find(std::string(option.env));
      if (it != env.end()) apply(config, option.flag, option.env, it->second);
    }
    // A list flag given on the command line replaces the environment's list rather than adding to it.
    const bool backend_flags = std::any_of(parsed.values.begin(), parsed.values.end(),
                                           [](const auto& pair) { return pair.first == "--backend"; });
    if (backend_flags) config.backends.clear();
    for (const auto& [flag, value] : parsed.values) apply(config, flag, flag, value);
    if (config.auth == AuthMode::kStrict && config.credentials_path.empty()) {
      throw BadValue{"--auth strict needs --credentials FILE (or SAGEBOX_CREDENTIALS): the keys to verify against"};
    }
    return {std::move(config), "", 0};
  } catch (const BadValue& e) {
    return failure(e.message);
  }
}

std::string usage_text() {
  std::string text =
      "Usage: sagebox [OPTIONS]\n"
      "A local emulator of the Amazon SageMaker API (AWS JSON 1.1 over HTTP).\n"
      "\n"
      "Options (each also read from an environment variable; flags win over the environment):\n";
  for (const auto& option : kOptions) {
    std::string left = "  " + std::string(option.flag) + " " + std::string(option.metavar);
    // A flag too long for the column gets its help on a line of its own.
    left = left.size() < 22 ? left + std::string(22 - left.size(), ' ') : left + "\n" + std::string(22, ' ');
    text += left + std::string(option.help) + "\n";
    text += std::string(22, ' ') + "env " + std::string(option.env) + ", default " +
            std::string(option.default_text) + "\n";
  }
  text +=
      "  -h, --help          print this help and exit\n"
      "  --version           print the version and exit\n"
      "\n"
      "Values may be given as '--flag value' or '--flag=value'.\n";
  return text;
}

}  // namespace sagebox

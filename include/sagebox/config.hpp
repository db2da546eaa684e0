// Config: everything the command line and SAGEBOX_* environment variables decide, parsed once in main
// and passed down by value. Nothing else in sagebox reads the environment.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace sagebox {

enum class LogLevel { kError, kWarn, kInfo, kDebug };

// lenient: any signature is accepted; strict: SigV4 is verified against the configured credentials.
enum class AuthMode { kLenient, kStrict };

struct Config {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;
  std::string db_path;  // empty: an in-memory database that disappears at exit
  std::string region = "us-east-1";
  std::string account = "123456789012";
  unsigned threads = 0;  // 0: one per core
  LogLevel log_level = LogLevel::kInfo;
  AuthMode auth = AuthMode::kLenient;
  std::string credentials_path;  // lines "ACCESS_KEY_ID SECRET_ACCESS_KEY ACCOUNT_ID"; required by strict mode
  std::string admin_token;       // when set in strict mode, every admin path but health requires it
  // A state document (GET /_sagebox/state) loaded at startup when the database holds no resource; empty: none.
  std::string seed_path;

  // How long an endpoint stays Creating, Updating or Deleting. 0: every read after the call sees the end state,
  // so SDK waiters (which sleep 30 s after a non-final answer) return on their first look.
  std::chrono::milliseconds transition_delay{0};

  // SageMaker calls the request journal keeps (admin/journal.hpp); 0: none, and none are recorded.
  std::size_t journal_size = 1000;

  // The SageMaker Runtime (runtime/): the container that answers each model's invocations, as (model, URL) in the
  // order given (the URL is checked by the runtime stage); how long a container may take; where data capture
  // writes (empty: nowhere); and the seed of the variant draws and samplings (none: a random one).
  std::vector<std::pair<std::string, std::string>> backends;
  std::chrono::milliseconds backend_timeout{60000};
  std::string capture_dir;
  std::optional<std::uint64_t> random_seed;

  // Of a request body, for the routes that set no limit of their own (http/router.hpp).
  std::size_t body_limit = 1024 * 1024;
  // Open connections served at once; one more is answered 503 and closed (see http/server.hpp).
  std::size_t max_connections = 1024;
  std::chrono::seconds read_timeout{30};   // whole request: headers and body
  std::chrono::seconds idle_timeout{120};  // a kept-alive connection with no request
  std::chrono::seconds shutdown_grace{10};
};

// What parse_config decided: run with the config, or print text and exit with a code (help, version, bad flag).
struct ConfigResult {
  std::optional<Config> config;
  std::string text;
  int exit_code = 0;
};

// Flags win over the environment, which wins over the defaults. `env` maps SAGEBOX_* names to values.
ConfigResult parse_config(const std::vector<std::string>& args, const std::map<std::string, std::string>& env);

std::string usage_text();

}  // namespace sagebox

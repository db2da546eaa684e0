#include "sagebox/config.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

namespace {

using sagebox::Config;
using sagebox::ConfigResult;
using sagebox::LogLevel;
using sagebox::parse_config;
using Env = std::map<std::string, std::string>;
using Args = std::vector<std::string>;

Config parse_ok(const Args& args, const Env& env = {}) {
  const ConfigResult result = parse_config(args, env);
  EXPECT_TRUE(result.config.has_value()) << result.text;
  EXPECT_EQ(result.exit_code, 0);
  return result.config.value_or(Config{});
}

void expect_error(const Args& args, const Env& env, const std::string& fragment) {
  const ConfigResult result = parse_config(args, env);
  EXPECT_FALSE(result.config.has_value());
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.text.rfind("sagebox: ", 0), 0u) << result.text;
  EXPECT_NE(result.text.find(fragment), std::string::npos) << result.text;
  EXPECT_NE(result.text.find("--help"), std::string::npos) << result.text;
}

TEST(Config, Defaults) {
  const Config c = parse_ok({});
  EXPECT_EQ(c.host, "127.0.0.1");
  EXPECT_EQ(c.port, 8080);
  EXPECT_EQ(c.db_path, "");
  EXPECT_EQ(c.region, "us-east-1");
  EXPECT_EQ(c.account, "123456789012");
  EXPECT_EQ(c.threads, 0u);
  EXPECT_EQ(c.log_level, LogLevel::kInfo);
  EXPECT_EQ(c.max_connections, 1024u);
}

TEST(Config, EachFlag) {
  const Config c =
      parse_ok({"--host", "0.0.0.0", "--port", "9000", "--db", "/tmp/x.db", "--region", "eu-central-1",
                "--account", "000000000000", "--threads", "4", "--log-level", "debug"});
  EXPECT_EQ(c.host, "0.0.0.0");
  EXPECT_EQ(c.port, 9000);
  EXPECT_EQ(c.db_path, "/tmp/x.db");
  EXPECT_EQ(c.region, "eu-central-1");
  EXPECT_EQ(c.account, "000000000000");
  EXPECT_EQ(c.threads, 4u);
  EXPECT_EQ(c.log_level, LogLevel::kDebug);
}

TEST(Config, EqualsForm) {
  const Config c =
      parse_ok({"--port=0", "--region=us-gov-west-1", "--log-level=error", "--db=a=b.db", "--threads=256"});
  EXPECT_EQ(c.port, 0);
  EXPECT_EQ(c.region, "us-gov-west-1");
  EXPECT_EQ(c.log_level, LogLevel::kError);
  EXPECT_EQ(c.db_path, "a=b.db");
  EXPECT_EQ(c.threads, 256u);
}

TEST(Config, EachEnvironmentVariable) {
  const Config c = parse_ok({}, {{"SAGEBOX_HOST", "::1"},
                                 {"SAGEBOX_PORT", "65535"},
                                 {"SAGEBOX_DB", "state.db"},
                                 {"SAGEBOX_REGION", "ap-southeast-2"},
                                 {"SAGEBOX_ACCOUNT", "111122223333"},
                                 {"SAGEBOX_THREADS", "8"},
                                 {"SAGEBOX_LOG_LEVEL", "warn"},
                                 {"UNRELATED", "x"}});
  EXPECT_EQ(c.host, "::1");
  EXPECT_EQ(c.port, 65535);
  EXPECT_EQ(c.db_path, "state.db");
  EXPECT_EQ(c.region, "ap-southeast-2");
  EXPECT_EQ(c.account, "111122223333");
  EXPECT_EQ(c.threads, 8u);
  EXPECT_EQ(c.log_level, LogLevel::kWarn);
}

TEST(Config, FlagsWinOverEnvironment) {
  const Config c = parse_ok(
      {"--port", "1234", "--region=eu-west-1"},
      {{"SAGEBOX_PORT", "5678"}, {"SAGEBOX_REGION", "us-west-2"}, {"SAGEBOX_ACCOUNT", "999999999999"}});
  EXPECT_EQ(c.port, 1234);
  EXPECT_EQ(c.region, "eu-west-1");
  EXPECT_EQ(c.account, "999999999999");
}

TEST(Config, LastFlagWins) { EXPECT_EQ(parse_ok({"--port", "1", "--port", "2"}).port, 2); }

TEST(Config, BadFlagValues) {
  expect_error({"--port", "abc"}, {}, "--port");
  expect_error({"--port", "65536"}, {}, "65535");
  expect_error({"--port", "-1"}, {}, "--port");
  expect_error({"--port", ""}, {}, "--port");
  expect_error({"--port", "80x"}, {}, "--port");
  expect_error({"--threads", "257"}, {}, "--threads");
  expect_error({"--threads", "two"}, {}, "--threads");
  expect_error({"--account", "12345678901"}, {}, "12 digits");
  expect_error({"--account", "1234567890123"}, {}, "--account");
  expect_error({"--account", "12345678901a"}, {}, "--account");
  expect_error({"--region", "US-EAST-1"}, {}, "--region");
  expect_error({"--region", "useast1"}, {}, "--region");
  expect_error({"--region", "us-east"}, {}, "--region");
  expect_error({"--log-level", "trace"}, {}, "--log-level");
  expect_error({"--host", ""}, {}, "--host");
}

TEST(Config, BadEnvironmentValuesNameTheVariable) {
  expect_error({}, {{"SAGEBOX_PORT", "http"}}, "SAGEBOX_PORT");
  expect_error({}, {{"SAGEBOX_THREADS", "1000"}}, "SAGEBOX_THREADS");
  expect_error({}, {{"SAGEBOX_ACCOUNT", "1"}}, "SAGEBOX_ACCOUNT");
  expect_error({}, {{"SAGEBOX_REGION", "mars"}}, "SAGEBOX_REGION");
  expect_error({}, {{"SAGEBOX_LOG_LEVEL", "loud"}}, "SAGEBOX_LOG_LEVEL");
}

TEST(Config, BadFlagShapes) {
  expect_error({"--bogus"}, {}, "unknown option '--bogus'");
  expect_error({"--bogus=1"}, {}, "unknown option");
  expect_error({"stray"}, {}, "unexpected argument 'stray'");
  expect_error({"--port"}, {}, "needs a value");
}

TEST(Config, Help) {
  for (const char* flag : {"--help", "-h"}) {
    const ConfigResult result = parse_config({flag}, {});
    EXPECT_FALSE(result.config.has_value());
    EXPECT_EQ(result.exit_code, 0);
    EXPECT_EQ(result.text, sagebox::usage_text());
  }
  // Help wins even when other values are bad.
  EXPECT_EQ(parse_config({"--port", "x", "--help"}, {{"SAGEBOX_PORT", "y"}}).exit_code, 0);
}

// Help text starts in column 22; a flag and metavar too long for it get the help on the next line.
TEST(Config, UsageAlignsHelpAndWrapsAFlagTooLongForItsColumn) {
  const std::string usage = sagebox::usage_text();
  EXPECT_NE(usage.find("\n  --host HOST         address to listen on\n"), std::string::npos);
  EXPECT_NE(usage.find("\n  --transition-delay SECONDS\n                      how long an endpoint stays"),
            std::string::npos);
}

TEST(Config, UsageListsEveryFlagWithEnvAndDefault) {
  const std::string usage = sagebox::usage_text();
  for (const char* needle : {"--host",
                             "SAGEBOX_HOST",
                             "127.0.0.1",
                             "--port",
                             "SAGEBOX_PORT",
                             "8080",
                             "--db",
                             "SAGEBOX_DB",
                             "--region",
                             "SAGEBOX_REGION",
                             "us-east-1",
                             "--account",
                             "SAGEBOX_ACCOUNT",
                             "123456789012",
                             "--threads",
                             "SAGEBOX_THREADS",
                             "--log-level",
                             "SAGEBOX_LOG_LEVEL",
                             "info",
                             "--max-connections",
                             "SAGEBOX_MAX_CONNECTIONS",
                             "1024",
                             "--transition-delay",
                             "SAGEBOX_TRANSITION_DELAY",
                             "--seed",
                             "SAGEBOX_SEED",
                             "--backend",
                             "SAGEBOX_BACKENDS",
                             "--backend-timeout",
                             "--capture-dir",
                             "--random-seed",
                             "--help",
                             "--version"}) {
    EXPECT_NE(usage.find(needle), std::string::npos) << needle;
  }
}

TEST(Config, Version) {
  const ConfigResult result = parse_config({"--version"}, {});
  EXPECT_FALSE(result.config.has_value());
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.text, std::string("sagebox ") + SAGEBOX_VERSION + "\n");
}

}  // namespace

namespace {

TEST(Config, AuthFlags) {
  EXPECT_EQ(parse_ok({}).auth, sagebox::AuthMode::kLenient);
  const Config strict = parse_ok({"--auth", "strict", "--credentials", "/etc/creds", "--admin-token=abc"});
  EXPECT_EQ(strict.auth, sagebox::AuthMode::kStrict);
  EXPECT_EQ(strict.credentials_path, "/etc/creds");
  EXPECT_EQ(strict.admin_token, "abc");
  const Config from_env =
      parse_ok({}, {{"SAGEBOX_AUTH", "strict"}, {"SAGEBOX_CREDENTIALS", "/c"}, {"SAGEBOX_ADMIN_TOKEN", "t"}});
  EXPECT_EQ(from_env.auth, sagebox::AuthMode::kStrict);
  EXPECT_EQ(from_env.credentials_path, "/c");
  EXPECT_EQ(from_env.admin_token, "t");
  expect_error({"--auth", "paranoid"}, {}, "must be lenient or strict");
  expect_error({"--auth", "strict"}, {}, "--auth strict needs --credentials");
  expect_error({"--credentials="}, {}, "must not be empty");
}

}  // namespace

namespace {

TEST(Config, MaxConnections) {
  EXPECT_EQ(parse_ok({"--max-connections", "20"}).max_connections, 20u);
  EXPECT_EQ(parse_ok({"--max-connections=1"}).max_connections, 1u);
  EXPECT_EQ(parse_ok({"--max-connections", "100000"}).max_connections, 100000u);
  EXPECT_EQ(parse_ok({}, {{"SAGEBOX_MAX_CONNECTIONS", "64"}}).max_connections, 64u);
  EXPECT_EQ(parse_ok({"--max-connections", "7"}, {{"SAGEBOX_MAX_CONNECTIONS", "64"}}).max_connections, 7u);
  expect_error({"--max-connections", "0"}, {}, "must be an integer from 1 to 100000");
  expect_error({"--max-connections", "100001"}, {}, "--max-connections");
  expect_error({"--max-connections", "-5"}, {}, "--max-connections");
  expect_error({"--max-connections", "many"}, {}, "--max-connections");
  expect_error({"--max-connections"}, {}, "needs a value");
  expect_error({}, {{"SAGEBOX_MAX_CONNECTIONS", "0"}}, "SAGEBOX_MAX_CONNECTIONS");
  // The other numeric flags keep their 0..max range and message.
  expect_error({"--threads", "257"}, {}, "must be an integer from 0 to 256");
}

}  // namespace

namespace {

TEST(Config, TransitionDelay) {
  using std::chrono::milliseconds;
  EXPECT_EQ(parse_ok({}).transition_delay, milliseconds(0));
  EXPECT_EQ(parse_ok({"--transition-delay", "0.5"}).transition_delay, milliseconds(500));
  EXPECT_EQ(parse_ok({"--transition-delay=2"}).transition_delay, milliseconds(2000));
  EXPECT_EQ(parse_ok({"--transition-delay", "1.25"}).transition_delay, milliseconds(1250));
  EXPECT_EQ(parse_ok({"--transition-delay", "0.0019"}).transition_delay, milliseconds(1));
  EXPECT_EQ(parse_ok({"--transition-delay", "86400"}).transition_delay, milliseconds(86400000));
  EXPECT_EQ(parse_ok({}, {{"SAGEBOX_TRANSITION_DELAY", "0.25"}}).transition_delay, milliseconds(250));
  EXPECT_EQ(parse_ok({"--transition-delay", "3"}, {{"SAGEBOX_TRANSITION_DELAY", "0.25"}}).transition_delay,
            milliseconds(3000));
  for (const char* bad : {"-1", "1e3", "0x10", ".5", "5.", "1,5", "86400.001", "100000", "inf", "", "1.2.3"}) {
    expect_error({"--transition-delay", bad}, {}, "must be a number of seconds from 0 to 86400, such as 0.5");
  }
  expect_error({}, {{"SAGEBOX_TRANSITION_DELAY", "soon"}}, "SAGEBOX_TRANSITION_DELAY");
}

TEST(Config, Seed) {
  EXPECT_EQ(parse_ok({}).seed_path, "");
  EXPECT_EQ(parse_ok({"--seed", "fixtures/state.json"}).seed_path, "fixtures/state.json");
  EXPECT_EQ(parse_ok({}, {{"SAGEBOX_SEED", "/seed.json"}}).seed_path, "/seed.json");
  EXPECT_EQ(parse_ok({"--seed=a.json"}, {{"SAGEBOX_SEED", "b.json"}}).seed_path, "a.json");
  expect_error({"--seed", ""}, {}, "invalid --seed value '': must not be empty");
  expect_error({}, {{"SAGEBOX_SEED", ""}}, "invalid SAGEBOX_SEED value");
  EXPECT_NE(sagebox::usage_text().find("\n  --seed FILE         state document to load at startup when the database "
                                       "holds no resource\n                      env SAGEBOX_SEED, default none\n"),
            std::string::npos);
}

}  // namespace

namespace {

TEST(Config, JournalSize) {
  EXPECT_EQ(parse_ok({}).journal_size, 1000u);
  EXPECT_EQ(parse_ok({"--journal-size", "0"}).journal_size, 0u);
  EXPECT_EQ(parse_ok({"--journal-size=25"}).journal_size, 25u);
  EXPECT_EQ(parse_ok({"--journal-size", "1000000"}).journal_size, 1000000u);
  EXPECT_EQ(parse_ok({}, {{"SAGEBOX_JOURNAL_SIZE", "0"}}).journal_size, 0u);
  EXPECT_EQ(parse_ok({"--journal-size", "7"}, {{"SAGEBOX_JOURNAL_SIZE", "0"}}).journal_size, 7u);
  expect_error({"--journal-size", "1000001"}, {}, "must be an integer from 0 to 1000000");
  expect_error({"--journal-size", "-1"}, {}, "--journal-size");
  expect_error({"--journal-size", "off"}, {}, "--journal-size");
  expect_error({}, {{"SAGEBOX_JOURNAL_SIZE", "many"}}, "SAGEBOX_JOURNAL_SIZE");
  const std::string usage = sagebox::usage_text();
  EXPECT_NE(usage.find("  --journal-size N    SageMaker calls kept for GET /_sagebox/requests"),
            std::string::npos)
      << usage;
  EXPECT_NE(usage.find("env SAGEBOX_JOURNAL_SIZE, default 1000\n"), std::string::npos) << usage;
}

}  // namespace

TEST(Config, RuntimeBackendsRepeatAndTheFlagsReplaceTheVariablesList) {
  using Pairs = std::vector<std::pair<std::string, std::string>>;
  EXPECT_TRUE(parse_ok({}).backends.empty());
  EXPECT_EQ(parse_ok({"--backend", "m1=http://localhost:9000", "--backend=M-2=http://model:8080/v1"}).backends,
            (Pairs{{"m1", "http://localhost:9000"}, {"M-2", "http://model:8080/v1"}}));
  EXPECT_EQ(parse_ok({}, {{"SAGEBOX_BACKENDS", "a=http://a:1,,b=http://b:2"}}).backends,
            (Pairs{{"a", "http://a:1"}, {"b", "http://b:2"}}));
  EXPECT_EQ(parse_ok({"--backend", "c=http://c:3"}, {{"SAGEBOX_BACKENDS", "a=http://a:1"}}).backends,
            (Pairs{{"c", "http://c:3"}}));
  for (const char* bad : {"", "model", "=http://x", "model=", "-m=http://x", "m_1=http://x"}) {
    expect_error({"--backend", bad}, {}, "must be MODEL=URL, such as my-model=http://localhost:9000");
  }
  expect_error({}, {{"SAGEBOX_BACKENDS", "a=http://a:1,oops"}}, "invalid SAGEBOX_BACKENDS value 'oops'");
}

TEST(Config, RuntimeTimeoutCaptureAndSeed) {
  EXPECT_EQ(parse_ok({}).backend_timeout, std::chrono::milliseconds(60000));
  EXPECT_EQ(parse_ok({"--backend-timeout", "0.25"}).backend_timeout, std::chrono::milliseconds(250));
  expect_error({"--backend-timeout", "0"}, {}, "must be at least 0.001 seconds");
  EXPECT_EQ(parse_ok({}).capture_dir, "");
  EXPECT_EQ(parse_ok({}, {{"SAGEBOX_CAPTURE_DIR", "/tmp/capture"}}).capture_dir, "/tmp/capture");
  expect_error({"--capture-dir", ""}, {}, "invalid --capture-dir value '': must not be empty");
  EXPECT_FALSE(parse_ok({}).random_seed.has_value());
  EXPECT_EQ(parse_ok({"--random-seed", "18446744073709551615"}).random_seed, 18446744073709551615ull);
  EXPECT_EQ(parse_ok({}, {{"SAGEBOX_RANDOM_SEED", "7"}}).random_seed, 7u);
  for (const char* bad : {"", "-1", "18446744073709551616", "1.5", "seven"}) {
    expect_error({"--random-seed", bad}, {}, "must be an integer from 0 to 18446744073709551615");
  }
}

// A tiny leveled logger to stderr. The level is set once from Config at start.
#pragma once

#include <string_view>

#include "sagebox/config.hpp"

namespace sagebox::log {

void set_level(LogLevel level);
bool enabled(LogLevel level);
void write(LogLevel level, std::string_view message);

inline void error(std::string_view m) { write(LogLevel::kError, m); }
inline void warn(std::string_view m) { write(LogLevel::kWarn, m); }
inline void info(std::string_view m) { write(LogLevel::kInfo, m); }
inline void debug(std::string_view m) { write(LogLevel::kDebug, m); }

}  // namespace sagebox::log

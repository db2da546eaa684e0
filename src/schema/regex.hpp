// Regex: one model pattern compiled with PCRE2 for Java `String.matches` semantics — the whole subject must
// match, `\p{..}` classes are Unicode, while `\w \d \s` stay ASCII as they are in Java. Also compiles the
// partition table's regionRegex patterns (partitions.cpp). Private to src/schema/.
#pragma once

#include <string>
#include <string_view>

struct pcre2_real_code_8;
struct pcre2_real_match_context_8;

namespace sagebox::schema {

class Regex {
 public:
  // Throws std::runtime_error when PCRE2 cannot compile `pattern`.
  explicit Regex(const std::string& pattern);
  ~Regex();
  Regex(const Regex&) = delete;
  Regex& operator=(const Regex&) = delete;

  // REQUIRES: `subject` is valid UTF-8 (the validator checks every string before any pattern).
  // True when the whole subject matches. A subject that exhausts the match limit counts as not matching, so a
  // hostile value costs bounded CPU.
  bool matches(std::string_view subject) const;

 private:
  pcre2_real_code_8* code_ = nullptr;
  pcre2_real_match_context_8* context_ = nullptr;
};

}  // namespace sagebox::schema

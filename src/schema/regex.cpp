#include "regex.hpp"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <memory>
#include <stdexcept>

namespace sagebox::schema {
namespace {

// Enough for any legitimate value (model strings are at most a few KiB); a backtracking blow-up stops here.
constexpr uint32_t kMatchLimit = 1'000'000;
constexpr uint32_t kDepthLimit = 10'000;

struct MatchDataDeleter {
  void operator()(pcre2_match_data* data) const { pcre2_match_data_free(data); }
};

// One match block per thread serves every pattern: a single ovector pair is enough to learn "matched or not"
// (PCRE2 returns 0 instead of failing when the ovector is too small).
pcre2_match_data* thread_match_data() {
  thread_local std::unique_ptr<pcre2_match_data, MatchDataDeleter> data{pcre2_match_data_create(1, nullptr)};
  return data.get();
}

std::string compile_error_text(int code) {
  PCRE2_UCHAR buffer[256];
  pcre2_get_error_message(code, buffer, sizeof buffer);
  return reinterpret_cast<const char*>(buffer);
}

}  // namespace

Regex::Regex(const std::string& pattern) {
  // The displayed patterns may carry their own ^...$ and top-level alternations; the group keeps an
  // alternation from escaping the anchors that PCRE2 adds.
  const std::string wrapped = "(?:" + pattern + ")";
  std::unique_ptr<pcre2_compile_context, decltype(&pcre2_compile_context_free)> compile_context{
      pcre2_compile_context_create(nullptr), &pcre2_compile_context_free};
  // Java's `.` stops at \n, \r, U+0085, U+2028 and U+2029; ANY is the closest PCRE2 newline convention.
  pcre2_set_newline(compile_context.get(), PCRE2_NEWLINE_ANY);

  // No PCRE2_UCP: Java keeps \w, \d, \s ASCII unless asked otherwise, and \p{L} works in UTF mode without it.
  const uint32_t options = PCRE2_UTF | PCRE2_ANCHORED | PCRE2_ENDANCHORED;
  int error_code = 0;
  PCRE2_SIZE error_offset = 0;
  code_ = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(wrapped.data()), wrapped.size(), options, &error_code,
                        &error_offset, compile_context.get());
  if (code_ == nullptr) {
    throw std::runtime_error("cannot compile pattern " + pattern + ": " + compile_error_text(error_code) +
                             " at offset " + std::to_string(error_offset));
  }
  // JIT is an optimisation only: when the platform lacks it, the interpreter gives the same answers.
  (void)pcre2_jit_compile(code_, PCRE2_JIT_COMPLETE);

  context_ = pcre2_match_context_create(nullptr);
  if (context_ == nullptr) {
    pcre2_code_free(code_);
    throw std::runtime_error("cannot allocate a PCRE2 match context");
  }
  pcre2_set_match_limit(context_, kMatchLimit);
  pcre2_set_depth_limit(context_, kDepthLimit);
}

Regex::~Regex() {
  pcre2_match_context_free(context_);
  pcre2_code_free(code_);
}

bool Regex::matches(std::string_view subject) const {
  const int rc = pcre2_match(code_, reinterpret_cast<PCRE2_SPTR>(subject.data()), subject.size(), 0,
                             PCRE2_NO_UTF_CHECK, thread_match_data(), context_);
  // rc < 0 covers "no match" and every resource limit (match, depth, heap, JIT stack): all count as failure.
  return rc >= 0;
}

}  // namespace sagebox::schema

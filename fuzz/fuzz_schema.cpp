// fuzz_schema: Schema::validate over the embedded schema. The first byte picks the input shape of one of the
// schema's operations (those with an input, in the order of Schema::operations(), modulo their number); the
// rest is parsed as JSON (inputs that are not JSON are skipped). Validation may reject with ApiError and
// nothing else. What it accepts must be a fixed point: validating the normalized value again, or projecting
// it on its shape, gives it back unchanged.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <vector>

#include "sagebox/error.hpp"
#include "sagebox/json.hpp"
#include "sagebox/schema/schema.hpp"

namespace {

using sagebox::ApiError;
using sagebox::Json;
using sagebox::schema::Schema;

const std::vector<std::string>& input_shapes() {
  static const std::vector<std::string> shapes = [] {
    std::vector<std::string> out;
    for (const auto& [name, shapes] : Schema::embedded().operations()) {
      if (!shapes.input.empty()) out.push_back(shapes.input);
    }
    return out;
  }();
  return shapes;
}

[[noreturn]] void fail(const std::string& shape, const Json& input, const std::string& what) {
  std::fprintf(stderr, "fuzz_schema: %s: %s\ninput: %.4000s\n", shape.c_str(), what.c_str(),
               input.dump(-1, ' ', false, Json::error_handler_t::replace).c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::vector<std::string>& shapes = input_shapes();
  if (size == 0 || shapes.empty()) return 0;
  const std::string& shape = shapes[data[0] % shapes.size()];
  const Json input = Json::parse(data + 1, data + size, nullptr, /*allow_exceptions=*/false);
  if (input.is_discarded()) return 0;

  const Schema& schema = Schema::embedded();
  Json valid;
  try {
    valid = schema.validate(shape, input);
  } catch (const ApiError&) {
    return 0;  // a rejection, as AWS would answer it
  }
  try {
    const Json again = schema.validate(shape, valid);
    if (again != valid)
      fail(shape, input, "validating the normalized input again changes it: " + again.dump());
    if (schema.project(shape, valid) != valid)
      fail(shape, input, "projecting the normalized input changes it");
  } catch (const ApiError& error) {
    fail(shape, input,
         "the normalized input " + valid.dump() + " is rejected: " + error.code() + ": " + error.message());
  }
  return 0;
}

#include "sagebox/admin/state.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "json_body.hpp"
#include "sagebox/error.hpp"

namespace sagebox::admin {

Json parse_state(std::string_view text) {
  return parse_json(text, kStateDepth,
                    "The state document nests deeper than " + std::to_string(kStateDepth) +
                        " levels; an exported one does not.");
}

bool load_seed(sagemaker::Service& service, const std::string& path) {
  if (!service.empty()) return false;
  const auto failure = [&path](const std::string& what) {
    return std::runtime_error("seed file " + path + ": " + what);
  };
  std::ifstream file(path, std::ios::binary);
  if (!file) throw failure(std::string("cannot be read: ") + std::strerror(errno));
  std::ostringstream text;
  text << file.rdbuf();
  if (file.bad()) throw failure(std::string("cannot be read: ") + std::strerror(errno));
  try {
    service.import_state(parse_state(text.str()));
  } catch (const ApiError& error) {
    // The parser's own message speaks of a request body.
    throw failure(error.code() == "SerializationException" ? "is not valid JSON." : error.message());
  }
  return true;
}

}  // namespace sagebox::admin

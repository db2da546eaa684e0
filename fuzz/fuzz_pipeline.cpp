// fuzz_pipeline: raw bytes as one or more pipelined HTTP/1.1 requests, parsed by Beast as the server parses
// them, each handed to JsonProtocol::handle over a Service with an in-memory database. The pipeline must
// never crash, leak or hit UB, and every answer must be AWS-shaped: 200 or 4xx, a JSON object body, the
// JSON 1.1 content type, a request id, and for an error a "__type" and a message. A 500 is a finding too:
// sagebox answers 500 only when one of its own parts failed.
//
// The database lives across inputs (so a Create in one input can meet a List in another) and is emptied every
// kResetEvery inputs to bound memory. To replay a finding that needed earlier state, pipeline its requests in
// one input: they share the database within it.
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "sagebox/config.hpp"
#include "sagebox/http/message.hpp"
#include "sagebox/json.hpp"
#include "sagebox/protocol/json_protocol.hpp"
#include "sagebox/sagemaker/service.hpp"
#include "sagebox/schema/schema.hpp"
#include "sagebox/store/database.hpp"

namespace {

namespace bhttp = boost::beast::http;
using namespace sagebox;

constexpr std::size_t kResetEvery = 256;
constexpr std::size_t kMaxRequests = 16;
constexpr std::uint32_t kHeaderLimit = 16 * 1024;  // as src/http/server.cpp

struct Pipeline {
  store::Database database{""};
  sagemaker::Service service{database, schema::Schema::embedded()};
  protocol::JsonProtocol protocol{service, schema::Schema::embedded(), {"123456789012", "us-east-1"}};
  std::size_t inputs = 0;
};

Pipeline& pipeline() {
  static Pipeline instance;
  return instance;
}

// As src/http/server.cpp converts a Beast request: header names lowercased, in arrival order.
http::Request to_request(bhttp::request<bhttp::string_body>&& beast_request) {
  http::Request request;
  request.method = std::string(beast_request.method_string());
  request.target = std::string(beast_request.target());
  for (const auto& field : beast_request) {
    std::string name(field.name_string());
    for (char& c : name) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    request.headers.emplace_back(std::move(name), std::string(field.value()));
  }
  request.body = std::move(beast_request.body());
  return request;
}

// The next whole request at the front of `bytes` (which it consumes), or nullopt when what is left does not
// parse.
std::optional<http::Request> next_request(std::string_view& bytes) {
  bhttp::request_parser<bhttp::string_body> parser;
  parser.eager(true);
  parser.header_limit(kHeaderLimit);
  parser.body_limit(Config{}.body_limit);
  boost::beast::error_code ec;
  while (!parser.is_done()) {
    const std::size_t used = parser.put(boost::asio::buffer(bytes.data(), bytes.size()), ec);
    bytes.remove_prefix(used);
    if (ec == bhttp::error::need_more) {
      ec = {};
      if (used > 0 && !bytes.empty()) continue;
      // Nothing more will come: the end of the input is the end of the connection.
      parser.put_eof(ec);
      if (ec || !parser.is_done()) return std::nullopt;
    } else if (ec || used == 0) {
      return std::nullopt;
    }
  }
  return to_request(parser.release());
}

[[noreturn]] void fail(const char* what, const http::Request& request, const http::Response& response) {
  std::fprintf(stderr, "fuzz_pipeline: %s\nrequest: %s %s\nbody: %.2000s\nresponse: %d %.2000s\n", what,
               request.method.c_str(), request.target.c_str(), request.body.c_str(), response.status,
               response.body.c_str());
  std::abort();
}

void check_aws_shaped(const http::Request& request, const http::Response& response) {
  if (response.status != 200 && (response.status < 400 || response.status > 499)) {
    fail("status is neither 200 nor 4xx", request, response);
  }
  if (response.content_type != "application/x-amz-json-1.1") fail("wrong content type", request, response);
  bool has_request_id = false;
  for (const auto& [name, value] : response.headers)
    has_request_id |= name == "x-amzn-RequestId" && !value.empty();
  if (!has_request_id) fail("no x-amzn-RequestId", request, response);
  const Json body = Json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded() || !body.is_object()) fail("body is not a JSON object", request, response);
  if (response.status == 200) return;
  const auto type = body.find("__type");
  if (type == body.end() || !type->is_string() || type->get<std::string>().empty()) {
    fail("error without __type", request, response);
  }
  const auto message = body.contains("message") ? body.find("message") : body.find("Message");
  if (message == body.end() || !message->is_string()) fail("error without a message", request, response);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Pipeline& p = pipeline();
  if (++p.inputs % kResetEvery == 0) p.service.reset();
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  for (std::size_t i = 0; i < kMaxRequests && !bytes.empty(); ++i) {
    std::optional<http::Request> request = next_request(bytes);
    if (!request) break;
    check_aws_shaped(*request, p.protocol.handle(*request));
  }
  return 0;
}

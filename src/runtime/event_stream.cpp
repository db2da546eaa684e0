// The event-stream framing of InvokeEndpointWithResponseStream: messages built byte by byte as
// include/sagebox/runtime/event_stream.hpp describes, with Boost's CRC-32 (the same polynomial, reflection and
// final xor as zlib's crc32, which botocore and the other SDKs check against).
#include "sagebox/runtime/event_stream.hpp"

#include <boost/crc.hpp>

#include <cstdint>
#include <stdexcept>

#include "sagebox/json.hpp"

namespace sagebox::runtime {
namespace {

constexpr std::uint8_t kStringHeaderType = 7;
constexpr std::size_t kPreludeLength = 12;  // total length, headers length, prelude CRC
constexpr std::size_t kMessageCrcLength = 4;
// The strictest decoders' limits: 128 KiB of headers (botocore, the AWS CRT), 16 MiB for a whole message (the
// AWS CRT's aws-c-event-stream in some releases, others take 24 MiB; botocore takes 24 MiB of payload). A message
// over them would be refused by some client, so it is refused here, where the caller can still split it.
constexpr std::size_t kMaxHeadersLength = 128 * 1024;
constexpr std::size_t kMaxMessageLength = 16 * 1024 * 1024;

void append_big_endian(std::string& out, std::uint64_t value, int bytes) {
  for (int shift = 8 * (bytes - 1); shift >= 0; shift -= 8) out += static_cast<char>((value >> shift) & 0xff);
}

std::uint32_t crc32(std::string_view bytes) {
  boost::crc_32_type crc;
  crc.process_bytes(bytes.data(), bytes.size());
  return crc.checksum();
}

std::string encoded_headers(const std::vector<std::pair<std::string, std::string>>& headers) {
  std::string out;
  for (const auto& [name, value] : headers) {
    if (name.size() > 0xff) throw std::length_error("event-stream header name over 255 bytes: " + name);
    if (value.size() > 0xffff) throw std::length_error("event-stream header value over 65535 bytes: " + name);
    append_big_endian(out, name.size(), 1);
    out += name;
    out += static_cast<char>(kStringHeaderType);
    append_big_endian(out, value.size(), 2);
    out += value;
  }
  return out;
}

}  // namespace

std::string event_stream_message(const std::vector<std::pair<std::string, std::string>>& headers,
                                 std::string_view payload) {
  const std::string header_bytes = encoded_headers(headers);
  if (header_bytes.size() > kMaxHeadersLength) throw std::length_error("event-stream headers over 128 KiB");
  const std::size_t total = kPreludeLength + header_bytes.size() + payload.size() + kMessageCrcLength;
  if (total > kMaxMessageLength) throw std::length_error("event-stream message over 16 MiB");

  std::string message;
  message.reserve(total);
  append_big_endian(message, total, 4);
  append_big_endian(message, header_bytes.size(), 4);
  append_big_endian(message, crc32(message), 4);
  message += header_bytes;
  message += payload;
  append_big_endian(message, crc32(message), 4);
  return message;
}

std::string payload_part_event(std::string_view bytes) {
  return event_stream_message(
      {{":event-type", "PayloadPart"}, {":content-type", "application/octet-stream"}, {":message-type", "event"}},
      bytes);
}

std::string model_stream_error(std::string_view message, std::string_view error_code) {
  const Json payload{{"Message", message}, {"ErrorCode", error_code}};
  return event_stream_message(
      {{":exception-type", "ModelStreamError"}, {":content-type", "application/json"},
       {":message-type", "exception"}},
      payload.dump(-1, ' ', false, Json::error_handler_t::replace));
}

std::string internal_stream_failure(std::string_view message) {
  const Json payload{{"Message", message}};
  return event_stream_message(
      {{":exception-type", "InternalStreamFailure"}, {":content-type", "application/json"},
       {":message-type", "exception"}},
      payload.dump(-1, ' ', false, Json::error_handler_t::replace));
}

}  // namespace sagebox::runtime

// The event-stream framing: exact bytes of a small message (its CRCs checked by a CRC-32 written here, bit by bit,
// so that the encoder is not tested with its own CRC), the headers of each event kind, and the length limits.
// The encoder's output was also decoded once by botocore's EventStreamBuffer, which accepted both CRCs of every
// kind of message below; the expected bytes of SmallMessageExactBytes are the ones it accepted.
#include <gtest/gtest.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "sagebox/json.hpp"
#include "sagebox/runtime/event_stream.hpp"

namespace sagebox::runtime {
namespace {

// CRC-32/ISO-HDLC the slow way: reflected polynomial 0xEDB88320, initial value and final xor 0xFFFFFFFF.
std::uint32_t bitwise_crc32(std::string_view bytes) {
  std::uint32_t crc = 0xffffffff;
  for (unsigned char byte : bytes) {
    crc ^= byte;
    for (int bit = 0; bit < 8; ++bit) crc = (crc & 1) ? (crc >> 1) ^ 0xedb88320 : crc >> 1;
  }
  return ~crc;
}

std::uint32_t big_endian_at(const std::string& bytes, std::size_t at, int length) {
  std::uint32_t value = 0;
  for (int i = 0; i < length; ++i) value = (value << 8) | static_cast<unsigned char>(bytes.at(at + i));
  return value;
}

// A message taken apart as a decoder would, checking its lengths and both CRCs on the way.
struct Decoded {
  std::vector<std::pair<std::string, std::string>> headers;
  std::string payload;
};

Decoded decode(const std::string& message) {
  Decoded decoded;
  EXPECT_GE(message.size(), 16u);
  EXPECT_EQ(big_endian_at(message, 0, 4), message.size());
  const std::uint32_t headers_length = big_endian_at(message, 4, 4);
  EXPECT_EQ(big_endian_at(message, 8, 4), bitwise_crc32(message.substr(0, 8)));
  EXPECT_EQ(big_endian_at(message, message.size() - 4, 4),
            bitwise_crc32(std::string_view(message).substr(0, message.size() - 4)));
  std::size_t at = 12;
  const std::size_t headers_end = at + headers_length;
  while (at < headers_end) {
    const std::size_t name_length = big_endian_at(message, at, 1);
    std::string name = message.substr(at + 1, name_length);
    at += 1 + name_length;
    EXPECT_EQ(big_endian_at(message, at, 1), 7u) << name;  // string
    const std::size_t value_length = big_endian_at(message, at + 1, 2);
    decoded.headers.emplace_back(std::move(name), message.substr(at + 3, value_length));
    at += 3 + value_length;
  }
  EXPECT_EQ(at, headers_end);
  decoded.payload = message.substr(headers_end, message.size() - 4 - headers_end);
  return decoded;
}

using Headers = std::vector<std::pair<std::string, std::string>>;

TEST(EventStreamTest, BitwiseCrcIsTheStandardOne) {
  EXPECT_EQ(bitwise_crc32("123456789"), 0xcbf43926u);  // the check value of CRC-32/ISO-HDLC
  EXPECT_EQ(bitwise_crc32("hello"), 0x3610a686u);      // zlib.crc32(b"hello")
}

TEST(EventStreamTest, SmallMessageExactBytes) {
  const std::string message = event_stream_message({{"a", "b"}}, "xy");
  const std::string expected("\x00\x00\x00\x18"  // total length 24
                             "\x00\x00\x00\x06"   // headers length 6
                             "\xdc\xd1\xa6\x1f"   // prelude CRC
                             "\x01"
                             "a"
                             "\x07"
                             "\x00\x01"
                             "b"                  // header a: b
                             "xy"                 // payload
                             "\xdf\x97\x1f\xa9",  // message CRC
                             24);
  EXPECT_EQ(message, expected);
  EXPECT_EQ(bitwise_crc32(message.substr(0, 8)), 0xdcd1a61fu);
  EXPECT_EQ(bitwise_crc32(message.substr(0, 20)), 0xdf971fa9u);
}

TEST(EventStreamTest, NoHeadersAndNoPayload) {
  const std::string message = event_stream_message({}, "");
  ASSERT_EQ(message.size(), 16u);
  const Decoded decoded = decode(message);
  EXPECT_TRUE(decoded.headers.empty());
  EXPECT_EQ(decoded.payload, "");
}

TEST(EventStreamTest, HeadersKeepTheirOrderAndPayloadIsBinarySafe) {
  const std::string payload("\x00\xff\r\n\x07", 5);
  const Decoded decoded = decode(event_stream_message({{"z", "1"}, {"a", ""}, {"m", "3"}}, payload));
  EXPECT_EQ(decoded.headers, (Headers{{"z", "1"}, {"a", ""}, {"m", "3"}}));
  EXPECT_EQ(decoded.payload, payload);
}

TEST(EventStreamTest, PayloadPart) {
  const Decoded decoded = decode(payload_part_event("hello"));
  EXPECT_EQ(decoded.headers, (Headers{{":event-type", "PayloadPart"},
                                      {":content-type", "application/octet-stream"},
                                      {":message-type", "event"}}));
  EXPECT_EQ(decoded.payload, "hello");
}

TEST(EventStreamTest, ModelStreamError) {
  const Decoded decoded = decode(model_stream_error("bad \"input\"", "E42"));
  EXPECT_EQ(decoded.headers, (Headers{{":exception-type", "ModelStreamError"},
                                      {":content-type", "application/json"},
                                      {":message-type", "exception"}}));
  EXPECT_EQ(decoded.payload, R"({"Message":"bad \"input\"","ErrorCode":"E42"})");
}

TEST(EventStreamTest, InternalStreamFailure) {
  const Decoded decoded = decode(internal_stream_failure("the model stopped"));
  EXPECT_EQ(decoded.headers, (Headers{{":exception-type", "InternalStreamFailure"},
                                      {":content-type", "application/json"},
                                      {":message-type", "exception"}}));
  EXPECT_EQ(Json::parse(decoded.payload), Json({{"Message", "the model stopped"}}));
}

TEST(EventStreamTest, LongestHeaderNameAndValueFit) {
  const std::string name(255, 'n');
  const std::string value(65535, 'v');
  const Decoded decoded = decode(event_stream_message({{name, value}}, "p"));
  EXPECT_EQ(decoded.headers, (Headers{{name, value}}));
  EXPECT_EQ(decoded.payload, "p");
}

TEST(EventStreamTest, LengthsBeyondTheDecodersLimitsAreRefused) {
  EXPECT_THROW(event_stream_message({{std::string(256, 'n'), "v"}}, ""), std::length_error);
  EXPECT_THROW(event_stream_message({{"n", std::string(65536, 'v')}}, ""), std::length_error);
  const Headers two_large(2, {"n", std::string(65535, 'v')});  // 2 × 65540 bytes > 128 KiB
  EXPECT_THROW(event_stream_message(two_large, ""), std::length_error);
  const std::size_t largest_payload = 16 * 1024 * 1024 - 16;  // a message of 16 MiB with no headers
  EXPECT_EQ(event_stream_message({}, std::string(largest_payload, 'x')).size(), 16u * 1024 * 1024);
  EXPECT_THROW(event_stream_message({}, std::string(largest_payload + 1, 'x')), std::length_error);
}

}  // namespace
}  // namespace sagebox::runtime

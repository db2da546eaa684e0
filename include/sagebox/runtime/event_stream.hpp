// The AWS event-stream framing (application/vnd.amazon.eventstream) of InvokeEndpointWithResponseStream's answer,
// as the SDKs decode it: each message is
//   total length (4 bytes, big-endian) | headers length (4) | prelude CRC32 (4) | headers | payload | message CRC32 (4)
// where a header is name length (1) | name | type (1; 7 = string) | value length (2) | value, and both CRCs are
// CRC-32 (ISO-HDLC, as zlib's crc32) of everything before them.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sagebox::runtime {

// One message with string headers, in the order given. Throws std::length_error for a header name over 255
// bytes, a value over 65535, headers over 128 KiB in all or a message over 16 MiB (beyond what some SDK's
// decoder accepts): the caller splits a larger answer into several PayloadPart events.
std::string event_stream_message(const std::vector<std::pair<std::string, std::string>>& headers,
                                 std::string_view payload);

// A PayloadPart event: headers :event-type PayloadPart, :content-type application/octet-stream, :message-type
// event; the payload is `bytes`.
std::string payload_part_event(std::string_view bytes);

// A ModelStreamError exception message: headers :exception-type ModelStreamError, :content-type
// application/json, :message-type exception; payload {"Message": message, "ErrorCode": error_code}.
std::string model_stream_error(std::string_view message, std::string_view error_code);

// An InternalStreamFailure exception message: payload {"Message": message}.
std::string internal_stream_failure(std::string_view message);

}  // namespace sagebox::runtime

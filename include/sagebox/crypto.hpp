// The few cryptographic and encoding primitives sagebox needs (OpenSSL underneath), in one place: SigV4 signing,
// pagination-token signatures, the database secret and request ids all use them.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace sagebox::crypto {

// Lowercase hexadecimal of `bytes`.
std::string hex(std::string_view bytes);

// Standard base64 of `bytes` (RFC 4648 section 4: '+', '/', padded with '='), as S3 and SageMaker print binary data.
std::string base64(std::string_view bytes);

// The raw 32-byte HMAC-SHA256 of `data` under `key`.
std::string hmac_sha256(std::string_view key, std::string_view data);

// Lowercase hex SHA-256 of `data`.
std::string sha256_hex(std::string_view data);

// Whether `a` and `b` are equal, in time that depends only on their lengths (for secrets and signatures).
bool equal_in_constant_time(std::string_view a, std::string_view b);

// A fresh version-4 UUID in lowercase, as AWS prints request ids. From a fast per-thread generator: unique, not
// secret.
std::string request_id();

// The bytes of `text` in standard base64 (RFC 4648 section 4: '+' and '/', padded with '=' to a multiple of 4
// characters), as AWS writes blobs in JSON; nullopt for anything else, whitespace included.
std::optional<std::string> base64_decode(std::string_view text);

// `count` bytes from the operating system's CSPRNG (getentropy). Throws std::runtime_error if it cannot deliver.
std::string random_bytes(std::size_t count);

}  // namespace sagebox::crypto

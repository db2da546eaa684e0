#include "sagebox/crypto.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
// getentropy: macOS (10.12 on) declares it only here; glibc (2.25 on) here and in <unistd.h>, where POSIX
// 2024 puts it.
#include <sys/random.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <random>
#include <stdexcept>

namespace sagebox::crypto {

std::string hex(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

std::string base64(std::string_view bytes) {
  // EVP_EncodeBlock takes an int length and writes 4 characters per 3 bytes (the last group padded) and a
  // NUL: the input goes in chunks of a multiple of 3 bytes, so that only the last can be padded, each one
  // written over the previous one's NUL, the last one's into the extra byte that is then cut.
  constexpr std::size_t kChunk = 3 << 20;
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  std::size_t size = 0;
  do {
    const std::string_view chunk = bytes.substr(0, kChunk);
    size += static_cast<std::size_t>(EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data() + size),
                                                     reinterpret_cast<const unsigned char*>(chunk.data()),
                                                     static_cast<int>(chunk.size())));
    bytes.remove_prefix(chunk.size());
  } while (!bytes.empty());
  out.resize(size);
  return out;
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
       data.size(), digest, &size);
  return std::string(reinterpret_cast<const char*>(digest), size);
}

std::string sha256_hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(data.data(), data.size(), digest, &size, EVP_sha256(), nullptr);
  return hex(std::string_view(reinterpret_cast<const char*>(digest), size));
}

bool equal_in_constant_time(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string request_id() {
  thread_local std::mt19937_64 random{std::random_device{}()};
  std::array<std::uint8_t, 16> bytes;
  for (std::size_t i = 0; i < bytes.size(); i += 8) {
    std::uint64_t word = random();
    for (std::size_t j = 0; j < 8; ++j) bytes[i + j] = static_cast<std::uint8_t>(word >> (8 * j));
  }
  bytes[6] = static_cast<std::uint8_t>((bytes[6] & 0x0f) | 0x40);
  bytes[8] = static_cast<std::uint8_t>((bytes[8] & 0x3f) | 0x80);
  const std::string digits = hex(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
  return digits.substr(0, 8) + "-" + digits.substr(8, 4) + "-" + digits.substr(12, 4) + "-" + digits.substr(16, 4) +
         "-" + digits.substr(20);
}

namespace {

bool is_base64_digit(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
}

}  // namespace

// EVP_DecodeBlock is lenient (it skips whitespace at either end and takes '=' anywhere) and counts the padding as
// zero bytes: the text is checked here first, and the padding taken off its result.
std::optional<std::string> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::size_t padding = 0;
  if (!text.empty() && text.back() == '=') padding = text[text.size() - 2] == '=' ? 2 : 1;
  if (!std::all_of(text.begin(), text.end() - padding, is_base64_digit)) return std::nullopt;
  std::string bytes(text.size() / 4 * 3, '\0');
  const int decoded =
      EVP_DecodeBlock(reinterpret_cast<unsigned char*>(bytes.data()),
                      reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
  if (decoded < 0) return std::nullopt;
  bytes.resize(static_cast<std::size_t>(decoded) - padding);
  return bytes;
}

// The kernel's generator rather than OpenSSL's: the same quality, without loading OpenSSL's configuration at
// startup, which a new database (its secret) would otherwise pay for. getentropy rather than Linux's getrandom(2):
// macOS and the BSDs have it too. It never returns short, but refuses more than 256 bytes a call.
std::string random_bytes(std::size_t count) {
  constexpr std::size_t kMaxPerCall = 256;
  std::string bytes(count, '\0');
  for (std::size_t filled = 0; filled < count; filled += kMaxPerCall) {
    if (::getentropy(bytes.data() + filled, std::min(kMaxPerCall, count - filled)) != 0)
      throw std::runtime_error(std::string("cannot draw random bytes: ") + std::strerror(errno));
  }
  return bytes;
}

}  // namespace sagebox::crypto

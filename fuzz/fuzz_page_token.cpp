// fuzz_page_token: the pagination tokens of src/sagemaker/listing.hpp, with a fixed secret and binding. The
// first byte picks the mode (modulo 3), the rest is its input:
//   0  the bytes are a token: decode_page_token must not crash, whatever they are;
//   1  the bytes are a payload, signed here with the secret as encode_page_token signs: what decode does
//   after the
//      signature check (parsing the payload, checking the binding) must not crash or hit UB either;
//   2  round trip: a cursor made of the bytes (8 bytes of creation time, the rest the name) is encoded, and
//   the
//      token decodes to that cursor under its binding and to nothing under another. The name must be UTF-8,
//      as every resource name is (their patterns allow ASCII only): the payload is JSON, and
//      encode_page_token throws nlohmann's type_error 316 for a name that is not
//      (fuzz/regressions/fuzz_page_token/).
// Whenever a token decodes, encoding its cursor again gives a token that decodes to the same cursor.
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include "sagebox/json.hpp"
#include "sagemaker/listing.hpp"

namespace {

using sagebox::sagemaker::decode_page_token;
using sagebox::sagemaker::encode_page_token;
using sagebox::sagemaker::TokenBinding;
using sagebox::store::Cursor;

const std::string kSecret = "0123456789abcdef0123456789abcdef";
const TokenBinding kBinding{"123456789012", "us-east-1", "model", "Name:Ascending"};
const TokenBinding kOtherBinding{"123456789012", "us-east-1", "model", "Name:Descending"};

// Base64url without padding, the token's alphabet.
std::string base64url(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int length =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                      reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(length));
  while (!out.empty() && out.back() == '=') out.pop_back();
  for (char& c : out) c = c == '+' ? '-' : c == '/' ? '_' : c;
  return out;
}

std::string signed_token(std::string_view payload) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), kSecret.data(), static_cast<int>(kSecret.size()),
       reinterpret_cast<const unsigned char*>(payload.data()), payload.size(), digest, &length);
  return base64url(payload) + "." +
         base64url(std::string_view(reinterpret_cast<const char*>(digest), length));
}

[[noreturn]] void fail(const char* what, std::string_view token) {
  std::fprintf(stderr, "fuzz_page_token: %s\ntoken: %.*s\n", what, static_cast<int>(token.size()),
               token.data());
  std::abort();
}

bool is_utf8(const std::string& text) {
  try {
    (void)sagebox::Json(text).dump();
    return true;
  } catch (const sagebox::Json::type_error&) {
    return false;
  }
}

bool same(const std::optional<Cursor>& a, const Cursor& b) {
  return a && a->creation_ms == b.creation_ms && a->name_key == b.name_key;
}

void check_reencoding(const std::optional<Cursor>& cursor, std::string_view token) {
  if (!cursor) return;
  if (!same(decode_page_token(kSecret, kBinding, encode_page_token(kSecret, kBinding, *cursor)), *cursor)) {
    fail("a decoded cursor does not survive encoding again", token);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 3) {
    case 0:
      check_reencoding(decode_page_token(kSecret, kBinding, bytes), bytes);
      break;
    case 1: {
      const std::string token = signed_token(bytes);
      check_reencoding(decode_page_token(kSecret, kBinding, token), token);
      break;
    }
    default: {
      Cursor cursor;
      std::uint64_t ms = 0;
      std::memcpy(&ms, bytes.data(), std::min(bytes.size(), sizeof ms));
      cursor.creation_ms = static_cast<std::int64_t>(ms);
      if (bytes.size() > sizeof ms) cursor.name_key = std::string(bytes.substr(sizeof ms));
      if (!is_utf8(cursor.name_key)) break;
      const std::string token = encode_page_token(kSecret, kBinding, cursor);
      if (!same(decode_page_token(kSecret, kBinding, token), cursor))
        fail("round trip lost the cursor", token);
      if (decode_page_token(kSecret, kOtherBinding, token))
        fail("a token decodes under another binding", token);
    }
  }
  return 0;
}

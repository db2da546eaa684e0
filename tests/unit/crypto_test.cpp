// The primitives of sagebox/crypto.hpp: base64 decoding, strict about what it accepts; random bytes.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "sagebox/crypto.hpp"

namespace sagebox::crypto {
namespace {

TEST(Base64DecodeTest, DecodesEachPaddingLength) {
  EXPECT_EQ(base64_decode(""), "");
  EXPECT_EQ(base64_decode("QQ=="), "A");
  EXPECT_EQ(base64_decode("QUI="), "AB");
  EXPECT_EQ(base64_decode("QUJD"), "ABC");
  EXPECT_EQ(base64_decode("aGVsbG8gd29ybGQ="), "hello world");
}

TEST(Base64DecodeTest, DecodesEveryByteValue) {
  // base64.b64encode(bytes([0, 1, 127, 128, 254, 255])) and the two characters only the standard alphabet has.
  EXPECT_EQ(base64_decode("AAF/gP7/"), std::string("\x00\x01\x7f\x80\xfe\xff", 6));
  EXPECT_EQ(base64_decode("+/+/"), std::string("\xfb\xff\xbf", 3));
}

TEST(Base64DecodeTest, RefusesWhatIsNotPaddedStandardBase64) {
  for (const char* text : {"QQ", "QUI", "Q", "QQ=", "QQ===", "====", "A===", "QQ==QQ==", "QQ=A", " QUJD", "QUJD ",
                           "QU JD", "QUJD\n", "QU-_", "QUJ\xc3"}) {
    EXPECT_EQ(base64_decode(text), std::nullopt) << text;
  }
}

// getentropy gives at most 256 bytes a call: a longer draw must be filled to its end. Each 64-byte slice of
// 1000 random bytes being all zero has a chance of 2^-512.
TEST(RandomBytesTest, FillsADrawLongerThanOneCallOfTheKernel) {
  const std::string bytes = random_bytes(1000);
  ASSERT_EQ(bytes.size(), 1000u);
  for (std::size_t start = 0; start < bytes.size(); start += 64) {
    const std::string slice = bytes.substr(start, 64);
    EXPECT_TRUE(std::any_of(slice.begin(), slice.end(), [](char c) { return c != '\0'; })) << "at " << start;
  }
  EXPECT_NE(random_bytes(32), random_bytes(32));
  EXPECT_EQ(random_bytes(0), "");
}

}  // namespace
}  // namespace sagebox::crypto

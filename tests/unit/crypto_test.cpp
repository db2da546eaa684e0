// The encoding primitives of sagebox/crypto.hpp: base64 decoding, strict about what it accepts.
#include <gtest/gtest.h>

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

}  // namespace
}  // namespace sagebox::crypto

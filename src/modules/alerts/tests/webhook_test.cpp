#include "modules/alerts/webhook_sender.h"

#include <gtest/gtest.h>

namespace tc::alerts {
namespace {

TEST(AlertWebhook, SignatureIsHmacSha256OfTimestampDotBody) {
  // Computed independently: python3 hmac.new(b"whsec", b'1700000000.{"a":1}', sha256).hexdigest()
  EXPECT_EQ(webhook_signature("whsec", "1700000000", R"({"a":1})"),
            "v1=8ad37ba156048ae0e0a5533c75cdf26fee88b07f93cb57ee4c80adb053012032");
  EXPECT_NE(webhook_signature("whsec", "1700000001", R"({"a":1})"),
            webhook_signature("whsec", "1700000000", R"({"a":1})"));
}

TEST(AlertWebhook, NonPublicAddressesAreRecognised) {
  for (const char* ip : {"127.0.0.1",       "10.1.2.3",        "172.16.0.1",   "172.31.255.255",
                         "192.168.1.1",     "169.254.169.254", "100.64.0.1",   "0.0.0.0",
                         "224.0.0.1",       "255.255.255.255", "::1",          "::",
                         "fe80::1",         "fc00::1",         "fd12:3456::1", "::ffff:127.0.0.1",
                         "::ffff:10.0.0.1", "64:ff9b::a00:1",  "ff02::1",      "2001:db8::1",
                         "::7f00:1",        "2002:7f00:1::1",  "2002:a00:1::", "2001:0:4136:e378::1",
                         "not an ip"}) {
    EXPECT_FALSE(is_public_address(ip)) << ip;
  }
  for (const char* ip : {"8.8.8.8", "1.1.1.1", "172.32.0.1", "100.128.0.1", "2606:4700:4700::1111", "::ffff:8.8.8.8",
                         "2002:808:808::1"}) {
    EXPECT_TRUE(is_public_address(ip)) << ip;
  }
}

TEST(AlertWebhook, RetriesBackOffExponentiallyUpToAnHour) {
  EXPECT_EQ(retry_delay_ms(1000, 1), 1000);
  EXPECT_EQ(retry_delay_ms(1000, 2), 2000);
  EXPECT_EQ(retry_delay_ms(1000, 5), 16000);
  EXPECT_EQ(retry_delay_ms(1000, 40), 3'600'000);
}

}  // namespace
}  // namespace tc::alerts

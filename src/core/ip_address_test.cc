#include "core/ip_address.h"

#include <gtest/gtest.h>

namespace perimeter {
namespace {

std::string Text(std::string_view in) {
  auto ip = IpAddress::Parse(in);
  return ip ? ip->ToText() : "<invalid>";
}

TEST(IpAddress, ParsesDottedQuad) {
  auto ip = IpAddress::Parse("81.2.69.142");
  ASSERT_TRUE(ip);
  EXPECT_TRUE(ip->is_v4());
  EXPECT_EQ(ip->bytes()[0], 81);
  EXPECT_EQ(ip->bytes()[3], 142);
  EXPECT_EQ(ip->ToText(), "81.2.69.142");
  EXPECT_EQ(Text("0.0.0.0"), "0.0.0.0");
  EXPECT_EQ(Text("255.255.255.255"), "255.255.255.255");
}

TEST(IpAddress, RejectsWhatIsNotAnAddress) {
  for (std::string_view bad :
       {"", "-", "N/A", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.4 ", " 1.2.3.4", "1..3.4",
        "1.2.3.4,5.6.7.8", "123.45.67.89,61.160.232.222", "example.com", "1.2.3.0004",
        ":::", "2001:db8::1::2", "gggg::1", "[::1"}) {
    EXPECT_FALSE(IpAddress::Parse(bad)) << "'" << bad << "'";
  }
}

TEST(IpAddress, PrintsIpv6AsJavaDoes) {
  EXPECT_EQ(Text("2001:480:10::1"), "2001:480:10:0:0:0:0:1");
  EXPECT_EQ(Text("2a02:d5c0::"), "2a02:d5c0:0:0:0:0:0:0");
  EXPECT_EQ(Text("::1"), "0:0:0:0:0:0:0:1");
  EXPECT_EQ(Text("2001:0DB8:0000:0000:0000:0000:0000:00FF"), "2001:db8:0:0:0:0:0:ff");
  EXPECT_EQ(Text("[2001:218::1]"), "2001:218:0:0:0:0:0:1");
  EXPECT_EQ(Text("fe80::1%eth0"), "fe80:0:0:0:0:0:0:1");
}

TEST(IpAddress, MappedIpv6BecomesIpv4) {
  auto ip = IpAddress::Parse("::ffff:81.2.69.142");
  ASSERT_TRUE(ip);
  EXPECT_TRUE(ip->is_v4());
  EXPECT_EQ(ip->ToText(), "81.2.69.142");
  EXPECT_EQ(*ip, *IpAddress::Parse("81.2.69.142"));
  // IPv4-compatible (::a.b.c.d) is not mapped: Java keeps it IPv6 as well.
  EXPECT_FALSE(IpAddress::Parse("::81.2.69.142")->is_v4());
}

TEST(IpAddress, FlagsSpecialPurposeRanges) {
  for (std::string_view special : {"10.0.0.1",
                                   "10.255.255.255",
                                   "172.16.0.1",
                                   "172.31.255.255",
                                   "192.168.1.10",
                                   "127.0.0.1",
                                   "169.254.10.10",
                                   "100.64.0.1",
                                   "100.127.255.255",
                                   "0.0.0.0",
                                   "0.1.2.3",
                                   "192.0.2.55",
                                   "198.51.100.1",
                                   "203.0.113.9",
                                   "198.18.0.1",
                                   "198.19.255.255",
                                   "224.0.0.1",
                                   "239.255.255.250",
                                   "240.0.0.1",
                                   "255.255.255.255",
                                   "192.0.0.8",
                                   "::",
                                   "::1",
                                   "fe80::1",
                                   "febf::1",
                                   "fc00::1",
                                   "fd12:3456::1",
                                   "ff02::1",
                                   "2001:db8::1",
                                   "100::1",
                                   "64:ff9b:1::1",
                                   "2001:2::1",
                                   "3fff::1",
                                   "fec0::1",
                                   "::ffff:10.1.2.3"}) {
    auto ip = IpAddress::Parse(special);
    ASSERT_TRUE(ip) << special;
    EXPECT_TRUE(ip->IsSpecialPurpose()) << special;
  }
  for (std::string_view global : {"8.8.8.8",
                                  "81.2.69.142",
                                  "172.15.255.255",
                                  "172.32.0.1",
                                  "100.63.255.255",
                                  "100.128.0.1",
                                  "192.169.0.1",
                                  "169.255.0.1",
                                  "11.0.0.1",
                                  "126.255.255.255",
                                  "128.0.0.1",
                                  "223.255.255.255",
                                  "198.20.0.1",
                                  "192.0.3.1",
                                  "2001:480:10::1",
                                  "2a02:d500::1",
                                  "2001:4860:4860::8888",
                                  "2002:c000:204::1",
                                  "64:ff9b::808:808",
                                  "2001:dc8::1",
                                  "2001:3::1",
                                  "4000::1",
                                  "fbff::1"}) {
    auto ip = IpAddress::Parse(global);
    ASSERT_TRUE(ip) << global;
    EXPECT_FALSE(ip->IsSpecialPurpose()) << global;
  }
}

TEST(IpAddress, NetworkClearsHostBits) {
  EXPECT_EQ(IpAddress::Parse("12.81.92.1")->Network(22).ToText(), "12.81.92.0");
  EXPECT_EQ(IpAddress::Parse("12.81.95.255")->Network(22).ToText(), "12.81.92.0");
  EXPECT_EQ(IpAddress::Parse("12.81.92.1")->Network(32).ToText(), "12.81.92.1");
  EXPECT_EQ(IpAddress::Parse("12.81.92.1")->Network(0).ToText(), "0.0.0.0");
  EXPECT_EQ(IpAddress::Parse("2001:1700:ffff::1")->Network(27).ToText(), "2001:1700:0:0:0:0:0:0");
  EXPECT_EQ(IpAddress::Parse("2001:1720::1")->Network(27).ToText(), "2001:1720:0:0:0:0:0:0");
  EXPECT_EQ(IpAddress::Parse("2001:173f::1")->Network(27).ToText(), "2001:1720:0:0:0:0:0:0");
}

}  // namespace
}  // namespace perimeter

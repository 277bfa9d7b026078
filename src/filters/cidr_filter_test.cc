#include "filters/cidr_filter.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <thread>
#include <vector>

#include "filters/filter_testing.h"

namespace perimeter {
namespace {

using filter_testing::MakeFilter;
using filter_testing::Options;
using filter_testing::TryMakeFilter;

Event WithSource(std::string ip) {
  Event e;
  e.Set(FieldRef::Of("[source][ip]"), Value(std::move(ip)));
  return e;
}

bool MatchesSource(FilterPlugin& f, std::string ip) {
  Event e = WithSource(std::move(ip));
  return f.Filter(e);
}

Value Strings(std::initializer_list<const char*> items) {
  Array a;
  for (const char* s : items) a.push_back(Value(s));
  return Value(std::move(a));
}

TEST(IpNetwork, ParsesAddressesPrefixesAndClearsHostBits) {
  auto n = ParseIpNetwork("198.51.100.7/24");
  ASSERT_TRUE(n.ok()) << n.status().message();
  EXPECT_EQ(n->ToString(), "198.51.100.0/24");
  EXPECT_EQ(ParseIpNetwork("203.0.113.7")->ToString(), "203.0.113.7/32");
  EXPECT_EQ(ParseIpNetwork("2001:db8:1::5/48")->ToString(), "2001:db8:1::/48");
  EXPECT_EQ(ParseIpNetwork("2001:db8::1")->ToString(), "2001:db8::1/128");
  EXPECT_EQ(ParseIpNetwork("10.1.2.3/255.255.0.0")->ToString(), "10.1.0.0/16");
  EXPECT_EQ(ParseIpNetwork("0.0.0.0/0")->ToString(), "0.0.0.0/0");
}

TEST(IpNetwork, RejectsWhatIsNotANetworkAndSaysWhy) {
  for (const char* bad : {"", "example.com", "1.2.3", "1.2.3.4/33", "2001:db8::/129", "1.2.3.4/",
                          "1.2.3.4/x", "1.2.3.4/-1", "1.2.3.4/255.0.255.0", "256.1.1.1"}) {
    auto n = ParseIpNetwork(bad);
    EXPECT_FALSE(n.ok()) << bad;
  }
  EXPECT_NE(ParseIpNetwork("1.2.3.4/33").status().message().find("0..32"), std::string::npos);
  EXPECT_NE(ParseIpNetwork("nope").status().message().find("198.51.100.0/24"), std::string::npos);
}

TEST(IpNetwork, ContainsRespectsFamilyAndPrefix) {
  IpNetwork v4 = *ParseIpNetwork("198.51.100.0/24");
  EXPECT_TRUE(v4.Contains(*IpAddress::Parse("198.51.100.255")));
  EXPECT_FALSE(v4.Contains(*IpAddress::Parse("198.51.101.0")));
  EXPECT_FALSE(v4.Contains(*IpAddress::Parse("::ffff:c633:6500:1")));
  // sshd on a dual-stack socket logs IPv4 clients as IPv4-mapped IPv6.
  EXPECT_TRUE(v4.Contains(*IpAddress::Parse("::ffff:198.51.100.9")));
  IpNetwork v6 = *ParseIpNetwork("2001:db8:abcd::/48");
  EXPECT_TRUE(v6.Contains(*IpAddress::Parse("2001:db8:abcd:ffff::1")));
  EXPECT_FALSE(v6.Contains(*IpAddress::Parse("2001:db8:abce::1")));
  EXPECT_FALSE(v6.Contains(*IpAddress::Parse("198.51.100.9")));
}

TEST(CidrFilter, MatchesASprintfAddressAgainstNetworks) {
  auto f = MakeFilter(
      kCidrFilter,
      Options({{"address", Strings({"%{[source][ip]}"})},
               {"network", Strings({"198.51.100.0/24", "203.0.113.7", "2001:db8::/32"})}}));
  EXPECT_TRUE(MatchesSource(*f, "198.51.100.200"));
  EXPECT_TRUE(MatchesSource(*f, "203.0.113.7"));
  EXPECT_FALSE(MatchesSource(*f, "203.0.113.8"));
  EXPECT_TRUE(MatchesSource(*f, "2001:db8:ffff::1"));
  EXPECT_FALSE(MatchesSource(*f, "2001:db9::1"));
  Event missing;  // the template renders as written, which is no address: no match, no crash
  EXPECT_FALSE(f->Filter(missing));
  Object stats;
  f->AppendStats(&stats);
  EXPECT_EQ(stats.Find("networks")->as_int(), 3);
  EXPECT_EQ(stats.Find("invalid_addresses")->as_int(), 1);
}

TEST(CidrFilter, AnyOfSeveralAddressesMatches) {
  auto f = MakeFilter(kCidrFilter, Options({{"address", Strings({"%{a}", "%{b}"})},
                                            {"network", Strings({"10.0.0.0/8"})}}));
  Event e;
  e.SetTop("a", Value("192.0.2.1"));
  e.SetTop("b", Value("10.9.8.7"));
  EXPECT_TRUE(f->Filter(e));
  e.SetTop("b", Value("11.0.0.1"));
  EXPECT_FALSE(f->Filter(e));
}

TEST(CidrFilter, AddressFieldChecksEveryElementOfAnArray) {
  auto f = MakeFilter(kCidrFilter, Options({{"address_field", Value("[ips]")},
                                            {"network", Strings({"192.0.2.0/24"})}}));
  Event e;
  e.SetTop("ips", Value(Array{Value("198.51.100.1"), Value("192.0.2.77")}));
  EXPECT_TRUE(f->Filter(e));
  Event none;
  EXPECT_FALSE(f->Filter(none));
}

TEST(CidrFilter, BadNetworkIsAConfigErrorNamingIt) {
  std::string error;
  EXPECT_EQ(TryMakeFilter(kCidrFilter,
                          Options({{"address", Strings({"%{ip}"})},
                                   {"network", Strings({"10.0.0.0/8", "10.0.0.0/40"})}}),
                          &error),
            nullptr);
  EXPECT_NE(error.find("10.0.0.0/40"), std::string::npos) << error;
}

class CidrFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/cidr_test_XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::system(("rm -rf " + dir_).c_str()); }
  void Write(const std::string& text) { std::ofstream(path()) << text; }
  std::string path() const { return dir_ + "/networks.txt"; }
  std::string dir_;
};

TEST_F(CidrFileTest, NetworkPathReadsOneNetworkPerLine) {
  Write("198.51.100.0/24\n\n  2001:db8::/32  \n203.0.113.9\n");
  auto f = MakeFilter(kCidrFilter, Options({{"address", Strings({"%{[source][ip]}"})},
                                            {"network_path", Value(path())}}));
  Event a = WithSource("198.51.100.3"), b = WithSource("2001:db8::9"), c = WithSource("8.8.8.8");
  EXPECT_TRUE(f->Filter(a));
  EXPECT_TRUE(f->Filter(b));
  EXPECT_FALSE(f->Filter(c));
}

TEST_F(CidrFileTest, CustomSeparator) {
  Write("192.0.2.0/24,198.51.100.0/24");
  auto f = MakeFilter(kCidrFilter, Options({{"address", Strings({"%{[source][ip]}"})},
                                            {"network_path", Value(path())},
                                            {"separator", Value(",")}}));
  Event e = WithSource("198.51.100.3");
  EXPECT_TRUE(f->Filter(e));
}

TEST_F(CidrFileTest, BadLineNamesFileAndLine) {
  Write("198.51.100.0/24\n# a comment is not a network\n");
  std::string error;
  EXPECT_EQ(
      TryMakeFilter(kCidrFilter,
                    Options({{"address", Strings({"%{ip}"})}, {"network_path", Value(path())}}),
                    &error),
      nullptr);
  EXPECT_NE(error.find(path() + " line 2"), std::string::npos) << error;
}

TEST_F(CidrFileTest, NetworkAndNetworkPathAreMutuallyExclusive) {
  Write("198.51.100.0/24\n");
  std::string error;
  EXPECT_EQ(
      TryMakeFilter(
          kCidrFilter,
          Options({{"network", Strings({"10.0.0.0/8"})}, {"network_path", Value(path())}}), &error),
      nullptr);
  EXPECT_NE(error.find("mutually exclusive"), std::string::npos) << error;
}

TEST_F(CidrFileTest, RefreshPicksUpAChangedFileAndKeepsTheOldListOnABadOne) {
  Write("198.51.100.0/24\n");
  auto f = MakeFilter(kCidrFilter, Options({{"address", Strings({"%{[source][ip]}"})},
                                            {"network_path", Value(path())},
                                            {"refresh_interval", Value(0.05)}}));
  auto matches = [&](const char* ip) {
    Event e = WithSource(ip);
    return f->Filter(e);
  };
  EXPECT_TRUE(matches("198.51.100.1"));
  EXPECT_FALSE(matches("192.0.2.1"));
  Write("192.0.2.0/24\n");
  std::this_thread::sleep_for(std::chrono::milliseconds(120));
  EXPECT_TRUE(matches("192.0.2.1"));  // this call reloads before it matches
  EXPECT_FALSE(matches("198.51.100.1"));
  Write("192.0.2.0/24\nnot-a-network\n");
  std::this_thread::sleep_for(std::chrono::milliseconds(120));
  EXPECT_TRUE(matches("192.0.2.1"));
}

TEST(CidrFilter, ManyThreadsAgree) {
  auto f = MakeFilter(kCidrFilter, Options({{"address", Strings({"%{[source][ip]}"})},
                                            {"network", Strings({"10.0.0.0/8"})}}));
  std::atomic<int> matched{0};
  std::vector<std::thread> threads;
  threads.reserve(4);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 5000; ++i) {
        Event e = WithSource(fmt::format("{}.1.2.{}", i % 2 == 0 ? 10 : 11, (i + t) % 256));
        if (f->Filter(e)) ++matched;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(matched.load(), 4 * 2500);
}

}  // namespace
}  // namespace perimeter

#include "cli/setup_options.h"

#include <gtest/gtest.h>

namespace perimeter {
namespace {

TEST(ParseLogRate, CountUnitAndBurst) {
  Result<LogRate> r = ParseLogRate("10/minute burst 20");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->count, 10);
  EXPECT_EQ(r->unit, "minute");
  EXPECT_EQ(r->burst, 20);
  r = ParseLogRate("5/second");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->burst, 10);  // twice the count by default
  r = ParseLogRate("9000/hour");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->burst, kMaxLogBurst);
}

TEST(ParseLogRate, RejectsWhatTheRulesCannotSay) {
  for (std::string_view bad :
       {"", "10", "10/fortnight", "0/minute", "ten/minute", "10/minute burst", "10/minute bursts 5",
        "10/minute burst 0", "10/minute burst 10001", "10/minute burst 5 extra"}) {
    Result<LogRate> r = ParseLogRate(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_NE(r.status().message().find("--log-rate"), std::string::npos);
    }
  }
}

TEST(ValidateNetwork, AddressesAndNetworksOfBothFamilies) {
  for (std::string_view good :
       {"203.0.113.7", "198.51.100.0/24", "0.0.0.0/0", "2001:db8::1", "2001:db8::/32", "::1/128"}) {
    EXPECT_TRUE(ValidateNetwork(good).ok()) << good;
  }
  for (std::string_view bad : {"", "host.example", "1.2.3", "1.2.3.4/33", "1.2.3.4/", "::1/129",
                               "1.2.3.4/x", "10.0.0.0/8 "}) {
    EXPECT_FALSE(ValidateNetwork(bad).ok()) << bad;
  }
}

TEST(ListenPort, HostPortAndBracketedV6) {
  EXPECT_EQ(ListenPort("0.0.0.0:8443"), 8443);
  EXPECT_EQ(ListenPort("[::]:443"), 443);
  EXPECT_EQ(ListenPort("localhost:80"), 80);
  EXPECT_EQ(ListenPort("::1"), 0);
  EXPECT_EQ(ListenPort("0.0.0.0"), 0);
  EXPECT_EQ(ListenPort("0.0.0.0:70000"), 0);
}

TEST(SetupOptionsValidate, DefaultsPassAndEachBadValueIsNamed) {
  EXPECT_TRUE(SetupOptions{}.Validate().ok());
  auto fails = [](auto edit, std::string_view word) {
    SetupOptions o;
    edit(o);
    Status st = o.Validate();
    EXPECT_FALSE(st.ok()) << word;
    EXPECT_NE(st.message().find(word), std::string::npos) << st.message();
  };
  fails([](SetupOptions& o) { o.ports = {}; }, "--port");
  fails([](SetupOptions& o) { o.ports = {0}; }, "--port");
  fails([](SetupOptions& o) { o.ports = std::vector<int>(16, 22); }, "at most 15");
  fails([](SetupOptions& o) { o.ignore = {"nope"}; }, "--ignore 'nope'");
  fails([](SetupOptions& o) { o.ignore = {"198.51.100.0/33"}; }, "--ignore '198.51.100.0/33'");
  fails([](SetupOptions& o) { o.listen = "8443"; }, "--listen");
  fails([](SetupOptions& o) { o.data_dir = "data"; }, "absolute");
  fails([](SetupOptions& o) { o.data_dir = "/var/lib/my data"; }, "spaces");
  fails([](SetupOptions& o) { o.root = "tmp/x"; }, "--root");
  fails([](SetupOptions& o) { o.user = "Perimeter"; }, "--user");
  fails([](SetupOptions& o) { o.admin = ""; }, "--admin");
}

}  // namespace
}  // namespace perimeter

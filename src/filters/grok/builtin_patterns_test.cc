// The built-in library's own patterns (beyond what the Logstash vectors cover): the legacy
// IPTABLES with the community field names, UFW, SSHD, and the seed's patterns_dir file.
#include <gtest/gtest.h>

#include "filters/grok/grok_filter.h"

namespace perimeter::grok {
namespace {

std::unique_ptr<FilterPlugin> Make(std::string pattern, std::string ecs,
                                   const std::string& patterns_dir = "") {
  Object o;
  Object m;
  m.Set("message", std::move(pattern));
  o.Set("match", std::move(m));
  o.Set("ecs_compatibility", std::move(ecs));
  if (!patterns_dir.empty()) o.Set("patterns_dir", Array{Value(patterns_dir)});
  auto config = PluginConfig::FromObject(kGrokFilter, o);
  EXPECT_TRUE(config.ok()) << config.status().message();
  auto plugin = kGrokFilter.create(*config, PluginContext{});
  EXPECT_TRUE(plugin.ok()) << plugin.status().message();
  if (!plugin.ok()) return nullptr;
  return std::unique_ptr<FilterPlugin>(static_cast<FilterPlugin*>(plugin->release()));
}

Event Apply(FilterPlugin& f, std::string line, bool want_match = true) {
  Event e = Event::FromMessage(std::move(line), Timestamp(0));
  EXPECT_EQ(f.Filter(e), want_match) << e.ToJson();
  return e;
}

const Value* Get(const Event& e, std::string_view ref) { return e.Get(FieldRef::Of(ref)); }

constexpr const char* kSeedLine =
    "May  5 09:55:37 host kernel: [888446.478915] IN=venet0 OUT= MAC= SRC=198.51.100.7 "
    "DST=203.0.113.5 LEN=60 TOS=0x00 PREC=0x00 TTL=50 ID=29355 DF PROTO=TCP SPT=51955 DPT=22 "
    "WINDOW=14600 RES=0x00 SYN URGP=0 ";

TEST(BuiltinIptables, LegacyTcpLineGivesCommunityFieldsAsIntegers) {
  auto f = Make("%{IPTABLES}", "disabled");
  Event e = Apply(*f,
                  "IN=eth0 OUT= MAC=52:54:00:12:34:56:52:54:00:ab:cd:ef:08:00 SRC=203.0.113.7 "
                  "DST=192.0.2.10 LEN=60 TOS=0x00 PREC=0x00 TTL=49 ID=51022 DF PROTO=TCP SPT=44312 "
                  "DPT=22 WINDOW=29200 RES=0x00 SYN URGP=0");
  EXPECT_EQ(Get(e, "in_device")->as_string(), "eth0");
  EXPECT_EQ(Get(e, "out_device"), nullptr);
  EXPECT_EQ(Get(e, "dst_mac")->as_string(), "52:54:00:12:34:56");
  EXPECT_EQ(Get(e, "src_mac")->as_string(), "52:54:00:ab:cd:ef");
  EXPECT_EQ(Get(e, "src_ip")->as_string(), "203.0.113.7");
  EXPECT_EQ(Get(e, "dst_ip")->as_string(), "192.0.2.10");
  EXPECT_EQ(Get(e, "len")->as_int(), 60);
  EXPECT_EQ(Get(e, "ttl")->as_int(), 49);
  EXPECT_EQ(Get(e, "proto")->as_string(), "TCP");
  EXPECT_EQ(Get(e, "src_port")->as_int(), 44312);
  EXPECT_EQ(Get(e, "dst_port")->as_int(), 22);
  EXPECT_EQ(Get(e, "tcp_flags")->as_string(), "SYN");
  EXPECT_EQ(Get(e, "frag_flags")->as_string(), "DF");
  EXPECT_EQ(Get(e, "tcp_window")->as_int(), 29200);
}

TEST(BuiltinIptables, LegacyMatchesIcmpIgmpIpv6AndBridgeLines) {
  auto f = Make("%{IPTABLES}", "disabled");
  Event icmp = Apply(*f,
                     "IN=eth0 OUT= MAC=52:54:00:12:34:56:52:54:00:ab:cd:ef:08:00 SRC=198.51.100.23 "
                     "DST=192.0.2.10 LEN=84 TOS=0x00 PREC=0x00 TTL=57 ID=0 DF PROTO=ICMP TYPE=8 "
                     "CODE=0 ID=3 SEQ=1");
  EXPECT_EQ(Get(icmp, "proto")->as_string(), "ICMP");
  EXPECT_EQ(Get(icmp, "icmp_type")->as_int(), 8);
  EXPECT_EQ(Get(icmp, "ttl")->as_int(), 57);
  EXPECT_EQ(Get(icmp, "src_port"), nullptr);

  Event igmp =
      Apply(*f,
            "IN=wlp2s0 OUT= MAC=01:00:5e:00:00:fb:ac:de:48:00:11:22:08:00 SRC=192.168.1.23 "
            "DST=224.0.0.251 LEN=32 TOS=0x00 PREC=0xC0 TTL=1 ID=0 DF PROTO=2");
  EXPECT_EQ(Get(igmp, "proto")->as_string(), "2");

  Event v6 = Apply(*f,
                   "IN=eth0 OUT= MAC=52:54:00:12:34:56:52:54:00:ab:cd:ef:86:dd SRC=2001:db8::1 "
                   "DST=2001:db8::2 LEN=80 TC=0 HOPLIMIT=64 FLOWLBL=0 PROTO=TCP SPT=50000 DPT=22 "
                   "WINDOW=64800 RES=0x00 SYN URGP=0");
  EXPECT_EQ(Get(v6, "src_ip")->as_string(), "2001:db8::1");
  EXPECT_EQ(Get(v6, "ttl")->as_int(), 64);  // an integer for IPv6 too
  EXPECT_EQ(Get(v6, "len")->as_int(), 80);
  EXPECT_EQ(Get(v6, "dst_port")->as_int(), 22);

  Event icmp6 = Apply(*f,
                      "IN=eth0 OUT= MAC=52:54:00:12:34:56:52:54:00:ab:cd:ef:86:dd "
                      "SRC=fe80::250:56ff:fe8a:1b2c DST=ff02::1 LEN=72 TC=0 HOPLIMIT=255 FLOWLBL=0 "
                      "PROTO=ICMPv6 TYPE=134 CODE=0");
  EXPECT_EQ(Get(icmp6, "icmp_type")->as_int(), 134);

  Event bridge =
      Apply(*f,
            "IN=br0 OUT=eth0 PHYSIN=veth1a2b MAC=52:54:00:12:34:56:52:54:00:ab:cd:ef:08:00 "
            "SRC=172.17.0.2 DST=8.8.8.8 LEN=64 TOS=0x00 PREC=0x00 TTL=63 ID=7 PROTO=UDP "
            "SPT=41000 DPT=53 LEN=44");
  EXPECT_EQ(Get(bridge, "physin_device")->as_string(), "veth1a2b");
  EXPECT_EQ(Get(bridge, "udp_len")->as_int(), 44);
  EXPECT_EQ(Get(bridge, "len")->as_int(), 64);
}

TEST(BuiltinIptables, LegacyTakesTheSeedLineAndCapturesTtl) {
  auto f = Make("%{IPTABLES}", "disabled");
  Event e = Apply(*f, kSeedLine);
  EXPECT_EQ(Get(e, "in_device")->as_string(), "venet0");
  EXPECT_EQ(Get(e, "ttl")->as_int(), 50);
  EXPECT_EQ(Get(e, "src_port")->as_int(), 51955);
}

TEST(BuiltinIptables, UfwInBothFlavours) {
  const char* line =
      "[UFW BLOCK] IN=eth0 OUT= MAC=52:54:00:12:34:56:52:54:00:ab:cd:ef:08:00 SRC=185.220.101.4 "
      "DST=192.0.2.10 LEN=40 TOS=0x00 PREC=0x00 TTL=244 ID=54321 PROTO=TCP SPT=40125 DPT=3389 "
      "WINDOW=1024 RES=0x00 SYN URGP=0";
  Event legacy = Apply(*Make("%{UFW}", "disabled"), line);
  EXPECT_EQ(Get(legacy, "ufw_action")->as_string(), "BLOCK");
  EXPECT_EQ(Get(legacy, "dst_port")->as_int(), 3389);
  Event ecs = Apply(*Make("%{UFW}", "v8"), line);
  EXPECT_EQ(Get(ecs, "[ufw][action]")->as_string(), "BLOCK");
  EXPECT_EQ(Get(ecs, "[destination][port]")->as_int(), 3389);
  EXPECT_EQ(Get(ecs, "[iptables][ttl]")->as_int(), 244);
  // ECS NETFILTER also takes ICMP, which Logstash's ECS IPTABLES does not.
  Event icmp = Apply(*Make("%{NETFILTER}", "v8"),
                     "IN=eth0 OUT= SRC=198.51.100.23 DST=192.0.2.10 LEN=84 TOS=0x00 PREC=0x00 "
                     "TTL=57 ID=0 DF PROTO=ICMP TYPE=8 CODE=0 ID=3 SEQ=1");
  EXPECT_EQ(Get(icmp, "[icmp][type]")->as_int(), 8);
  Apply(*Make("%{IPTABLES}", "v8"),
        "IN=eth0 OUT= SRC=198.51.100.23 DST=192.0.2.10 LEN=84 TOS=0x00 PREC=0x00 TTL=57 ID=0 DF "
        "PROTO=ICMP TYPE=8 CODE=0 ID=3 SEQ=1",
        /*want_match=*/false);
}

TEST(BuiltinSshd, ParsesTheCommonSshdMessages) {
  auto legacy = Make("%{SSHD}", "disabled");
  Event ok = Apply(*legacy,
                   "Jun 10 06:25:01 fw01 sshd[4242]: Accepted publickey for alice from 203.0.113.7 "
                   "port 52311 ssh2: RSA SHA256:abc");
  EXPECT_EQ(Get(ok, "ssh_event")->as_string(), "Accepted");
  EXPECT_EQ(Get(ok, "ssh_user")->as_string(), "alice");
  EXPECT_EQ(Get(ok, "ssh_client_port")->as_int(), 52311);
  EXPECT_EQ(Get(ok, "program")->as_string(), "sshd");
  Event bad = Apply(*legacy,
                    "Jun 10 06:25:02 fw01 sshd[4243]: Failed password for invalid user admin from "
                    "198.51.100.9 port 40000 ssh2");
  EXPECT_EQ(Get(bad, "ssh_event")->as_string(), "Failed");
  EXPECT_EQ(Get(bad, "ssh_user")->as_string(), "admin");
  Event inv = Apply(*legacy,
                    "Jun 10 06:25:03 fw01 sshd[4244]: Invalid user oracle from 198.51.100.9 port "
                    "40001");
  EXPECT_EQ(Get(inv, "ssh_client_ip")->as_string(), "198.51.100.9");

  auto ecs = Make("%{SSHD}", "v8");
  Event closed = Apply(*ecs,
                       "Jun 10 06:25:04 fw01 sshd[4245]: Connection closed by authenticating user "
                       "root 198.51.100.9 port 40002 [preauth]");
  EXPECT_EQ(Get(closed, "[system][auth][ssh][event]")->as_string(), "Connection closed");
  EXPECT_EQ(Get(closed, "[user][name]")->as_string(), "root");
  EXPECT_EQ(Get(closed, "[source][port]")->as_int(), 40002);
}

TEST(SeedPatterns, MatchLogstashIncludingTheMissingTtl) {
  // The seed's own patterns_dir file: its ".*" before the optional TTL group swallows TTL=, so
  // Logstash produced no ttl field (seed step 27) and neither do we.
  auto f = Make("%{IPTABLES}", "disabled", PERIMETER_SOURCE_DIR "/src/filters/grok/testdata");
  Event e = Apply(*f, kSeedLine);
  EXPECT_EQ(Get(e, "in_device")->as_string(), "venet0");
  EXPECT_EQ(Get(e, "src_ip")->as_string(), "198.51.100.7");
  EXPECT_EQ(Get(e, "dst_ip")->as_string(), "203.0.113.5");
  EXPECT_EQ(Get(e, "proto")->as_string(), "TCP");
  EXPECT_EQ(Get(e, "src_port")->as_string(), "51955");  // strings: the seed has no :int
  EXPECT_EQ(Get(e, "dst_port")->as_string(), "22");
  EXPECT_EQ(Get(e, "ttl"), nullptr);
  EXPECT_EQ(Get(e, "out_device"), nullptr);  // OUT= is empty
  EXPECT_EQ(Get(e, "dst_mac"), nullptr);     // MAC= is empty
  // Exactly the fields of the seed's output, nothing else.
  std::vector<std::string> keys;
  for (size_t i = 0; i < e.fields().size(); ++i) keys.push_back(e.fields().key(i));
  EXPECT_EQ(keys, (std::vector<std::string>{"message", "@version", "@timestamp", "in_device",
                                            "src_ip", "dst_ip", "proto", "src_port", "dst_port"}));
}

}  // namespace
}  // namespace perimeter::grok

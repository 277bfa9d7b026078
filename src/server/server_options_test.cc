#include "server/server_options.h"

#include <gtest/gtest.h>

namespace perimeter {
namespace {

TEST(ParseListenAddress, AcceptsIpLiteralsAndKnowsLoopback) {
  Result<ListenAddress> a = ParseListenAddress("127.0.0.1:8443", "server.listen");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->ip, "127.0.0.1");
  EXPECT_EQ(a->port, 8443);
  EXPECT_TRUE(a->loopback);
  EXPECT_TRUE(ParseListenAddress("127.1.2.3:1", "x")->loopback);
  EXPECT_TRUE(ParseListenAddress("[::1]:8443", "x")->loopback);
  EXPECT_FALSE(ParseListenAddress("0.0.0.0:443", "x")->loopback);
  EXPECT_FALSE(ParseListenAddress("[::]:443", "x")->loopback);
  EXPECT_FALSE(ParseListenAddress("192.168.1.10:443", "x")->loopback);
  EXPECT_FALSE(ParseListenAddress("[::ffff:127.0.0.1]:443", "x")->loopback);
}

TEST(ParseListenAddress, RefusesNamesAndBadPorts) {
  for (const char* bad : {"localhost:8443", "127.0.0.1", "127.0.0.1:99999", "127.0.0.1:x",
                          "::1:8443", "[::1]8443", ":8443"}) {
    SCOPED_TRACE(bad);
    Result<ListenAddress> r = ParseListenAddress(bad, "server.listen");
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.status().message().find("server.listen"), std::string::npos);
  }
}

TEST(ValidateServerOptions, LoopbackNeedsNothing) {
  ServerOptions o;
  o.tls = false;
  EXPECT_TRUE(ValidateServerOptions(o, 0).ok());
}

TEST(ValidateServerOptions, NetworkListenerWithoutTlsNamesTheSetting) {
  ServerOptions o;
  o.listen = "0.0.0.0:8443";
  o.tls = false;
  Status st = ValidateServerOptions(o, 3);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("server.tls = true"), std::string::npos) << st.message();
}

TEST(ValidateServerOptions, NetworkListenerWithoutUsersNamesTheSetting) {
  ServerOptions o;
  o.listen = "[::]:8443";
  Status st = ValidateServerOptions(o, 0);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("server.users_file"), std::string::npos) << st.message();
  EXPECT_TRUE(ValidateServerOptions(o, 1).ok());
}

TEST(ValidateServerOptions, OtherImpossibleSettings) {
  ServerOptions o;
  o.tls_cert = "/etc/ssl/cert.pem";  // without a key
  EXPECT_NE(ValidateServerOptions(o, 0).message().find("server.tls_key"), std::string::npos);
  o = ServerOptions();
  o.redirect_listen = "0.0.0.0:80";
  o.tls = false;
  EXPECT_NE(ValidateServerOptions(o, 0).message().find("server.redirect_listen"),
            std::string::npos);
  o = ServerOptions();
  o.threads = 0;
  EXPECT_FALSE(ValidateServerOptions(o, 0).ok());
  o = ServerOptions();
  o.session_absolute_timeout = std::chrono::seconds(10);
  EXPECT_FALSE(ValidateServerOptions(o, 0).ok());
}

}  // namespace
}  // namespace perimeter

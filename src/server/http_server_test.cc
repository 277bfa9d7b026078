// The whole server over real sockets and real TLS, in process, on ephemeral loopback ports.
#include "server/http_server.h"

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <fstream>
#include <thread>

#include "server/password_hash.h"
#include "server/secret_token.h"
#include "server/test_https_client.h"

namespace perimeter {
namespace {

using namespace std::chrono_literals;
using testing::ClientTls;
using testing::Fetch;
using testing::RequestText;
using testing::TempDir;
using testing::TestConnection;

std::string Basic(std::string_view user, std::string_view password) {
  return "Basic " + Base64Encode(std::string(user) + ":" + std::string(password));
}

class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    spdlog::set_level(spdlog::level::off);
    std::ofstream(dir_.File("htpasswd"))
        << "alice:" << *HashPasswordBcrypt("alice-password", 4) << "\n"
        << "bob:" << *HashPasswordBcrypt("bob-password", 4) << "\n";
    std::ofstream(dir_.File("htpasswd.roles")) << "alice:admin\n";
    options_.listen = "127.0.0.1:0";
    options_.data_dir = dir_.File("data");
    options_.users_file = dir_.File("htpasswd");
    options_.max_body_bytes = size_t{64} * 1024;
    options_.request_timeout = 2s;
    options_.keep_alive_timeout = 2s;

    ASSERT_TRUE(router_
                    .Add(HttpMethod::kGet, "/api/v1/whoami", Role::kViewer,
                         [](const Request&, const AuthContext& a) {
                           return Response::Json(200, "{\"user\":\"" + a.user + "\"}");
                         })
                    .ok());
    ASSERT_TRUE(router_
                    .Add(HttpMethod::kPost, "/api/v1/echo", Role::kViewer,
                         [](const Request& r, const AuthContext&) {
                           return Response::Json(
                               200, "{\"bytes\":" + std::to_string(r.body.size()) + "}");
                         })
                    .ok());
    ASSERT_TRUE(router_
                    .AddStream("/api/v1/tail", Role::kViewer,
                               [this](const Request&, const AuthContext&,
                                      const std::shared_ptr<EventStream>& stream) {
                                 stream->OnClose([this] { ++streams_closed_; });
                                 std::lock_guard lock(tickers_mu_);
                                 tickers_.emplace_back([stream] {
                                   for (int i = 0;
                                        stream->Send("tick " + std::to_string(i), "tick"); ++i) {
                                     std::this_thread::sleep_for(20ms);
                                   }
                                 });
                               })
                    .ok());
    assets_["/index.html"] = Asset{"text/html; charset=utf-8", "<h1>Perimeter</h1>"};
  }

  void TearDown() override {
    server_.reset();
    std::lock_guard lock(tickers_mu_);
    for (std::thread& t : tickers_) t.join();
  }

  HttpServer& Start() {
    server_ = std::make_unique<HttpServer>(options_, router_, assets_);
    Status st = server_->Start();
    EXPECT_TRUE(st.ok()) << st.ToString();
    return *server_;
  }
  uint16_t port() const { return server_->port(); }

  TempDir dir_;
  ServerOptions options_;
  Router router_;
  AssetMap assets_;
  std::unique_ptr<HttpServer> server_;
  std::mutex tickers_mu_;
  std::vector<std::thread> tickers_;
  std::atomic<int> streams_closed_{0};
};

TEST_F(HttpServerTest, ServesTls13AndTls12) {
  Start();
  auto c13 = TestConnection::Open(port());
  ASSERT_TRUE(c13);
  EXPECT_EQ(c13->Protocol(), "TLSv1.3");
  auto c12 = TestConnection::Open(port(), ClientTls{true, TLS1_2_VERSION, TLS1_2_VERSION});
  ASSERT_TRUE(c12);
  EXPECT_EQ(c12->Protocol(), "TLSv1.2");
  ASSERT_TRUE(c12->Write(RequestText("GET", "/health")));
  auto reply = c12->ReadReply();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
  EXPECT_EQ(reply->body, R"({"status":"ok"})");
}

TEST_F(HttpServerTest, RefusesTls10AndTls11) {
  Start();
  // The same permissive client succeeds once TLS 1.2 is allowed, so a failure below is the
  // server's refusal and not a client that cannot speak at all.
  ASSERT_TRUE(TestConnection::Open(port(), ClientTls{true, TLS1_VERSION, TLS1_2_VERSION}));
  for (int version : {TLS1_VERSION, TLS1_1_VERSION}) {
    std::string error;
    auto c = TestConnection::Open(port(), ClientTls{true, version, version}, &error);
    EXPECT_FALSE(c) << "version " << version;
    EXPECT_NE(error.find("protocol version"), std::string::npos) << error;
  }
}

TEST_F(HttpServerTest, SelfSignedCertificateIsGeneratedOnceAndReused) {
  Start();
  std::string fingerprint = server_->certificate_fingerprint();
  ASSERT_EQ(fingerprint.size(), 95u);
  auto c = TestConnection::Open(port());
  ASSERT_TRUE(c);
  EXPECT_EQ(c->PeerFingerprint(), fingerprint);
  c.reset();
  server_.reset();
  EXPECT_TRUE(StampFile(options_.data_dir + "/tls/cert.pem").exists);
  Start();
  EXPECT_EQ(server_->certificate_fingerprint(), fingerprint);
  auto again = TestConnection::Open(port());
  ASSERT_TRUE(again);
  EXPECT_EQ(again->PeerFingerprint(), fingerprint);
}

TEST_F(HttpServerTest, ReloadServesANewCertificateWithoutDroppingConnections) {
  TempDir first;
  TempDir second;
  bool generated = false;
  CertificateFiles a = *EnsureSelfSignedCertificate(first.path(), "one", &generated);
  CertificateFiles b = *EnsureSelfSignedCertificate(second.path(), "two", &generated);
  options_.tls_cert = dir_.File("cert.pem");
  options_.tls_key = dir_.File("key.pem");
  auto install = [&](const CertificateFiles& f) {
    ASSERT_TRUE(WriteFileAtomically(options_.tls_cert, *ReadSmallFile(f.cert, 1 << 20), 0644).ok());
    ASSERT_TRUE(WriteFileAtomically(options_.tls_key, *ReadSmallFile(f.key, 1 << 20), 0600).ok());
  };
  install(a);
  Start();
  auto old_conn = TestConnection::Open(port());
  ASSERT_TRUE(old_conn);
  std::string old_fp = old_conn->PeerFingerprint();
  EXPECT_EQ(old_fp, *CertificateFingerprint(a.cert));

  install(b);
  ASSERT_TRUE(server_->Reload().ok());
  auto new_conn = TestConnection::Open(port());
  ASSERT_TRUE(new_conn);
  EXPECT_EQ(new_conn->PeerFingerprint(), *CertificateFingerprint(b.cert));
  EXPECT_EQ(server_->certificate_fingerprint(), *CertificateFingerprint(b.cert));
  // The connection made before the reload still answers.
  ASSERT_TRUE(old_conn->Write(RequestText("GET", "/health")));
  auto reply = old_conn->ReadReply();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);

  // A broken replacement is refused and the working certificate stays.
  ASSERT_TRUE(WriteFileAtomically(options_.tls_cert, "garbage", 0644).ok());
  EXPECT_FALSE(server_->Reload().ok());
  auto after = TestConnection::Open(port());
  ASSERT_TRUE(after);
  EXPECT_EQ(after->PeerFingerprint(), *CertificateFingerprint(b.cert));
}

TEST_F(HttpServerTest, CredentialsAreRequiredAndChecked) {
  Start();
  auto none = Fetch(port(), "GET", "/api/v1/whoami");
  ASSERT_TRUE(none);
  EXPECT_EQ(none->status, 401);
  EXPECT_EQ(none->Header("WWW-Authenticate"), R"(Basic realm="perimeter", charset="UTF-8")");
  auto wrong = Fetch(port(), "GET", "/api/v1/whoami", {{"Authorization", Basic("alice", "x")}});
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 401);
  auto right =
      Fetch(port(), "GET", "/api/v1/whoami", {{"Authorization", Basic("alice", "alice-password")}});
  ASSERT_TRUE(right);
  EXPECT_EQ(right->status, 200);
  EXPECT_EQ(right->body, R"({"user":"alice"})");
}

TEST_F(HttpServerTest, RepeatedFailuresGet429WithRetryAfter) {
  Start();
  std::vector<int> statuses;
  for (int i = 0; i < 7; ++i) {
    auto r = Fetch(port(), "GET", "/api/v1/whoami", {{"Authorization", Basic("bob", "guess")}});
    ASSERT_TRUE(r);
    statuses.push_back(r->status);
    if (r->status == 429) {
      EXPECT_FALSE(r->Header("Retry-After").empty());
    }
  }
  EXPECT_EQ(statuses.front(), 401);
  EXPECT_EQ(statuses.back(), 429);
}

TEST_F(HttpServerTest, LoginSetsSecureCookieAndCsrfIsEnforced) {
  Start();
  auto login = Fetch(port(), "POST", "/login", {{"Content-Type", "application/json"}},
                     R"({"user":"alice","password":"alice-password"})");
  ASSERT_TRUE(login);
  ASSERT_EQ(login->status, 200) << login->body;
  std::string cookie = login->Header("Set-Cookie");
  for (const char* attr :
       {"__Host-perimeter_session=", "; Secure", "; HttpOnly", "; SameSite=Strict", "; Path=/"}) {
    EXPECT_NE(cookie.find(attr), std::string::npos) << attr << " in " << cookie;
  }
  std::string pair = cookie.substr(0, cookie.find(';'));
  auto token_at = login->body.find("\"csrf_token\":\"");
  ASSERT_NE(token_at, std::string::npos);
  std::string csrf = login->body.substr(token_at + 14, 43);

  auto forged = Fetch(port(), "POST", "/api/v1/echo", {{"Cookie", pair}}, "x");
  ASSERT_TRUE(forged);
  EXPECT_EQ(forged->status, 403);
  auto ok = Fetch(port(), "POST", "/api/v1/echo", {{"Cookie", pair}, {"X-CSRF-Token", csrf}}, "xy");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
  EXPECT_EQ(ok->body, R"({"bytes":2})");
}

TEST_F(HttpServerTest, HardeningHeadersOnEveryKindOfAnswer) {
  Start();
  for (auto [method, target] : std::vector<std::pair<std::string, std::string>>{
           {"GET", "/health"}, {"GET", "/api/v1/whoami"}, {"GET", "/login"}, {"TRACE", "/"}}) {
    auto r = Fetch(port(), method, target);
    ASSERT_TRUE(r) << target;
    EXPECT_EQ(r->Header("Server"), "perimeter");
    EXPECT_NE(r->Header("Content-Security-Policy").find("script-src 'self'"), std::string::npos);
    EXPECT_NE(r->Header("Content-Security-Policy").find("frame-ancestors 'none'"),
              std::string::npos);
    EXPECT_EQ(r->Header("X-Content-Type-Options"), "nosniff");
    EXPECT_EQ(r->Header("Referrer-Policy"), "no-referrer");
    EXPECT_EQ(r->Header("X-Frame-Options"), "DENY");
    EXPECT_EQ(r->Header("Strict-Transport-Security"), "max-age=63072000");
  }
}

TEST_F(HttpServerTest, TraceIsRefused) {
  Start();
  auto trace = Fetch(port(), "TRACE", "/", {{"Authorization", Basic("alice", "alice-password")}});
  ASSERT_TRUE(trace);
  EXPECT_EQ(trace->status, 405);
  EXPECT_EQ(trace->body.find("alice"), std::string::npos);  // nothing echoed
  auto track = Fetch(port(), "TRACK", "/");
  ASSERT_TRUE(track);
  EXPECT_EQ(track->status, 405);
}

TEST_F(HttpServerTest, TraversalIsRefused) {
  Start();
  for (const char* target :
       {"/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/assets/%2e%2e%2fhtpasswd"}) {
    auto r = Fetch(port(), "GET", target, {{"Authorization", Basic("alice", "alice-password")}});
    ASSERT_TRUE(r) << target;
    EXPECT_EQ(r->status, 400) << target;
    EXPECT_EQ(r->Header("Content-Type"), "application/json");
  }
}

TEST_F(HttpServerTest, OversizedHeadersAndBodiesAreRefused) {
  Start();
  auto big_header = Fetch(port(), "GET", "/health", {{"X-Padding", std::string(20000, 'a')}});
  ASSERT_TRUE(big_header);
  EXPECT_EQ(big_header->status, 431);
  auto big_body =
      Fetch(port(), "POST", "/api/v1/echo", {{"Authorization", Basic("alice", "alice-password")}},
            std::string(options_.max_body_bytes + 1, 'b'));
  ASSERT_TRUE(big_body);
  EXPECT_EQ(big_body->status, 413);
  auto fits =
      Fetch(port(), "POST", "/api/v1/echo", {{"Authorization", Basic("alice", "alice-password")}},
            std::string(options_.max_body_bytes, 'b'));
  ASSERT_TRUE(fits);
  EXPECT_EQ(fits->status, 200);
}

TEST_F(HttpServerTest, SlowClientDoesNotBlockOthersAndIsCutOff) {
  Start();
  auto slow = TestConnection::Open(port());
  ASSERT_TRUE(slow);
  auto opened = std::chrono::steady_clock::now();
  std::atomic<bool> slow_cut{false};
  std::chrono::steady_clock::duration cut_after{};
  // Slow loris: one byte of the request head per second, never finishing in time.
  std::thread dribble([&] {
    std::string request = RequestText("GET", "/health");
    for (char c : request) {
      if (!slow->Write(std::string_view(&c, 1))) break;
      for (int i = 0; i < 10; ++i) {
        std::this_thread::sleep_for(100ms);
        if (slow->PeerClosed()) {
          cut_after = std::chrono::steady_clock::now() - opened;
          slow_cut = true;
          return;
        }
      }
    }
  });
  std::this_thread::sleep_for(300ms);
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 3; ++i) {
    auto r = Fetch(port(), "GET", "/health");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
  dribble.join();
  // request_timeout is 2 s: the server hangs up then, long before the request is complete.
  EXPECT_TRUE(slow_cut.load());
  EXPECT_GE(cut_after, 1900ms);
  EXPECT_LT(cut_after, 4s);
}

TEST_F(HttpServerTest, EventStreamDeliversTicksUntilTheClientLeaves) {
  Start();
  auto c = TestConnection::Open(port());
  ASSERT_TRUE(c);
  ASSERT_TRUE(c->Write(
      RequestText("GET", "/api/v1/tail", {{"Authorization", Basic("bob", "bob-password")}})));
  std::string raw = c->ReadUntil("data: tick", 3);
  EXPECT_NE(raw.find("HTTP/1.1 200"), std::string::npos);
  EXPECT_NE(raw.find("Content-Type: text/event-stream"), std::string::npos);
  EXPECT_NE(raw.find("Transfer-Encoding: chunked"), std::string::npos);
  EXPECT_NE(raw.find("event: tick\ndata: tick 0\n\n"), std::string::npos);
  EXPECT_NE(raw.find("data: tick 2\n\n"), std::string::npos);
  c.reset();  // the client disconnects
  for (int i = 0; i < 100 && streams_closed_ == 0; ++i) std::this_thread::sleep_for(20ms);
  EXPECT_EQ(streams_closed_.load(), 1);
}

TEST_F(HttpServerTest, KeepAliveAndHead) {
  Start();
  auto c = TestConnection::Open(port());
  ASSERT_TRUE(c);
  std::string auth = Basic("alice", "alice-password");
  ASSERT_TRUE(c->Write(RequestText("GET", "/", {{"Authorization", auth}})));
  auto get = c->ReadReply();
  ASSERT_TRUE(get);
  EXPECT_EQ(get->body, "<h1>Perimeter</h1>");
  ASSERT_TRUE(c->Write(RequestText("HEAD", "/", {{"Authorization", auth}})));
  auto head = c->ReadReply(/*head=*/true);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->Header("Content-Length"), "18");
  ASSERT_TRUE(c->Write(RequestText("GET", "/health")));
  auto third = c->ReadReply();
  ASSERT_TRUE(third);
  EXPECT_EQ(third->body, R"({"status":"ok"})");  // HEAD sent no body to confuse this
}

TEST_F(HttpServerTest, RedirectListenerSendsBrowsersToHttps) {
  options_.redirect_listen = "127.0.0.1:0";
  Start();
  ASSERT_NE(server_->redirect_port(), 0);
  auto r = Fetch(server_->redirect_port(), "GET", "/dashboards/ssh?from=now-1d", {}, "",
                 ClientTls{.enabled = false});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 301);
  EXPECT_EQ(r->Header("Location"),
            "https://localhost:" + std::to_string(port()) + "/dashboards/ssh?from=now-1d");
  EXPECT_EQ(r->Header("Strict-Transport-Security"), "");  // never over plain HTTP
}

TEST_F(HttpServerTest, ConnectionCapClosesExtraConnections) {
  options_.max_connections = 3;
  Start();
  std::vector<std::unique_ptr<TestConnection>> held;
  for (int i = 0; i < 3; ++i) {
    held.push_back(TestConnection::Open(port()));
    ASSERT_TRUE(held.back());
  }
  EXPECT_FALSE(TestConnection::Open(port()));
  held.clear();
  std::unique_ptr<TestConnection> later;
  for (int i = 0; i < 50 && !later; ++i) {
    std::this_thread::sleep_for(20ms);
    later = TestConnection::Open(port());
  }
  EXPECT_TRUE(later);
}

TEST_F(HttpServerTest, NetworkListenerNeedsTlsAndUsers) {
  options_.listen = "0.0.0.0:0";
  options_.tls = false;
  HttpServer no_tls(options_, router_, assets_);
  Status st = no_tls.Start();
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("server.tls = true"), std::string::npos) << st.message();

  options_.tls = true;
  options_.users_file = "";
  HttpServer no_users(options_, router_, assets_);
  st = no_users.Start();
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("server.users_file"), std::string::npos) << st.message();
}

TEST_F(HttpServerTest, PlainHttpOnLoopbackWithoutUsersIsAnonymousAdmin) {
  options_.tls = false;
  options_.users_file = "";
  Start();
  auto r = Fetch(port(), "GET", "/api/v1/whoami", {}, "", ClientTls{.enabled = false});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, R"({"user":"anonymous"})");
  EXPECT_EQ(r->Header("Strict-Transport-Security"), "");
}

}  // namespace
}  // namespace perimeter

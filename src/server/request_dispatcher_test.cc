#include "server/request_dispatcher.h"

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <fstream>
#include <stdexcept>
#include <utility>

#include "core/json.h"
#include "server/authenticator.h"
#include "server/password_hash.h"
#include "server/secret_token.h"
#include "server/test_https_client.h"

namespace perimeter {
namespace {

using testing::TempDir;

std::string Basic(std::string_view user, std::string_view password) {
  return "Basic " + Base64Encode(std::string(user) + ":" + std::string(password));
}

class DispatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    spdlog::set_level(spdlog::level::off);
    users_path_ = dir_.File("htpasswd");
    std::ofstream(users_path_) << "alice:" << *HashPasswordBcrypt("alice-password", 4) << "\n"
                               << "bob:" << *HashPasswordBcrypt("bob-password", 4) << "\n";
    std::ofstream(users_path_ + ".roles") << "alice:admin\nbob:viewer\n";
    ASSERT_TRUE(users_.Load().ok());
    ASSERT_TRUE(router_
                    .Add(HttpMethod::kGet, "/api/v1/events/{id}", Role::kViewer,
                         [](const Request& r, const AuthContext& a) {
                           return Response::Json(200, "{\"id\":\"" +
                                                          std::string(r.PathParam("id")) +
                                                          "\",\"user\":\"" + a.user + "\"}");
                         })
                    .ok());
    ASSERT_TRUE(router_
                    .Add(HttpMethod::kPost, "/api/v1/settings", Role::kAdmin,
                         [](const Request&, const AuthContext&) {
                           return Response::Json(200, R"({"saved":true})");
                         })
                    .ok());
    ASSERT_TRUE(router_
                    .Add(HttpMethod::kGet, "/api/v1/boom", Role::kViewer,
                         [](const Request&, const AuthContext&) -> Response {
                           throw std::runtime_error("/secret/path/db.part corrupted");
                         })
                    .ok());
    assets_["/index.html"] = Asset{"text/html; charset=utf-8", "<html>dashboard</html>"};
    assets_["/assets/app.js"] = Asset{"text/javascript", "console.log(1)"};
  }

  RequestDispatcher::Outcome Send(
      const std::string& method, std::string target,
      const std::vector<std::pair<std::string, std::string>>& headers = {}, std::string body = "",
      bool tls = true) {
    Request r;
    r.method_name = method;
    r.method = ParseHttpMethod(method);
    r.target = std::move(target);
    r.headers.Add("Host", "perimeter.example:8443");
    for (auto& [k, v] : headers) r.headers.Add(k, v);
    r.body = std::move(body);
    r.remote_address = "10.0.0.7";
    r.tls = tls;
    return dispatcher_.Dispatch(r);
  }

  // Logs in through the JSON login and returns the session cookie value and CSRF token.
  std::pair<std::string, std::string> LogIn(const std::string& user, const std::string& password) {
    auto out = Send("POST", "/login", {{"Content-Type", "application/json"}},
                    R"({"user":")" + user + R"(","password":")" + password + R"("})");
    EXPECT_EQ(out.response.status, 200) << out.response.body;
    std::string cookie(out.response.headers.Get("Set-Cookie"));
    std::string id = cookie.substr(cookie.find('=') + 1, cookie.find(';') - cookie.find('=') - 1);
    Result<Value> json = ParseJson(out.response.body);
    EXPECT_TRUE(json.ok());
    const Value* token = json->as_object().Find("csrf_token");
    return {id, token ? token->as_string() : ""};
  }

  TempDir dir_;
  std::string users_path_;
  UserDirectory users_{dir_.File("htpasswd")};
  ApiKeyStore keys_{dir_.File("api_keys")};
  SessionStore sessions_{std::chrono::minutes(30), std::chrono::hours(12)};
  LoginThrottle throttle_;
  Authenticator auth_{users_, keys_, sessions_, throttle_, /*anonymous_admin=*/false};
  Router router_;
  AssetMap assets_;
  RequestDispatcher dispatcher_{router_, assets_, auth_};
};

TEST_F(DispatcherTest, HealthNeedsNoAuthAndSaysNothingElse) {
  auto out = Send("GET", "/health");
  EXPECT_EQ(out.response.status, 200);
  EXPECT_EQ(out.response.body, R"({"status":"ok"})");
}

// The login page's icon is public (browsers fetch /favicon.ico before anyone logs in); the
// dashboard's other files are not.
TEST_F(DispatcherTest, FaviconNeedsNoAuthButTheDashboardDoes) {
  assets_["/favicon.svg"] = Asset{"image/svg+xml", "<svg/>"};
  assets_["/index.html"] = Asset{"text/html; charset=utf-8", "<html>"};
  for (const char* path : {"/favicon.svg", "/favicon.ico"}) {
    auto out = Send("GET", path);
    EXPECT_EQ(out.response.status, 200) << path;
    EXPECT_EQ(out.response.body, "<svg/>") << path;
  }
  EXPECT_NE(Send("GET", "/index.html").response.status, 200);
}

TEST_F(DispatcherTest, EveryAnswerCarriesTheHardeningHeaders) {
  for (const auto& out : {Send("GET", "/health"), Send("GET", "/api/v1/events/1"),
                          Send("TRACE", "/"), Send("GET", "/%2e%2e/x")}) {
    const HeaderList& h = out.response.headers;
    EXPECT_EQ(h.Get("Server"), "perimeter");
    EXPECT_EQ(h.Get("Content-Security-Policy"),
              "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
              "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
    EXPECT_EQ(h.Get("X-Content-Type-Options"), "nosniff");
    EXPECT_EQ(h.Get("Referrer-Policy"), "no-referrer");
    EXPECT_EQ(h.Get("X-Frame-Options"), "DENY");
    EXPECT_EQ(h.Get("Strict-Transport-Security"), "max-age=63072000");
  }
  EXPECT_FALSE(Send("GET", "/health", {}, "", /*tls=*/false)
                   .response.headers.Has("Strict-Transport-Security"));
}

TEST_F(DispatcherTest, TraceTrackAndConnectAre405AndUnknownMethods501) {
  for (const char* m : {"TRACE", "TRACK", "CONNECT"}) {
    auto out = Send(m, "/", {{"Authorization", Basic("alice", "alice-password")}});
    EXPECT_EQ(out.response.status, 405) << m;
    EXPECT_EQ(out.response.headers.Get("Allow"), RequestDispatcher::kAllowedMethods);
  }
  EXPECT_EQ(Send("PROPFIND", "/").response.status, 501);
  EXPECT_EQ(Send("BREW", "/").response.status, 501);
}

TEST_F(DispatcherTest, TraversalAndMalformedTargetsAre400) {
  for (const char* t :
       {"/../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/assets/..%2f..%2fx", "/a%00"}) {
    auto out = Send("GET", t, {{"Authorization", Basic("alice", "alice-password")}});
    EXPECT_EQ(out.response.status, 400) << t;
    EXPECT_EQ(out.response.body,
              R"({"error":{"status":400,"reason":"malformed or unsafe request path"}})");
  }
}

TEST_F(DispatcherTest, ScriptsWithoutCredentialsGetBasicChallenge) {
  auto out = Send("GET", "/api/v1/events/1");
  EXPECT_EQ(out.response.status, 401);
  EXPECT_EQ(out.response.headers.Get("WWW-Authenticate"),
            R"(Basic realm="perimeter", charset="UTF-8")");
}

TEST_F(DispatcherTest, BrowsersAreSentToTheLoginPageWithoutBasicPopup) {
  auto page = Send("GET", "/dashboards/x?from=now-1h",
                   {{"Accept", "text/html"}, {"Sec-Fetch-Mode", "navigate"}});
  EXPECT_EQ(page.response.status, 303);
  EXPECT_EQ(page.response.headers.Get("Location"), "/login?next=/dashboards/x%3Ffrom%3Dnow-1h");
  auto api = Send("GET", "/api/v1/events/1", {{"Sec-Fetch-Mode", "cors"}});
  EXPECT_EQ(api.response.status, 401);
  EXPECT_FALSE(api.response.headers.Has("WWW-Authenticate"));
}

TEST_F(DispatcherTest, WrongPasswordAndUnknownUserLookTheSame) {
  auto wrong = Send("GET", "/api/v1/events/1", {{"Authorization", Basic("alice", "nope")}});
  auto unknown = Send("GET", "/api/v1/events/1", {{"Authorization", Basic("zed", "nope")}});
  EXPECT_EQ(wrong.response.status, 401);
  EXPECT_EQ(wrong.response.status, unknown.response.status);
  EXPECT_EQ(wrong.response.body, unknown.response.body);
}

TEST_F(DispatcherTest, BasicAuthReachesHandlersWithUserAndParams) {
  auto out = Send("GET", "/api/v1/events/abc", {{"Authorization", Basic("bob", "bob-password")}});
  EXPECT_EQ(out.response.status, 200);
  EXPECT_EQ(out.response.body, R"({"id":"abc","user":"bob"})");
  EXPECT_EQ(out.auth.role, Role::kViewer);
}

TEST_F(DispatcherTest, ViewersCannotChangeState) {
  auto out = Send("POST", "/api/v1/settings", {{"Authorization", Basic("bob", "bob-password")}});
  EXPECT_EQ(out.response.status, 403);
  auto admin =
      Send("POST", "/api/v1/settings", {{"Authorization", Basic("alice", "alice-password")}});
  EXPECT_EQ(admin.response.status, 200);
}

TEST_F(DispatcherTest, LoginSetsAHardenedSessionCookie) {
  auto out = Send("POST", "/login", {{"Content-Type", "application/x-www-form-urlencoded"}},
                  "user=alice&password=alice-password&next=%2Fdashboards");
  EXPECT_EQ(out.response.status, 303);
  EXPECT_EQ(out.response.headers.Get("Location"), "/dashboards");
  std::string cookie(out.response.headers.Get("Set-Cookie"));
  EXPECT_EQ(cookie.rfind("__Host-perimeter_session=", 0), 0u) << cookie;
  for (const char* attr :
       {"; Path=/", "; Secure", "; HttpOnly", "; SameSite=Strict", "; Max-Age="}) {
    EXPECT_NE(cookie.find(attr), std::string::npos) << attr;
  }
}

TEST_F(DispatcherTest, LoginRedirectsOnlyToLocalPaths) {
  for (const char* next : {"%2F%2Fevil.example%2F", "https%3A%2F%2Fevil.example", "%2F%5Cevil"}) {
    auto out = Send("POST", "/login", {{"Content-Type", "application/x-www-form-urlencoded"}},
                    std::string("user=alice&password=alice-password&next=") + next);
    EXPECT_EQ(out.response.headers.Get("Location"), "/") << next;
  }
}

TEST_F(DispatcherTest, FailedFormLoginShowsOneGenericMessage) {
  auto out = Send("POST", "/login", {{"Content-Type", "application/x-www-form-urlencoded"}},
                  "user=alice&password=wrong");
  EXPECT_EQ(out.response.status, 401);
  EXPECT_NE(out.response.body.find("Wrong user name or password."), std::string::npos);
  EXPECT_FALSE(out.response.headers.Has("Set-Cookie"));
}

TEST_F(DispatcherTest, SessionCookieAuthenticatesAndSessionEndpointGivesCsrfToken) {
  auto [id, csrf] = LogIn("alice", "alice-password");
  ASSERT_FALSE(id.empty());
  std::string cookie = "__Host-perimeter_session=" + id;
  auto out = Send("GET", "/api/v1/events/7", {{"Cookie", "theme=dark; " + cookie}});
  EXPECT_EQ(out.response.status, 200);
  EXPECT_EQ(out.auth.method, AuthMethod::kSession);
  auto session = Send("GET", "/api/v1/session", {{"Cookie", cookie}});
  EXPECT_NE(session.response.body.find("\"csrf_token\":\"" + csrf + "\""), std::string::npos);
  // Over plain HTTP the "__Host-" cookie name does not apply.
  EXPECT_EQ(Send("GET", "/api/v1/events/7", {{"Cookie", cookie}}, "", false).response.status, 401);
}

TEST_F(DispatcherTest, CookieAuthenticatedChangesNeedTheCsrfToken) {
  auto [id, csrf] = LogIn("alice", "alice-password");
  std::string cookie = "__Host-perimeter_session=" + id;
  EXPECT_EQ(Send("POST", "/api/v1/settings", {{"Cookie", cookie}}).response.status, 403);
  EXPECT_EQ(Send("POST", "/api/v1/settings", {{"Cookie", cookie}, {"X-CSRF-Token", "forged"}})
                .response.status,
            403);
  EXPECT_EQ(Send("POST", "/api/v1/settings", {{"Cookie", cookie}, {"X-CSRF-Token", csrf}})
                .response.status,
            200);
  EXPECT_EQ(Send("POST", "/api/v1/settings",
                 {{"Cookie", cookie}, {"Content-Type", "application/x-www-form-urlencoded"}},
                 "csrf_token=" + csrf)
                .response.status,
            200);
  // Even with the token, a browser that marks the request cross-site is refused.
  EXPECT_EQ(Send("POST", "/api/v1/settings",
                 {{"Cookie", cookie}, {"X-CSRF-Token", csrf}, {"Sec-Fetch-Site", "cross-site"}})
                .response.status,
            403);
}

TEST_F(DispatcherTest, BasicAndApiKeyClientsNeedNoCsrfTokenButBrowsersCannotForge) {
  std::string basic = Basic("alice", "alice-password");
  EXPECT_EQ(Send("POST", "/api/v1/settings", {{"Authorization", basic}}).response.status, 200);
  EXPECT_EQ(Send("POST", "/api/v1/settings",
                 {{"Authorization", basic}, {"Origin", "https://evil.example"}})
                .response.status,
            403);
  EXPECT_EQ(Send("POST", "/api/v1/settings",
                 {{"Authorization", basic}, {"Origin", "https://perimeter.example:8443"}})
                .response.status,
            200);
}

TEST(IsSameOriginRequest, ComparesOriginWithHostAndScheme) {
  auto check = [](const std::string& origin, const std::string& site, bool tls) {
    Request r;
    r.headers.Add("Host", "logs.example:8443");
    if (!origin.empty()) r.headers.Add("Origin", origin);
    if (!site.empty()) r.headers.Add("Sec-Fetch-Site", site);
    r.tls = tls;
    return IsSameOriginRequest(r);
  };
  EXPECT_TRUE(check("", "", true));  // not a browser
  EXPECT_TRUE(check("https://logs.example:8443", "", true));
  EXPECT_FALSE(check("http://logs.example:8443", "", true));  // downgraded origin
  EXPECT_FALSE(check("https://logs.example", "", true));
  EXPECT_FALSE(check("https://evil.example", "", true));
  EXPECT_FALSE(check("null", "", true));
  EXPECT_TRUE(check("https://logs.example:8443", "", false));  // behind a TLS proxy
  EXPECT_TRUE(check("http://logs.example:8443", "", false));
  EXPECT_TRUE(check("", "same-origin", true));
  EXPECT_TRUE(check("", "none", true));  // typed into the address bar
  EXPECT_FALSE(check("", "same-site", true));
  EXPECT_FALSE(check("https://logs.example:8443", "cross-site", true));
}

TEST_F(DispatcherTest, CrossSiteLoginIsRefused) {
  auto out = Send(
      "POST", "/login",
      {{"Content-Type", "application/x-www-form-urlencoded"}, {"Origin", "https://evil.example"}},
      "user=alice&password=alice-password");
  EXPECT_EQ(out.response.status, 403);
  EXPECT_FALSE(out.response.headers.Has("Set-Cookie"));
}

TEST_F(DispatcherTest, LogoutEndsTheSession) {
  auto [id, csrf] = LogIn("bob", "bob-password");
  std::string cookie = "__Host-perimeter_session=" + id;
  auto out = Send("POST", "/logout", {{"Cookie", cookie}});
  EXPECT_EQ(out.response.status, 200);
  EXPECT_NE(std::string(out.response.headers.Get("Set-Cookie")).find("Max-Age=0"),
            std::string::npos);
  EXPECT_EQ(Send("GET", "/api/v1/events/1", {{"Cookie", cookie}}).response.status, 401);
}

TEST_F(DispatcherTest, RepeatedFailuresAreThrottledWithRetryAfter) {
  int last = 0;
  for (int i = 0; i < kPerSourceThrottle.free_failures; ++i) {
    last = Send("GET", "/api/v1/events/1", {{"Authorization", Basic("alice", "guess")}})
               .response.status;
    EXPECT_EQ(last, 401);
  }
  auto out = Send("GET", "/api/v1/events/1", {{"Authorization", Basic("alice", "guess")}});
  EXPECT_EQ(out.response.status, 429);
  EXPECT_EQ(out.response.headers.Get("Retry-After"), "1");
  // The right password is not even checked while throttled...
  EXPECT_EQ(Send("GET", "/api/v1/events/1", {{"Authorization", Basic("bob", "bob-password")}})
                .response.status,
            429);
}

TEST_F(DispatcherTest, KnownGoodCredentialsPassWhileTheUserNameIsUnderAttack) {
  std::string good = Basic("alice", "alice-password");
  ASSERT_EQ(Send("GET", "/api/v1/events/1", {{"Authorization", good}}).response.status, 200);
  for (int i = 0; i < 20; ++i) {
    Send("GET", "/api/v1/events/1", {{"Authorization", Basic("alice", "guess")}});
  }
  EXPECT_EQ(Send("GET", "/api/v1/events/1", {{"Authorization", good}}).response.status, 200);
}

TEST_F(DispatcherTest, ApiKeysAuthenticateMachineClients) {
  Result<std::string> key = keys_.Create("shipper", Role::kViewer, 1);
  ASSERT_TRUE(key.ok());
  auto out = Send("GET", "/api/v1/events/1", {{"Authorization", "ApiKey " + *key}});
  EXPECT_EQ(out.response.status, 200);
  EXPECT_EQ(out.auth.user, "apikey:shipper");
  EXPECT_EQ(
      Send("GET", "/api/v1/events/1", {{"Authorization", "ApiKey pmk_wrong"}}).response.status,
      401);
  EXPECT_EQ(Send("POST", "/api/v1/settings", {{"Authorization", "ApiKey " + *key}}).response.status,
            403);  // a viewer key
  EXPECT_EQ(Send("GET", "/api/v1/events/1", {{"Authorization", "Bearer xyz"}}).response.status,
            401);
}

TEST_F(DispatcherTest, AssetsNeedAuthAndNothingIsListed) {
  std::string basic = Basic("bob", "bob-password");
  EXPECT_EQ(Send("GET", "/assets/app.js").response.status, 401);
  auto index = Send("GET", "/", {{"Authorization", basic}});
  EXPECT_EQ(index.response.status, 200);
  EXPECT_EQ(index.response.body, "<html>dashboard</html>");
  EXPECT_EQ(index.response.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(Send("GET", "/assets/", {{"Authorization", basic}}).response.status, 404);
  EXPECT_EQ(Send("GET", "/assets", {{"Authorization", basic}}).response.status, 404);
  EXPECT_EQ(Send("GET", "/etc/passwd", {{"Authorization", basic}}).response.status, 404);
  auto head = Send("HEAD", "/assets/app.js", {{"Authorization", basic}});
  EXPECT_EQ(head.response.status, 200);
}

TEST_F(DispatcherTest, HandlerFailuresLeakNothing) {
  auto out = Send("GET", "/api/v1/boom", {{"Authorization", Basic("bob", "bob-password")}});
  EXPECT_EQ(out.response.status, 500);
  EXPECT_EQ(out.response.body.find("secret"), std::string::npos);
  EXPECT_EQ(out.response.body,
            R"({"error":{"status":500,"reason":"internal error; the server log has details"}})");
}

TEST_F(DispatcherTest, WrongMethodOnAKnownPathIs405) {
  auto out =
      Send("DELETE", "/api/v1/settings", {{"Authorization", Basic("alice", "alice-password")}});
  EXPECT_EQ(out.response.status, 405);
  EXPECT_EQ(out.response.headers.Get("Allow"), "POST");
}

TEST(AnonymousDispatch, OnlyWithoutUsersAndOnlyForLocalhostHostNames) {
  spdlog::set_level(spdlog::level::off);
  TempDir dir;
  UserDirectory users("");
  ApiKeyStore keys("");
  SessionStore sessions(std::chrono::minutes(30), std::chrono::hours(1));
  LoginThrottle throttle;
  Authenticator auth(users, keys, sessions, throttle, /*anonymous_admin=*/true);
  Router router;
  ASSERT_TRUE(router
                  .Add(HttpMethod::kPost, "/api/v1/x", Role::kAdmin,
                       [](const Request&, const AuthContext&) { return Response::Json(200, "{}"); })
                  .ok());
  AssetMap assets;
  RequestDispatcher dispatcher(router, assets, auth);
  auto send = [&](std::string host, const std::string& origin) {
    Request r;
    r.method_name = "POST";
    r.method = HttpMethod::kPost;
    r.target = "/api/v1/x";
    r.headers.Add("Host", std::move(host));
    if (!origin.empty()) r.headers.Add("Origin", origin);
    r.tls = false;
    return dispatcher.Dispatch(r).response.status;
  };
  EXPECT_EQ(send("127.0.0.1:8443", ""), 200);
  EXPECT_EQ(send("localhost:8443", "http://localhost:8443"), 200);
  EXPECT_EQ(send("[::1]:8443", ""), 200);
  // DNS rebinding: a hostile name resolving to 127.0.0.1, same-origin to itself.
  EXPECT_EQ(send("rebind.evil.example:8443", "http://rebind.evil.example:8443"), 403);
  // A page on another site posting to localhost.
  EXPECT_EQ(send("localhost:8443", "https://evil.example"), 403);
}

}  // namespace
}  // namespace perimeter

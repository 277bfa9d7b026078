#include "server/request_dispatcher.h"

#include <fmt/format.h>
#include <openssl/crypto.h>
#include <spdlog/spdlog.h>

#include <exception>

#include "core/json.h"
#include "core/value.h"
#include "server/authenticator.h"
#include "server/log_safe.h"
#include "server/login_page.h"
#include "server/request_target.h"
#include "server/secret_token.h"
#include "server/security_headers.h"

namespace perimeter {
namespace {

constexpr std::string_view kLoginPath = "/login";
constexpr std::string_view kLogoutPath = "/logout";
constexpr std::string_view kSessionPath = "/api/v1/session";
constexpr std::string_view kHealthPath = "/health";
constexpr std::string_view kCsrfHeader = "X-CSRF-Token";
constexpr std::string_view kCsrfFormField = "csrf_token";

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

bool IsApiPath(std::string_view path) { return StartsWith(path, "/api/"); }

// A browser sends these on every request; scripts do not.
bool FromBrowser(const Request& r) {
  return r.headers.Has("Sec-Fetch-Mode") || r.headers.Has("Origin");
}

bool WantsHtml(const Request& r) {
  if (r.headers.Get("Sec-Fetch-Mode") == "navigate") return true;
  return r.headers.Get("Accept").find("text/html") != std::string_view::npos;
}

bool IsFormBody(const Request& r) {
  return StartsWith(r.headers.Get("Content-Type"), "application/x-www-form-urlencoded");
}

bool IsJsonBody(const Request& r) {
  return StartsWith(r.headers.Get("Content-Type"), "application/json");
}

// Host header names this machine's loopback interface: anonymous access (no users configured)
// is for local browsers only, and checking Host defeats DNS rebinding, where a hostile page's
// own domain is made to resolve to 127.0.0.1.
bool IsLoopbackHost(std::string_view host) {
  if (StartsWith(host, "[::1]")) return host.size() == 5 || host[5] == ':';
  size_t colon = host.find(':');
  std::string_view name = host.substr(0, colon);
  return name == "localhost" || StartsWith(name, "127.");
}

// A local path to go back to after logging in; anything else (other hosts, "//evil",
// backslashes) falls back to "/" so the login page cannot be used as an open redirect.
std::string SafeNext(std::string_view next) {
  if (next.empty() || next.front() != '/' || StartsWith(next, "//") ||
      next.find('\\') != std::string_view::npos || !ParseRequestTarget(next).ok()) {
    return "/";
  }
  return std::string(next);
}

Response Html(int status, std::string body) {
  Response r;
  r.status = status;
  r.content_type = "text/html; charset=utf-8";
  r.body = std::move(body);
  return r;
}

std::string SessionJson(const AuthContext& ctx, std::string_view csrf_token) {
  Object o;
  o.Set("user", ctx.user);
  o.Set("role", RoleName(ctx.role));
  o.Set("auth", AuthMethodName(ctx.method));
  if (!csrf_token.empty()) o.Set("csrf_token", csrf_token);
  return Value(std::move(o)).ToJson();
}

Response Throttled(std::chrono::seconds retry_after, bool html) {
  std::string message =
      fmt::format("Too many failed logins. Try again in {} seconds.", retry_after.count());
  Response r = html ? Html(429, LoginPageHtml(message, "/")) : Response::Error(429, message);
  r.headers.Set("Retry-After", std::to_string(retry_after.count()));
  return r;
}

Response Unauthenticated(const Request& request, const Authenticator::Outcome& outcome);

}  // namespace

bool IsSameOriginRequest(const Request& request) {
  std::string_view site = request.headers.Get("Sec-Fetch-Site");
  if (!site.empty()) return site == "same-origin" || site == "none";
  std::string_view origin = request.headers.Get("Origin");
  if (origin.empty()) return true;
  std::string_view host = request.headers.Get("Host");
  if (origin == fmt::format("https://{}", host)) return true;
  // Plain HTTP reaches us on loopback only: directly, or from a TLS-terminating proxy whose
  // pages are https (the proxy must pass the Host header through).
  return !request.tls && origin == fmt::format("http://{}", host);
}

RequestDispatcher::RequestDispatcher(const Router& router, const AssetMap& assets,
                                     Authenticator& auth)
    : router_(router), assets_(assets), auth_(auth) {}

Response RequestDispatcher::ListenerError(int status, std::string_view reason, bool tls) {
  Response r = Response::Error(status, reason);
  AddSecurityHeaders(tls, &r);
  return r;
}

RequestDispatcher::Outcome RequestDispatcher::Dispatch(Request& request) {
  Outcome out;
  try {
    out = Route(request);
  } catch (const std::exception& e) {
    spdlog::error("server: {} {} failed: {}", request.method_name, LogSafe(request.path), e.what());
    out = Outcome{Response::Error(500, "internal error; the server log has details"), nullptr, {}};
  } catch (...) {
    spdlog::error("server: {} {} failed with an unknown exception", request.method_name,
                  LogSafe(request.path));
    out = Outcome{Response::Error(500, "internal error; the server log has details"), nullptr, {}};
  }
  AddSecurityHeaders(request.tls, &out.response);
  return out;
}

RequestDispatcher::Outcome RequestDispatcher::Route(Request& request) {
  Outcome out;
  std::string_view name = request.method_name;
  // TRACE echoes requests, cookies included (cross-site tracing); TRACK is IIS's alias and
  // CONNECT asks for a tunnel. Refused outright, like Apache's TraceEnable Off.
  if (request.method == HttpMethod::kTrace || name == "TRACK" || name == "CONNECT") {
    out.response = Response::Error(405, "method not allowed");
    out.response.headers.Set("Allow", std::string(kAllowedMethods));
    return out;
  }
  if (request.method == HttpMethod::kOther) {
    out.response = Response::Error(501, "method not implemented");
    return out;
  }
  Result<RequestTarget> target = ParseRequestTarget(request.target);
  if (!target.ok()) {
    out.response = Response::Error(400, "malformed or unsafe request path");
    return out;
  }
  request.path = std::move(target->path);
  request.query = std::move(target->query);
  const std::string& path = request.path;
  bool get_like = request.method == HttpMethod::kGet || request.method == HttpMethod::kHead;

  if (path == kHealthPath && get_like) {
    // Unauthenticated for load balancers and monitors, so it says nothing but "up".
    out.response = Response::Json(200, R"({"status":"ok"})");
    return out;
  }
  if (path == "/login.css" && get_like) {
    out.response = Response{200, "text/css; charset=utf-8", {}, std::string(LoginPageCss())};
    out.response.headers.Set("Cache-Control", "no-cache");
    return out;
  }
  if ((path == "/favicon.svg" || path == "/favicon.ico") && get_like) {
    // The login page's tab icon, before any session exists: public, like /login.css (browsers
    // ask for /favicon.ico on their own).
    auto it = assets_.find(std::string_view("/favicon.svg"));
    if (it != assets_.end()) {
      out.response = Response{200, it->second.content_type, {}, it->second.bytes};
      out.response.headers.Set("Cache-Control", "no-cache");
    } else {
      out.response = Response::Error(404, "not found");
    }
    return out;
  }
  if (path == kLoginPath) {
    if (get_like) {
      std::string next = SafeNext(request.QueryParam("next").value_or("/"));
      out.response = Html(200, LoginPageHtml("", next));
    } else if (request.method == HttpMethod::kPost) {
      out.response = Login(request);
    } else {
      out.response = Response::Error(405, "method not allowed");
      out.response.headers.Set("Allow", "GET, HEAD, POST");
    }
    return out;
  }
  if (path == kLogoutPath) {
    if (request.method == HttpMethod::kPost) {
      out.response = Logout(request);
    } else {
      out.response = Response::Error(405, "method not allowed");
      out.response.headers.Set("Allow", "POST");
    }
    return out;
  }

  Authenticator::Outcome auth = auth_.Authenticate(request);
  if (auth.verdict != Authenticator::Verdict::kOk) {
    out.response = Unauthenticated(request, auth);
    return out;
  }
  out.auth = auth.context;
  const AuthContext& ctx = out.auth;

  if (ctx.method == AuthMethod::kAnonymous && !IsLoopbackHost(request.headers.Get("Host"))) {
    out.response =
        Response::Error(403,
                        "without users this server only answers requests to localhost; configure "
                        "server.users_file to allow other host names");
    return out;
  }
  if (IsStateChanging(request.method)) {
    // API keys are never sent by browsers on their own, so they cannot be forged cross-site.
    if (ctx.method != AuthMethod::kApiKey && !IsSameOriginRequest(request)) {
      spdlog::warn("server: refused cross-site {} {} for user '{}' from {}", request.method_name,
                   LogSafe(path), LogSafe(ctx.user), request.remote_address);
      out.response = Response::Error(403, "cross-site request refused");
      return out;
    }
    if (ctx.method == AuthMethod::kSession) {
      std::string_view sent = request.headers.Get(kCsrfHeader);
      std::optional<std::string> form_token;
      if (sent.empty() && IsFormBody(request)) {
        form_token = FindFormField(request.body, kCsrfFormField);
        if (form_token) sent = *form_token;
      }
      if (sent.empty() || !ConstantTimeEquals(sent, auth.csrf_token)) {
        spdlog::warn("server: refused {} {} without a valid CSRF token for user '{}' from {}",
                     request.method_name, LogSafe(path), LogSafe(ctx.user), request.remote_address);
        out.response =
            Response::Error(403,
                            "missing or wrong CSRF token: send the X-CSRF-Token header with the "
                            "csrf_token from GET /api/v1/session");
        return out;
      }
    }
  }

  if (path == kSessionPath && get_like) {
    out.response = Response::Json(200, SessionJson(ctx, auth.csrf_token));
    return out;
  }

  RouteMatch match = router_.Find(request.method, path);
  if (match.route != nullptr) {
    if (!ctx.Allows(match.route->required_role)) {
      spdlog::warn("server: user '{}' ({}) denied {} {}", LogSafe(ctx.user), RoleName(ctx.role),
                   request.method_name, LogSafe(path));
      out.response = Response::Error(
          403, fmt::format("this needs the {} role", RoleName(match.route->required_role)));
      return out;
    }
    request.path_params = std::move(match.params);
    if (match.route->stream_handler) {
      out.stream = &match.route->stream_handler;
      out.response.status = 200;
      out.response.content_type = "text/event-stream";
      out.response.headers.Set("Cache-Control", "no-store");
      // Tells nginx-style proxies not to buffer the stream.
      out.response.headers.Set("X-Accel-Buffering", "no");
      return out;
    }
    out.response = match.route->handler(request, ctx);
    return out;
  }
  if (!match.allowed_methods.empty()) {
    out.response = Response::Error(405, "method not allowed");
    out.response.headers.Set("Allow", match.allowed_methods);
    return out;
  }
  if (get_like) {
    auto it = assets_.find(path == "/" ? std::string_view("/index.html") : std::string_view(path));
    if (it != assets_.end()) {
      out.response = Response{200, it->second.content_type, {}, it->second.bytes};
      // Revalidated on each load: the binary's next version may ship different files.
      out.response.headers.Set("Cache-Control", "no-cache");
      return out;
    }
  }
  out.response = Response::Error(404, "not found");
  return out;
}

namespace {

Response Unauthenticated(const Request& request, const Authenticator::Outcome& outcome) {
  if (outcome.verdict == Authenticator::Verdict::kThrottled) {
    return Throttled(outcome.retry_after, false);
  }
  bool get_like = request.method == HttpMethod::kGet || request.method == HttpMethod::kHead;
  if (outcome.verdict == Authenticator::Verdict::kNoCredentials && get_like &&
      !IsApiPath(request.path) && WantsHtml(request)) {
    std::string next = request.path;
    if (!request.query.empty()) next += "?" + request.query;
    return Response::Redirect(303, "/login?next=" + PercentEncodePath(next));
  }
  // One message for every failure, so nothing tells a wrong name from a wrong password.
  Response r = Response::Error(401,
                               "authentication required: log in, or send Basic or ApiKey "
                               "credentials");
  // Only non-browsers are invited to Basic auth: in a browser it would pop up a dialog whose
  // credentials the browser then sends cross-site on its own.
  if (!FromBrowser(request)) {
    r.headers.Set("WWW-Authenticate", R"(Basic realm="perimeter", charset="UTF-8")");
  }
  return r;
}

}  // namespace

Response RequestDispatcher::Login(const Request& request) {
  bool form = IsFormBody(request);
  if (!IsSameOriginRequest(request)) {
    // Login CSRF: a hostile page could otherwise log the victim into the attacker's account.
    return Response::Error(403, "cross-site request refused");
  }
  std::string user;
  std::string password;
  std::string next = "/";
  if (form) {
    user = FindFormField(request.body, "user").value_or("");
    password = FindFormField(request.body, "password").value_or("");
    next = SafeNext(FindFormField(request.body, "next").value_or("/"));
  } else if (IsJsonBody(request)) {
    Result<Value> body = ParseJson(request.body);
    if (body.ok() && body->is_object()) {
      const Value* u = body->as_object().Find("user");
      const Value* p = body->as_object().Find("password");
      if (u != nullptr && u->is_string()) user = u->as_string();
      if (p != nullptr && p->is_string()) password = p->as_string();
    }
  } else {
    return Response::Error(415,
                           "send the login as application/x-www-form-urlencoded or "
                           "application/json");
  }
  if (user.empty() || password.empty()) {
    return form ? Html(400, LoginPageHtml("Enter a user name and a password.", next))
                : Response::Error(400, "user and password are required");
  }

  Authenticator::Outcome outcome = auth_.Login(user, password, request);
  OPENSSL_cleanse(password.data(), password.size());
  if (outcome.verdict == Authenticator::Verdict::kThrottled) {
    return Throttled(outcome.retry_after, form);
  }
  if (outcome.verdict != Authenticator::Verdict::kOk) {
    constexpr std::string_view kWrong = "Wrong user name or password.";
    return form ? Html(401, LoginPageHtml(kWrong, next)) : Response::Error(401, kWrong);
  }
  Response r = form ? Response::Redirect(303, next)
                    : Response::Json(200, SessionJson(outcome.context, outcome.csrf_token));
  r.headers.Add("Set-Cookie", auth_.SessionCookie(outcome.context.session_id, request.tls));
  return r;
}

Response RequestDispatcher::Logout(const Request& request) {
  if (!IsSameOriginRequest(request)) return Response::Error(403, "cross-site request refused");
  Authenticator::Outcome auth = auth_.Authenticate(request);
  if (auth.verdict == Authenticator::Verdict::kOk) auth_.Logout(auth.context);
  Response r = IsFormBody(request) ? Response::Redirect(303, "/login")
                                   : Response::Json(200, R"({"status":"logged out"})");
  r.headers.Add("Set-Cookie", Authenticator::ClearedSessionCookie(request.tls));
  return r;
}

}  // namespace perimeter

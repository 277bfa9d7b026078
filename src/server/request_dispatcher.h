// Everything between "a request arrived" and "this is the answer", independent of the wire:
// method and path checks, authentication, CSRF and same-origin checks, the login/logout
// endpoints, routing with role checks, static assets, and the hardening headers on every
// answer. The listener calls Dispatch on its handler pool. Thread-safe once constructed.
#pragma once

#include "server/auth_context.h"
#include "server/http_message.h"
#include "server/router.h"
#include "server/static_assets.h"

namespace perimeter {

class Authenticator;

class RequestDispatcher {
 public:
  // Everything is borrowed and must outlive the dispatcher.
  RequestDispatcher(const Router& router, const AssetMap& assets, Authenticator& auth);

  struct Outcome {
    // The whole answer; for event streams only its status and headers.
    Response response;
    // Non-null: after sending the head, start an event stream with this handler.
    const StreamHandler* stream = nullptr;
    AuthContext auth;
  };
  // Fills request.path / path_params and answers. Never throws: a handler's exception becomes
  // a logged 500 that tells the client nothing about it.
  Outcome Dispatch(Request& request);

  // The answer for errors the listener detects itself (oversized headers, bad syntax).
  static Response ListenerError(int status, std::string_view reason, bool tls);

  // Methods the server implements at all; anything else is 405 (TRACE, TRACK, CONNECT) or 501.
  static constexpr std::string_view kAllowedMethods = "GET, HEAD, POST, PUT, PATCH, DELETE";

 private:
  Outcome Route(Request& request);
  Response Login(const Request& request);
  Response Logout(const Request& request);

  const Router& router_;
  const AssetMap& assets_;
  Authenticator& auth_;
};

// True unless a browser marked the request as coming from another site: Sec-Fetch-Site other
// than same-origin/none, or an Origin that is not this server's (https://<Host>, or also
// http://<Host> for plain-HTTP listeners). Clients that send neither header (curl, scripts)
// are not browsers and pass.
bool IsSameOriginRequest(const Request& request);

}  // namespace perimeter

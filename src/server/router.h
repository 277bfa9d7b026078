// Maps method + path pattern ("/api/v1/events/{id}") to a handler and the role it requires.
// Routes are added before the server starts; Find is then const and safe from any thread.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"
#include "server/auth_context.h"
#include "server/event_stream.h"
#include "server/http_message.h"

namespace perimeter {

// Runs on the server's handler pool; may block briefly (a query), never for long.
using RouteHandler = std::function<Response(const Request&, const AuthContext&)>;
// Starts a Server-Sent Events response. Returns at once after handing `stream` to whatever
// produces events (a subscriber list, a timer thread); the response lasts until the producer
// calls Close() or the client goes away (Send returns false, OnClose callbacks run).
using StreamHandler =
    std::function<void(const Request&, const AuthContext&, std::shared_ptr<EventStream>)>;

struct Route {
  HttpMethod method = HttpMethod::kGet;
  std::string pattern;
  std::vector<std::string> segments;  // "{name}" segments capture
  Role required_role = Role::kViewer;
  RouteHandler handler;          // set for ordinary routes
  StreamHandler stream_handler;  // set for event-stream routes (GET only)
};

struct RouteMatch {
  const Route* route = nullptr;  // null: no route for this method and path
  std::vector<std::pair<std::string, std::string>> params;
  std::string allowed_methods;  // route == null but the path exists: "GET, POST" (for 405)
};

class Router {
 public:
  // Patterns are absolute paths whose segments are literals or "{name}" (one non-empty
  // segment). A literal segment wins over "{name}" where both match. A GET route also answers
  // HEAD. Refuses malformed patterns and a second route for the same method and pattern.
  Status Add(HttpMethod method, std::string_view pattern, Role required_role, RouteHandler handler);
  Status AddStream(std::string_view pattern, Role required_role, StreamHandler handler);

  RouteMatch Find(HttpMethod method, std::string_view path) const;

 private:
  Status Insert(Route route);

  std::vector<Route> routes_;
};

}  // namespace perimeter

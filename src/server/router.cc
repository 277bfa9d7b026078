#include "server/router.h"

#include <fmt/format.h>

namespace perimeter {
namespace {

bool IsCapture(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> out;
  path.remove_prefix(1);
  while (true) {
    size_t slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

// Number of literal segments when `route` matches `segments`, -1 otherwise.
int MatchScore(const Route& route, const std::vector<std::string_view>& segments) {
  if (route.segments.size() != segments.size()) return -1;
  int literals = 0;
  for (size_t i = 0; i < segments.size(); ++i) {
    if (IsCapture(route.segments[i])) {
      if (segments[i].empty()) return -1;
    } else if (route.segments[i] == segments[i]) {
      ++literals;
    } else {
      return -1;
    }
  }
  return literals;
}

}  // namespace

Status Router::Add(HttpMethod method, std::string_view pattern, Role required_role,
                   RouteHandler handler) {
  if (method == HttpMethod::kHead || method == HttpMethod::kTrace || method == HttpMethod::kOther) {
    return Status::InvalidArgument(fmt::format(
        "route {}: register GET (it answers HEAD too); TRACE is never served", pattern));
  }
  Route route;
  route.method = method;
  route.pattern = std::string(pattern);
  route.required_role = required_role;
  route.handler = std::move(handler);
  return Insert(std::move(route));
}

Status Router::AddStream(std::string_view pattern, Role required_role, StreamHandler handler) {
  Route route;
  route.method = HttpMethod::kGet;
  route.pattern = std::string(pattern);
  route.required_role = required_role;
  route.stream_handler = std::move(handler);
  return Insert(std::move(route));
}

Status Router::Insert(Route route) {
  if (route.pattern.empty() || route.pattern.front() != '/') {
    return Status::InvalidArgument(
        fmt::format("route pattern '{}' must start with '/'", route.pattern));
  }
  for (std::string_view segment : SplitPath(route.pattern)) {
    bool braces = segment.find_first_of("{}") != std::string_view::npos;
    if (braces && !IsCapture(segment)) {
      return Status::InvalidArgument(fmt::format(
          "route pattern '{}': a capture must be a whole segment like {{id}}", route.pattern));
    }
    route.segments.emplace_back(segment);
  }
  for (const Route& existing : routes_) {
    if (existing.method == route.method && existing.segments == route.segments) {
      return Status::InvalidArgument(fmt::format("route {} {} is registered twice",
                                                 HttpMethodName(route.method), route.pattern));
    }
  }
  routes_.push_back(std::move(route));
  return Status::OK();
}

RouteMatch Router::Find(HttpMethod method, std::string_view path) const {
  RouteMatch match;
  if (path.empty() || path.front() != '/') return match;
  std::vector<std::string_view> segments = SplitPath(path);
  HttpMethod wanted = method == HttpMethod::kHead ? HttpMethod::kGet : method;
  int best = -1;
  for (const Route& route : routes_) {
    int score = MatchScore(route, segments);
    if (score < 0) continue;
    if (route.method != wanted || (method == HttpMethod::kHead && route.stream_handler)) {
      std::string_view name = HttpMethodName(route.method);
      if (match.allowed_methods.find(name) == std::string::npos) {
        if (!match.allowed_methods.empty()) match.allowed_methods += ", ";
        match.allowed_methods += name;
        if (route.method == HttpMethod::kGet && !route.stream_handler) {
          match.allowed_methods += ", HEAD";
        }
      }
      continue;
    }
    if (score > best) {
      best = score;
      match.route = &route;
    }
  }
  if (match.route != nullptr) {
    match.params.clear();
    for (size_t i = 0; i < segments.size(); ++i) {
      const std::string& seg = match.route->segments[i];
      if (IsCapture(seg)) {
        match.params.emplace_back(seg.substr(1, seg.size() - 2), std::string(segments[i]));
      }
    }
  }
  return match;
}

}  // namespace perimeter

#include "server/api/api_routes.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "core/json.h"
#include "query/event_id.h"
#include "query/query_parser.h"
#include "query/search.h"
#include "server/api/bulk_request.h"
#include "server/api/es_document.h"
#include "server/api/tail_hub.h"

namespace perimeter {

namespace {

constexpr size_t kMaxDashboardBytes = 1 << 20;  // a dashboard is a small JSON document
constexpr int kMaxBulkRetries = 50;             // ~5 s of "disk full" before answering 429

Response JsonValue(int status, const Value& v) { return Response::Json(status, v.ToJson()); }

// Elasticsearch clients (the official ones since 7.14) refuse servers without this header.
Response AsElasticsearch(Response r) {
  r.headers.Set("X-Elastic-Product", "Elasticsearch");
  return r;
}

Response StatusError(const Status& s) {
  switch (s.code()) {
    case StatusCode::kInvalidArgument:
      return Response::Error(400, s.message());
    case StatusCode::kNotFound:
      return Response::Error(404, s.message());
    case StatusCode::kUnavailable:
      return Response::Error(503, "the store is busy or the disk is full; retry later");
    default:
      spdlog::error("api: {}", s.ToString());
      return Response::Error(500, "internal error; see the server log");
  }
}

// GET /api/v1/search?q=...&from=...&to=...&size=... for curl users; POST takes the JSON body.
Result<Object> RequestObject(const Request& req, int64_t default_size) {
  Object o;
  if (req.method == HttpMethod::kPost && !req.body.empty()) {
    auto v = ParseJson(req.body);
    if (!v.ok()) return Status::InvalidArgument("request body: " + v.status().message());
    if (!v->is_object()) return Status::InvalidArgument("request body must be a JSON object");
    o = std::move(v->as_object());
  }
  for (const char* name : {"query", "from", "to", "sort", "time_zone"}) {
    if (auto p = req.QueryParam(name)) o.Set(name, *p);
  }
  if (auto q = req.QueryParam("q")) o.Set("query", *q);
  if (auto s = req.QueryParam("size")) {
    try {
      o.Set("size", static_cast<int64_t>(std::stoll(*s)));
    } catch (...) {
      return Status::InvalidArgument("size must be a number");
    }
  }
  if (o.Find("size") == nullptr) o.Set("size", default_size);
  return o;
}

bool ValidDashboardId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
  }
  return true;
}

std::string ReadWholeFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

Status WriteFileAtomically(const std::string& path, const std::string& bytes) {
  std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f) return Status::IOError("cannot write " + tmp);
    f << bytes;
    f.flush();
    if (!f) return Status::IOError("cannot write " + tmp);
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return Status::IOError("cannot rename " + tmp + ": " + ec.message());
  return Status::OK();
}

Status AppendWithRetry(store::EventStore& store, std::span<const Event* const> events) {
  Status st;
  for (int i = 0; i < kMaxBulkRetries; ++i) {
    st = store.Append(events);
    if (st.code() != StatusCode::kUnavailable) return st;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return st;
}

// POST /_bulk (bulk_request.h). The whole request is one durable append: a 200 means every
// item with status 201 is stored.
Response Bulk(store::EventStore& store, const Request& req, std::string_view default_index) {
  auto started = std::chrono::steady_clock::now();
  std::optional<FilterPath> filter;
  if (auto text = req.QueryParam("filter_path"); text && !text->empty()) {
    auto parsed = FilterPath::Parse(*text);
    if (!parsed.ok()) return Response::Error(400, parsed.status().message());
    filter = std::move(parsed).value();
  }
  auto bulk = ParseBulkRequest(req.body, default_index);
  if (!bulk.ok()) return Response::Error(400, bulk.status().message());
  if (!bulk->events.empty()) {
    std::vector<const Event*> ptrs;
    ptrs.reserve(bulk->events.size());
    for (const Event& e : bulk->events) ptrs.push_back(&e);
    Status st = AppendWithRetry(store, ptrs);
    if (!st.ok()) {
      Response r = Response::Error(st.code() == StatusCode::kUnavailable ? 429 : 500,
                                   "the events could not be stored; retry later");
      if (st.code() == StatusCode::kUnavailable) r.headers.Set("Retry-After", "5");
      return r;
    }
  }
  int64_t took = std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::steady_clock::now() - started)
                     .count();
  return Response::Json(200, BulkResponseJson(*bulk, took, filter ? &*filter : nullptr));
}

}  // namespace

Status AddApiRoutes(Router& router, ApiContext& ctx) {
  auto store = ctx.store;
  if (!ctx.tail) ctx.tail = std::make_shared<TailHub>(store);
  auto search = [store](int64_t default_size) {
    return [store, default_size](const Request& req, const AuthContext&) -> Response {
      auto request = RequestObject(req, default_size);
      if (!request.ok()) return StatusError(request.status());
      auto result = query::RunSearch(*store->GetSnapshot(), *request);
      if (!result.ok()) return StatusError(result.status());
      return JsonValue(200, Value(std::move(result).value()));
    };
  };
  for (HttpMethod m : {HttpMethod::kGet, HttpMethod::kPost}) {
    RETURN_IF_ERROR(router.Add(m, "/api/v1/search", Role::kViewer, search(50)));
    RETURN_IF_ERROR(router.Add(m, "/api/v1/aggregate", Role::kViewer, search(0)));
  }
  RETURN_IF_ERROR(router.Add(HttpMethod::kGet, "/api/v1/events/{id}", Role::kViewer,
                             [store](const Request& req, const AuthContext&) -> Response {
                               auto e =
                                   query::FetchEvent(*store->GetSnapshot(), req.PathParam("id"));
                               if (!e.ok()) {
                                 return e.status().code() == StatusCode::kNotFound
                                            ? Response::Error(404, "no event with this id")
                                            : StatusError(e.status());
                               }
                               Object o;
                               o.Set("_id", std::string(req.PathParam("id")));
                               o.Set("_source", Value(std::move(e->fields())));
                               return JsonValue(200, Value(std::move(o)));
                             }));
  RETURN_IF_ERROR(router.Add(HttpMethod::kGet, "/api/v1/fields", Role::kViewer,
                             [store](const Request&, const AuthContext&) -> Response {
                               auto fields = query::Fields(*store->GetSnapshot());
                               return JsonValue(200, query::FieldsToValue(fields));
                             }));
  auto stats_fn = ctx.pipeline_stats;
  RETURN_IF_ERROR(router.Add(HttpMethod::kGet, "/api/v1/stats", Role::kViewer,
                             [store, stats_fn](const Request&, const AuthContext&) -> Response {
                               store::StoreStats s = store->Stats();
                               Object st;
                               st.Set("events", static_cast<int64_t>(s.events));
                               st.Set("partitions", static_cast<int64_t>(s.partitions));
                               st.Set("parts", static_cast<int64_t>(s.parts));
                               st.Set("bytes", static_cast<int64_t>(s.part_bytes + s.wal_bytes));
                               st.Set("bytes_per_event", s.bytes_per_event);
                               st.Set("compression_ratio", s.compression_ratio);
                               st.Set("disk_full", s.disk_full);
                               auto snapshot = store->GetSnapshot();
                               int64_t newest = 0;
                               for (const auto& p : snapshot->parts())
                                 newest = std::max(newest, p->max_ts());
                               if (newest > 0) st.Set("newest_event", Timestamp(newest));
                               Object o;
                               o.Set("store", std::move(st));
                               if (stats_fn) o.Set("pipeline", stats_fn());
                               return JsonValue(200, Value(std::move(o)));
                             }));

  // Dashboards: JSON documents in data_dir/dashboards/<id>.json.
  std::string dir = ctx.data_dir + "/dashboards";
  RETURN_IF_ERROR(router.Add(HttpMethod::kGet, "/api/v1/dashboards", Role::kViewer,
                             [dir](const Request&, const AuthContext&) -> Response {
                               Array list;
                               std::error_code ec;
                               for (const auto& entry :
                                    std::filesystem::directory_iterator(dir, ec)) {
                                 if (entry.path().extension() != ".json") continue;
                                 auto doc = ParseJson(ReadWholeFile(entry.path().string()));
                                 Object item;
                                 item.Set("id", entry.path().stem().string());
                                 if (doc.ok() && doc->is_object()) {
                                   if (const Value* t = doc->as_object().Find("title"))
                                     item.Set("title", *t);
                                 }
                                 list.emplace_back(std::move(item));
                               }
                               return JsonValue(200, Value(std::move(list)));
                             }));
  RETURN_IF_ERROR(router.Add(HttpMethod::kGet, "/api/v1/dashboards/{id}", Role::kViewer,
                             [dir](const Request& req, const AuthContext&) -> Response {
                               std::string_view id = req.PathParam("id");
                               if (!ValidDashboardId(id))
                                 return Response::Error(400, "dashboard ids are [A-Za-z0-9_-]");
                               std::string path = dir + "/" + std::string(id) + ".json";
                               if (!std::filesystem::exists(path))
                                 return Response::Error(404, "no such dashboard");
                               return Response::Json(200, ReadWholeFile(path));
                             }));
  RETURN_IF_ERROR(router.Add(HttpMethod::kPut, "/api/v1/dashboards/{id}", Role::kAdmin,
                             [dir](const Request& req, const AuthContext& who) -> Response {
                               std::string_view id = req.PathParam("id");
                               if (!ValidDashboardId(id))
                                 return Response::Error(400, "dashboard ids are [A-Za-z0-9_-]");
                               if (req.body.size() > kMaxDashboardBytes)
                                 return Response::Error(413, "dashboard too big");
                               auto doc = ParseJson(req.body);
                               if (!doc.ok() || !doc->is_object()) {
                                 return Response::Error(400, "a dashboard is a JSON object");
                               }
                               std::error_code ec;
                               std::filesystem::create_directories(dir, ec);
                               Status st = WriteFileAtomically(
                                   dir + "/" + std::string(id) + ".json", doc->ToJson());
                               if (!st.ok()) return StatusError(st);
                               spdlog::info("dashboard {} saved by {}", id, who.user);
                               return Response::Json(200, R"({"result":"saved"})");
                             }));
  RETURN_IF_ERROR(
      router.Add(HttpMethod::kDelete, "/api/v1/dashboards/{id}", Role::kAdmin,
                 [dir](const Request& req, const AuthContext& who) -> Response {
                   std::string_view id = req.PathParam("id");
                   if (!ValidDashboardId(id))
                     return Response::Error(400, "dashboard ids are [A-Za-z0-9_-]");
                   std::error_code ec;
                   if (!std::filesystem::remove(dir + "/" + std::string(id) + ".json", ec)) {
                     return Response::Error(404, "no such dashboard");
                   }
                   spdlog::info("dashboard {} deleted by {}", id, who.user);
                   return Response::Json(200, R"({"result":"deleted"})");
                 }));

  auto tail = ctx.tail;
  RETURN_IF_ERROR(router.AddStream(
      "/api/v1/tail", Role::kViewer,
      [tail](const Request& req, const AuthContext&, const std::shared_ptr<EventStream>& stream) {
        std::string q = req.QueryParam("query").value_or(req.QueryParam("q").value_or(""));
        if (Status s = tail->Subscribe(stream, q); !s.ok()) {
          stream->Send(fmt::format(R"({{"error":{}}})", Value(s.message()).ToJson()), "error");
        }
      }));

  // Elasticsearch-compatible ingest for Filebeat, Logstash, Fluent Bit, Vector.
  RETURN_IF_ERROR(router.Add(HttpMethod::kPost, "/_bulk", Role::kAdmin,
                             [store](const Request& req, const AuthContext&) {
                               return AsElasticsearch(Bulk(*store, req, ""));
                             }));
  RETURN_IF_ERROR(router.Add(HttpMethod::kPost, "/{index}/_bulk", Role::kAdmin,
                             [store](const Request& req, const AuthContext&) {
                               return AsElasticsearch(Bulk(*store, req, req.PathParam("index")));
                             }));
  RETURN_IF_ERROR(router.Add(HttpMethod::kPost, "/{index}/_doc", Role::kAdmin,
                             [store](const Request& req, const AuthContext&) -> Response {
                               auto doc = ReadDocument(req.body);
                               if (!doc.ok()) return Response::Error(400, doc.status().message());
                               const Event& e = *doc;
                               const Event* ptr = &e;
                               Status st =
                                   AppendWithRetry(*store, std::span<const Event* const>(&ptr, 1));
                               if (!st.ok()) return StatusError(st);
                               Object out;
                               out.Set("_index", std::string(req.PathParam("index")));
                               out.Set("_id", query::EventId(e));
                               out.Set("result", "created");
                               return AsElasticsearch(JsonValue(201, Value(std::move(out))));
                             }));
  // Clients probe the root to learn the "Elasticsearch" version before bulk-indexing.
  RETURN_IF_ERROR(router.Add(
      HttpMethod::kGet, "/", Role::kViewer, [](const Request& req, const AuthContext&) -> Response {
        if (req.headers.Get("Accept").find("text/html") != std::string_view::npos) {
          return Response::Redirect(302, "/index.html");
        }
        return AsElasticsearch(Response::Json(
            200,
            R"({"name":"perimeter","cluster_name":"perimeter","version":{"number":"8.11.0","build_flavor":"default","lucene_version":"9.8.0","minimum_wire_compatibility_version":"7.17.0","minimum_index_compatibility_version":"7.0.0"},"tagline":"You Know, for Search"})"));
      }));
  return Status::OK();
}

}  // namespace perimeter

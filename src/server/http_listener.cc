// Threads: one I/O thread runs every socket operation (each connection on its own strand);
// the handler pool runs dispatching (password hashing, route handlers). A connection moves
// between them only by posting, so no socket is touched by two threads at once.
#include "server/http_listener.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cctype>
#include <mutex>
#include <string>
#include <thread>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include "server/event_stream.h"
#include "server/log_safe.h"
#include "server/security_headers.h"

namespace perimeter {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using SslStream = beast::ssl_stream<beast::tcp_stream>;

// Socket I/O never blocks and all slow work is on the handler pool, so one thread carries the
// traffic a log dashboard sees; more would only compete with the pool for 2-core machines.
constexpr int kIoThreads = 1;
// The redirect listener reads only a request head, and only from clients that typed http://.
constexpr size_t kMaxRedirectHeaderBytes = size_t{8} * 1024;
constexpr std::chrono::seconds kRedirectReadTimeout{10};
// After accept() fails (out of file descriptors), wait before retrying instead of spinning.
constexpr std::chrono::milliseconds kAcceptRetryDelay{100};
// Waiting for the peer's TLS close_notify after the last answer.
constexpr std::chrono::seconds kTlsShutdownTimeout{3};
// Repeated "connection refused at the cap" warnings are folded into one per interval.
constexpr std::chrono::seconds kCapWarningInterval{60};

// Beast 1.74 has its own string_view type.
std::string_view StdView(beast::string_view s) { return {s.data(), s.size()}; }

bool IEquals(std::string_view a, std::string_view b) {
  return beast::iequals(beast::string_view(a.data(), a.size()),
                        beast::string_view(b.data(), b.size()));
}

std::string PeerAddress(const tcp::socket& socket) {
  beast::error_code ec;
  tcp::endpoint peer = socket.remote_endpoint(ec);
  if (ec) return "unknown";
  asio::ip::address addr = peer.address();
  if (addr.is_v6() && addr.to_v6().is_v4_mapped()) {
    return asio::ip::make_address_v4(asio::ip::v4_mapped, addr.to_v6()).to_string();
  }
  return addr.to_string();
}

bool IsHostChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.';
}

// The host part of a Host header ("example.com:80" → "example.com", "[::1]:80" → "[::1]"), or
// "" when it is not a plain name or address (nothing else may go into a Location header).
std::string HostWithoutPort(std::string_view host) {
  if (!host.empty() && host.front() == '[') {
    size_t close = host.find(']');
    if (close == std::string_view::npos) return {};
    std::string_view inside = host.substr(1, close - 1);
    for (char c : inside) {
      if (!std::isxdigit(static_cast<unsigned char>(c)) && c != ':' && c != '.') return {};
    }
    return std::string(host.substr(0, close + 1));
  }
  std::string_view name = host.substr(0, host.find(':'));
  if (name.empty()) return {};
  for (char c : name) {
    if (!IsHostChar(c)) return {};
  }
  return std::string(name);
}

class ListenerImpl;

// A connection's place under max_connections and the per-source cap, given back on
// destruction.
class ConnectionSlot {
 public:
  ConnectionSlot(ListenerImpl* owner, std::string source)
      : owner_(owner), source_(std::move(source)) {}
  ConnectionSlot(ConnectionSlot&& other) noexcept
      : owner_(std::exchange(other.owner_, nullptr)), source_(std::move(other.source_)) {}
  ConnectionSlot(const ConnectionSlot&) = delete;
  ConnectionSlot& operator=(const ConnectionSlot&) = delete;
  ConnectionSlot& operator=(ConnectionSlot&&) = delete;
  ~ConnectionSlot();
  const std::string& source() const { return source_; }

 private:
  ListenerImpl* owner_;
  std::string source_;
};

class ListenerImpl final : public HttpListener {
 public:
  ListenerImpl(const Config& config, RequestDispatcher& dispatcher, SslCtxPtr tls)
      : config_(config), dispatcher_(dispatcher), pool_(static_cast<size_t>(config.threads)) {
    if (tls) tls_ = std::make_shared<ssl::context>(tls.release());
  }
  ~ListenerImpl() override { Stop(); }

  Status Listen();
  void Run();

  void SetTlsContext(SslCtxPtr context) override {
    auto next = std::make_shared<ssl::context>(context.release());
    std::lock_guard lock(mu_);
    tls_ = std::move(next);
  }
  void Stop() override;
  uint16_t port() const override { return port_; }
  uint16_t redirect_port() const override { return redirect_port_; }
  size_t open_connections() const override {
    std::lock_guard lock(mu_);
    return total_connections_;
  }

  const Config& config() const { return config_; }
  RequestDispatcher& dispatcher() { return dispatcher_; }
  asio::thread_pool& pool() { return pool_; }
  bool stopping() const { return stopping_.load(); }

  void RegisterStream(const std::shared_ptr<QueuedEventStream>& s) {
    std::lock_guard lock(mu_);
    streams_.push_back(s);
  }
  void UnregisterStream(const QueuedEventStream* s) {
    std::lock_guard lock(mu_);
    std::erase_if(streams_, [&](const auto& w) {
      auto live = w.lock();
      return !live || live.get() == s;
    });
  }
  void Release(const std::string& source) {
    std::lock_guard lock(mu_);
    --total_connections_;
    auto it = per_source_.find(source);
    if (it != per_source_.end() && --it->second == 0) per_source_.erase(it);
  }

 private:
  std::optional<ConnectionSlot> TryAcquire(const std::string& source);
  Status Bind(tcp::acceptor& acceptor, const ListenAddress& address, std::string_view setting,
              uint16_t* port);
  void Accept();
  void AcceptRedirect();
  void RetryAcceptLater(bool redirect);

  const Config config_;
  RequestDispatcher& dispatcher_;
  std::atomic<bool> stopping_{false};
  uint16_t port_ = 0;
  uint16_t redirect_port_ = 0;

  mutable std::mutex mu_;
  std::shared_ptr<ssl::context> tls_;                       // GUARDED_BY(mu_)
  size_t total_connections_ = 0;                            // GUARDED_BY(mu_)
  std::unordered_map<std::string, size_t> per_source_;      // GUARDED_BY(mu_)
  std::vector<std::weak_ptr<QueuedEventStream>> streams_;   // GUARDED_BY(mu_)
  std::chrono::steady_clock::time_point last_cap_warning_;  // GUARDED_BY(mu_)

  // Declared after the state above: destroying the io_context destroys pending sessions, whose
  // destructors give their slots back to that state.
  asio::io_context io_{kIoThreads};
  tcp::acceptor acceptor_{io_};
  tcp::acceptor redirect_acceptor_{io_};
  asio::steady_timer accept_retry_{io_};           // one per acceptor: a second wait on one
  asio::steady_timer redirect_accept_retry_{io_};  // timer would cancel the first
  asio::thread_pool pool_;
  std::vector<std::thread> io_threads_;
  bool stopped_ = false;

  friend class ConnectionSlot;
};

ConnectionSlot::~ConnectionSlot() {
  if (owner_ != nullptr) owner_->Release(source_);
}

// One HTTP/1.1 connection over TLS (Stream = SslStream) or plain TCP (loopback only).
template <class Stream>
class Session : public std::enable_shared_from_this<Session<Stream>> {
  static constexpr bool kTls = std::is_same_v<Stream, SslStream>;

 public:
  Session(ListenerImpl& server, Stream stream, ConnectionSlot slot,
          std::shared_ptr<ssl::context> tls)
      : server_(server),
        stream_(std::move(stream)),
        slot_(std::move(slot)),
        tls_(std::move(tls)),
        heartbeat_(stream_.get_executor()) {}

  ~Session() {
    // Destroyed with the I/O context while streaming: the producer must still hear of it.
    if (events_ && !stream_ended_) {
      events_->Disconnect();
      server_.UnregisterStream(events_.get());
    }
  }

  void Run() {
    asio::dispatch(stream_.get_executor(), [self = this->shared_from_this()] { self->Begin(); });
  }

 private:
  beast::tcp_stream& Tcp() { return beast::get_lowest_layer(stream_); }

  void Begin() {
    if constexpr (kTls) {
      Tcp().expires_after(kTlsHandshakeTimeout);
      stream_.async_handshake(
          ssl::stream_base::server,
          [self = this->shared_from_this()](beast::error_code ec) { self->OnHandshake(ec); });
    } else {
      ReadHeader();
    }
  }

  void OnHandshake(beast::error_code ec) {
    if (ec) {
      // Old protocol versions, scanners, plain HTTP sent to the TLS port: nothing to answer.
      spdlog::debug("server: TLS handshake with {} failed: {}", slot_.source(), ec.message());
      return;
    }
    ReadHeader();
  }

  void ReadHeader() {
    parser_.emplace();
    parser_->header_limit(kMaxRequestHeaderBytes);
    parser_->body_limit(server_.config().max_body_bytes);
    Tcp().expires_after(first_request_ ? server_.config().request_timeout
                                       : server_.config().keep_alive_timeout);
    http::async_read_header(
        stream_, buffer_, *parser_,
        [self = this->shared_from_this()](beast::error_code ec, size_t) { self->OnHeader(ec); });
  }

  // Errors while reading a request: limits get their status code, syntax errors a 400, and
  // timeouts or disconnects just end the connection.
  void AnswerReadError(beast::error_code ec) {
    if (ec == http::error::header_limit) {
      Fail(431, "request headers too large");
    } else if (ec == http::error::body_limit) {
      Fail(413, "request body too large");
    } else if (ec.category() == http::make_error_code(http::error::bad_target).category() &&
               ec != http::error::end_of_stream && ec != http::error::partial_message) {
      Fail(400, "malformed HTTP request");
    }
  }

  void OnHeader(beast::error_code ec) {
    if (ec) {
      AnswerReadError(ec);
      return;
    }
    const auto& req = parser_->get();
    version_ = req.version();
    if (parser_->is_done()) {
      OnRequest();
      return;
    }
    if (beast::iequals(req[http::field::expect], "100-continue")) {
      // curl waits for this before sending large bodies; the limits already passed.
      continue_.emplace(http::status::continue_, version_);
      Tcp().expires_after(kResponseWriteTimeout);
      http::async_write(stream_, *continue_,
                        [self = this->shared_from_this()](beast::error_code ec, size_t) {
                          if (!ec) self->ReadBody();
                        });
      return;
    }
    ReadBody();
  }

  void ReadBody() {
    Tcp().expires_after(server_.config().request_timeout);
    http::async_read(
        stream_, buffer_, *parser_,
        [self = this->shared_from_this()](beast::error_code ec, size_t) { self->OnBody(ec); });
  }

  void OnBody(beast::error_code ec) {
    if (ec) {
      AnswerReadError(ec);
      return;
    }
    OnRequest();
  }

  void OnRequest() {
    http::request<http::string_body> req = parser_->release();
    parser_.reset();
    auto request = std::make_shared<Request>();
    request->method_name = std::string(req.method_string());
    request->method = ParseHttpMethod(request->method_name);
    request->target = std::string(req.target());
    for (const auto& field : req) {
      request->headers.Add(std::string(field.name_string()), std::string(field.value()));
    }
    request->body = std::move(req.body());
    request->remote_address = slot_.source();
    request->tls = kTls;
    keep_alive_ = req.keep_alive();
    head_request_ = request->method == HttpMethod::kHead;
    // The handler may take a while (a query); the client owes us nothing meanwhile.
    Tcp().expires_never();
    asio::post(server_.pool(), [self = this->shared_from_this(), request] {
      auto outcome = std::make_shared<RequestDispatcher::Outcome>(
          self->server_.dispatcher().Dispatch(*request));
      asio::post(self->stream_.get_executor(),
                 [self, request, outcome] { self->Answer(request, outcome); });
    });
  }

  void Answer(const std::shared_ptr<Request>& request,
              const std::shared_ptr<RequestDispatcher::Outcome>& outcome) {
    if (outcome->stream != nullptr) {
      StartStream(request, outcome);
      return;
    }
    Write(std::move(outcome->response), keep_alive_ && !server_.stopping());
  }

  static bool IsFramingHeader(std::string_view name) {
    return IEquals(name, "Content-Length") || IEquals(name, "Transfer-Encoding") ||
           IEquals(name, "Connection") || IEquals(name, "Content-Type");
  }

  template <class Body>
  void CopyHead(const Response& r, http::response<Body>* out) {
    out->result(static_cast<unsigned>(r.status));
    out->version(version_);
    out->set(http::field::content_type, r.content_type);
    for (const HttpHeader& h : r.headers.all()) {
      if (!IsFramingHeader(h.name)) out->insert(h.name, h.value);
    }
  }

  void Fail(int status, std::string_view reason) {
    Write(RequestDispatcher::ListenerError(status, reason, kTls), false);
  }

  void Write(Response r, bool keep_alive) {
    response_ = {};
    CopyHead(r, &response_);
    response_.keep_alive(keep_alive);
    response_.body() = std::move(r.body);
    response_.prepare_payload();
    if (head_request_) {
      // HEAD: the length the GET would have, no body.
      size_t length = response_.body().size();
      response_.body().clear();
      response_.content_length(length);
    }
    Tcp().expires_after(kResponseWriteTimeout);
    http::async_write(
        stream_, response_,
        [self = this->shared_from_this()](beast::error_code ec, size_t) { self->OnWrite(ec); });
  }

  void OnWrite(beast::error_code ec) {
    if (ec) return;
    if (!response_.keep_alive()) {
      Shutdown();
      return;
    }
    first_request_ = false;
    head_request_ = false;
    ReadHeader();
  }

  void Shutdown() {
    if constexpr (kTls) {
      Tcp().expires_after(kTlsShutdownTimeout);
      stream_.async_shutdown(
          [self = this->shared_from_this()](beast::error_code) { self->Tcp().close(); });
    } else {
      beast::error_code ignored;
      Tcp().socket().shutdown(tcp::socket::shutdown_send, ignored);
    }
  }

  // --- Server-Sent Events -------------------------------------------------------------------

  void StartStream(const std::shared_ptr<Request>& request,
                   const std::shared_ptr<RequestDispatcher::Outcome>& outcome) {
    stream_head_ = {};
    CopyHead(outcome->response, &stream_head_);
    stream_head_.keep_alive(false);
    stream_head_.chunked(true);
    serializer_.emplace(stream_head_);
    Tcp().expires_after(kResponseWriteTimeout);
    http::async_write_header(
        stream_, *serializer_,
        [self = this->shared_from_this(), request, outcome](beast::error_code ec, size_t) {
          if (!ec) self->OnStreamHead(request, outcome);
        });
  }

  void OnStreamHead(const std::shared_ptr<Request>& request,
                    const std::shared_ptr<RequestDispatcher::Outcome>& outcome) {
    events_ = std::make_shared<QueuedEventStream>(kMaxQueuedEventBytes);
    server_.RegisterStream(events_);
    std::weak_ptr<Session> weak = this->shared_from_this();
    events_->SetWake([weak, executor = stream_.get_executor()] {
      asio::post(executor, [weak] {
        if (auto self = weak.lock()) self->DrainStream();
      });
    });
    Tcp().expires_never();
    WatchForDisconnect();
    ArmHeartbeat();
    asio::post(server_.pool(), [handler = outcome->stream, request, auth = outcome->auth,
                                events = events_] {
      try {
        (*handler)(*request, auth, events);
      } catch (const std::exception& e) {
        spdlog::error("server: event stream {} failed: {}", LogSafe(request->path), e.what());
        events->Close();
      } catch (...) {
        spdlog::error("server: event stream {} failed", LogSafe(request->path));
        events->Close();
      }
    });
  }

  // The client sends nothing while it listens; a completed read means it hung up (or broke
  // protocol), and either way the stream is over.
  void WatchForDisconnect() {
    stream_.async_read_some(asio::buffer(discard_),
                            [self = this->shared_from_this()](beast::error_code ec, size_t) {
                              if (ec) {
                                self->EndStream();
                              } else {
                                self->WatchForDisconnect();
                              }
                            });
  }

  void ArmHeartbeat() {
    heartbeat_.expires_after(kEventStreamHeartbeat);
    heartbeat_.async_wait([self = this->shared_from_this()](beast::error_code ec) {
      if (ec || self->stream_ended_) return;
      self->events_->SendComment("keep-alive");
      self->ArmHeartbeat();
    });
  }

  void DrainStream() {
    if (writing_ || stream_ended_) return;
    QueuedEventStream::Drained d = events_->Drain();
    if (d.end == QueuedEventStream::End::kAbort) {
      EndStream();
      return;
    }
    if (!d.bytes.empty()) {
      chunk_ = std::move(d.bytes);
      writing_ = true;
      Tcp().expires_after(kResponseWriteTimeout);
      asio::async_write(stream_, http::make_chunk(asio::buffer(chunk_)),
                        [self = this->shared_from_this()](beast::error_code ec, size_t) {
                          self->writing_ = false;
                          if (ec) {
                            self->EndStream();
                            return;
                          }
                          self->Tcp().expires_never();
                          self->DrainStream();
                        });
      return;
    }
    if (d.end == QueuedEventStream::End::kFinish) {
      writing_ = true;
      Tcp().expires_after(kResponseWriteTimeout);
      asio::async_write(stream_, http::make_chunk_last(),
                        [self = this->shared_from_this()](beast::error_code, size_t) {
                          self->writing_ = false;
                          self->EndStream();
                        });
    }
  }

  void EndStream() {
    if (stream_ended_) return;
    stream_ended_ = true;
    events_->Disconnect();
    server_.UnregisterStream(events_.get());
    heartbeat_.cancel();
    beast::error_code ignored;
    Tcp().socket().shutdown(tcp::socket::shutdown_both, ignored);
    Tcp().close();
  }

  ListenerImpl& server_;
  Stream stream_;
  ConnectionSlot slot_;
  std::shared_ptr<ssl::context> tls_;  // keeps this connection's context through reloads
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<http::response<http::empty_body>> continue_;
  http::response<http::string_body> response_;
  unsigned version_ = 11;
  bool keep_alive_ = false;
  bool head_request_ = false;
  bool first_request_ = true;

  http::response<http::empty_body> stream_head_;
  std::optional<http::response_serializer<http::empty_body>> serializer_;
  std::shared_ptr<QueuedEventStream> events_;
  asio::steady_timer heartbeat_;
  std::string chunk_;
  std::array<char, 512> discard_{};
  bool writing_ = false;
  bool stream_ended_ = false;
};

// Plain-HTTP connection of the redirect listener: one request head in, one 301 out.
class RedirectSession : public std::enable_shared_from_this<RedirectSession> {
 public:
  RedirectSession(tcp::socket socket, ConnectionSlot slot, uint16_t https_port)
      : stream_(std::move(socket)), slot_(std::move(slot)), https_port_(https_port) {}

  void Run() {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] {
      self->parser_.header_limit(kMaxRedirectHeaderBytes);
      self->stream_.expires_after(kRedirectReadTimeout);
      http::async_read_header(self->stream_, self->buffer_, self->parser_,
                              [self](beast::error_code ec, size_t) { self->OnHeader(ec); });
    });
  }

 private:
  void OnHeader(beast::error_code ec) {
    if (ec) return;
    const auto& req = parser_.get();
    std::string host = HostWithoutPort(StdView(req[http::field::host]));
    std::string_view target = StdView(req.target());
    Response r;
    if (host.empty()) {
      r = Response::Error(400, "missing or invalid Host header");
    } else {
      std::string location = "https://" + host;
      if (https_port_ != 443) location += ":" + std::to_string(https_port_);
      location += target.empty() || target.front() != '/' ? std::string_view("/") : target;
      r = Response::Redirect(301, std::move(location));
    }
    AddSecurityHeaders(false, &r);
    response_.result(static_cast<unsigned>(r.status));
    response_.version(req.version());
    response_.set(http::field::content_type, r.content_type);
    for (const HttpHeader& h : r.headers.all()) response_.insert(h.name, h.value);
    response_.keep_alive(false);
    response_.body() = std::move(r.body);
    response_.prepare_payload();
    stream_.expires_after(kResponseWriteTimeout);
    http::async_write(stream_, response_, [self = shared_from_this()](beast::error_code, size_t) {
      beast::error_code ignored;
      self->stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    });
  }

  beast::tcp_stream stream_;
  ConnectionSlot slot_;
  uint16_t https_port_;
  beast::flat_buffer buffer_;
  http::request_parser<http::empty_body> parser_;
  http::response<http::string_body> response_;
};

std::optional<ConnectionSlot> ListenerImpl::TryAcquire(const std::string& source) {
  std::lock_guard lock(mu_);
  size_t& from_source = per_source_[source];
  if (total_connections_ >= config_.max_connections || from_source >= kMaxConnectionsPerSource) {
    if (from_source == 0) per_source_.erase(source);
    auto now = std::chrono::steady_clock::now();
    if (now - last_cap_warning_ >= kCapWarningInterval) {
      last_cap_warning_ = now;
      spdlog::warn(
          "server: refusing connections ({} open, {} from {}); limits: server.max_connections "
          "= {}, {} per address",
          total_connections_, from_source, source, config_.max_connections,
          kMaxConnectionsPerSource);
    }
    return std::nullopt;
  }
  ++from_source;
  ++total_connections_;
  return ConnectionSlot(this, source);
}

Status ListenerImpl::Bind(tcp::acceptor& acceptor, const ListenAddress& address,
                          std::string_view setting, uint16_t* port) {
  beast::error_code ec;
  tcp::endpoint endpoint(asio::ip::make_address(address.ip, ec), address.port);
  if (!ec) acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return Status::IOError(fmt::format(
        "cannot listen on {}:{} ({}): {}; is another program using the port, or does it need "
        "privileges? Change {}",
        address.ip, address.port, setting, ec.message(), setting));
  }
  *port = acceptor.local_endpoint().port();
  return Status::OK();
}

Status ListenerImpl::Listen() {
  RETURN_IF_ERROR(Bind(acceptor_, config_.https, "server.listen", &port_));
  if (config_.redirect) {
    RETURN_IF_ERROR(
        Bind(redirect_acceptor_, *config_.redirect, "server.redirect_listen", &redirect_port_));
  }
  return Status::OK();
}

void ListenerImpl::Run() {
  Accept();
  if (config_.redirect) AcceptRedirect();
  for (int i = 0; i < kIoThreads; ++i) io_threads_.emplace_back([this] { io_.run(); });
}

void ListenerImpl::RetryAcceptLater(bool redirect) {
  asio::steady_timer& timer = redirect ? redirect_accept_retry_ : accept_retry_;
  timer.expires_after(kAcceptRetryDelay);
  timer.async_wait([this, redirect](beast::error_code ec) {
    if (ec || stopping()) return;
    if (redirect) {
      AcceptRedirect();
    } else {
      Accept();
    }
  });
}

void ListenerImpl::Accept() {
  acceptor_.async_accept(asio::make_strand(io_), [this](beast::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || stopping()) return;
    if (ec) {
      spdlog::warn("server: accept failed: {}", ec.message());
      RetryAcceptLater(false);
      return;
    }
    std::string source = PeerAddress(socket);
    std::optional<ConnectionSlot> slot = TryAcquire(source);
    if (!slot) {
      beast::error_code ignored;
      socket.close(ignored);
    } else if (config_.tls) {
      std::shared_ptr<ssl::context> tls;
      {
        std::lock_guard lock(mu_);
        tls = tls_;
      }
      SslStream stream(std::move(socket), *tls);
      std::make_shared<Session<SslStream>>(*this, std::move(stream), std::move(*slot), tls)->Run();
    } else {
      std::make_shared<Session<beast::tcp_stream>>(*this, beast::tcp_stream(std::move(socket)),
                                                   std::move(*slot), nullptr)
          ->Run();
    }
    Accept();
  });
}

void ListenerImpl::AcceptRedirect() {
  redirect_acceptor_.async_accept(
      asio::make_strand(io_), [this](beast::error_code ec, tcp::socket socket) {
        if (ec == asio::error::operation_aborted || stopping()) return;
        if (ec) {
          spdlog::warn("server: accept on the redirect listener failed: {}", ec.message());
          RetryAcceptLater(true);
          return;
        }
        std::optional<ConnectionSlot> slot = TryAcquire(PeerAddress(socket));
        if (slot) {
          std::make_shared<RedirectSession>(std::move(socket), std::move(*slot), port_)->Run();
        } else {
          beast::error_code ignored;
          socket.close(ignored);
        }
        AcceptRedirect();
      });
}

void ListenerImpl::Stop() {
  if (stopped_) return;
  stopped_ = true;
  stopping_ = true;
  // Event streams first: producers see Send fail and stop, and nothing posts to the I/O
  // context once it is gone.
  std::vector<std::shared_ptr<QueuedEventStream>> streams;
  {
    std::lock_guard lock(mu_);
    for (const auto& w : streams_) {
      if (auto s = w.lock()) streams.push_back(std::move(s));
    }
  }
  for (const auto& s : streams) s->Disconnect();
  io_.stop();
  for (std::thread& t : io_threads_) t.join();
  io_threads_.clear();
  pool_.join();
  beast::error_code ignored;
  acceptor_.close(ignored);
  redirect_acceptor_.close(ignored);
}

}  // namespace

Result<std::unique_ptr<HttpListener>> HttpListener::Start(const Config& config,
                                                          RequestDispatcher& dispatcher,
                                                          SslCtxPtr tls_context) {
  if (config.tls && !tls_context) {
    return Status::InvalidArgument("TLS is on but no TLS context was given");
  }
  auto listener = std::make_unique<ListenerImpl>(config, dispatcher, std::move(tls_context));
  RETURN_IF_ERROR(listener->Listen());
  listener->Run();
  return std::unique_ptr<HttpListener>(std::move(listener));
}

}  // namespace perimeter

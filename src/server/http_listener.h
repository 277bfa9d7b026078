// The network side of the server: accepts TCP connections, runs TLS and HTTP/1.1 over them
// with per-connection limits and timers, hands each request to the RequestDispatcher on the
// handler pool, and writes the answers and event streams back. The only code that knows
// Boost.Beast/Asio; HttpServer owns one. Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>

#include "core/status.h"
#include "server/request_dispatcher.h"
#include "server/server_options.h"
#include "server/tls_context.h"

namespace perimeter {

// Request line plus headers. Real browsers send 1-4 KiB (cookies included); 16 KiB is
// Apache's default per-line limit and refuses header-stuffing attacks early.
inline constexpr size_t kMaxRequestHeaderBytes = size_t{16} * 1024;
// A TLS handshake takes a few round trips; a peer that needs longer is stalling.
inline constexpr std::chrono::seconds kTlsHandshakeTimeout{10};
// Writing one answer (or one event-stream chunk) to a client that stopped reading.
inline constexpr std::chrono::seconds kResponseWriteTimeout{60};
// One address may not hold more connections than this (browsers open at most 6 per host), so
// a single slow-loris source cannot take all of max_connections.
inline constexpr size_t kMaxConnectionsPerSource = 32;
// Events buffered for one slow event-stream client before it is dropped.
inline constexpr size_t kMaxQueuedEventBytes = 1 << 20;
// Comment lines on idle event streams: keeps proxies from closing them, reveals dead peers.
inline constexpr std::chrono::seconds kEventStreamHeartbeat{15};

class HttpListener {
 public:
  struct Config {
    ListenAddress https;  // "https" even when tls is off (then plain HTTP on loopback)
    std::optional<ListenAddress> redirect;
    bool tls = true;
    size_t max_connections = 256;
    size_t max_body_bytes = 16 << 20;
    std::chrono::seconds request_timeout{30};
    std::chrono::seconds keep_alive_timeout{60};
    int threads = 2;
  };

  virtual ~HttpListener() = default;

  // Binds both addresses and starts the threads. `tls_context` is null when config.tls is off.
  // `dispatcher` must outlive the listener.
  static Result<std::unique_ptr<HttpListener>> Start(const Config& config,
                                                     RequestDispatcher& dispatcher,
                                                     SslCtxPtr tls_context);

  // New connections use `context`; open ones keep the context they started with.
  virtual void SetTlsContext(SslCtxPtr context) = 0;
  // Closes the listeners and every connection, ends event streams, joins the threads.
  virtual void Stop() = 0;
  virtual uint16_t port() const = 0;
  virtual uint16_t redirect_port() const = 0;  // 0 without a redirect listener
  virtual size_t open_connections() const = 0;
};

}  // namespace perimeter

// tests/support/tls_fixtures.hpp: what TLS tests stand on, made at test time and never committed: a private
// CA and certificates signed by it (valid, expired, for another name, from an unknown CA, a client's), made
// with the `openssl` command in a temporary directory; TLS upstreams run as subprocesses (Python's ssl around
// http.server, nginx with its own config), each stopped by its own pid; a free 127.0.0.1 port; and capture(),
// which runs a client command (curl, a Python script) and returns its output and exit status.
// `Pki pki; PythonUpstream up(pki.dir, pki.cert("localhost"), pki.key("localhost"));`
#pragma once

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support/process.hpp"
#include "support/time_scale.hpp"

namespace test_support {

/// A temporary directory, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "fastapi-tls-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    path = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string file(const std::string& name) const { return path + "/" + name; }
  std::string path;
};

inline void write_file(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

/// Runs a shell command quietly; throws with the command when it fails.
inline void run_quiet(const std::string& command) {
  if (std::system((command + " >/dev/null 2>&1").c_str()) != 0) throw std::runtime_error("failed: " + command);
}

/// Runs a shell command and returns its stdout (stderr dropped) and exit status: curl, Python clients.
struct Captured {
  std::string out;
  int status = -1;
};
inline Captured capture(const std::string& command) {
  Captured c;
  FILE* pipe = ::popen((command + " 2>/dev/null").c_str(), "r");
  if (!pipe) return c;
  char chunk[4096];
  for (std::size_t n; (n = std::fread(chunk, 1, sizeof chunk, pipe)) > 0;) c.out.append(chunk, n);
  int status = ::pclose(pipe);
  c.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return c;
}

/// A private CA and certificates it signs, made with the openssl command (EC P-256 keys: fast to make).
/// Every certificate `name` has `name.pem` and `name.key` in `dir`.
class Pki {
 public:
  Pki() {
    make_ca("ca", "fastapi test CA");
    make_ca("other_ca", "fastapi unknown CA");
  }
  /// A certificate for `dns` (subjectAltName DNS:dns, IP:127.0.0.1 when `with_ip`) signed by `ca`, valid for
  /// `days` (negative: it expired yesterday). Returns its name (the files' stem).
  std::string issue(const std::string& name, const std::string& dns, const std::string& ca = "ca", int days = 2,
                    bool with_ip = true, bool client = false) {
    std::string ext = dir.file(name + ".ext");
    write_file(ext, "subjectAltName=DNS:" + dns + (with_ip ? ",IP:127.0.0.1" : "") + "\n" +
                        (client ? "extendedKeyUsage=clientAuth\n" : "extendedKeyUsage=serverAuth\n"));
    run_quiet("openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout " + key(name) + " -out " +
              dir.file(name + ".csr") + " -subj /CN=" + dns);
    run_quiet("openssl x509 -req -in " + dir.file(name + ".csr") + " -CA " + cert(ca) + " -CAkey " + key(ca) +
              " -CAcreateserial -days " + std::to_string(days) + " -extfile " + ext + " -out " + cert(name));
    return name;
  }
  std::string cert(const std::string& name) const { return dir.file(name + ".pem"); }
  std::string key(const std::string& name) const { return dir.file(name + ".key"); }
  TempDir dir;

 private:
  void make_ca(const std::string& name, const std::string& cn) {
    run_quiet("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout " + key(name) +
              " -out " + cert(name) + " -days 2 -subj '/CN=" + cn + "'");
  }
};

/// A port of 127.0.0.1 free a moment ago (for servers that cannot be told port 0: nginx).
inline int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

/// True once something accepts connections on 127.0.0.1:`port` (or the Unix socket `path`), polled for at
/// most 10 s (scaled).
inline bool wait_until_listening(int port, const std::string& path = {}) {
  auto deadline = std::chrono::steady_clock::now() + fastapi::test_support::scaled(std::chrono::seconds(10));
  while (std::chrono::steady_clock::now() < deadline) {
    int fd = ::socket(path.empty() ? AF_INET : AF_UNIX, SOCK_STREAM, 0);
    int rc;
    if (path.empty()) {
      sockaddr_in a{};
      a.sin_family = AF_INET;
      a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      a.sin_port = htons(static_cast<std::uint16_t>(port));
      rc = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    } else {
      sockaddr_un a{};
      a.sun_family = AF_UNIX;
      path.copy(a.sun_path, sizeof(a.sun_path) - 1);
      rc = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    }
    ::close(fd);
    if (rc == 0) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

/// Python's http.server (HTTP/1.1, keep-alive) behind Python's ssl, on a free port, or on a Unix socket
/// without TLS. Routes: GET /hello ("hello over tls"), /peer (the client certificate's CN, or "none"),
/// /redirect?to=URL (302 there), /big?n=N (N bytes of 'b'), /then-close (answers as keep-alive, then closes).
class PythonUpstream {
 public:
  struct Options {
    std::string cert{};       ///< empty: plain HTTP
    std::string key{};        ///< cert's private key
    std::string client_ca{};  ///< non-empty: a client certificate signed by it is required
    std::string uds{};        ///< non-empty: listen on this Unix socket instead of TCP
    bool tls12_only = false;  ///< cap the server at TLS 1.2
  };
  PythonUpstream(const TempDir& dir, Options o) {
    std::string script = dir.file("upstream.py");
    write_file(script, R"PY(
import http.server, socketserver, ssl, sys, urllib.parse
cert, key, client_ca, uds, tls12 = sys.argv[1:6]
class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *args): pass
    def address_string(self): return "unix"
    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(url.query))
        if url.path == "/redirect":
            self.send_response(302); self.send_header("Location", query["to"])
            self.send_header("Content-Length", "0"); self.end_headers(); return
        if url.path == "/peer":
            peer = self.connection.getpeercert() if hasattr(self.connection, "getpeercert") else None
            body = (dict(x[0] for x in peer["subject"])["commonName"] if peer else "none").encode()
        elif url.path == "/big":
            body = b"b" * int(query["n"])
        elif url.path == "/then-close":
            body = b"closing"
            self.close_connection = True  # after a keep-alive response: the client pooled a closed connection
        else:
            body = b"hello over " + (b"tls" if cert != "-" else b"http")
        self.send_response(200); self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body))); self.end_headers(); self.wfile.write(body)
if uds != "-":
    class Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
        daemon_threads = True
    server = Server(uds, Handler)
    print("Listening on unix:" + uds, flush=True)
else:
    class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
        daemon_threads = True
    server = Server(("127.0.0.1", 0), Handler)
    if cert != "-":
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(cert, key)
        if tls12 == "1": ctx.maximum_version = ssl.TLSVersion.TLSv1_2
        if client_ca != "-":
            ctx.load_verify_locations(client_ca); ctx.verify_mode = ssl.CERT_REQUIRED
        server.socket = ctx.wrap_socket(server.socket, server_side=True)
    print("Listening on 127.0.0.1:%d" % server.server_address[1], flush=True)
server.serve_forever()
)PY");
    auto arg = [](const std::string& s) { return s.empty() ? std::string("-") : s; };
    process_.emplace("/usr/bin/python3", std::vector<std::string>{script, arg(o.cert), arg(o.key), arg(o.client_ca),
                                                                  arg(o.uds), o.tls12_only ? "1" : "0"});
    auto line = process_->wait_for_line("Listening on", fastapi::test_support::scaled(std::chrono::seconds(10)));
    if (!line) throw std::runtime_error("the Python upstream did not start");
    if (o.uds.empty()) port = port_of(*line);
  }
  ~PythonUpstream() {
    process_->signal(SIGKILL);
    process_->wait(std::chrono::seconds(5));
  }
  int port = 0;

 private:
  std::optional<Process> process_;
};

/// nginx (Debian's, as a subprocess of its own, never a daemon) serving `/hello` ("hello from nginx") and
/// every file of `dir`'s www/ on a free port of 127.0.0.1 or on the Unix socket `uds`, over TLS with `cert`
/// and `key` (plain HTTP when they are empty). Stopped by its pid.
class Nginx {
 public:
  Nginx(const TempDir& dir, const std::string& cert, const std::string& key, const std::string& uds = {}) {
    std::filesystem::create_directories(dir.file("www"));
    std::filesystem::create_directories(dir.file("nginx"));
    if (uds.empty()) port = free_port();
    std::string prefix = dir.file("nginx");
    std::string listen =
        (uds.empty() ? "127.0.0.1:" + std::to_string(port) : "unix:" + uds) + (cert.empty() ? "" : " ssl");
    std::string conf = dir.file("nginx/nginx.conf");
    write_file(conf, "daemon off;\nmaster_process off;\nworker_processes 1;\npid " + prefix + "/nginx.pid;\n" +
                         "error_log " + prefix + "/error.log;\nevents { worker_connections 64; }\nhttp {\n" +
                         "  access_log off;\n  client_body_temp_path " + prefix + "/body;\n  proxy_temp_path " +
                         prefix + "/proxy;\n  fastcgi_temp_path " + prefix + "/fastcgi;\n  uwsgi_temp_path " + prefix +
                         "/uwsgi;\n  scgi_temp_path " + prefix + "/scgi;\n  keepalive_requests 1000;\n" +
                         "  server {\n    listen " + listen + ";\n" +
                         (cert.empty() ? std::string()
                                       : "    ssl_certificate " + cert + ";\n    ssl_certificate_key " + key + ";\n") +
                         "    root " + dir.file("www") + ";\n" +
                         "    location = /hello { default_type text/plain; return 200 \"hello from nginx\"; }\n" +
                         "  }\n}\n");
    process_.emplace("/usr/sbin/nginx",
                     std::vector<std::string>{"-p", prefix, "-c", conf, "-e", prefix + "/error.log"});
    if (!wait_until_listening(port, uds))
      throw std::runtime_error("nginx did not start (see " + prefix + "/error.log)");
  }
  ~Nginx() {
    process_->signal(SIGKILL);
    process_->wait(std::chrono::seconds(5));
  }
  int port = 0;

 private:
  std::optional<Process> process_;
};

}  // namespace test_support

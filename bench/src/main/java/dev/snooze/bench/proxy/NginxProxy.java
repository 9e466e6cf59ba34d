package dev.snooze.bench.proxy;

import dev.snooze.local.process.ChildProcess;
import dev.snooze.local.process.HttpProbe;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Debian's nginx as the reverse proxy Snooze's frontend is compared with: Debian's own defaults
 * (worker_processes auto, 768 connections per worker, sendfile, tcp_nopush), an upstream with a
 * keepalive pool, HTTP/1.1 upstream and buffering off as a streaming proxy needs. No access log:
 * the frontend writes none per request either.
 */
final class NginxProxy {
  private NginxProxy() {}

  static ChildProcess start(int backendPort, Path dir) {
    return ChildProcess.start("nginx", port -> {
      Path conf = dir.resolve("nginx-" + port + ".conf");
      try {
        Files.createDirectories(dir);
        Files.writeString(conf, config(port, backendPort, dir));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return List.of("nginx", "-p", dir.toString(), "-e", dir.resolve("error.log").toString(),
          "-c", conf.toString(), "-g", "daemon off;");
    }, Map.of(), host -> HttpProbe.answers(host, "/api/hello"), dir, Duration.ofSeconds(20));
  }

  static String config(int port, int backendPort, Path dir) {
    return """
        worker_processes auto;
        pid %1$s/nginx.pid;
        events {
          worker_connections 768;
        }
        http {
          sendfile on;
          tcp_nopush on;
          access_log off;
          client_body_temp_path %1$s/body;
          proxy_temp_path %1$s/proxy;
          fastcgi_temp_path %1$s/fastcgi;
          uwsgi_temp_path %1$s/uwsgi;
          scgi_temp_path %1$s/scgi;
          upstream backend {
            server 127.0.0.1:%3$d;
            keepalive 64;
          }
          server {
            listen 127.0.0.1:%2$d;
            location / {
              proxy_pass http://backend;
              proxy_http_version 1.1;
              proxy_set_header Connection "";
              proxy_set_header Host $host;
              proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
              proxy_set_header X-Forwarded-Proto $scheme;
              proxy_buffering off;
              proxy_read_timeout 600s;
            }
          }
        }
        """.formatted(dir, port, backendPort);
  }
}

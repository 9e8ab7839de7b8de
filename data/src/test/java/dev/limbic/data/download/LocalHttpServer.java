package dev.limbic.data.download;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A loopback HTTP server on an ephemeral port for downloader tests: serves byte arrays at paths, honours
 * {@code Range: bytes=N-} unless told not to, and can fail, cut off or stall chosen requests. Every request's
 * path and Range header is recorded.
 */
final class LocalHttpServer implements AutoCloseable {

  /** How the server answers one request for a path. */
  enum Behaviour {
    SERVE, // 200, or 206 for a range request
    IGNORE_RANGE, // always 200 with the whole body
    ERROR_503, // 503 Service Unavailable
    CUT_HALFWAY, // announce the full length, send half, close the connection
    STALL_HALFWAY, // announce the full length, send half, then go silent
    SLOW // the whole body in 8 KiB pieces, 15 ms apart (so a client sees many progress samples)
  }

  record Request(String path, String range) {}

  private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-");

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "local-http");
    t.setDaemon(true);
    return t;
  });
  private final Map<String, byte[]> bodies = new ConcurrentHashMap<>();
  private final Map<String, List<Behaviour>> scripts = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
  final List<Request> requests = new CopyOnWriteArrayList<>();
  /** Bytes of response bodies written, over all requests. */
  final AtomicInteger bodyBytesSent = new AtomicInteger();

  LocalHttpServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  /** Serves {@code body} at {@code path}; {@code script} gives the behaviour of the 1st, 2nd, … request (the
   * last entry repeats; empty = always SERVE). */
  void serve(String path, byte[] body, Behaviour... script) {
    bodies.put(path, body);
    scripts.put(path, List.of(script.length == 0 ? new Behaviour[] {Behaviour.SERVE} : script));
    counts.put(path, new AtomicInteger());
  }

  URI uri(String path) {
    return URI.create("http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort() + path);
  }

  long requestsFor(String path) {
    return requests.stream().filter(r -> r.path().equals(path)).count();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String path = ex.getRequestURI().getPath();
      String range = ex.getRequestHeaders().getFirst("Range");
      requests.add(new Request(path, range));
      byte[] body = bodies.get(path);
      if (body == null) {
        ex.sendResponseHeaders(404, -1);
        return;
      }
      List<Behaviour> script = scripts.get(path);
      int n = counts.get(path).getAndIncrement();
      Behaviour b = script.get(Math.min(n, script.size() - 1));
      if (b == Behaviour.ERROR_503) {
        ex.sendResponseHeaders(503, -1);
        return;
      }
      int start = 0;
      Matcher m = range == null ? null : RANGE.matcher(range);
      if (b != Behaviour.IGNORE_RANGE && m != null && m.matches()) {
        start = Integer.parseInt(m.group(1));
        if (start >= body.length) {
          ex.sendResponseHeaders(416, -1);
          return;
        }
        ex.getResponseHeaders().set("Content-Range",
            "bytes " + start + "-" + (body.length - 1) + "/" + body.length);
        ex.sendResponseHeaders(206, body.length - start);
      } else {
        ex.sendResponseHeaders(200, body.length);
      }
      OutputStream out = ex.getResponseBody();
      int len = body.length - start;
      if (b == Behaviour.CUT_HALFWAY || b == Behaviour.STALL_HALFWAY) {
        int half = len / 2;
        out.write(body, start, half);
        out.flush();
        bodyBytesSent.addAndGet(half);
        if (b == Behaviour.STALL_HALFWAY) {
          try {
            Thread.sleep(10_000);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        // Closing the exchange before Content-Length bytes were written drops the connection.
        return;
      }
      if (b == Behaviour.SLOW) {
        for (int off = start; off < body.length; off += 8192) {
          int piece = Math.min(8192, body.length - off);
          out.write(body, off, piece);
          out.flush();
          bodyBytesSent.addAndGet(piece);
          try {
            Thread.sleep(15);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
        }
        return;
      }
      out.write(body, start, len);
      bodyBytesSent.addAndGet(len);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}

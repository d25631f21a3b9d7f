package dev.trellis.controlplane.api;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The dashboard's static files, from the classpath folder {@code dashboard/}, at {@code /dashboard/}; {@code /}
 * redirects there. Only a plain file name of a known type is looked up in that folder, so no request reaches
 * another classpath resource. Responses carry an ETag and must be revalidated, so a new build shows on the next
 * load without a stale script beside a new page.
 */
final class DashboardHandler implements HttpHandler {
    static final String PATH = "/dashboard/";
    private static final String FOLDER = "/dashboard";
    private static final String INDEX = "index.html";
    /** Letters, digits, '-', '_' and dots, not starting with a dot: never a separator, never "..". */
    private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]*");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml",
            "png", "image/png",
            "ico", "image/x-icon",
            "json", "application/json");
    /** The page talks only to its own origin and runs no inline code. */
    private static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            + " connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

    /** A file as served; only files that exist are kept, so the cache is bounded by the folder. */
    private record Asset(byte[] body, String type, String etag) {}

    private final Map<String, Asset> assets = new ConcurrentHashMap<>();

    /** Serves the dashboard at /dashboard/ and redirects / there; every other path under / answers 404. */
    static void mount(HttpServer server) {
        DashboardHandler handler = new DashboardHandler();
        server.createContext(FOLDER, handler);
        server.createContext("/", handler);
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String method = ex.getRequestMethod();
            String path = ex.getRequestURI().getPath();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                ex.getResponseHeaders().set("Allow", "GET, HEAD");
                send(ex, 405, "method " + method + " (expected: GET or HEAD)\n");
            } else if (path.equals("/")) {
                redirect(ex, 302);
            } else if (path.equals(FOLDER)) {
                redirect(ex, 301);
            } else if (!path.startsWith(PATH)) {
                send(ex, 404, path + ": not found\n");
            } else {
                String name = path.substring(PATH.length());
                Optional<Asset> asset = asset(name.isEmpty() ? INDEX : name);
                if (asset.isEmpty()) {
                    send(ex, 404, path + ": not found\n");
                } else {
                    serve(ex, asset.get());
                }
            }
        }
    }

    private void serve(HttpExchange ex, Asset asset) throws IOException {
        Headers headers = ex.getResponseHeaders();
        headers.set("ETag", asset.etag());
        headers.set("Cache-Control", "no-cache");
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("Content-Security-Policy", CSP);
        String known = ex.getRequestHeaders().getFirst("If-None-Match");
        if (known != null && (known.trim().equals("*") || known.contains(asset.etag()))) {
            ex.sendResponseHeaders(304, -1);
            return;
        }
        headers.set("Content-Type", asset.type());
        body(ex, 200, asset.body());
    }

    /** To the folder with its trailing slash, keeping the query (the page reads ?window=). */
    private static void redirect(HttpExchange ex, int status) throws IOException {
        String query = ex.getRequestURI().getRawQuery();
        ex.getResponseHeaders().set("Location", PATH + (query == null ? "" : "?" + query));
        ex.sendResponseHeaders(status, -1);
    }

    private static void send(HttpExchange ex, int status, String text) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        body(ex, status, text.getBytes(StandardCharsets.UTF_8));
    }

    /** A HEAD request gets the headers only (the JDK server refuses a body then). */
    private static void body(HttpExchange ex, int status, byte[] bytes) throws IOException {
        if (ex.getRequestMethod().equals("HEAD") || bytes.length == 0) {
            ex.sendResponseHeaders(status, -1);
            return;
        }
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private Optional<Asset> asset(String name) {
        Asset cached = assets.get(name);
        if (cached != null) {
            return Optional.of(cached);
        }
        int dot = name.lastIndexOf('.');
        String type = dot < 0 ? null : TYPES.get(name.substring(dot + 1));
        if (type == null || !FILE_NAME.matcher(name).matches()) {
            return Optional.empty();
        }
        try (InputStream in = DashboardHandler.class.getResourceAsStream(FOLDER + "/" + name)) {
            if (in == null) {
                return Optional.empty();
            }
            byte[] body = in.readAllBytes();
            Asset asset = new Asset(body, type, etag(body));
            assets.putIfAbsent(name, asset);
            return Optional.of(asset);
        } catch (IOException e) {
            throw new UncheckedIOException("dashboard/" + name + ": " + e.getMessage(), e);
        }
    }

    private static String etag(byte[] body) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(body);
            return "\"" + HexFormat.of().formatHex(digest, 0, 12) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}

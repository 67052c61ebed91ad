package dev.switchboard.adapters.http;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dashboard's files over a real socket: only allow-listed names, the right content types, no
 * caching, a strict Content-Security-Policy, and a page with no inline script for it to allow.
 */
class DashboardHttpServiceTest {
    private static SwitchboardHttpServer server;

    @BeforeAll
    static void start() {
        server = SwitchboardHttpServer.start(0, List.of(new DashboardHttpService()));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** A raw HTTP/1.1 exchange: status line and headers as text (lower-cased names), then the body. */
    private record Answer(int status, String head, String body) {
        String header(String name) {
            Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name.toLowerCase(Locale.ROOT)) + ":\\s*(.*?)\\r?$")
                    .matcher(head);
            return m.find() ? m.group(1) : null;
        }
    }

    private static Answer get(String path) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder headText = new StringBuilder();
            while (headText.length() < 4 || !headText.substring(headText.length() - 4).equals("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("connection closed in the headers: " + headText);
                }
                headText.append((char) b);
            }
            String head = headText.toString().strip();
            String headLower = head.lines().map(line -> {
                int colon = line.indexOf(':');
                return colon < 0 ? line : line.substring(0, colon).toLowerCase(Locale.ROOT) + line.substring(colon);
            }).reduce((a, b) -> a + "\n" + b).orElse("");
            int status = Integer.parseInt(head.substring(9, 12));
            Matcher length = Pattern.compile("(?m)^content-length:\\s*(\\d+)").matcher(headLower);
            byte[] body = length.find() ? in.readNBytes(Integer.parseInt(length.group(1))) : new byte[0];
            return new Answer(status, headLower, new String(body, StandardCharsets.UTF_8));
        }
    }

    @Test
    void pageIsServedWithAStrictPolicyAndNoCaching() throws IOException {
        Answer page = get("/dashboard");
        assertEquals(200, page.status());
        assertEquals("text/html; charset=utf-8", page.header("Content-Type"));
        assertEquals("no-store", page.header("Cache-Control"));
        assertEquals("nosniff", page.header("X-Content-Type-Options"));
        String policy = page.header("Content-Security-Policy");
        assertTrue(policy.startsWith("default-src 'self'"), policy);
        assertFalse(policy.contains("unsafe-inline") || policy.contains("unsafe-eval"), policy);
        assertTrue(page.body().contains("<form id=\"login-form\""), "the sign-in form is on the page");
        assertEquals(page.body(), get("/dashboard/").body(), "with or without the trailing slash");
    }

    @Test
    void pageHasNoInlineScriptOrStyle() throws IOException {
        String html = get("/dashboard").body();
        Matcher scripts = Pattern.compile("<script\\b([^>]*)>(.*?)</script>", Pattern.DOTALL).matcher(html);
        int count = 0;
        while (scripts.find()) {
            count++;
            assertTrue(scripts.group(1).contains("src=\"/dashboard/"), "script from our own files: " + scripts.group());
            assertTrue(scripts.group(2).isBlank(), "no inline script body: " + scripts.group());
        }
        assertEquals(1, count);
        assertFalse(html.contains("<style"), "styles come from app.css");
        assertFalse(Pattern.compile("\\son[a-z]+=", Pattern.CASE_INSENSITIVE).matcher(html).find(), "no inline handlers");
        assertFalse(html.contains("style=\""), "no inline style attributes");
        assertFalse(html.contains("http://") || html.contains("https://"), "nothing from another origin");
    }

    @Test
    void assetsHaveTheirContentTypes() throws IOException {
        assertEquals("text/javascript; charset=utf-8", get("/dashboard/app.js").header("Content-Type"));
        assertEquals("text/css; charset=utf-8", get("/dashboard/app.css").header("Content-Type"));
        assertEquals("image/svg+xml", get("/dashboard/favicon.svg").header("Content-Type"));
        Answer script = get("/dashboard/app.js");
        assertEquals("no-store", script.header("Cache-Control"));
        assertTrue(script.header("Content-Security-Policy").contains("script-src 'self'"));
        assertFalse(script.body().contains("innerHTML"), "server strings are rendered as text, never parsed as HTML");
    }

    @Test
    void namesOffTheAllowListAre404() throws IOException {
        for (String path : List.of("/dashboard/secrets.txt", "/dashboard/..%2Fmodule-info.class",
                "/dashboard/%2e%2e%2fJobJson.class", "/dashboard/APP.JS", "/dashboard/app.js.map",
                "/dashboard/DashboardHttpService.class")) {
            Answer answer = get(path);
            assertTrue(answer.status() == 404 || answer.status() == 400, path + " answered " + answer.status());
            assertFalse(answer.body().contains("function"), path);
        }
        assertEquals(404, get("/dashboard/nope/app.js").status());
    }

    @Test
    void everyAllowListedFileIsInTheBuild() {
        DashboardHttpService.CONTENT_TYPES.keySet().forEach(name ->
                assertTrue(DashboardHttpService.read(name).length > 0, name));
    }
}

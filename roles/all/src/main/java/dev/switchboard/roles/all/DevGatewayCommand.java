package dev.switchboard.roles.all;

import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code ./switchboard dev-gateway --secret S [--port 3100]}: runs {@link DevGateway} until
 * interrupted and prints every message the system sends as one JSON line, so the whole loop —
 * customer writes, lead, AI answer, reply — can be watched on a machine with no WhatsApp.
 */
@Command(name = "dev-gateway", mixinStandardHelpOptions = true,
        description = "A WhatsApp gateway stand-in on loopback that prints each message sent to it.")
final class DevGatewayCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--port", defaultValue = "3100", description = "port on 127.0.0.1; default ${DEFAULT-VALUE}")
    int port;

    @Option(names = "--secret", required = true, description = "the secret the system sends (WHATSAPP_GATEWAY_SECRET)")
    String secret;

    static int run(String[] args) {
        return new CommandLine(new DevGatewayCommand()).execute(args);
    }

    @Override
    public Integer call() throws Exception {
        try (DevGateway gateway = DevGateway.start(port, secret, DevGatewayCommand::print)) {
            System.err.println("dev-gateway: listening on http://127.0.0.1:" + gateway.port()
                    + " (set WHATSAPP_GATEWAY_URL to it); Ctrl-C stops it");
            new CountDownLatch(1).await();
        }
        return 0;
    }

    private static void print(DevGateway.Sent sent) {
        Map<String, String> line = new LinkedHashMap<>();
        line.put("tenantId", sent.tenantId());
        line.put("to", sent.to());
        line.put("text", sent.text());
        line.put("messageId", sent.messageId());
        try {
            System.out.println(JSON.writeValueAsString(line));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            System.out.println(line);
        }
    }
}

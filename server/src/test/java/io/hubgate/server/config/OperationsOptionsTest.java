package io.hubgate.server.config;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.net.URI;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The operator's flags: health, metrics and OTLP endpoints and the log format, each refused clearly when wrong. */
class OperationsOptionsTest {

    private static GatewayOptions parse(String... args) {
        GatewayOptions options = new GatewayOptions();
        new CommandLine(options).parseArgs(args);
        return options;
    }

    @Test
    void operatorFlags_resolveIntoOperationsSettings() {
        OperationsSettings settings = parse("--health-port", "8081", "--metrics-port", "9464",
                "--otlp-endpoint", "http://otel-collector:4318").operations();

        assertThat(settings).isEqualTo(new OperationsSettings(8081, 9464, URI.create("http://otel-collector:4318")));
        assertThat(parse().operations()).isEqualTo(OperationsSettings.none());
        assertThat(parse("--log-format", "JSON").logFormat()).isEqualTo(LogFormat.JSON);
        assertThat(parse().logFormat()).isEqualTo(LogFormat.TEXT);
    }

    @Test
    void badOperatorFlags_areRefusedNamingTheFlag() {
        assertThatThrownBy(() -> parse("--otlp-endpoint", "otel-collector:4318").operations())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--otlp-endpoint");
        assertThatThrownBy(() -> parse("--otlp-endpoint", "ftp://collector").operations())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--otlp-endpoint");
        assertThatThrownBy(() -> parse("--metrics-port", "70000").operations())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--metrics-port");
        assertThatThrownBy(() -> parse("--health-port", "-1").operations())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--health-port");
        assertThatThrownBy(() -> parse("--log-format", "xml").logFormat())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--log-format");
    }
}

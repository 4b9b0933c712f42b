package io.hubgate.server.observability;

import io.grpc.Status;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;

/** What a logged value becomes, and how a call that ended without a status is described. */
class LogTextTest {

    @Test
    void controlCharactersAndBackslashes_areEscaped() {
        assertThat(LogText.escape("a\nb\rc\td\\e\u0000f\u0085g\u2028h\u2029i\u007fj\u009fk\u001fl"))
                .isEqualTo("a\\nb\\rc\\td\\\\e\\u0000f\\u0085g\\u2028h\\u2029i\\u007Fj\\u009Fk\\u001Fl");
        assertThat(LogText.escape("\n")).isEqualTo("\\n");
    }

    @Test
    void everythingElse_isKept_withoutACopy() {
        String plain = "plain Zürich 東京 😀 ~ \u00a0";
        assertThat(LogText.escape(plain)).isSameAs(plain);
        assertThat(LogText.escape("")).isEmpty();
        assertThat(LogText.escape(null)).isEqualTo("-");
    }

    @Test
    void aCallEndedOutsideTheHandler_isDescribedByItsCause() {
        assertThat(AccessLogInterceptor.cancelled(null).getCode()).isEqualTo(Status.Code.CANCELLED);
        assertThat(AccessLogInterceptor.cancelled(new TimeoutException("late")).getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
        assertThat(AccessLogInterceptor.cancelled(Status.INTERNAL.withDescription("frame").asRuntimeException()))
                .satisfies(s -> assertThat(s.getCode()).isEqualTo(Status.Code.INTERNAL))
                .satisfies(s -> assertThat(s.getDescription()).isEqualTo("frame"));
        Status other = AccessLogInterceptor.cancelled(new IllegalStateException("boom"));
        assertThat(other.getCode()).isEqualTo(Status.Code.CANCELLED);
        assertThat(other.getDescription()).isEqualTo("IllegalStateException: boom");
    }
}

package io.hubgate.sample;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Struct numbers are doubles: printed as grpcurl, Go and Node print them, an integral value within
 * ±2^53 (where a double is exact) without a fraction, anything else as protobuf's JSON has it.
 */
class JsonOutputTest {

    private static String printed(double number) throws Exception {
        Struct struct = Struct.newBuilder().putFields("n", Value.newBuilder().setNumberValue(number).build()).build();
        return JsonOutput.compact(struct);
    }

    @Test
    void integralDoublesWithinTwoToThe53_printAsIntegers() throws Exception {
        assertThat(printed(30)).isEqualTo("{\"n\":30}");
        assertThat(printed(-7)).isEqualTo("{\"n\":-7}");
        assertThat(printed(0)).isEqualTo("{\"n\":0}");
        assertThat(printed(9007199254740992d)).isEqualTo("{\"n\":9007199254740992}");
    }

    @Test
    void fractionsAndDoublesBeyondTwoToThe53_keepTheirText() throws Exception {
        assertThat(printed(0.5)).isEqualTo("{\"n\":0.5}");
        assertThat(printed(9007199254740994d)).isEqualTo("{\"n\":9.007199254740994E15}");
        assertThat(printed(1e300)).isEqualTo("{\"n\":1.0E300}");
    }
}

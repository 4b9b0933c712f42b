package io.hubgate.server.observability;

import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.plugins.Plugin;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.apache.logging.log4j.core.pattern.ConverterKeys;
import org.apache.logging.log4j.core.pattern.LogEventPatternConverter;
import org.apache.logging.log4j.core.pattern.PatternConverter;
import org.apache.logging.log4j.core.pattern.PatternFormatter;

import java.util.List;

/**
 * log4j2's {@code %escaped{pattern}}: formats the inner pattern, then escapes it with
 * {@link LogText}'s rule (CR, LF, every other C0/C1 control character, DEL, U+2028/9 and the
 * backslash), so that whatever a library puts in a message or an exception's text — grpc-java's
 * transport quotes a client's header bytes — stays on its one line and cannot reach a terminal as
 * an escape sequence. The text log's layouts wrap their message part in it (log4j2.xml); the access
 * log does not, its fields are escaped one by one as the line is built (the same rule, applied once).
 * log4j2's own {@code %enc{}{CRLF}} handles only CR and LF and not the backslash, so a value could
 * still smuggle an ESC or fake an escaped sequence.
 */
@Plugin(name = "EscapedPatternConverter", category = PatternConverter.CATEGORY)
@ConverterKeys({"escaped"})
public final class EscapedPatternConverter extends LogEventPatternConverter {

    private final List<PatternFormatter> inner;

    private EscapedPatternConverter(List<PatternFormatter> inner) {
        super("escaped", "escaped");
        this.inner = inner;
    }

    /** log4j2's factory: {@code options[0]} is the inner pattern. */
    public static EscapedPatternConverter newInstance(Configuration configuration, String[] options) {
        if (options == null || options.length != 1 || options[0] == null) {
            throw new IllegalArgumentException("%escaped takes exactly one pattern: %escaped{pattern}");
        }
        return new EscapedPatternConverter(PatternLayout.createPatternParser(configuration).parse(options[0]));
    }

    @Override
    public void format(LogEvent event, StringBuilder toAppendTo) {
        int start = toAppendTo.length();
        for (PatternFormatter formatter : inner) {
            formatter.format(event, toAppendTo);
        }
        String escaped = LogText.escape(toAppendTo.substring(start));
        toAppendTo.setLength(start);
        toAppendTo.append(escaped);
    }

    /** True when the inner pattern prints the exception, so that the layout does not add it again, raw. */
    @Override
    public boolean handlesThrowable() {
        return inner.stream().anyMatch(PatternFormatter::handlesThrowable);
    }
}

package io.hubgate.server.observability;

/**
 * Makes a value safe to put in a log line: control characters (C0, DEL, C1) and the Unicode line
 * and paragraph separators become {@code \n}, {@code \r}, {@code \t} or {@code \}{@code uXXXX},
 * and a backslash becomes {@code \\}, so no value can end a line, forge another one or hide a
 * character. Everything else is kept as it is. Stateless.
 */
final class LogText {

    private LogText() {
    }

    /** The escaped value; null becomes {@code "-"}. */
    public static String escape(String value) {
        if (value == null) {
            return "-";
        }
        int first = firstUnsafe(value);
        if (first < 0) {
            return value; // the common case: no copy
        }
        StringBuilder out = new StringBuilder(value.length() + 16).append(value, 0, first);
        for (int i = first; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (unsafe(c)) {
                        out.append(String.format("\\u%04X", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    private static int firstUnsafe(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' || unsafe(c)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean unsafe(char c) {
        return c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == '\u2028' || c == '\u2029';
    }
}

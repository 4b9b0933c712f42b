package io.hubgate.emulator.query;

/** The binary arithmetic operators, applied to doubles (twin numbers are exact as doubles). */
enum ArithmeticOperator {
    ADD,
    SUBTRACT,
    MULTIPLY,
    DIVIDE,
    MODULO;

    /** The result, or NaN/infinity (which callers turn into undefined) for a zero divisor. */
    double apply(double a, double b) {
        return switch (this) {
            case ADD -> a + b;
            case SUBTRACT -> a - b;
            case MULTIPLY -> a * b;
            case DIVIDE -> b == 0 ? Double.NaN : a / b;
            case MODULO -> b == 0 ? Double.NaN : a % b;
        };
    }
}

package dev.peregrine.flight;

/** A typed argument or field value of a {@link FlightEvent}. */
public sealed interface FlightValue {

    /** The value as text, the way a message shows it. */
    String text();

    /** A 64-bit integer (also used for int, short and byte arguments). */
    record LongValue(long value) implements FlightValue {
        @Override
        public String text() {
            return Long.toString(value);
        }
    }

    /** A 64-bit floating-point number (also used for float arguments). */
    record DoubleValue(double value) implements FlightValue {
        @Override
        public String text() {
            return Double.toString(value);
        }
    }

    /** A boolean. */
    record BooleanValue(boolean value) implements FlightValue {
        @Override
        public String text() {
            return Boolean.toString(value);
        }
    }

    /** A string, possibly cut to fit its ring slot (see {@link FlightEvent#truncated()}). */
    record StringValue(String value) implements FlightValue {
        @Override
        public String text() {
            return value;
        }
    }

    /** Summary of a throwable: its class name and message ({@code ""} when it had none). */
    record ThrowableValue(String className, String message) implements FlightValue {
        @Override
        public String text() {
            return message.isEmpty() ? className : className + ": " + message;
        }
    }

    /** A null argument. */
    record NullValue() implements FlightValue {
        @Override
        public String text() {
            return "null";
        }
    }
}

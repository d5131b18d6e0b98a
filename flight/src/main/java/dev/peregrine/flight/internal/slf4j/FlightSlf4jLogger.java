package dev.peregrine.flight.internal.slf4j;

import dev.peregrine.flight.EventBuilder;
import dev.peregrine.flight.FlightLogger;
import dev.peregrine.flight.Level;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.event.KeyValuePair;
import org.slf4j.event.LoggingEvent;
import org.slf4j.spi.LoggingEventAware;

/**
 * An SLF4J {@link Logger} that records into a {@link FlightLogger}: arguments keep their types (boxed
 * numbers are unboxed into the slot), a throwable becomes a typed throwable summary, and the thread's MDC
 * plus the fluent API's key-value pairs become fields. Markers are accepted and not recorded. Disabled
 * calls are counted as filtered. Thread-safe.
 *
 * <p>Every overload delegates to one method so that the 1- and 2-argument forms need no array.
 */
final class FlightSlf4jLogger implements Logger, LoggingEventAware {
    private final FlightLogger flight;
    private final FlightMdcAdapter mdc;

    FlightSlf4jLogger(FlightLogger flight, FlightMdcAdapter mdc) {
        this.flight = flight;
        this.mdc = mdc;
    }

    @Override
    public String getName() {
        return flight.target();
    }

    /** Records one call; {@code argc == -1} means the arguments are in {@code more}. */
    private void log(Level level, String format, int argc, Object a, Object b, Object[] more) {
        EventBuilder e = flight.at(level, format == null ? "null" : format);
        if (!e.isEnabled()) {
            return;
        }
        if (argc == -1) {
            if (more != null) {
                for (Object o : more) {
                    e.arg(o);
                }
            }
        } else {
            if (argc >= 1) {
                e.arg(a);
            }
            if (argc == 2) {
                e.arg(b);
            }
        }
        addMdc(e);
        e.log();
    }

    private void addMdc(EventBuilder e) {
        MdcContext context = mdc.context();
        for (int i = 0; i < context.size; i++) {
            e.field(context.keys[i], context.values[i]);
        }
    }

    /** The fluent API ({@code log.atInfo().addKeyValue(..).log(..)}) ends here. */
    @Override
    public void log(LoggingEvent event) {
        Level level = switch (event.getLevel()) {
            case TRACE -> Level.TRACE;
            case DEBUG -> Level.DEBUG;
            case INFO -> Level.INFO;
            case WARN -> Level.WARN;
            case ERROR -> Level.ERROR;
        };
        String message = event.getMessage();
        EventBuilder e = flight.at(level, message == null ? "null" : message);
        if (!e.isEnabled()) {
            return;
        }
        Object[] args = event.getArgumentArray();
        if (args != null) {
            for (Object o : args) {
                e.arg(o);
            }
        }
        if (event.getThrowable() != null) {
            e.arg(event.getThrowable());
        }
        List<KeyValuePair> pairs = event.getKeyValuePairs();
        if (pairs != null) {
            for (KeyValuePair pair : pairs) {
                e.field(pair.key, pair.value);
            }
        }
        addMdc(e);
        e.log();
    }

    @Override
    public boolean isTraceEnabled() {
        return flight.isEnabled(Level.TRACE);
    }

    @Override
    public boolean isTraceEnabled(Marker marker) {
        return flight.isEnabled(Level.TRACE);
    }

    @Override
    public void trace(String msg) {
        log(Level.TRACE, msg, 0, null, null, null);
    }

    @Override
    public void trace(String format, Object arg) {
        log(Level.TRACE, format, 1, arg, null, null);
    }

    @Override
    public void trace(String format, Object arg1, Object arg2) {
        log(Level.TRACE, format, 2, arg1, arg2, null);
    }

    @Override
    public void trace(String format, Object... arguments) {
        log(Level.TRACE, format, -1, null, null, arguments);
    }

    @Override
    public void trace(String msg, Throwable t) {
        log(Level.TRACE, msg, 1, t, null, null);
    }

    @Override
    public void trace(Marker marker, String msg) {
        log(Level.TRACE, msg, 0, null, null, null);
    }

    @Override
    public void trace(Marker marker, String format, Object arg) {
        log(Level.TRACE, format, 1, arg, null, null);
    }

    @Override
    public void trace(Marker marker, String format, Object arg1, Object arg2) {
        log(Level.TRACE, format, 2, arg1, arg2, null);
    }

    @Override
    public void trace(Marker marker, String format, Object... arguments) {
        log(Level.TRACE, format, -1, null, null, arguments);
    }

    @Override
    public void trace(Marker marker, String msg, Throwable t) {
        log(Level.TRACE, msg, 1, t, null, null);
    }
    @Override
    public boolean isDebugEnabled() {
        return flight.isEnabled(Level.DEBUG);
    }

    @Override
    public boolean isDebugEnabled(Marker marker) {
        return flight.isEnabled(Level.DEBUG);
    }

    @Override
    public void debug(String msg) {
        log(Level.DEBUG, msg, 0, null, null, null);
    }

    @Override
    public void debug(String format, Object arg) {
        log(Level.DEBUG, format, 1, arg, null, null);
    }

    @Override
    public void debug(String format, Object arg1, Object arg2) {
        log(Level.DEBUG, format, 2, arg1, arg2, null);
    }

    @Override
    public void debug(String format, Object... arguments) {
        log(Level.DEBUG, format, -1, null, null, arguments);
    }

    @Override
    public void debug(String msg, Throwable t) {
        log(Level.DEBUG, msg, 1, t, null, null);
    }

    @Override
    public void debug(Marker marker, String msg) {
        log(Level.DEBUG, msg, 0, null, null, null);
    }

    @Override
    public void debug(Marker marker, String format, Object arg) {
        log(Level.DEBUG, format, 1, arg, null, null);
    }

    @Override
    public void debug(Marker marker, String format, Object arg1, Object arg2) {
        log(Level.DEBUG, format, 2, arg1, arg2, null);
    }

    @Override
    public void debug(Marker marker, String format, Object... arguments) {
        log(Level.DEBUG, format, -1, null, null, arguments);
    }

    @Override
    public void debug(Marker marker, String msg, Throwable t) {
        log(Level.DEBUG, msg, 1, t, null, null);
    }
    @Override
    public boolean isInfoEnabled() {
        return flight.isEnabled(Level.INFO);
    }

    @Override
    public boolean isInfoEnabled(Marker marker) {
        return flight.isEnabled(Level.INFO);
    }

    @Override
    public void info(String msg) {
        log(Level.INFO, msg, 0, null, null, null);
    }

    @Override
    public void info(String format, Object arg) {
        log(Level.INFO, format, 1, arg, null, null);
    }

    @Override
    public void info(String format, Object arg1, Object arg2) {
        log(Level.INFO, format, 2, arg1, arg2, null);
    }

    @Override
    public void info(String format, Object... arguments) {
        log(Level.INFO, format, -1, null, null, arguments);
    }

    @Override
    public void info(String msg, Throwable t) {
        log(Level.INFO, msg, 1, t, null, null);
    }

    @Override
    public void info(Marker marker, String msg) {
        log(Level.INFO, msg, 0, null, null, null);
    }

    @Override
    public void info(Marker marker, String format, Object arg) {
        log(Level.INFO, format, 1, arg, null, null);
    }

    @Override
    public void info(Marker marker, String format, Object arg1, Object arg2) {
        log(Level.INFO, format, 2, arg1, arg2, null);
    }

    @Override
    public void info(Marker marker, String format, Object... arguments) {
        log(Level.INFO, format, -1, null, null, arguments);
    }

    @Override
    public void info(Marker marker, String msg, Throwable t) {
        log(Level.INFO, msg, 1, t, null, null);
    }
    @Override
    public boolean isWarnEnabled() {
        return flight.isEnabled(Level.WARN);
    }

    @Override
    public boolean isWarnEnabled(Marker marker) {
        return flight.isEnabled(Level.WARN);
    }

    @Override
    public void warn(String msg) {
        log(Level.WARN, msg, 0, null, null, null);
    }

    @Override
    public void warn(String format, Object arg) {
        log(Level.WARN, format, 1, arg, null, null);
    }

    @Override
    public void warn(String format, Object arg1, Object arg2) {
        log(Level.WARN, format, 2, arg1, arg2, null);
    }

    @Override
    public void warn(String format, Object... arguments) {
        log(Level.WARN, format, -1, null, null, arguments);
    }

    @Override
    public void warn(String msg, Throwable t) {
        log(Level.WARN, msg, 1, t, null, null);
    }

    @Override
    public void warn(Marker marker, String msg) {
        log(Level.WARN, msg, 0, null, null, null);
    }

    @Override
    public void warn(Marker marker, String format, Object arg) {
        log(Level.WARN, format, 1, arg, null, null);
    }

    @Override
    public void warn(Marker marker, String format, Object arg1, Object arg2) {
        log(Level.WARN, format, 2, arg1, arg2, null);
    }

    @Override
    public void warn(Marker marker, String format, Object... arguments) {
        log(Level.WARN, format, -1, null, null, arguments);
    }

    @Override
    public void warn(Marker marker, String msg, Throwable t) {
        log(Level.WARN, msg, 1, t, null, null);
    }
    @Override
    public boolean isErrorEnabled() {
        return flight.isEnabled(Level.ERROR);
    }

    @Override
    public boolean isErrorEnabled(Marker marker) {
        return flight.isEnabled(Level.ERROR);
    }

    @Override
    public void error(String msg) {
        log(Level.ERROR, msg, 0, null, null, null);
    }

    @Override
    public void error(String format, Object arg) {
        log(Level.ERROR, format, 1, arg, null, null);
    }

    @Override
    public void error(String format, Object arg1, Object arg2) {
        log(Level.ERROR, format, 2, arg1, arg2, null);
    }

    @Override
    public void error(String format, Object... arguments) {
        log(Level.ERROR, format, -1, null, null, arguments);
    }

    @Override
    public void error(String msg, Throwable t) {
        log(Level.ERROR, msg, 1, t, null, null);
    }

    @Override
    public void error(Marker marker, String msg) {
        log(Level.ERROR, msg, 0, null, null, null);
    }

    @Override
    public void error(Marker marker, String format, Object arg) {
        log(Level.ERROR, format, 1, arg, null, null);
    }

    @Override
    public void error(Marker marker, String format, Object arg1, Object arg2) {
        log(Level.ERROR, format, 2, arg1, arg2, null);
    }

    @Override
    public void error(Marker marker, String format, Object... arguments) {
        log(Level.ERROR, format, -1, null, null, arguments);
    }

    @Override
    public void error(Marker marker, String msg, Throwable t) {
        log(Level.ERROR, msg, 1, t, null, null);
    }
}

package io.attache.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.AppenderBase;
import io.attache.web.ErrorLog;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The last {@link #CAPACITY} warnings and errors logged, kept in memory for the admin pages: a
 * logback appender on the root logger, so it sees what the log file sees.
 */
final class RecentErrors extends AppenderBase<ILoggingEvent> implements ErrorLog {

    static final int CAPACITY = 200;
    private static final int MAX_MESSAGE = 2_000;

    private final Deque<Event> events = new ArrayDeque<>();

    /** Installs one on the root logger; returns null when logback is not the logging backend. */
    static RecentErrors install() {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return null;
        }
        RecentErrors appender = new RecentErrors();
        appender.setContext(context);
        appender.setName("recent-errors");
        appender.start();
        context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(appender);
        return appender;
    }

    void uninstall() {
        if (getContext() instanceof LoggerContext context) {
            context.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(this);
        }
        stop();
    }

    @Override
    protected void append(ILoggingEvent event) {
        if (!event.getLevel().isGreaterOrEqual(Level.WARN)) {
            return;
        }
        String message = event.getFormattedMessage();
        if (event.getThrowableProxy() != null) {
            message += "\n" + ThrowableProxyUtil.asString(event.getThrowableProxy());
        }
        if (message.length() > MAX_MESSAGE) {
            message = message.substring(0, MAX_MESSAGE) + "…";
        }
        Event e = new Event(event.getTimeStamp(), event.getLevel().toString(), event.getLoggerName(), message);
        synchronized (events) {
            events.addFirst(e);
            while (events.size() > CAPACITY) {
                events.removeLast();
            }
        }
    }

    @Override
    public List<Event> recent() {
        synchronized (events) {
            return new ArrayList<>(events);
        }
    }
}

package io.attache.web;

import java.util.List;

/** The server's latest warnings and errors, newest first, for the admin pages. */
public interface ErrorLog {

    List<Event> recent();

    /** One logged warning or error. */
    record Event(long at, String level, String logger, String message) {
    }

    ErrorLog NONE = List::of;
}

package io.attache.fs;

/**
 * What the server's vital signs count about sign-ins: failed logins (any face: WebDAV Basic, the
 * web pages) and bans of an address or user by the login defence. The app wires it to /metrics.
 */
public interface AuthEvents {

    void failedLogin();

    void banned();

    AuthEvents NONE = new AuthEvents() {
        @Override
        public void failedLogin() {
        }

        @Override
        public void banned() {
        }
    };
}

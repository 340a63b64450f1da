package io.attache.web;

import io.attache.fs.Account;
import io.attache.fs.FsException;
import io.attache.fs.UserService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.Optional;

/**
 * The one place where the web face checks a user name and password. It goes through the same
 * account service as WebDAV's Basic authentication, so the two faces share its rules (and the
 * login defence that guards it); {@code remoteAddress} is what that defence keys on.
 */
final class SignIn {

    private static final Logger log = LoggerFactory.getLogger(SignIn.class);

    private final UserService users;

    SignIn(UserService users) {
        this.users = users;
    }

    /** The account these credentials open, or empty; the password is wiped either way. */
    Optional<Account> check(String name, char[] password, String remoteAddress) throws FsException {
        try {
            Optional<Account> account = users.authenticate(name, password);
            if (account.isEmpty()) {
                log.info("Failed web sign-in for '{}' from {}", name, remoteAddress);
            }
            return account;
        } finally {
            Arrays.fill(password, '\0');
        }
    }
}

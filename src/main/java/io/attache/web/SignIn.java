package io.attache.web;

import io.attache.fs.Account;
import io.attache.fs.LoginDefence;

import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The one place where the web face checks a user name and password: through the same
 * {@link LoginDefence} as WebDAV's Basic authentication, so both faces share its delays, bans
 * and timing (keyed on the client's address), and a guesser gains nothing by switching face.
 */
final class SignIn {

    private final LoginDefence logins;

    SignIn(LoginDefence logins) {
        this.logins = logins;
    }

    /**
     * The account these credentials open, or empty; the password is wiped either way.
     *
     * @throws WebException 429 with the time to wait while the address or name is banned, 503
     *                      while too many password checks are running
     */
    Optional<Account> check(String name, char[] password, String remoteAddress) throws WebException {
        LoginDefence.Outcome outcome;
        try {
            outcome = logins.authenticate(name, password, remoteAddress).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WebException(503, "interrupted");
        } catch (ExecutionException | TimeoutException e) {
            throw new WebException(503, "cannot check the password now, try again");
        } finally {
            Arrays.fill(password, '\0');
        }
        if (outcome instanceof LoginDefence.Outcome.Accepted accepted) {
            return Optional.of(accepted.account());
        }
        if (outcome instanceof LoginDefence.Outcome.Banned banned) {
            throw new WebException(429, "too many failed sign-ins; try again in "
                    + Math.max(1, banned.retryAfter().toSeconds()) + " s").retryAfter(banned.retryAfter());
        }
        if (outcome instanceof LoginDefence.Outcome.Busy busy) {
            throw new WebException(503, "too many sign-ins at once; try again").retryAfter(busy.retryAfter());
        }
        return Optional.empty();
    }
}

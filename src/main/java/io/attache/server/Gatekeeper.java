package io.attache.server;

import io.attache.fs.Account;
import io.attache.fs.HealthCheck;
import io.attache.fs.LoginDefence;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * What every request passes before the servlet, on Jetty's own terms (no servlet thread, no
 * blocking): {@code /health}; then, for every method but OPTIONS and those nobody handles,
 * HTTP Basic authentication through {@link LoginDefence} (a password check runs elsewhere and
 * resumes the request when it is done, so a flood of wrong passwords holds no thread); then the
 * per-user {@link UserGate}. The authenticated {@link Account} travels to the servlet as a
 * request attribute.
 */
final class Gatekeeper extends Handler.Wrapper {

    /** The request attribute that holds the authenticated {@link Account}. */
    static final String ACCOUNT = Gatekeeper.class.getName() + ".account";
    private static final String CHALLENGE = "Basic realm=\"Attache\", charset=\"UTF-8\"";

    private final LoginDefence logins;
    private final UserGate gate;
    private final HealthCheck health;
    private final Set<String> authenticated;

    /**
     * @param authenticated the methods that need credentials: every method the WebDAV engine
     *                      handles but OPTIONS (others are refused by the servlet without them)
     */
    Gatekeeper(Handler handler, LoginDefence logins, UserGate gate, HealthCheck health, Set<String> authenticated) {
        super(handler);
        this.logins = logins;
        this.gate = gate;
        this.health = health;
        this.authenticated = Set.copyOf(authenticated);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String method = request.getMethod();
        if (isHealth(request, method)) {
            boolean healthy = health.healthy();
            response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
            answer(request, response, callback, healthy ? HttpStatus.OK_200 : HttpStatus.SERVICE_UNAVAILABLE_503,
                    healthy ? "ok" : "unavailable");
            return true;
        }
        if (!authenticated.contains(method)) {
            return super.handle(request, response, callback);
        }
        Optional<BasicCredentials> credentials = BasicCredentials.parse(request.getHeaders().get(HttpHeader.AUTHORIZATION));
        if (credentials.isEmpty()) {
            challenge(request, response, callback);
            return true;
        }
        CompletableFuture<LoginDefence.Outcome> outcome;
        try {
            outcome = logins.authenticate(credentials.get().user(), credentials.get().password(), Request.getRemoteAddr(request));
        } finally {
            Arrays.fill(credentials.get().password(), '\0');
        }
        if (outcome.isDone()) {
            decide(request, response, callback, outcome.join());
        } else {
            outcome.whenComplete((o, failure) -> request.getComponents().getExecutor().execute(() ->
                    decide(request, response, callback, o != null ? o : new LoginDefence.Outcome.Busy(Duration.ofSeconds(5)))));
        }
        return true;
    }

    /** {@code /health}, asked without credentials: a user's file of that name is reached with them. */
    private static boolean isHealth(Request request, String method) {
        return ("GET".equals(method) || "HEAD".equals(method)) && "/health".equals(request.getHttpURI().getPath())
                && !request.getHeaders().contains(HttpHeader.AUTHORIZATION);
    }

    private void decide(Request request, Response response, Callback callback, LoginDefence.Outcome outcome) {
        if (outcome instanceof LoginDefence.Outcome.Accepted accepted) {
            admit(request, response, callback, accepted.account());
        } else if (outcome instanceof LoginDefence.Outcome.Banned banned) {
            retryLater(request, response, callback, HttpStatus.TOO_MANY_REQUESTS_429, banned.retryAfter(),
                    "too many failed logins; try again later");
        } else if (outcome instanceof LoginDefence.Outcome.Busy busy) {
            retryLater(request, response, callback, HttpStatus.SERVICE_UNAVAILABLE_503, busy.retryAfter(),
                    "cannot check credentials now");
        } else {
            challenge(request, response, callback);
        }
    }

    /** Through the per-user gate to the servlet; the gate opens again when the request ends. */
    private void admit(Request request, Response response, Callback callback, Account account) {
        gate.enter(account.id(), new UserGate.Ticket() {
            @Override
            public void proceed() {
                Request.addCompletionListener(request, failure -> gate.leave(account.id()));
                request.setAttribute(ACCOUNT, account);
                try {
                    if (!Gatekeeper.super.handle(request, response, callback)) {
                        Response.writeError(request, response, callback, HttpStatus.NOT_FOUND_404);
                    }
                } catch (Throwable t) {
                    Response.writeError(request, response, callback, t);
                }
            }

            @Override
            public void refuse(String why) {
                retryLater(request, response, callback, HttpStatus.TOO_MANY_REQUESTS_429, Duration.ofSeconds(2), why);
            }
        }, request.getComponents().getExecutor(), request.getComponents().getScheduler());
    }

    private static void challenge(Request request, Response response, Callback callback) {
        response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, CHALLENGE);
        answer(request, response, callback, HttpStatus.UNAUTHORIZED_401, "authentication required");
    }

    private static void retryLater(Request request, Response response, Callback callback, int status, Duration after, String why) {
        response.getHeaders().put(HttpHeader.RETRY_AFTER, Long.toString(Math.max(1, (after.toMillis() + 999) / 1000)));
        answer(request, response, callback, status, why);
    }

    /**
     * A short plain-text answer. A request body is never read here: when one may still be on its
     * way, the connection closes after the answer rather than take it for the next request.
     */
    private static void answer(Request request, Response response, Callback callback, int status, String text) {
        byte[] body = (text + "\n").getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain;charset=utf-8");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        if (mayStillSendABody(request)) {
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
        }
        response.write(true, "HEAD".equals(request.getMethod()) ? null : ByteBuffer.wrap(body), callback);
    }

    private static boolean mayStillSendABody(Request request) {
        boolean announced = request.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH) > 0
                || request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING);
        return announced && !request.getHeaders().contains(HttpHeader.EXPECT, "100-continue");
    }
}

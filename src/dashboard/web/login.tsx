/** The page shown instead of any data when the API proxy answers 401 (no session cookie). */

/** Shown instead of any data when the API proxy answers 401. */
export function LoginRequired() {
  return (
    <div class="login-required" data-testid="login-required">
      <h2>Not logged in</h2>
      <p>Open the URL with the login token that <code>k1s dashboard</code> printed. The token works once; this browser then keeps a session cookie.</p>
    </div>
  );
}


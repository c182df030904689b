const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escape = (text: string) => text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

/**
 * The page a browser lands on when sign-in ends without a session (refused,
 * failed, or no role): plain HTML with no script or style, so it passes the
 * API's strict CSP, and a link back to the dashboard's sign-in.
 */
export function authPage(title: string, message: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escape(title)} · Weft</title></head>
<body>
<main>
<h1>${escape(title)}</h1>
<p role="alert">${escape(message)}</p>
<p><a href="/">Back to sign-in</a></p>
</main>
</body>
</html>
`;
}

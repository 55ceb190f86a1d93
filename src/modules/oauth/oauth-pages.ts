/** The three pages of the authorization flow, plain HTML in Photogram's look (no scripts). */

const escape = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

const STYLE = `
  body { margin: 0; font-family: -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, sans-serif;
         background: #fafafa; color: #262626; }
  main { max-width: 350px; margin: 48px auto; padding: 32px 40px; background: #fff;
         border: 1px solid #dbdbdb; border-radius: 4px; text-align: center; }
  h1 { font-family: "Grand Hotel", "Billabong", cursive, serif; font-weight: 400; font-size: 40px;
       margin: 0 0 16px; }
  p { font-size: 14px; line-height: 1.4; }
  label { display: block; text-align: left; font-size: 12px; color: #737373; margin-top: 8px; }
  input[type=text], input[type=password] { box-sizing: border-box; width: 100%; padding: 9px 8px;
       margin-top: 4px; border: 1px solid #dbdbdb; border-radius: 3px; background: #fafafa; }
  button { width: 100%; margin-top: 16px; padding: 8px; border: 0; border-radius: 8px;
       background: #0095f6; color: #fff; font-weight: 600; font-size: 14px; cursor: pointer; }
  .error { color: #ed4956; }
  .scopes { color: #737373; font-size: 12px; }
  code { display: block; margin-top: 16px; padding: 12px; background: #efefef; border-radius: 4px;
         word-break: break-all; font-size: 14px; }
`;

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escape(title)} · Photogram</title>
<style>${STYLE}</style>
</head>
<body><main><h1>Photogram</h1>${body}</main></body>
</html>`;
}

export function authorizePage(input: {
  appName: string;
  website: string | null;
  scopes: readonly string[];
  hidden: Record<string, string | undefined>;
  username?: string;
  message?: string;
}): string {
  const hidden = Object.entries(input.hidden)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([name, value]) => `<input type="hidden" name="${escape(name)}" value="${escape(value)}">`)
    .join('\n');
  const app = input.website
    ? `<a href="${escape(input.website)}" rel="noopener noreferrer">${escape(input.appName)}</a>`
    : escape(input.appName);
  return page(
    'Authorize',
    `<p><strong>${app}</strong> wants to use your Photogram account.</p>
<p class="scopes">It asks for: ${input.scopes.map(escape).join(', ')}</p>
${input.message ? `<p class="error" role="alert">${escape(input.message)}</p>` : ''}
<form method="post" action="/oauth/authorize">
${hidden}
<label for="username">Username or email</label>
<input type="text" id="username" name="username" autocomplete="username" required value="${escape(input.username ?? '')}">
<label for="password">Password</label>
<input type="password" id="password" name="password" autocomplete="current-password" required>
<button type="submit">Authorize</button>
</form>`,
  );
}

export const codePage = (appName: string, code: string) =>
  page(
    'Authorization code',
    `<p>Copy this code and paste it into <strong>${escape(appName)}</strong>:</p>
<code>${escape(code)}</code>`,
  );

export const errorPage = (message: string) =>
  page('Cannot authorize', `<p class="error" role="alert">${escape(message)}</p>`);

/**
 * Just enough of a browser for the server-rendered pages: follows a link, keeps the cookie
 * the page set, reads the hidden fields of its forms, and posts a form back the way a
 * browser does (urlencoded, same-origin Origin and Sec-Fetch-Site, the cookie).
 */
import type { Harness } from "./harness.js";

const ENTITIES: Record<string, string> = { "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'" };
const unescapeHtml = (value: string) => value.replace(/&(amp|lt|gt|quot|#39);/g, (e) => ENTITIES[e] ?? e);

export interface Page {
  status: number;
  headers: Headers;
  html: string;
  /** The hidden fields of the form whose `step` is `step` (or of the first form). */
  hiddenFields(step?: string): Record<string, string>;
}

export class PageBrowser {
  cookie = "";
  constructor(
    private readonly h: Pick<Harness, "app">,
    readonly userAgent = "page-browser",
  ) {}

  async #read(response: Response): Promise<Page> {
    const setCookie = response.headers.get("set-cookie");
    if (setCookie) this.cookie = setCookie.split(";")[0] ?? "";
    const html = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      html,
      hiddenFields(step) {
        const forms = html.split("<form").slice(1);
        const form = forms.find((f) => !step || f.includes(`name="step" value="${step}"`)) ?? "";
        const fields: Record<string, string> = {};
        for (const [, name, value] of form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
          fields[name as string] = unescapeHtml(value as string);
        }
        return fields;
      },
    };
  }

  /** Opens `url` (absolute, as in a mail, or a path). */
  async open(url: string): Promise<Page> {
    const { pathname, search } = new URL(url, "http://127.0.0.1:3000");
    return this.#read(await this.h.app.request(`${pathname}${search}`, { headers: { "user-agent": this.userAgent } }));
  }

  /** Posts `fields` to `path` as a form on this site would; `headers` override (to play an attacker). */
  async submit(path: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Page> {
    const response = await this.h.app.request(path, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        "user-agent": this.userAgent,
        origin: "null",
        "sec-fetch-site": "same-origin",
        ...(this.cookie ? { cookie: this.cookie } : {}),
        ...headers,
      },
      body: new URLSearchParams(fields).toString(),
    });
    return this.#read(response);
  }
}

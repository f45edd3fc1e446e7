// The web admin in a real browser: Debian's Chromium (never a downloaded one), headless, driven
// through playwright-core. Started by org.fanmail.console.BrowserTest, which runs fanmail, a
// PostgreSQL and an SMTP sink and hands over through the environment:
//   FANMAIL_URL     the application's base URL (http://localhost:PORT)
//   FANMAIL_TOKEN   the bootstrap admin token: the scenarios use it only to make accounts over
//                   the API and to check results; the pages are used through a login session
//   HELD_LIST       a list with a held post, HELD_POST its id, HELD_MEMBERS its member count
//   MANAGE_URL      a member's /manage/{token} link on HELD_LIST, MANAGE_MEMBER that member
//   IMPORT_ROWS     members to import (10,000 by default)
//   SCREENSHOTS     a directory to write screenshots of the main pages into (optional)
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

const base = required("FANMAIL_URL");
const token = required("FANMAIL_TOKEN");
const importRows = Number(process.env.IMPORT_ROWS || "10000");
const shots = process.env.SCREENSHOTS || "";
const listAddress = `browser-${Date.now()}@lists.test`;

let browser;
let context;
const password = `browser-${Date.now()}-pass`;

// The REST API with the bootstrap token (accounts are made there, results read back).
async function api(method, path, body) {
  const r = await fetch(base + path, {
    method,
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  assert.ok(r.status < 300, `${method} ${path}: ${r.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

// A fresh browser context signed in through the login page as email (no bearer header: the
// session cookie and the forms' CSRF tokens carry every change).
async function loggedIn(email) {
  const ctx = await browser.newContext({ baseURL: base, viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  await page.goto("/admin/lists");
  await page.waitForURL(/\/admin\/login\?next=/);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.waitForURL("**/admin/lists");
  await page.close();
  return ctx;
}

function required(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set: run the browser tests through BrowserTest`);
  }
  return value;
}

// Script errors, Content-Security-Policy violations and failed requests of a page go to errors
// (the browser's own favicon request, which fanmail does not serve, aside).
function watch(page, errors) {
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => {
    if (m.type() === "error" && !m.text().startsWith("Failed to load resource")) {
      errors.push(m.text());
    }
  });
  page.on("response", (r) => {
    if (r.status() >= 400 && !r.url().endsWith("/favicon.ico")) {
      errors.push(`${r.status()} ${r.url()}`);
    }
  });
}

async function screenshot(page, name) {
  if (!shots) {
    return;
  }
  mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
}

before(async () => {
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
    ],
  });
  const admin = `admin-${Date.now()}@browser.test`;
  await api("POST", "/api/users", { email: admin, name: "Browser admin", role: "ADMIN", password });
  context = await loggedIn(admin);
});

after(async () => {
  await context?.close();
  await browser?.close();
});

test("create a list from the lists page", async () => {
  const page = await context.newPage();
  const errors = [];
  watch(page, errors);
  await page.goto("/admin/lists");
  await page.getByLabel("Address", { exact: true }).fill(listAddress);
  await page.getByLabel("Name", { exact: true }).fill("Browser test list");
  await page.getByRole("button", { name: "Create list" }).click();
  await page.waitForURL(`**/admin/lists/${listAddress}`);
  assert.match(await page.locator("h1").innerText(), /Browser test list/);
  // The settings form, reached and saved with the keyboard only.
  await page.getByLabel("Subject prefix").fill("[browser]");
  await page.getByLabel("Subject prefix").press("Enter");
  await page.waitForURL(/saved=1/);
  assert.equal(await page.getByLabel("Subject prefix").inputValue(), "[browser]");
  await screenshot(page, "list-settings");
  await page.goto("/admin/lists");
  await screenshot(page, "lists");
  assert.deepEqual(errors, [], "no script or policy errors on the pages");
  await page.close();
});

test(`import ${importRows} members and see the progress finish`, async () => {
  const dir = mkdtempSync(join(tmpdir(), "fanmail-browser-"));
  const file = join(dir, "members.csv");
  const lines = ["email,name"];
  for (let i = 0; i < importRows; i++) {
    lines.push(`member${i}@import.test,Member ${i}`);
  }
  writeFileSync(file, lines.join("\n") + "\n");
  const page = await context.newPage();
  const errors = [];
  watch(page, errors);
  await page.goto(`/admin/lists/${listAddress}/members`);
  await page.getByLabel(/CSV file/).setInputFiles(file);
  await page.getByRole("button", { name: "Import members" }).click();
  await page.waitForURL(/\/admin\/imports\/\d+$/);
  const progress = page.locator("progress");
  assert.equal(await progress.count(), 1, "a progress bar");
  await screenshot(page, "import-progress");
  // The page polls the job's row and reloads itself once the import ended.
  await page.locator("[data-field=state]", { hasText: "DONE" }).waitFor({ timeout: 180_000 });
  assert.equal(await page.locator("progress").getAttribute("value"), "100");
  assert.equal(await page.locator("[data-field=added]").innerText(), String(importRows));
  await screenshot(page, "import-done");
  await page.goto(`/admin/lists/${listAddress}/members?q=member9999`);
  assert.match(await page.locator("caption").innerText(), /member\(s\)/);
  await page.goto(`/admin/lists/${listAddress}/members`);
  assert.match(await page.locator("caption").innerText(), new RegExp(`^${importRows} member`));
  await screenshot(page, "members");
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, "members-phone");
  assert.deepEqual(errors, []);
  await page.close();
});

test("approve a held post and see its delivery complete", async () => {
  const list = required("HELD_LIST");
  const post = required("HELD_POST");
  const members = required("HELD_MEMBERS");
  const page = await context.newPage();
  await page.goto("/admin/moderation");
  await screenshot(page, "moderation");
  await page.locator(`a[href="/admin/lists/${list}/held/${post}"]`).click();
  await page.waitForURL(`**/held/${post}`);
  assert.match(await page.locator("pre.message").innerText(), /Subject:/);
  await screenshot(page, "held-post");
  await page.getByRole("button", { name: "Approve and send" }).click();
  await page.waitForURL(`**/admin/posts/${post}`);
  await page.locator("[data-field=state]", { hasText: "DONE" }).waitFor({ timeout: 120_000 });
  assert.equal(await page.locator("[data-field=delivered]").innerText(), members);
  assert.equal(await page.locator("[data-field=failed]").innerText(), "0");
  assert.ok((await page.locator("tbody tr").count()) >= 1, "one line per destination host");
  await screenshot(page, "post-delivery");
  await page.close();
});

test("a DKIM key created with the keyboard shows its TXT record; the sites page", async () => {
  const page = await context.newPage();
  const errors = [];
  watch(page, errors);
  const domain = `k${Date.now()}.example.test`;
  await page.goto("/admin/dkim");
  await page.getByLabel("Domain").fill(domain);
  await page.keyboard.press("Tab");
  await page.keyboard.type("browser1");
  // Enter in a text field submits its form (the algorithm keeps its first choice, RSA).
  await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
  const row = page.locator("tr", { hasText: `browser1._domainkey.${domain}` });
  assert.match(await row.innerText(), /v=DKIM1; k=rsa; p=/);
  await screenshot(page, "dkim");
  await Promise.all([
    page.waitForNavigation(),
    row.getByRole("button", { name: "Deactivate browser1" }).click(),
  ]);
  assert.match(
    await page.locator("tr", { hasText: `browser1._domainkey.${domain}` }).innerText(),
    /Activate browser1/,
  );
  await page.goto("/admin/sites");
  assert.equal(await page.locator("h1").innerText(), "Delivery sites");
  await screenshot(page, "sites");
  assert.deepEqual(errors, []);
  await page.close();
});

test("a moderator logs in, sees its list's queue and is refused another list", async () => {
  const list = required("HELD_LIST");
  const moderator = `mod-${Date.now()}@browser.test`;
  await api("POST", "/api/users", {
    email: moderator,
    name: "Browser moderator",
    role: "MODERATOR",
    lists: [list],
    password,
  });
  const ctx = await loggedIn(moderator);
  const page = await ctx.newPage();
  const queue = await page.goto("/admin/moderation");
  assert.equal(queue.status(), 200);
  const other = await page.goto(`/admin/lists/${listAddress}/members`);
  assert.equal(other.status(), 403, "a moderator of one list cannot open another's members");
  const settings = await page.goto(`/admin/lists/${list}`);
  assert.equal(settings.status(), 403, "nor its own list's settings");
  await ctx.close();
});

test("a member changes its delivery mode on its manage page", async () => {
  const list = required("HELD_LIST");
  const member = required("MANAGE_MEMBER");
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await ctx.newPage();
  const errors = [];
  watch(page, errors);
  await page.goto(required("MANAGE_URL"));
  assert.match(await page.locator("main").innerText(), new RegExp(member.replace(".", "\\.")));
  await page.locator("input[name=mode][value=NOMAIL]").check();
  await Promise.all([
    page.waitForNavigation(),
    page.getByRole("button", { name: "Save" }).first().click(),
  ]);
  assert.equal(await page.locator("input[name=mode][value=NOMAIL]").isChecked(), true);
  await screenshot(page, "manage-phone");
  const m = await api("GET", `/api/lists/${list}/members/${member}`);
  assert.equal(m.deliveryMode, "NOMAIL");
  assert.deepEqual(errors, []);
  await ctx.close();
});

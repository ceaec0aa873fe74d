// Steps through the web client the way a person does: by labels, roles and text.
export async function signUpViaUi(page, { username, email = `${username}@example.com`, password }) {
  await page.goto("/#/sign-up");
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByLabel("Repeat the password").fill(password);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.getByRole("heading", { level: 1, name: /^Welcome, / }).waitFor();
}

export async function signInViaUi(page, username, password) {
  await page.goto("/#/sign-in");
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** Waits until the connection badge in the top bar says `label` ("Live", "Offline", …). */
export async function waitForLink(page, label) {
  await page.locator(".conn-badge", { hasText: label }).waitFor();
}

#!/usr/bin/env python3
"""Drives the EOS web portal in a real headless Chromium (Debian's chromium and chromium-driver, selenium from PyPI).

Run by PortalBrowserTests, which starts a fleet and its central first:
    python3 portal_browser.py operator --url URL --token TOKEN --screenshots DIR
    python3 portal_browser.py viewer --url URL --username NAME --password PW --deployment NAME --screenshots DIR
Each scenario prints one line per step and exits 0 when every check held; a failed check exits 1 naming it, after
saving a screenshot of what the browser showed (failure-*.png). Screenshots of every page go to DIR.
"""

import argparse
import os
import shutil
import sys
import time

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, TimeoutException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

LAPTOP = (1366, 900)
TABLET = (820, 1180)

INVALID = """apiVersion: eos/v1
kind: FleetDeployment
metadata:
  name: portal-canary
spec:
  workloads:
    - name: web
      container:
        command: ["/bin/web"]
  rollout:
    strategy: Canary
"""
INVALID_LINE = 8  # container: has no image

VALID = """apiVersion: eos/v1
kind: FleetDeployment
metadata:
  name: portal-canary
  labels: {team: portal}
spec:
  workloads:
    - name: web
      container: {image: "registry.example.com/web:GENERATION"}
      restartPolicy: Always
  rollout:
    strategy: Canary
    steps: ["50%", "100%"]
"""


class Check(Exception):
    """A check that did not hold."""


def step(message):
    print(f"- {message}", flush=True)


def browser():
    options = webdriver.ChromeOptions()
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--disable-extensions", "--disable-background-networking", "--no-first-run",
                     "--disable-component-update", "--disable-default-apps", "--disable-sync",
                     f"--window-size={LAPTOP[0]},{LAPTOP[1]}", "--force-device-scale-factor=1"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})  # the console: CSP violations, script errors
    binary = os.environ.get("EOS_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if binary:
        options.binary_location = binary
    driver_path = os.environ.get("EOS_CHROMEDRIVER") or shutil.which("chromedriver") or "/usr/bin/chromedriver"
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    driver.set_window_size(*LAPTOP)
    return driver


class Portal:
    def __init__(self, driver, url, screenshots):
        self.driver, self.url, self.screenshots = driver, url.rstrip("/"), screenshots

    def wait(self, what, condition, seconds=30):
        try:
            return WebDriverWait(self.driver, seconds, poll_frequency=0.5).until(lambda d: condition(d))
        except TimeoutException:
            raise Check(f"waited {seconds} s for {what}")

    def find(self, css):
        found = self.driver.find_elements(By.CSS_SELECTOR, css)
        return found[0] if found else None

    def fresh(self, css, use):
        """`use(element)` on the element `css` finds now, again if the live page replaced it meanwhile."""
        for _ in range(5):
            element = self.find(css)
            if element is None:
                raise Check(f"nothing on the page matches {css}")
            try:
                return use(element)
            except StaleElementReferenceException:
                time.sleep(0.2)
        raise Check(f"{css} kept being replaced")

    def visible(self, css):
        try:
            element = self.find(css)
            return element if element is not None and element.is_displayed() else None
        except StaleElementReferenceException:
            return None

    def text(self, css):
        try:
            element = self.find(css)
            return element.text if element is not None else ""
        except StaleElementReferenceException:
            return ""

    def column(self, table_css, index):
        """The text of column `index` in every body row of the table under `table_css`."""
        return self.driver.execute_script(
            "return [...document.querySelectorAll(arguments[0] + ' tbody tr')]"
            ".map((row) => row.cells[arguments[1]].textContent.trim());", table_css, index)

    def click(self, css):
        self.fresh(css, lambda element: element.click())

    def type(self, css, text):
        self.fresh(css, lambda element: element.send_keys(text))

    def shot(self, name):
        """Saves the whole page, not only what the window shows, as DIR/NAME.png."""
        path = os.path.join(self.screenshots, f"{name}.png")
        width, height = self.driver.get_window_size()["width"], self.driver.get_window_size()["height"]
        page = self.driver.execute_script("return document.documentElement.scrollHeight")
        dialog_open = self.driver.execute_script("return document.querySelector('dialog[open]') !== null")
        if page > height and not dialog_open:
            self.driver.set_window_size(width, min(page + 120, 6000))
            time.sleep(0.3)
        self.driver.save_screenshot(path)
        self.driver.set_window_size(width, height)
        step(f"screenshot {path}")

    def go(self, hash_route, ready_css):
        self.driver.get(f"{self.url}/{hash_route}")
        self.wait(f"{ready_css} on {hash_route}", lambda d: self.visible(ready_css))

    def focused(self):
        return self.driver.switch_to.active_element

    def set_editor(self, text):
        editor = self.find("#fleet-yaml")
        # Setting the value and firing input, as a paste does: typing into a textarea would auto-indent nothing here,
        # but send_keys of many lines is slow.
        self.driver.execute_script(
            "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input', {bubbles: true}));",
            editor, text)


def sign_in_with_token(portal, token):
    portal.driver.get(portal.url + "/")
    portal.wait("the sign-in form", lambda d: portal.visible("#token"))
    label = portal.find("label[for=token]")
    if label is None or "token" not in label.text.lower():
        raise Check("the token field has no label")
    portal.shot("01-sign-in")
    step("a wrong token is refused with the central's words")
    portal.type("#token", "not-the-token")
    portal.type("#token", Keys.ENTER)
    portal.wait("the refusal", lambda d: portal.visible("#sign-in-error"))
    if "refused" not in portal.text("#sign-in-error"):
        raise Check(f"the refusal says: {portal.text('#sign-in-error')!r}")
    step("the dev token signs in")
    portal.type("#token", token)
    portal.click("#sign-in")
    portal.wait("the fleet overview", lambda d: portal.visible("#sites-table"))


def console_clean(driver):
    """Fails on anything the page's console says went wrong: a Content-Security-Policy violation, a script error."""
    complaints = [entry["message"] for entry in driver.get_log("browser")
                  if "Content Security Policy" in entry["message"] or "Uncaught" in entry["message"]]
    if complaints:
        raise Check("the console reports: " + " | ".join(complaints[:5]))


def scenario(name, args, steps):
    """Runs `steps(portal, driver)` in a fresh browser; 0 when every check held, else 1 after a failure screenshot."""
    driver = browser()
    portal = Portal(driver, args.url, args.screenshots)
    try:
        steps(portal, driver)
        console_clean(driver)
        step(f"{name} scenario passed")
    except Check as failure:
        portal.shot(f"failure-{name}")
        print(f"FAILED: {failure}", file=sys.stderr, flush=True)
        return 1
    finally:
        driver.quit()
    return 0


def operator(portal, driver, args):
    sign_in_with_token(portal, args.token)
    portal.wait("two sites, both ready", lambda d: portal.column("#sites-table", 0) == ["site-1", "site-2"]
                and portal.column("#sites-table", 1) == ["Ready", "Ready"])
    if not portal.visible("#nav-deploy"):
        raise Check("an administrator does not see the Deploy link")
    heading = portal.focused()
    if heading.tag_name.lower() != "h1":
        raise Check(f"after the page loads, focus is on <{heading.tag_name}>, not the heading")
    if "Live" not in portal.text("#freshness"):
        raise Check(f"the header does not say the data is live: {portal.text('#freshness')!r}")
    portal.shot("02-fleet")

    step("the deploy form shows a validation problem at its line")
    portal.click("#nav-deploy")
    portal.wait("the deploy form", lambda d: portal.visible("#fleet-yaml"))
    portal.set_editor(INVALID)
    portal.wait("a validation problem", lambda d: portal.visible("#problems-list"))
    problem = portal.find(f"#problems-list button[data-line='{INVALID_LINE}']")
    if problem is None:
        raise Check(f"no problem at line {INVALID_LINE}: {portal.text('#validation')!r}")
    if "image" not in portal.text("#problems-list"):
        raise Check(f"the problem does not name the image: {portal.text('#problems-list')!r}")
    marked = portal.driver.find_elements(By.CSS_SELECTOR, ".gutter li.has-problem")
    if [element.text for element in marked] != [str(INVALID_LINE)]:
        raise Check(f"the gutter marks lines {[element.text for element in marked]}, not {INVALID_LINE}")
    if portal.find("#deploy-submit").is_enabled():
        raise Check("Deploy is enabled while the document has a problem")
    problem.click()
    position = portal.driver.execute_script(
        "const e = document.getElementById('fleet-yaml');"
        "return e.value.slice(0, e.selectionStart).split('\\n').length;")
    if position != INVALID_LINE or portal.focused().get_attribute("id") != "fleet-yaml":
        raise Check(f"choosing the problem put the caret on line {position}, not {INVALID_LINE}")
    portal.shot("03-deploy-problem")

    step("a valid document deploys, and the rollout reaches 100%")
    portal.set_editor(VALID.replace("GENERATION", "1"))
    portal.wait("the document checked valid", lambda d: portal.visible("#validation-ok"))
    if "generation 1" not in portal.text("#validation-ok"):
        raise Check(f"the preview says: {portal.text('#validation-ok')!r}")
    portal.wait("Deploy enabled", lambda d: portal.find("#deploy-submit").is_enabled())
    portal.shot("04-deploy-valid")
    portal.click("#deploy-submit")
    portal.wait("the deployment page", lambda d: d.current_url.endswith("#/deployments/portal-canary")
                and portal.visible("#rollout-percent"))
    seen = []
    def complete(d):
        percent = portal.text("#rollout-percent")
        if percent and (not seen or seen[-1] != percent):
            seen.append(percent)
        return percent == "100%" and "Complete" in portal.text("h1")
    portal.wait("the rollout at 100% and Complete", complete, seconds=90)
    step(f"progress seen: {' → '.join(seen)}")
    if "Wave 2" not in portal.text(".waves"):
        raise Check(f"the waves are not shown: {portal.text('.waves')!r}")
    if "deploy" not in portal.text("#audit"):
        raise Check(f"the audit log does not show the deploy: {portal.text('#audit')!r}")
    portal.shot("05-deployment-complete")

    step("generation 2 uploaded from a file; an operator sees Roll back")
    portal.go("#/deploy", "#fleet-yaml")
    upload = os.path.join(args.screenshots, "portal-canary-2.yaml")
    with open(upload, "w", encoding="utf-8") as file:
        file.write(VALID.replace("GENERATION", "2"))
    portal.type("#fleet-file", upload)
    portal.wait("the file loaded and checked valid", lambda d: portal.visible("#validation-ok")
                and "generation 2" in portal.text("#validation-ok"))
    os.remove(upload)
    if "web:2" not in portal.driver.execute_script("return document.getElementById('fleet-yaml').value"):
        raise Check("the uploaded file is not in the editor")
    portal.click("#deploy-submit")
    portal.wait("generation 2 complete", lambda d: "Rollout of generation 2" in portal.text("#rollout-title")
                and portal.text("#rollout-percent") == "100%" and "Complete" in portal.text("h1"), seconds=90)
    if not portal.visible("#rollback") or not portal.visible("#remove"):
        raise Check("an administrator does not see Roll back and Remove on generation 2")
    portal.shot("06-deployment-generation-2")

    step("Roll back asks first, then the rollout returns to generation 1")
    portal.click("#rollback")
    portal.wait("the confirmation", lambda d: portal.visible("#confirm-ok"))
    if "generation before 2" not in portal.text("#confirm-text"):
        raise Check(f"the confirmation says {portal.text('#confirm-text')!r}")
    portal.shot("07-confirm-rollback")
    portal.click("#confirm-ok")
    portal.wait("the rollout rolled back", lambda d: "RolledBack" in portal.text("h1")
                and portal.text("#rollout-percent") == "100%", seconds=90)
    if portal.find("#rollback") is not None:
        raise Check("Roll back is still offered on a rolled-back deployment")
    if "rollback" not in portal.text("#audit"):
        raise Check(f"the audit log does not show the rollback: {portal.text('#audit')!r}")

    step("site and node pages, with metrics drawn as SVG")
    portal.go("#/sites/site-1", "#site-nodes")
    if "site-1-node-1" not in portal.text("#site-nodes"):
        raise Check(f"the site's nodes: {portal.text('#site-nodes')!r}")
    portal.wait("the site's charts", lambda d: portal.find(".charts svg path.line"), seconds=60)
    portal.shot("08-site")
    portal.click("a[href='#/nodes/site-1-node-1']")
    portal.wait("the node page", lambda d: portal.visible("#node-workloads"))
    if "web" not in portal.text("#node-workloads") or "running" not in portal.text("#node-workloads"):
        raise Check(f"the node's workloads: {portal.text('#node-workloads')!r}")
    portal.wait("the node's CPU chart", lambda d: portal.find("figure.chart svg[role=img] path.line"), seconds=60)
    label = portal.find("figure.chart svg[role=img]").get_attribute("aria-label")
    if not label or "latest" not in label:
        raise Check(f"a chart's text alternative says {label!r}")
    times = portal.driver.find_elements(By.CSS_SELECTOR, "#node-workloads time")
    if not times or "ago" not in times[0].text and "just now" not in times[0].text or "(" not in times[0].text:
        raise Check(f"times are not relative and absolute: {[t.text for t in times[:1]]}")
    portal.shot("09-node")

    step("keyboard alone: the skip link before the header reaches the content, Tab and Enter follow a link")
    keys = ActionChains(driver)
    driver.execute_script("document.querySelector('.brand').focus()")
    keys.key_down(Keys.SHIFT).send_keys(Keys.TAB).key_up(Keys.SHIFT).perform()
    if portal.focused().get_attribute("id") != "skip-link":
        raise Check(f"Shift+Tab from the header reaches {portal.focused().get_attribute('outerHTML')[:80]}")
    ActionChains(driver).send_keys(Keys.ENTER).perform()
    if portal.focused().get_attribute("id") != "main":
        raise Check("the skip link does not move focus to the content")
    ActionChains(driver).send_keys(Keys.TAB).perform()
    if portal.focused().get_attribute("href") is None or not portal.focused().get_attribute("href").endswith("#/"):
        raise Check(f"Tab from the content's start reaches {portal.focused().get_attribute('outerHTML')[:80]}")
    ActionChains(driver).send_keys(Keys.ENTER).perform()
    portal.wait("the fleet page, its heading focused", lambda d: portal.visible("#sites-table")
                and portal.focused().tag_name.lower() == "h1")

    step("a tablet shows the fleet")
    driver.set_window_size(*TABLET)
    portal.go("#/", "#sites-table")
    width = driver.execute_script("return document.documentElement.scrollWidth")
    if width > TABLET[0]:
        raise Check(f"the fleet page is {width} px wide on an {TABLET[0]} px tablet")
    portal.shot("10-fleet-tablet")
    driver.set_window_size(*LAPTOP)

    step("with the central unreachable, the page says its data is stale")
    portal.go("#/deployments/portal-canary", "#rollout-percent")
    driver.set_network_conditions(offline=True, latency=0, download_throughput=0, upload_throughput=0)
    portal.wait("the stale banner", lambda d: portal.visible("#stale-banner"), seconds=40)
    if "Stale" not in portal.text("#stale-banner") or portal.find("#stale-banner time[datetime]") is None:
        raise Check(f"the banner does not say since when the data is stale: {portal.text('#stale-banner')!r}")
    if portal.text("#freshness") != "Not updating":
        raise Check(f"the header still says {portal.text('#freshness')!r}")
    portal.shot("11-stale")
    driver.set_network_conditions(offline=False, latency=0, download_throughput=-1, upload_throughput=-1)
    portal.wait("the banner gone once the central answers", lambda d: not portal.visible("#stale-banner"),
                seconds=40)


def viewer(portal, driver, args):
    step("the portal offers the identity provider's sign-in")
    portal.driver.get(portal.url + "/#/deployments/" + args.deployment)
    portal.wait("the OIDC sign-in button", lambda d: portal.visible("#sign-in-oidc"))
    portal.shot("12-sign-in-oidc")
    portal.click("#sign-in-oidc")
    portal.wait("the provider's sign-in page", lambda d: portal.visible("#username"))
    portal.type("#username", args.username)
    portal.type("#password", args.password)
    portal.click("#sign-in")
    step("back at the portal with the code traded for a token (PKCE)")
    portal.wait("the deployment page, signed in", lambda d: d.current_url.startswith(portal.url)
                and portal.visible("#rollout-percent"), seconds=40)
    if "code=" in driver.current_url:
        raise Check(f"the authorization code stayed in the address: {driver.current_url}")
    if portal.text("#user-name") != args.username:
        raise Check(f"signed in as {portal.text('#user-name')!r}, not {args.username!r}")
    for control in ("#rollback", "#pause", "#resume", "#remove"):
        if portal.find(control) is not None:
            raise Check(f"a viewer sees the control {control}")
    if portal.visible("#nav-deploy"):
        raise Check("a viewer sees the Deploy link")
    portal.shot("13-viewer-deployment")
    portal.go("#/deploy", "#not-allowed")
    if portal.find("#fleet-yaml") is not None:
        raise Check("a viewer gets the deploy form")
    portal.shot("14-viewer-deploy-refused")
    portal.go("#/", "#sites-table")
    step("signing out returns to the sign-in page")
    portal.click("#sign-out")
    portal.wait("the sign-in page", lambda d: portal.visible("#sign-in-oidc"))


def main():
    parser = argparse.ArgumentParser(description="EOS portal browser tests")
    parser.add_argument("scenario", choices=["operator", "viewer"])
    parser.add_argument("--url", required=True)
    parser.add_argument("--screenshots", required=True)
    parser.add_argument("--token")
    parser.add_argument("--username")
    parser.add_argument("--password")
    parser.add_argument("--deployment")
    args = parser.parse_args()
    os.makedirs(args.screenshots, exist_ok=True)
    try:
        steps = operator if args.scenario == "operator" else viewer
        return scenario(args.scenario, args, lambda portal, driver: steps(portal, driver, args))
    except WebDriverException as error:
        print(f"FAILED: the browser: {error.msg}", file=sys.stderr, flush=True)
        return 1


if __name__ == "__main__":
    sys.exit(main())

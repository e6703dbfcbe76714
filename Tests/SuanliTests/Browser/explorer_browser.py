#!/usr/bin/env python3
"""Drive the page of `suanli serve` in headless Chromium and check it against the API.

    python explorer_browser.py --url http://127.0.0.1:PORT/ --screenshot OUT.png \
        --scenario baseline --replications 200 [--lever-key KEY]

Opens the page, picks the scenario, moves one lever by keyboard (or clicks a switch), waits for
the run to finish, and checks: the survival table equals the API's `result.survival` exactly, the
browser log has no warnings or errors, and no request left the page's origin. Prints one JSON line
on success; on failure a message on standard error and exit status 1.

Environment: SUANLI_CHROMIUM (default /usr/bin/chromium), SUANLI_CHROMEDRIVER (default
/usr/bin/chromedriver); SE_OFFLINE=true (set here) keeps Selenium Manager off the network.
"""
import os

os.environ.setdefault("SE_OFFLINE", "true")

import argparse
import json
import sys
import time
import urllib.parse
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import TimeoutException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait


class Failure(Exception):
    pass


def fail(msg):
    raise Failure(msg)


def make_driver():
    opts = webdriver.ChromeOptions()
    opts.binary_location = os.environ.get("SUANLI_CHROMIUM", "/usr/bin/chromium")
    for a in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1800",
              "--no-first-run", "--no-default-browser-check", "--disable-extensions",
              "--disable-background-networking", "--disable-component-update", "--disable-sync"):
        opts.add_argument(a)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    service = Service(os.environ.get("SUANLI_CHROMEDRIVER", "/usr/bin/chromedriver"))
    return webdriver.Chrome(service=service, options=opts)


def body_attr(driver, name):
    return driver.execute_script("return document.body.getAttribute(arguments[0]);", name)


def api_url(page_url, path, token):
    """`{url}api/...` with the page's token, if any."""
    parts = urllib.parse.urlsplit(page_url)
    base_path = parts.path if parts.path.endswith("/") else parts.path.rsplit("/", 1)[0] + "/"
    query = urllib.parse.urlencode({"token": token}) if token else ""
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, base_path + path, query, ""))


def as_float(s):
    """A data-* attribute as a float; None for empty or "null"."""
    if s is None or s == "" or s == "null":
        return None
    return float(s)


def json_num(x):
    return None if x is None else float(x)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--url", required=True)
    ap.add_argument("--screenshot", required=True)
    ap.add_argument("--scenario", default="baseline")
    ap.add_argument("--replications", type=int, default=200)
    ap.add_argument("--lever-key")
    ap.add_argument("--presses", type=int, default=3, help="ARROW_RIGHT presses on a slider (default 3)")
    args = ap.parse_args()

    parts = urllib.parse.urlsplit(args.url)
    origin = f"{parts.scheme}://{parts.netloc}"
    token = urllib.parse.parse_qs(parts.query).get("token", [None])[0]

    driver = make_driver()
    try:
        # 1. the page and its scenario list
        driver.get(args.url)
        try:
            WebDriverWait(driver, 30).until(
                lambda d: d.find_elements(By.CSS_SELECTOR, 'body[data-ready="true"]'))
        except TimeoutException:
            fail('the page did not set body[data-ready="true"] within 30 s')
        sel = Select(driver.find_element(By.ID, "scenario"))
        names = [o.get_attribute("value") for o in sel.options]
        if args.scenario not in names:
            fail(f"scenario {args.scenario!r} is not in the page's list {names}")

        # 2. pick it, wait for its levers, set replications
        sel.select_by_value(args.scenario)
        try:
            WebDriverWait(driver, 30).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#levers .lever[data-key]"))
        except TimeoutException:
            fail(f"no levers appeared for scenario {args.scenario!r} within 30 s")
        reps = driver.find_element(By.ID, "replications")
        reps.clear()
        reps.send_keys(str(args.replications))

        # 3. move a lever by keyboard (or click a switch)
        levers = driver.find_elements(By.CSS_SELECTOR, "#levers .lever[data-key]")
        if args.lever_key:
            match = [e for e in levers if e.get_attribute("data-key") == args.lever_key]
            if not match:
                fail(f"no lever with data-key {args.lever_key!r}; the page has "
                     f"{[e.get_attribute('data-key') for e in levers]}")
            lever = match[0]
        else:
            match = [e for e in levers if e.get_attribute("type") == "range"
                     and e.get_attribute("data-kind") in (None, "", "number")]
            if not match:
                fail("the scenario has no number lever; pass --lever-key")
            lever = match[0]
        key = lever.get_attribute("data-key")
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", lever)
        if lever.get_attribute("type") == "checkbox":
            lever.click()
        else:
            lever.click()  # focuses it (and may move the thumb to where it was clicked)
            at_max = driver.execute_script(
                "const e = arguments[0]; return Number(e.value) >= Number(e.max);", lever)
            lever.send_keys((Keys.ARROW_LEFT if at_max else Keys.ARROW_RIGHT) * args.presses)
        # the page marks a run pending as soon as a lever moves
        try:
            WebDriverWait(driver, 5).until(lambda d: body_attr(d, "data-state") not in (None, "idle"))
        except TimeoutException:
            fail(f"moving lever {key!r} started no run (data-state stays {body_attr(driver, 'data-state')!r})")

        # 4. wait for the last run to be done
        def settled(d):
            st = body_attr(d, "data-state")
            if st == "failed":
                errs = d.execute_script("const e = document.getElementById('errors'); return e ? e.innerText : '';")
                fail(f"the run failed on the page: {errs.strip()}")
            return st == "done" and body_attr(d, "data-run-id")
        try:
            WebDriverWait(driver, 120, poll_frequency=0.2).until(settled)
        except TimeoutException:
            fail(f"the page did not reach data-state=done within 120 s (state {body_attr(driver, 'data-state')!r})")
        run_id = body_attr(driver, "data-run-id")
        update_ms = body_attr(driver, "data-update-ms")
        try:
            update_ms = int(update_ms)
        except (TypeError, ValueError):
            fail(f"data-update-ms is not an integer: {update_ms!r}")

        # 5. the table against the API
        url = api_url(args.url, "api/runs/" + urllib.parse.quote(run_id, safe=""), token)
        try:
            with urllib.request.urlopen(url, timeout=30) as r:
                run = json.load(r)
        except Exception as e:  # noqa: BLE001
            fail(f"GET {url}: {e}")
        if run.get("state") != "done" or "result" not in run:
            fail(f"run {run_id} is {run.get('state')!r} with{'out' if 'result' not in run else ''} a result")
        if run.get("replications") != args.replications:
            fail(f"run {run_id} has {run.get('replications')} replications, the page was given {args.replications}")
        api_rows = run["result"]["survival"]
        page_rows = driver.execute_script("""
            return Array.from(document.querySelectorAll('#survival tbody tr[data-entity]')).map(tr => ({
              entity: tr.getAttribute('data-entity'), base: tr.getAttribute('data-base'),
              variant: tr.getAttribute('data-variant'), diff: tr.getAttribute('data-diff'),
              low: tr.getAttribute('data-low'), high: tr.getAttribute('data-high'),
              cells: ['base', 'variant', 'diff', 'interval'].every(c => tr.querySelector('td.' + c))}));""")
        if [r["entity"] for r in page_rows] != [r["entity"] for r in api_rows]:
            fail(f"survival entities differ: page {[r['entity'] for r in page_rows]} "
                 f"vs API {[r['entity'] for r in api_rows]}")
        for p, a in zip(page_rows, api_rows):
            if not p["cells"]:
                fail(f"row {p['entity']!r} lacks a base/variant/diff/interval cell")
            for k in ("base", "variant", "diff", "low", "high"):
                got, want = as_float(p[k]), json_num(a.get(k))
                if got != want:
                    fail(f"survival {p['entity']!r} {k}: page {p[k]!r} != API {a.get(k)!r}")

        # 6. browser log: no warnings or errors
        problems = []
        bad = [e for e in driver.get_log("browser")
               if e.get("level") in ("SEVERE", "WARNING") and "favicon.ico" not in e.get("message", "")]
        if bad:
            problems.append("browser log has warnings/errors:\n"
                            + "\n".join(f"  {e['level']}: {e['message']}" for e in bad))

        # 7. performance log: every request stays on the page's origin
        requests = []
        for entry in driver.get_log("performance"):
            try:
                msg = json.loads(entry["message"])["message"]
            except (KeyError, ValueError):
                continue
            if msg.get("method") == "Network.requestWillBeSent":
                requests.append(msg["params"]["request"]["url"])
        off = [u for u in requests
               if not (u == origin or u.startswith(origin + "/") or u.startswith("data:") or u.startswith("blob:"))]
        if off:
            problems.append("requests off the page's origin " + origin + ":\n" + "\n".join("  " + u for u in off))
        if not requests:
            problems.append("the performance log recorded no request (is performance logging on?)")
        if problems:
            fail("\n".join(problems))

        # 8. screenshot and report
        driver.execute_script("window.scrollTo(0, 0);")
        if not driver.save_screenshot(args.screenshot):
            fail(f"could not save the screenshot to {args.screenshot}")
        print(json.dumps({"ok": True, "update_ms": update_ms, "run_id": run_id, "lever": key,
                          "survival_rows": len(page_rows), "requests": len(requests)}))
        return 0
    except Failure as e:
        print(f"explorer_browser: FAILED: {e}", file=sys.stderr)
        try:
            driver.save_screenshot(args.screenshot)
            print(f"explorer_browser: screenshot of the failure in {args.screenshot}", file=sys.stderr)
        except WebDriverException:
            pass
        return 1
    finally:
        driver.quit()


if __name__ == "__main__":
    try:
        sys.exit(main())
    except WebDriverException as e:
        print(f"explorer_browser: FAILED: WebDriver: {e.msg or e}", file=sys.stderr)
        sys.exit(1)

"""Load test: signed-in action leads reading pages and recording progress.

Run by `scripts/bench_national.py --load` (which starts gunicorn on 127.0.0.1, makes the
sessions and checks the database afterwards); by hand:

    LOCUST_PEOPLE=/tmp/locust-<run>.json /tmp/locust-venv/bin/locust -f scripts/locustfile.py \\
        --headless -u 50 -r 10 -t 2m --host http://127.0.0.1:8765 --only-summary

LOCUST_PEOPLE names a JSON file {"run_id", "people": [{sessionid, plan, actions,
all_actions, meeting, level}]}: one person per area, so no two users post to the same action
(a lost-update conflict would be a correct refusal, not an error, but would blur the check).
Each progress POST carries a unique token in its narrative; the tokens of the POSTs answered
with a redirect (saved) are appended to <LOCUST_PEOPLE minus .json>-posted.txt, one a line,
for the bench script to count in the database. Loopback only: the host must be 127.0.0.1.
"""

from __future__ import annotations

import datetime
import itertools
import json
import os
import random
import re
import threading
import urllib.parse

from locust import HttpUser, between, events, task

CONFIG_PATH = os.environ["LOCUST_PEOPLE"]
CONFIG = json.loads(open(CONFIG_PATH).read())  # noqa: SIM115
POSTED_PATH = CONFIG_PATH.removesuffix(".json") + "-posted.txt"
_next_person = itertools.count()
_posted_lock = threading.Lock()
SEEN = re.compile(
    rb'name="seen_update_id"[^>]*value="(\d*)"|value="(\d*)"[^>]*name="seen_update_id"'
)
CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


@events.test_start.add_listener
def _loopback_only(environment, **kwargs):
    host = urllib.parse.urlparse(environment.host or "").hostname
    if host not in ("127.0.0.1", "localhost"):
        raise SystemExit("Loopback only: --host http://127.0.0.1:PORT")


class ActionLead(HttpUser):
    wait_time = between(1, 3)

    def on_start(self):
        self.person = CONFIG["people"][next(_next_person) % len(CONFIG["people"])]
        self.client.cookies.set("sessionid", self.person["sessionid"])
        self.plan = self.person["plan"]
        self.sequence = itertools.count()

    @task(3)
    def home(self):
        self.client.get("/", name="/ (home)")

    @task(2)
    def my_actions(self):
        self.client.get("/my-actions/", name="/my-actions/")

    @task(3)
    def plan_page(self):
        self.client.get(f"/plans/{self.plan}/", name="/plans/[plan]/")

    @task(2)
    def register(self):
        self.client.get(f"/plans/{self.plan}/actions/", name="/plans/[plan]/actions/")

    @task(4)
    def action_page(self):
        action = random.choice(self.person["all_actions"])
        self.client.get(
            f"/plans/{self.plan}/actions/{action}/", name="/plans/[plan]/actions/[action]/"
        )

    @task(2)
    def dashboard(self):
        self.client.get(
            f"/meetings/{self.person['meeting']}/dashboard/", name="/meetings/[m]/dashboard/"
        )

    @task(1)
    def kpis(self):
        self.client.get(f"/plans/{self.plan}/kpis/", name="/plans/[plan]/kpis/")

    @task(3)
    def record_progress(self):
        action = random.choice(self.person["actions"])
        path = f"/plans/{self.plan}/actions/{action}/progress/"
        form = self.client.get(path, name="/plans/[plan]/actions/[action]/progress/ (form)")
        seen = SEEN.search(form.content or b"")
        csrf = CSRF.search(form.content or b"")
        if not csrf:
            return
        token = f"{CONFIG['run_id']}-{id(self)}-{next(self.sequence)}"
        with self.client.post(
            path,
            data={
                "csrfmiddlewaretoken": csrf.group(1).decode(),
                "level": str(self.person["level"]),
                "narrative": f"Load test progress {token}",
                "effective_on": datetime.date.today().isoformat(),
                "seen_update_id": (seen.group(1) or seen.group(2) or b"").decode() if seen else "",
            },
            headers={"Referer": self.host + path},
            allow_redirects=False,
            name="/plans/[plan]/actions/[action]/progress/ (POST)",
            catch_response=True,
        ) as response:
            if response.status_code == 302:
                with _posted_lock, open(POSTED_PATH, "a") as posted:
                    posted.write(token + "\n")
                response.success()
            else:
                response.failure(f"not saved: HTTP {response.status_code}")

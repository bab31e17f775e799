"""A small Hugging Face Hub on 127.0.0.1 for tests: a real HTTP server in a thread that answers the
endpoints huggingface_hub (2.x, httpx) calls to create a dataset repository, commit files and tag a
commit, keeps what it was sent, and records every request. Point `HfApi(endpoint=hub.url)` (or
`newsclaims publish --endpoint`) at it; assert on `hub.requests`, `hub.repos`.

Endpoints (from huggingface_hub's hf_api.py and _commit_api.py): POST /api/repos/create,
GET /api/datasets/<owner>/<name>/refs, POST /api/validate-yaml, POST .../preupload/<rev> (every
file "regular": its bytes then travel base64 in the commit), POST .../commit/<rev> (NDJSON),
POST .../tag/<rev>. Anything else is a 404 the test will see.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

REPO = r"/api/datasets/(?P<repo>[^/]+/[^/]+)"


@dataclass
class Request:
    method: str
    path: str
    query: dict
    headers: dict
    body: bytes

    def json(self):
        return json.loads(self.body)

    def ndjson(self) -> list[dict]:
        return [json.loads(line) for line in self.body.splitlines() if line.strip()]


@dataclass
class Commit:
    oid: str
    summary: str
    description: str
    files: dict[str, bytes]


@dataclass
class Repo:
    repo_id: str
    private: bool
    commits: list[Commit] = field(default_factory=list)
    tags: dict[str, tuple[str, str | None]] = field(default_factory=dict)  # tag -> (commit oid, message)


class FakeHub:
    def __init__(self, token: str = "hf_test_token"):
        self.token = token
        self.requests: list[Request] = []
        self.repos: dict[str, Repo] = {}
        self.lock = threading.Lock()
        hub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def _serve(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                url = urlsplit(self.path)
                request = Request(self.command, unquote(url.path), parse_qs(url.query), {k.lower(): v for k, v in self.headers.items()}, body)
                with hub.lock:
                    hub.requests.append(request)
                    status, payload, headers = hub.answer(request)
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for key, value in headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_DELETE = _serve

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeHub:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()

    # --- what the Hub answers -------------------------------------------------------------------

    def _authorized(self, request: Request) -> bool:
        return request.headers.get("authorization") == f"Bearer {self.token}"

    def answer(self, request: Request) -> tuple[int, dict, dict]:
        path, method = request.path, request.method
        if method == "POST" and path == "/api/validate-yaml":
            return 200, {"errors": [], "warnings": []}, {}
        if not self._authorized(request):
            return 401, {"error": "Invalid credentials in Authorization header"}, {}
        if method == "POST" and path == "/api/repos/create":
            spec = request.json()
            repo_id = f"{spec['organization']}/{spec['name']}" if spec.get("organization") else spec["name"]
            if spec.get("type") != "dataset":
                return 400, {"error": f"this fake Hub holds datasets only, not {spec.get('type')!r}"}, {}
            if repo_id in self.repos:
                return 409, {"error": "You already created this dataset repo", "url": f"{self.url}/datasets/{repo_id}"}, {}
            self.repos[repo_id] = Repo(repo_id, spec.get("visibility") == "private")
            return 200, {"url": f"{self.url}/datasets/{repo_id}", "name": repo_id}, {}
        match = re.fullmatch(REPO + r"/(?P<what>refs|preupload|commit|tag)(?:/(?P<rev>[^/]+))?", path)
        if not match:
            return 404, {"error": f"not an endpoint of the fake Hub: {method} {path}"}, {}
        repo = self.repos.get(match["repo"])
        if repo is None:
            return 404, {"error": "Repository not found"}, {"X-Error-Code": "RepoNotFound"}
        what = match["what"]
        if what == "refs" and method == "GET":
            head = repo.commits[-1].oid if repo.commits else None
            return 200, {"branches": [{"name": "main", "ref": "refs/heads/main", "targetCommit": head}] if head else [],
                         "converts": [], "tags": [{"name": tag, "ref": f"refs/tags/{tag}", "targetCommit": oid}
                                                  for tag, (oid, _) in sorted(repo.tags.items())]}, {}
        if what == "preupload" and method == "POST":
            return 200, {"files": [{"path": f["path"], "uploadMode": "regular", "shouldIgnore": False}
                                   for f in request.json()["files"]]}, {}
        if what == "commit" and method == "POST":
            items = request.ndjson()
            header = next(item["value"] for item in items if item["key"] == "header")
            files = dict(repo.commits[-1].files) if repo.commits else {}
            for item in items:
                if item["key"] == "file":
                    assert item["value"]["encoding"] == "base64"
                    files[item["value"]["path"]] = base64.b64decode(item["value"]["content"])
                elif item["key"] != "header":
                    return 400, {"error": f"the fake Hub takes regular files only, not {item['key']}"}, {}
            oid = hashlib.sha1(json.dumps([header, sorted((p, hashlib.sha256(b).hexdigest()) for p, b in files.items())]).encode()).hexdigest()
            repo.commits.append(Commit(oid, header["summary"], header.get("description") or "", files))
            return 200, {"commitUrl": f"{self.url}/datasets/{repo.repo_id}/commit/{oid}", "commitOid": oid,
                         "success": True, "pullRequestUrl": None}, {}
        if what == "tag" and method == "POST":
            spec = request.json()
            if spec["tag"] in repo.tags:
                return 409, {"error": f"Tag {spec['tag']} already exists"}, {}
            oids = {commit.oid for commit in repo.commits}
            if match["rev"] not in oids:
                return 404, {"error": f"Invalid rev id: {match['rev']}"}, {"X-Error-Code": "RevisionNotFound"}
            repo.tags[spec["tag"]] = (match["rev"], spec.get("message"))
            return 200, {}, {}
        return 405, {"error": f"{method} not allowed on {path}"}, {}

    # --- for assertions -------------------------------------------------------------------------

    def calls(self, pattern: str) -> list[Request]:
        """Requests whose 'METHOD path' matches the regex."""
        return [r for r in self.requests if re.fullmatch(pattern, f"{r.method} {r.path}")]

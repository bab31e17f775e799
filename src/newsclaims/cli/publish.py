"""`newsclaims publish --repo-id OWNER/NAME [--dry-run] [--private] [--endpoint URL]`: data/ on the
Hugging Face Hub as one commit tagged v<version> (workflows/publish.py)."""

from __future__ import annotations

import re
import sys

from .common import (
    EXIT_INVALID,
    EXIT_OK,
    add_workers,
    layout_of,
    print_json,
)

REPO_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*$")


# what exit status 1 means for this command (its --help and the README say it)
EXIT_ONE = "the release is refused (each reason listed; nothing is uploaded)"


def repo_id(text: str) -> str:
    import argparse

    if not REPO_ID.match(text) or ".." in text or len(text) > 96:
        raise argparse.ArgumentTypeError(f"must be OWNER/NAME (letters, digits, '-', '_', '.'); got {text!r}")
    return text


def register(commands) -> None:
    parser = commands.add_parser("publish", help="upload data/ to the Hugging Face Hub as one commit tagged v<version>")
    parser.add_argument("--repo-id", required=True, type=repo_id, metavar="OWNER/NAME", help="the dataset repository on the Hub (created when missing)")
    parser.add_argument("--dry-run", action="store_true", help="check and show what would be uploaded (files, sizes, sha256, "
                                                                "message, tag): no network, no token")
    parser.add_argument("--private", action="store_true", help="create the repository private (an existing one keeps its visibility)")
    parser.add_argument("--endpoint", metavar="URL", help="the Hub's address, for a self-hosted Hub (default: huggingface_hub's, HF_ENDPOINT)")
    add_workers(parser, "worker processes for the fresh build that data/ is compared with")
    parser.set_defaults(handler=run)


def run(args) -> int:
    from ..workflows.publish import publish_release  # huggingface_hub, datasets: imported when the command runs (see __init__)

    layout = layout_of(args)
    result = publish_release(layout, args.repo_id, dry_run=args.dry_run, private=args.private, endpoint=args.endpoint,
                             workers=args.workers)
    if args.format == "json":
        print_json(result.as_dict())
        return EXIT_INVALID if result.problems else EXIT_OK
    plan = result.plan
    if plan is not None:
        print(f"release {plan.tag} of {plan.dataset} to {args.repo_id}: {len(plan.files)} files, {plan.total_bytes} bytes")
        for item in plan.files:
            print(f"  {item.sha256}  {item.size:>12}  {item.path}")
        print("commit message:")
        for line in plan.commit_message.splitlines():
            print(f"  {line}".rstrip())
        print(f"tag: {plan.tag}")
    for found in result.problems:
        print(found.format_text(), file=sys.stderr)
    if result.problems:
        print(f"publish refused: {len(result.problems)} problem(s); nothing was uploaded", file=sys.stderr)
        return EXIT_INVALID
    if result.dry_run:
        print("dry run: nothing was uploaded")
    else:
        print(f"published {result.uploaded.commit_url}\ntagged {result.uploaded.tag} on the Hub and in git "
              f"(push it: git push origin {result.local_tag})")
    return EXIT_OK

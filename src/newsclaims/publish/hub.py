"""The Hugging Face Hub side of a release, through huggingface_hub itself (no hand-made HTTP): the
dataset repository is created when missing, data/ goes up as ONE commit (`create_commit` with an
addition per file, as datatrove's Hugging Face writer does), and the commit is tagged `vX.Y.Z`.

The endpoints huggingface_hub calls for this (2.x, httpx): POST /api/repos/create (409 when the
repository exists: `exist_ok`), GET /api/datasets/<repo>/refs (the tags), POST /api/validate-yaml
(the card's front matter), POST /api/datasets/<repo>/preupload/main (regular or LFS, per file),
the LFS transfer for files the Hub wants in LFS, POST /api/datasets/<repo>/commit/main (NDJSON: a
header with the summary and description, then the files), POST /api/datasets/<repo>/tag/<commit>.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import EnvironmentFailure
from .release import ReleasePlan


@dataclass(frozen=True)
class Uploaded:
    repo_url: str
    commit_oid: str
    commit_url: str
    tag: str


def token_from_environment() -> str | None:
    """The token huggingface_hub would use: HF_TOKEN, else the one `hf auth login` saved."""
    from huggingface_hub import get_token

    return get_token()


def hub_api(endpoint: str | None, token: str | None):
    from huggingface_hub import HfApi

    return HfApi(endpoint=endpoint, token=token)


def _unreachable(api, repo_id: str, doing: str, error: Exception, refused: bool = False) -> EnvironmentFailure:
    check = (f"check that the token may write to {repo_id.split('/')[0]}'s repositories" if refused
             else "check the network (and --endpoint)")
    return EnvironmentFailure(f"{doing} {repo_id} on {api.endpoint} failed: {type(error).__name__}: {error}; {check}, "
                              "then run `newsclaims publish` again: a release is complete only once tagged, and running "
                              "it again finishes it")


def hub_tags(api, repo_id: str) -> set[str] | None:
    """The tags of the dataset repository: empty when it does not exist yet; None when the Hub cannot
    be reached (the check is then left to the upload, which fails the same way)."""
    from huggingface_hub.errors import HfHubHTTPError, RepositoryNotFoundError

    try:
        refs = api.list_repo_refs(repo_id, repo_type="dataset")
    except RepositoryNotFoundError:
        return set()
    except HfHubHTTPError as error:
        if error.response is not None and error.response.status_code in (401, 403, 404):
            return set()  # a private repository of someone else's, or none: create_repo will tell
        return None
    except OSError:
        return None
    except Exception as error:  # httpx's connection errors do not derive from OSError
        if type(error).__module__.startswith(("httpx", "httpcore")):
            return None
        raise
    return {ref.name for ref in refs.tags}


def upload(api, repo_id: str, plan: ReleasePlan, data_dir: Path, private: bool = False) -> Uploaded:
    """Create the repository if missing, commit every file of the plan in one commit, tag it."""
    from huggingface_hub import CommitOperationAdd
    from huggingface_hub.errors import HfHubHTTPError

    doing = "creating the dataset repository"
    try:
        repo_url = api.create_repo(repo_id, repo_type="dataset", private=True if private else None, exist_ok=True)
        doing = "uploading data/ to"
        operations = [CommitOperationAdd(path_in_repo=f.path, path_or_fileobj=str(Path(data_dir) / f.path)) for f in plan.files]
        commit = api.create_commit(repo_id, operations, commit_message=plan.summary, commit_description=plan.changelog or None,
                                   repo_type="dataset")
        doing = f"tagging the commit {commit.oid} as {plan.tag} in"
        api.create_tag(repo_id, tag=plan.tag, revision=commit.oid, tag_message=plan.commit_message, repo_type="dataset")
    except HfHubHTTPError as error:
        raise _unreachable(api, repo_id, doing, error, refused=error.response is not None and error.response.status_code in (401, 403)) from None
    except Exception as error:
        if isinstance(error, OSError) or type(error).__module__.startswith(("httpx", "httpcore")):
            raise _unreachable(api, repo_id, doing, error) from None
        raise
    return Uploaded(str(repo_url), commit.oid, commit.commit_url, plan.tag)

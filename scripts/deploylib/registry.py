"""ECR: the repository (when no stack manages it), the login, the push, and the image history."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import datetime

from .errors import DeployError
from .settings_bridge import Settings
from .tools import Runner


def lifecycle_policy(settings: Settings) -> dict:
    """The same rules the stack gives its repository (infra/tests check they match)."""
    return {"rules": [
        {"rulePriority": 1, "description": "Drop untagged layers left by interrupted pushes",
         "selection": {"tagStatus": "untagged", "countType": "sinceImagePushed", "countNumber": 7,
                       "countUnit": "days"},
         "action": {"type": "expire"}},
        {"rulePriority": 2, "description": "Keep the newest images (rollback targets), expire the rest",
         "selection": {"tagStatus": "any", "countType": "imageCountMoreThan",
                       "countNumber": settings.image_retention_count},
         "action": {"type": "expire"}},
    ]}


def ensure_repository(ecr, settings: Settings) -> tuple[str, bool]:
    """The repository's URI, creating it (immutable tags, scan on push, lifecycle) if missing."""
    name = settings.repository_name
    try:
        repository = ecr.describe_repositories(repositoryNames=[name])["repositories"][0]
        return repository["repositoryUri"], False
    except ecr.exceptions.RepositoryNotFoundException:
        pass
    repository = ecr.create_repository(
        repositoryName=name,
        imageTagMutability="IMMUTABLE",
        imageScanningConfiguration={"scanOnPush": True},
        tags=[{"Key": "project", "Value": "rag-worker"}, {"Key": "environment", "Value": settings.env}],
    )["repository"]
    ecr.put_lifecycle_policy(repositoryName=name, lifecyclePolicyText=json.dumps(lifecycle_policy(settings)))
    return repository["repositoryUri"], True


def image_exists(ecr, repository: str, tag: str) -> bool:
    try:
        ecr.describe_images(repositoryName=repository, imageIds=[{"imageTag": tag}])
        return True
    except ecr.exceptions.ImageNotFoundException:
        return False


@dataclass(frozen=True)
class PushedImage:
    tag: str
    pushed_at: datetime
    digest: str


def image_history(ecr, repository: str) -> list[PushedImage]:
    """Tagged images, newest push first (pushes within the same second keep ECR's listing order,
    later listed counting as newer)."""
    images: list[PushedImage] = []
    try:
        for page in ecr.get_paginator("describe_images").paginate(repositoryName=repository,
                                                                   filter={"tagStatus": "TAGGED"}):
            for detail in page["imageDetails"]:
                for tag in detail.get("imageTags", []):
                    images.append(PushedImage(tag, detail["imagePushedAt"], detail["imageDigest"]))
    except ecr.exceptions.RepositoryNotFoundException:
        raise DeployError(f"repository {repository} does not exist: no image to roll back to") from None
    ranked = sorted(enumerate(images), key=lambda pair: (pair[1].pushed_at, pair[0]), reverse=True)
    return [image for _, image in ranked]


def login(runner: Runner, ecr, repository_uri: str) -> None:
    """`docker login` to the registry of `repository_uri`, the password on stdin. ECR's token is
    valid for 12 hours on every registry the caller may use, so each pull or push logs in first
    rather than relying on an earlier login on this machine."""
    token = ecr.get_authorization_token()["authorizationData"][0]
    user, _, password = base64.b64decode(token["authorizationToken"]).decode().partition(":")
    registry = repository_uri.split("/", 1)[0]
    runner.run(["docker", "login", "--username", user, "--password-stdin", registry], stdin=password,
               capture=True, what="docker login")


def pull(runner: Runner, ecr, image: str) -> None:
    """docker login to the image's registry, then docker pull."""
    login(runner, ecr, image)
    runner.run(["docker", "pull", image], what="docker pull")


def push(runner: Runner, ecr, local_image: str, repository_uri: str, tag: str) -> None:
    """docker login, tag, push."""
    login(runner, ecr, repository_uri)
    remote = f"{repository_uri}:{tag}"
    runner.run(["docker", "tag", local_image, remote], what="docker tag")
    runner.run(["docker", "push", remote], what="docker push")


def require_image(ecr, repository: str, tag: str) -> None:
    if not image_exists(ecr, repository, tag):
        raise DeployError(f"{repository}:{tag} is not in ECR: build and push it (drop --skip-build) "
                          "or name a pushed tag with --image-tag")

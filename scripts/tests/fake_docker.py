"""Stands in for the `docker` CLI in tests (no Docker engine here): `login`, `build`, `tag`, `push`,
`pull`, with the registry side done by the ECR API calls a real push or pull makes, signed with
the caller's AWS credentials, so moto's IAM checks apply to them as ECR's do to a registry client.

- `login --username U --password-stdin HOST` stores the credential for HOST in $DOCKER_CONFIG
  (config.json); `push` and `pull` refuse a registry without one, as docker does ("no basic auth
  credentials"). A fresh $DOCKER_CONFIG is a fresh machine.
- A push is BatchCheckLayerAvailability, then per layer InitiateLayerUpload, UploadLayerPart,
  CompleteLayerUpload, then PutImage. A pull is BatchGetImage, then GetDownloadUrlForLayer per
  layer. moto 5.2 implements PutImage and BatchGetImage; the layer calls it authorizes and then
  answers with HTTP 500 (not implemented). Here a 500 after authorization counts as done, and a
  403 (AccessDenied) fails the command the way the registry refuses the request.
- Local images are JSON files under $DOCKER_CONFIG/images. Every invocation is appended to
  $FAKE_DOCKER_LOG (argv only; the password comes on stdin and is never logged).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import sys
import uuid
from pathlib import Path

REGISTRY = re.compile(r"^(?P<account>\d{12})\.dkr\.ecr\.(?P<region>[a-z0-9-]+)\.amazonaws\.com$")
MANIFEST_TYPE = "application/vnd.docker.distribution.manifest.v2+json"


class DockerError(Exception):
    pass


def config_dir() -> Path:
    folder = Path(os.environ["DOCKER_CONFIG"])
    (folder / "images").mkdir(parents=True, exist_ok=True)
    return folder


def image_path(reference: str) -> Path:
    return config_dir() / "images" / (hashlib.sha256(reference.encode()).hexdigest()[:24] + ".json")


def save_image(reference: str, image: dict) -> None:
    image_path(reference).write_text(json.dumps({**image, "reference": reference}))


def load_image(reference: str) -> dict:
    path = image_path(reference)
    if not path.exists():
        raise DockerError(f"No such image: {reference}")
    return json.loads(path.read_text())


def split_reference(reference: str) -> tuple[str, str, str]:
    """`host/repository:tag` → (host, repository, tag)."""
    host, _, rest = reference.partition("/")
    repository, _, tag = rest.rpartition(":")
    if not REGISTRY.match(host) or not repository or not tag:
        raise DockerError(f"not an ECR image reference: {reference}")
    return host, repository, tag


def require_login(host: str) -> None:
    path = config_dir() / "config.json"
    auths = json.loads(path.read_text()).get("auths", {}) if path.exists() else {}
    if host not in auths:
        raise DockerError(f"{host}: no basic auth credentials (run docker login first)")


def ecr_client(host: str):
    import boto3
    from botocore.config import Config

    region = REGISTRY.match(host).group("region")
    # The session reads credentials the way the deploy script's environment provides them.
    return boto3.session.Session(region_name=region).client(
        "ecr", config=Config(retries={"total_max_attempts": 1, "mode": "standard"}))


def registry_call(client, operation: str, **parameters) -> dict:
    """One ECR call; a 500 from moto after it authorized the action counts as done."""
    from botocore.exceptions import ClientError

    try:
        return getattr(client, operation)(**parameters)
    except ClientError as error:
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        if status == 500:
            return {}
        code = error.response.get("Error", {}).get("Code", "?")
        message = error.response.get("Error", {}).get("Message", "")
        match = re.search(r"<Code>([^<]+)</Code>.*?<Message>([^<]+)</Message>", message, re.S)
        if match:
            code, message = match.groups()
        raise DockerError(f"{operation}: denied by the registry: {code}: {message}") from None


def login(args: list[str]) -> None:
    if "--password-stdin" not in args or "--username" not in args:
        raise DockerError("this fake only supports: login --username U --password-stdin HOST")
    user = args[args.index("--username") + 1]
    host = args[-1]
    password = sys.stdin.read().strip()
    if not password:
        raise DockerError("login: empty password on stdin")
    if not REGISTRY.match(host):
        raise DockerError(f"login: not an ECR registry: {host}")
    path = config_dir() / "config.json"
    document = json.loads(path.read_text()) if path.exists() else {}
    document.setdefault("auths", {})[host] = {"auth": base64.b64encode(f"{user}:{password}".encode()).decode()}
    path.write_text(json.dumps(document))
    print("Login Succeeded")


def build(args: list[str]) -> None:
    tag = args[args.index("--tag") + 1]
    labels = dict(args[i + 1].split("=", 1) for i, a in enumerate(args) if a == "--label")
    context = Path(args[-1])
    if not (context / "Dockerfile").is_file():
        raise DockerError(f"build: no Dockerfile in {context}")
    layers = [{"mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip", "size": 1024,
               "digest": "sha256:" + hashlib.sha256(uuid.uuid4().bytes).hexdigest()} for _ in range(2)]
    config = json.dumps({"architecture": "amd64", "os": "linux", "config": {"Labels": labels}})
    manifest = {"schemaVersion": 2, "mediaType": MANIFEST_TYPE,
                "config": {"mediaType": "application/vnd.docker.container.image.v1+json", "size": len(config),
                           "digest": "sha256:" + hashlib.sha256(config.encode()).hexdigest()},
                "layers": layers}
    save_image(tag, {"manifest": manifest, "labels": labels})
    print(f"Successfully tagged {tag}")


def tag(args: list[str]) -> None:
    source, target = args
    save_image(target, load_image(source))


def push(args: list[str]) -> None:
    (reference,) = args
    host, repository, image_tag = split_reference(reference)
    require_login(host)
    image = load_image(reference)
    client = ecr_client(host)
    digests = [layer["digest"] for layer in image["manifest"]["layers"]]
    registry_call(client, "batch_check_layer_availability", repositoryName=repository, layerDigests=digests)
    for digest in digests:
        upload = registry_call(client, "initiate_layer_upload", repositoryName=repository)
        upload_id = upload.get("uploadId", "moto-has-no-upload-id")
        registry_call(client, "upload_layer_part", repositoryName=repository, uploadId=upload_id,
                      partFirstByte=0, partLastByte=3, layerPartBlob=b"tar!")
        registry_call(client, "complete_layer_upload", repositoryName=repository, uploadId=upload_id,
                      layerDigests=[digest])
    registry_call(client, "put_image", repositoryName=repository, imageTag=image_tag,
                  imageManifest=json.dumps(image["manifest"]), imageManifestMediaType=MANIFEST_TYPE)
    print(f"{image_tag}: pushed")


def pull(args: list[str]) -> None:
    (reference,) = args
    host, repository, image_tag = split_reference(reference)
    require_login(host)
    client = ecr_client(host)
    found = registry_call(client, "batch_get_image", repositoryName=repository, imageIds=[{"imageTag": image_tag}],
                          acceptedMediaTypes=[MANIFEST_TYPE])
    if not found.get("images"):
        raise DockerError(f"manifest for {reference} not found")
    manifest = json.loads(found["images"][0]["imageManifest"])
    for layer in manifest.get("layers", []):
        registry_call(client, "get_download_url_for_layer", repositoryName=repository, layerDigest=layer["digest"])
    save_image(reference, {"manifest": manifest, "labels": {}})
    print(f"Status: Downloaded newer image for {reference}")


COMMANDS = {"login": login, "build": build, "tag": tag, "push": push, "pull": pull}


def main(argv: list[str]) -> int:
    log = os.environ.get("FAKE_DOCKER_LOG")
    if log:
        with open(log, "a") as output:
            output.write(json.dumps(argv) + "\n")
    if not argv or argv[0] not in COMMANDS:
        print(f"fake docker: unsupported command {argv[:1]}", file=sys.stderr)
        return 125
    try:
        COMMANDS[argv[0]](argv[1:])
    except DockerError as error:
        print(f"Error response from daemon: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
